"""What the platform knows of each station's year, counted once for every page that shows it: the
monthly grid (grid.py), the 考核's automatic criteria (assessment.py) and the boards. Each
function takes station ids and a year and answers in one query (two for uploads), whatever the
number of stations, posts or months, so a page over 15 or 50 stations asks the same number of
queries.

"Done" in a month (一站一计划、月月有活动, seed 003 annex 2 第六条) means a published 动态 dated in
that month; "planned" means a 年度计划 item dated in it; a 季度例会 counts for the quarter of its
date."""

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from content.models import PlanItem, WorkstationPostPage
from forms_app.activity_day.rules import UploadStatus, upload_dates, upload_status
from forms_app.models import ActivityDay

from .models import StationLog, StationMeeting


def done_months(station_ids, year):
    """{station id: {month: number of published 动态 dated in it}}."""
    found = defaultdict(dict)
    rows = (
        WorkstationPostPage.objects.live()
        .filter(date__year=year)
        .with_workstation_id()
        .filter(parent_workstation_id__in=list(station_ids))
        .annotate(month=ExtractMonth("date"))
        .values("parent_workstation_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        found[row["parent_workstation_id"]][row["month"]] = row["n"]
    return found


def planned_months(station_ids, year):
    """{station id: {month: number of 年度计划 items dated in it}}; a station without a plan for the
    year is absent (无计划). The live page's plan: a convener's edit counts once it is published."""
    found = defaultdict(dict)
    rows = (
        PlanItem.objects.filter(workstation_id__in=list(station_ids), date__year=year)
        .annotate(month=ExtractMonth("date"))
        .values("workstation_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        found[row["workstation_id"]][row["month"]] = row["n"]
    return found


def meeting_quarters(station_ids, year):
    """{station id: {quarter 1–4: number of 季度例会 held in it}}."""
    found = defaultdict(dict)
    rows = (
        StationMeeting.objects.filter(station_id__in=list(station_ids), date__year=year)
        .annotate(month=ExtractMonth("date"))
        .values_list("station_id", "month")
    )
    for station_id, month in rows:
        quarter = (month - 1) // 3 + 1
        found[station_id][quarter] = found[station_id].get(quarter, 0) + 1
    return found


def log_counts(station_ids, year):
    """{station id: number of 履职日志 entries dated in the year}."""
    rows = (
        StationLog.objects.filter(station_id__in=list(station_ids), date__year=year)
        .values("station_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["station_id"]: row["n"] for row in rows}


def upload_statuses(station_ids, year):
    """{station id: [(activity day, 按时/逾期/未上传)]} for the year's 委员活动日, every station listed
    for every day (未上传 where it posted nothing for the day). Two queries."""
    station_ids = list(station_ids)
    days = list(ActivityDay.objects.filter(date__year=year).order_by("date"))
    uploaded = upload_dates(days, station_ids) if days else {}
    return {
        station_id: [(day, upload_status(day, uploaded.get((day.pk, station_id)))) for day in days]
        for station_id in station_ids
    }


def on_time_counts(station_ids, year):
    """{station id: number of the year's 委员活动日 whose 动态 it uploaded 按时}."""
    return {
        station_id: sum(1 for _day, status in statuses if status == UploadStatus.ON_TIME)
        for station_id, statuses in upload_statuses(station_ids, year).items()
    }
