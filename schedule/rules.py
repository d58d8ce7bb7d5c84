"""Who plans what in the year's schedule (S000-12, S003-12): 区政协办公室 and 委员联络室 edit every
entry (schedule.edit_all_schedule); a 专委会工作室 edits the entries held by its own committee or by
a sector it contacts (专委会联系界别), and only adds entries held by those bodies. The plan itself is
public: everyone reads every entry (entries_for_public)."""

from django.db.models import Q

from people.services import account_of

from .models import BodyKind, EntryBody, ScheduleEntry, ScheduleImport


class ScheduleError(Exception):
    """A refusal meant for the user, in Chinese."""


def entries_for_public():
    return ScheduleEntry.objects.all()


def edits_all(user):
    return user.is_authenticated and user.has_perm("schedule.edit_all_schedule")


def own_bodies_q(user, prefix=""):
    """The bodies a 专委会工作室 plans for, as a filter on EntryBody (prefix for lookups through entry)."""
    account = account_of(user)
    committee = account.committee
    if committee is None:
        return None
    return Q(**{f"{prefix}kind": BodyKind.COMMITTEE, f"{prefix}committee": committee}) | Q(
        **{f"{prefix}kind": BodyKind.SECTOR, f"{prefix}sector__contact_committee": committee}
    )


def entries_editable_by(user):
    """The entries `user` may change or delete: the admin list, edit and delete all use this."""
    entries = ScheduleEntry.objects.all()
    if not user.is_authenticated or not user.has_perm("schedule.change_scheduleentry"):
        return entries.none()
    if edits_all(user):
        return entries
    scope = own_bodies_q(user)
    if scope is None:
        return entries.none()
    return entries.filter(pk__in=EntryBody.objects.filter(scope).values("entry_id"))


def may_edit(user, entry):
    return entries_editable_by(user).filter(pk=entry.pk).exists()


def bodies_allowed(user, bodies):
    """Refuse bodies a committee office may not plan for; `bodies` are unsaved EntryBody rows."""
    if edits_all(user):
        return
    account = account_of(user)
    committee = account.committee
    for body in bodies:
        own = (body.kind == BodyKind.COMMITTEE and body.committee_id == getattr(committee, "pk", None)) or (
            body.kind == BodyKind.SECTOR
            and committee is not None
            and body.sector is not None
            and body.sector.contact_committee_id == committee.pk
        )
        if not own:
            raise ScheduleError(f"只能安排本专委会及其联系界别的活动，不能安排“{body}”。")
    if not bodies:
        raise ScheduleError("请至少选择一个活动主体。")


def imports_visible_to(user):
    """The 年度活动安排 uploads `user` may read: their own, and every one for the offices that edit the
    whole plan (a committee office's upload may name only its own bodies; another committee's office
    has nothing to read there)."""
    imports = ScheduleImport.objects.all()
    if not user.is_authenticated:
        return imports.none()
    if edits_all(user):
        return imports
    return imports.filter(uploaded_by=user)
