"""The one writer of the year's plan. The admin's form, the xlsx import (schedule/sheets.py) and
the demo all save entries through save_entry() and delete them through delete_entry(), so that
who may plan for which 活动主体 (schedule/rules.py) and the entry's own checks (ScheduleEntry.clean)
hold the same way whichever door a change comes through.

A 专委会工作室 plans for its committee and the sectors it contacts (rules.bodies_allowed). When it
edits an entry it shares with others (seed 002's "提案委、各界别组"), it may add or take away only
its own bodies: the others stay as they are (kept_bodies), and at least one of its own must remain,
or it would lose the entry it is editing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from . import rules
from .models import ROW_FIELDS, EntryBody, ScheduleEntry
from .rules import ScheduleError

# The entry's own fields a caller may set (batch_of included: "add a batch" names its activity).
ENTRY_FIELDS = (
    "year",
    "first_month",
    "last_month",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "content",
    "kind",
    "place",
    "note",
    "batch_of",
    "batch_number",
)
BODY_RELATED = ("committee", "sector__contact_committee", "party", "street_group")


class EntryInvalid(ScheduleError):
    """A refusal about named fields ({field: [message]}; "bodies" for the 活动主体), so that the form
    shows each message beside its field and the import names its column. str() holds them all."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("；".join(message for messages in errors.values() for message in messages))


def body_key(body):
    """What makes two EntryBody rows the same 活动主体: the kind, and the row it names."""
    field = ROW_FIELDS.get(body.kind)
    return (body.kind, getattr(body, f"{field}_id") if field else None)


def plans_for(user, body):
    """Whether `user` may add (or take away) this 活动主体: rules.bodies_allowed, one body at a time."""
    try:
        rules.bodies_allowed(user, [body])
    except ScheduleError:
        return False
    return True


def kept_bodies(user, entry):
    """The bodies of `entry` that `user` may not change: a committee office editing an entry shared
    with other bodies keeps theirs as they are."""
    if entry is None or entry.pk is None or rules.edits_all(user):
        return []
    return [body for body in entry.bodies.select_related(*BODY_RELATED) if not plans_for(user, body)]


def in_plan_year(year, month):
    """A plan's months lie in its year or run on into the next (seed 002's 2017 plan ends with
    "2018年1月")."""
    return month.year in (year, year + 1)


def plan_year_message(year):
    return f"月份应在 {year} 年度内，或延续到 {year + 1} 年（如“{year + 1}年1月”）。"


def save_entry(user, data, bodies, invited=None, *, entry=None):
    """Create (entry=None) or change an entry for `user`, all or nothing: `data` sets the entry's
    fields (ENTRY_FIELDS; those left out keep their value), `bodies` are unsaved EntryBody rows and
    replace the entry's 活动主体, `invited` (Members, or None to leave them) replaces 邀请委员.

    Raises EntryInvalid (fields named) or ScheduleError; nothing is written then."""
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"not fields of an entry: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        if entry is None:
            if not user.has_perm("schedule.add_scheduleentry"):
                raise ScheduleError("您的账号不能添加年度活动安排。")
            entry, before = ScheduleEntry(created_by=user), []
        else:
            entry = _locked(user, entry.pk)
            before = list(entry.bodies.select_related(*BODY_RELATED))
        for name, value in data.items():
            setattr(entry, name, value)
        bodies = _checked_bodies(user, before, bodies)
        _check_months(entry)
        _check_batch(user, entry)
        try:
            entry.full_clean(exclude=["created_by"])
        except ValidationError as exc:
            raise EntryInvalid(exc.message_dict) from None
        entry.save()
        if {body_key(b) for b in before} != {body_key(b) for b in bodies} or len(before) != len(bodies):
            entry.bodies.all().delete()
            EntryBody.objects.bulk_create(_fresh(entry, body) for body in bodies)
        if invited is not None:
            entry.invited.set(invited)
    return entry


