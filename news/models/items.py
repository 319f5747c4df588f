"""What the news index lists: the shared entry, and news items with their briefings."""

import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, models
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import ListingFields, ListingPageManager, SitePage
from home.visibility import view_restrictions

from ..forms import BriefingPageForm, NewsItemPageForm
from .topics import Topic


class NewsItemTopic(ItemBase):
    # The related name is the one taggit's TaggedItemBase gave, which queries name.
    tag = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_items"
    )
    # Indexed by the constraint below, which leads with it.
    content_object = ParentalKey(
        "news.NewsItemPage", on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )

    class Meta:
        # An item carries a topic once. The constraint's index, item first, is also the one
        # from which related stories read the topics of the items they weigh.
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="news_item_topic_once")
        ]


class NewsItemPage(ListingFields, SitePage):
    """What the news index lists. News items, briefings and events share this table, so one
    query can list them all in date order; it is never created on its own."""

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    is_creatable = False

    date = models.DateField(
        "date",
        default=datetime.date.today,
        help_text="The date shown with the item. Change it for items that first appeared earlier.",
    )
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        help_text="The full text: paragraphs, headings, images, quotes, documents and more.",
    )
    topics = ClusterTaggableManager(
        "topics",
        through=NewsItemTopic,
        blank=True,
        help_text=(
            "Subjects such as Mining or Human rights, which readers can follow. Choose from the "
            "list; ask a moderator to add a topic."
        ),
    )

    objects = ListingPageManager()

    base_form_class = NewsItemPageForm

    search_fields = [
        *Page.search_fields,
        *ListingFields.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = "news listing entry"
        # Listings, feeds and the home page read the newest first: with this they read the
        # few they show rather than sort the archive.
        indexes = [models.Index(fields=["date", "page_ptr"], name="news_item_by_date")]

    # What a listing's single query loads along with each entry, to tell its kind; listings
    # that show images add them (ListingQuerySet.with_listing_images), feeds need none.
    LISTING_RELATED = ("newspage__briefing_document", "eventpage")

    @cached_property
    def detail(self):
        """This entry as the news item or event it is. Listings load that row in their own
        query (LISTING_RELATED); a news item or event on its own page is its own detail."""
        if type(self) is not NewsItemPage:
            return self
        for name in ("newspage", "eventpage"):
            try:
                return getattr(self, name)
            except ObjectDoesNotExist:
                continue
        return self

    def sorted_topics(self):
        """Its topics by the names shown: the database gives them in no fixed order. Sorted
        here so that a prefetch of the topics serves it; kept, as a page shows them in several
        places (in its own language)."""
        if not hasattr(self, "_sorted_topics"):
            self._sorted_topics = Topic.in_shown_order(self.topics.all())
        return self._sorted_topics

    # Templates tell an event by this, not by its label, which is translated.
    is_event = False

    @property
    def kind_label(self):
        """Shown beside the date in listings; plain news has none."""
        detail = self.detail
        return "" if detail is self else detail.kind_label

    # Related stories are chosen among this many of the newest items that share a topic, so
    # that choosing them costs the same however large the archive grows.
    RELATED_CANDIDATES = 200

    def related_stories(self, topics, count=3):
        """Up to count live, public items in this item's language that share the most of these
        topics (this item's, as shown), the newest first among equals, chosen among the
        RELATED_CANDIDATES newest that share any; never this item. One query, however many
        topics: the topics are passed in because a preview's are not yet in the database.

        Each is the news item or event it is, with what a related story shows (its title, date,
        kind and address) and nothing more."""
        topic_ids = [topic.pk for topic in topics if topic.pk is not None]
        if not topic_ids:
            return []
        from .events import EventPage  # it imports this module

        quote = connection.ops.quote_name
        # Outside every private section, as public() has it.
        private = [restriction.page.path for restriction in view_restrictions()]
        sql = _RELATED_SQL.format(
            item=quote(NewsItemPage._meta.db_table),
            page=quote(Page._meta.db_table),
            topic=quote(NewsItemTopic._meta.db_table),
            news=quote(NewsPage._meta.db_table),
            event=quote(EventPage._meta.db_table),
            topics=", ".join(["%s"] * len(topic_ids)),  # a placeholder for each topic
            public=" AND substr(item_page.path, 1, %s) <> %s" * len(private),
        )
        params = [
            *topic_ids,  # for how many each shares
            self.locale_id,
            self.pk or 0,  # a new page's preview has no id yet
            *topic_ids,
            *[value for path in private for value in (len(path), path)],
            self.RELATED_CANDIDATES,
            count,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        stories = []
        for pk, *shown, is_news, is_event in rows:
            model = EventPage if is_event else NewsPage if is_news else NewsItemPage
            stories.append(
                _loaded(model, {"id": pk, **dict(zip(_RELATED_SHOWN, shown, strict=True))})
            )
        return stories


def _loaded(model, values):
    """An instance of model as the database gives it, from the values of some of its fields
    (by attribute name; the links to its parents' rows are its id). Other fields are read from
    the database if asked for, as a deferred field is."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.attname in values or (field.remote_field and field.remote_field.parent_link)
    ]
    return model.from_db(
        connection.alias,
        [field.attname for field in fields],
        [field.to_python(values.get(field.attname, values["id"])) for field in fields],
    )


# Related stories (NewsItemPage.related_stories), written out as home.translations' subqueries
# are: Django took longer to build the same of nested querysets, and to make model instances of
# every table of a listing, than PostgreSQL took to plan and run it, on every news item served.
# Ranked by their keys alone, then the few chosen read with what a related story shows.
_RELATED_SHOWN = (
    "title",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "date",
    "is_briefing",
    "issue_number",
)
_RELATED_SQL = """
    SELECT chosen.id, chosen_page.title, chosen_page.url_path, chosen_page.path,
           chosen_page.depth, chosen_page.locale_id, chosen.date, news.is_briefing,
           news.issue_number, news.newsitempage_ptr_id IS NOT NULL,
           event.newsitempage_ptr_id IS NOT NULL
    FROM (
        SELECT candidate.id, candidate.date, (
            SELECT COUNT(*) FROM {topic} tagged
            WHERE tagged.content_object_id = candidate.id AND tagged.tag_id IN ({topics})
        ) AS shared
        FROM (
            SELECT item.page_ptr_id AS id, item.date
            FROM {item} item INNER JOIN {page} item_page ON item_page.id = item.page_ptr_id
            WHERE item_page.live AND item_page.locale_id = %s AND item.page_ptr_id <> %s
              AND EXISTS (
                  SELECT 1 FROM {topic} tagged
                  WHERE tagged.content_object_id = item.page_ptr_id AND tagged.tag_id IN ({topics})
              ){public}
            ORDER BY item.date DESC, item.page_ptr_id DESC
            LIMIT %s
        ) candidate
        ORDER BY shared DESC, candidate.date DESC, candidate.id DESC
        LIMIT %s
    ) chosen
    INNER JOIN {page} chosen_page ON chosen_page.id = chosen.id
    LEFT OUTER JOIN {news} news ON news.newsitempage_ptr_id = chosen.id
    LEFT OUTER JOIN {event} event ON event.newsitempage_ptr_id = chosen.id
    ORDER BY chosen.shared DESC, chosen.date DESC, chosen.id DESC
"""


class NewsPage(NewsItemPage):
    """A news item. Briefings are news items too (BriefingPage), with a number and a PDF: the
    fields are here so that listings tell one from the other in the query that lists them."""

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    is_briefing = models.BooleanField(
        "this is a briefing",
        default=False,
        editable=False,
        help_text="True for briefings (BriefingPage) alone.",
    )
    issue_number = models.PositiveIntegerField(
        "briefing number", null=True, blank=True, help_text="The briefing's number."
    )
    briefing_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="briefing PDF",
        help_text="The briefing as a PDF: readers get a link to download it. Put it here only, "
        "not in the body as well.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        *ListingFields.listing_panels,
        FieldPanel("body"),
        FieldPanel("topics"),
    ]

    class Meta:
        verbose_name = gettext_lazy("news item")

    open_graph_type = "article"
    served_with = ("listing_image", "briefing_document")

    def structured_data(self, request, organisation, image_url):
        publisher = {"@type": "Organization", "name": organisation.organisation_name}
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "description": self.summary,
            "datePublished": self.date.isoformat(),
            "url": self.get_full_url(request),
            "author": publisher,
            "publisher": publisher,
        }
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        if image_url:
            data["image"] = [image_url]
        return data

    @property
    def kind_label(self):
        if not self.is_briefing:
            return ""
        if self.issue_number:
            return _("Briefing %(number)s") % {"number": self.issue_number}
        return _("Briefing")

    def clean(self):
        super().clean()
        errors = {}
        if not self.is_briefing and (self.issue_number or self.briefing_document_id):
            errors["is_briefing"] = "Only a briefing has a briefing number or document."
        document = self.briefing_document
        if document is not None and document.file_extension.lower() != "pdf":
            errors["briefing_document"] = "Choose a PDF document."
        elif document is not None and document.pk in self.body_document_ids():
            errors["briefing_document"] = (
                "This PDF is also a document block in the body, and would show twice: "
                "keep it here and delete the block from the body."
            )
        if self.is_briefing and self.issue_number:
            # A briefing's translations carry its number.
            others = NewsPage.objects.filter(
                is_briefing=True, issue_number=self.issue_number, locale_id=self.locale_id
            )
            if others.exclude(pk=self.pk).exists():
                errors["issue_number"] = f"Briefing {self.issue_number} already exists."
        if errors:
            raise ValidationError(errors)

    def body_document_ids(self):
        return {
            block.value["document"].pk
            for block in self.body
            if block.block_type == "document" and block.value["document"] is not None
        }


class BriefingPage(NewsPage):
    """One of the Group's numbered briefings: its own choice when adding a page. Its number
    and PDF are stored with every news item's (NewsPage), so that listings need no more
    queries for it; this table holds the page's type alone."""

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    base_form_class = BriefingPageForm
    # Readers see a briefing as the news item it is, with its download link.
    template = "news/news_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("issue_number"), FieldPanel("briefing_document")],
            heading="Briefing",
        ),
        FieldPanel("date"),
        *ListingFields.listing_panels,
        FieldPanel("body"),
        FieldPanel("topics"),
    ]

    class Meta:
        verbose_name = gettext_lazy("briefing")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_briefing = True

    def clean(self):
        self.is_briefing = True
        super().clean()

    def save(self, *args, **kwargs):
        self.is_briefing = True
        return super().save(*args, **kwargs)
