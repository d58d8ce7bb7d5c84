"""工作室运行 › 月度总览 in the admin: the grid of grid.py as a page and as xlsx.

Who sees which rows is rules.stations_visible_to: 委员联络室 and the leadership every live
station, a 专委会工作室 the stations of its 对口委室, a 召集人 their own row. The 专委会 coverage
(S002-12) is shown to those who see every station, and to a 专委会工作室 for its own committee."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from lianxin_site.dates import FIRST_YEAR, this_year, year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.spreadsheet import table_xlsx
from people.models import SpecialCommittee
from results.admin import forbidden

from . import grid, rules

REFUSAL = (
    "您的账号没有查看工作室月度总览的权限。委员联络室、专委会工作室、工作室召集人"
    "和秘书长、分管副主席、主席会议可以查看。"
)


def may_see_grid(user):
    """The readers of the grid: holders of view_station_overview, and a station's 召集人."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.has_perm("stations.view_station_overview") or rules.convener_station_id(user) is not None


def _years(chosen):
    return sorted({*range(this_year() + 1, max(FIRST_YEAR, this_year() - 5) - 1, -1), chosen}, reverse=True)


def _scope_note(user, count):
    if rules.sees_everything(user):
        return f"全部已开放的委员工作室，共 {count} 家。"
    committee = rules.office_committee(user)
    if committee is not None:
        return f"对口委室为{committee.name}的委员工作室，共 {count} 家。"
    return "本工作室。"


def _coverage(user):
    """The committees whose coverage this user reads, or None."""
    if rules.sees_everything(user):
        return grid.committee_coverage(SpecialCommittee.objects.all())
    committee = rules.office_committee(user)
    if committee is not None:
        return grid.committee_coverage(SpecialCommittee.objects.filter(pk=committee.pk))
    return None


def _grid(request):
    year = year_param(request.GET.get("year"))
    stations = rules.stations_visible_to(request.user)
    return grid.build_grid(stations, year, timezone.localdate()), stations


@require_GET
def station_grid(request):
    if not may_see_grid(request.user):
        return forbidden(request, REFUSAL)
    table, stations = _grid(request)
    coverage = _coverage(request.user)
    return render(
        request,
        "stations/admin/grid.html",
        {
            "title": "月度总览",
            "grid": table,
            "year": table.year,
            "years": _years(table.year),
            "states": grid.CellState.LABELS,
            "scope_note": _scope_note(request.user, len(table.rows)),
            "coverage": coverage,
            "uncovered": [c for c in coverage if not c.covered] if coverage is not None else [],
            "standing": sum(1 for row in table.rows if row.station.kind == "standing"),
        },
    )


def _cell_text(cell):
    return f"计划 {cell.planned} / 开展 {cell.done}：{cell.label}"


def _xlsx_rows(table):
    rows = []
    for row in table.rows:
        rows.append(
            {
                "station": row.station.title,
                "kind": row.station.get_kind_display(),
                "committee": row.station.committee.name if row.station.committee_id else "",
                "plan": f"有计划（{row.planned_total} 项）" if row.has_plan else "无计划",
                "months": [_cell_text(c) for c in row.cells],
                "active": row.active_months,
                "done": row.done_total,
                "quarters": [label for _q, _held, label in row.quarters],
                "uploads": row.upload_text,
            }
        )
    totals = table.month_totals
    rows.append(
        {
            "station": "合计",
            "kind": "",
            "committee": "",
            "plan": f"无计划 {len(table.without_plan)} 家",
            "months": [f"{t['active']} 家开展，动态 {t['done']} 条，计划 {t['planned']} 项" for t in totals],
            "active": sum(r.active_months for r in table.rows),
            "done": table.done_total,
            "quarters": [f"{n} 家召开" for n in table.quarter_totals],
            "uploads": f"按时上传 {table.on_time} 次",
        }
    )
    return rows


def _columns():
    columns = [
        ("委员工作室", lambda r: r["station"]),
        ("类型", lambda r: r["kind"]),
        ("对口委室", lambda r: r["committee"]),
        ("年度计划", lambda r: r["plan"]),
    ]
    columns += [(f"{m}月", lambda r, i=m - 1: r["months"][i]) for m in range(1, 13)]
    columns += [("有活动的月份", lambda r: r["active"]), ("动态合计", lambda r: r["done"])]
    columns += [(f"{name}季度例会", lambda r, i=i: r["quarters"][i]) for i, name in enumerate(("一", "二", "三", "四"))]
    columns += [("活动日动态上传", lambda r: r["uploads"])]
    return columns


@require_GET
def station_grid_xlsx(request):
    if not may_see_grid(request.user):
        return forbidden(request, REFUSAL)
    table, _stations = _grid(request)
    content = table_xlsx(f"{table.year}年月度总览", _columns(), _xlsx_rows(table))
    return xlsx_response(content, f"委员工作室月度总览-{table.year}.xlsx")


MENU = (("月度总览", "station_grid", "table", may_see_grid, 100),)
MODELADMINS = ()
urls = [
    path("stations/grid/", station_grid, name="station_grid"),
    path("stations/grid/xlsx/", station_grid_xlsx, name="station_grid_xlsx"),
]
