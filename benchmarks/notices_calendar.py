"""Issue 18's iCal figure: /calendar/all.ics with 500 entries (target < 200 ms), beside an honest floor.

On a fresh SQLite site with the reference data and 500 entries (a third month ranges, a third with
dates, a third timed; each with one to three 活动主体, some with invited members and batches):

- feed: GET /calendar/all.ics through django's test Client and the site's whole middleware, with the
  shared page cache turned off (CACHE_MIDDLEWARE_SECONDS = 0), so every run builds the feed: the
  query, the body rows and each VEVENT's content, whose serialised text is kept by a hash of that
  content (schedule/feeds.py). Also shown: the same with no kept text (each event serialised again,
  as after a first publish), and the same GET served from the page cache.
- floor: icalendar building and serialising the same 500 events from plain tuples read beforehand,
  with no Django view, no query and no middleware.

    .venv/bin/python benchmarks/notices_calendar.py
    .venv/bin/python benchmarks/notices_calendar.py --entries 2000 --runs 5
"""

import argparse
import datetime

from fresh_site import fresh_database, median_ms, print_figures, use_site

TARGET_MS = 200


def make_plan(count, year):
    from people.models import Member, Party, Sector, SpecialCommittee, StreetGroup
    from schedule.models import BodyKind, EntryBody, EntryKind, ScheduleEntry

    rows = {
        BodyKind.COMMITTEE: list(SpecialCommittee.objects.all()),
        BodyKind.SECTOR: list(Sector.objects.all()),
        BodyKind.PARTY: list(Party.objects.all()),
        BodyKind.STREET_GROUP: list(StreetGroup.objects.all()),
    }
    fields = {BodyKind.COMMITTEE: "committee", BodyKind.SECTOR: "sector", BodyKind.PARTY: "party"}
    fields[BodyKind.STREET_GROUP] = "street_group"
    row_kinds = [kind for kind, found in rows.items() if found]
    fixed = [BodyKind.LEADERS, BodyKind.OFFICE, BodyKind.ALL_MEMBERS, BodyKind.ALL_SECTORS]
    kinds = list(EntryKind)
    members = list(Member.objects.all()[:20])
    entries = []
    for n in range(count):
        first = datetime.date(year, n % 12 + 1, 1)
        last = datetime.date(year, min(12, first.month + n % 3), 1)
        entry = ScheduleEntry(
            year=year,
            first_month=first,
            last_month=last,
            content=f"第{n}项：委员走进社区，开展“双走进”活动; 座谈, 走访",
            kind=kinds[n % len(kinds)],
            place="东华门街道社区服务中心" if n % 2 else "",
            note="请各位委员提前十分钟到场。\n联系人：办公室" if n % 4 == 0 else "",
        )
        if n % 3 == 1:
            entry.start_date = first.replace(day=10)
            entry.end_date = first.replace(day=11)
        elif n % 3 == 2:
            entry.start_date = first.replace(day=15)
            entry.start_time = datetime.time(9, 0)
            entry.end_time = datetime.time(11, 30)
        entries.append(entry)
    ScheduleEntry.objects.bulk_create(entries)
    bodies = []
    for n, entry in enumerate(entries):
        for i in range(n % 3 + 1):
            if (n + i) % 4 == 0:
                bodies.append(EntryBody(entry=entry, kind=fixed[(n + i) % len(fixed)]))
            else:
                kind = row_kinds[(n + i) % len(row_kinds)]
                row = rows[kind][(n * 7 + i) % len(rows[kind])]
                bodies.append(EntryBody(entry=entry, kind=kind, **{fields[kind]: row}))
    EntryBody.objects.bulk_create(bodies)
    through = ScheduleEntry.invited.through
    through.objects.bulk_create(
        [through(scheduleentry_id=entry.pk, member_id=member.pk) for entry in entries[::5] for member in members[:3]]
    )
    for batch_number, entry in enumerate(entries[1:40:2], start=1):
        entry.batch_of = entries[0]
        entry.batch_number = batch_number
    ScheduleEntry.objects.bulk_update(entries[1:40:2], ["batch_of", "batch_number"])
    return len(bodies)


def plain_rows():
    """The same events as plain tuples, read before the floor is timed."""
    from schedule import feeds
    from schedule.models import ScheduleEntry

    rows = []
    for entry in ScheduleEntry.objects.prefetch_related("bodies__sector", "bodies__committee", "bodies__party"):
        start, end = feeds.entry_span(entry)
        bodies = "、".join(str(body) for body in entry.bodies.all())
        rows.append(
            (entry.pk, entry.content, f"活动主体：{bodies}\n{entry.note}", entry.place, start, end, entry.updated_at)
        )
    return rows


def floor_feed(rows):
    """The same events built the way feeds.py builds them (Component.add), from plain tuples."""
    from icalendar import Calendar, Event

    from schedule.feeds import shanghai_vtimezone

    feed = Calendar.new(name="东城区政协 · 全部 活动安排", prodid="-//floor//ZH", uid="floor@example")
    feed.subcomponents.append(shanghai_vtimezone())
    for pk, summary, description, place, start, end, stamp in rows:
        event = Event()
        event.add("uid", f"schedule-entry-{pk}@example")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        if end is not None:
            event.add("dtend", end)
        event.add("summary", summary)
        event.add("description", description)
        if place:
            event.add("location", place)
        feed.add_component(event)
    return feed.to_ical()


def measure_feed(entries=500, runs=15):
    """Print the time for /calendar/all.ics with `entries` entries beside the icalendar floor."""
    workdir, database_url = fresh_database()
    use_site(database_url, workdir)
    from django.conf import settings

    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    settings.CACHE_MIDDLEWARE_SECONDS = 0  # every GET builds the feed; the cached figure comes after
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from icalendar import Calendar

    call_command("migrate", verbosity=0)
    from people.demo import seed_members, seed_reference_data

    seed_reference_data()
    seed_members(30)
    body_rows = make_plan(entries, datetime.date.today().year)

    client = Client(HTTP_HOST="localhost")

    def get():
        response = client.get("/calendar/all.ics")
        assert response.status_code == 200, response.status_code
        return response

    from django.core.cache import caches

    built = get()
    assert len(Calendar.from_ical(built.content).walk("VEVENT")) == entries
    feed_ms = median_ms(get, runs)

    def cold():
        caches["fragments"].clear()
        return get()

    cold_ms = median_ms(cold, max(3, runs // 3))
    rows = plain_rows()
    floor_ms = median_ms(lambda: floor_feed(rows), runs)

    settings.CACHE_MIDDLEWARE_SECONDS = 300
    cached = Client(HTTP_HOST="localhost")  # a new handler: the cache middleware reads its timeout when it is made
    cached.get("/calendar/all.ics")
    cached_ms = median_ms(lambda: cached.get("/calendar/all.ics"), runs)

    over = "" if feed_ms < TARGET_MS else "  ← OVER"
    print_figures(
        [
            ("database", connection.vendor),
            (
                f"/calendar/all.ics, {entries} entries",
                f"{feed_ms:.0f} ms (target < {TARGET_MS} ms{over}); {len(built.content):,} bytes, {body_rows} 活动主体 rows",
            ),
            ("  the same, no event text kept yet", f"{cold_ms:.0f} ms (every event serialised by icalendar)"),
            ("floor: icalendar alone", f"{floor_ms:.0f} ms for the same {len(rows)} events, no view, no query"),
            ("served from the shared cache", f"{cached_ms:.1f} ms"),
        ]
    )
    return feed_ms, floor_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    measure_feed(args.entries, args.runs)


if __name__ == "__main__":
    main()
