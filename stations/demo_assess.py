"""Demo 季度例会, 履职日志 and 考核 for seed_demo: `seed_station_records()`.

For the first six live demo stations (by title): a 季度例会 in each quarter already past (a station
or two missing one, so the 考核 has differences to show), with attendees from the station's
members and an absence with its reason; a dozen 履职日志 entries of every type spread over the
year. Then this year's default 考核 scheme (assessment.build_default_scheme) with manual scores
for four of the stations, left unpublished so that 委员联络室 can score the rest, name the
优秀委员工作室 and publish.

Idempotent: records are found by (station, date); the scheme by its year; scores by (criterion,
station). Dates after today wait for a later run. Does nothing without live stations."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from content.models import WorkstationPage

from . import assessment, records
from .models import AssessmentScheme, Criterion, LogType, ManualScore, MeetingAbsence, StationLog, StationMeeting

STATIONS = 6
MINUTES = (
    "传达区政协有关会议精神，交流本季度接待群众情况，研究下季度委员活动日安排，确定牵头委员。",
    "梳理群众反映的老旧小区加装电梯、停车难等问题，商定形成社情民意信息报送区政协。",
    "总结上半年工作，对照年度计划查找差距，明确下半年“月月有活动”的具体安排。",
    "回顾全年履职情况，整理履职日志，研究明年工作计划初稿。",
)
LOG_MATTERS = (
    (
        LogType.RECEPTION,
        "委员接待日接待居民，反映小区垃圾分类驿站设置不合理",
        "已与街道城管科沟通，驿站移位，回访居民满意",
    ),
    (LogType.OPINIONS, "收集社区老人助餐需求", "整理成社情民意信息报送区政协"),
    (LogType.STUDY, "向社区居民宣讲新修订的物业管理条例", ""),
    (LogType.CONSULTATION, "参加社区议事厅协商停车位改造方案", "形成协商意见，由社区居委会落实"),
    (LogType.OTHER, "走访辖区企业了解用工情况", "将企业诉求转区人力社保局"),
)
MANUAL_SCORES = ((Decimal("8.5"), Decimal("9"), Decimal("9.5")), (Decimal("7"), Decimal("8"), Decimal("9")))


def quarter_dates(year, today):
    return [d for d in (datetime.date(year, m, 18) for m in (3, 6, 9, 12)) if d <= today]


@transaction.atomic
def seed_station_records():
    today = timezone.localdate()
    year = today.year
    stations = list(WorkstationPage.objects.live().order_by("title")[:STATIONS])
    if not stations:
        return None
    for index, station in enumerate(stations):
        members = list(records.station_members(station))
        for q, date in enumerate(quarter_dates(year, today)):
            if index % 3 == 2 and q == 1:  # every third station skipped its second-quarter meeting
                continue
            meeting, created = StationMeeting.objects.get_or_create(
                station=station, date=date, defaults={"minutes": MINUTES[q]}
            )
            if created:
                present, absent = members[:-1] or members, members[-1:] if len(members) > 1 else []
                meeting.attendees.set(present)
                MeetingAbsence.objects.bulk_create(
                    MeetingAbsence(meeting=meeting, member=m, reason="外出公务") for m in absent
                )
        for n in range(12 - index):
            date = datetime.date(year, 1 + n % 12, 6 + index)
            if date > today:
                continue
            kind, matter, handling = LOG_MATTERS[n % len(LOG_MATTERS)]
            log, created = StationLog.objects.get_or_create(
                station=station, date=date, defaults={"type": kind, "matter": matter, "handling": handling}
            )
            if created:
                log.members.set(members[n % len(members) : n % len(members) + 1] or members[:1])
    scheme = AssessmentScheme.objects.filter(year=year).first() or assessment.build_default_scheme(year)
    if not scheme.published:
        manual = list(scheme.criteria.filter(method=Criterion.Method.MANUAL).order_by("sort_order", "pk"))
        for index, station in enumerate(stations[:4]):
            for k, criterion in enumerate(manual):
                points = MANUAL_SCORES[index % 2][k % 3]
                ManualScore.objects.get_or_create(
                    criterion=criterion, station=station, defaults={"points": min(points, criterion.max_points)}
                )
    return scheme
