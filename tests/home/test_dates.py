"""Dates as readers read them, in each language (home/dates.py)."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from home.dates import long_date, long_datetime

DAY = datetime.date(2026, 12, 6)
EVENING = datetime.datetime(2026, 12, 6, 18, 30, tzinfo=ZoneInfo("Europe/London"))


def test_in_english_dates_read_as_the_site_has_always_written_them():
    assert long_date(DAY) == "6 December 2026"
    assert long_datetime(EVENING) == "Sunday 6 December 2026, 18:30"


def test_in_spanish_dates_read_as_spanish_writes_them():
    with translation.override("es"):
        assert long_date(DAY) == "6 de diciembre de 2026"
        assert long_datetime(EVENING) == "domingo 6 de diciembre de 2026, 18:30"


def test_no_date_is_written_as_nothing():
    assert long_date(None) == ""
    assert long_datetime(None) == ""
