"""Topics and briefings through their migrations, on a database of the test's own (migrating the
shared test database back and forth would change it under the other tests)."""

import json
import os
import subprocess
import sys

import pytest

from django.conf import settings

from tests import migrated_database
from tests.news.migration_check import BEFORE  # noqa: F401  (the script the process runs)


@pytest.fixture
def database_url(tmp_path):
    """A database of the test's own, with every migration applied (tests/migrated_database.py)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path / "migrations.sqlite3"
        migrated_database.copy_to(str(path))
        yield f"sqlite:///{path}"
        return
    name = f"{database['TEST']['NAME']}_migrations"
    migrated_database.drop(name)
    migrated_database.copy_to(name)
    yield f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{name}"
    migrated_database.drop(name)


def test_topics_and_briefings_keep_their_ids_links_numbers_and_addresses(database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "psgsite.settings.test",
    }
    code = "import django; django.setup(); from tests.news.migration_check import run; run()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    before, old, after = found["before"], found["old"], found["after"]

    # On the old schema: taggit tags with the topics' ids, the same links, a news item ticked
    # as briefing 3.
    assert old["tags"] == [list(topic) for topic in before["topics"]]
    assert old["links"] == before["links"]
    briefing_id = before["briefing"][0]
    assert [briefing_id, 3] in old["briefings"]
    assert old["type"] == "newspage"
    assert not old["tables"]

    # Forward again: nothing lost or renumbered, and the topic carried twice carried once, in
    # the live row and in the revision.
    assert found["repeated before"] == 2
    assert after == before
    topics = found["revision topics"]
    assert sorted(topics) == sorted({tag for item, tag in before["links"] if item == briefing_id})
    assert "briefingpage" in dict(map(tuple, after["types"])).values()
    assert set(after["revision types"]) == {"briefingpage"}
    assert found["fresh id above"]
    assert (found["live title"], found["draft"]) == (
        "Briefing on water",
        "Briefing on water, revised",
    )
