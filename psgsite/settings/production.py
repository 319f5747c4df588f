"""Production: everything from the environment, and a clear refusal to start without what is
required. The README's production section lists every variable."""

import os

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "WAGTAILADMIN_BASE_URL"]


def required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Set the {name} environment variable: production will not start without it "
            "(see the README's production section)."
        )
    return value


# Checked before base.py reads them, so that a missing or empty one is named in one plain line
# (an empty DATABASE_URL would otherwise fail inside dj-database-url, and an empty secret key
# would not fail at all until the first request).
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production will not start: set the environment variable"
        f"{'s' if len(_missing) > 1 else ''} {', '.join(_missing)} "
        "(see the README's production section)."
    )

from psgsite.json_logging import json_logging  # noqa: E402

from .base import *  # noqa: E402, F403
from .base import INSTALLED_APPS, STORAGES, env  # noqa: E402

ALLOWED_HOSTS = [h.strip() for h in required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
WAGTAILADMIN_BASE_URL = required("WAGTAILADMIN_BASE_URL")
CSRF_TRUSTED_ORIGINS = [WAGTAILADMIN_BASE_URL]

# Behind a proxy or load balancer that ends TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("DJANGO_SECURE_SSL_REDIRECT", "true").lower() == "true"
# The load balancer's health checks come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# How many proxies stand in front of the app servers (home/client_ip.py).
TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# Uploads on S3-compatible object storage when a bucket is named; on the local disk otherwise.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    INSTALLED_APPS = [*INSTALLED_APPS, "storages"]
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
                "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    # Documents go through the site, which sends them as downloads, rather than by a redirect
    # to the bucket, which would show them inline.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

# A CDN in front: Wagtail purges a page's addresses from it when the page changes.
if os.environ.get("FRONTEND_CACHE_PURGE_URL") or os.environ.get("CLOUDFLARE_API_TOKEN"):
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    if os.environ.get("CLOUDFLARE_API_TOKEN"):
        WAGTAILFRONTENDCACHE = {
            "cdn": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
                "BEARER_TOKEN": os.environ["CLOUDFLARE_API_TOKEN"],
                "ZONEID": required("CLOUDFLARE_ZONE_ID"),
            }
        }
    else:
        WAGTAILFRONTENDCACHE = {
            "cdn": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
            }
        }

# One JSON object a line on standard output (gunicorn.py writes its own lines in the same form).
LOGGING = json_logging(
    {"django": "INFO", "django_tasks": "WARNING", "wagtail": "INFO", "axes": "WARNING"}
)
