from django.apps import AppConfig


class PsgsiteConfig(AppConfig):
    """The project itself: site-wide management commands and the day-one content."""

    name = "psgsite"
    verbose_name = "Peru Support Group site"

    def ready(self):
        from django.conf import settings

        from .media_permissions import register as register_media_permissions
        from .page_cache import register_signal_handlers as register_page_cache
        from .roles import register as register_roles

        register_media_permissions()
        register_page_cache()
        register_roles()
        if "wagtail.contrib.frontend_cache" in settings.INSTALLED_APPS:
            from .frontend_cache import register_signal_handlers

            register_signal_handlers()
