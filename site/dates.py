"""Dates and years as the committee counts them (Beijing time)."""

from django.utils import timezone

FIRST_YEAR = 2000


def this_year():
    return timezone.localdate().year


def year_param(value):
    """A year asked for in a URL (?year=2026): from 2000 up to next year, whose plans and
    filings may already be under way; anything else, or nothing, means this year."""
    value = str(value or "").strip()
    if value.isdecimal() and FIRST_YEAR <= int(value) <= this_year() + 1:
        return int(value)
    return this_year()
