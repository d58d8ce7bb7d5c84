"""Every deadline someone has not yet met, from each source's own rules: one function per source
that answers in bulk (a few queries, whatever the number of accounts) which accounts still owe
what by when. Reminders (notices/reminders.py), 我的工作台's 下一个截止日期 and each account's
private iCal feed (schedule/feeds.py) all read these, so "who has not acted" is decided once.

A source function takes (today, users=None) and returns [(Deadline, [user ids])]: the deadlines
from `today` on (and those due today) that the listed accounts have not met. `users` (a queryset
or list of User) narrows the answer to those accounts."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forms_app.five_ones.models import FilingYear, FiveOnesFiling
from people.models import Profile

from .models import Kind


@dataclass(frozen=True)
class Deadline:
    key: str  # stable across runs: SentReminder and the iCal UID are built from it
    date: datetime.date
    title: str
    link: str
    kind: str = Kind.REMINDER


def _active_users(users):
    found = get_user_model().objects.filter(is_active=True)
    if users is not None:
        found = found.filter(pk__in=[u.pk for u in users] if isinstance(users, list | tuple) else users.values("pk"))
    return found


def filing_deadlines(today, users=None):
    """五个一备案表 (seed 000 附件 注 1: by the end of March): each 界别组长 whose sector or party has not
    filed this year's table (or had it returned) by FilingYear.deadline_for(year)."""
    year = today.year
    deadline = FilingYear.deadline_for(year)
    if deadline < today:
        return []
    # five_ones.rules.is_filer for every account at once: the right to file, and a sector or party.
    filers = _with_perm("forms_app.add_fiveonesfiling").filter(pk__in=_active_users(users))
    leaders = (
        Profile.objects.filter(user__in=filers)
        .filter(Q(sector__isnull=False) | Q(party__isnull=False))
        .distinct()
        .select_related("sector", "party")
    )
    done = FiveOnesFiling.objects.filter(year=year).exclude(status=FiveOnesFiling.Status.RETURNED)
    done_sectors = set(done.filter(sector__isnull=False).values_list("sector_id", flat=True))
    done_parties = set(done.filter(party__isnull=False).values_list("party_id", flat=True))
    link = reverse("five_ones_wizard")
    found = {}
    for profile in leaders:
        if profile.sector_id:
            if profile.sector_id in done_sectors:
                continue
            body_key, name = f"sector:{profile.sector_id}", profile.sector.name
        else:
            if profile.party_id in done_parties:
                continue
            body_key, name = f"party:{profile.party_id}", profile.party.name
        deadline_row = Deadline(
            key=f"filing:{year}:{body_key}",
            date=deadline,
            title=f"{name} {year} 年“五个一”活动备案表报送截止",
            link=link,
        )
        found.setdefault(deadline_row, []).append(profile.user_id)
    return list(found.items())


def _with_perm(perm):
    """Accounts holding `perm` through their roles (superuser technical accounts are not reminded)."""
    return get_user_model().objects.with_perm(
        perm, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    )


def _date(value):
    return timezone.localtime(value).date()


def activity_day_reports(today, users=None):
    """委员活动日统计表 (seed 001): each reporter of a unit that has not reported for a day whose
    ActivityDay.deadline is still ahead (or today). Four queries whatever the number of days."""
    from forms_app.activity_day.models import ActivityDay, ActivityReport, ReportingUnit

    days = {day.pk: day for day in ActivityDay.objects.filter(deadline__gte=today)}
    if not days:
        return []
    pairs = list(
        ActivityDay.units.through.objects.filter(activityday_id__in=list(days)).values_list(
            "activityday_id", "reportingunit_id"
        )
    )
    reported = set(ActivityReport.objects.filter(day_id__in=list(days)).values_list("day_id", "unit_id"))
    units = {unit.pk: unit for unit in ReportingUnit.objects.filter(pk__in={unit for _, unit in pairs})}
    reporters = {}
    for unit_id, user_id in ReportingUnit.reporters.through.objects.filter(
        reportingunit_id__in=list(units), user__in=_active_users(users)
    ).values_list("reportingunit_id", "user_id"):
        reporters.setdefault(unit_id, []).append(user_id)
    found = []
    for day_id, unit_id in sorted(pairs):
        if (day_id, unit_id) in reported or not reporters.get(unit_id):
            continue
        day, unit = days[day_id], units[unit_id]
        deadline = Deadline(
            key=f"activity_day:{day_id}:unit:{unit_id}",
            date=day.deadline,
            title=f"{unit.name}：{day.name}统计表报送截止",
            link=reverse("activity_day_report", args=[day_id, unit_id]),
        )
        found.append((deadline, sorted(reporters[unit_id])))
    return found


