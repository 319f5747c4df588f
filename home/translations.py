"""A page's live translations, for the language switcher, the <link rel="alternate"> of its head
and its sitemap entry: read with the page itself, never in a query of their own.

The page served by its address is read with its translations' addresses (with_translations, in
HomePage.route); the home page's come with it where the site is found (home.visibility); a
sitemap section's pages get theirs in one query for the section (read_translations). A page
shown otherwise (a preview) asks the database. The privacy notice's are read with the site
settings that link it (with_translations_of).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL

from wagtail.models import Locale, Page

from .visibility import is_public

CONTENT_LANGUAGES = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
# What a reader who asked for no language in particular is sent (hreflang="x-default").
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Translation:
    """A live translation of a page: its language ("es") and the page, of which its address
    (url_path) and place in the tree (path) are enough to link to it."""

    language: str
    page: Page


def language_tag(code):
    """A language code as HTML and hreflang write it: "en-gb" is "en-GB"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if len(region) == 2 else code


def _annotation(language):
    return f"translation_{language.replace('-', '_')}"


def _live_translation(key, language):
    # Built by Django: with_translations_of's rows are read once a generation, not per page.
    return Page.objects.filter(
        translation_key=OuterRef(key), locale__language_code=language, live=True
    )


# A page's live translation in a language, as "id path url_path" (a url_path has no spaces),
# for the page of the outer query. Written out, because Django takes milliseconds to build the
# same as a Subquery, on every page served, where this takes microseconds.
_TRANSLATION_SQL = """
    SELECT CAST(other.id AS TEXT) || ' ' || other.path || ' ' || other.url_path
    FROM {page} other INNER JOIN {locale} other_locale ON other_locale.id = other.locale_id
    WHERE other.translation_key = {page}.translation_key
      AND other_locale.language_code = %s AND other.live
"""


def with_translations(pages, language):
    """The pages, all in the language, each with its live translation in every other content
    language, read in the same query."""
    quote = connection.ops.quote_name
    sql = _TRANSLATION_SQL.format(
        page=quote(Page._meta.db_table), locale=quote(Locale._meta.db_table)
    )
    annotations = {
        # The SQL names the models' own tables; the language is a parameter.
        _annotation(other): RawSQL(sql, [other], output_field=CharField())  # noqa: S611
        for other in CONTENT_LANGUAGES
        if other != language
    }
    return pages.annotate(content_language=Value(language, output_field=CharField()), **annotations)


def read_translations(pages):
    """Gives each of the pages (live) its language and its live translations, in one query."""
    by_key = defaultdict(list)
    found = Page.objects.filter(
        translation_key__in={page.translation_key for page in pages}, live=True
    ).values_list("translation_key", "locale__language_code", "id", "url_path", "path")
    for key, language, *linked in found:
        by_key[key].append((language, linked))
    for page in pages:
        page.live_translations = []
        for language, (id, url_path, path) in by_key[page.translation_key]:
            if id == page.pk:
                page.content_language = language
            else:
                other = Page(id=id, url_path=url_path, path=path)
                page.live_translations.append(Translation(language, other))


LINKED_FIELDS = ("id", "url_path", "path", "title")


def with_translations_of(rows, page_field):
    """The rows (of any model), each with the live translation in every content language of the
    page its foreign key page_field links, enough to link it by its title (translation_of),
    read in the same query."""
    annotations = {}
    for language in CONTENT_LANGUAGES:
        translation = _live_translation(f"{page_field}__translation_key", language)
        for field in LINKED_FIELDS:
            name = f"{page_field}_{_annotation(language)}_{field}"
            annotations[name] = Subquery(translation.values(field)[:1])
    return rows.annotate(**annotations)


def translation_of(row, page_field, language):
    """The live translation in the language of the page that row's page_field links, as read by
    with_translations_of; None where there is none."""
    found = {
        field: getattr(row, f"{page_field}_{_annotation(language)}_{field}", None)
        for field in LINKED_FIELDS
    }
    if found["id"] is None:
        return None
    # With its id, a Page made here is not taken for a new one (which looks up its type).
    return Page(**found)


def set_translations(page, pages):
    """Gives the page its live translations among pages (Page objects with their locale)."""
    page.live_translations = [
        Translation(other.locale.language_code, other)
        for other in pages
        if other.pk != page.pk and other.live
    ]


def translations(page, request=None):
    """The page's live, public translations in other languages; given the request, only those
    that a site of it has an address for (a page outside every site's tree has none)."""
    if getattr(page, "live_translations", None) is None:
        if hasattr(page, "content_language"):  # read by with_translations
            page.live_translations = _annotated(page)
        else:  # not read by its address, nor in the sitemap: a preview
            set_translations(page, page.get_translations().live().select_related("locale"))
    return [
        translation
        for translation in page.live_translations
        if is_public(translation.page)
        and (request is None or translation.page.get_url(request) is not None)
    ]


def _annotated(page):
    found = []
    for language in CONTENT_LANGUAGES:
        linked = getattr(page, _annotation(language), None)
        if linked is not None:
            id, path, url_path = linked.split(" ", 2)
            # With its id, a Page made here is not taken for a new one (which looks up its type).
            other = Page(id=int(id), url_path=url_path, path=path)
            found.append(Translation(language, other))
    return found


def language_of(page):
    """The page's language: as read with its translations, or else its locale's."""
    return getattr(page, "content_language", None) or page.locale.language_code


def alternates(page, request, subpath="", others=None):
    """[{"lang_code", "location"}] of the page (at subpath below it, a routable page's) in every
    language it is live and public in (and has the subpath in), the default language's also as
    "x-default"; empty where it is in one language only. others: its translations(), where the
    caller has them already."""
    if others is None:
        others = translations(page, request)
    if subpath:
        others = [t for t in others if page.subpath_in_translation(t, subpath) == subpath]
    if not others:
        return []
    found = []
    every = sorted(
        [Translation(language_of(page), page), *others],
        key=lambda translation: CONTENT_LANGUAGES.index(translation.language),
    )
    for translation in every:
        location = translation.page.get_full_url(request) + subpath
        found.append({"lang_code": language_tag(translation.language), "location": location})
        if translation.language == DEFAULT_LANGUAGE:
            found.append({"lang_code": "x-default", "location": location})
    return found
