"""Running in production: the settings refuse to start without what they need and pass Django's
deployment checks; gunicorn serves the site with whitenoise's compressed, hashed static files; the
health endpoint, the shared cache, media on S3-compatible storage and JSON logs work for real; the
Procfile's commands are the ones the tests run."""

import datetime
import gc
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Revision

from membership.models import JoinPage, MembershipApplication, QueuedEmail
from news.models import NewsIndexPage, NewsPage
from psgsite.roles import EDITORS, MEMBERSHIP_SECRETARIES, MODERATORS
from tests.conftest import free_port, load_site_content, wait_until
from tests.factories import MembershipTypeFactory, NewsPageFactory
from tests.membership.conftest import application_data
from tests.psgsite.conftest import SECRET_KEY, procfile, production_env, run_production

REQUIRED = ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "WAGTAILADMIN_BASE_URL"]
ONE_YEAR = 365 * 24 * 60 * 60
# The Redis database these tests use, and flush, on the local server: one for each test database,
# as `make test` runs the SQLite and PostgreSQL suites side by side (test_scale_out.py has 14).
REDIS_TEST_DB = 13 if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else 12


def json_lines(output):
    """Every line of a process's output as the log records it holds; fails on a line that is
    not JSON."""
    records = []
    for line in output.splitlines():
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError:
                pytest.fail(f"A line of output is not JSON: {line!r}\n\n{output}")
    for record in records:
        assert {"time", "level", "logger", "message"} <= record.keys(), record
        # An ISO 8601 time with its offset from UTC.
        assert datetime.datetime.fromisoformat(record["time"]).utcoffset() is not None, record
    return records


class Visitor:
    """A browser's part, by hand: cookies kept and sent back although they are Secure, since
    these requests come as a TLS-ending load balancer sends them (plain HTTP, saying https in
    X-Forwarded-Proto)."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, headers=None, **kwargs):
        headers = {
            "X-Forwarded-Proto": "https",
            # Django's CSRF protection compares the origin of a secure request with the host.
            "Origin": f"https://127.0.0.1:{self.server.port}",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        url = path if path.startswith("http") else self.server.url + path
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, data, files=None):
        """Fetches the form at `path` and sends it back with `data` and its CSRF token."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **data}, files=files)


# 1. Refusal to start without the required settings


