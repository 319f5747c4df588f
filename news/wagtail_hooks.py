from wagtail.snippets.models import register_snippet

from .views import TopicViewSet

register_snippet(TopicViewSet)
