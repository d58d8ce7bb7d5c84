"""委员活动日 statistics benchmark: what a unit and the organiser wait for.

On a fresh SQLite database with the demo site (15 stations and their 动态), the demo activity day,
and `--units` extra reporting units (附件2, each with stations listed), prints the median
milliseconds of: the unit's proposed numbers, the form's GET and POST through the full middleware
stack, the roll-up's xlsx and PDF (and their sizes), and reading + checking an import of one
sheet per unit. Beside the roll-up PDF it prints its floor: WeasyPrint on a bare table of the same
text in the same face and weight (no CSS, no charts), untagged with WeasyPrint's defaults, and
tagged PDF/UA with the font packed as render_pdf does.

    .venv/bin/python benchmarks/activity_day.py [--units 100] [--runs 5]
"""

import argparse
import io
import shutil
import statistics
import subprocess
import tempfile
import time

from fresh_site import fresh_site


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    fresh_site()
    import django
    import openpyxl
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from content.demo import seed_content
    from content.models import WorkstationPage
    from forms_app.activity_day import rules as stats
    from forms_app.activity_day.pdf import rollup_context, rollup_pdf_bytes
    from forms_app.activity_day.sheets import read_workbook, rollup_xlsx, unit_xlsx
    from forms_app.demo import seed_activity_days
    from forms_app.models import ActivityDay, ReportingUnit, TableVariant
    from people import roles
    from people.demo import seed_members, seed_reference_data
    from people.models import Profile, SpecialCommittee

    print("seeding…", flush=True)
    seed_reference_data()
    seed_members()
    seed_content()
    seed_activity_days()
    day = ActivityDay.objects.order_by("date").first()
    stations = list(WorkstationPage.objects.all())
    extra = []
    for n in range(args.units):
        unit = ReportingUnit.objects.create(name=f"第{n + 1}县政协", variant=TableVariant.CPPCC, sort_order=100 + n)
        unit.workstations.set(stations[n % len(stations) :][:3])
        extra.append(unit)
    day.units.add(*extra)
    organiser = get_user_model().objects.create_user("bench_organiser", password="x")
    organiser.groups.add(Group.objects.get(name=roles.LIAISON_OFFICE))
    for unit in extra[: args.units // 2]:
        counts = {field: p.value for field, p in stats.proposals(day, unit).items()}
        counts.update(
            collective_members=0 if not counts["active_workstations"] else 1, own_members=1, opinions=3, deeds=1
        )
        stats.save_report(day, unit, organiser, counts, via_import=True, today=day.deadline)

    committee = SpecialCommittee.objects.get(name="教科文卫体委员会")
    committee_unit = ReportingUnit.objects.get(committee=committee)
    office = get_user_model().objects.create_user("bench_office", password="x")
    office.groups.add(Group.objects.get(name=roles.COMMITTEE_OFFICE))
    Profile.objects.create(user=office, committee=committee)
    day.deadline = django.utils.timezone.localdate()
    day.save()
    client = Client(HTTP_HOST="localhost")
    client.force_login(office)
    url = f"/forms/activity-day-stats/{day.pk}/{committee_unit.pk}/"
    proposed = stats.proposals(day, committee_unit)
    data = {field: p.value for field, p in proposed.items()}
    data.update(collective_members=min(data["stationed_members"], 3), own_members=1, opinions=5, deeds=1)
    # A number that differs from the platform's needs its reason, or the form is sent back.
    data.update({f"reason_{field}": "以签到表为准" for field in proposed})
    data["summary"] = "组织委员走进社区开展读书分享，收集群众意见建议 5 条。"

    figures = []
    ms, _ = median_ms(lambda: stats.proposals(day, committee_unit), args.runs)
    figures.append(("proposed numbers, one unit", f"{ms:.1f} ms"))
    ms, response = median_ms(lambda: client.get(url), args.runs)
    assert response.status_code == 200
    figures.append(("form GET", f"{ms:.1f} ms"))
    ms, response = median_ms(lambda: client.post(url, data), args.runs)
    assert response.status_code == 302, response.content[:500]
    figures.append(("form POST (save or correct)", f"{ms:.1f} ms"))
    ms, content = median_ms(lambda: rollup_xlsx(day), args.runs)
    figures.append((f"roll-up xlsx, {day.units.count()} units", f"{ms:.1f} ms, {len(content) // 1024} KB"))
    ms, pdf = median_ms(lambda: rollup_pdf_bytes(day), max(1, args.runs // 2))
    figures.append(
        (f"roll-up PDF, {day.units.count()} units", f"{ms:.0f} ms, {len(pdf) // 1024} KB (target: under 260 KB)")
    )
    context = rollup_context(day)
    ms, bare = median_ms(lambda: bare_table_pdf(context), max(1, args.runs // 2))
    figures.append(("  floor: bare table, same text, untagged", f"{ms:.0f} ms, {len(bare) // 1024} KB"))
    ms, bare = median_ms(lambda: bare_table_pdf(context, like_render_pdf=True), max(1, args.runs // 2))
    figures.append(("  floor: bare table, tagged, font packed", f"{ms:.0f} ms, {len(bare) // 1024} KB"))

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for unit in extra:
        source = openpyxl.load_workbook(io.BytesIO(unit_xlsx(day, unit, day.reports.filter(unit=unit).first()))).active
        sheet = workbook.create_sheet(unit.name)
        for row in source.iter_rows(values_only=True):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    ms, (rows, errors) = median_ms(lambda: read_workbook(buffer.getvalue(), day), max(1, args.runs // 2))
    figures.append(
        (f"import read + check, {len(extra)} sheets", f"{ms:.0f} ms ({len(rows)} rows, {len(errors)} errors)")
    )

    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"{name:<{width}}  {value}")
    print_fonts(pdf)


def bare_table_pdf(context, like_render_pdf=False):
    """WeasyPrint on a bare table holding the roll-up's text (headings, rows, statuses, summaries)
    in the same face and weight: no borders, no charts. like_render_pdf: tagged PDF/UA with the
    font packed, as forms_app.pdf.render_pdf writes every PDF."""
    from django.utils.html import escape
    from weasyprint import HTML

    from forms_app.pdf_fonts import compact_cid_fonts

    columns = context["columns"]
    headings = ["填表单位", *columns["leading"], columns["group"], *columns["kinds"], *columns["trailing"], "报送情况"]
    rows = [
        [row["label"], *("" if v is None else v for v in row["values"]), row["extra"]] for row in context["table_rows"]
    ]
    cells = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    summaries = "".join(
        f"<h3>{escape(row['unit'].name)}</h3><p>{escape(row['report'].summary or '小结未报')}</p>"
        for row in context["rows"]
        if row["report"]
    )
    html = (
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(context["day"].name)}</title>'
        '<style>@page{size:A4 landscape}*{font-family:"Noto Serif CJK SC",serif;font-weight:normal}</style></head>'
        f"<body><h1>{escape(context['day'].name)}</h1><table><tr>{cells}</tr>{body}</table>{summaries}</body></html>"
    )
    if like_render_pdf:
        return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", finisher=compact_cid_fonts)
    return HTML(string=html).write_pdf()


def print_fonts(pdf):
    """The fonts the roll-up PDF embeds (poppler's pdffonts): one CJK face is the floor."""
    if not shutil.which("pdffonts"):
        print("(pdffonts not installed: cannot list the roll-up PDF's fonts)")
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        listing = subprocess.run(["pdffonts", file.name], capture_output=True, text=True, check=False).stdout
    print("roll-up PDF fonts (pdffonts):")
    print(listing.rstrip())


if __name__ == "__main__":
    main()
