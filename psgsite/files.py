"""Files the site answers for at fixed addresses (the favicon), and uploads served by Django
where no web server or bucket serves them (a laptop, the tests)."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

FAVICON = settings.BASE_DIR / "static" / "images" / "favicon.ico"
# Uploads are pictures and documents, never pages: nothing in one may run or load anything, even
# an image opened on its own (SVG) from the site's own address.
MEDIA_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page's links say."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = MEDIA_POLICY
    return response
