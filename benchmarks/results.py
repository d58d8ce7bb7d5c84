"""履职成果 benchmark: the registry's import, 成果统计 and the 零提案 list at a district's size.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres) with
500 members, the script

1. generates a valid registry workbook of 20,000 rows of every kind (results.sheets.
   sample_workbook; not timed) and, in a child process of its own so that the peak memory is
   the import's, runs the admin's two passes over it: the preview (a dry run that checks every
   row and rolls back) and 确认导入 (checks again and writes). The floor: the same rows
   (entries, authors, units and 变更记录, read back from the database) deleted and written
   again by Django's plain bulk_create, with nothing checked;
2. asks for /admin/results/reports/statistics/ and /admin/results/reports/zero/ as
   委员联络室 (who reads every entry) through Django's test client, and compares each page with
   its floor: the same template and the same context rendered by a plain view behind the same
   middleware, so that the difference is what counting the year costs.

    .venv/bin/python benchmarks/results.py
    .venv/bin/python benchmarks/results.py --rows 20000 --members 500 --runs 9
    .venv/bin/python benchmarks/results.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench

--postgres drops and creates the named database (the role needs CREATEDB; .ci/run creates
such a role) and runs ANALYZE after loading, as autovacuum would.

Targets (issue 13): the import under 20 s and 500 MB peak; 成果统计 and the 零提案 list
under 300 ms each with 20,000 entries and 500 members.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from fresh_site import fresh_database, median_ms, page_and_floor, print_figures, use_site

STATISTICS = "/admin/results/reports/statistics/"
ZERO = "/admin/results/reports/zero/"


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------
# The child: the site, the roster, the workbook, then the import and its floor


def load_site(members):
    """Migrate, then the reference data, `members` members, the demo's handling units and a
    提案委 account (the importer). Returns (user, year, workbook arguments)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from people import roles
    from people.demo import PARTIES, SECTORS, seed_members, seed_reference_data
    from people.models import Member
    from results.demo import UNITS
    from results.models import HandlingUnit

    call_command("migrate", verbosity=0)
    seed_reference_data()
    seed_members(members)
    for order, name in enumerate(UNITS, start=1):
        HandlingUnit.objects.get_or_create(name=name, defaults={"sort_order": order})
    user = get_user_model().objects.create_user("bench_proposals", password="x")
    user.groups.add(Group.objects.get(name=roles.PROPOSAL_COMMITTEE), Group.objects.get(name=roles.RESEARCH_OFFICE))
    today = timezone.localdate()
    sample = {
        "year": today.year,
        "member_codes": list(Member.objects.order_by("code").values_list("code", flat=True)),
        "unit_names": list(UNITS),
        "sector_names": list(SECTORS),
        "party_names": list(PARTIES),
        "today": today,
    }
    return user, sample


def written_rows():
    """Everything the import wrote, as field dicts per model (parents first)."""
    from results.models import ProposalUnit, Result, ResultAuthor, ResultChange

    models = [Result, ResultAuthor, ProposalUnit, ResultChange]
    return [(model, [dict(row) for row in model.objects.order_by("pk").values()]) for model in models]


def floor_bulk_create(tables):
    """Delete what the import wrote (not timed) and write the same rows again with bulk_create
    (timed): the cost of putting these rows in the database with nothing checked."""
    from django.db import transaction

    with transaction.atomic():
        for model, _rows in reversed(tables):
            model.objects.all()._raw_delete(model.objects.db)
    start = time.perf_counter()
    with transaction.atomic():
        for model, rows in tables:
            model.objects.bulk_create([model(**row) for row in rows])
    return time.perf_counter() - start


def child(args):
    workdir = Path(args.workdir)
    use_site(args.database_url, workdir)
    from results.models import Result
    from results.sheets import import_results, sample_workbook

    user, sample = load_site(args.members)
    data = sample_workbook(args.rows, **sample)
    del sample
    figures = {"file_kb": len(data) // 1024, "baseline_mb": peak_mb()}
    for phase, dry_run in (("preview", True), ("import", False)):
        start = time.perf_counter()
        report = import_results(data, user, dry_run=dry_run, filename="bench.xlsx")
        figures[phase] = time.perf_counter() - start
        assert not report.errors, report.errors[:5]
        assert report.created == args.rows, (report.created, report.updated, report.unchanged)
    figures["peak_mb"] = peak_mb()
    assert Result.objects.count() == args.rows

    start = time.perf_counter()
    again = import_results(data, user, dry_run=True, filename="bench.xlsx")
    figures["same_file_again"] = time.perf_counter() - start
    assert again.unchanged == args.rows and not again.created and not again.updated

    tables = written_rows()
    figures["rows_written"] = {model._meta.model_name: len(rows) for model, rows in tables}
    figures["floor"] = floor_bulk_create(tables)
    assert Result.objects.count() == args.rows
    print(json.dumps(figures))


# ---------------------------------------------------------------------------
# The parent: the report pages and their floors


def measure_reports(args, year):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from people import roles
    from people.models import Member
    from people.services import members_visible_to
    from results import reports, rules, stats
    from results.models import Result

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = get_user_model().objects.create_user("bench_liaison", password="x")
    user.groups.add(Group.objects.get(name=roles.LIAISON_OFFICE))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    visible = rules.results_visible_to(user)
    members = members_visible_to(user)

    figures = [
        ("entries, members", f"{Result.objects.filter(year=year).count():,}, {Member.objects.count():,}"),
    ]
    for label, url in (("成果统计", f"{STATISTICS}?year={year}"), ("零提案", f"{ZERO}?year={year}")):
        page, floor = page_and_floor(reports, client, url, args.runs)
        figures.append((f"{label} page", f"{page:.0f} ms (floor: same template and context {floor:.0f} ms)"))
    counted = median_ms(lambda: stats.statistics(visible, year), args.runs)
    figures.append(("  stats.statistics() alone", f"{counted:.0f} ms"))
    listed = median_ms(lambda: stats.with_counts(stats.zero_proposals(members, year)[:50], year), args.runs)
    zero = stats.zero_proposals(members, year).count()
    figures.append(("  zero_proposals() + with_counts(), 50 listed", f"{listed:.0f} ms ({zero} members without 提案)"))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    workdir, database_url = fresh_database(args.postgres)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            f"--workdir={workdir}",
            f"--database-url={database_url}",
            f"--rows={args.rows}",
            f"--members={args.members}",
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(out.stderr)
    run = json.loads(out.stdout.strip().splitlines()[-1])

    use_site(database_url, workdir)
    from django.db import connection
    from django.utils import timezone

    written = ", ".join(f"{n:,} {name}" for name, n in run["rows_written"].items())
    figures = [
        ("database", connection.vendor),
        (f"import {args.rows:,} rows ({run['file_kb']:,} KB xlsx)", ""),
        ("  preview (dry run)", f"{run['preview']:.1f} s"),
        ("  确认导入 (check again and write)", f"{run['import']:.1f} s"),
        ("  preview + 确认导入", f"{run['preview'] + run['import']:.1f} s"),
        ("  peak memory", f"{run['peak_mb']:.0f} MB (site loaded, before the import: {run['baseline_mb']:.0f} MB)"),
        ("  the same file again (preview: all unchanged)", f"{run['same_file_again']:.1f} s"),
        ("  floor: bulk_create of the same rows", f"{run['floor']:.1f} s ({written})"),
        *measure_reports(args, timezone.localdate().year),
    ]
    print_figures(figures)


if __name__ == "__main__":
    main()
