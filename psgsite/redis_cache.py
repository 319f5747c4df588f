"""Django's Redis cache, with one Redis client for each connection pool where Django's makes a
client for every operation: making one (redis-py copies its table of reply handlers) cost a
fifth of what serving a page from the page cache otherwise does. A client is safe to share
between threads: each command takes a connection from the pool and gives it back."""

from django.core.cache.backends import redis


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
