from django import template

from schedule import calendar

register = template.Library()


@register.filter
def calendar_when(entry):
    """ "3-4月 · 3月12日 09:00—11:30": the months, then exact dates and times when set."""
    return calendar.when_label(entry)


@register.simple_tag
def calendar_filter_query(entry_body, year):
    """ "?year=…&kind=…&id=…": the page filtered to the 活动主体 an EntryBody row names (its name, on
    an entry, shows that body's plan; its feed is one tap away in the filter box)."""
    body = calendar.body_of_entry_row(entry_body)
    query = f"?year={year}&kind={body.kind}"
    return query + (f"&id={body.row_id}" if body.row_id else "")
