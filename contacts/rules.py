"""The rules of 三联系, once: who sees and logs what, what a contact entry must hold, the pairing
rules, and the lock that the issued half-year report puts on its half. The member's front end,
the admin, the imports and the report all call these; a write locks what it changes, checks
again under the lock and raises a ContactError whose message is for the user.

Sections (each owned by one part of the app; add to your own):
  # --- core          scope, quotas, the half-year lock, contact entries
  # --- pairings      designations, pairing checks, copy-year, 按专委会建议, pairing import
  # --- reports       issuing the half-year report
"""

import contextlib
import contextvars
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lianxin_site.db import locked_row
from lianxin_site.errors import DomainError
from people.models import Member
from people.services import account_of, members_visible_to

from .models import (
    ContactActivity,
    ContactQuota,
    ContactTarget,
    HalfYearReport,
    PairingKind,
    Source,
    TargetCategory,
    Way,
    half_of,
)

VIEW = "contacts.view_contactactivity"
VIEW_ALL = "contacts.view_all_contacts"
IMPORT = "contacts.import_contacts"
MANAGE_PAIRINGS = "contacts.manage_pairings"
ISSUE_REPORTS = "contacts.issue_reports"

NOTE_MAX = ContactActivity._meta.get_field("note").max_length
TARGET_NAME_MAX = ContactTarget._meta.get_field("name").max_length


class ContactError(DomainError):
    """A refusal. `errors` maps a field name (date, way, whom, note, …; "" for the whole entry)
    to its messages, so a form shows each beside its field; str() is every message in one line."""

    def __init__(self, errors):
        if isinstance(errors, str):
            errors = {"": [errors]}
        self.errors = {name: list(messages) for name, messages in errors.items() if messages}
        super().__init__("；".join(m for messages in self.errors.values() for m in messages))


class Refused(ContactError):
    """Not this user's to do (a view answers 404 or 403)."""


# --- core ------------------------------------------------------------------------------------


def member_of(user):
    """The roster member behind an account (委员, 界别组长), or None: who may log contacts."""
    if not user.is_authenticated or not user.is_active:
        return None
    return account_of(user).member


def office_members(user):
    """The members whose contacts an office reads: all for the roster-wide roles (VIEW_ALL), a
    committee office's scope (members_visible_to) for offices with VIEW, nobody else."""
    if not user.is_authenticated or not user.is_active:
        return Member.objects.none()
    if user.has_perm(VIEW_ALL):
        return Member.objects.all()
    if user.has_perm(VIEW) or user.has_perm(IMPORT):
        return members_visible_to(user)
    return Member.objects.none()


def activities_visible_to(user):
    """The contact entries a user may read: an office's, whose maker or contacted member is in
    its scope (or that its committee logged); a member's own (as a maker). The admin list, the
    exports, the dashboard and the front end all start from here."""
    activities = ContactActivity.objects.all()
    if not user.is_authenticated or not user.is_active:
        return activities.none()
    if user.has_perm(VIEW_ALL):
        return activities
    if user.has_perm(VIEW) or user.has_perm(IMPORT):
        scope = members_visible_to(user)
        committee = account_of(user).committee
        in_scope = Q(makers__in=scope) | Q(contacted_members__in=scope)
        if committee:
            in_scope |= Q(committee=committee)
        return activities.filter(pk__in=activities.filter(in_scope).values("pk"))
    member = member_of(user)
    if member is None:
        return activities.none()
    return activities.filter(
        pk__in=ContactActivity.makers.through.objects.filter(member=member).values("contactactivity_id")
    )


def targets_visible_to(user):
    """The units and citizens a user may read: the member's own; an office's members'."""
    targets = ContactTarget.objects.all()
    member = member_of(user)
    scope = office_members(user)
    if member is not None and not (user.has_perm(VIEW) or user.has_perm(IMPORT) or user.has_perm(VIEW_ALL)):
        return targets.filter(member=member)
    return targets.filter(member__in=scope)


def quota_for(year):
    """The year's quotas (the defaults for a year without a row)."""
    return ContactQuota.for_year(year)


def issued_report(date):
    """The issued half-year report that covers `date`, or None."""
    return HalfYearReport.objects.filter(year=date.year, half=half_of(date), issued_at__isnull=False).first()


def locked_text(date):
    half = "上半年" if half_of(date) == 1 else "下半年"
    return f"{date.year}年{half}的“三联系”报告已出具，这半年的联系记录已锁定，不能再记录、修改或删除"


def refuse_if_locked(date, field="date"):
    if issued_report(date) is not None:
        raise ContactError({field: [f"「日期」：{locked_text(date)}"]})


