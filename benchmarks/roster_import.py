"""Roster import benchmark: rows per second and peak memory, as the admin runs it.

The admin runs an import in two passes over the same file: the preview (a dry run that
validates every row and rolls back) and the confirmed import (validates again and writes).
This script times both passes on generated rosters of 10,000 and 100,000 rows, for the
project's RosterResource and, on 10,000 rows, for a plain default ModelResource of the same
columns, each in a fresh process on a fresh SQLite database so peak memory is its own.

    .venv/bin/python benchmarks/roster_import.py            # 10k and 100k rows
    .venv/bin/python benchmarks/roster_import.py --rows 10000

Targets (issue 3): 10,000 rows validated and written in under 5 s on 2 cores; at least
5x the default resource's rows per second; peak memory under 500 MB for 100,000 rows.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(db_path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin_site.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_template_db(path):
    setup_django(path)
    from django.core.management import call_command

    from people.demo import seed_reference_data

    call_command("migrate", verbosity=0)
    seed_reference_data()


def generate_roster(path, rows, fmt):
    from people.demo import COMMITTEES, GIVEN, PARTIES, STREETS, SURNAMES
    from people.roster import HEADERS

    rng = random.Random(rows)
    committee_of = {sector: name for name, _, sectors in COMMITTEES for sector in sectors}
    sectors = list(committee_of)
    data = [list(HEADERS)]
    for n in range(1, rows + 1):
        sector = rng.choice(sectors)
        data.append(
            [
                f"B{n:06d}",
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                rng.choice("男女"),
                sector,
                rng.choice(PARTIES + [""] * 5),
                committee_of[sector],
                "某单位 职务",
                f"13{rng.randrange(10**9):09d}",
                rng.choice(["是", "否", "否", "否"]),
                rng.choice(STREETS) + "街道活动小组",
            ]
        )
    if fmt == "csv":
        import csv

        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(data)
    else:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in data:
            sheet.append(row)
        workbook.save(path)


def default_resource_class():
    """What a developer writes first: a ModelResource with the same columns, default options."""
    from import_export import resources, widgets
    from import_export.fields import Field

    from people.models import Member, Party, Sector, SpecialCommittee, StreetGroup
    from people.roster import GENDER_CHOICES, YES_NO_CHOICES, ChoiceWidget

    class DefaultRosterResource(resources.ModelResource):
        code = Field("code", "委员证号")
        name = Field("name", "姓名")
        gender = Field("gender", "性别", ChoiceWidget(GENDER_CHOICES))
        sector = Field("sector", "界别", widgets.ForeignKeyWidget(Sector, "name"))
        party = Field("party", "党派", widgets.ForeignKeyWidget(Party, "name"))
        committee = Field("committee", "专委会", widgets.ForeignKeyWidget(SpecialCommittee, "name"))
        employer_title = Field("employer_title", "单位及职务")
        phone = Field("phone", "联系电话")
        is_standing = Field("is_standing", "是否常委", ChoiceWidget(YES_NO_CHOICES, blank=False))
        street_group = Field("street_group", "街道活动小组", widgets.ForeignKeyWidget(StreetGroup, "name"))

        class Meta:
            model = Member
            fields = (
                "code",
                "name",
                "gender",
                "sector",
                "party",
                "committee",
                "employer_title",
                "phone",
                "is_standing",
                "street_group",
            )
            import_id_fields = ("code",)

    return DefaultRosterResource


def child(args):
    """One measured run: preview (dry run) then confirmed import, in this process."""
    setup_django(args.db)
    from people.models import Member
    from people.roster import import_roster, read_roster

    data = Path(args.file).read_bytes()
    timings = {}
    if args.resource == "lianxin":
        for phase, dry_run in (("preview", True), ("import", False)):
            start = time.perf_counter()
            report = import_roster(data, args.file, dry_run=dry_run)
            timings[phase] = time.perf_counter() - start
            assert report.ok, report.errors[:5]
    else:
        Resource = default_resource_class()
        for phase, dry_run in (("preview", True), ("import", False)):
            start = time.perf_counter()
            sheet = read_roster(data, args.file)
            result = Resource().import_data(sheet.dataset, dry_run=dry_run, use_transactions=True)
            timings[phase] = time.perf_counter() - start
            assert not result.has_errors() and not result.has_validation_errors()
    assert Member.objects.count() == args.rows
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**timings, "peak_mb": peak_mb}))


def measure(workdir, template, rows, fmt, which):
    db = workdir / f"run-{which}-{rows}-{fmt}.sqlite3"
    shutil.copy(template, db)
    path = workdir / f"roster-{rows}.{fmt}"
    if not path.exists():
        generate_roster(path, rows, fmt)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--db",
            str(db),
            "--file",
            str(path),
            "--rows",
            str(rows),
            "--resource",
            which,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    db.unlink()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="roster sizes (default 10000 and 100000)")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--resource", default="lianxin", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.rows = args.rows[0]
        return child(args)

    sizes = args.rows or [10_000, 100_000]
    workdir = Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    template = workdir / "template.sqlite3"
    make_template_db(template)

    print(
        f"{'rows':>7} {'file':>4} {'resource':>9} {'preview s':>9} {'import s':>9} "
        f"{'total s':>8} {'rows/s':>8} {'peak MB':>8}"
    )
    by_size = {}
    for rows in sizes:
        for fmt in args.formats.split(","):
            runs = ["lianxin"] + (["default"] if rows <= 10_000 else [])
            for which in runs:
                m = measure(workdir, template, rows, fmt, which)
                total = m["preview"] + m["import"]
                rate = rows / total
                by_size[(rows, fmt, which)] = rate
                print(
                    f"{rows:>7} {fmt:>4} {which:>9} {m['preview']:>9.2f} {m['import']:>9.2f} "
                    f"{total:>8.2f} {rate:>8.0f} {m['peak_mb']:>8.0f}",
                    flush=True,
                )
    for (rows, fmt, which), rate in by_size.items():
        default = by_size.get((rows, fmt, "default"))
        if which == "lianxin" and default:
            print(f"{rows} rows, {fmt}: {rate / default:.1f}x the default ModelResource's rows per second")
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
