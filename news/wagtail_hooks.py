from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .views import TopicViewSet

register_snippet(TopicViewSet)


@hooks.register("insert_editor_js")
def topic_field_js():
    return format_html('<script src="{}"></script>', static("js/admin/topic-field.js"))