def delete_entry(user, entry_id):
    """Delete an entry `user` may edit, with its batches (分批); the last batch gone, its activity
    is no longer 第1批. Returns the deleted entry's text."""
    with transaction.atomic():
        entry = _locked(user, entry_id)
        batches = list(entry.batches.all())
        editable = set(rules.entries_editable_by(user).filter(batch_of=entry).values_list("pk", flat=True))
        for batch in batches:
            if batch.pk not in editable:
                raise ScheduleError(f"不能删除：这项活动的第{batch.batch_number}批不由您的账号安排。")
        label = str(entry)
        parent_id = entry.batch_of_id
        entry.delete()
        if parent_id and not ScheduleEntry.objects.filter(batch_of_id=parent_id).exists():
            ScheduleEntry.objects.filter(pk=parent_id).update(batch_number=None)
    return label


def batch_start(parent):
    """What a new batch of `parent` starts from: the same activity, months, kind, place and bodies
    (the form lets them be changed), and the next 批次."""
    return {
        "year": parent.year,
        "first_month": parent.first_month,
        "last_month": parent.last_month,
        "content": parent.content,
        "kind": parent.kind,
        "place": parent.place,
        "batch_number": next_batch_number(parent),
    }


def next_batch_number(parent):
    taken = parent.batches.aggregate(last=Max("batch_number"))["last"]
    return max(parent.batch_number or 1, taken or 1) + 1


# ---------------------------------------------------------------------------


def _locked(user, entry_id):
    entry = rules.entries_editable_by(user).select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise ScheduleError("这条安排已被删除，或不由您的账号安排。")
    return entry


def _fresh(entry, body):
    field = ROW_FIELDS.get(body.kind)
    row = {field: getattr(body, field)} if field else {}
    return EntryBody(entry=entry, kind=body.kind, **row)


def _checked_bodies(user, before, bodies):
    """The new bodies, each once, after the rights: what is added or taken away must be the user's
    to plan (rules.bodies_allowed), and a committee office keeps at least one of its own."""
    unique = {}
    for body in bodies:
        try:
            body.clean()
        except ValidationError as exc:
            raise EntryInvalid({"bodies": exc.messages}) from None
        unique.setdefault(body_key(body), body)
    if not unique:
        raise EntryInvalid({"bodies": ["请至少选择一个活动主体。"]})
    old = {body_key(body): body for body in before}
    added = [body for key, body in unique.items() if key not in old]
    removed = [body for key, body in old.items() if key not in unique]
    try:
        if added:
            rules.bodies_allowed(user, added)
        if removed:
            rules.bodies_allowed(user, removed)
    except ScheduleError as exc:
        raise EntryInvalid({"bodies": [str(exc)]}) from None
    if not rules.edits_all(user) and not any(plans_for(user, body) for body in unique.values()):
        raise EntryInvalid(
            {"bodies": ["请至少保留一个本专委会或其联系界别的活动主体，否则保存后将无法再修改这条安排。"]}
        )
    return list(unique.values())


def _check_months(entry):
    if entry.year and entry.first_month and entry.last_month:
        if not (in_plan_year(entry.year, entry.first_month) and in_plan_year(entry.year, entry.last_month)):
            raise EntryInvalid({"first_month": [plan_year_message(entry.year)]})


def _check_batch(user, entry):
    """分批 (S000-4): a batch belongs to an activity the user may edit, in the same year, that is not
    itself a batch; its 批次 is the next free one unless given, and its activity becomes 第1批."""
    if not entry.batch_of_id:
        return
    parent = rules.entries_editable_by(user).select_for_update().filter(pk=entry.batch_of_id).first()
    if parent is None:
        raise EntryInvalid({"batch_of": ["所属活动已被删除，或不由您的账号安排。"]})
    if parent.batch_of_id:
        raise EntryInvalid({"batch_of": ["批次不能再分批：请从所属活动添加批次。"]})
    if entry.pk and entry.batches.exists():
        raise EntryInvalid({"batch_of": ["这项活动已分批，不能再设为其他活动的批次。"]})
    if parent.year != entry.year:
        raise EntryInvalid({"year": [f"批次应与所属活动在同一年度（{parent.year} 年）。"]})
    if parent.batch_number is None:
        parent.batch_number = 1
        parent.save(update_fields=["batch_number", "updated_at"])
    if entry.batch_number is None:
        entry.batch_number = next_batch_number(parent)
    taken = parent.batches.exclude(pk=entry.pk).filter(batch_number=entry.batch_number).exists()
    if taken or entry.batch_number == parent.batch_number:
        raise EntryInvalid({"batch_number": [f"第{entry.batch_number}批已有，请换一个批次。"]})
