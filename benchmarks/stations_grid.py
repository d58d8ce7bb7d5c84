"""工作室运行 benchmark: the 月度总览 and a station page with its members' photos.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres) the script
builds 5 stations with 500 published 动态 each (plans, 季度例会, one 委员活动日 with uploads) and
counts the grid's queries; grows them to 15 × 500 动态 and times the grid (委员联络室, every
station) beside its floor (the same template and context rendered by a plain view: what is left
is the grid's own counting); then adds 35 small stations and counts the queries again at 50,
which must be the same as at 5. Last, a station with a 负责人 and 29 参与委员, each with a photo,
is timed uncached (a cookie keeps it out of the anonymous page cache) beside the same template
and context from a plain view, with its queries.

Targets: the 15 × 12 grid with 500 动态 per station < 200 ms; the station page with 30 member
photos < 80 ms.

    .venv/bin/python benchmarks/stations_grid.py
    .venv/bin/python benchmarks/stations_grid.py --posts 100            # quick look
    .venv/bin/python benchmarks/stations_grid.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench
"""

import argparse
import datetime
import time

from fresh_site import fresh_database, median_ms, page_and_floor, print_figures, use_site

YEAR = 2026
TARGETS = {"grid": 200, "page": 80}
GRID_URL = f"/admin/stations/grid/?year={YEAR}"


def build_stations(index, lead, committee, start, count, posts, day):
    """`count` live stations, each with `posts` 动态 across the year, a plan item a month, a
    季度例会 a quarter and, for one 动态 in four stations, the 委员活动日's upload."""
    from django.utils import timezone

    from content.models import PlanItem, WorkstationPage, WorkstationPostPage
    from stations.models import StationMeeting

    created = []
    for n in range(start, start + count):
        station = WorkstationPage(
            title=f"委员工作室{n:02d}",
            slug=f"bench-station-{n}",
            basis=WorkstationPage.Basis.COMMITTEE,
            committee=committee,
            lead_member=lead,
            address="东四大街 1 号",
        )
        index.add_child(instance=station)
        station.save_revision().publish()
        PlanItem.objects.bulk_create(
            PlanItem(workstation=station, date=datetime.date(YEAR, m, 15), title="委员接待日") for m in range(1, 13)
        )
        StationMeeting.objects.bulk_create(
            StationMeeting(station=station, date=datetime.date(YEAR, q * 3 - 1, 10), minutes="例会")
            for q in range(1, 5)
        )
        for k in range(posts):
            station.add_child(
                instance=WorkstationPostPage(
                    title=f"动态第{k}条",
                    slug=f"p-{k}",
                    category="visit",
                    date=datetime.date(YEAR, 1 + k % 12, 1 + k % 28),
                    text="<p>委员接待群众，收集意见建议。</p>",
                    activity_day=day if k == 0 and n % 4 == 0 else None,
                    first_published_at=timezone.now(),
                )
            )
        created.append(station)
    return created


def query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def photo_station(index, members):
    """A station led by members[0] with members[1:30] taking part, every one with a photo."""
    from content.demo import make_image
    from content.models import WorkstationPage

    for n, member in enumerate(members[:30]):
        if member.photo_id is None:
            member.photo = make_image(f"委员照片{n}", "portrait", seed=n)
            member.save(update_fields=["photo"])
    station = WorkstationPage(
        title="三十位委员工作室",
        slug="bench-photos",
        basis=WorkstationPage.Basis.SECTOR,
        sector=members[0].sector,
        lead_member=members[0],
        address="景山街道 8 号",
    )
    index.add_child(instance=station)
    station.members.set(members[1:30])
    station.save_revision().publish()
    return station


def page_figures(station, runs):
    """(ms uncached, floor ms, queries) of the station page."""
    from django.conf import settings
    from django.db import connection
    from django.shortcuts import render
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, path

    from content.models import WorkstationPage
    from lianxin_site import urls

    client = Client(HTTP_HOST="localhost")
    client.cookies[settings.SESSION_COOKIE_NAME] = "none"  # past the anonymous page cache, still anonymous
    url = station.url

    def get(target):
        response = client.get(target)
        assert response.status_code == 200, (target, response.status_code)
        return response

    get(url)  # the renditions are made on the first view
    with CaptureQueriesContext(connection) as captured:
        get(url)
    queries = len(captured)  # read now: the next request empties the log
    page = WorkstationPage.objects.get(pk=station.pk).specific
    request = RequestFactory().get(url, HTTP_HOST="localhost")
    context = page.get_context(request)
    context["team"] = list(context["team"])

    def floor(request):
        return render(request, page.get_template(request), context)

    urls.urlpatterns.insert(0, path("__floor__/station-photos/", floor))
    clear_url_caches()
    return median_ms(lambda: get(url), runs), median_ms(lambda: get("/__floor__/station-photos/"), runs), queries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=500, help="动态 per station (default 500)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)
    from django.conf import settings

    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # not what is measured
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from content.models import HomePage, WorkstationIndexPage
    from forms_app.models import ActivityDay
    from people import roles
    from people.demo import seed_members, seed_reference_data
    from people.models import Member, SpecialCommittee
    from stations import grid_admin

    seed_reference_data()
    seed_members(60)
    members = list(Member.objects.select_related("sector").order_by("code"))
    committee = SpecialCommittee.objects.order_by("sort_order").first()
    home = HomePage.objects.first()
    index = WorkstationIndexPage(title="委员工作室", slug="workstations")
    home.add_child(instance=index)
    index.save_revision().publish()
    day = ActivityDay.objects.create(
        name="委员活动日",
        theme="民生",
        date=datetime.date(YEAR, 3, 20),
        upload_deadline=datetime.date(YEAR, 3, 25),
        deadline=datetime.date(YEAR, 3, 31),
    )
    liaison = get_user_model().objects.create_user("bench_grid_liaison", password="x")
    liaison.groups.add(Group.objects.get(name=roles.LIAISON_OFFICE))
    client = Client(HTTP_HOST="localhost")
    client.force_login(liaison)

    started = time.perf_counter()
    build_stations(index, members[0], committee, 0, 5, args.posts, day)
    queries_5 = query_count(client, GRID_URL)
    build_stations(index, members[0], committee, 5, 10, args.posts, day)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    grid_ms, grid_floor = page_and_floor(grid_admin, client, GRID_URL, args.runs)
    queries_15 = query_count(client, GRID_URL)
    build_stations(index, members[0], committee, 15, 35, 5, day)
    queries_50 = query_count(client, GRID_URL)

    station = photo_station(index, members)
    page_ms, page_floor, page_queries = page_figures(station, args.runs)

    print_figures(
        [
            ("database", connection.vendor),
            ("stations × 动态", f"15 × {args.posts:,} (loaded in {loaded:.0f} s), then 50"),
            (
                "月度总览 15 × 12 (委员联络室)",
                f"{grid_ms:.0f} ms (target < {TARGETS['grid']} ms; floor: same template and context "
                f"{grid_floor:.0f} ms); queries at 5 / 15 / 50 stations: {queries_5} / {queries_15} / {queries_50}"
                + ("" if queries_5 == queries_50 else "  ← NOT EQUAL"),
            ),
            (
                "委员工作室 page, 30 member photos",
                f"{page_ms:.0f} ms uncached (target < {TARGETS['page']} ms; floor: same template and context "
                f"{page_floor:.0f} ms); {page_queries} queries",
            ),
        ]
    )


if __name__ == "__main__":
    main()
