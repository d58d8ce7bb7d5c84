"""街道活动小组 half-year report benchmark: 17 groups × 24 activities × 20 members in one half.

On a fresh SQLite database the script loads that half (8,160 attendance rows, written raw), then
prints, as median milliseconds:

- the figures (halfyear.figures) with their query count, beside the count for 2 groups (equal);
- the half-year PDF (pdf.halfyear_pdf): target < 1.5 s, beside its floor, WeasyPrint on a bare table
  of the same text (every group's figures, posts, kinds and absent members) with the same font;
- the xlsx.

    .venv/bin/python benchmarks/stations_halfyear.py [--runs 5]
"""

import argparse
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from fresh_site import fresh_site, median_ms

YEAR = 2025
GROUPS, ACTIVITIES, MEMBERS = 17, 24, 20
TARGET_MS = 1500


def load(groups_wanted):
    from people.models import Member, Post, Sector, Side, StreetGroup, StreetGroupPosition
    from stations.models import ActivityKind, Presence, StreetAttendance, StreetGroupActivity, StreetGroupPlan

    sector = Sector.objects.get_or_create(name="教育界")[0]
    kinds = ActivityKind.values
    presences = [Presence.PRESENT] * 8 + [Presence.EXCUSED, Presence.ABSENT]
    for g in range(StreetGroup.objects.count(), groups_wanted):
        group = StreetGroup.objects.create(name=f"第{g + 1}街道活动小组", street=f"第{g + 1}街道", sort_order=g)
        for post in Post.values:
            for side in Side.values:
                StreetGroupPosition.objects.create(
                    group=group, post=post, side=side, name=f"{post}{side}{g}", title="某单位主任"
                )
        StreetGroupPlan.objects.create(group=group, year=YEAR, needs="需求", approach="方案", status="confirmed")
        members = Member.objects.bulk_create(
            [
                Member(code=f"B{g:02d}{m:03d}", name=f"委员{g}-{m}", sector=sector, street_group=group, gender="女")
                for m in range(MEMBERS)
            ]
        )
        activities = StreetGroupActivity.objects.bulk_create(
            [
                StreetGroupActivity(
                    group=group,
                    date=datetime.date(YEAR, 1 + a % 6, 1 + a % 28),
                    title=f"第{a + 1}次活动：社区服务",
                    kind=kinds[a % len(kinds)],
                    opinions=a % 4,
                    deeds=a % 3,
                )
                for a in range(ACTIVITIES)
            ]
        )
        StreetAttendance.objects.bulk_create(
            [
                StreetAttendance(
                    activity=activity,
                    member=member,
                    presence=presences[(a + m) % len(presences)] if m else Presence.ABSENT,
                )
                for a, activity in enumerate(activities)
                for m, member in enumerate(members)
            ]
        )


def bare_table_pdf(figures):
    """WeasyPrint on a bare table of the report's text (the same font)."""
    from django.utils.html import escape
    from weasyprint import HTML

    parts = [f"<h1>{escape(figures['title'])}</h1><p>{escape(figures.get('summary', ''))}</p><table>"]
    for g in figures["groups"]:
        cells = [
            g["name"],
            g["plan"],
            g["activities"],
            g["present"],
            g["invited"],
            g["rate"],
            g["opinions"],
            g["deeds"],
        ]
        parts.append("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in cells) + "</tr>")
    parts.append("</table>")
    for g in figures["groups"]:
        parts.append(f"<h2>{escape(g['name'])}</h2>")
        parts.append("<p>" + escape("；".join(" ".join(p) for p in g["positions"])) + "</p>")
        parts.append("<p>" + escape("、".join(g["absent_all"])) + "</p>")
        kinds = "、".join(f"{k} {n}" for k, n in zip(figures["kinds"], g["by_kind"], strict=True) if n)
        parts.append(f"<p>{escape(kinds)}</p>")
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>@page{size:A4}'
        '*{font-family:"Noto Serif CJK SC",serif;font-size:9pt}</style></head><body>'
        + "".join(parts)
        + "</body></html>"
    )
    return HTML(string=html).write_pdf()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fresh_site()
    from stations import exports, halfyear, pdf

    load(2)
    with CaptureQueriesContext(connection) as small:
        halfyear.figures(YEAR, 1)
    load(GROUPS)
    with CaptureQueriesContext(connection) as large:
        figures = halfyear.figures(YEAR, 1)
    figures["summary"] = "上半年各街道活动小组围绕街道中心工作开展活动。" * 20
    figures_ms = median_ms(lambda: halfyear.figures(YEAR, 1), args.runs)
    size = len(pdf.halfyear_pdf(figures))
    render = median_ms(lambda: pdf.halfyear_pdf(figures), args.runs)
    bare = median_ms(lambda: bare_table_pdf(figures), args.runs)
    xlsx = median_ms(lambda: exports.halfyear_xlsx(figures), args.runs)
    rows = sum(g["invited"] for g in figures["groups"])
    print(f"{GROUPS} groups × {ACTIVITIES} activities × {MEMBERS} members ({rows} attendance rows), {YEAR} 上半年")
    print(f"figures: {figures_ms:.0f} ms, {len(large)} queries (2 groups: {len(small)} queries)")
    verdict = "OK" if render < TARGET_MS else "SLOW"
    print(
        f"half-year PDF: {render:.0f} ms, {size / 1024:.0f} KB (target < {TARGET_MS} ms: {verdict}; "
        f"floor: WeasyPrint on a bare table of the same text {bare:.0f} ms)"
    )
    print(f"half-year xlsx: {xlsx:.0f} ms")
    assert len(small) == len(large), "the figures' query count grows with the groups"


if __name__ == "__main__":
    main()
