"""The year's plan as iCal feeds, for the calendar apps on members' phones, and each account's
private feed of its own deadlines.

Addresses (schedule/feed_urls.py, mounted at /calendar/):
- /calendar/all.ics: every entry of every year.
- /calendar/<kind>/<id>.ics for one committee, sector, party or street group (kind committee,
  sector, party, street): its own entries and those of the class bodies that include it
  (calendar.ENCLOSING: a sector's feed also holds 各界别组 and 全体委员 entries).
- /calendar/group/<kind>.ics for a fixed body: leaders (主席会议/区政协领导), office (区政协办公室),
  members (全体委员), committees (各专委会), sectors (各界别组), parties (各党派); the class ones
  also hold 全体委员 entries.
- /calendar/my/<token>.ics: the account's unmet deadlines (notices.deadlines), revocable at /calendar/my/.

An entry given only months is an all-day event from the first day of its first month to the day after
its last month ends; one with dates is all-day over those dates; one with a start time is timed in
Asia/Shanghai (with its VTIMEZONE). UIDs are the entry's pk (or the deadline's key) at the public
domain, so a subscriber's app updates an event instead of adding a second one. User text goes in as
icalendar text values, which escape commas, semicolons, backslashes and line breaks.

The public feeds are plain anonymous GETs, so the site's cache middleware keeps them like any public
page (schedule/signals.py clears it when the plan changes); /calendar/my/ is in NEVER_SHARED."""

import datetime
import functools
import hashlib
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from icalendar import Calendar, Event, Timezone

from lianxin_site.committee import committee_name
from notices.deadlines import deadlines_for

from . import calendar
from .models import BodyKind, CalendarFeedToken, CalendarPage, EntryKind, _month_end

TZID = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZID)
PRODID = "-//lianxin//年度活动安排//ZH"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def domain():
    """The site's public host name, the right-hand side of every UID."""
    return urlsplit(settings.PUBLIC_URL).hostname


@functools.cache
def shanghai_vtimezone():
    """Asia/Shanghai has kept +08:00 without daylight saving since 1991: one STANDARD block."""
    return Timezone.from_tzid(TZID, first_date=datetime.date(1992, 1, 1), last_date=datetime.date(2100, 1, 1))


def entry_span(entry):
    """(start, end) for DTSTART/DTEND: dates for all-day events (end exclusive), Shanghai datetimes
    for timed ones (end None when no end time is given)."""
    if entry.start_date is None:
        return entry.first_month, _month_end(entry.last_month) + datetime.timedelta(days=1)
    if entry.start_time is None:
        return entry.start_date, (entry.end_date or entry.start_date) + datetime.timedelta(days=1)
    start = datetime.datetime.combine(entry.start_date, entry.start_time, tzinfo=SHANGHAI)
    end = None
    if entry.end_time is not None:
        end = datetime.datetime.combine(entry.end_date or entry.start_date, entry.end_time, tzinfo=SHANGHAI)
    return start, end


def entry_summary(entry):
    batch = f"（第{entry.batch_number}批）" if entry.batch_number else ""
    return f"{entry.content}{batch}"


def labels():
    """The Chinese names of entry and body kinds, translated once per feed rather than once per event."""
    return {value: str(label) for value, label in (*EntryKind.choices, *BodyKind.choices)}


def entry_description(entry, names):
    bodies = "、".join(body.row.name if body.row is not None else names[body.kind] for body in entry.bodies.all())
    lines = [f"{names[entry.kind]} · {entry.months_label}"]
    if bodies:
        lines.append(f"活动主体：{bodies}")
    invited = getattr(entry, "invited_count", None)
    if invited:
        lines.append(f"邀请委员：{invited} 人")
    if entry.note:
        lines.append(entry.note)
    return "\n".join(lines)


def entry_event(entry, host, names, page_url=""):
    """One VEVENT; Component.add() rather than Event.new(), which validates and converts each value
    again (half the time of a 500-entry feed)."""
    start, end = entry_span(entry)
    event = Event()
    event.add("uid", f"schedule-entry-{entry.pk}@{host}")
    event.add("dtstamp", entry.updated_at)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", entry_summary(entry))
    event.add("description", entry_description(entry, names))
    if entry.place:
        event.add("location", entry.place)
    event.add("categories", [names[entry.kind]])
    if page_url:
        event.add("url", f"{page_url}?year={entry.year}#entry-{entry.pk}")
    return event


