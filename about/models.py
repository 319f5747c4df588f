from django.utils.translation import gettext_lazy

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import ListingFields, ListingPageManager, SitePage


class AboutPage(ListingFields, SitePage):
    parent_page_types = ["home.HomePage", "about.AboutPage"]
    subpage_types = ["about.AboutPage"]

    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        help_text="The text of the page: paragraphs, headings, images, facts and more.",
    )

    objects = ListingPageManager()

    content_panels = [*Page.content_panels, *ListingFields.listing_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, *ListingFields.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = gettext_lazy("about page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = AboutPage.objects.child_of(self).live().public().with_listing_images()
        return context