def station_upload_deadlines(today, users=None):
    """委员活动日“动态” (seed 001 四.3): each 工作室召集人 whose station (linked to a unit of the day,
    as activity_day.rules.linked_workstations counts it) has uploaded no 动态 for the day by
    activity_day.rules.upload_deadline(day). A few queries whatever the number of days and units."""
    from content.models import WorkstationPage
    from forms_app.activity_day import rules as day_rules
    from forms_app.activity_day.models import ActivityDay, ReportingUnit

    days = [
        day
        for day in ActivityDay.objects.filter(Q(upload_deadline__gte=today) | Q(deadline__gte=today))
        if day_rules.upload_deadline(day) >= today
    ]
    if not days:
        return []
    day_units = {}
    for day_id, unit_id in ActivityDay.units.through.objects.filter(activityday__in=days).values_list(
        "activityday_id", "reportingunit_id"
    ):
        day_units.setdefault(day_id, set()).add(unit_id)
    unit_ids = set().union(*day_units.values()) if day_units else set()
    # The same rule as linked_workstations(unit), for every unit at once.
    unit_committee = dict(ReportingUnit.objects.filter(pk__in=unit_ids).values_list("pk", "committee_id"))
    listed = {}
    for unit_id, station_id in ReportingUnit.workstations.through.objects.filter(
        reportingunit_id__in=unit_ids
    ).values_list("reportingunit_id", "workstationpage_id"):
        listed.setdefault(unit_id, set()).add(station_id)
    committees = {c for c in unit_committee.values() if c}
    live = {
        page.pk: page
        for page in WorkstationPage.objects.live().filter(
            Q(pk__in=set().union(*listed.values()) if listed else set()) | Q(committee_id__in=committees)
        )
    }
    by_committee = {}
    for page in live.values():
        by_committee.setdefault(page.committee_id, set()).add(page.pk)
    conveners = {}
    for station_id, user_id in Profile.objects.filter(
        workstation_id__in=list(live), user__in=_active_users(users)
    ).values_list("workstation_id", "user_id"):
        conveners.setdefault(station_id, []).append(user_id)
    if not conveners:
        return []
    uploaded = day_rules.upload_dates(days, list(conveners))
    found = []
    for day in days:
        stations = set()
        for unit_id in day_units.get(day.pk, ()):
            stations |= {pk for pk in listed.get(unit_id, ()) if pk in live}
            stations |= by_committee.get(unit_committee.get(unit_id), set()) if unit_committee.get(unit_id) else set()
        for station_id in sorted(stations):
            if station_id not in conveners or (day.pk, station_id) in uploaded:
                continue
            deadline = Deadline(
                key=f"upload:{day.pk}:station:{station_id}",
                date=day_rules.upload_deadline(day),
                title=f"{live[station_id].title}：上传{day.name}活动“动态”截止",
                link=reverse("station_post"),
            )
            found.append((deadline, sorted(conveners[station_id])))
    return found


def application_box_deadlines(today, users=None):
    """工作室建立申请 (seed 003 附件1): an application waiting at an office's box is due there within
    NoticeSettings.box_wait_days; everyone for whom founding.rules.can_sign holds is reminded (the
    role holders, not superuser technical accounts). Keyed per application, box and arrival, so a
    box reached again after a return is a new deadline."""
    from forms_app.founding.models import Stage, WorkstationApplication
    from forms_app.founding.rules import STAGE_PERMISSIONS

    from .models import NoticeSettings

    wait = datetime.timedelta(days=NoticeSettings.load().box_wait_days)
    active = _active_users(users)
    signers = {}
    for stage, permission in STAGE_PERMISSIONS.items():
        holders = _with_perm(permission).filter(pk__in=active)
        if stage == Stage.COMMITTEE_OFFICE:
            by_committee = {}
            for user_id, committee_id in holders.values_list("pk", "profile__committee_id"):
                if committee_id:
                    by_committee.setdefault(committee_id, []).append(user_id)
            if by_committee:
                signers[stage] = by_committee
        else:
            ids = list(holders.values_list("pk", flat=True))
            if ids:
                signers[stage] = ids
    if not signers:  # nobody asked about signs a box (a member's 我的工作台): read no applications
        return []
    waiting = [
        application
        for application in WorkstationApplication.objects.filter(
            status=WorkstationApplication.Status.IN_REVIEW, stage__in=list(signers)
        ).only("pk", "name", "stage", "committee_id", "waiting_since")
        if _date(application.waiting_since + wait) >= today
    ]
    found = []
    for application in waiting:
        holders = signers[application.stage]
        if application.stage == Stage.COMMITTEE_OFFICE:
            holders = holders.get(application.committee_id, [])
        if not holders:
            continue
        arrived = _date(application.waiting_since)
        deadline = Deadline(
            key=f"box:{application.pk}:{application.stage}:{arrived:%Y%m%d}",
            date=_date(application.waiting_since + wait),
            title=f"工作室建立申请“{application.name}”待{Stage(application.stage).label}",
            link=reverse("workstation_application_detail", args=[application.pk]),
        )
        found.append((deadline, sorted(set(holders))))
    return found


