"""The cache of Wagtail's image renditions ("renditions" in CACHES, which Wagtail uses where it
exists): the site's default cache, except that what it hands out is marked as found in the cache
and is not written back.

Wagtail 8.0.1 marks only the renditions prefetched with their image, so a rendition it found in
the cache went back into it at every render: for a body image in six sizes, a transaction of
nine commands to Redis on each request for the page (fixed in Wagtail after 8.0.1,
wagtail/wagtail#14541). A new rendition, or one read from the database, is written as before.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

from psgsite.redis_cache import TolerantRedisCache


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


class RedisRenditionCache(FoundNotWrittenBack, TolerantRedisCache):
    pass


class LocMemRenditionCache(FoundNotWrittenBack, LocMemCache):
    pass
