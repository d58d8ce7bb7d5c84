"""Reports in the admin: the 办理进度 board, 成果统计 (screen, xlsx, PDF) and the 零提案 list (screen,
xlsx). The figures come from results/stats.py; these views only pick the viewer's rows
(rules.results_visible_to, members_visible_to), read the filters and hand out the files.

REPORT_MENU: [(label, url name, icon, allowed(user), order)] for the 履职成果 admin menu."""

import io
from collections import Counter
from functools import wraps

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from forms_app.charts import bar_chart, data_uri
from forms_app.pdf import render_pdf
from lianxin_site.dates import this_year, year_param
from lianxin_site.downloads import pdf_response, xlsx_response
from lianxin_site.spreadsheet import cell_value, sheet_title, table_xlsx
from people.models import Sector
from people.services import members_visible_to

from . import rules, stats
from .admin import admin_url, forbidden
from .models import HandlingUnit, Kind

ZERO_PAGE_SIZE = 100
YEARS_SHOWN = 6


# --- who sees which report


def may_view_board(user):
    """办理进度: 提案委 and the offices that read every entry."""
    return user.is_active and (user.has_perm(rules.VIEW_ALL) or user.has_perm(rules.MANAGE_PROPOSALS))


def may_view_statistics(user):
    """成果统计: the offices that handle entries (提案委, 研究室) and those that read every entry;
    each counts the entries it may see."""
    return user.is_active and any(
        user.has_perm(p) for p in (rules.VIEW_ALL, rules.MANAGE_PROPOSALS, rules.MANAGE_OTHERS)
    )


def may_view_zero_list(user):
    """零提案: offices that read entries and members; each sees the members it may see."""
    return user.is_active and user.has_perm("results.view_result") and user.has_perm("people.view_member")


REFUSAL = "您的账号没有查看这个报表的权限。如需查看，请联系系统管理员调整角色。"


