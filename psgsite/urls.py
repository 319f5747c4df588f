from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .files import favicon, media
from .passwords import document_password, page_password
from .translated_strings import edit_string_translation, upload_pofile
from .views import health, robots_txt, search, sitemap_index, sitemap_section

urlpatterns = [
    path("sitemap.xml", sitemap_index),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", robots_txt),
    path("favicon.ico", favicon),
    path("health/", health, name="health"),
    # wagtail-localize's saving of a translated string and upload of a PO file, refusing a
    # string too long for its field; before the admin's own at the same addresses.
    path(
        "admin/localize/translate/<int:translation_id>/strings/<int:string_segment_id>/edit/",
        edit_string_translation,
    ),
    path("admin/localize/translate/<int:translation_id>/pofile/upload/", upload_pofile),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's password forms of private pages and documents, with a limit on wrong tries;
    # before Wagtail's own at the same addresses.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        page_password,
    ),
    path("documents/authenticate_with_password/<int:restriction_id>/", document_password),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.SERVE_MEDIA_FILES:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media),
    ]

# In each language: English at the addresses the site always had, Spanish under /es/.
urlpatterns += i18n_patterns(
    path("search/", search, name="search"),
    path("alerts/", include("alerts.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
