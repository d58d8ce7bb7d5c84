"""Roster export benchmark: seconds and peak memory of the 委员名册 export against its floor.

On a fresh SQLite database holding `--members` generated members (the demo's reference data), each
export runs in a fresh process (so its peak RSS is its own) and writes its file to disk:

- the export as the admin serves it (people.roster_export: CSV as streamed pieces, xlsx as sheet
  XML streamed into the zip by lianxin_site.xlsx_stream), every cell rendered (男/女, 是/否, names
  of 界别 …) and made formula-safe;
- the floor: the same rows read as a values_list in the same chunks and written straight away by
  csv.writer, no rendering, no formula check: what any export of these rows costs at least;
- beside the xlsx export, openpyxl's write-only workbook of the same raw values, what the export
  was built on before (its own time was over the 20 s target on this machine).

    .venv/bin/python benchmarks/export.py                    # 200,000 members
    .venv/bin/python benchmarks/export.py --members 20000

Target (issue 19): 200,000 members in under 20 s and 300 MB (the tablib export took 68 s, 1.2 GB).
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
TARGET_SECONDS = 20
TARGET_MB = 300


def setup_django(db_path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin_site.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_database(path, members):
    setup_django(path)
    from django.core.management import call_command

    from people.demo import GIVEN, SURNAMES, seed_reference_data
    from people.models import Member, Party, Sector, SpecialCommittee, StreetGroup

    call_command("migrate", verbosity=0)
    seed_reference_data()
    rng = random.Random(members)
    sectors = list(Sector.objects.all())
    parties = list(Party.objects.all()) + [None] * 5
    committees = list(SpecialCommittee.objects.all()) + [None]
    streets = list(StreetGroup.objects.all()) + [None]
    batch = []
    for n in range(1, members + 1):
        batch.append(
            Member(
                code=f"E{n:06d}",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender=rng.choice(Member.Gender.values),
                sector=rng.choice(sectors),
                party=rng.choice(parties),
                committee=rng.choice(committees),
                employer_title="某单位 职务" if n % 97 else "=某单位",  # a few cells to neutralise
                phone=f"13{rng.randrange(10**9):09d}",
                is_standing=rng.random() < 0.2,
                street_group=rng.choice(streets),
            )
        )
        if len(batch) == 5000:
            Member.objects.bulk_create(batch)
            batch = []
    Member.objects.bulk_create(batch)


def floor_export(out, fmt):
    """The same rows, values as stored, written with nothing in between."""
    import csv
    import io

    from people.models import Member
    from people.roster_export import CHUNK_ROWS, headers

    lookups = [
        "code",
        "name",
        "gender",
        "sector__name",
        "party__name",
        "committee__name",
        "employer_title",
        "phone",
        "is_standing",
        "street_group__name",
        "chair_role",
        "is_youth",
    ]
    rows = Member.objects.order_by("code").values_list(*lookups).iterator(chunk_size=CHUNK_ROWS)
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(headers())
        writer.writerows(rows)
        text.flush()
        text.detach()
    else:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("委员名册")
        sheet.append(headers())
        for row in rows:
            sheet.append(row)
        workbook.save(out)


def child(args):
    setup_django(args.db)
    from people.roster_export import write_roster

    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    with open(args.out, "wb") as out:
        if args.which == "export":
            write_roster(out, args.format)
        else:
            floor_export(out, args.format)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = Path(args.out).stat().st_size / 2**20
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "baseline_mb": baseline_mb, "size_mb": size_mb}))


def measure(workdir, db, fmt, which):
    out = workdir / f"{which}.{fmt}"
    command = [sys.executable, __file__, "--child", "--db", str(db), "--out", str(out), "--format", fmt]
    result = subprocess.run([*command, "--which", which], capture_output=True, text=True, check=True)
    out.unlink()
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--which", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    workdir = Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir)  # the database of 200,000 members alone is 36 MB


def run(args, workdir):
    db = workdir / "export.sqlite3"
    print(f"seeding {args.members:,} members…", flush=True)
    subprocess.run([sys.executable, __file__, "--seed", str(db), "--members", str(args.members)], check=True)
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    lines = []  # (label, figures)
    csv_floor = measure(workdir, db, "csv", "floor")
    for fmt in args.formats.split(","):
        ours = measure(workdir, db, fmt, "export")
        lines.append((f"{fmt} export", ours))
        if fmt == "xlsx":
            openpyxl_alone = measure(workdir, db, "xlsx", "floor")
            lines.append(("xlsx openpyxl write-only", openpyxl_alone))
    lines.append(("csv floor", csv_floor))
    print(f"{'':<26}{'seconds':>9}{'peak MB':>9}{'file MB':>9}   (peak includes Django at start)")
    for name, figures in lines:
        print(f"{name:<26}{figures['seconds']:>9.1f}{figures['peak_mb']:>9.0f}{figures['size_mb']:>9.1f}")
    for name, ours in lines:
        if not name.endswith(" export"):
            continue
        verdict = "ok" if ours["seconds"] < TARGET_SECONDS and ours["peak_mb"] < TARGET_MB else "MISSED"
        beside = ""
        if name == "xlsx export":
            beside = f", {ours['seconds'] / openpyxl_alone['seconds']:.2f}x openpyxl write-only's"
        print(
            f"{name}: {ours['seconds'] / csv_floor['seconds']:.2f}x the csv floor's time{beside}, "
            f"+{ours['peak_mb'] - csv_floor['peak_mb']:.0f} MB over the floor's peak; "
            f"target under {TARGET_SECONDS} s and {TARGET_MB} MB at 200,000: {verdict} (Django alone: "
            f"{ours['baseline_mb']:.0f} MB)"
        )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    if "--seed" in sys.argv:
        seed = argparse.ArgumentParser()
        seed.add_argument("--seed")
        seed.add_argument("--members", type=int)
        seed_args = seed.parse_args()
        make_database(seed_args.seed, seed_args.members)
    else:
        main()
