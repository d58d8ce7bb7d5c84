"""委员工作室考核 benchmark: the year's standings and the 考核 board for 5 and then 50 stations.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres) the script
builds stations with a year of records each (24 published 动态, 6 plan items, 4 季度例会, 30 履职日志,
posts for 4 委员活动日, manual scores for the default scheme's three manual criteria), then prints,
at 5 and at 50 stations:

- assessment.standings(): the auto counts (stations/stats.py, all stations in one go), the manual
  scores, totals, ranks and 优秀, beside its floor: the stats.py calls alone, which any page
  showing these counts must make;
- the 考核 board (委员联络室, /admin/stations/assessment/), beside its floor: the same template and
  context rendered by a plain view (what is left is the page's own counting);
- the queries of each, which must be the same at 5 and 50 stations.
Target: the 考核 for 50 stations under 300 ms.

    .venv/bin/python benchmarks/stations_assessment.py
    .venv/bin/python benchmarks/stations_assessment.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench
"""

import argparse
import datetime

from fresh_site import fresh_database, median_ms, page_and_floor, print_figures, use_site

YEAR = 2026
TARGET_MS = 300
POSTS, PLAN_ITEMS, MEETINGS, LOGS = 24, 6, 4, 30


def add_stations(index, upto, days, members):
    """Live stations with a year of records, until there are `upto` of them."""
    from django.utils import timezone

    from content.models import PlanItem, WorkstationPage, WorkstationPostPage
    from stations.models import StationLog, StationMeeting

    have = WorkstationPage.objects.count()
    for n in range(have, upto):
        lead = members[n % len(members)]
        station = index.add_child(
            instance=WorkstationPage(
                title=f"考核测试委员工作室{n:02d}",
                slug=f"bench-assess-{n}",
                basis=WorkstationPage.Basis.SECTOR,
                sector=lead.sector,
                committee=lead.committee,
                lead_member=lead,
            )
        )
        for k in range(POSTS):
            day = days[k % len(days)] if k < len(days) and n % 3 else None
            station.add_child(
                instance=WorkstationPostPage(
                    title=f"动态{k}",
                    slug=f"p{k}",
                    category="visit",
                    date=datetime.date(YEAR, 1 + k % 11, 1 + k % 27),
                    text="<p>委员接待群众。</p>",
                    activity_day=day,
                    first_published_at=timezone.make_aware(datetime.datetime(YEAR, 1 + k % 11, 2 + k % 26)),
                )
            )
        PlanItem.objects.bulk_create(
            PlanItem(workstation=station, date=datetime.date(YEAR, 1 + 2 * k, 5), title=f"计划{k}")
            for k in range(PLAN_ITEMS - (n % 2) * PLAN_ITEMS)
        )
        StationMeeting.objects.bulk_create(
            StationMeeting(station=station, date=datetime.date(YEAR, 1 + 3 * k, 10), minutes="例会")
            for k in range(MEETINGS - n % 4)
        )
        StationLog.objects.bulk_create(
            StationLog(
                station=station, date=datetime.date(YEAR, 1 + k % 11, 1 + k % 28), type="reception", matter="接待"
            )
            for k in range(LOGS - n % 20)
        )


def score_everything(scheme):
    from content.models import WorkstationPage
    from stations.models import Criterion, ManualScore

    ManualScore.objects.all().delete()
    manual = scheme.criteria.filter(method=Criterion.Method.MANUAL)
    ManualScore.objects.bulk_create(
        ManualScore(criterion=c, station=s, points=(s.pk * 7 + c.pk) % (c.max_points * 10) / 10)
        for c in manual
        for s in WorkstationPage.objects.all()
    )


def stats_floor(scheme):
    """The stats.py calls the default scheme's criteria need: what remains is the 考核's own work."""
    from content.models import WorkstationPage
    from stations import stats

    ids = list(WorkstationPage.objects.live().values_list("pk", flat=True))
    stats.done_months(ids, YEAR)
    stats.planned_months(ids, YEAR)
    stats.meeting_quarters(ids, YEAR)
    stats.on_time_counts(ids, YEAR)
    stats.log_counts(ids, YEAR)


def count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def measure(size, scheme, client, runs):
    from stations import assessment, assessment_admin

    url = f"/admin/stations/assessment/?year={YEAR}"
    score_everything(scheme)

    def standings():
        lines = assessment.standings(scheme, assessment.live_stations())
        assert len(lines) == size, len(lines)

    def board():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    figures = {
        "standings": median_ms(standings, runs),
        "stats_floor": median_ms(lambda: stats_floor(scheme), runs),
        "standings_queries": count_queries(standings),
        "board_queries": count_queries(board),
    }
    figures["board"], figures["board_floor"] = page_and_floor(assessment_admin, client, url, runs)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    call_command("migrate", verbosity=0)
    from content.models import HomePage, WorkstationIndexPage, WorkstationPage
    from forms_app.models import ActivityDay
    from people import roles
    from people.demo import seed_members, seed_reference_data
    from people.models import Member
    from stations import assessment

    seed_reference_data()
    seed_members(60)
    members = list(Member.objects.order_by("code"))
    WorkstationPage.objects.all().delete()
    index = WorkstationIndexPage.objects.first()
    if index is None:
        index = HomePage.objects.get().add_child(instance=WorkstationIndexPage(title="委员工作室", slug="workstations"))
    days = [
        ActivityDay.objects.create(
            name=f"{month}月活动日",
            theme="基层",
            date=datetime.date(YEAR, month, 1),
            upload_deadline=datetime.date(YEAR, month, 8),
            deadline=datetime.date(YEAR, month, 10),
        )
        for month in (3, 6, 9, 11)
    ]
    from django.contrib.auth import get_user_model

    liaison = get_user_model().objects.create_user("bench_assess_liaison", password="x")
    liaison.groups.add(Group.objects.get(name=roles.LIAISON_OFFICE))
    scheme = assessment.create_default_scheme(liaison, YEAR)
    client = Client(HTTP_HOST="localhost")
    client.force_login(liaison)

    add_stations(index, 5, days, members)
    small = measure(5, scheme, client, args.runs)
    add_stations(index, args.stations, days, members)
    large = measure(args.stations, scheme, client, args.runs)

    rows = []
    for size, figures in ((5, small), (args.stations, large)):
        rows += [
            (
                f"standings, {size} stations",
                f"{figures['standings']:.1f} ms (stats.py alone {figures['stats_floor']:.1f} ms)",
            ),
            (f"考核 board, {size} stations", f"{figures['board']:.1f} ms (floor {figures['board_floor']:.1f} ms)"),
            (
                f"queries, {size} stations",
                f"standings {figures['standings_queries']}, board {figures['board_queries']}",
            ),
        ]
    same = (small["standings_queries"], small["board_queries"]) == (large["standings_queries"], large["board_queries"])
    rows.append(("same queries at 5 and 50", "yes" if same else "NO"))
    rows.append(
        (
            f"target: 考核 for {args.stations} stations < {TARGET_MS} ms",
            "met" if large["board"] < TARGET_MS else "MISSED",
        )
    )
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print_figures(rows)


if __name__ == "__main__":
    main()
