"""How the site writes dates for readers, in their language: "6 December 2026" in English, "6 de
diciembre de 2026" in Spanish. The formats are translatable strings of their own (context "date
format"), so that Django's and the admin's formats stay as they are. Templates have them as
filters (home/templatetags/dates.py)."""

from django.utils import dateformat
from django.utils.translation import pgettext


def long_date(value):
    """The day, month and year: "6 December 2026"."""
    return dateformat.format(value, pgettext("date format", "j F Y")) if value else ""


def long_datetime(value):
    """The weekday, date and time: "Sunday 6 December 2026, 18:00"."""
    return dateformat.format(value, pgettext("date format", "l j F Y, H:i")) if value else ""
