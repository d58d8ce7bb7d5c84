"""The 履职档案's downloads (seed 003 委员年度履职统计, seed 004 item 12 优秀委员 and 通报委员所在单位):

- 委员年度履职统计 (xlsx): one row per member (counts per category, 应出席/出席/请假/缺席/自行开展,
  出席率, 履职成果 per kind, 得分, 排名) and a second sheet with every ledger entry;
- the one-page 履职档案 PDF of a member, and the member's own from the front end (/my/record/pdf/);
- the 通报所在单位 letters, for one member or a selection;
- the 优秀委员推荐名单 (rules.shortlist under the 记分办法 in force) as xlsx and PDF for 主席会议.

Who: 委员联络室 and the readers of the rankings (rules.may_download_records), each for the members
rules.records_visible_to gives them; a member for their own 履职档案 only. The figures are those
the last compute left (MemberScore, ScoreLine); nothing here scores.

EXPORT_MENU: [(label, url name, icon, allowed(user), order)] for the 履职档案 admin menu."""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import wraps

import openpyxl
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lianxin_site.dates import this_year, year_param
from lianxin_site.downloads import pdf_response, xlsx_response
from lianxin_site.spreadsheet import cell_value, sheet_title
from lianxin_site.xlsx_stream import Percent, Sheet, xlsx_bytes
from people.models import Member, Sector
from results.admin import forbidden
from results.models import Kind as ResultKind
from results.models import ResultAuthor
from results.models import Status as ResultStatus

from . import ledger, pdf, rules
from .models import LedgerEntry, MemberScore, Role, ScoreLine, Status
from .scoring import scheme_in_force

RESULTS_SOURCE = "results"
DONE = (Status.PRESENT, Status.SELF_ORGANISED, "")  # what counts as having taken part / done


# ---------------------------------------------------------------------------
# The year in figures


def activity_categories():
    """[(key, label)] of the ledger's categories other than the 履职成果 registry's (those are
    counted from the registry, per kind): 五个一, the eight kinds of 履职活动, and whatever a
    later source adds."""
    seen = {}
    for key, source in ledger.SOURCES.items():
        if key == RESULTS_SOURCE:
            continue
        for category, label in source.categories:
            seen.setdefault(category, label)
    return list(seen.items())


def result_kinds():
    return [(value, str(label)) for value, label in ResultKind.choices]


def done_counts(year, member_ids=None):
    """{member id: {category: how many times taken part (出席, 自行开展) or done}}, voided entries
    left out."""
    entries = LedgerEntry.objects.filter(year=year, voided=False, status__in=DONE)
    if member_ids is not None:
        entries = entries.filter(member_id__in=member_ids)
    counts = defaultdict(dict)
    for member_id, category, n in entries.values_list("member_id", "category").annotate(n=Sum("quantity")):
        counts[member_id][category] = n
    return counts


def result_counts(year, member_ids=None):
    """{member id: {kind: confirmed 履职成果 of the year the member wrote or co-signed}}."""
    authors = ResultAuthor.objects.filter(result__year=year, result__status=ResultStatus.CONFIRMED)
    if member_ids is not None:
        authors = authors.filter(member_id__in=member_ids)
    counts = defaultdict(dict)
    rows = authors.values_list("member_id", "result__kind").annotate(n=Count("result_id", distinct=True))
    for member_id, kind, n in rows:
        counts[member_id][kind] = n
    return counts


@dataclass
class MemberYear:
    member: Member
    score: MemberScore | None
    rank: int | None
    done: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)

    @property
    def rate(self):
        return self.score.rate if self.score else None


