"""The tables of 三联系 that the offices and the leadership read: 落实情况 (coverage and its gaps,
members below the quotas, the 主席会议成员's monthly visits to 常委, each 常委's 集体座谈会), the 按月汇总
of a 专委会工作室's members, and the half-year report's figures.

Every table is a `Table` of plain values (text, numbers, None for 「未到」), so the same object
feeds the admin page, the xlsx (one sheet per table), the PDF and the issued report's snapshot
(JSON): an issued report shows the figures kept at issue, through the same templates.

Counting goes through contacts.stats (counts_for, shortfalls, monthly_counts, committee_totals),
so each page asks a fixed number of queries whatever the number of members or entries."""

import datetime
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import mark_safe

from people import services
from people.models import Member, SpecialCommittee

from . import rules, stats
from .models import ContactQuota, HalfYear, Pairing, PairingKind, TargetCategory, Way, half_bounds

# Marks a cell carries (a CSS class on the page and in the PDF).
FUTURE, LOW, OK, MORE, TOTAL = "future", "low", "ok", "more", "total"

MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass
class Table:
    """One table: `rows` of plain values under `columns`; `marks`, when given, a CSS class per
    cell (same shape as rows; "" for none); `note` a line under it."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    marks: list = None
    note: str = ""
    empty: str = "没有。"

    def as_dict(self):
        return {
            "key": self.key,
            "title": str(self.title),
            "columns": [str(c) for c in self.columns],
            "rows": [[_plain(value) for value in row] for row in self.rows],
            "marks": self.marks,
            "note": str(self.note),
            "empty": str(self.empty),
        }

    @classmethod
    def from_dict(cls, data):
        return cls(**data)

    def cells(self):
        """[(value, CSS classes) per cell] per row, for the templates: the cell's mark, "n" for a
        number (set right), "short" for a code or a name (kept on one line), "long" for a sentence (given room)."""
        marks = self.marks or [[""] * len(row) for row in self.rows]
        return [
            [(value, _classes(value, mark)) for value, mark in zip(row, ms, strict=True)]
            for row, ms in zip(self.rows, marks, strict=True)
        ]

    def rows_html(self):
        """The table's <tr> rows as HTML, every value and class escaped. Built here rather than
        by a template loop: the 300-member tables hold some 3,000 cells, which the template
        language takes ten times as long to render."""
        return mark_safe(
            "\n".join(
                "<tr>"
                + "".join(
                    f'<td class="{escape(classes)}">{"" if value is None else escape(value)}</td>'
                    for value, classes in row
                )
                + "</tr>"
                for row in self.cells()
            )
        )


def _classes(value, mark):
    kind = ""
    if _is_number(value):
        kind = "n"
    elif isinstance(value, str):
        kind = "short" if len(value) <= 6 else "long" if len(value) > 12 else ""
    return " ".join(filter(None, [mark, kind]))


def _plain(value):
    """A cell as JSON keeps it: text (labels are lazy translations), numbers, None."""
    return str(value) if isinstance(value, Promise) else value


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_of_text(year, as_of, today=None):
    """How far a year's figures reach: 「截至今天（2026-11-26）」 in the current year."""
    if as_of >= datetime.date(year, 12, 31):
        return f"{year}年全年"
    if as_of == (today or timezone.localdate()):
        return f"截至今天（{as_of:%Y-%m-%d}）"
    return f"截至{as_of.month}月{as_of.day}日"


def year_as_of(year, today):
    """The last day a year's figures cover: today in the current year, 31 Dec of a past one (a
    future year reaches no month)."""
    return min(today, datetime.date(year, 12, 31))


def _member_cells(member):
    return [member.code, member.name, member.sector.name, member.committee.name if member.committee else ""]


MEMBER_COLUMNS = ["委员证号", "姓名", "界别", "专委会"]


# --- 落实情况 ------------------------------------------------------------------------------------


