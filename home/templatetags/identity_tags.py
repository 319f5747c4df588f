import re

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from wagtail.models import Site

from home.models import SiteSettings
from home.translations import language_tag
from home.visibility import once_per_generation

register = template.Library()

SMALL_WORDS = {"a", "an", "and", "for", "in", "of", "on", "the", "to"}


@register.filter
def initials(name):
    """The letters of the header's text mark: "Peru Support Group" gives "PSG"."""
    words = [word for word in re.findall(r"[^\W\d_]+", name) if word.lower() not in SMALL_WORDS]
    return "".join(word[0].upper() for word in words[:4])


@register.filter
def tel_href(number):
    """A tel: address for a telephone number as people write it ("+44 (0)20 7123 4567"), or ""
    where it holds no digits."""
    number = number.replace("(0)", "")
    digits = re.sub(r"[^\d]", "", number)
    if not digits:
        return ""
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits


@register.simple_tag(takes_context=True)
def privacy_notice(context):
    """The live privacy notice for the request's language (SiteSettings.privacy_notice_in) as
    {"url", "title", "lang"}: lang is "" where the notice is in that language, and the language
    tag of the one linked instead ("en-GB") where it is not; None while there is none."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    language = get_language()

    def read():
        notice = SiteSettings.for_request(request).privacy_notice_in(language)
        if notice is None:
            return None
        return {
            "url": notice.page.get_url(request),
            "title": notice.page.title,
            "lang": "" if notice.language == language else language_tag(notice.language),
        }

    # The footer links it, and the consent of every form: kept for the generation.
    return once_per_generation(("privacy-notice", site.pk, language), read)


@register.simple_tag(takes_context=True)
def privacy_notice_link(context):
    """The words "privacy notice", linked to the live notice (privacy_notice; plain words while
    there is none), to stand in a sentence that is translated whole: {% privacy_notice_link as
    notice %}{% blocktranslate %}... as our {{ notice }} explains.{% endblocktranslate %}"""
    words = gettext("privacy notice")
    notice = privacy_notice(context)
    if notice is None:
        return words
    hreflang = format_html(' hreflang="{}"', notice["lang"]) if notice["lang"] else ""
    return format_html('<a href="{}"{}>{}</a>', notice["url"], hreflang, words)
