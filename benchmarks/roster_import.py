"""Roster import benchmark: rows per second and peak memory, as the admin runs it.

The admin runs an import in two steps over the same file: the preview (a dry run that
validates every row, writes nothing and keeps what it would write) and the confirmed import (which
writes what the preview kept, or validates again if the roster changed meanwhile). This script
times both steps on generated rosters of 10,000 and 100,000 rows, for the project's services
(people.roster.preview_upload and confirm_import) and, on 10,000 rows, for a plain default
ModelResource of the same columns; and the floor: a raw `bulk_create` of the same members
(instances built beforehand, untimed). Each runs in a fresh process on a fresh SQLite database
so peak memory is its own.

    .venv/bin/python benchmarks/roster_import.py            # 10k and 100k rows
    .venv/bin/python benchmarks/roster_import.py --rows 10000 --repeat 5

Each figure is the fastest of --repeat runs (3 by default).

Targets (issue 3): 10,000 rows validated and written in under 5 s on 2 cores; at least
5x the default resource's rows per second; peak memory under 500 MB for 100,000 rows.
Issue 19: preview plus confirm within 3x the raw bulk_create of the same rows.
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
    # The kept uploads and their plans go beside the database, not into the checkout's private/.
    os.environ["PRIVATE_ROOT"] = str(Path(db_path).parent / "private")
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
    # The site's SQLite runs in WAL mode: fold the log into the file, which each run copies.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


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


def raw_members(data, filename):
    """The file's rows as unsaved Members, the names resolved: what a bare bulk_create writes."""
    from people.models import Member, Party, Sector, SpecialCommittee, StreetGroup
    from people.roster import GENDER_CHOICES, read_roster

    maps = {model: {obj.name: obj.pk for obj in model.objects.all()} for model in (Sector, Party, SpecialCommittee)}
    streets = {obj.name: obj.pk for obj in StreetGroup.objects.all()}
    members = []
    for row in read_roster(data, filename).dataset.dict:
        members.append(
            Member(
                code=row["委员证号"],
                name=row["姓名"],
                gender=GENDER_CHOICES[row["性别"]],
                sector_id=maps[Sector][row["界别"]],
                party_id=maps[Party].get(row["党派"]),
                committee_id=maps[SpecialCommittee].get(row["专委会"]),
                employer_title=row["单位及职务"],
                phone=row["联系电话"],
                is_standing=row["是否常委"] == "是",
                street_group_id=streets.get(row["街道活动小组"]),
            )
        )
    return members


def child(args):
    """One measured run, in this process: preview then confirmed import, or the raw floor."""
    setup_django(args.db)
    from people.models import Member
    from people.roster import confirm_import, preview_upload, read_roster

    data = Path(args.file).read_bytes()
    timings = {}
    if args.resource == "lianxin":
        start = time.perf_counter()
        record = preview_upload(data, Path(args.file).name, None)
        timings["preview"] = time.perf_counter() - start
        assert not record.report["errors"], record.report["errors"][:5]
        start = time.perf_counter()
        record, report = confirm_import(record.pk)
        timings["import"] = time.perf_counter() - start
        assert report.ok and report.created == args.rows, report.errors[:5]
    elif args.resource == "raw":
        members = raw_members(data, args.file)
        start = time.perf_counter()
        Member.objects.bulk_create(members, batch_size=2000)
        timings["preview"], timings["import"] = 0.0, time.perf_counter() - start
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


def measure(workdir, template, rows, fmt, which, repeat=1):
    """The fastest of `repeat` runs (by preview + import): on a shared machine the others measure
    what else was running."""
    runs = [measure_once(workdir, template, rows, fmt, which) for _ in range(repeat)]
    return min(runs, key=lambda m: m["preview"] + m["import"])


def measure_once(workdir, template, rows, fmt, which):
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
    )
    if out.returncode:
        raise SystemExit(out.stdout + out.stderr)
    db.unlink()
    shutil.rmtree(workdir / "private", ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="roster sizes (default 10000 and 100000)")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--no-default", action="store_true", help="skip the default ModelResource's run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement, the fastest kept")
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
            runs = ["lianxin", "raw"] + (["default"] if rows <= 10_000 and not args.no_default else [])
            for which in runs:
                m = measure(workdir, template, rows, fmt, which, args.repeat)
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
        raw = by_size.get((rows, fmt, "raw"))
        if which == "lianxin" and raw:
            print(f"{rows} rows, {fmt}: preview + confirm take {raw / rate:.1f}x a raw bulk_create (target ≤ 3x)")
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
