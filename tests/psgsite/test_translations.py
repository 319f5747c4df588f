"""The site's own words in Spanish (psgsite/locale/es, made with `make messages`): the catalogue
holds every string that the code and templates mark for translation, each translated with the
same placeholders, its compiled form is up to date, and under Spanish the pages show them."""

import re
import shutil
from pathlib import Path

import polib
import pytest

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "psgsite" / "locale" / "es" / "LC_MESSAGES"
# As `make messages` has them (Makefile, MESSAGES_IGNORE): staff's screens are Wagtail's.
IGNORED = [".venv/*", "bench/*", "tests/*", ".local/*", "design/*"]
IGNORED += ["templates/wagtailadmin/*", "*/admin/*"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue():
    return polib.pofile(str(CATALOGUE / "django.po"))


def key(entry):
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def translations(entry):
    return [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())


def test_every_string_is_translated_with_its_placeholders():
    entries = catalogue()
    assert len(entries) > 200
    assert not entries.untranslated_entries()
    assert not entries.fuzzy_entries()
    for entry in entries:
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in translations(entry):
            assert set(PLACEHOLDER.findall(text)) <= wanted, entry.msgid
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def test_the_compiled_catalogue_is_up_to_date():
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))
    assert {key(e): translations(e) for e in compiled} == {
        key(e): translations(e) for e in catalogue() if not e.obsolete
    }


def test_the_catalogue_holds_every_string_the_site_marks(tmp_path, monkeypatch):
    """makemessages, run afresh on a copy of the site's apps and templates, finds no string that
    the catalogue lacks, and none that it holds for nothing. (A copy: run where the catalogue
    is, it would write to it.)"""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is needed: `make test` and .ci/run install it")
    base = Path(settings.BASE_DIR)
    sources = {Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == base}
    for source in [*sources, base / "templates"]:
        skip = shutil.ignore_patterns("__pycache__", "*.mo", "migrations")
        shutil.copytree(source, tmp_path / source.relative_to(base), ignore=skip)
    monkeypatch.chdir(tmp_path)
    copy = tmp_path / CATALOGUE.relative_to(base)
    with override_settings(LOCALE_PATHS=[copy.parent.parent]):
        call_command(
            "makemessages", locale=["es"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
        )
    found = {key(e) for e in polib.pofile(str(copy / "django.po"))}
    assert found == {key(e) for e in catalogue()}


@pytest.mark.django_db
def test_in_spanish_the_frame_of_every_page_speaks_spanish(client, spanish_home):
    with translation.override("es"):
        html = client.get("/es/").content.decode()
        for english in ("Skip to main content", "Search the site"):
            spanish = translation.gettext(english)
            assert spanish != english
            assert spanish in html
            assert english not in html
