"""Template tags of the intake app for the cached public pages: they only LINK to the booking,
mailbox and cancel views, never carry a form."""

from django import template
from django.utils import timezone

from intake.models import ReceptionDay

register = template.Library()

UPCOMING_SHOWN = 6


@register.simple_tag
def coming_reception_days(station, limit=UPCOMING_SHOWN):
    """The station's coming 接待日 (date, hours, place, members on duty), soonest first."""
    if station is None or not getattr(station, "pk", None):
        return []
    days = ReceptionDay.objects.filter(station_id=station.pk).upcoming(timezone.localdate())
    return list(days.prefetch_related("on_duty")[:limit])


@register.simple_tag
def next_reception_days(stations):
    """{station id: its next 接待日} for a list of stations, in one query."""
    ids = [s.pk for s in stations]
    found = {}
    for day in ReceptionDay.objects.filter(station_id__in=ids).upcoming(timezone.localdate()):
        found.setdefault(day.station_id, day)
    return found


@register.filter
def for_station(found, station):
    return found.get(getattr(station, "pk", station)) if found else None


@register.filter
def on_duty_names(day):
    return "、".join(member.name for member in day.on_duty.all())
