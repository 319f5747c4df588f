from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import ListingFields


class JoinPage(ListingFields, Page):
    """Why to join, and how: the page prospective members apply from."""

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        help_text="Why to join, ending with a call to action that points to #apply.",
    )

    content_panels = [*Page.content_panels, *ListingFields.listing_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, *ListingFields.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = "join page"
