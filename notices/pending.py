"""待我处理: what waits for an account now, each with the count and the list that shows exactly those
items. One small function per source, each asking that feature's own rules (never a copy of them):
the admin dashboard panel (notices/panels.py) and 我的工作台 (notices/my_views.py) both show this.

Counts only: each source runs a few COUNT queries whatever the number of open items."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from forms_app.activity_day import rules as activity_day
from forms_app.activity_day.models import ActivityDay, ActivityReport
from forms_app.five_ones import rules as five_ones
from forms_app.founding import rules as founding
from forms_app.models import WorkstationApplication
from intake import cases
from intake import rules as intake
from intake.case_admin_views import may_list_cases
from intake.models import Case, CaseAssignment


@dataclass(frozen=True)
class Pending:
    source: str  # the feature: five_ones, founding, activity_day, intake, returned
    label: str
    count: int
    url: str
    note: str = ""


def _admin_index(model_label):
    return reverse(f"{model_label}_modeladmin_index")


def five_ones_pending(user, today=None):
    """备案表 this office may 接收, 转交 or 存档 now (five_ones.filings_awaiting, the bulk allowed_actions)."""
    if not user.has_perm("wagtailadmin.access_admin"):
        return []
    items = []
    for action, label in five_ones.AWAITING.items():
        count = five_ones.filings_awaiting(user, action).count()
        if count:
            url = f"{_admin_index('forms_app_fiveonesfiling')}?awaiting={action.value}"
            items.append(Pending("five_ones", f"备案表{label}", count, url))
    return items


def founding_pending(user, today=None):
    """申请表 waiting at a box this account signs, with the longest wait (founding.waited)."""
    to_sign = founding.applications_to_sign(user)
    oldest = to_sign.only("status", "waiting_since").order_by("waiting_since", "pk").first()
    if oldest is None:
        return []
    count = to_sign.count()
    waited = founding.waited_words(oldest)
    url = f"{_admin_index('forms_app_workstationapplication')}?to_sign=1"
    return [Pending("founding", "工作室申请待签署", count, url, note=f"最长已等待 {waited}")]


def activity_day_pending(user, today=None):
    """统计表 the account's units have not reported for the days still open (activity_day.units_for, is_open)."""
    today = today or timezone.localdate()
    units = activity_day.units_for(user)
    unit_ids = set(units.values_list("pk", flat=True))
    if not unit_ids:
        return []
    missing = 0
    days = ActivityDay.objects.filter(units__in=unit_ids, deadline__gte=today).distinct()
    for day in days:
        if not activity_day.is_open(day, today):
            continue
        day_units = set(day.units.filter(pk__in=unit_ids).values_list("pk", flat=True))
        reported = set(ActivityReport.objects.filter(day=day, unit__in=day_units).values_list("unit_id", flat=True))
        missing += len(day_units - reported)
    if not missing:
        return []
    return [Pending("activity_day", "委员活动日统计表未报", missing, reverse("activity_day_home"))]


def activity_day_rollup_pending(user, today=None):
    """For the office that rolls the day up: units that have not reported, per day still open (roll_up's 未报)."""
    if not user.has_perm("forms_app.roll_up_activity_day"):
        return []
    today = today or timezone.localdate()
    items = []
    for day in ActivityDay.objects.filter(deadline__gte=today).order_by("deadline"):
        if not activity_day.is_open(day, today):
            continue
        missing = day.units.exclude(pk__in=day.reports.values("unit_id")).count()
        if missing:
            url = reverse("activity_day_rollup", args=[day.pk])
            items.append(
                Pending("activity_day", f"{day.name}：未报单位", missing, url, note=f"{day.deadline:%m月%d日}截止")
            )
    return items


def intake_pending(user, today=None):
    """诉求件: 待分办 for 区政协办公室, 待办理 for whoever holds them (intake.holds, in bulk), 逾期."""
    items = []
    if intake.is_registrar(user):
        count = intake.cases_visible_to(user).filter(status=Case.Status.REGISTERED).count()
        if count:
            url = f"{_admin_index('intake_case')}?status__exact={Case.Status.REGISTERED}"
            items.append(Pending("intake", "诉求件待分办", count, url))
    held = _held_cases(user).filter(status__in=(Case.Status.ASSIGNED, Case.Status.HANDLING))
    count = held.count()
    if count:
        items.append(Pending("intake", "诉求件待办理", count, reverse("cases_home")))
    if may_list_cases(user):
        late = cases.overdue(cases=intake.cases_visible_to(user)).count()
        if late:
            items.append(Pending("intake", "诉求件逾期", late, reverse("intake_overdue")))
    elif count:
        late = cases.overdue(cases=held).count()
        if late:
            items.append(Pending("intake", "诉求件逾期", late, reverse("cases_home")))
    return items


def _held_cases(user):
    """intake.holds for every case at once: those whose current assignment is this account's."""
    if not user.has_perm("intake.handle_cases"):
        return Case.objects.none()
    return Case.objects.filter(assignment__in=CaseAssignment.objects.filter(intake.assignments_of(user)))


def returned_pending(user, today=None):
    """A front-end account's own 备案表 and 申请表 returned for changes: one item each, to the page that fixes it."""
    items = []
    if five_ones.is_filer(user):
        returned = five_ones.filings_visible_to(user).filter(status=five_ones.Status.RETURNED)
        for filing in returned:
            if five_ones.files_for(user, filing):
                url = f"{reverse('five_ones_wizard')}?year={filing.year}"
                items.append(Pending("returned", f"{filing.year} 年备案表已退回，请修改后重新提交", 1, url))
    applications = WorkstationApplication.objects.filter(applicant=user, status=WorkstationApplication.Status.RETURNED)
    for application in applications:
        url = f"{reverse('workstation_application_wizard')}?application={application.pk}"
        items.append(Pending("returned", f"工作室申请“{application.name}”已退回，请修改后重新提交", 1, url))
    return items


SOURCES = [
    five_ones_pending,
    founding_pending,
    activity_day_pending,
    activity_day_rollup_pending,
    intake_pending,
    returned_pending,
]


def pending_for(user, today=None):
    """Everything waiting for the account now, [Pending], in the order of SOURCES."""
    if not (user.is_authenticated and user.is_active):
        return []
    items = []
    for source in SOURCES:
        items.extend(source(user, today))
    return items
