"""Backup and restore as ops/backup.sh and ops/restore.sh do them: the database dumped with
pg_dump and restored into a new database, the media archived and unpacked, and a server on the
restored database serves the same site as one on the original."""

import hashlib
import re
import subprocess
import uuid

import pytest

from django.conf import settings
from django.db import connection

from news.models import NewsIndexPage, NewsPage
from tests.conftest import load_site_content
from tests.factories import DocumentFactory, NewsPageFactory
from tests.psgsite.conftest import production_env
from tests.psgsite.web_client import WebClient

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="The backup is of the production database, PostgreSQL, with pg_dump and pg_restore "
    "(run with DATABASE_URL=postgres://...)",
)


def ops(script, *args, **env):
    """One of the operator's scripts, run as the README says, in the production environment."""
    return subprocess.run(
        ["bash", str(settings.BASE_DIR / "ops" / script), *args],
        env=production_env(**env),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def database_url(name):
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def new_database(transactional_db):
    """A new, empty database beside the test database, as the operator makes one to restore
    into; dropped at the end, whatever happened, with any connection still open to it."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def files(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


# An item's topics come from the database in no set order (the queries have no ORDER BY), and a
# restored database, with its own statistics and query plans, may give them in another.
TOPIC = re.compile(rb'<category [^>]*/>|<category>[^<]*</category>|<li class="tag">[^<]*</li>')
TOPICS = re.compile(rb"(?:%s)+" % TOPIC.pattern)


def normalised(response):
    """What a reader gets, less what may differ between two requests for the same content: a
    form's CSRF token and signed start time, and the order of each item's topics."""
    body = re.sub(rb'name="(csrfmiddlewaretoken|started)" value="[^"]+"', b"", response.content)
    body = TOPICS.sub(lambda run: b"".join(sorted(TOPIC.findall(run.group()))), body)
    return response.status, response.headers.get("Content-Type"), body


def test_a_restored_backup_serves_the_same_site(new_database, start_production_server, tmp_path):
    load_site_content()
    extra = NewsPageFactory(
        parent=NewsIndexPage.objects.get(),
        title="Added just before the backup",
        summary="Kept by the backup.",
    )
    document = DocumentFactory(title="Annual report")
    story = NewsPage.objects.get(slug="minas-conga-referendum-plans-disputed")

    backup = tmp_path / "backup"
    made = ops("backup.sh", str(backup), DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT))
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup.iterdir()} == {"db.dump", "media.tar.gz", "SHA256SUMS"}

    media = tmp_path / "restored-media"
    restored = ops(
        "restore.sh", str(backup), DATABASE_URL=new_database, DJANGO_MEDIA_ROOT=str(media)
    )
    assert restored.returncode == 0, restored.stderr
    assert files(media) == files(settings.MEDIA_ROOT)

    servers = [
        start_production_server(),
        start_production_server(DATABASE_URL=new_database, DJANGO_MEDIA_ROOT=str(media)),
    ]
    # One address for both, so that links built from the request's read the same.
    reader = WebClient(host="localhost")
    paths = [
        "/",
        "/news/",
        story.url,
        extra.url,
        "/news/feed/rss/",
        "/news/feed/atom/",
        "/sitemap.xml",
        "/search/?q=Conga+referendum",
        document.url,
    ]
    for path in paths:
        original, copy = (normalised(reader.get(server.url + path)) for server in servers)
        assert original[0] == 200, path
        assert copy == original, path
    restored_site = servers[1].url
    assert b"Added just before the backup" in reader.get(restored_site + extra.url).content
    # The search index is in the database, and comes back with it.
    found = reader.get(restored_site + "/search/?q=Conga+referendum").text
    assert f'href="{story.url}"' in found


def test_restore_refuses_a_database_that_has_tables(transactional_db, tmp_path):
    (tmp_path / "db.dump").write_bytes(b"")
    result = ops("restore.sh", str(tmp_path))  # the test database, which has the site's tables
    assert result.returncode == 1
    assert "Restore into a new database, or give --force" in result.stderr