def pairing_tables(members, year, everyone):
    """覆盖情况 and 结对缺口 of `members` in `year`. `everyone`: the reader sees the whole roster,
    so pairs with both sides gone are listed too."""
    pairs = list(Pairing.objects.filter(year=year).order_by("kind", "from_code", "to_code"))
    partnered = {kind: set() for kind in PairingKind.values}
    for pair in pairs:
        if pair.to_member_id:
            partnered[pair.kind].add(pair.to_member_id)
    ids = {m.pk for m in members}

    kinds = (
        (PairingKind.CHAIR, "常委没有联系的主席、副主席", lambda m: m.is_standing and not m.chair_role),
        (PairingKind.STANDING, "委员没有联系的常委", lambda m: not m.is_standing and not m.chair_role),
        (PairingKind.MENTOR, "青年委员没有传帮带的委员", lambda m: m.is_youth),
    )
    coverage = Table(
        "coverage",
        "结对覆盖情况",
        ["结对类型", "应结对（人）", "已结对（人）", "未结对（人）"],
        note="主席联系常委：常委（不含主席会议成员）；常委联系委员：既非常委也非主席会议成员的委员；传帮带：青年委员。",
    )
    coverage.marks = []
    gaps = Table("gaps", "结对缺口", ["缺口", *MEMBER_COLUMNS, "说明"], empty="没有缺口：每位应结对的委员都已结对。")
    for kind, gap, needs in kinds:
        due = [m for m in members if needs(m)]
        missing = [m for m in due if m.pk not in partnered[kind]]
        coverage.rows.append([PairingKind(kind).label, len(due), len(due) - len(missing), len(missing)])
        coverage.marks.append(["", "", "", LOW if missing else OK])
        for member in missing:
            gaps.rows.append([gap, *_member_cells(member), f"{year}年没有{PairingKind(kind).label}的结对"])

    left = [p for p in pairs if p.left_roster and (everyone or p.from_member_id in ids or p.to_member_id in ids)]
    coverage.rows.append(["结对一方已不在名册", None, len(left), None])
    coverage.marks.append(["", "", LOW if left else OK, ""])
    by_pk = {m.pk: m for m in members}
    for pair in left:
        staying = by_pk.get(pair.from_member_id) or by_pk.get(pair.to_member_id)
        cells = _member_cells(staying) if staying else ["", "", "", ""]
        gone = [
            f"{name}（{code}）"
            for name, code, pk in (
                (pair.from_name, pair.from_code, pair.from_member_id),
                (pair.to_name, pair.to_code, pair.to_member_id),
            )
            if pk is None
        ]
        gaps.rows.append(
            [
                "结对一方已不在名册",
                *cells,
                f"{PairingKind(pair.kind).label}：{pair.from_name}（{pair.from_code}）→ {pair.to_name}（{pair.to_code}），"
                f"{'、'.join(gone)}已不在名册，请重新结对",
            ]
        )
    return coverage, gaps, pairs


HALF_QUOTA = "按全年指标的一半计"
YEARLY_QUOTAS = ("activities_per_member", "enterprises", "sector_public", "public")


def half_quota(quota):
    """The first half's share of a year's quotas: half of each yearly count, rounded up (4
    activities → 2, 1 企事业单位 → 1, 2 界别群众 → 1, 3 社会群众 → 2). The monthly and per-half
    quotas (主席走访, 集体座谈会) stay as they are."""
    half = ContactQuota(
        **{f.attname: getattr(quota, f.attname) for f in ContactQuota._meta.concrete_fields if not f.primary_key}
    )
    for name in YEARLY_QUOTAS:
        setattr(half, name, math.ceil(getattr(quota, name) / 2))
    return half


