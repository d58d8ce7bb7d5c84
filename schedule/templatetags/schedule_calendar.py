from django import template

from schedule import calendar

register = template.Library()


@register.filter
def calendar_when(entry):
    """ "3-4月 · 3月12日 09:00—11:30": the months, then exact dates and times when set."""
    return calendar.when_label(entry)


@register.filter
def calendar_feed_url(entry_body):
    """The iCal feed of the 活动主体 an EntryBody row names."""
    return calendar.body_of_entry_row(entry_body).feed_url
