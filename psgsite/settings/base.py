"""Settings for every environment, safe to deploy as they stand: DEBUG off, secrets from the
environment."""

import os
from pathlib import Path

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in env("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "psgsite",
    "home",
    "news",
    "about",
    "membership",
    "alerts",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "axes",
    "csp",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "psgsite.page_cache.PageCacheMiddleware",
    "psgsite.middleware.PathLanguageMiddleware",
    "home.visibility.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "psgsite.middleware.PrivateWhenLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "psgsite.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins in the database, which every app server shares.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "psgsite.urls"
# Staff log in to the admin; the login form of login-only pages sends them back to the page.
LOGIN_REDIRECT_URL = "wagtailadmin_home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "psgsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the scheduler write to one file: take the write lock at the start of
    # each transaction and wait for it, rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # The development and test servers run each request in a thread of its own: a connection
    # kept open past its thread's end is closed from another thread, which SQLite does not bear.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel workers for the site's queries: they take a few milliseconds, about what a
    # worker takes to start, and a busy server's other cores are serving other readers. A
    # search's lookup of the newest matches went from 3 to 11 ms when PostgreSQL chose one.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c max_parallel_workers_per_gather=0"
    )
    # Parameters sent apart from the SQL, and each query a connection has run a few times kept
    # prepared on the server, which then plans it once rather than on every request: that
    # planning was two fifths of PostgreSQL's time on a news item. A pooler in transaction mode
    # (PgBouncer before 1.21) cannot keep a statement prepared: DATABASE_PREPARED_STATEMENTS=0.
    if env("DATABASE_PREPARED_STATEMENTS", "1") != "0":
        DATABASES["default"]["OPTIONS"].update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the addresses the site always had, Spanish under /es/ (psgsite/urls.py): the
# language of a page is the one its address names, never the browser's (PathLanguageMiddleware).
# Editors translate pages in the admin with wagtail-localize; a page is in Spanish only once its
# translation is published.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A translation goes live when its translator publishes it, not when the original is published.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# The site's own words in other languages (`make messages`): readers' pages, forms and emails.
LOCALE_PATHS = [BASE_DIR / "psgsite" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# In production the web server or object storage serves uploads; Django does on a laptop.
SERVE_MEDIA_FILES = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The cache: Redis, shared by every app server and process, when REDIS_URL names one; otherwise
# each process keeps its own in memory, which is right only where one process serves the site
# (gunicorn then runs one worker: psgsite/gunicorn.py).
# The "pages" cache holds the pages served to anonymous readers (psgsite/page_cache.py), the
# "renditions" cache Wagtail's image renditions (psgsite/rendition_cache.py).
# With Redis down or full the site goes on uncached (psgsite/redis_cache.py); a server that does
# not answer is given up on within a second. Production's Redis needs a memory cap and an
# eviction policy (README, "Redis").
if os.environ.get("REDIS_URL"):
    _REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    CACHES = {
        "default": {
            "BACKEND": "psgsite.redis_cache.TolerantRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": _REDIS_OPTIONS,
        },
        "renditions": {
            "BACKEND": "psgsite.rendition_cache.RedisRenditionCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": _REDIS_OPTIONS,
        },
        "pages": {
            "BACKEND": "psgsite.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "pages",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {
            "BACKEND": "psgsite.rendition_cache.LocMemRenditionCache",
            "LOCATION": "renditions",
        },
        # About 30 kB a page: a thousand pages keep a worker well under its memory budget.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }
# How long a page is kept at most; a change shows at once whatever this is. 0 turns it off.
PAGE_CACHE_SECONDS = int(env("DJANGO_PAGE_CACHE_SECONDS", "3600"))
# Readers of a page that is being rendered wait for it rather than render it too (page_cache.py);
# DJANGO_PAGE_CACHE_COALESCE=0 turns that off, for the benchmark to compare (bench/recovery.py).
PAGE_CACHE_COALESCE = env("DJANGO_PAGE_CACHE_COALESCE", "1") != "0"

# What every page reads and only a change to the content alters (the site, its settings, the
# menu, the listings' topics and years) is kept in each process while the page cache's
# generation lasts (home/visibility.py); DJANGO_PAGE_DATA_KEPT=0 turns that off.
PAGE_DATA_KEPT = env("DJANGO_PAGE_DATA_KEPT", "1") != "0"

# Security headers on every response; production.py adds HSTS and secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page of the site may be framed; Wagtail's preview views, which the admin shows in a frame of
# its own, answer SAMEORIGIN themselves.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Public pages run no inline script and no script from elsewhere. Embedded videos come in frames.
EMBED_FRAME_SOURCES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *EMBED_FRAME_SOURCES],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's admin uses inline scripts and styles and evaluates code, so under /admin/ the policy
# is relaxed (psgsite.middleware); it is still confined to this site's own origin.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "frame-src": ["'self'", "https:"],
        # The admin shows its page previews in a frame of its own.
        "frame-ancestors": ["'self'"],
    }
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self", *EMBED_FRAME_SOURCES],
}