def shortfall_table(members, counts, quota, reach, basis=""):
    """Members below any quota, with their counts. `basis`: HALF_QUOTA when `quota` is the first
    half's share (half_quota), said in the title and the note."""
    period = "上半年（按全年指标的一半计，向上取整）" if basis == HALF_QUOTA else "每年"
    table = Table(
        "shortfalls",
        f"未达到联系指标的委员（{reach}{'，' + basis if basis else ''}）",
        [*MEMBER_COLUMNS, "联系活动（次）", "企事业单位（个）", "界别群众（人）", "社会群众（人）", "未达到的指标"],
        note=(
            f"指标：{period}联系活动不少于 {quota.activities_per_member} 次，联系企事业单位不少于 {quota.enterprises} 个、"
            f"界别群众不少于 {quota.sector_public} 人、社会群众不少于 {quota.public} 人；同一联系对象多次联系只计一次。"
        ),
        empty="所有委员都已达到联系指标。",
    )
    table.marks = []
    for member in members:
        c = counts.get(member.pk, stats.Counts())
        missing = stats.shortfalls(c, quota)
        if not missing:
            continue
        short = {label for label, _, _ in missing}
        figures = [
            ("联系活动", c.activities),
            (TargetCategory.ENTERPRISE.label, c.of(TargetCategory.ENTERPRISE)),
            (TargetCategory.SECTOR_PUBLIC.label, c.of(TargetCategory.SECTOR_PUBLIC)),
            (TargetCategory.PUBLIC.label, c.of(TargetCategory.PUBLIC)),
        ]
        table.rows.append(
            [
                *_member_cells(member),
                *[n for _, n in figures],
                "；".join(f"{label} {have}/{need}" for label, have, need in missing),
            ]
        )
        table.marks.append(["", "", "", "", *[LOW if label in short else "" for label, _ in figures], ""])
    return table


def chair_visit_table(members, counts, quota, year, as_of, within="名册中", total="全年（人次）"):
    """Each 主席会议成员's 常委 visited, month by month: below the minimum red, within the range
    green, over it its number; months not yet reached blank and grey. `total` heads the last
    column (the half-year report's holds 1 January to the half's end: 合计)."""
    table = Table(
        "chair_visits",
        "主席、副主席每月走访常委",
        ["委员证号", "姓名", "职务", *MONTHS, total],
        note=(
            f"每月走访常委 {quota.chair_visits_min}–{quota.chair_visits_max} 人：少于 {quota.chair_visits_min} 人标红，"
            f"在范围内标绿，超过的显示人数；尚未到的月份为灰色。"
        ),
        empty=f"{within}没有主席会议成员。",
    )
    table.marks = []
    for member in members:
        if not member.chair_role:
            continue
        visits = counts.get(member.pk, stats.Counts()).chair_visits
        row, marks = [member.code, member.name, member.get_chair_role_display()], ["", "", ""]
        for month, n in enumerate(visits, 1):
            if datetime.date(year, month, 1) > as_of:
                row.append(None)
                marks.append(FUTURE)
            else:
                row.append(n)
                marks.append(LOW if n < quota.chair_visits_min else OK if n <= quota.chair_visits_max else MORE)
        row.append(sum(visits))
        marks.append(TOTAL)
        table.rows.append(row)
        table.marks.append(marks)
    return table


def forum_table(members, counts, quota, pairs, year, as_of, within="名册中"):
    """Each 常委's 集体座谈会 in H1 and H2 (H2 grey before July)."""
    called = {}
    for pair in pairs:
        if pair.kind == PairingKind.STANDING and pair.from_member_id and pair.to_member_id:
            called[pair.from_member_id] = called.get(pair.from_member_id, 0) + 1
    table = Table(
        "forums",
        "常委召集集体座谈会",
        [*MEMBER_COLUMNS, "联系委员（人）", "上半年（次）", "下半年（次）"],
        note=f"每位常委每半年召集所联系委员集体座谈不少于 {quota.forums_per_half} 次；未到的半年为灰色。",
        empty=f"{within}没有常委。",
    )
    table.marks = []
    for member in members:
        if not member.is_standing:
            continue
        forums = counts.get(member.pk, stats.Counts()).forums
        row, marks = [*_member_cells(member), called.get(member.pk, 0)], ["", "", "", "", ""]
        for half, n in zip(HalfYear.values, forums, strict=True):
            if half_bounds(year, half)[0] > as_of:
                row.append(None)
                marks.append(FUTURE)
            else:
                row.append(n)
                marks.append(LOW if n < quota.forums_per_half else OK)
        table.rows.append(row)
        table.marks.append(marks)
    return table


