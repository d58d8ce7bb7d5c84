"""The half-year report on the 街道活动小组 to 党组会、主席会、常委会 (issue 16 item 13; seed 003 annex 2
第五条: 每半年以书面形式将街道活动小组情况分别向政协党组会、主席会、常委会进行汇报).

Per group: its six posts (people.StreetGroupPosition), the year's 一街一策 status, the half's
activities by kind, the attendance rate (出席 ÷ every attendance row), the members absent all half
(invited at least once and never 出席), 意见建议 and 办实事, and the list of activities; over it all
the summary 委员联络室 writes.

`figures(year, half)` counts everything in a fixed number of queries and returns plain values
(JSON): the admin page, the xlsx, the PDF and the issued report's snapshot all read it, so an
issued report shows what was kept when it was issued, whatever changes after.

Draft → 出具: 委员联络室 (stations.change_streetgroupreport) writes the summary and issues once the
half is over; issuing locks the report's row and checks again under the lock (of two clicks one
wins, the other is told 已出具), then keeps the snapshot and the PDF in private storage. The
leadership (stations.view_streetgroupreport) reads issued reports only."""

import datetime
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from lianxin_site.db import locked_row
from people.models import Post, Side, StreetGroup, StreetGroupPosition

from .models import (
    ActivityKind,
    HalfYear,
    Presence,
    StreetAttendance,
    StreetGroupActivity,
    StreetGroupPlan,
    StreetGroupReport,
)
from .rules import StationError

SUMMARY_MAX = 5000
VIEW = "stations.view_streetgroupreport"
WRITE = "stations.change_streetgroupreport"
KINDS = [(value, str(label)) for value, label in ActivityKind.choices]
POSTS = [
    (post, str(post_label), side, str(side_label))
    for post, post_label in Post.choices
    for side, side_label in Side.choices
]
PLAN_NONE = "无计划"


def may_write(user):
    return user.is_authenticated and user.is_active and user.has_perm(WRITE)


def may_read(user):
    return user.is_authenticated and user.is_active and (user.has_perm(VIEW) or user.has_perm(WRITE))


def half_bounds(year, half):
    if int(half) == HalfYear.FIRST:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def report_name(year, half):
    return f"{year}年{HalfYear(int(half)).label}街道活动小组工作情况报告"


def period_text(year, half):
    start, end = half_bounds(year, half)
    return f"{year}年{start.month}月{start.day}日至{end.month}月{end.day}日"


def _rate(present, invited):
    return f"{present * 100 / invited:.1f}%" if invited else "—"


def figures(year, half):
    """The report's figures for the half, as plain values (see the module's docstring). Seven
    queries whatever the number of groups, activities and members."""
    start, end = half_bounds(year, half)
    groups = list(StreetGroup.objects.select_related("committee").order_by("sort_order", "name"))
    positions = defaultdict(dict)
    for p in StreetGroupPosition.objects.select_related("member").order_by("pk"):
        positions[p.group_id][(p.post, p.side)] = p
    plans = {
        plan.group_id: plan for plan in StreetGroupPlan.objects.filter(year=year).annotate(item_count=Count("items"))
    }
    activities = list(
        StreetGroupActivity.objects.filter(date__gte=start, date__lte=end)
        .order_by("date", "pk")
        .values("pk", "group_id", "date", "title", "kind", "opinions", "deeds")
    )
    attendance = StreetAttendance.objects.filter(activity__date__gte=start, activity__date__lte=end).values_list(
        "activity_id", "member_id", "presence", "member__name", "member__code"
    )
    group_of = {a["pk"]: a["group_id"] for a in activities}
    per_activity = defaultdict(Counter)
    seen = defaultdict(dict)  # group → member → [name, code, ever present]
    for activity_id, member_id, presence, name, code in attendance:
        per_activity[activity_id][presence] += 1
        group_id = group_of[activity_id]
        entry = seen[group_id].setdefault(member_id, [name, code, False])
        entry[2] = entry[2] or presence == Presence.PRESENT
    by_group = defaultdict(list)
    for a in activities:
        by_group[a["group_id"]].append(a)

    rows = []
    totals = Counter()
    kind_totals = Counter()
    for group in groups:
        mine = by_group[group.pk]
        counts = Counter()
        kinds = Counter(a["kind"] for a in mine)
        for a in mine:
            counts.update(per_activity[a["pk"]])
        invited = sum(counts.values())
        absent_all = sorted((code, name) for name, code, present in seen[group.pk].values() if not present)
        plan = plans.get(group.pk)
        row = {
            "name": group.name,
            "street": group.street,
            "committee": group.committee.name if group.committee_id else "",
            "incomplete": group.incomplete,
            "positions": [
                [
                    post_label,
                    side_label,
                    positions[group.pk][(post, side)].name if (post, side) in positions[group.pk] else "（空缺）",
                    positions[group.pk][(post, side)].title if (post, side) in positions[group.pk] else "",
                ]
                for post, post_label, side, side_label in POSTS
            ],
            "plan": str(plan.get_status_display()) if plan else PLAN_NONE,
            "plan_items": plan.item_count if plan else 0,
            "activities": len(mine),
            "by_kind": [kinds[value] for value, _label in KINDS],
            "kinds_text": "、".join(f"{label} {kinds[value]}" for value, label in KINDS if kinds[value]),
            "invited": invited,
            "present": counts[Presence.PRESENT],
            "excused": counts[Presence.EXCUSED],
            "absent": counts[Presence.ABSENT],
            "rate": _rate(counts[Presence.PRESENT], invited),
            "absent_all": [f"{name}（{code}）" for code, name in absent_all],
            "opinions": sum(a["opinions"] for a in mine),
            "deeds": sum(a["deeds"] for a in mine),
            "list": [
                [
                    a["date"].isoformat(),
                    a["title"],
                    dict(KINDS)[a["kind"]] if a["kind"] in dict(KINDS) else a["kind"],
                    per_activity[a["pk"]][Presence.PRESENT],
                    sum(per_activity[a["pk"]].values()),
                ]
                for a in mine
            ],
        }
        rows.append(row)
        kind_totals.update(kinds)
        for key in ("activities", "invited", "present", "excused", "absent", "opinions", "deeds"):
            totals[key] += row[key]
        totals["absent_all"] += len(row["absent_all"])
        totals["without_activity"] += not mine
        totals["plans_confirmed"] += bool(plan and plan.status == StreetGroupPlan.Status.CONFIRMED)
    return {
        "year": year,
        "half": int(half),
        "title": report_name(year, half),
        "period": period_text(year, half),
        "kinds": [label for _value, label in KINDS],
        "groups": rows,
        "totals": {
            **{
                key: totals[key]
                for key in ("activities", "invited", "present", "excused", "absent", "opinions", "deeds")
            },
            "groups": len(groups),
            "absent_all": totals["absent_all"],
            "without_activity": totals["without_activity"],
            "plans_confirmed": totals["plans_confirmed"],
            "rate": _rate(totals["present"], totals["invited"]),
            "by_kind": [kind_totals[value] for value, _label in KINDS],
        },
    }


