"""{% signup_open event as is_open %}: whether the event still takes sign-ups (its deadline)."""

from django import template

from intake import events

register = template.Library()


@register.simple_tag
def signup_open(event):
    return events.open_for_signup(event)