def year_figures(year, members):
    """[MemberYear] for `members` (a queryset, already scoped), best score first; ranks are over
    every member of the year (rules.ranked), so a reader of part of the roster sees true ranks."""
    scores = list(MemberScore.objects.filter(year=year).order_by("-total", "member__code").select_related("scheme"))
    rank_of = {score.member_id: (rank, score) for rank, score in rules.ranked(scores)}
    members = list(members.select_related("sector", "party", "committee").order_by("code"))
    ids = None if len(members) == Member.objects.count() else [m.pk for m in members]
    done, results = done_counts(year, ids), result_counts(year, ids)
    out = []
    for member in members:
        rank, score = rank_of.get(member.pk, (None, None))
        out.append(MemberYear(member, score, rank, done.get(member.pk, {}), results.get(member.pk, {})))
    out.sort(key=lambda f: (f.rank is None, f.rank or 0, f.member.code))
    return out


# ---------------------------------------------------------------------------
# 委员年度履职统计


def _bold_row(sheet, values):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def _percent(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = "0.0%"
    return cell


def _widths(sheet, widths):
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _num(value):
    return float(value) if value is not None else None


def annual_xlsx(year, members):
    """委员年度履职统计 of `year` for `members` as .xlsx bytes: a sheet of one row per member, best
    first, and a sheet of every ledger entry, streamed (lianxin_site.xlsx_stream: a 500 × 50,000 year
    in a few seconds). Every text cell goes through cell_value."""
    categories, kinds = activity_categories(), result_kinds()
    figures = year_figures(year, members)
    header = ["排名", "委员证号", "姓名", "界别", "党派"]
    header += [f"{label}（次）" for _key, label in categories]
    header += ["应出席", "出席", "请假", "缺席", "自行开展", "出席率"]
    header += [f"{label}（件）" for _key, label in kinds]
    header += ["得分"]

    def summary_rows():
        for f in figures:
            s, m = f.score, f.member
            row = [f.rank, *(cell_value(v) for v in (m.code, m.name, m.sector.name))]
            row.append(cell_value(m.party.name if m.party_id else ""))
            row += [f.done.get(key, 0) for key, _label in categories]
            row += [s.expected, s.present, s.leave, s.absent, s.self_organised] if s else [0, 0, 0, 0, 0]
            row.append(Percent(f.rate) if f.rate is not None else None)
            row += [f.results.get(key, 0) for key, _label in kinds]
            row.append(s.total if s else None)
            yield row

    summary = Sheet(
        f"{year}年度履职统计", header, summary_rows(), widths=[6, 12, 10, 16, 12] + [9] * (len(header) - 5), freeze="C2"
    )
    entries = Sheet(
        "全部履职记录",
        ["委员证号", "姓名", "日期", "来源", "类别", "事项", "作用", "出勤情况", "重要", "数量", "得分", "备注"],
        entry_rows(year, {f.member.pk: f.member for f in figures}),
        widths=[12, 10, 11, 12, 14, 40, 9, 9, 6, 6, 8, 16],
    )
    return xlsx_bytes([summary, entries])


def entry_rows(year, visible):
    """Every ledger entry of `year` of the members in `visible` ({id: Member}), as cells: the
    corrected values, the points its score lines gave, and what happened to it (已作废 …)."""
    points = dict(ScoreLine.objects.filter(year=year).values_list("entry_id", "points"))
    sources, labels = ledger.source_labels(), ledger.category_labels()
    roles = {value: str(label) for value, label in Role.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    people = {pk: (cell_value(m.code), cell_value(m.name)) for pk, m in visible.items()}
    rows = (
        LedgerEntry.objects.filter(year=year)
        .order_by("member_id", "date", "pk")
        .values_list(
            "pk",
            "member_id",
            "date",
            "source",
            "category",
            "title",
            "role",
            "status",
            "important",
            "quantity",
            "voided",
            "source_gone",
            "overridden",
        )
        .iterator(chunk_size=5000)
    )
    for pk, member_id, date, source, category, title, role, status, important, quantity, *flags in rows:
        person = people.get(member_id)
        if person is None:
            continue
        voided, gone, corrected = flags
        note = "、".join(t for t, on in (("已作废", voided), ("来源已删除", gone), ("已更正", corrected)) if on)
        yield [
            *person,
            date,
            sources.get(source, source),
            labels.get(category, category),
            cell_value(title),
            roles.get(role, ""),
            statuses.get(status, ""),
            "是" if important else "",
            quantity,
            points.get(pk),
            note,
        ]


# ---------------------------------------------------------------------------
# 优秀委员推荐名单


def shortlist_rows(year, members):
    """(scheme, [(sector, [(place, MemberYear)])]): rules.shortlist under the scheme in force,
    per sector in the roster's order, best first; (None, []) when no scheme is published."""
    scheme = scheme_in_force(year)
    if scheme is None:
        return None, []
    figures = {f.member.pk: f for f in year_figures(year, members)}
    scores = [f.score for f in figures.values() if f.score is not None]
    for score in scores:
        score.member = figures[score.member_id].member
    chosen = rules.shortlist(scores, scheme)
    groups = []
    for sector in Sector.objects.filter(pk__in=chosen.keys()):
        groups.append((sector, [(place, figures[s.member_id]) for place, s in enumerate(chosen[sector.pk], 1)]))
    return scheme, groups


def conditions_text(scheme):
    return (
        f"推荐条件（{scheme}）：年度得分不低于 {scheme.shortlist_min_score} 分，出席率不低于 "
        f"{scheme.shortlist_min_rate * 100:.0f}%，无故缺席不超过 {scheme.shortlist_max_absences} 次；"
        f"每个界别按得分从高到低推荐 {scheme.shortlist_per_sector} 名。"
    )


def shortlist_xlsx(year, scheme, groups):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(f"{year}年度优秀委员推荐名单"))
    _widths(sheet, [16, 6, 12, 10, 12, 30, 8, 8, 8, 8])
    sheet.append([f"{year}年度优秀委员推荐名单"])
    sheet.append([conditions_text(scheme)])
    _bold_row(sheet, ["界别", "名次", "委员证号", "姓名", "党派", "单位及职务", "得分", "出席率", "缺席", "总排名"])
    for sector, rows in groups:
        for place, f in rows:
            m = f.member
            sheet.append(
                [
                    cell_value(sector.name),
                    place,
                    cell_value(m.code),
                    cell_value(m.name),
                    cell_value(m.party.name if m.party_id else ""),
                    cell_value(m.employer_title),
                    _num(f.score.total),
                    _percent(sheet, f.rate) if f.rate is not None else None,
                    f.score.absent,
                    f.rank,
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Views

REFUSAL = "您的账号没有下载履职档案的权限（委员联络室、秘书长、分管副主席、主席会议可以下载）。"


def may_download(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not rules.may_download_records(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _visible_member(request, pk):
    return get_object_or_404(rules.records_visible_to(request.user), pk=pk)


def _selection(request):
    """The members a letter download asks for (?member=1&member=2, or ?sector=3, or 委员证号 in
    ?codes=), within the user's scope; everyone visible when nothing is asked."""
    members = rules.records_visible_to(request.user)
    ids = [v for v in request.GET.getlist("member") if v.isdecimal()]
    codes = [c for c in request.GET.get("codes", "").replace("，", ",").replace("、", ",").split(",") if c.strip()]
    sector = request.GET.get("sector", "")
    if ids:
        members = members.filter(pk__in=ids)
    elif codes:
        members = members.filter(code__in=[c.strip() for c in codes])
    elif sector.isdecimal():
        members = members.filter(sector_id=sector)
    return members


@require_GET
@may_download
def export_home(request):
    """The downloads of a year, with the letters' selection."""
    year = year_param(request.GET.get("year"))
    return render(
        request,
        "performance/export/home.html",
        {
            "year": year,
            "years": range(this_year(), this_year() - 5, -1),
            "sectors": Sector.objects.all(),
            "scheme": scheme_in_force(year),
            "computed": MemberScore.objects.filter(year=year).exists(),
        },
    )


@require_GET
@may_download
def annual(request):
    year = year_param(request.GET.get("year"))
    content = annual_xlsx(year, rules.records_visible_to(request.user))
    return xlsx_response(content, f"{year}年度委员履职统计.xlsx")


@require_GET
@may_download
def record_pdf(request, pk):
    member = _visible_member(request, pk)
    year = year_param(request.GET.get("year"))
    return pdf_response(request, pdf.record_pdf(member, year), f"{year}年度履职档案-{member.name}.pdf")


@require_GET
@may_download
def record_pdf_by_code(request):
    """The same, for the member whose 委员证号 is typed on the downloads page."""
    member = get_object_or_404(rules.records_visible_to(request.user), code=request.GET.get("code", "").strip())
    year = year_param(request.GET.get("year"))
    return pdf_response(request, pdf.record_pdf(member, year), f"{year}年度履职档案-{member.name}.pdf")


@require_GET
@may_download
def letters_pdf(request):
    year = year_param(request.GET.get("year"))
    members = list(_selection(request).select_related("sector", "party").order_by("code"))
    if not members:
        return forbidden(request, "没有找到要通报的委员：请检查委员证号或界别是否在您可查看的范围内。")
    if len(members) > LETTER_LIMIT:
        return forbidden(
            request,
            f"一次最多生成 {LETTER_LIMIT} 封通报函（现选中 {len(members)} 名委员），请按界别或委员证号分批生成。",
        )
    name = f"{year}年度履职情况通报-{members[0].name}.pdf" if len(members) == 1 else f"{year}年度履职情况通报.pdf"
    return pdf_response(request, pdf.letters_pdf(members, year), name)


def _shortlist(request):
    year = year_param(request.GET.get("year"))
    scheme, groups = shortlist_rows(year, rules.records_visible_to(request.user))
    return year, scheme, groups


LETTER_LIMIT = 100  # letters per PDF: WeasyPrint takes some 0.1 s a page

NO_SCHEME = "{year} 年度还没有发布记分办法，无法按推荐条件生成优秀委员推荐名单。"


@require_GET
@may_download
def shortlist_xlsx_view(request):
    year, scheme, groups = _shortlist(request)
    if scheme is None:
        return forbidden(request, NO_SCHEME.format(year=year))
    return xlsx_response(shortlist_xlsx(year, scheme, groups), f"{year}年度优秀委员推荐名单.xlsx")


@require_GET
@may_download
def shortlist_pdf_view(request):
    year, scheme, groups = _shortlist(request)
    if scheme is None:
        return forbidden(request, NO_SCHEME.format(year=year))
    content = pdf.shortlist_pdf(year, groups, conditions_text(scheme))
    return pdf_response(request, content, f"{year}年度优秀委员推荐名单.pdf")


@login_required
@require_GET
def my_record_pdf(request):
    """A member's own 履职档案 PDF (their record is theirs by rules.member_of)."""
    member = rules.member_of(request.user)
    if member is None:
        return render(
            request,
            "results/front/refused.html",
            {"reason": "只有委员本人可以下载自己的履职档案。"},
            status=403,
        )
    year = year_param(request.GET.get("year"))
    return pdf_response(request, pdf.record_pdf(member, year), f"{year}年度履职档案-{member.name}.pdf")


export_urls = [
    path("performance/export/", export_home, name="performance_exports"),
    path("performance/export/annual.xlsx", annual, name="performance_export_annual"),
    path("performance/export/record/<int:pk>.pdf", record_pdf, name="performance_record_pdf"),
    path("performance/export/record.pdf", record_pdf_by_code, name="performance_record_pdf_by_code"),
    path("performance/export/letters.pdf", letters_pdf, name="performance_letters_pdf"),
    path("performance/export/shortlist.xlsx", shortlist_xlsx_view, name="performance_shortlist_xlsx"),
    path("performance/export/shortlist.pdf", shortlist_pdf_view, name="performance_shortlist_pdf"),
]

EXPORT_MENU = [
    ("履职统计与导出", "performance_exports", "download", rules.may_download_records, 270),
]