# Admin logins: after five failures from one address, or for one account from one address, both
# are refused for 30 minutes; a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "psgsite/lockout.html"
AXES_VERBOSE = True
AXES_CLIENT_IP_CALLABLE = "home.client_ip.client_ip"
# How many proxies in front add to X-Forwarded-For; none where the site is reached directly.
TRUSTED_PROXY_COUNT = 0

# Wagtail's page editor posts many fields for long StreamField bodies.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Peru Support Group"
# Staff avatars are not fetched from Gravatar, which would send a hash of their email elsewhere.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database backend, changed on PostgreSQL for speed (psgsite/search.py). There,
# words are matched by their stem in their page's language ("mining" finds "mine", "derecho"
# finds "derechos"), whatever the database server's own default: English, and the languages
# of LANGUAGE_CONFIGS. A change of configuration needs `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "psgsite.search",
        "SEARCH_CONFIG": "english",
        "LANGUAGE_CONFIGS": {"es": "spanish"},
    }
}
# Where more pages match a search, the most recent this many are ranked and listed.
SEARCH_RANKED_MATCHES = 200
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Every document is downloaded, never shown in the browser as a page of this site.
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# SVG is accepted for logos and diagrams; an SVG that could run script or fetch from elsewhere is
# refused at upload (home/images.py), since opened on its own it runs as a page of the site.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "home.images.ImageForm"
# Renditions are made only at the sizes the templates name; this bounds the source they are made
# from (a small file can still decode to a huge picture).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Every editor schedules in UK time; the admin says so beside the go-live and expiry fields.
WAGTAIL_USER_TIME_ZONES = ["Europe/London"]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"

# Email: an SMTP server named by the environment; dev and test settings choose their own backend.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "false").lower() == "true"
# A mail server that does not answer must not hold an applicant's request for long: what does
# not go is sent again by the scheduler.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Peru Support Group <webmaster@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# An email service through django-anymail instead of SMTP: DJANGO_EMAIL_BACKEND names its backend
# (e.g. anymail.backends.postmark.EmailBackend) and each ANYMAIL_<SETTING> variable becomes that
# setting of Anymail's (ANYMAIL_POSTMARK_SERVER_TOKEN, say). See the README's email alerts.
if EMAIL_BACKEND.startswith("anymail."):
    INSTALLED_APPS.append("anymail")
    ANYMAIL = {
        name.removeprefix("ANYMAIL_"): value
        for name, value in os.environ.items()
        if name.startswith("ANYMAIL_")
    }

# Membership applications: spam protection and how long personal data is kept (UK GDPR).
MEMBERSHIP_FORM_MIN_SECONDS = 3
MEMBERSHIP_APPLICATIONS_PER_HOUR = int(env("MEMBERSHIP_APPLICATIONS_PER_HOUR", "10"))
# An application is anonymised this many days after its decision...
MEMBERSHIP_RETENTION_DAYS = int(env("MEMBERSHIP_RETENTION_DAYS", "365"))
# ...and deleted if it is still undecided this many days after it was sent.
MEMBERSHIP_ABANDONED_DAYS = int(env("MEMBERSHIP_ABANDONED_DAYS", "365"))
# A registration of interest is deleted this many days after the person last sent it.
MEMBERSHIP_INTEREST_RETENTION_DAYS = int(env("MEMBERSHIP_INTEREST_RETENTION_DAYS", "365"))

# Email alerts: what the public subscribe form takes from one IP address in an hour.
ALERTS_SUBSCRIPTIONS_PER_HOUR = int(env("ALERTS_SUBSCRIPTIONS_PER_HOUR", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per background task run drowns the audit log that Wagtail writes.
        "django_tasks": {"level": "WARNING"},
        "psgsite": {"level": "INFO"},
        "membership": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
