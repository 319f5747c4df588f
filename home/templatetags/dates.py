"""Dates as pages write them for readers, in their language (home/dates.py); times in the site's
time zone, as Django's own date filter has them."""

from django import template

from home import dates

register = template.Library()

register.filter("long_date", dates.long_date, expects_localtime=True)
register.filter("long_datetime", dates.long_datetime, expects_localtime=True)