# Private numbers of the public never go into a note: mainland mobiles and 18-digit id numbers,
# full-width digits and separators included.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)", re.IGNORECASE)
NOTE_PRIVATE = "「备注」：请勿填写群众的手机号或身份证号"


def has_private_numbers(text):
    plain = re.sub(r"[\s\-－—]", "", unicodedata.normalize("NFKC", text or ""))
    return bool(_MOBILE.search(plain) or _ID_NUMBER.search(plain))


@dataclass
class Entry:
    """What a contact entry holds, before it is saved: the front end's form, the office's admin
    form and each import row fill one in and hand it to check_entry/save_entry.

    `targets` are ContactTargets or (category, name) pairs for new ones, owned by the first maker."""

    date: object
    way: str
    makers: list = field(default_factory=list)
    contacted: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    street_group: object = None
    committee: object = None
    is_forum: bool = False
    note: str = ""
    source: str = Source.MEMBER

    def target_keys(self):
        keys = []
        for target in self.targets:
            if isinstance(target, ContactTarget):
                keys.append((target.category, target.name))
            else:
                keys.append((target[0], target[1].strip()))
        return sorted(set(keys))


def fingerprint(entry):
    """The entry's identity (date, makers, way, whom): equal entries are the same contact."""
    parts = [
        entry.date.isoformat(),
        entry.way,
        ",".join(sorted(m.code for m in entry.makers)),
        ",".join(sorted(m.code for m in entry.contacted)),
        ",".join(f"{c}:{n}" for c, n in entry.target_keys()),
        str(entry.street_group.pk if entry.street_group else ""),
        str(entry.committee.pk if entry.committee else ""),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


WAY_TEXT = "「方式」：应为走访、电话、微信或座谈"
WHOM_TEXT = "「联系对象」：请至少选择一位委员、一个联系对象或一个街道活动小组"


def standing_partners(member, year):
    """The members a 常委 is paired with (常委联系委员) in a year."""
    return Member.objects.filter(
        pairings_received__year=year,
        pairings_received__kind=PairingKind.STANDING,
        pairings_received__from_member=member,
    )


def check_entry(entry, today=None):
    """Every problem with an entry, by field (nothing is written). Used by the front end, the
    admin and each import row."""
    today = today or timezone.localdate()
    errors = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if entry.date is None:
        add("date", "「日期」：请填写日期")
    elif entry.date > today:
        add("date", "「日期」：不能晚于今天")
    elif issued_report(entry.date) is not None:
        add("date", f"「日期」：{locked_text(entry.date)}")
    if entry.way not in Way.values:
        add("way", WAY_TEXT)
    if not (entry.contacted or entry.targets or entry.street_group):
        add("whom", WHOM_TEXT)
    maker_codes = {m.code for m in entry.makers}
    for member in entry.contacted:
        if member.code in maker_codes:
            add("whom", f"「联系对象」：{member} 是联系人本人，不能联系自己")
    if entry.targets and not entry.makers:
        add("whom", "「联系对象」：没有联系人的记录（专委会走访）只能记被走访的委员")
    for category, name in entry.target_keys():
        if category not in TargetCategory.values:
            add("whom", "「联系对象类别」：应为企事业单位、村（社区）、界别群众、社会群众或帮扶对象")
        if not name:
            add("whom", "「联系对象」：请填写联系对象的名称，如“某某公司”“王女士”")
        elif len(name) > TARGET_NAME_MAX:
            add("whom", f"「联系对象」：名称不能超过 {TARGET_NAME_MAX} 个字")
        elif has_private_numbers(name):
            add("whom", "「联系对象」：请勿填写群众的手机号或身份证号")
    if not entry.makers and not entry.committee:
        add("makers", "「联系人」：请填写联系人委员，或填写组织走访的专委会")
    if len(entry.note or "") > NOTE_MAX:
        add("note", f"「备注」：不能超过 {NOTE_MAX} 个字")
    if has_private_numbers(entry.note):
        add("note", NOTE_PRIVATE)
    if entry.is_forum:
        add_forum_errors(entry, add)
    return errors


def add_forum_errors(entry, add):
    """A 集体座谈会: one 常委 calling two or more of the members paired with them, by 座谈."""
    if entry.way != Way.FORUM:
        add("is_forum", "「集体座谈会」：方式应为座谈")
    if len(entry.makers) != 1 or not entry.makers[0].is_standing:
        add("is_forum", "「集体座谈会」：应由一位常委召集")
        return
    if entry.date is None:
        return
    paired = set(standing_partners(entry.makers[0], entry.date.year).values_list("code", flat=True))
    came = [m for m in entry.contacted if m.code in paired]
    if len(came) < 2:
        add("is_forum", "「集体座谈会」：应有至少两位该常委联系的委员参加")


def _targets_for(entry):
    owner = entry.makers[0] if entry.makers else None
    result = []
    for target in entry.targets:
        if isinstance(target, ContactTarget):
            result.append(target)
            continue
        category, name = target[0], target[1].strip()
        found, _ = ContactTarget.objects.get_or_create(member=owner, category=category, name=name)
        result.append(found)
    return result


def save_entry(entry, user, instance=None, import_record=None, today=None):
    """Write one contact entry (a new one, or `instance` changed), after check_entry; an entry in
    a half whose report is issued, before or after the change, is refused. Returns the entry."""
    errors = check_entry(entry, today=today)
    if errors:
        raise ContactError(errors)
    with transaction.atomic():
        if instance is not None:
            instance = locked_row(ContactActivity.objects.all(), pk=instance.pk)
            refuse_if_locked(instance.date)
        else:
            instance = ContactActivity(created_by=user if user and user.is_authenticated else None)
        # Checked again inside the transaction: a report issued a moment ago locks the half.
        refuse_if_locked(entry.date)
        instance.date = entry.date
        instance.way = entry.way
        instance.street_group = entry.street_group
        instance.committee = entry.committee
        instance.is_forum = entry.is_forum
        instance.note = entry.note or ""
        instance.source = entry.source
        instance.fingerprint = fingerprint(entry)
        if import_record is not None:
            instance.import_record = import_record
        instance.save()
        instance.makers.set(entry.makers)
        instance.contacted_members.set(entry.contacted)
        instance.targets.set(_targets_for(entry))
    return instance


def may_change(user, activity):
    """Whether a user may edit or delete an entry (the half-year lock aside): a member their own
    front-end entries; an office what it may read, except members' own entries."""
    if not user.is_authenticated or not user.is_active:
        return False
    if activity.source == Source.MEMBER:
        return activity.created_by_id == user.pk and member_of(user) is not None
    return (user.has_perm(IMPORT) or user.has_perm(MANAGE_PAIRINGS)) and activities_visible_to(user).filter(
        pk=activity.pk
    ).exists()


def delete_entry(pk, user):
    """Delete an entry the user may change, unless its half is locked."""
    with transaction.atomic():
        try:
            activity = locked_row(ContactActivity.objects.all(), pk=pk)
        except ContactActivity.DoesNotExist:
            raise ContactError("这条联系记录已被删除。") from None
        if not may_change(user, activity):
            raise Refused("不能删除这条联系记录。")
        refuse_if_locked(activity.date)
        activity.delete()


def save_target(member, category, name):
    """A member's new saved target (or the existing one of that name and category)."""
    name = (name or "").strip()
    problems = check_entry(Entry(date=None, way=Way.VISIT, makers=[member], targets=[(category, name)]))
    whom = problems.get("whom", [])
    if whom:
        raise ContactError({"whom": whom})
    try:
        with transaction.atomic():
            return ContactTarget.objects.get_or_create(member=member, category=category, name=name)[0]
    except IntegrityError:
        return ContactTarget.objects.get(member=member, category=category, name=name)


# --- pairings ---------------------------------------------------------------------------------


# --- reports ----------------------------------------------------------------------------------


# --- import (c-entries) -----------------------------------------------------------------------
#
# An import checks thousands of rows with check_entry, each asking issued_report(date): one query
# a row. Inside `halves_read_once()` the answer is read once per half year and kept for the rest
# of the import (in a context variable: other requests and threads still ask the database).

_issued_halves = contextvars.ContextVar("contacts_issued_halves", default=None)
_issued_report_of = issued_report


def issued_report(date):  # noqa: F811  (the same answer, kept per half during an import)
    """The issued half-year report that covers `date`, or None."""
    known = _issued_halves.get()
    if known is None:
        return _issued_report_of(date)
    key = (date.year, half_of(date))
    if key not in known:
        known[key] = _issued_report_of(date)
    return known[key]


@contextlib.contextmanager
def halves_read_once(known=None):
    """Within the block, issued_report reads each half once (`known` seeds {(year, half): report
    or None}, e.g. from rows just locked)."""
    token = _issued_halves.set(dict(known or {}))
    try:
        yield
    finally:
        _issued_halves.reset(token)


def stored_fingerprints(fingerprints):
    """Which of `fingerprints` a stored entry has already (an import's 已存在)."""
    fingerprints, found = sorted(set(fingerprints)), set()
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start : start + 500]
        found.update(ContactActivity.objects.filter(fingerprint__in=chunk).values_list("fingerprint", flat=True))
    return found


