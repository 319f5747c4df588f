"""A page's live translations, for the language switcher, the <link rel="alternate"> of its head
and its sitemap entry: read with the page itself, never in a query of their own.

The page served by its address is read with its translations' addresses (with_translations, in
HomePage.route); the home page's come with it where the site is found (home.visibility); the
sitemap's pages are read with theirs. A page shown otherwise (a preview) asks the database. The
privacy notice's are read with the site settings that link it (with_translations_of).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery

from wagtail.models import Page

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


def _annotation(field, language):
    return f"translation_{field}_{language.replace('-', '_')}"


def _live_translation(key, language):
    return Page.objects.filter(
        translation_key=OuterRef(key), locale__language_code=language, live=True
    )


def with_translations(pages):
    """The pages, each with the id, url_path and path of its live translation in every content
    language (its own language gives itself), read in the same query."""
    annotations = {}
    for language in CONTENT_LANGUAGES:
        translation = _live_translation("translation_key", language)
        for field in ("id", "url_path", "path"):
            annotations[_annotation(field, language)] = Subquery(translation.values(field)[:1])
    return pages.annotate(**annotations)


LINKED_FIELDS = ("id", "url_path", "path", "title")


def with_translations_of(rows, page_field):
    """The rows (of any model), each with the live translation in every content language of the
    page its foreign key page_field links, enough to link it by its title (translation_of),
    read in the same query."""
    annotations = {}
    for language in CONTENT_LANGUAGES:
        translation = _live_translation(f"{page_field}__translation_key", language)
        for field in LINKED_FIELDS:
            name = f"{page_field}_{_annotation(field, language)}"
            annotations[name] = Subquery(translation.values(field)[:1])
    return rows.annotate(**annotations)


def translation_of(row, page_field, language):
    """The live translation in the language of the page that row's page_field links, as read by
    with_translations_of; None where there is none."""
    found = {
        field: getattr(row, f"{page_field}_{_annotation(field, language)}", None)
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


def translations(page):
    """The page's live, public translations in other languages."""
    if getattr(page, "live_translations", None) is None:
        if hasattr(page, _annotation("url_path", CONTENT_LANGUAGES[0])):
            page.live_translations = _annotated(page)
        else:  # not read by its address, nor in the sitemap: a preview
            set_translations(page, page.get_translations().live().select_related("locale"))
    return [translation for translation in page.live_translations if is_public(translation.page)]


def _annotated(page):
    found = []
    for language in CONTENT_LANGUAGES:
        url_path = getattr(page, _annotation("url_path", language))
        if url_path is not None and url_path != page.url_path:
            # With its id, a Page made here is not taken for a new one (which looks up its type).
            other = Page(
                id=getattr(page, _annotation("id", language)),
                url_path=url_path,
                path=getattr(page, _annotation("path", language)),
            )
            found.append(Translation(language, other))
    return found


def language_of(page):
    """The page's language: read with its translations, or with its locale."""
    for language in CONTENT_LANGUAGES:
        if getattr(page, _annotation("url_path", language), None) == page.url_path:
            return language
    return page.locale.language_code


def alternates(page, request, subpath=""):
    """[{"lang_code", "location"}] of the page (at subpath below it, a routable page's) in every
    language it is live and public in (and has the subpath in), the default language's also as
    "x-default"; empty where it is in one language only."""
    others = translations(page)
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
