"""With a CDN in front, a published or unpublished page is purged from it by Wagtail; the
listings that show the page (its ancestors: the news index with its feeds, the home page), its
translations (which link to it, or no longer) and the sitemap must go too, or readers behind
the CDN see them stale."""

from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.signals import page_published, page_unpublished

from .views import PagesSitemap


def purge_listings(instance, **kwargs):
    batch = PurgeBatch()
    batch.add_pages(instance.get_ancestors().filter(depth__gte=2).live().specific())
    batch.add_pages(instance.get_translations().live().specific())
    site = instance.get_site()
    if site is not None:
        batch.add_urls(site.root_url + path for path in PagesSitemap.addresses(site))
    batch.purge()


def register_signal_handlers():
    page_published.connect(purge_listings, dispatch_uid="psgsite.purge_listings.published")
    page_unpublished.connect(purge_listings, dispatch_uid="psgsite.purge_listings.unpublished")
