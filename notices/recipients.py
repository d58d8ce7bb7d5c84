"""Who is told about each event: one function per event, each answering with the accounts (or, for
a citizen, the address) that must act next or learn the outcome.

Each function takes the accounts that could possibly be concerned (the holders of a role's
permission, the people named on the row) and then asks the feature's own rule who may act now
(five_ones.allowed_actions, founding.can_sign, activity_day.units_for, intake.rules.assignments_of),
so a route or a scope is decided in its rules module and nowhere here. Superusers are never
candidates: they may do everything, but nothing waits for them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from forms_app.activity_day import rules as activity_day
from forms_app.five_ones import rules as five_ones
from forms_app.founding import rules as founding
from intake import cases as intake_cases
from intake import rules as intake
from people import roles


def holders(*permissions):
    """Active accounts granted any of `permissions` ("app_label.codename") by a group or directly."""
    wanted = Q(pk__in=[])
    for permission in permissions:
        app_label, codename = permission.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    granted = Permission.objects.filter(wanted)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=granted) | Q(user_permissions__in=granted))
        .distinct()
        .order_by("pk")
    )


def in_role(name):
    """Active accounts in the role (people/roles.py) called `name`."""
    return get_user_model().objects.filter(is_active=True, groups__name=name).distinct().order_by("pk")


def _active(users):
    return [user for user in users if user is not None and user.is_active]


# --- 五个一备案表


def filing_offices(filing):
    """The office accounts that may act on the filing now (submitted, resubmitted or forwarded): the
    contact 专委会工作室's, or 专委会工作六室's, as five_ones.allowed_actions decides."""
    candidates = holders("forms_app.receive_filing", "forms_app.archive_filing")
    return [user for user in candidates if five_ones.allowed_actions(user, filing)]


def filing_filer(filing):
    """Whoever submitted the filing: told when it is returned or archived."""
    return _active([filing.submitted_by])


# --- 工作室建立申请


def application_signers(application):
    """Everyone who may sign the box the application has reached: the accounts holding that box's
    permission for whom founding.can_sign holds."""
    stage = application.waiting_at
    if stage is None or stage not in founding.STAGE_PERMISSIONS:
        return []
    return [user for user in holders(founding.STAGE_PERMISSIONS[stage]) if founding.can_sign(user, application)]


def application_applicant(application):
    """The applicant: told when the application is returned, or approved and named."""
    return _active([application.applicant])


# --- 委员活动日


def activity_day_reporters(day):
    """The accounts that report for one of the day's units (activity_day.units_for): each unit's
    `reporters` and the 专委会工作室 of a committee-variant unit's committee."""
    units = list(day.units.all())
    if not units:
        return []
    unit_ids = [unit.pk for unit in units]
    committee_ids = sorted({unit.committee_id for unit in units if unit.committee_id})
    User = get_user_model()
    candidates = User.objects.filter(is_active=True).filter(
        Q(reporting_units__in=unit_ids)
        | Q(pk__in=holders("forms_app.add_activityreport").filter(profile__committee__in=committee_ids).values("pk"))
    )
    return [
        user
        for user in candidates.distinct().order_by("pk")
        if activity_day.units_for(user).filter(pk__in=unit_ids).exists()
    ]


def activity_day_organisers(day):
    """The organising office (委员联络室): those who roll the day's tables up."""
    return list(holders("forms_app.roll_up_activity_day"))


# --- 群众诉求件


def registrars():
    """区政协办公室: registers, assigns, reviews replies (intake.rules.is_registrar)."""
    return [user for user in holders("intake.manage_cases") if intake.is_registrar(user)]


def assignees(assignment):
    """The accounts that answer for `assignment` (intake.rules.accounts_answering): the member's, the
    station lead's and its committee office's, or the office's."""
    if assignment is None:
        return []
    ids = intake.accounts_answering([assignment])[assignment.pk]
    return list(get_user_model().objects.filter(pk__in=ids).order_by("pk"))


def case_assigned(case):
    """The new assignee (also after 改派)."""
    return assignees(case.assignment)


def case_holders(case):
    """Whoever must act on the case now (intake.cases.holder_label): 区政协办公室 for 登记, a submitted
    reply and 反馈, else the current assignee."""
    if intake_cases.held_by_office(case):
        return registrars()
    return assignees(case.assignment)


def citizen_address(case):
    """The citizen's email, if they left one: told only that the reply is approved."""
    return case.email or ""


# --- 主席会议


def chairs_meeting():
    return list(in_role(roles.CHAIRS_MEETING))
