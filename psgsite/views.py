import logging
import math
import re
import unicodedata

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Q
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as sitemaps
from wagtail.models import Page
from wagtail.search.utils import parse_query_string

from home.models import site_pages
from home.pagination import paginate
from home.parameters import read_parameter
from home.translations import read_translations, translations
from home.visibility import active_locale

from .search import search_pages

logger = logging.getLogger("psgsite.health")

SEARCH_RESULTS_PER_PAGE = 10


class PagesSitemap(Sitemap):
    """Every public page in every language, five hundred to a section, listed by the index at
    /sitemap.xml: a crawler's request renders a bounded part of an archive of any size. Each
    page's entry names its translations (SitePage.get_sitemap_urls), read for the section's
    pages together."""

    limit = 500

    def items(self):
        pages = public_pages(self.get_wagtail_site()).order_by("path").defer_streamfields()
        return pages.specific()

    def _urls(self, page, protocol, domain):
        # Wagtail's, but for the one query that gives the section's pages their translations.
        pages = list(self.paginator.page(page).object_list)
        read_translations(pages)
        urls = [url for item in pages for url in item.get_sitemap_urls(self.request)]
        last_mods = {url.get("lastmod") for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def get_latest_lastmod(self):
        # Django's own would load every page for its date; this asks the database for the last.
        pages = public_pages(self.get_wagtail_site())
        return pages.aggregate(latest=Max("last_published_at"))["latest"]

    @classmethod
    def addresses(cls, site):
        """The index's and every section's path, for a CDN to purge."""
        sections = max(1, math.ceil(public_pages(site).count() / cls.limit))
        return [
            "/sitemap.xml",
            "/sitemap-pages.xml",
            *(f"/sitemap-pages.xml?p={n}" for n in range(2, sections + 1)),
        ]


def public_pages(site):
    """The site's live, public pages in every language: below its home page and the home
    page's translations, which came with it (home.visibility.find_site)."""
    homes = [site.root_page, *(translation.page for translation in translations(site.root_page))]
    below = Q()
    for home in homes:
        below |= Q(path__startswith=home.path)
    return site_pages().filter(below).live().public()


SITEMAPS = {"pages": PagesSitemap}


def sitemap_index(request):
    return sitemaps.index(request, SITEMAPS, sitemap_url_name="sitemap_section")


def sitemap_section(request, section):
    """A section of the sitemap: ?p=2... as the index links to it (another number is a 404)."""
    number = request.GET.get("p", "")
    read_parameter(request, "p", number if re.fullmatch(r"[1-9][0-9]{0,5}", number) else None)
    return sitemaps.sitemap(request, SITEMAPS, section=section)


@require_GET
def robots_txt(request):
    """Crawlers may read every public page; the admin and search results are not for them."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /es/search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def health(request):
    """For load balancers and monitors: can this server reach its database and its cache? It
    answers 503 only when the server cannot serve, without its database; without its cache the
    site is served uncached, so a load balancer must keep sending readers (200, "degraded"). It
    reads no session and sets no cookie."""
    checks = {"database": _check_database, "cache": _check_cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:
            logger.error("Health check: %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = "failed"
    if results["database"] != "ok":
        status = "failed"
    else:
        status = "ok" if all(result == "ok" for result in results.values()) else "degraded"
    return JsonResponse({"status": status, **results}, status=503 if status == "failed" else 200)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    if hasattr(cache, "check"):  # Redis: its errors, which its tolerant cache would hide
        cache.check()
        return
    cache.set("health-check", "ok", timeout=10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("the cache did not keep a value")


SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_DESCRIPTION = _(
    "Search the Peru Support Group's news, numbered briefings, events and pages on human "
    "rights, indigenous rights and sustainable development in Peru."
)


@require_GET
def search(request):
    """Site search over every live public page in the request's language (its address names
    it), including the text in StreamField bodies."""
    query = clean_query(request.GET.get("q", ""))
    shortened = len(query) > SEARCH_QUERY_MAX_LENGTH
    query = query[:SEARCH_QUERY_MAX_LENGTH].strip()
    read_parameter(request, "q", query)
    results = None
    more = False
    if query:
        _filters, parsed = parse_query_string(query, operator="and")
        pages = Page.objects.live().public().filter(depth__gt=1, locale=active_locale())
        matches, more = search_pages(parsed, pages)
        results = paginate(request, matches, SEARCH_RESULTS_PER_PAGE)
    return TemplateResponse(
        request,
        "psgsite/search.html",
        {
            "query": query,
            "shortened": shortened,
            "results": results,
            "more": more,
            "meta_description": SEARCH_DESCRIPTION,
        },
    )


def clean_query(query):
    """A query the search backends accept: no control characters (PostgreSQL refuses NUL), and
    quotation marks only in pairs (SQLite's full-text search refuses an unclosed phrase)."""
    query = "".join(" " if unicodedata.category(c).startswith("C") else c for c in query)
    if query.count('"') % 2:
        query = query.replace('"', " ")
    return " ".join(query.split())
