import re

from django import template

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
