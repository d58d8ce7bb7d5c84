"""Demo data for the 月度总览 and the application window, on top of seed_content (15 stations with
their year plans and 动态) and seed_applications: so that a new user sees every colour of the
grid and every list of the 进度 board.

- every live station has a plan for the year (one is added where a station has none); the
  second station plans two more activities last month than it did (amber, 未完成);
- the first five stations held their 季度例会 in the quarters that have ended, but one quarter
  (so 未召开 shows too);
- one station whose 负责人 is a 常委 becomes a 常委工作站;
- this year's window (FoundingYear, 30 April / 30 June);
- one application marked 逾期报名 and one named by the 主席会议 but not yet 挂牌.

Idempotent: plan items, meetings and applications are looked up by their titles and names."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from content.models import PlanItem, StationKind, WorkstationPage
from forms_app.founding.models import FoundingYear, Stage, WorkstationApplication
from people.models import SpecialCommittee

from .models import StationMeeting

EXTRA_PLAN = "委员接待日（补充计划）"
NAMED = "社区议事委员工作室"
LATE = "老城保护委员工作室"


def _previous_month(today):
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=10)


def _plans(stations, today):
    year = today.year
    for index, station in enumerate(stations):
        has_plan = PlanItem.objects.filter(workstation=station, date__year=year).exists()
        extra = index == 1 and not PlanItem.objects.filter(workstation=station, title=EXTRA_PLAN).exists()
        if has_plan and not extra:
            continue
        if not has_plan:
            items = [(datetime.date(year, month, 15), "委员接待日") for month in (3, 6, 9, 12)]
        else:
            last_month = _previous_month(today)
            items = [(last_month, EXTRA_PLAN), (last_month + datetime.timedelta(days=7), EXTRA_PLAN)]
        PlanItem.objects.bulk_create(
            PlanItem(workstation=station, date=date, title=title, participants="工作室全体委员")
            for date, title in items
        )
        station.save_revision().publish()


def _meetings(stations, today):
    ended = [q for q in range(1, 5) if datetime.date(today.year, q * 3, 28) < today]
    for index, station in enumerate(stations[:5]):
        if StationMeeting.objects.filter(station=station, date__year=today.year).exists():
            continue
        skipped = ended[index % len(ended)] if ended and index % 2 else None
        for quarter in ended:
            if quarter == skipped:
                continue
            StationMeeting.objects.create(
                station=station,
                date=datetime.date(today.year, quarter * 3 - 1, 18),
                minutes=f"第{'一二三四'[quarter - 1]}季度例会：通报本季度活动开展情况，研究下季度计划。",
            )


def _standing_station(stations):
    if any(s.kind == StationKind.STANDING for s in stations):
        return
    station = next((s for s in stations if s.lead_member.is_standing), None)
    if station is not None:
        station.kind = StationKind.STANDING
        station.save_revision().publish()


def _applications(today):
    from forms_app.demo import _application_data
    from forms_app.founding import rules as founding

    User = get_user_model()
    applicant = User.objects.filter(username="member").first()
    signers = {
        name: User.objects.filter(username=name).first()
        for name in ("office4", "liaison", "secretary", "vicechair", "chairs")
    }
    if applicant is None or None in signers.values() or not hasattr(applicant, "profile"):
        return
    member = applicant.profile.member
    committee = SpecialCommittee.objects.filter(name="教科文卫体委员会").first()
    if member is None or committee is None:
        return
    if not WorkstationApplication.objects.filter(name=NAMED).exists():
        application = founding.submit_application(
            applicant, _application_data(member, NAMED, committee, "交道口街道社区议事厅"), []
        )
        for username, stage in (
            ("office4", Stage.COMMITTEE_OFFICE),
            ("liaison", Stage.LIAISON_OFFICE),
            ("secretary", Stage.SECRETARY_GENERAL),
            ("vicechair", Stage.VICE_CHAIR),
        ):
            application = founding.sign(application.pk, signers[username], stage, "approve", "同意。")
        founding.sign(
            application.pk, signers["chairs"], Stage.CHAIRS_MEETING, "approve", "同意建立。", approved_name=NAMED
        )
    if not WorkstationApplication.objects.filter(name=LATE).exists():
        application = founding.submit_application(
            applicant, _application_data(member, LATE, committee, "景山街道胡同博物馆"), []
        )
        # Submitted after 30 April it is late already; earlier in the year, the demo says so.
        WorkstationApplication.objects.filter(pk=application.pk).update(late=True)


@transaction.atomic
def seed_grid_demo(today=None):
    today = today or timezone.localdate()
    stations = list(WorkstationPage.objects.live().select_related("lead_member").order_by("path"))
    FoundingYear.for_year(today.year)
    if not stations:
        return
    _plans(stations, today)
    _meetings(stations, today)
    _standing_station(stations)
    _applications(today)
