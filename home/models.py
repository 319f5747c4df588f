import copy

from django.apps import apps
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext_lazy

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager, PageQuerySet, PageViewRestriction
from wagtail.search import index

from .blocks import BaseStreamBlock, SocialLinkBlock
from .translations import (
    Translation,
    alternates,
    translation_of,
    with_translations,
    with_translations_of,
)
from .visibility import active_locale, once_per_generation, view_restrictions


class ListingFields(models.Model):
    """What a page shows of itself where it is listed or teased: a summary and an image."""

    summary = models.TextField(
        max_length=400,
        blank=True,
        help_text="One or two sentences shown in listings, teasers and search results.",
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown beside the summary in listings. Optional.",
    )

    listing_panels = [
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("listing_image")], heading="In listings")
    ]
    # Found by its address, the page comes with its image, which it shows when shared.
    served_with = ("listing_image",)
    search_fields = [index.SearchField("summary")]

    class Meta:
        abstract = True


class SitePageQuerySet(PageQuerySet):
    """Pages whose `public()` reads the view restrictions once a request (home.visibility)."""

    def private_q(self):
        q = Q()
        for restriction in view_restrictions():
            q |= self.descendant_of_q(restriction.page, inclusive=True)
        return q if q else Q(pk__in=[])


def site_pages():
    """All pages, of every type, as SitePageQuerySet: Page.objects is Wagtail's own."""
    return SitePageQuerySet(Page)


# A field of a page's own type, for the page of the outer query. Written out, like
# home.translations' subqueries: Django takes milliseconds to build the same of Subquery and
# Coalesce, on every page that lists pages, where this takes microseconds.
_OWN_FIELD_SQL = "(SELECT {column} FROM {table} WHERE {key} = {page}.id)"


def with_listing_fields(pages, types=None):
    """Pages of any of these types (all types by default), each with the summary and listing
    image id of its own type (ListingFields), read in the same query rather than in one more
    for each type."""
    tables = sorted(
        {
            model._meta.get_field("summary").model  # the table that holds the fields
            for model in (types or apps.get_models())
            if issubclass(model, ListingFields) and issubclass(model, Page)
        },
        key=lambda model: model._meta.label,
    )
    quote = connection.ops.quote_name

    def own(field, output_field):
        if not tables:
            return Value(None, output_field=output_field)
        found = [
            _OWN_FIELD_SQL.format(
                column=quote(model._meta.get_field(field).column),
                table=quote(model._meta.db_table),
                key=quote(model._meta.pk.column),
                page=quote(Page._meta.db_table),
            )
            for model in tables
        ]
        # The SQL names the models' own tables and columns, and has no parameters.
        return RawSQL(f"COALESCE({', '.join(found)}, NULL)", [], output_field=output_field)  # noqa: S611

    return pages.annotate(
        summary=own("summary", models.TextField()),
        listing_image_id=own("listing_image", models.IntegerField()),
    )


def top_pages(root):
    """The live, public pages just below the home page, with their summaries and listing
    images (with_listing_fields), read once a generation (home/visibility.py): the menu and
    the links of every page (the join page, the news) come from them."""
    return once_per_generation(
        ("top-pages", root.pk),
        lambda: list(
            with_listing_fields(
                site_pages().child_of(root).live().public(),
                root.specific_class.allowed_subpage_models(),
            ).order_by("path")
        ),
    )


SitePageManager = PageManager.from_queryset(SitePageQuerySet)


class SitePage(Page):
    """What every page type of the site shares: it is served without asking the database for
    view restrictions while the site has none (Wagtail asks twice for each page served)."""

    objects = SitePageManager()

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        if not view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    @property
    def localized(self):
        """This page in the request's language where it is published in it, as Wagtail's; a
        page already in that language is itself without asking the database for the locale."""
        locale = active_locale()
        if locale is None or locale.pk == self.locale_id:
            return self
        translation = self.get_translation_or_none(locale)
        return translation if translation is not None and translation.live else self

    def subpath_in_translation(self, translation, subpath):
        """Where what the page shows at subpath (a routable page's own address below it) is
        below its translation (home.translations.Translation): the same subpath, or "" (the
        translation itself) where the translation has nothing there."""
        return subpath

    def get_sitemap_urls(self, request=None):
        """The page's entry, with its addresses in the other languages it is in."""
        urls = super().get_sitemap_urls(request)
        found = alternates(self, request)
        if found:
            urls[0]["alternates"] = found
        return urls


