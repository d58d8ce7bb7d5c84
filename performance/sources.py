"""The ledger's sources today: 五个一 出勤登记, 履职活动 participation (委员活动日 included) and the
履职成果 registry. 三联系 contacts and workstation or street-group activities register here the
same way when they land; the score code never reads a source."""

import datetime
from collections import defaultdict

from django.utils import timezone

from forms_app.five_ones.models import Attendance, FiveOnesFiling
from people.models import Member
from results.models import Kind, Result, ResultAuthor
from results.models import Status as ResultStatus

from .ledger import Row, ledger_source
from .models import DutyActivity, LeaveRequest, Participation, Role, Status

FIVE_ONES = "five_ones"

# 发挥的作用 as a leader types it on the 五个一 出勤登记 (free text) → the scheme's roles.
ROLE_WORDS = [("主持", Role.HOST), ("发言", Role.SPEAK), ("组织", Role.ORGANISE)]


def role_of(text):
    for word, role in ROLE_WORDS:
        if word in (text or ""):
            return role
    return Role.ATTEND


def _approved_leave(**filters):
    """{(activity or filing id, member id)} of approved 请假."""
    field = "activity_id" if "activity__in" in filters else "filing_id"
    return set(
        LeaveRequest.objects.filter(decision=LeaveRequest.Decision.APPROVED, **filters).values_list(field, "member_id")
    )


def _leave_year(leave):
    return leave.filing.year if leave.filing_id else leave.activity.year


@ledger_source(
    FIVE_ONES,
    "五个一活动",
    categories=[(FIVE_ONES, "五个一基层活动")],
    watch={
        Attendance: lambda attendance: attendance.filing.year,
        FiveOnesFiling: lambda filing: filing.year,
        LeaveRequest: _leave_year,
    },
)
def five_ones_rows(year):
    """Each invited (or recorded) member of a 五个一 grassroots activity whose attendance the
    sector recorded: 出席 with the role played, 请假 with approved leave, else 缺席."""
    filings = list(
        FiveOnesFiling.objects.filter(year=year, attendance__isnull=False)
        .distinct()
        .select_related("sector", "party")
        .only("pk", "year", "theme", "activity_date", "sector__name", "party__name")
    )
    if not filings:
        return
    by_filing = defaultdict(dict)
    for attendance in Attendance.objects.filter(filing__in=filings).only("filing_id", "member_id", "attended", "role"):
        by_filing[attendance.filing_id][attendance.member_id] = attendance
    invited = defaultdict(set)
    for filing_id, member_id in _participants(filings):
        invited[filing_id].add(member_id)
    leave = _approved_leave(filing__in=filings)
    for filing in filings:
        group = filing.sector.name if filing.sector_id else filing.party.name
        title = f"{group}五个一活动：{filing.theme}"
        recorded = by_filing[filing.pk]
        for member_id in sorted(invited[filing.pk] | recorded.keys()):
            attendance = recorded.get(member_id)
            if attendance is not None and attendance.attended:
                status, role = Status.PRESENT, role_of(attendance.role)
            elif (filing.pk, member_id) in leave:
                status, role = Status.LEAVE, Role.ATTEND
            else:
                status, role = Status.ABSENT, Role.ATTEND
            yield Row(
                member_id=member_id,
                source_ref=f"filing:{filing.pk}",
                year=year,
                date=filing.activity_date,
                category=FIVE_ONES,
                title=title[:300],
                role=role,
                status=status,
                link=f"/forms/five-ones/{filing.pk}/",
            )


def _participants(filings):
    through = FiveOnesFiling.participants.through
    source = through._meta.get_field("fiveonesfiling").attname
    return through.objects.filter(**{f"{source}__in": [f.pk for f in filings]}).values_list(source, "member_id")


# --- 履职活动


class Roster:
    """The roster's scope fields, read once: who an activity invites."""

    def __init__(self):
        self.members = list(
            Member.objects.values_list("pk", "sector_id", "party_id", "committee_id", "street_group_id")
        )

    def invitees(self, activity, scope):
        if activity.invite_all:
            return {pk for pk, *_ in self.members}
        sectors, parties, committees, groups, members = scope
        chosen = set(members)
        for pk, sector, party, committee, group in self.members:
            if sector in sectors or party in parties or committee in committees or group in groups:
                chosen.add(pk)
        return chosen


def _scopes(activities):
    """{activity id: (sectors, parties, committees, groups, members)} in five queries."""
    ids = [a.pk for a in activities]
    scopes = {pk: (set(), set(), set(), set(), set()) for pk in ids}
    for index, name in enumerate(
        ["invite_sectors", "invite_parties", "invite_committees", "invite_groups", "invite_members"]
    ):
        through = getattr(DutyActivity, name).through
        target = [f for f in through._meta.get_fields() if f.many_to_one and f.related_model is not DutyActivity][0]
        for activity_id, target_id in through.objects.filter(dutyactivity_id__in=ids).values_list(
            "dutyactivity_id", target.attname
        ):
            scopes[activity_id][index].add(target_id)
    return scopes


def _year_range(year):
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


@ledger_source(
    "activities",
    "履职活动",
    categories=DutyActivity.Kind.choices,
    watch={
        DutyActivity: lambda activity: activity.year,
        Participation: lambda participation: participation.activity.year,
        LeaveRequest: _leave_year,
    },
)
def activity_rows(year):
    """Each invitee of a 履职活动 that has begun: their recorded participation, else 请假 with
    approved leave, else 缺席 (unexcused); and anyone recorded without an invitation."""
    start, end = _year_range(year)
    now = timezone.now()
    activities = list(DutyActivity.objects.filter(start__gte=start, start__lt=end, start__lte=now))
    if not activities:
        return
    roster, scopes = Roster(), _scopes(activities)
    recorded = defaultdict(dict)
    for p in Participation.objects.filter(activity__in=activities).only("activity_id", "member_id", "status", "role"):
        recorded[p.activity_id][p.member_id] = p
    leave = _approved_leave(activity__in=activities)
    for activity in activities:
        day = timezone.localtime(activity.start).date()
        own = recorded[activity.pk]
        for member_id in sorted(roster.invitees(activity, scopes[activity.pk]) | own.keys()):
            participation = own.get(member_id)
            if participation is not None:
                status, role = participation.status, participation.role
            elif (activity.pk, member_id) in leave:
                status, role = Status.LEAVE, Role.ATTEND
            else:
                status, role = Status.ABSENT, Role.ATTEND
            yield Row(
                member_id=member_id,
                source_ref=f"activity:{activity.pk}",
                year=year,
                date=day,
                category=activity.kind,
                title=activity.name[:300],
                role=role,
                status=status,
                important=activity.important,
            )


# --- 履职成果


@ledger_source(
    "results",
    "履职成果",
    categories=Kind.choices,
    watch={Result: lambda result: result.year, ResultAuthor: lambda author: author.result.year},
)
def result_rows(year):
    """Each author of a confirmed (已确认) 履职成果: 第一作者 (第一提案人/执笔人) or 联名."""
    authors = (
        ResultAuthor.objects.filter(result__year=year, result__status=ResultStatus.CONFIRMED)
        .order_by("result_id", "position")
        .values_list("result_id", "member_id", "position", "result__kind", "result__title", "result__submitted_on")
    )
    for result_id, member_id, position, kind, title, submitted_on in authors:
        yield Row(
            member_id=member_id,
            source_ref=f"result:{result_id}",
            year=year,
            date=submitted_on,
            category=kind,
            title=title,
            role=Role.AUTHOR if position == 1 else Role.CO_AUTHOR,
            link=f"/results/{result_id}/",
        )
