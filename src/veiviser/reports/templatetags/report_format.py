"""Template filters for the annual report's Norwegian typography (reports.typography)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from veiviser.reports import typography

register = template.Library()
OSLO = ZoneInfo("Europe/Oslo")


@register.filter
def nb_number(value):
    return typography.number(value)


@register.filter
def nb_percent(value, places=0):
    return typography.percent(value, int(places))


@register.filter
def nb_date(value):
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        # An instant is shown as the Norwegian calendar day it fell on.
        value = timezone.localtime(value, OSLO).date() if timezone.is_aware(value) else value.date()
    return typography.long_date(value)
