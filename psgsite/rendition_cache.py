"""The cache of Wagtail's image renditions ("renditions" in CACHES, which Wagtail uses where it
exists): the site's default cache, except that what it hands out is marked as found in the cache
and is not written back, and, with Redis, what a page's request found there is kept in the
process for the generation (home/visibility.py), as the frame and the menu are: a page's images
are then found without asking Redis until the content changes. An image's new file or focal
point is such a change; renditions made again without one (wagtail_update_image_renditions) are
served from each process as they were until the next change, as the page cache serves them.

Wagtail 8.0.1 marks only the renditions prefetched with their image, so a rendition it found in
the cache went back into it at every render: for a body image in six sizes, a transaction of
nine commands to Redis on each request for the page (fixed in Wagtail after 8.0.1,
wagtail/wagtail#14541). A new rendition, or one read from the database, is written as before.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

from home.visibility import once_per_generation
from psgsite.redis_cache import TolerantRedisCache

# A few kilobytes each: some pages' worth, well inside a worker's memory budget.
MOST_RENDITIONS_KEPT = 2000


class FoundNotWrittenBack:
    def get_many(self, keys, version=None):
        found = super().get_many(keys, version=version)
        for rendition in found.values():
            rendition._from_cache = True
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Image.get_rendition writes whatever it found, wherever from.
        if not getattr(value, "_from_cache", False):
            super().set(key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        new = {k: v for k, v in data.items() if not getattr(v, "_from_cache", False)}
        return super().set_many(new, timeout=timeout, version=version) if new else []


class KeptForTheGeneration:
    def get_many(self, keys, version=None):
        kept = once_per_generation("renditions", dict)  # a new dict where nothing is kept
        # One get a key: another thread of the worker may empty it meanwhile.
        found = {key: value for key in keys if (value := kept.get(key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            fetched = super().get_many(missing, version=version)
            if len(kept) + len(fetched) > MOST_RENDITIONS_KEPT:
                kept.clear()
            kept.update(fetched)
            found.update(fetched)
        return found


class RedisRenditionCache(KeptForTheGeneration, FoundNotWrittenBack, TolerantRedisCache):
    pass


class LocMemRenditionCache(FoundNotWrittenBack, LocMemCache):
    pass
