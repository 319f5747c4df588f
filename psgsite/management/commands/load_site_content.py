import json
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.models import Locale, Page, Site

from about.models import AboutPage
from home.models import HomePage, HomePageTeaser, SiteSettings
from membership.models import JoinPage
from news.models import EventPage, NewsIndexPage, NewsPage, Topic

CONTENT_FILE = Path(__file__).resolve().parents[2] / "content" / "site_content.json"


class Command(BaseCommand):
    help = (
        "Load the site's content from psgsite/content/site_content.json. Safe to run again: "
        "a page that already exists (same parent and slug) is left exactly as editors have it. "
        "The Spanish pages are loaded on a site with no page in Spanish, and left alone after; "
        "topics with no Spanish name are given the content's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CONTENT_FILE, help="Content file (JSON).")

    def handle(self, *args, file, **options):
        content = json.loads(file.read_text(encoding="utf-8"))
        self.created = self.kept = 0
        with transaction.atomic():
            home, home_is_new = self.home_page(content)
            news_index = self.page(home, NewsIndexPage, content["news_index"])
            for item in content["news"]:
                self.page(news_index, NewsPage, item)
            for item in content["events"]:
                self.page(news_index, EventPage, item)
            about = dict(content["about"])
            children = about.pop("children")
            about_page = self.page(home, AboutPage, about)
            for item in children:
                self.page(about_page, AboutPage, item)
            join = self.page(home, JoinPage, content["join"])
            privacy = self.page(home, AboutPage, content["privacy"])
            site_settings = SiteSettings.for_site(home.get_site())
            if site_settings.privacy_notice_id is None:
                site_settings.privacy_notice = privacy
                site_settings.save()
            if home_is_new:
                self.feature_pages(home, content["home"]["teasers"])
            spanish = self.in_spanish(content["es"], home, about_page, join, privacy)
            topics_named = self.topics_in_spanish(content["es"].get("topics", {}))
        self.stdout.write(
            self.style.SUCCESS(
                f"Site content: {self.created} pages created, {self.kept} already there and kept."
            )
        )
        if spanish:
            self.stdout.write(self.style.SUCCESS(f"In Spanish: {spanish} pages created."))
        else:
            self.stdout.write("In Spanish: the site has Spanish pages already; left as they are.")
        if topics_named:
            self.stdout.write(self.style.SUCCESS(f"In Spanish: {topics_named} topics named."))

    def home_page(self, content):
        home = HomePage.objects.filter(locale=Locale.get_default()).first()
        if home is not None:
            self.report(home, created=False)
            return home, False
        root = Page.get_first_root_node()
        fields = {k: v for k, v in content["home"].items() if k != "teasers"}
        # Wagtail's first migration leaves a placeholder "Welcome" page where our home page goes.
        for placeholder in root.get_children().filter(
            content_type__model="page", content_type__app_label="wagtailcore"
        ):
            if placeholder.get_children_count() == 0:
                placeholder.delete()
        home = self.page(root, HomePage, fields)
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        # Links that leave the site (feeds, canonical links) use the site's own address; the
        # admin's base URL names it here: http://127.0.0.1:8000 on a laptop.
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site.hostname = address.hostname
        site.port = address.port or (443 if address.scheme == "https" else 80)
        site.root_page = home
        site.site_name = content["site"]["site_name"]
        site.save()
        return home, True

    def page(self, parent, model, fields):
        existing = parent.get_children().filter(slug=fields["slug"]).first()
        if existing is not None:
            self.report(existing, created=False)
            return existing.specific
        fields = dict(fields)
        topics = fields.pop("topics", [])
        page = model(**fields)
        if topics:
            page.topics.add(*topics)
        parent.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        self.report(page, created=True)
        return page

    def feature_pages(self, home, slugs):
        for slug in slugs:
            page = home.get_children().get(slug=slug)
            home.teasers.create(page=page)
        home.save_revision(log_action=True).publish()

    def in_spanish(self, content, home, about_page, join, privacy):
        """The Spanish translations of the home page, About us and its pages, the join page and
        the privacy notice, published (as wagtail-localize's would be, sharing each English
        page's translation key); the home page features the Spanish pages its English one
        features. Returns how many pages were made: none where any page is in Spanish already."""
        locale, _ = Locale.objects.get_or_create(language_code="es")
        if Page.objects.filter(locale=locale).exists():
            return 0
        # Published last, with its teasers: the pages it features are in Spanish by then.
        spanish_home = self.translate(home, locale, content["home"], publish=False)
        about = dict(content["about"])
        children = about.pop("children")
        self.translate(about_page, locale, about)
        for slug, fields in children.items():
            self.translate(about_page.get_children().get(slug=slug), locale, fields)
        self.translate(join, locale, content["join"])
        self.translate(privacy, locale, content["privacy"])
        # Afresh: the copy in hand has not counted the pages just added below it (numchild).
        spanish_home = HomePage.objects.get(pk=spanish_home.pk)
        spanish_home.teasers.clear()
        for teaser in home.teasers.select_related("page").order_by("sort_order"):
            translation = teaser.page.get_translation_or_none(locale)
            if translation is not None:
                spanish_home.teasers.add(HomePageTeaser(page=translation))
        spanish_home.save_revision(log_action=True).publish()
        return 4 + len(children)

    def topics_in_spanish(self, names):
        """Gives the topics named here ({English name: Spanish name}) their Spanish names,
        where a moderator has given them none; returns how many were named."""
        topics = Topic.objects.filter(name__in=names, name_es="")
        for topic in topics:
            topic.name_es = names[topic.name]
            # Saved one by one, so that the page cache hears of it (psgsite/page_cache.py).
            topic.save(update_fields=["name_es"])
        return len(topics)

    def translate(self, page, locale, fields, publish=True):
        """The page's translation into the locale (Wagtail's copy_for_translation: its parent's
        is made first), with the fields given; published unless told otherwise."""
        translation = page.specific.copy_for_translation(locale)
        for name, value in fields.items():
            setattr(translation, name, value)
        translation.save()
        if publish:
            translation.save_revision(log_action=True).publish()
        self.stdout.write(f"  created  {translation.url_path}")
        return translation

    def report(self, page, created):
        if created:
            self.created += 1
            self.stdout.write(f"  created  {page.url_path}")
        else:
            self.kept += 1
            self.stdout.write(f"  kept     {page.url_path}")
