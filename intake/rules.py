"""Who sees and handles which case, and who reads a citizen's personal data: the selectors every
view, admin list, inspect page, export and command of the intake app calls (STYLE.md convention
3), and the domain error.

- 区政协办公室 (intake.manage_cases) registers, assigns, approves replies and closes every case,
  and reads the citizen's name, phone, email and address (intake.view_personal_data);
- 研究室 (intake.view_all_cases) reads every case without personal data and draws leads;
- an assignee handles what was given to it: a member (Profile.member), a workstation (its lead
  member; the 专委会工作室 of its 对口委室), an office (委员联络室, 研究室, a 专委会工作室 by its
  Profile.committee). Current and past assignees read the case with personal data;
- a 联系点联络员 logs the visits at their own 联系点; the members on duty at a 接待日 log its visits.
"""

from django.db.models import Q

from lianxin_site.errors import DomainError
from people import roles
from people.services import account_of

from .models import HIDDEN, Case, CaseAssignment, ContactPoint, ReceptionDay

NOT_YOURS = "该诉求件不在您这里办理"


class IntakeError(DomainError):
    """A refusal in the intake app; the message is for the user."""


class NotYours(IntakeError):
    """The case is not held by this account (a 403)."""

    def __init__(self, message=NOT_YOURS):
        super().__init__(message)


def _active(user):
    return user.is_authenticated and user.is_active


def is_registrar(user):
    """区政协办公室: registers, assigns, approves and closes."""
    return _active(user) and user.has_perm("intake.manage_cases")


def reads_all_cases(user):
    return _active(user) and (user.has_perm("intake.manage_cases") or user.has_perm("intake.view_all_cases"))


def assignments_of(user):
    """A filter on CaseAssignment: the assignments this account answers for (whatever their state)."""
    if not _active(user):
        return Q(pk__in=[])
    account = account_of(user)
    scope = Q(pk__in=[])
    if account.member is not None and user.has_perm("intake.handle_cases"):
        scope |= Q(member=account.member) | Q(station__lead_member=account.member)
    group_names = account.roles
    for office in (CaseAssignment.Office.LIAISON, CaseAssignment.Office.RESEARCH):
        if office.value in group_names:
            scope |= Q(office=office.value)
    if roles.COMMITTEE_OFFICE in group_names and account.committee is not None:
        scope |= Q(office=CaseAssignment.Office.COMMITTEE, committee=account.committee)
        scope |= Q(station__committee=account.committee)
    return scope


def accounts_answering(assignments):
    """{assignment pk: set of active user ids}: assignments_of read the other way round, for many
    assignments at once (who is told of a case or reminded of its step). A member's account (with
    intake.handle_cases); a station's lead member's account and the 专委会工作室 of its 对口委室; an
    office's staff (委员联络室, 研究室, or the 专委会工作室 of the committee named). Three queries,
    whatever the number of assignments; tests/test_notices_sources.py checks it against assignments_of."""
    from django.contrib.auth import get_user_model

    assignments = list(assignments)
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    handler_of_member = dict(
        User.objects.with_perm("intake.handle_cases", backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_active=True, profile__member__isnull=False)
        .values_list("profile__member_id", "pk")
    )
    office_staff, committee_staff = {}, {}
    offices = [CaseAssignment.Office.LIAISON.value, CaseAssignment.Office.RESEARCH.value, roles.COMMITTEE_OFFICE]
    for user_id, group, committee_id in users.filter(groups__name__in=offices).values_list(
        "pk", "groups__name", "profile__committee_id"
    ):
        if group == roles.COMMITTEE_OFFICE:
            if committee_id:
                committee_staff.setdefault(committee_id, set()).add(user_id)
        else:
            office_staff.setdefault(group, set()).add(user_id)
    found = {}
    for assignment in assignments:
        ids = set()
        if assignment.member_id:
            ids.add(handler_of_member.get(assignment.member_id))
        if assignment.station_id:
            ids.add(handler_of_member.get(assignment.station.lead_member_id))
            ids |= committee_staff.get(assignment.station.committee_id, set())
        if assignment.office == CaseAssignment.Office.COMMITTEE:
            ids |= committee_staff.get(assignment.committee_id, set())
        elif assignment.office:
            ids |= office_staff.get(assignment.office, set())
        ids.discard(None)
        found[assignment.pk] = ids
    return found


def holds(user, case):
    """Whether this account holds the case now: the current assignment is theirs."""
    if case.assignment_id is None or not _active(user):
        return False
    return CaseAssignment.objects.filter(assignments_of(user), pk=case.assignment_id).exists()


def cases_handled_by(user):
    """The cases ever assigned to this account (current and past), for /forms/cases/."""
    ids = CaseAssignment.objects.filter(assignments_of(user)).values("case_id")
    return Case.objects.filter(pk__in=ids)


def cases_visible_to(user):
    """Every case list, inspect page and export starts here."""
    if reads_all_cases(user):
        return Case.objects.all()
    return cases_handled_by(user)


def may_see_personal(user, case):
    """区政协办公室, and the current and past assignees of this case."""
    if not _active(user):
        return False
    if user.has_perm("intake.view_personal_data"):
        return True
    return CaseAssignment.objects.filter(assignments_of(user), case=case).exists()


def shown(user, case, field):
    """The citizen's `field` (name, phone, email, address) as this user may read it."""
    value = getattr(case, field)
    if not value:
        return value
    return value if may_see_personal(user, case) else HIDDEN


def require_holder(user, case):
    if not holds(user, case):
        raise NotYours()


def require_registrar(user):
    if not is_registrar(user):
        raise NotYours("只有区政协办公室可以进行此操作")


# --- 接待日 and 联系点


def stations_managed_by(user):
    """The workstations whose 接待日 an account arranges: all for 区政协办公室, its committee's
    stations for a 专委会工作室."""
    from content.models import WorkstationPage

    stations = WorkstationPage.objects.all().order_by("title")
    if not _active(user):
        return stations.none()
    if user.has_perm("intake.manage_cases"):
        return stations
    account = account_of(user)
    if roles.COMMITTEE_OFFICE in account.roles and account.committee is not None:
        return stations.filter(committee=account.committee)
    return stations.none()


def reception_days_managed_by(user):
    """The 接待日 an account may arrange: those of stations_managed_by(user)."""
    if not _active(user):
        return ReceptionDay.objects.none()
    if user.has_perm("intake.manage_cases"):
        return ReceptionDay.objects.all()
    return ReceptionDay.objects.filter(station__in=stations_managed_by(user).values("pk"))


def reception_days_on_duty(user):
    """The 接待日 where this account's member is on duty: they log its visits."""
    if not _active(user):
        return ReceptionDay.objects.none()
    member = account_of(user).member
    if member is None:
        return ReceptionDay.objects.none()
    return ReceptionDay.objects.filter(on_duty=member)


def contact_points_of(user):
    """The 联系点 an account logs visits at: its own as 联络员, all for 区政协办公室."""
    if not _active(user):
        return ContactPoint.objects.none()
    if user.has_perm("intake.manage_cases"):
        return ContactPoint.objects.all()
    return ContactPoint.objects.filter(liaisons=user)


def may_log_visit(user, *, day=None, point=None):
    if day is not None:
        return reception_days_on_duty(user).filter(pk=day.pk).exists() or is_registrar(user)
    if point is not None:
        return contact_points_of(user).filter(pk=point.pk).exists()
    return False