def allowed(test):
    """Answer 403 with a message (admin.forbidden: not Wagtail's redirect to the dashboard) when
    `test(user)` fails."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return forbidden(request, REFUSAL)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _years():
    return range(this_year(), this_year() - YEARS_SHOWN, -1)


def _scope_note(user):
    if user.has_perm(rules.VIEW_ALL):
        return ""
    return "统计范围：您有权查看的成果。"


# --- 办理进度


def _board_filters(request):
    year = year_param(request.GET.get("year"))
    unit = None
    if (unit_id := request.GET.get("unit", "")).isdecimal():
        unit = HandlingUnit.objects.filter(pk=unit_id).first()
    overdue_only = request.GET.get("overdue") == "1"
    return year, unit, overdue_only


def _board_table(rows):
    """[(row, the proposal's admin page, rowspan)]: a proposal's own cells span its units' rows
    (0: covered by the row above)."""
    spans = Counter(row.result.pk for row in rows)
    table = []
    for row in rows:
        first = row.result.pk in spans
        table.append((row, admin_url(row.result) if first else "", spans.pop(row.result.pk, 0)))
    return table


@require_GET
@allowed(may_view_board)
def board(request):
    year, unit, overdue_only = _board_filters(request)
    rows = stats.proposal_board(rules.results_visible_to(request.user), year, unit, overdue_only)
    return render(
        request,
        "results/reports/board.html",
        {
            "year": year,
            "years": _years(),
            "unit": unit,
            "units": HandlingUnit.objects.all(),
            "overdue_only": overdue_only,
            "rows": _board_table(rows),
            "proposal_count": len({row.result.pk for row in rows}),
            "overdue_count": len({row.result.pk for row in rows if row.overdue}),
            "months": rules.handling_months(year),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@allowed(may_view_board)
def board_xlsx(request):
    year, unit, overdue_only = _board_filters(request)
    rows = stats.proposal_board(rules.results_visible_to(request.user), year, unit, overdue_only)
    name = f"{year}年提案办理进度" + (f"（{unit.name}）" if unit else "") + ("（逾期）" if overdue_only else "")
    return xlsx_response(table_xlsx(f"{year}年提案办理进度", stats.BOARD_COLUMNS, rows), f"{name}.xlsx")


# --- 成果统计


def statistics_context(summary):
    """The page's and the PDF's context: the figures and the two charts."""
    return {
        **summary,
        "groups": [("按界别", "界别", summary["sectors"]), ("按党派", "党派", summary["parties"])],
        "kind_chart": data_uri(bar_chart("各类履职成果数量（件）", [(s.label, s.count) for s in summary["kinds"]])),
        "author_chart": data_uri(
            bar_chart(
                "提案来源构成（件）",
                [(s.label, s.count) for s in [*summary["author_kinds"], *summary["occasions"]]],
                color="#1f5f8b",
            )
        ),
    }


def statistics_pdf(summary, scope_note=""):
    return render_pdf("results/reports/statistics_pdf.html", {**statistics_context(summary), "scope_note": scope_note})


def statistics_xlsx(summary):
    """The figures as a workbook: one sheet per table, shares as numbers formatted 0.0%."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    year = summary["year"]
    kind_labels = [str(label) for label in summary["kind_labels"]]

    def sheet(title, header, rows, first=False):
        ws = workbook.active if first else workbook.create_sheet()
        ws.title = sheet_title(title)
        ws.append([f"{year}年{title}"])
        ws["A1"].font = Font(bold=True)
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([cell_value(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0%"
        ws.freeze_panes = "A3"
        return ws

    def share_rows(items, total_label, total):
        return [*[(s.label, s.count, s.fraction) for s in items], (total_label, total, 1.0 if total else None)]

    sheet(
        "按类别",
        ["类别", "件数", "占比"],
        share_rows(summary["kinds"], "合计", summary["total"]),
        first=True,
    )
    sheet(
        "提案构成",
        ["提案类型", "件数", "占提案总数"],
        [
            *share_rows(summary["author_kinds"], "提案合计", summary["proposal_total"]),
            *[(s.label, s.count, s.fraction) for s in summary["occasions"]],
        ],
    )
    for title, rows in (("按界别", summary["sectors"]), ("按党派", summary["parties"])):
        sheet(title, [title[1:], *kind_labels, "合计"], [(r.name, *r.counts, r.total) for r in rows])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@require_GET
@allowed(may_view_statistics)
def statistics(request):
    year = year_param(request.GET.get("year"))
    summary = stats.statistics(rules.results_visible_to(request.user), year)
    return render(
        request,
        "results/reports/statistics.html",
        {**statistics_context(summary), "years": _years(), "scope_note": _scope_note(request.user)},
    )


@require_GET
@allowed(may_view_statistics)
def statistics_xlsx_view(request):
    year = year_param(request.GET.get("year"))
    summary = stats.statistics(rules.results_visible_to(request.user), year)
    return xlsx_response(statistics_xlsx(summary), f"{year}年履职成果统计.xlsx")


@require_GET
@allowed(may_view_statistics)
def statistics_pdf_view(request):
    year = year_param(request.GET.get("year"))
    summary = stats.statistics(rules.results_visible_to(request.user), year)
    return pdf_response(request, statistics_pdf(summary, _scope_note(request.user)), f"{year}年履职成果统计.pdf")


# --- 零提案 / 零成果


def _zero_filters(request):
    year = year_param(request.GET.get("year"))
    zero_results = request.GET.get("mode") == "none"
    sector = None
    if (sector_id := request.GET.get("sector", "")).isdecimal():
        sector = Sector.objects.filter(pk=sector_id).first()
    return year, zero_results, sector


def _zero_title(year, zero_results):
    return f"{year}年{'零成果' if zero_results else '零提案'}委员名单"


@require_GET
@allowed(may_view_zero_list)
def zero_list(request):
    year, zero_results, sector = _zero_filters(request)
    members = stats.zero_proposals(members_visible_to(request.user), year, zero_results, sector)
    page = Paginator(members, ZERO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "results/reports/zero.html",
        {
            "year": year,
            "years": _years(),
            "zero_results": zero_results,
            "sector": sector,
            "sectors": Sector.objects.all(),
            "page": page,
            "rows": [
                (m, [getattr(m, stats.count_field(kind)) for kind in Kind.values])
                for m in stats.with_counts(page, year)
            ],
            "kinds": Kind.choices,
            "title": _zero_title(year, zero_results),
            "query": query.urlencode(),
        },
    )


@require_GET
@allowed(may_view_zero_list)
def zero_list_xlsx(request):
    year, zero_results, sector = _zero_filters(request)
    members = stats.zero_proposals(members_visible_to(request.user), year, zero_results, sector)
    title = _zero_title(year, zero_results) + (f"（{sector.name}）" if sector else "")
    rows = stats.with_counts(members, year)
    return xlsx_response(table_xlsx(_zero_title(year, zero_results), stats.zero_columns(), rows), f"{title}.xlsx")


report_urls = [
    path("results/reports/board/", board, name="results_board"),
    path("results/reports/board.xlsx", board_xlsx, name="results_board_xlsx"),
    path("results/reports/statistics/", statistics, name="results_statistics"),
    path("results/reports/statistics.xlsx", statistics_xlsx_view, name="results_statistics_xlsx"),
    path("results/reports/statistics.pdf", statistics_pdf_view, name="results_statistics_pdf"),
    path("results/reports/zero/", zero_list, name="results_zero"),
    path("results/reports/zero.xlsx", zero_list_xlsx, name="results_zero_xlsx"),
]

REPORT_MENU = [
    ("办理进度", "results_board", "list-ul", may_view_board, 200),
    ("成果统计", "results_statistics", "table", may_view_statistics, 210),
    ("零提案名单", "results_zero", "user", may_view_zero_list, 220),
]
