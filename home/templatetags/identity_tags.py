import re

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from home.models import SiteSettings

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
def privacy_notice_link(context):
    """The words "privacy notice", linked to the live notice the site settings name (plain words
    while there is none), to stand in a sentence that is translated whole: {% privacy_notice_link
    as notice %}{% blocktranslate %}... as our {{ notice }} explains.{% endblocktranslate %}"""
    words = gettext("privacy notice")
    request = context.get("request")
    notice = SiteSettings.for_request(request).privacy_notice if request is not None else None
    if notice is None or not notice.live:
        return words
    return format_html('<a href="{}">{}</a>', notice.get_url(request), words)
