"""工作室运行 › 季度例会 / 履职日志 in the admin: the offices read the records of their stations.

A 专委会工作室 reads those of its 对口委室's stations, 委员联络室 (and the leadership with the right)
all (records.records_visible_to, on rules.stations_visible_to); a 召集人 writes and reads their own
on the front end (/forms/station/meetings/, /forms/station/logs/) and is not offered these lists.
Read only: nobody but the convener writes a station's records."""

from functools import wraps

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from lianxin_site.dates import this_year, year_param
from results.admin import forbidden

from . import records
from . import rules as station_rules
from .models import LogType, StationLog, StationMeeting

REFUSAL = "您的账号没有查看委员工作室季度例会和履职日志的权限。对口专委会工作室和委员联络室可以查看；召集人请在“我的表格”中查看本工作室的记录。"
PER_PAGE = 50


def readers_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not records.may_read_records(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _filters(request, model):
    """The year, the stations offered (the user's scope) and the one chosen, and the records."""
    year = year_param(request.GET.get("year"))
    stations = list(station_rules.stations_visible_to(request.user).order_by("title").values_list("pk", "title"))
    chosen = request.GET.get("station", "")
    chosen = int(chosen) if chosen.isdecimal() and int(chosen) in dict(stations) else None
    rows = records.records_visible_to(request.user, model).filter(date__year=year)
    if chosen is not None:
        rows = rows.filter(station_id=chosen)
    return year, stations, chosen, rows


def _years(year):
    return sorted({*range(this_year(), this_year() - 5, -1), year}, reverse=True)


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))


@require_GET
@readers_only
def meetings(request):
    year, stations, chosen, rows = _filters(request, StationMeeting)
    rows = rows.select_related("station").prefetch_related("attendees", "absences__member").order_by("-date", "-pk")
    page = _page(request, rows)
    return render(
        request,
        "stations/admin/records_meetings.html",
        {
            "title": "季度例会",
            "year": year,
            "years": _years(year),
            "stations": stations,
            "chosen": chosen,
            "page": page,
            "scope_note": _scope_note(request.user, len(stations)),
        },
    )


@require_GET
@readers_only
def logs(request):
    year, stations, chosen, rows = _filters(request, StationLog)
    kind = request.GET.get("type", "")
    if kind in LogType.values:
        rows = rows.filter(type=kind)
    rows = rows.select_related("station").prefetch_related("members").order_by("-date", "-pk")
    page = _page(request, rows)
    return render(
        request,
        "stations/admin/records_logs.html",
        {
            "title": "履职日志",
            "year": year,
            "years": _years(year),
            "stations": stations,
            "chosen": chosen,
            "types": LogType.choices,
            "kind": kind,
            "page": page,
            "scope_note": _scope_note(request.user, len(stations)),
        },
    )


def _scope_note(user, count):
    if station_rules.sees_everything(user):
        return f"全部 {count} 个委员工作室。"
    return f"本专委会对口的 {count} 个委员工作室。"


MODELADMINS = ()
MENU = (  # (label, url name, icon, allowed(user), order)
    ("季度例会", "station_records_meetings", "date", records.may_read_records, 300),
    ("履职日志", "station_records_logs", "edit", records.may_read_records, 310),
)
urls = [
    path("stations/meetings/", meetings, name="station_records_meetings"),
    path("stations/logs/", logs, name="station_records_logs"),
]