def case_step_deadlines(today, users=None, soonest=None):
    """群众诉求件 (the intake issue): each open case's step is due at intake.cases.due_at; whoever holds
    it is reminded: 区政协办公室 for 登记, a submitted reply and 反馈, else the accounts the current
    assignment answers to (intake.rules.accounts_answering, for all cases at once)."""
    from intake import cases as case_rules
    from intake import rules as intake_rules
    from intake.models import Case, CaseAssignment

    from .events import STEP_WORDS

    open_cases = Case.objects.filter(status__in=Case.OPEN)
    narrowed = users is not None and not _with_perm("intake.manage_cases").filter(pk__in=_active_users(users)).exists()
    if narrowed:
        # Accounts that are not 区政协办公室 (我的工作台, a private feed) hold only the cases assigned to
        # them and not at an office step: read those, not every open one.
        mine = Q(pk__in=[])
        for user in _active_users(users):
            mine |= intake_rules.assignments_of(user)
        open_cases = open_cases.filter(assignment__in=CaseAssignment.objects.filter(mine)).exclude(
            case_rules.office_holds()
        )
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    cases = (
        case_rules.with_due(open_cases)
        .filter(due__gte=start_of_today)
        .select_related("assignment__station", "assignment__member", "assignment__committee")
        .order_by("due", "pk")
    )
    if narrowed and soonest is not None:
        # 我的工作台 shows the soonest few: a member holding thousands of cases reads only those.
        cases = cases[:soonest]
    cases = list(cases)
    if not cases:
        return []
    # Who holds each case is read over every active account, then narrowed to `users`: whether a
    # case has a holder with a login (else 区政协办公室 is reminded) must not depend on who asks.
    active = _active_users(None)
    asking = None if users is None else set(_active_users(users).values_list("pk", flat=True))
    office = list(_with_perm("intake.manage_cases").filter(pk__in=active).values_list("pk", flat=True))
    answering = intake_rules.accounts_answering(case.assignment for case in cases if case.assignment_id)
    found = []
    for case in cases:
        by_office = case_rules.held_by_office(case)
        assignment = case.assignment
        if by_office:
            holders = set(office)
            link = reverse("intake_case_modeladmin_inspect", args=[case.pk])
        else:
            holders = set(answering[assignment.pk])
            link = reverse("case_detail", args=[case.number])
        # What the holder must do now (notify_late_cases' words), not the status the case is in:
        # a case in 分办 waits to be accepted (接收), a submitted reply to be reviewed.
        step = "审核答复" if case.reply_state == Case.ReplyState.SUBMITTED else STEP_WORDS.get(case.status, "办理")
        title = f"诉求件 {case.number} {step}时限"
        if not holders and not by_office:
            # Nobody with a login holds it (a station lead without an account, no committee office
            # account): 区政协办公室, who assigned it, is reminded instead, as notify_late_cases does.
            holders = set(office)
            link = reverse("intake_case_modeladmin_inspect", args=[case.pk])
            title += f"（承办：{assignment.assignee_label()}，无可登录的承办人）"
        if asking is not None:
            holders &= asking
        if not holders:
            continue
        deadline = Deadline(
            key=f"case:{case.pk}:{case.status}:{timezone.localtime(case.step_started_at):%Y%m%d%H%M}",
            date=_date(case.due),
            title=title,
            link=link,
        )
        found.append((deadline, sorted(holders)))
    return found


# Every source, in the order 我的工作台 lists them.
SOURCES = [
    filing_deadlines,
    activity_day_reports,
    station_upload_deadlines,
    application_box_deadlines,
    case_step_deadlines,
]


def open_deadlines(today=None, users=None):
    """[(Deadline, [user ids])] over every source."""
    today = today or timezone.localdate()
    found = []
    for source in SOURCES:
        found.extend(source(today, users))
    return found


def deadlines_for(user, today=None, soonest=None):
    """The account's own unmet deadlines, soonest first; with `soonest`, only that many (the case
    source, the one that can hold thousands for one account, then reads only its soonest)."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found = []
    for source in SOURCES:
        found.extend(source(today, [user], soonest) if source is case_step_deadlines else source(today, [user]))
    rows = sorted((deadline for deadline, user_ids in found if user.pk in user_ids), key=lambda d: (d.date, d.key))
    return rows if soonest is None else rows[:soonest]