@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
@pytest.mark.parametrize("name", REQUIRED)
def test_production_refuses_to_start_without_a_required_variable(name, value):
    result = run_production("check", **{name: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: Production will not start: set the "
        f"environment variable {name} (see the README's production section)."
    ), result.stderr


def test_every_missing_variable_is_named_at_once():
    result = run_production("check", **dict.fromkeys(REQUIRED))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert f"set the environment variables {', '.join(REQUIRED)} " in last_line


def test_the_web_process_refuses_to_start_without_a_secret_key(static_root):
    process = subprocess.run(
        [sys.executable, "-m", "gunicorn", *procfile()["web"].split()[1:]],
        env=production_env(
            PORT=str(free_port()),
            WEB_CONCURRENCY="1",
            DJANGO_STATIC_ROOT=str(static_root),
            DJANGO_SECRET_KEY=None,
        ),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode != 0
    assert "Production will not start: set the environment variable DJANGO_SECRET_KEY" in (
        process.stdout + process.stderr
    )


def test_a_worker_keeps_what_it_loaded_out_of_the_garbage_collectors_full_collections():
    """gunicorn calls the hook once the worker has loaded the site (psgsite/gunicorn.py)."""
    from psgsite import gunicorn as web_config

    gc.unfreeze()
    try:
        web_config.post_worker_init(worker=None)
        # The site's modules, models and settings: this process has loaded them all.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()


# 2. Django's deployment checks


def test_the_deployment_checks_pass_without_a_warning():
    # As deployed: TLS ends at the load balancer, and plain HTTP is redirected to HTTPS.
    result = run_production(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECURE_SSL_REDIRECT=None
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    # The same checks do fail on a warning: a guessable secret key, say.
    weak = run_production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECURE_SSL_REDIRECT=None,
        DJANGO_SECRET_KEY="too-short",
    )
    assert weak.returncode != 0
    assert "security.W009" in weak.stderr


# 3. Static files


def test_static_files_are_served_hashed_compressed_and_cached_for_a_year(
    start_production_server, static_root
):
    load_site_content()
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    original = (static_root / hashed).read_bytes()
    server = start_production_server()

    plain = requests.get(
        f"{server.url}/static/{hashed}", headers={"Accept-Encoding": "identity"}, timeout=10
    )
    assert plain.status_code == 200
    assert plain.content == original
    assert "Content-Encoding" not in plain.headers
    cache_control = plain.headers["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= ONE_YEAR

    # Brotli as well where its package is installed (whitenoise[brotli]); gzip always.
    encodings = ["gzip", "br"] if importlib.util.find_spec("brotli") else ["gzip"]
    for encoding in encodings:
        assert (static_root / f"{hashed}.{'gz' if encoding == 'gzip' else encoding}").exists()
        compressed = requests.get(
            f"{server.url}/static/{hashed}", headers={"Accept-Encoding": encoding}, timeout=10
        )
        assert compressed.status_code == 200
        assert compressed.headers["Content-Encoding"] == encoding
        assert int(compressed.headers["Content-Length"]) < len(original)
        assert compressed.content == original  # as decoded by the client
        assert "Accept-Encoding" in compressed.headers["Vary"]
        assert "immutable" in compressed.headers["Cache-Control"]

    # A name without the hash may change its content: it is not cached for long.
    unhashed = requests.get(f"{server.url}/static/css/site.css", timeout=10)
    assert unhashed.status_code == 200
    assert "immutable" not in unhashed.headers.get("Cache-Control", "")

    # The pages link the hashed names.
    home = requests.get(server.url + "/", timeout=10)
    assert home.status_code == 200
    assert f'<link rel="stylesheet" href="/static/{hashed}">' in home.text
    assert f'href="/static/{manifest["paths"]["images/favicon.svg"]}"' in home.text


# 4. The health endpoint


def test_health_says_the_database_and_cache_are_ok_without_a_session(start_production_server):
    server = start_production_server()
    response = requests.get(server.url + "/health/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "no-store" in response.headers["Cache-Control"]
    # A load balancer's check comes over plain HTTP even where everything else is redirected.
    redirecting = start_production_server(DJANGO_SECURE_SSL_REDIRECT="true")
    assert requests.get(redirecting.url + "/health/", timeout=10).status_code == 200
    assert requests.get(redirecting.url + "/", allow_redirects=False, timeout=10).status_code == 301


def test_health_fails_when_the_database_cannot_be_reached(spawn):
    # Nothing listens on this port: the app starts, and the check finds the database away.
    server = spawn(DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/psgsite")
    response = requests.get(server.url + "/health/", timeout=20)
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "failed", "cache": "ok"}
    assert "Set-Cookie" not in response.headers


def test_health_says_the_shared_cache_failed_and_why_while_the_site_serves(spawn):
    """A load balancer must keep a server that can serve: without its cache it serves uncached
    (tests/psgsite/test_cache_outage.py)."""
    server = spawn(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = requests.get(server.url + "/health/", timeout=20)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "failed"}

    # The web process's output is JSON throughout: gunicorn's own lines and the app's.
    def served():
        return any(r["logger"] == "gunicorn.access" for r in json_lines(server.output())[-10:])

    assert wait_until(served, timeout=10), server.output()
    records = json_lines(server.output())
    errors = [r for r in records if r["logger"] == "psgsite.health"]
    assert errors and all(error["level"] == "ERROR" for error in errors)
    assert all(
        error["message"].startswith("Health check: cache failed: ConnectionError")
        for error in errors
    )
    assert any(r["logger"] == "gunicorn.error" for r in records)
    access = [r["message"] for r in records if r["logger"] == "gunicorn.access"]
    assert access and all('"GET /health/ HTTP/1.1" 200' in line for line in access)


# 5. The cache


@pytest.fixture
def redis_url():
    import redis

    url = f"redis://127.0.0.1:6379/{REDIS_TEST_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


def test_two_servers_share_the_membership_forms_limit_through_redis(
    start_production_server, redis_url
):
    import redis

    load_site_content()
    kind = MembershipTypeFactory(name="Individual", annual_fee="25.00")
    join = JoinPage.objects.get(slug="join").url
    env = {
        "REDIS_URL": redis_url,
        "MEMBERSHIP_APPLICATIONS_PER_HOUR": "3",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    servers = [start_production_server(**env), start_production_server(**env)]
    visitors = [Visitor(server) for server in servers]

    def apply(n):
        # The start time is signed with the servers' key.
        with override_settings(SECRET_KEY=SECRET_KEY):
            data = application_data(kind, email=f"p{n}@example.org")
        return visitors[n % 2].post_form(join, data).status_code

    # Each server alone would take three; together they take three in all.
    assert [apply(n) for n in range(3)] == [302, 302, 302]
    assert [apply(n) for n in range(3, 5)] == [429, 429]
    assert MembershipApplication.objects.count() == 3
    keys = redis.Redis.from_url(redis_url).keys("*membership:applications:*")
    assert [key.decode() for key in keys] == [":1:membership:applications:127.0.0.1"]


def test_without_redis_each_process_has_its_own_memory_cache(redis_url):
    show = "from django.conf import settings; print('CACHE', settings.CACHES['default'])"
    local = run_production("shell", "-c", show)
    assert local.returncode == 0, local.stderr
    assert "CACHE {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}" in local.stdout
    shared = run_production("shell", "-c", show, REDIS_URL=redis_url)
    assert "'BACKEND': 'psgsite.redis_cache.TolerantRedisCache'" in shared.stdout
    assert f"'LOCATION': '{redis_url}'" in shared.stdout


# 6. The database


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
@pytest.mark.django_db
def test_a_query_run_a_few_times_is_kept_prepared_and_a_pooler_can_turn_that_off():
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%FROM "news_newspage"%"title" = $1%'],
            )
            return cursor.fetchone()[0]

    assert prepared() == 0
    for _ in range(6):
        list(NewsPage.objects.filter(title="Conga").values_list("pk", flat=True))
    assert prepared() == 1

    show = "from django.conf import settings; print('OPTIONS', settings.DATABASES['default'])"
    kept = run_production("shell", "-c", show)
    assert "'server_side_binding': True, 'prepare_threshold': 5" in kept.stdout, kept.stderr
    pooled = run_production("shell", "-c", show, DATABASE_PREPARED_STATEMENTS="0")
    assert pooled.returncode == 0, pooled.stderr
    assert "server_side_binding" not in pooled.stdout
    assert "prepare_threshold" not in pooled.stdout


# 7. Media


@pytest.fixture
def s3():
    """moto's S3 server on a port of its own, with a bucket for the site's media."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="psg-media")
    # The site links its media by plain URLs (no signed query strings): readers' browsers fetch
    # them straight from the bucket, which must allow that.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::psg-media/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket="psg-media", Policy=json.dumps(public_read))
    yield SimpleNamespace(endpoint=endpoint, client=client, bucket="psg-media")
    server.stop()


def png(width=60, height=40):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def admin_visitor(server):
    """A superuser logged in to the admin of `server`, through its login form."""
    password = "a long production password 4 tests"
    get_user_model().objects.create(
        username="admin",
        email="admin@example.org",
        is_superuser=True,
        is_staff=True,
        # The production settings know the standard hashers, not the tests' fast one.
        password=PBKDF2PasswordHasher().encode(password, "productiontestsalt"),
    )
    visitor = Visitor(server)
    response = visitor.post_form("/admin/login/", {"username": "admin", "password": password})
    assert response.status_code == 302, response.text
    assert visitor.get("/admin/").status_code == 200
    return visitor


def test_uploads_go_to_s3_compatible_storage_when_a_bucket_is_named(start_production_server, s3):
    load_site_content()
    server = start_production_server(
        AWS_STORAGE_BUCKET_NAME=s3.bucket,
        AWS_S3_ENDPOINT_URL=s3.endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    admin = admin_visitor(server)

    response = admin.post_form(
        "/admin/images/add/",
        {"title": "Andes", "description": "", "tags": ""},
        files={"file": ("andes.png", png(), "image/png")},
    )
    assert response.status_code == 302, response.text
    briefing = b"%PDF-1.4\n% a briefing\n%%EOF\n"
    response = admin.post_form(
        "/admin/documents/add/",
        {"title": "Briefing", "tags": ""},
        files={"file": ("briefing.pdf", briefing, "application/pdf")},
    )
    assert response.status_code == 302, response.text

    image = get_image_model().objects.get(title="Andes")
    document = get_document_model().objects.get(title="Briefing")
    objects = s3.client.list_objects_v2(Bucket=s3.bucket)["Contents"]
    keys = {item["Key"] for item in objects}
    assert image.file.name in keys and image.file.name.startswith("original_images/andes")
    assert document.file.name in keys and document.file.name.startswith("documents/briefing")
    stored = s3.client.get_object(Bucket=s3.bucket, Key=document.file.name)["Body"].read()
    assert stored == briefing
    assert not (Path(settings.MEDIA_ROOT) / image.file.name).exists()

    # A page that shows the image links its rendition in the bucket.
    news = NewsPage.objects.live().order_by("-date").first()
    NewsPage.objects.filter(pk=news.pk).update(listing_image=image)
    listing = requests.get(server.url + NewsIndexPage.objects.get().url, timeout=30)
    assert listing.status_code == 200
    [src] = re.findall(rf'src="({re.escape(s3.endpoint)}/{s3.bucket}/images/[^"]+)"', listing.text)
    key = urllib.parse.unquote(src.removeprefix(f"{s3.endpoint}/{s3.bucket}/"))
    assert key in {item["Key"] for item in s3.client.list_objects_v2(Bucket=s3.bucket)["Contents"]}
    rendition = requests.get(src, timeout=10)
    assert rendition.status_code == 200 and rendition.headers["Content-Type"].startswith("image/")

    # The site serves the document from the bucket as a download, not by a redirect to the
    # bucket, which would show it inline.
    download = requests.get(server.url + document.url, allow_redirects=False, timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.content == briefing


def test_uploads_go_to_the_media_folder_without_a_bucket(tmp_path):
    media = tmp_path / "media"
    save = (
        "from django.core.files.base import ContentFile; "
        "from django.core.files.storage import storages; "
        "print('SAVED', type(storages['default']).__name__, "
        "storages['default'].save('documents/note.txt', ContentFile(b'on disk')))"
    )
    result = run_production("shell", "-c", save, DJANGO_MEDIA_ROOT=str(media))
    assert result.returncode == 0, result.stderr
    assert "SAVED FileSystemStorage documents/note.txt" in result.stdout
    assert (media / "documents" / "note.txt").read_bytes() == b"on disk"


# 8. Logs


def test_the_scheduler_logs_json_with_the_errors_of_sending_and_publishing(transactional_db):
    load_site_content()
    index = NewsIndexPage.objects.get()
    NewsPageFactory(parent=index, title="Taken", slug="taken")
    clashing = NewsPageFactory(parent=index, title="Clashing", slug="clashing")
    clashing.unpublish()
    clashing = NewsPage.objects.get(pk=clashing.pk)
    due = timezone.now() - datetime.timedelta(minutes=1)
    # The slug was free when the editor scheduled it and is taken by the time it is due.
    clashing.slug = "taken"
    clashing.go_live_at = due
    revision = clashing.save_revision(approved_go_live_at=due, clean=False)
    email = QueuedEmail.objects.create(
        to=["maria@example.org"], subject="Your application", body="Thank you."
    )

    result = run_production(
        "run_scheduler",
        "--once",
        # The real SMTP backend, pointed at a port where no mail server listens.
        DJANGO_EMAIL_BACKEND=None,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(free_port()),
    )
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    [mail_error] = [r for r in records if r["logger"] == "membership.emails"]
    assert mail_error["level"] == "ERROR"
    assert mail_error["message"].startswith(f"Could not send {email} (attempt 1): ")
    assert "ConnectionRefusedError" in mail_error["message"]
    [publish_error] = [
        r for r in records if r["logger"] == "psgsite.scheduler" and r["level"] == "ERROR"
    ]
    assert publish_error["message"] == f"Could not publish scheduled revision {revision.pk}"
    assert "Traceback" in publish_error["exc_info"]
    assert Revision.objects.filter(pk=revision.pk, approved_go_live_at__isnull=False).exists()
    assert QueuedEmail.objects.get(pk=email.pk).attempts == 1


def test_the_schedulers_info_lines_are_json(transactional_db):
    load_site_content()
    page = NewsPageFactory(parent=NewsIndexPage.objects.get(), title="Embargoed briefing")
    page.unpublish()
    page = NewsPage.objects.get(pk=page.pk)
    due = timezone.now() - datetime.timedelta(minutes=1)
    page.go_live_at = due
    page.save_revision(approved_go_live_at=due)
    result = run_production("run_scheduler", "--once")
    assert result.returncode == 0, result.stderr
    # Every line the scheduler writes is a log record.
    records = json_lines(result.stdout)
    [published] = [r for r in records if r["logger"] == "psgsite.scheduler"]
    assert published["level"] == "INFO"
    assert published["message"].startswith('Published news item "Embargoed briefing"')


# 9. The process list


def test_the_procfile_names_each_process_and_the_tests_run_its_web_command(
    start_production_server,
):
    processes = procfile()
    assert set(processes) == {"release", "web", "scheduler"}
    web = shlex.split(processes["web"])
    assert web[0] == "gunicorn"
    server = start_production_server()
    args = server.process.args
    assert args[:3] == [sys.executable, "-m", "gunicorn"]
    assert args[3:] == web[1:]
    assert "manage.py run_scheduler" in processes["scheduler"]
    assert "manage.py migrate --noinput" in processes["release"]
    for command in processes.values():
        assert "psgsite.settings.production" in command or command.startswith("gunicorn ")


def test_each_procfile_command_runs_as_written(spawn):
    """Run through a shell with the virtual environment first on PATH, as a process manager
    runs them, and without DJANGO_SETTINGS_MODULE: each command sets up production itself."""
    load_site_content()  # the release's setup_roles gives the groups their pages
    processes = procfile()
    path = f"{Path(sys.executable).parent}:{production_env()['PATH']}"
    env = {"PATH": path, "DJANGO_SETTINGS_MODULE": None}

    web = spawn(processes["web"], **env)
    health = requests.get(web.url + "/health/", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok"

    for name, extra in [("release", ""), ("scheduler", " --once")]:
        result = subprocess.run(
            ["sh", "-c", processes[name] + extra],
            env=production_env(**env),
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, (name, result.stdout, result.stderr)
    # The release step set up the editorial roles.
    groups = Group.objects.filter(name__in=[EDITORS, MODERATORS, MEMBERSHIP_SECRETARIES])
    assert groups.count() == 3


def listening_addresses(port):
    """The addresses the machine listens on at `port` over TCP, read from the kernel's table
    (no traffic is sent anywhere)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: listening
                found.add(address if len(address) == width else None)
    return found


def test_the_web_process_listens_on_the_loopback_address_unless_told_otherwise(spawn):
    """Readers come through the proxy, which the site trusts for their address: gunicorn is
    not to be reached past it. A platform that routes to the machine's address says so."""
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    web = spawn(procfile()["web"], PATH=path)
    assert listening_addresses(web.port) == {"0100007F"}  # 127.0.0.1

    every = spawn(procfile()["web"], PATH=path, GUNICORN_HOST="0.0.0.0")  # noqa: S104
    assert listening_addresses(every.port) == {"00000000"}  # 0.0.0.0
