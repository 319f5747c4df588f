"""The browser tests' web server lives for the whole run (tests/browser/conftest.py), while each
test starts from an emptied database. Between tests the content types, the site's root paths and
whatever else the server keeps in its caches belong to rows that are gone, so it forgets them
when a test begins: the test process writes a new mark into a file, and the first request that
sees it clears them. Only the test settings add this middleware."""

import os

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches

from home.visibility import forget_kept

MARK_FILE = "PSG_TEST_SERVER_MARK_FILE"


class ForgetBetweenTestsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = os.environ[MARK_FILE]
        self.seen = None

    def __call__(self, request):
        with open(self.path, encoding="utf-8") as mark:
            current = mark.read()
        if current != self.seen:
            ContentType.objects.clear_cache()
            for cache in caches.all():
                cache.clear()
            forget_kept()
            self.seen = current
        return self.get_response(request)
