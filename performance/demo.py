"""Demo 履职档案 for seed_demo, on top of the roster (people.demo) and the 履职成果 (results.demo):
this year's 履职活动 of every kind (one 重要履职活动; invited all, by sector, by party, by
committee, the 常委 by name), who attended and the part they played, a few 请假 (approved,
pending, refused), a published 记分办法 (第1版) with rules for every category and caps, then the
ledger (sync_ledger) and the scores (compute_scores).

Idempotent: an activity is found again by its name and day, a leave request by member and
activity, and the year's scheme is left alone once there is one; running it again changes
nothing. Does nothing without members, or when the year is frozen."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from people.models import Member, Party, Sector, SpecialCommittee

from . import rules
from .ledger import sync_ledger
from .models import DutyActivity, LeaveRequest, Participation, Role, ScoringRule, ScoringScheme, Status
from .scoring import compute_scores

Kind = DutyActivity.Kind
D = Decimal

# (name, kind, (month, day, hour), important, invited, organising committee). Those still ahead
# when the seed runs get no attendance (请假 may still be asked).
ACTIVITIES = [
    ("区政协全体会议", Kind.PLENARY, (1, 10, 9), True, ("all",), None),
    ("常委会议：审议年度协商计划", Kind.STANDING, (2, 27, 14), False, ("standing",), None),
    ("老旧小区加装电梯专题协商", Kind.CONSULTATION, (3, 20, 9), False, ("sectors", "经济界", "科技界", "工会"), None),
    (
        "视察调研：中小学课后服务",
        Kind.INSPECTION,
        (4, 17, 9),
        False,
        ("committee", "教科文卫体委员会"),
        "教科文卫体委员会",
    ),
    ("委员活动日：走进社区养老驿站", Kind.ACTIVITY_DAY, (5, 22, 9), False, ("all",), None),
    (
        "文化艺术界界别活动：非遗传承座谈",
        Kind.SECTOR,
        (6, 19, 14),
        False,
        ("sectors", "文化艺术界"),
        "教科文卫体委员会",
    ),
    ("委员履职能力培训班", Kind.TRAINING, (9, 11, 9), False, ("all",), None),
    ("民盟委员协商恳谈会", Kind.OTHER, (10, 23, 14), False, ("parties", "民盟"), None),
]
UPCOMING = ("委员活动日：胡同街巷环境整治", Kind.ACTIVITY_DAY)

# The 记分办法 第1版: (category, role, status, points, yearly cap).
RULES = [
    ("five_ones", "", Status.PRESENT, "3", "30"),
    ("five_ones", Role.HOST, Status.PRESENT, "5", "30"),
    ("five_ones", "", Status.SELF_ORGANISED, "2", "10"),
    ("plenary", Role.SPEAK, Status.PRESENT, "6", None),
    ("plenary", "", Status.PRESENT, "4", None),
    ("standing", "", Status.PRESENT, "3", None),
    ("consultation", Role.SPEAK, Status.PRESENT, "5", None),
    ("consultation", "", Status.PRESENT, "3", None),
    ("inspection", "", Status.PRESENT, "3", "15"),
    ("activity_day", Role.ORGANISE, Status.PRESENT, "4", None),
    ("activity_day", "", Status.PRESENT, "2", "12"),
    ("sector", Role.HOST, Status.PRESENT, "3", None),
    ("sector", "", Status.PRESENT, "2", "10"),
    ("training", "", Status.PRESENT, "1", "5"),
    ("other", "", Status.PRESENT, "1", "5"),
    ("other", "", Status.SELF_ORGANISED, "1", "5"),
    ("proposal", Role.AUTHOR, "", "5", "20"),
    ("proposal", Role.CO_AUTHOR, "", "2", "10"),
    ("opinion", Role.AUTHOR, "", "3", "15"),
    ("opinion", Role.CO_AUTHOR, "", "1", "5"),
    ("speech", "", "", "4", None),
    ("report", Role.AUTHOR, "", "4", "12"),
    ("report", Role.CO_AUTHOR, "", "2", "6"),
    ("suggestion", "", "", "1", "5"),
    ("contacts", Role.ORGANISE, "", "2", "4"),  # 三联系: a 常委 calls a 集体座谈会
    ("contacts", Role.ATTEND, "", "1", "2"),  # a member attends one
    ("contacts", "", "", "1", "6"),  # any other contact activity
    ("street_group", Role.HOST, "", "3", None),  # 街道活动小组: hosts an activity
    ("street_group", "", "", "2", "12"),  # attends one (only 出席 reaches the ledger)
    ("station_meeting", "", "", "1", "4"),  # 委员工作室季度例会, one a quarter
]


def _start(year, month, day, hour):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _activity(name, kind, start, important, invited, organiser):
    """The activity of that name in the year of `start`, made with `start` the first time."""
    activity = DutyActivity.objects.filter(name=name, start__year=start.year).first()
    if activity is not None:
        return activity
    activity = DutyActivity.objects.create(
        name=name, kind=kind, start=start, important=important, organiser=organiser, invite_all=invited[0] == "all"
    )
    what, names = invited[0], invited[1:]
    if what == "standing":
        activity.invite_members.set(Member.objects.filter(is_standing=True))
    elif what == "sectors":
        activity.invite_sectors.set(Sector.objects.filter(name__in=names))
    elif what == "parties":
        activity.invite_parties.set(Party.objects.filter(name__in=names))
    elif what == "committee":
        activity.invite_committees.set(SpecialCommittee.objects.filter(name__in=names))
    return activity


def _leave(member, activity, reason, decision, note=""):
    leave, _created = LeaveRequest.objects.get_or_create(
        member=member,
        activity=activity,
        defaults={
            "reason": reason,
            "decision": decision,
            "decision_note": note,
            "decided_at": None if decision == LeaveRequest.Decision.PENDING else activity.start,
        },
    )
    return leave


def _participations(activity, rng):
    """Most invitees attend; the first hosts or organises, a few speak; about one in eight stays
    away without leave (the ledger counts them 缺席), approved leave is recorded as 请假."""
    if Participation.objects.filter(activity=activity).exists():
        return
    leave = rules.approved_leave(activity)
    rows = []
    invited = list(rules.invitees(activity).order_by("code").values_list("pk", flat=True))
    for index, member_id in enumerate(invited):
        if member_id in leave:
            status = Status.LEAVE
        elif rng.random() < 0.12:
            continue
        else:
            status = Status.PRESENT
        if rules.participation_error(activity, member_id, status, leave):
            continue
        role = Role.ATTEND
        if status == Status.PRESENT and index == 0:
            role = Role.ORGANISE if activity.kind == Kind.ACTIVITY_DAY else Role.HOST
        elif status == Status.PRESENT and rng.random() < 0.15:
            role = Role.SPEAK
        rows.append(Participation(activity=activity, member_id=member_id, status=status, role=role))
    Participation.objects.bulk_create(rows)


def _scheme(year):
    if ScoringScheme.objects.filter(year=year).exists():
        return
    scheme = ScoringScheme.objects.create(
        year=year,
        version=1,
        published_at=timezone.now(),
        important_weight=D("2"),
        absence_penalty=D("2"),
        low_participation_rate=D("0.5"),
        shortlist_per_sector=2,
        shortlist_min_score=D("20"),
        shortlist_min_rate=D("0.8"),
        shortlist_max_absences=0,
        note="演示用记分办法：出席按活动类别记分，发言、主持另有分值；重要履职活动得分加倍；无故缺席每次扣 2 分。",
    )
    for order, (category, role, status, points, cap) in enumerate(RULES):
        errors = rules.rule_errors(category, role, status, D(points), D(cap) if cap else None)
        assert not errors, errors
        ScoringRule.objects.create(
            scheme=scheme,
            category=category,
            role=role,
            status=status,
            points=D(points),
            yearly_cap=D(cap) if cap else None,
            sort_order=order,
        )


def seed_performance(today=None):
    today = today or timezone.localdate()
    year = today.year
    if not Member.objects.exists() or rules.is_frozen(year):
        return
    rng = random.Random(year)
    committees = {c.name: c for c in SpecialCommittee.objects.all()}
    with transaction.atomic():
        activities = [
            _activity(name, kind, _start(year, *when), important, invited, committees.get(organiser))
            for name, kind, when, important, invited, organiser in ACTIVITIES
        ]
        members = list(rules.invitees(activities[2]).order_by("code")[:3])
        if len(members) == 3:
            _leave(members[0], activities[2], "赴外地出差，无法参加。", LeaveRequest.Decision.APPROVED, "同意。")
            _leave(
                members[1],
                activities[2],
                "单位有事。",
                LeaveRequest.Decision.REFUSED,
                "理由不充分，请尽量安排参加。",
            )
        soon = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=14), datetime.time(9)))
        if soon.year == year or DutyActivity.objects.filter(name=UPCOMING[0], start__year=year).exists():
            pending_for = _activity(UPCOMING[0], UPCOMING[1], soon, False, ("all",), None)
        else:  # late December: the pending request waits on the year's last activity
            pending_for = activities[-1]
        first = rules.invitees(pending_for).order_by("code").first()
        if first is not None:
            _leave(first, pending_for, "当天需参加单位年度考核。", LeaveRequest.Decision.PENDING)
        now = timezone.now()
        for activity in activities:
            if activity.start <= now:
                _participations(activity, rng)
        _scheme(year)
    sync_ledger(year)
    compute_scores(year)