def deadline_event(deadline, host, stamp):
    event = Event()
    event.add("uid", f"deadline-{deadline.key}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.date)
    event.add("dtend", deadline.date + datetime.timedelta(days=1))
    event.add("summary", deadline.title)
    if deadline.link:
        event.add("url", settings.PUBLIC_URL.rstrip("/") + deadline.link)
    return event


def build_calendar(name, uid, events):
    """A VCALENDAR named `name` (NAME and X-WR-CALNAME), with the Shanghai VTIMEZONE when any event
    is timed."""
    feed = calendar_head(name, uid)
    timed = False
    for event in events:
        timed = timed or isinstance(event["DTSTART"].dt, datetime.datetime)
        feed.add_component(event)
    if timed:
        feed.subcomponents.insert(0, shanghai_vtimezone())
    return feed


def calendar_head(name, uid):
    feed = Calendar.new(name=name, prodid=PRODID, uid=uid)
    # How often subscribers' apps should fetch again: RFC 7986's property, and the one Outlook reads.
    feed.add("REFRESH-INTERVAL", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    feed.add("X-PUBLISHED-TTL", "PT6H")
    feed["X-WR-TIMEZONE"] = TZID
    return feed


# icalendar spends most of a feed's time folding and escaping each event's text (the bare library
# takes ~300 ms for 500 events). An event's text depends only on what it says, so each one is kept,
# serialised, under a hash of its content: a plan change re-serialises the entries it touched, and
# every other feed that holds the same entry reuses it.
EVENT_CACHE_SECONDS = 7 * 24 * 3600


def serialised_events(entries, host, names, page_url):
    """[(VEVENT bytes, timed)] for `entries`, from the cache where the same content was serialised before."""
    keyed = []
    for entry in entries:
        start, end = entry_span(entry)
        content = (
            entry.pk,
            entry.updated_at.isoformat(),
            str(start),
            str(end),
            entry_summary(entry),
            entry_description(entry, names),
            entry.place,
            names[entry.kind],
            page_url,
            entry.year,
            host,
        )
        digest = hashlib.sha1(repr(content).encode(), usedforsecurity=False).hexdigest()
        keyed.append((f"lianxin:ical:{digest}", entry, isinstance(start, datetime.datetime)))
    cache = caches["fragments"]
    found = cache.get_many([key for key, _entry, _timed in keyed])
    fresh = {}
    blobs = []
    for key, entry, timed in keyed:
        blob = found.get(key)
        if blob is None:
            blob = entry_event(entry, host, names, page_url).to_ical()
            fresh[key] = blob
        blobs.append((blob, timed))
    if fresh:
        cache.set_many(fresh, EVENT_CACHE_SECONDS)
    return blobs


def assemble(head, blobs):
    """The VCALENDAR bytes: `head`'s properties, the VTIMEZONE when any event is timed, then the
    serialised events."""
    text = head.to_ical()
    end = b"END:VCALENDAR\r\n"
    parts = [text[: text.rindex(end)]]
    if any(timed for _blob, timed in blobs):
        parts.append(shanghai_vtimezone().to_ical())
    parts.extend(blob for blob, _timed in blobs)
    parts.append(end)
    return b"".join(parts)


def ics_response(feed, filename):
    content = feed if isinstance(feed, bytes) else feed.to_ical()
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def calendar_page_url():
    page = CalendarPage.objects.live().public().first()
    return page.full_url if page is not None else ""


def plan_calendar(body=None):
    """The VCALENDAR bytes of the plan as `body` sees it (every entry when None)."""
    host = domain()
    names = labels()
    page_url = calendar_page_url()
    entries = calendar.with_display_data(calendar.entries_of(body)).order_by("first_month", "start_date", "pk")
    title = body.name if body is not None else "全部"
    head = calendar_head(
        f"{committee_name()} · {title} 活动安排",
        f"schedule-{body.kind + '-' + str(body.row_id or '') if body else 'all'}@{host}",
    )
    return assemble(head, serialised_events(entries, host, names, page_url))


def all_feed(request):
    return ics_response(plan_calendar(), "all.ics")


def body_feed(request, kind, key):
    body = calendar.find_body(kind, key)
    if body is None:
        raise Http404("没有这个活动主体。")
    return ics_response(plan_calendar(body), f"{kind}-{key}.ics")


# --- the private deadline feed


def feed_token_for(user):
    """The account's feed token, made on first use."""
    token, _created = CalendarFeedToken.objects.get_or_create(
        user=user, defaults={"token": CalendarFeedToken.new_token()}
    )
    return token


def renew_feed_token(user):
    """重新生成: a new secret, so the old address stops working at once."""
    token = feed_token_for(user)
    token.token = CalendarFeedToken.new_token()
    token.save(update_fields=["token", "created_at"])
    return token


def private_feed_url(token):
    return settings.PUBLIC_URL.rstrip("/") + reverse("calendar_private_feed", kwargs={"token": token.token})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_feed(request):
    if request.method == "POST":
        renew_feed_token(request.user)
        return redirect("calendar_my_feed")
    token = feed_token_for(request.user)
    return render(
        request,
        "schedule/my_feed.html",
        {"feed_url": private_feed_url(token), "deadlines": deadlines_for(request.user)},
    )


@never_cache
def private_feed(request, token):
    found = CalendarFeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if found is None:
        raise Http404("订阅地址无效或已重新生成。")
    user = found.user
    host = domain()
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    name = user.get_full_name() or user.get_username()
    feed = build_calendar(
        f"{committee_name()} · {name} 的截止日期",
        f"deadlines-{user.pk}@{host}",
        (deadline_event(deadline, host, stamp) for deadline in deadlines_for(user)),
    )
    return ics_response(feed, "deadlines.ics")
