"""The test databases are copies of one database migrated once (tests/migrated_database.py),
named by a hash of the migration files: a migration changed or added, of the site's or of a
dependency, names a database not made yet, which the next run migrates afresh (README)."""

import importlib.util
from types import SimpleNamespace

from tests import migrated_database


def test_a_migration_changed_or_added_names_a_migrated_database_not_made_yet(tmp_path, monkeypatch):
    # The news app's migrations, as if they were these files.
    folder = tmp_path / "migrations"
    folder.mkdir()
    first = folder / "0001_initial.py"
    first.write_text("operations = []\n")
    find_spec = importlib.util.find_spec

    def news_migrations_here(name, *args):
        if name == "news.migrations":
            return SimpleNamespace(submodule_search_locations=[str(folder)])
        return find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", news_migrations_here)

    names = [migrated_database._fingerprint()]
    assert migrated_database._fingerprint() == names[0]  # nothing changed, the same database
    first.write_text("operations = []  # changed\n")
    names.append(migrated_database._fingerprint())
    (folder / "0002_more.py").write_text("operations = []\n")
    names.append(migrated_database._fingerprint())
    # Only the migrations count: another file beside them changes nothing.
    (folder / "notes.txt").write_text("not a migration\n")
    assert migrated_database._fingerprint() == names[-1]
    assert len(set(names)) == 3, names

    monkeypatch.undo()
    assert migrated_database._fingerprint() not in names  # the site's own files again