def dashboard_tables(
    members, year, as_of, everyone, quota=None, basis="", within="名册中", visits_total="全年（人次）"
):
    """The 落实情况 tables of `members` (a queryset) in `year`, counted up to `as_of`, against
    `quota` (the year's unless given: the first half's report passes half_quota with basis
    HALF_QUOTA). `within` names the members read in an empty table's line (「名册中」 for the
    whole roster, 「所选范围内」 under a filter); `visits_total` heads the chair visits' last column."""
    members_list = list(members.select_related("sector", "committee").order_by("code"))
    quota = quota if quota is not None else rules.quota_for(year)
    counts = stats.counts_for(members.values("pk"), datetime.date(year, 1, 1), as_of)
    coverage, gaps, pairs = pairing_tables(members_list, year, everyone)
    return [
        coverage,
        gaps,
        shortfall_table(members_list, counts, quota, as_of_text(year, as_of), basis),
        chair_visit_table(members_list, counts, quota, year, as_of, within, visits_total),
        forum_table(members_list, counts, quota, pairs, year, as_of, within),
    ]


# --- 按月汇总 --------------------------------------------------------------------------------------

ROLLUP_CATEGORIES = tuple(TargetCategory)


def committee_scope(committee):
    """The members a 专委会工作室 looks after: its committee's and those of the sectors it contacts
    (as people.services.members_visible_to gives its account)."""
    return Member.objects.filter(services.committee_scope(committee))


def monthly_table(members, year, as_of, committee_ids=()):
    """The 按月汇总 of `members`: a row per month (blank and grey once past `as_of`), and the year.
    Each row counts the members still without an entry by its month's end; their names are given
    once, in the last row (the year so far): a row of ~190 names per month said nothing more."""
    months, whole, first = stats.monthly_counts(members, year, committee_ids, until=as_of)
    roster = list(members.order_by("code").values_list("pk", "name"))
    table = Table(
        "monthly",
        "按月汇总",
        [
            "月份",
            *[Way(w).label for w in stats.WAYS],
            "联系活动合计",
            "开展联系的委员（人）",
            *[f"{c.label}（个/人）" for c in ROLLUP_CATEGORIES],
            "集体座谈会（次）",
            "仍未联系的委员（人）",
            "仍未联系的委员（名单）",
        ],
        note=(
            "联系对象按类别计人（个）数，同一对象多次联系只计一次；“仍未联系的委员”为当年截至该月底没有任何联系记录的委员，"
            "名单只列在最后一行（当年截至目前）。"
        ),
    )
    table.marks = []
    width = len(table.columns)
    for month in range(1, 13):
        if datetime.date(year, month, 1) > as_of:
            table.rows.append([MONTHS[month - 1], *[None] * (width - 1)])
            table.marks.append(["", *[FUTURE] * (width - 1)])
            continue
        end = min(_month_end(year, month), as_of)
        table.rows.append([MONTHS[month - 1], *_rollup_cells(months[month], roster, first, end, names=False)])
        table.marks.append([""] * width)
    table.rows.append([f"全年（{as_of_text(year, as_of)}）", *_rollup_cells(whole, roster, first, as_of)])
    table.marks.append([TOTAL] * width)
    return table


def _month_end(year, month):
    return datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)