class ListingQuerySet(SitePageQuerySet):
    def with_listing_images(self):
        """Each page's listing image, and all the image's renditions in one more query: without
        them each image asks for its own, from the database whenever the cache has not got them."""
        return self.select_related("listing_image").prefetch_related("listing_image__renditions")


ListingPageManager = PageManager.from_queryset(ListingQuerySet)


class HomePage(SitePage):
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.NewsIndexPage", "about.AboutPage", "membership.JoinPage"]
    max_count = 1

    heading = models.CharField(
        max_length=120,
        blank=True,
        help_text="The home page's main heading: what we campaign for, in a line. "
        "The page title where it is empty.",
    )
    intro = models.TextField(
        blank=True, help_text="A sentence or two under the heading saying who we are."
    )
    lead_story = models.ForeignKey(
        "news.NewsPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Pin a news item or briefing as the home page's lead story. Leave empty to "
        "lead with the newest item, which also leads while the pinned one is unpublished or "
        "private.",
    )
    body = StreamField(BaseStreamBlock(), blank=True, help_text="Optional content below the news.")

    content_panels = [
        *Page.content_panels,
        FieldPanel("heading"),
        FieldPanel("intro"),
        FieldPanel("lead_story"),
        InlinePanel(
            "teasers",
            heading="Pages to feature",
            label="Featured page",
            help_text="Pages teased under Get involved, such as About us and Join.",
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("heading"),
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = gettext_lazy("home page")

    def route(self, request, path_components):
        """The page at a path below the home page, found with the pages between in one query
        (by their slugs), and as its own type in one more, where Wagtail asks twice a level. The
        page found keeps its parent and the pages above it (route_ancestors, for the
        breadcrumbs). A page between that answers the rest of the path itself (a routable
        page's own route, such as the news index's years) is given it, as Wagtail would.

        Nothing is served in a language the home page has not been published in: its address
        (/es/...) is not found, rather than showing the English pages under it."""
        locale = active_locale()
        if locale is None or locale.pk != self.locale_id:
            raise Http404
        if not path_components:
            return super().route(request, path_components)
        candidates = list(
            site_pages()
            .descendant_of(self)
            .filter(slug__in=set(path_components), depth__lte=self.depth + len(path_components))
        )

        def child(parent, slug):
            for page in candidates:
                if page.slug == slug and page.depth == parent.depth + 1:
                    if page.path.startswith(parent.path):
                        return page
            return None

        ancestors, page = [self], child(self, path_components[0])
        if page is None:
            raise Http404
        for depth in range(1, len(path_components) + 1):
            rest = path_components[depth:]
            below = child(page, rest[0]) if rest else None
            if below is None or answers_below(page.specific_class, rest):
                model = page.specific_class
                # What every page of the type shows of its own relations comes with it, and
                # where it is in the other languages (home.translations).
                related = getattr(model, "served_with", ())
                pages = model.objects.select_related(*related)
                found = with_translations(pages, locale.language_code).get(pk=page.pk)
                found._cached_parent_obj = ancestors[-1]
                found.route_ancestors = ancestors
                return found.route(request, rest)
            ancestors.append(page)
            page = below
        raise Http404  # not reached: the last component has no rest

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["teasers"] = self.featured_pages()
        return context

    def structured_data(self, request, organisation, image_url):
        data = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": organisation.organisation_name,
            "url": self.get_full_url(request),
            "description": self.intro,
        }
        if organisation.email:
            data["email"] = organisation.email
        if organisation.address:
            data["address"] = ", ".join(organisation.address.splitlines())
        links = [link.value["url"] for link in organisation.social_links]
        if links:
            data["sameAs"] = links
        return data

    def featured_pages(self):
        """The live, public featured pages in the editor's order, each in the home page's
        language (a page featured in another is shown by its live translation, and left out
        where it has none), with the summary and listing image of their own types (in the one
        query) and the images' renditions (in one more)."""
        # The teasers of a revision (a preview, the history) are in memory, not in the database.
        ids = [teaser.page_id for teaser in self.teasers.all()]
        if not ids:
            return []
        sql = _TEASED_SQL.format(
            page=connection.ops.quote_name(Page._meta.db_table), ids=", ".join(["%s"] * len(ids))
        )
        # The SQL names the model's own table; the ids are parameters.
        teased_id = RawSQL(sql, ids, output_field=models.IntegerField())  # noqa: S611
        found = {
            page.teased_id: page
            for page in with_listing_fields(
                site_pages()
                # By the translation key's index: the subquery alone is asked of every page.
                .filter(
                    locale_id=self.locale_id,
                    translation_key__in=Page.objects.filter(pk__in=ids).values("translation_key"),
                )
                .annotate(teased_id=teased_id)
                .live()
                .public()
            )
        }
        featured = [found[pk] for pk in ids if pk in found]
        with_image = [page for page in featured if page.listing_image_id]
        image_ids = {page.listing_image_id for page in with_image}
        images = get_image_model().objects.prefetch_renditions().in_bulk(image_ids)
        for page in with_image:
            page.listing_image = images[page.listing_image_id]
        return featured


def answers_below(page_class, path_components):
    """Whether a page type's own route() answers for this path below it, before its children."""
    if page_class is None or page_class.route is Page.route:
        return page_class is None
    if issubclass(page_class, RoutablePageMixin) and page_class.route is RoutablePageMixin.route:
        try:
            page_class.get_resolver().resolve("/" + "".join(f"{part}/" for part in path_components))
        except Http404:
            return False
    return True


# The featured page (of the ids) that the page of the outer query is, or translates. Written
# out as with_listing_fields' fields are.
_TEASED_SQL = """
    SELECT teased.id FROM {page} teased
    WHERE teased.translation_key = {page}.translation_key AND teased.id IN ({ids})
    ORDER BY teased.path LIMIT 1
"""


class HomePageTeaser(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="teasers")
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Its title, summary and image are shown on the home page.",
    )

    panels = [FieldPanel("page")]


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the header and footer of every page say: moderators change it under Settings."""

    # Every page shows the logo, names a social image and links the privacy notice, in the page's
    # language where it is translated (base_queryset): loaded with the settings themselves.
    select_related = ["logo", "social_image", "privacy_notice__locale"]

    @classmethod
    def base_queryset(cls):
        return with_translations_of(super().base_queryset(), "privacy_notice")

    @classmethod
    def for_site(cls, site):
        """The site's settings, read once a generation (home/visibility.py); each request gets a
        copy of its own, which Wagtail gives the request it is for."""
        if site is None:
            return super().for_site(site)  # raises DoesNotExist, as Wagtail's does
        kept = once_per_generation(
            ("site-settings", site.pk), lambda: super(SiteSettings, cls).for_site(site)
        )
        return copy.copy(kept)

    organisation_name = models.CharField(
        max_length=200,
        default="Peru Support Group",
        help_text="Shown in the header, the footer and page titles.",
    )
    address = models.TextField(blank=True, help_text="Postal address, one line per line.")
    email = models.EmailField(blank=True, help_text="The public contact address.")
    phone = models.CharField(
        max_length=40, blank=True, help_text="A public telephone number, if there is one."
    )
    membership_email = models.EmailField(
        "membership secretary's email",
        blank=True,
        help_text="Told of each membership application. If empty, the public contact address is.",
    )
    privacy_notice = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page that says how we use personal data: linked from the footer and "
        "the membership application form.",
    )
    charity_details = models.CharField(
        max_length=200, blank=True, help_text="Registration details, if any, for the footer."
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())], blank=True, help_text="Links to our pages elsewhere."
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the header beside the name. An SVG, or a PNG at least 160 pixels high.",
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a page without its own image is shared on social media "
        "(cropped to 1200 by 630 pixels).",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("logo"), FieldPanel("social_image")],
            heading="Identity",
        ),
        MultiFieldPanel(
            [
                FieldPanel("email"),
                FieldPanel("phone"),
                FieldPanel("address"),
                FieldPanel("social_links"),
            ],
            heading="Contact details, shown in the footer when set",
        ),
        FieldPanel("membership_email"),
        FieldPanel("charity_details"),
        FieldPanel("privacy_notice"),
    ]

    class Meta:
        verbose_name = "site settings"

    def privacy_notice_in(self, language):
        """The privacy notice a page in the language links, as a Translation: its live
        translation in the language, or else the notice itself in its own; None while neither
        is live."""
        translation = translation_of(self, "privacy_notice", language)
        if translation is not None:
            return Translation(language, translation)
        notice = self.privacy_notice
        if notice is None or not notice.live:
            return None
        return Translation(notice.locale.language_code, notice)