def _import_targets(entries):
    """The ContactTargets of many entries at once: (category, name) pairs become the first maker's
    targets, found or created with one read and one insert (save_entry does this row by row)."""
    wanted = {
        (entry.makers[0].pk, target[0], target[1].strip())
        for entry in entries
        if entry.makers
        for target in entry.targets
        if not isinstance(target, ContactTarget)
    }
    owners = sorted({owner for owner, _category, _name in wanted})

    def stored():
        found = {}
        for start in range(0, len(owners), 500):
            for target in ContactTarget.objects.filter(member_id__in=owners[start : start + 500]):
                found[(target.member_id, target.category, target.name)] = target
        return found

    found = stored()
    missing = [ContactTarget(member_id=o, category=c, name=n) for o, c, n in sorted(wanted - found.keys())]
    if missing:
        ContactTarget.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
        found = stored()
    return found


def save_entries(entries, user, import_record=None, today=None):
    """Write many new entries in one transaction (确认导入 of 导入联系记录), all or nothing. Each is
    checked by check_entry again; the half-year reports of their halves are locked and read again,
    so a report issued meanwhile refuses the whole file; an entry whose fingerprint is stored
    already (the same file confirmed twice, two uploads of the same rows) is skipped, as is a
    repeat within `entries`. Raises ContactError({str(index): messages}) naming each refused entry.
    Returns the number of entries written. The ledger hears of them through records_changed."""
    from lianxin_site.db import bulk_insert, locked
    from lianxin_site.signals import records_changed

    problems = {}
    with transaction.atomic():
        # The halves' reports are locked first: a report issued meanwhile refuses the file, one
        # being issued waits for the import.
        years = sorted({entry.date.year for entry in entries if entry.date})
        known = {(year, half): None for year in years for half in (1, 2)}
        for report in locked(HalfYearReport.objects.filter(year__in=years)):
            known[(report.year, report.half)] = report if report.issued_at is not None else None
        with halves_read_once(known):
            for index, entry in enumerate(entries):
                errors = check_entry(entry, today=today)
                if errors:
                    problems[str(index)] = [m for messages in errors.values() for m in messages]
        if problems:
            raise ContactError(problems)
        prints = [fingerprint(entry) for entry in entries]
        seen = stored_fingerprints(prints)
        todo = []
        for entry, print_ in zip(entries, prints, strict=True):
            if print_ not in seen:
                seen.add(print_)
                todo.append((entry, print_))
        if not todo:
            return 0
        targets = _import_targets([entry for entry, _print in todo])
        creator = user.pk if user is not None and user.is_authenticated else None
        pks = bulk_insert(
            ContactActivity,
            [
                {
                    "date": entry.date,
                    "way": entry.way,
                    "street_group_id": entry.street_group.pk if entry.street_group else None,
                    "committee_id": entry.committee.pk if entry.committee else None,
                    "is_forum": entry.is_forum,
                    "note": entry.note or "",
                    "source": entry.source,
                    "fingerprint": print_,
                    "import_record_id": import_record.pk if import_record is not None else None,
                    "created_by_id": creator,
                }
                for entry, print_ in todo
            ],
            returning=True,
        )
        makers, contacted, reached = [], [], []
        for pk, (entry, _print) in zip(pks, todo, strict=True):
            makers += [{"contactactivity_id": pk, "member_id": m.pk} for m in {m.pk: m for m in entry.makers}.values()]
            contacted += [{"contactactivity_id": pk, "member_id": m} for m in sorted({m.pk for m in entry.contacted})]
            owner = entry.makers[0].pk if entry.makers else None
            ids = {
                t.pk if isinstance(t, ContactTarget) else targets[(owner, t[0], t[1].strip())].pk for t in entry.targets
            }
            reached += [{"contactactivity_id": pk, "contacttarget_id": t} for t in sorted(ids)]
        bulk_insert(ContactActivity.makers.through, makers)
        bulk_insert(ContactActivity.contacted_members.through, contacted)
        bulk_insert(ContactActivity.targets.through, reached)
        records_changed.send(sender=ContactActivity, years=sorted({entry.date.year for entry, _print in todo}))
    return len(todo)


def imports_visible_to(user):
    """The kept 联系记录 uploads a user may open, with their files: the roster-wide offices
    (VIEW_ALL) all; a 专委会工作室 those uploaded by anyone of its own committee; everyone else only
    their own. Only those who may import see any."""
    from .models import ContactImport

    uploads = ContactImport.objects.filter(kind=ContactImport.Kind.ACTIVITIES)
    if not user.is_authenticated or not user.is_active or not user.has_perm(IMPORT):
        return uploads.none()
    if user.has_perm(VIEW_ALL):
        return uploads
    committee = account_of(user).committee
    if committee is None:
        return uploads.filter(uploaded_by=user)
    return uploads.filter(Q(uploaded_by=user) | Q(uploaded_by__profile__committee=committee))