def _rollup_cells(month, roster, first, end, names=True):
    zero = [name for pk, name in roster if pk not in first or first[pk] > end]
    return [
        *[month.ways[w] for w in stats.WAYS],
        month.activities,
        month.active,
        *[month.targets.get(c.value, 0) for c in ROLLUP_CATEGORIES],
        month.forums,
        len(zero),
        "、".join(zero) if names else "",
    ]


def committee_table(start, end):
    """The half's (or any range's) totals per 专委会, and the whole roster's."""
    totals = stats.committee_totals(start, end)
    table = Table(
        "committees",
        "各专委会联系情况汇总",
        [
            "专委会",
            "负责委员（人）",
            *[Way(w).label for w in stats.WAYS],
            "联系活动合计",
            "开展联系的委员（人）",
            "集体座谈会（次）",
            "未联系的委员（人）",
        ],
        note="各专委会负责本专委会委员和所联系界别的委员；一位委员可能同时由两个专委会负责，合计一行按全体委员计。",
    )
    table.marks = []
    empty = {"members": 0, "ways": dict.fromkeys(stats.WAYS, 0), "activities": 0, "active": 0, "forums": 0, "zero": 0}
    named = [(c.name, c.pk) for c in SpecialCommittee.objects.order_by("sort_order", "name")]
    for name, pk in [*named, ("全体委员", None)]:
        t = totals.get(pk, empty)
        table.rows.append(
            [
                name,
                t["members"],
                *[t["ways"][w] for w in stats.WAYS],
                t["activities"],
                t["active"],
                t["forums"],
                t["zero"],
            ]
        )
        table.marks.append([TOTAL if pk is None else ""] * len(table.columns))
    return table


# --- the half-year report ---------------------------------------------------------------------


def half_monthly_table(members, year, half, as_of):
    """The 按月汇总 of the whole roster for the half's six months and the year so far; the names
    of members still at zero are left to the list of members below quota."""
    committee_ids = list(SpecialCommittee.objects.values_list("pk", flat=True))
    table = monthly_table(members, year, as_of, committee_ids)
    months = slice(0, 6) if half == HalfYear.FIRST else slice(6, 12)
    table.rows = [row[:-1] for row in [*table.rows[months], table.rows[-1]]]
    table.marks = [marks[:-1] for marks in [*table.marks[months], table.marks[-1]]]
    table.columns = table.columns[:-1]
    table.title = f"按月汇总（全体委员，{HalfYear(half).label}）"
    table.note = "联系对象按类别计人（个）数，同一对象多次联系只计一次；最后一行自1月1日起计。"
    return table


def report_title(year, half):
    return f"{year}年{HalfYear(half).label}“三联系”工作落实情况报告"


def half_year_figures(year, half, today):
    """The report's figures as they stand (a snapshot's content): the whole roster, counted from 1
    January to the end of the half (or today, before it ends); the totals per 专委会 for the half."""
    start, end = half_bounds(year, half)
    as_of = min(end, today)
    members = Member.objects.all()
    quota = rules.quota_for(year)
    if half == HalfYear.FIRST:
        quota, basis = half_quota(quota), HALF_QUOTA
    else:
        basis = ""
    tables = dashboard_tables(
        members, year, as_of, everyone=True, quota=quota, basis=basis, visits_total="合计（人次）"
    )
    tables.insert(2, committee_table(start, as_of))
    tables[2].title = f"各专委会联系情况汇总（{start.month}月1日至{as_of.month}月{as_of.day}日）"
    tables.insert(3, half_monthly_table(members, year, half, as_of))
    return {
        "title": report_title(year, half),
        "year": year,
        "half": half,
        "period": f"{year}年{start.month}月1日至{end.month}月{end.day}日",
        "as_of": as_of.isoformat(),
        "tables": [t.as_dict() for t in tables],
    }


def tables_of(figures):
    return [Table.from_dict(t) for t in figures["tables"]]