# ---------------------------------------------------------------------------
# Draft and 出具


def report_row(year, half):
    """The half's report, created as an empty draft when there is none (two at once: one creates
    it, the other finds it)."""
    try:
        with transaction.atomic():
            return StreetGroupReport.objects.get_or_create(year=year, half=half)[0]
    except IntegrityError:
        return StreetGroupReport.objects.get(year=year, half=half)


def issued_text(report):
    who = ""
    if report.issued_by_id:
        user = get_user_model().objects.filter(pk=report.issued_by_id).first()
        who = f"，出具人 {user.get_full_name() or user.get_username()}" if user else ""
    when = timezone.localtime(report.issued_at)
    return f"{report_name(report.year, report.half)}已出具（{when:%Y-%m-%d %H:%M}{who}），不能再修改或出具"


def save_summary(year, half, summary, user):
    """Keep 委员联络室's 工作小结 in the half's draft; refused once the report is issued."""
    if not may_write(user):
        raise StationError("只有委员联络室可以撰写和出具街道活动小组半年报告。")
    summary = (summary or "").replace("\r\n", "\n").strip()
    if len(summary) > SUMMARY_MAX:
        raise StationError(f"「工作小结」：不能超过 {SUMMARY_MAX} 个字（现有 {len(summary)} 个字）")
    report_row(year, half)
    with transaction.atomic():
        report = locked_row(StreetGroupReport.objects.all(), year=year, half=half)
        if report.issued:
            raise StationError(issued_text(report))
        report.summary = summary
        report.save(update_fields=["summary"])
    return report


def issue_refusal(report, year, half, today=None):
    """Why the half's report cannot be issued now, or ""."""
    today = today or timezone.localdate()
    end = half_bounds(year, half)[1]
    if today <= end:
        return f"{report_name(year, half)}要到这半年结束（{end.month}月{end.day}日）以后才能出具"
    if report is not None and report.issued:
        return issued_text(report)
    if report is None or not report.summary.strip():
        return "「工作小结」：出具前请填写工作小结并保存"
    return ""


def issue_report(year, half, user, today=None):
    """出具: lock the row, refuse if already issued (or not yet due, or without a summary), keep the
    figures and the PDF. Returns the report."""
    from . import pdf

    if not may_write(user):
        raise StationError("只有委员联络室可以出具街道活动小组半年报告。")
    report_row(year, half)
    with transaction.atomic():
        report = locked_row(StreetGroupReport.objects.all(), year=year, half=half)
        if refusal := issue_refusal(report, year, half, today):
            raise StationError(refusal)
        kept = figures(year, half)
        report.issued_at = timezone.now()
        report.issued_by = user
        kept["summary"] = report.summary
        kept["issued_at"] = timezone.localtime(report.issued_at).strftime("%Y-%m-%d %H:%M")
        report.snapshot = kept
        report.pdf.save(f"{year}-{half}.pdf", ContentFile(pdf.halfyear_pdf(kept)), save=False)
        report.save()
    return report


def report_figures(report, year, half):
    """What a report page, PDF and xlsx show: the snapshot of an issued report, else the live
    figures with the draft's summary."""
    if report is not None and report.issued:
        return report.snapshot
    live = figures(year, half)
    live["summary"] = report.summary if report else ""
    return live
