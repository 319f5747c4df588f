"""Django's Redis cache, meeting a Redis server that is down or full in one of two ways:

- `RedisCache` raises the error, for a caller that decides itself what an outage means (the
  page cache serves pages uncached and says so in its log);
- `TolerantRedisCache`, the default cache, answers as an empty cache that keeps nothing would,
  so that everything else that uses the cache (Wagtail's site lookup and page addresses, image
  renditions, the form limits) goes on without it: `get` finds nothing, `add` and `set` keep
  nothing, `incr` finds no key.

After a server fails to answer, it is left alone for a few seconds, every operation then failing
at once: a server that hangs costs one timeout, not one for each of a page's operations, and the
log gets a line, not hundreds. A full server (maxmemory with no eviction) refuses writes only;
reads go on.

Both keep one Redis client for each connection pool, where Django's makes a client for every
operation: making one (redis-py copies its table of reply handlers) cost a fifth of what serving
a page from the page cache otherwise does. A client is safe to share between threads: each
command takes a connection from the pool and gives it back.
"""

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.core.cache.backends import redis

logger = logging.getLogger("psgsite.cache")

# What a Redis server that is down, unreachable or full raises.
CACHE_ERRORS = (RedisError, OSError)
# Errors that say the server cannot be reached, rather than that it refused one command.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5  # seconds

# By server address, for the whole process: Django makes a cache object for each thread.
_left_alone_until = {}
_last_warning = {}


class CacheUnavailable(RedisConnectionError):
    """Raised without trying while a server that failed is left alone."""


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._address = self._servers[0]

    def _failed(self, operation, error, args, kwargs):
        raise error

    def check(self):
        """Writes a value and reads it back, raising whatever the server answers (for /health/,
        which must tell a tolerant cache that keeps nothing from one that works)."""
        redis.RedisCache.set(self, "health-check", "ok", timeout=10)
        if redis.RedisCache.get(self, "health-check") != "ok":
            raise RuntimeError("the cache did not keep a value")

    def _guarded(operation):  # noqa: N805 - a decorator for the class body below
        def method(self, *args, **kwargs):
            if time.monotonic() < _left_alone_until.get(self._address, 0):
                error = CacheUnavailable(f"{self._address} failed less than {RETRY_AFTER} s ago")
                return self._failed(operation, error, args, kwargs)
            try:
                return getattr(redis.RedisCache, operation)(self, *args, **kwargs)
            except CACHE_ERRORS as error:
                if isinstance(error, UNREACHABLE):
                    _left_alone_until[self._address] = time.monotonic() + RETRY_AFTER
                return self._failed(operation, error, args, kwargs)

        method.__name__ = operation
        return method

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")
    del _guarded


class TolerantRedisCache(RedisCache):
    def _failed(self, operation, error, args, kwargs):
        if not isinstance(error, CacheUnavailable):
            now = time.monotonic()
            if now - _last_warning.get(self._address, -RETRY_AFTER) >= RETRY_AFTER:
                _last_warning[self._address] = now
                logger.warning("Cache unavailable, going on without it: %r", error)
        return _nothing_kept(operation, args, kwargs)


def _nothing_kept(operation, args, kwargs):
    """What a cache that keeps nothing answers to `operation` called with `args`, `kwargs`."""
    if operation == "get":
        return kwargs.get("default", args[1] if len(args) > 1 else None)
    if operation == "get_many":
        return {}
    if operation == "set_many":
        return list(kwargs.get("data", args[0] if args else {}))  # the keys it did not keep
    if operation == "incr":
        raise ValueError("Key not found: the cache is unavailable")
    return False if operation in ("add", "touch", "delete", "has_key") else None
