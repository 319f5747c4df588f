"""The page's languages in its frame: <html lang>, the link to the page in the other language and
the <link rel="alternate"> of each language it is in (home.translations: no query)."""

from django import template
from django.conf import settings

from wagtail.models import Page

from home.translations import alternates, language_tag, translations

register = template.Library()

# Each language's name in itself ("Español"), as a link to the page in it says it.
LANGUAGE_NAMES = dict(settings.LANGUAGES)


@register.filter(name="language_tag")
def language_tag_filter(code):
    """A language code as <html lang> and hreflang write it: "en-gb" is "en-GB"."""
    return language_tag(code)


@register.simple_tag(takes_context=True)
def page_languages(context):
    """{"links": [{"url", "lang", "name"}] to the page shown in each other language it is live
    and public in, "alternates": [{"lang_code", "location"}] of every one (with "x-default")},
    both empty where the page is in one language only. A routable page's own address below it
    (a year of the news) leads to the same address below the translation where the translation
    has it (SitePage.subpath_in_translation), and to the translation itself otherwise."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or request is None:
        return {"links": [], "alternates": []}
    own = page.get_url(request) or ""
    subpath = request.path.removeprefix(own) if own.startswith("/") else ""
    if subpath == request.path:
        subpath = ""
    others = translations(page, request)
    links = []
    for translation in others:
        there = page.subpath_in_translation(translation, subpath) if subpath else ""
        links.append(
            {
                "url": translation.page.get_url(request) + there,
                "lang": language_tag(translation.language),
                "name": LANGUAGE_NAMES.get(translation.language, translation.language),
            }
        )
    return {"links": links, "alternates": alternates(page, request, subpath, others)}
