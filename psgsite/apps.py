from django.apps import AppConfig


class PsgsiteConfig(AppConfig):
    """The project itself: site-wide management commands and the day-one content."""

    name = "psgsite"
    verbose_name = "Peru Support Group site"
