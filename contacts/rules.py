"""The rules of 三联系, once: who sees and logs what, what a contact entry must hold, the pairing
rules, and the lock that the issued half-year report puts on its half. The member's front end,
the admin, the imports and the report all call these; a write locks what it changes, checks
again under the lock and raises a ContactError whose message is for the user.

Sections (each owned by one part of the app; add to your own):
  # --- core          scope, quotas, the half-year lock, contact entries
  # --- pairings      designations, pairing checks, copy-year, 按专委会建议, pairing import
  # --- reports       issuing the half-year report
  # --- import        导入联系记录: many entries checked and written at once
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

from lianxin_site.db import locked, locked_row
from lianxin_site.errors import DomainError
from lianxin_site.imports import (
    ImportReport,
    SheetFileError,
    cell_text,
    check_headers,
    confirm_upload,
    find_table,
    formula_messages,
    xlsx_rows,
)
from people.models import Member
from people.services import account_of, members_visible_to

from .models import (
    ContactActivity,
    ContactImport,
    ContactQuota,
    ContactTarget,
    HalfYearReport,
    Pairing,
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


# An import checks thousands of rows with check_entry, each asking issued_report(date). Inside
# `halves_read_once()` the answer is read once per half year and kept for the rest of the block
# (in a context variable: other requests and threads still ask the database).
_issued_halves = contextvars.ContextVar("contacts_issued_halves", default=None)


def issued_report(date):
    """The issued half-year report that covers `date`, or None."""
    known = _issued_halves.get()
    key = (date.year, half_of(date))
    if known is not None and key in known:
        return known[key]
    report = HalfYearReport.objects.filter(year=date.year, half=key[1], issued_at__isnull=False).first()
    if known is not None:
        known[key] = report
    return report


@contextlib.contextmanager
def halves_read_once(known=None):
    """Within the block, issued_report reads each half once (`known` seeds {(year, half): report
    or None}, e.g. from rows just locked)."""
    token = _issued_halves.set(dict(known or {}))
    try:
        yield
    finally:
        _issued_halves.reset(token)


def locked_text(date):
    half = "上半年" if half_of(date) == 1 else "下半年"
    return f"{date.year}年{half}的“三联系”报告已出具，这半年的联系记录已锁定，不能再记录、修改或删除"


def refuse_if_locked(*dates, field="date"):
    """Refuse a write dated in a half whose report is issued (an edit passes the entry's old
    date and its new one). Called inside the writer's transaction, it locks the halves' report
    rows first, all in one statement (so two edits moving entries opposite ways take them in the
    same order): issue_report holds that lock while it takes its snapshot, so an entry either
    lands before the snapshot or is refused."""
    halves = Q()
    for date in dates:
        halves |= Q(year=date.year, half=half_of(date))
    for report in locked(HalfYearReport.objects.filter(halves)):
        if report.issued:
            date = next(d for d in dates if (d.year, half_of(d)) == (report.year, report.half))
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
    elif entry.date.year < today.year - 1:
        add("date", f"「日期」：不能早于 {today.year - 1} 年 1 月 1 日")
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
    for name, messages in office_scope_errors(user, entry).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ContactError(errors)
    with transaction.atomic():
        if instance is not None:
            try:
                instance = locked_row(ContactActivity.objects.all(), pk=instance.pk)
            except ContactActivity.DoesNotExist:
                raise ContactError("这条联系记录已被删除。") from None
            # Checked again inside the transaction: a report issued a moment ago locks the half.
            refuse_if_locked(instance.date, entry.date)
        else:
            instance = ContactActivity(created_by=user if user and user.is_authenticated else None)
            refuse_if_locked(entry.date)
        refuse_if_repeated(entry, instance)
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


def refuse_if_repeated(entry, instance=None):
    """The same contact saved twice (a double tap on 保存, the form sent again): same date,
    makers, way, whom and note. The makers' rows are locked first, so of two such saves at once
    exactly one is written. A second contact on the same day says so in its note."""
    list(locked(Member.objects.filter(pk__in=[m.pk for m in entry.makers])))
    same = ContactActivity.objects.filter(fingerprint=fingerprint(entry), note=entry.note or "")
    if instance is not None and instance.pk:
        same = same.exclude(pk=instance.pk)
    if same.exists():
        raise ContactError(
            f"这条联系已经记过了：{entry.date:%Y-%m-%d} {Way(entry.way).label}。若当天又联系了一次，请在备注中写明。"
        )


def may_change(user, activity):
    """Whether a user may edit or delete an entry (the half-year lock aside): a member their own
    front-end entries; 委员联络室 (VIEW_ALL with the right to import) any office or imported
    entry; a committee office one whose every maker is in its scope, or its own 专委会走访 (no
    maker). Reading an entry (a contacted member in scope) is not enough to change it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if activity.source == Source.MEMBER:
        return activity.created_by_id == user.pk and member_of(user) is not None
    if not is_office(user):
        return False
    if user.has_perm(VIEW_ALL):
        return True
    makers = {member.pk for member in activity.makers.all()}  # prefetched by the admin list
    if makers:
        return makers <= scope_ids(user)
    committee = account_of(user).committee
    return committee is not None and activity.committee_id == committee.pk


SCOPE_IDS = "_contacts_scope_ids"


def scope_ids(user):
    """The ids of office_members(user), None for the offices that read everyone (VIEW_ALL); read
    once per request (kept on the user object, as account_of keeps the account), since the
    admin list asks may_change for every row."""
    if user.has_perm(VIEW_ALL):
        return None
    ids = getattr(user, SCOPE_IDS, None)
    if ids is None:
        ids = set(office_members(user).values_list("pk", flat=True))
        setattr(user, SCOPE_IDS, ids)
    return ids


def is_office(user):
    """Offices that log and correct entries (专委会工作室, 委员联络室), not those that only read."""
    return user.has_perm(IMPORT) or user.has_perm(MANAGE_PAIRINGS)


def office_scope_errors(user, entry):
    """An office logs only for its scope: every maker among its members, its own 专委会. Empty
    for 委员联络室 (VIEW_ALL) and for a member's own entry."""
    if entry.source == Source.MEMBER or user is None or not user.is_authenticated or user.has_perm(VIEW_ALL):
        return {}
    errors = {}
    outside = [str(m) for m in entry.makers if m.pk not in scope_ids(user)]
    if outside:
        errors["makers"] = [f"「联系人」：{'、'.join(outside)}不在本工作室负责的委员范围内"]
    committee = account_of(user).committee
    if entry.committee is not None and (committee is None or entry.committee.pk != committee.pk):
        errors["committee"] = ["「组织的专委会」：只能选择本工作室的专委会"]
    return errors


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
#
# Seed 003 annex 3 二: 主席、副主席 look after 常委 (主席联系常委), 常委 look after 委员 by 专委会 and
# 界别 (常委联系委员), and each 青年委员 has a mentor (传帮带, seed 004 item 12). A target has one
# partner of each kind a year. Every pair, whether typed in the admin, copied from last year,
# confirmed from the 按专委会建议 or imported, is checked by pairing_problems() and written under
# a lock by the functions below.

VIEW_PAIRING = "contacts.view_pairing"
PAIRING_FIELDS = {"year": "年度", "kind": "结对类型", "from_member": "联系人", "to_member": "被联系人"}
KIND_TEXT = "应为主席联系常委、常委联系委员或传帮带"
MANAGE_TEXT = "只有委员联络室可以维护结对。"
FIRST_PAIRING_YEAR = 2000


def who(member):
    return f"{member.name}（{member.code}）"


def pairings_visible_to(user):
    """The pairs a user may read: all for 委员联络室 and the roster-wide roles; for a committee
    office those with either side in its scope (office_members); none for anyone else."""
    pairings = Pairing.objects.all()
    if not user.is_authenticated or not user.is_active:
        return pairings.none()
    if user.has_perm(MANAGE_PAIRINGS) or (user.has_perm(VIEW_ALL) and user.has_perm(VIEW_PAIRING)):
        return pairings
    if not user.has_perm(VIEW_PAIRING):
        return pairings.none()
    scope = office_members(user)
    return pairings.filter(Q(from_member__in=scope) | Q(to_member__in=scope))


def may_manage_pairings(user):
    return user.is_authenticated and user.is_active and user.has_perm(MANAGE_PAIRINGS)


def pairing_year_ok(year):
    return isinstance(year, int) and FIRST_PAIRING_YEAR <= year <= timezone.localdate().year + 1


def pairing_problems(year, kind, from_member, to_member, instance=None, partner=True):
    """Every problem with a pair, by field (year, kind, from_member, to_member), as text without
    the field's name (a form shows it beside the field; an import names its column). Nothing is
    written. `instance` is the pair being edited; `partner=False` leaves out the check that the
    target has no other partner of the kind that year (an import reports it itself)."""
    errors = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not pairing_year_ok(year):
        add("year", f"应为 {FIRST_PAIRING_YEAR} 至 {timezone.localdate().year + 1} 之间的年份")
    if kind not in PairingKind.values:
        add("kind", KIND_TEXT)
    if from_member is None:
        add("from_member", "请选择联系人委员")
    if to_member is None:
        add("to_member", "请选择被联系人委员")
    if from_member is None or to_member is None or kind not in PairingKind.values:
        return errors
    label = PairingKind(kind).label
    if from_member.code == to_member.code:
        add("to_member", f"{who(to_member)}是联系人本人，不能与自己结对")
        return errors
    if kind == PairingKind.CHAIR:
        if not from_member.chair_role:
            add("from_member", f"{who(from_member)}不是主席或副主席，不能作为主席联系常委的联系人")
        if not to_member.is_standing:
            add("to_member", f"{who(to_member)}不是常委，不能作为{label}的对象")
    elif kind == PairingKind.STANDING:
        if not from_member.is_standing:
            add("from_member", f"{who(from_member)}不是常委，不能作为常委联系委员的联系人")
        if to_member.is_standing:
            add("to_member", f"{who(to_member)}是常委，不能作为{label}的对象（常委由主席、副主席联系）")
        elif to_member.chair_role:
            add("to_member", f"{who(to_member)}是主席会议成员，不能作为{label}的对象")
    else:
        if from_member.is_youth:
            add("from_member", f"{who(from_member)}是青年委员，不能作为传帮带的联系人")
        if not to_member.is_youth:
            add("to_member", f"{who(to_member)}不是青年委员，不能作为传帮带的对象")
    if partner and pairing_year_ok(year):
        other = existing_partner(year, kind, to_member.code, instance)
        if other is not None:
            add("to_member", partner_text(year, kind, to_member, other))
    return errors


def existing_partner(year, kind, to_code, instance=None):
    """The pair that already gives `to_code` a partner of this kind that year, or None."""
    pairs = Pairing.objects.filter(year=year, kind=kind, to_code=to_code)
    if instance is not None and instance.pk:
        pairs = pairs.exclude(pk=instance.pk)
    return pairs.first()


def partner_text(year, kind, to_member, other):
    partner = f"{other.from_name}（{other.from_code}）"
    label = PairingKind(kind).label
    return f"{who(to_member)}在 {year} 年已由{partner}{label}，每人每年每种结对只能有一位联系人"


def pairing_errors(year, kind, from_member, to_member, instance=None):
    """pairing_problems() with each message naming its field: 「被联系人」：…"""
    return {
        name: [f"「{PAIRING_FIELDS[name]}」：{text}" for text in texts]
        for name, texts in pairing_problems(year, kind, from_member, to_member, instance).items()
    }


def _write_pair(pair, year, kind, from_member, to_member):
    pair.year, pair.kind = year, kind
    pair.from_member, pair.to_member = from_member, to_member
    pair.from_code, pair.from_name = from_member.code, from_member.name
    pair.to_code, pair.to_name = to_member.code, to_member.name
    with transaction.atomic():  # a savepoint: a pair written a moment ago by another office
        pair.save()
    return pair


def _lock_members(*members):
    """The members again, locked and fresh: a designation changed a moment ago counts."""
    locked_members = {m.pk: m for m in locked(Member.objects.filter(pk__in=[m.pk for m in members]))}
    return [locked_members.get(m.pk) for m in members]


def save_pairing(year, kind, from_member, to_member, user, instance=None):
    """Write one pair (a new one, or `instance` changed) after pairing_problems(), checked again
    under the lock of both members' rows. Of two offices pairing one member at once, one wins and
    the other is told who the partner is. Raises ContactError (Refused for a user who may not)."""
    if not may_manage_pairings(user):
        raise Refused(MANAGE_TEXT)
    errors = pairing_errors(year, kind, from_member, to_member, instance)
    if errors:
        raise ContactError(errors)
    try:
        with transaction.atomic():
            if instance is not None:
                try:
                    instance = locked_row(Pairing.objects.all(), pk=instance.pk)
                except Pairing.DoesNotExist:
                    raise ContactError("这个结对已被删除。") from None
            from_member, to_member = _lock_members(from_member, to_member)
            if from_member is None or to_member is None:
                raise ContactError("所选委员已离开名册，请重新选择。")
            errors = pairing_errors(year, kind, from_member, to_member, instance)
            if errors:
                raise ContactError(errors)
            return _write_pair(instance or Pairing(), year, kind, from_member, to_member)
    except IntegrityError:
        other = existing_partner(year, kind, to_member.code, instance)
        if other is None:
            raise ContactError("结对被其他人同时修改，没有保存。请刷新后重试。") from None
        raise ContactError({"to_member": [f"「被联系人」：{partner_text(year, kind, to_member, other)}"]}) from None


def delete_pairing(pk, user):
    """Delete a pair (委员联络室 only)."""
    if not may_manage_pairings(user):
        raise Refused(MANAGE_TEXT)
    with transaction.atomic():
        try:
            pair = locked_row(Pairing.objects.all(), pk=pk)
        except Pairing.DoesNotExist:
            raise ContactError("这个结对已被删除。") from None
        pair.delete()
    return pair


# pairings · copy last year's


@dataclass
class CopyResult:
    copied: list = field(default_factory=list)  # the new pairs
    existing: int = 0  # pairs already there in the new year
    dropped: list = field(default_factory=list)  # [(last year's pair, reason)]


def copy_year(from_year, to_year, user):
    """Copy `from_year`'s pairs into `to_year`: those whose both members are still on the roster
    and still qualify; a pair already there is left as it is. Returns a CopyResult listing each
    pair left behind with the reason (left the roster, no longer 常委, …). One transaction."""
    if not may_manage_pairings(user):
        raise Refused(MANAGE_TEXT)
    if not pairing_year_ok(to_year):
        raise ContactError(
            {"year": [f"「年度」：应为 {FIRST_PAIRING_YEAR} 至 {timezone.localdate().year + 1} 之间的年份"]}
        )
    if from_year == to_year:
        raise ContactError({"year": ["「年度」：复制到的年度不能与原年度相同"]})
    if not Pairing.objects.filter(year=from_year).exists():
        raise ContactError({"from_year": [nothing_to_copy_text(from_year)]})
    try:
        return _copy_year(from_year, to_year)
    except IntegrityError:
        raise ContactError("复制时结对被其他人同时修改，没有复制任何结对。请稍后重试。") from None


def nothing_to_copy_text(from_year):
    return f"{from_year} 年没有结对可复制"


def latest_paired_year():
    """The latest year that has pairings, or None."""
    return Pairing.objects.order_by("-year").values_list("year", flat=True).first()


def copy_years_default():
    """(from, to) for the copy form: the latest year with pairings and the year after it (not past
    next year, the last a pair may be made for); last year and this year when there are none."""
    today = timezone.localdate().year
    latest = latest_paired_year()
    if latest is None:
        return today - 1, today
    return latest, min(latest + 1, today + 1)


def _copy_year(from_year, to_year):
    result = CopyResult()
    with transaction.atomic():
        old = list(locked(Pairing.objects.filter(year=from_year)))
        if not old:  # deleted since the check above
            raise ContactError({"from_year": [nothing_to_copy_text(from_year)]})
        members = {m.pk: m for m in locked(Member.objects.filter(pk__in=_sides(old)))}
        present = {(p.kind, p.to_code): p for p in locked(Pairing.objects.filter(year=to_year))}
        for pair in sorted(old, key=lambda p: (PairingKind.values.index(p.kind), p.from_code, p.to_code)):
            from_member, to_member = members.get(pair.from_member_id), members.get(pair.to_member_id)
            gone = [
                f"{name}（{code}）已离开名册"
                for member, name, code in (
                    (from_member, pair.from_name, pair.from_code),
                    (to_member, pair.to_name, pair.to_code),
                )
                if member is None
            ]
            if gone:
                result.dropped.append((pair, "；".join(gone)))
                continue
            there = present.get((pair.kind, to_member.code))
            if there is not None and there.from_code == from_member.code:
                result.existing += 1
                continue
            problems = pairing_problems(to_year, pair.kind, from_member, to_member, partner=False)
            if there is not None:
                problems.setdefault("to_member", []).append(partner_text(to_year, pair.kind, to_member, there))
            if problems:
                result.dropped.append((pair, "；".join(t for texts in problems.values() for t in texts)))
                continue
            new = _write_pair(Pairing(), to_year, pair.kind, from_member, to_member)
            present[(pair.kind, to_member.code)] = new
            result.copied.append(new)
    return result


def _sides(pairs):
    return {pk for p in pairs for pk in (p.from_member_id, p.to_member_id) if pk}


# pairings · 按专委会建议: 常委 → 委员 for the members without a 常委


@dataclass(frozen=True)
class Suggestion:
    standing: Member
    member: Member
    reason: str

    @property
    def key(self):
        return f"{self.standing.code}>{self.member.code}"


def suggest_standing_pairs(year):
    """A 常委 for each member who has none this year (常委联系委员): one of the same 专委会 if
    there is one, else of the same 界别, else any; among them the one with the fewest members so
    far (existing pairs counted), the lower 委员证号 on a tie. Writes nothing."""
    standing = list(Member.objects.filter(is_standing=True).select_related("committee", "sector").order_by("code"))
    if not standing:
        return []
    paired = set(Pairing.objects.filter(year=year, kind=PairingKind.STANDING).values_list("to_code", flat=True))
    load = {m.pk: 0 for m in standing}
    for from_id in Pairing.objects.filter(year=year, kind=PairingKind.STANDING).values_list(
        "from_member_id", flat=True
    ):
        if from_id in load:
            load[from_id] += 1
    targets = (
        Member.objects.filter(is_standing=False, chair_role="")
        .exclude(code__in=paired)
        .select_related("committee", "sector")
        .order_by("code")
    )
    suggestions = []
    for member in targets:
        same_committee = [s for s in standing if member.committee_id and s.committee_id == member.committee_id]
        same_sector = [s for s in standing if s.sector_id == member.sector_id]
        if same_committee:
            pool, reason = same_committee, f"同一专委会（{member.committee.name}）"
        elif same_sector:
            pool, reason = same_sector, f"同一界别（{member.sector.name}）"
        else:
            pool, reason = standing, "无同专委会、同界别的常委，按联系人数均衡"
        chosen = min(pool, key=lambda s: (load[s.pk], s.code))
        load[chosen.pk] += 1
        suggestions.append(Suggestion(chosen, member, reason))
    return suggestions


def confirm_suggestions(year, keys, user):
    """Create the previewed suggestions (`keys`, as Suggestion.key) all at once, or none: if the
    suggestion is no longer what was previewed (a pair or a 常委 changed since), nothing is
    written and the user is asked to look again. Returns the new pairs."""
    if not may_manage_pairings(user):
        raise Refused(MANAGE_TEXT)
    changed = ContactError("预览之后结对或委员名册发生了变化，建议已不同，没有创建任何结对。请重新查看建议后再确认。")
    if not keys:
        raise ContactError("没有需要创建的结对。")
    try:
        with transaction.atomic():
            list(locked(Pairing.objects.filter(year=year, kind=PairingKind.STANDING)))
            suggestions = suggest_standing_pairs(year)
            if [s.key for s in suggestions] != list(keys):
                raise changed
            created = []
            for s in suggestions:
                if pairing_problems(year, PairingKind.STANDING, s.standing, s.member):
                    raise changed
                created.append(_write_pair(Pairing(), year, PairingKind.STANDING, s.standing, s.member))
            return created
    except IntegrityError:
        raise changed from None


# pairings · the 结对 import: 年度、结对类型、联系人委员证号、被联系人委员证号

PAIRING_COLUMNS = ("年度", "结对类型", "联系人委员证号", "被联系人委员证号")
PAIRING_IGNORED = ("序号", "联系人姓名", "被联系人姓名")
PAIRING_HINT = "请上传结对表（Excel .xlsx），可先下载空白模板填写。"
PAIRING_MAX_ROWS = 20_000
KIND_OF = {str(label): value for value, label in PairingKind.choices}
COLUMN_OF_FIELD = {
    "year": "年度",
    "kind": "结对类型",
    "from_member": "联系人委员证号",
    "to_member": "被联系人委员证号",
}


def _read_pairing_sheet(data):
    rows, formulas = xlsx_rows(data, max_rows=PAIRING_MAX_ROWS)
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。" + PAIRING_HINT)
    check_headers(table.header, table.header_line, PAIRING_COLUMNS, PAIRING_IGNORED, hint=PAIRING_HINT)
    if not table.rows:
        raise SheetFileError("表格里只有表头，没有结对数据。")
    return table, formulas


def _pairing_cells(table, row):
    index = {name: i for i, name in enumerate(table.header) if name}
    return {name: cell_text(row[index[name]]) if index[name] < len(row) else "" for name in PAIRING_COLUMNS}


def import_pairings(data, user, dry_run=True):
    """Check (and unless `dry_run`, write) a 结对 file. All or nothing: any bad row, and the
    report lists every problem as `第 N 行「列」：原因` with nothing written. A row equal to a stored
    pair is 已存在 (`unchanged`) and skipped, so the same file imported twice writes nothing the
    second time. Raises SheetFileError when the file is not a 结对 table."""
    if not may_manage_pairings(user):
        raise Refused(MANAGE_TEXT)
    table, formulas = _read_pairing_sheet(data)
    report = ImportReport(total=len(table.rows), dry_run=dry_run)
    errors = formula_messages(formulas, table, PAIRING_COLUMNS)
    read = [(line, _pairing_cells(table, row)) for line, row in zip(table.lines, table.rows, strict=True)]
    codes = {c[k] for _l, c in read for k in ("联系人委员证号", "被联系人委员证号") if c[k]}
    roster = {m.code: m for m in Member.objects.filter(code__in=codes)}
    to_codes = {c["被联系人委员证号"] for _l, c in read}
    stored = {(p.year, p.kind, p.to_code): p for p in Pairing.objects.filter(to_code__in=to_codes)}
    seen, rows = {}, []
    for line, cells in read:
        problems = []

        def add(column, message, line=line, problems=problems):
            problems.append(f"第 {line} 行「{column}」：{message}")

        year_text, kind_text = cells["年度"], cells["结对类型"]
        year = int(year_text) if year_text.isdecimal() else None
        if not year_text:
            add("年度", "请填写年度")
            year = None
        elif year is None or not pairing_year_ok(year):
            add("年度", f"“{year_text}”应为 {FIRST_PAIRING_YEAR} 至 {timezone.localdate().year + 1} 之间的年份")
            year = None
        kind = KIND_OF.get(kind_text)
        if kind is None:
            add("结对类型", f"“{kind_text}”{KIND_TEXT}" if kind_text else f"请填写结对类型，{KIND_TEXT}")
        sides = []
        for column in ("联系人委员证号", "被联系人委员证号"):
            code = cells[column]
            member = roster.get(code)
            if not code:
                add(column, "请填写委员证号")
            elif member is None:
                add(column, f"{code} 不在委员名册中")
            sides.append(member)
        from_member, to_member = sides
        if year is not None and kind is not None and from_member is not None and to_member is not None:
            for name, texts in pairing_problems(year, kind, from_member, to_member, partner=False).items():
                for text in texts:
                    add(COLUMN_OF_FIELD[name], text)
            key = (year, kind, to_member.code)
            if key in seen:
                add(
                    "被联系人委员证号",
                    f"与第 {seen[key]} 行重复：{who(to_member)}在 {year} 年的{PairingKind(kind).label}只能有一位联系人",
                )
            seen.setdefault(key, line)
            other = stored.get(key)
            if other is not None and other.from_code != from_member.code:
                add("被联系人委员证号", partner_text(year, kind, to_member, other))
        errors += problems
        if not problems:
            if stored.get((year, kind, to_member.code)) is not None:
                report.unchanged += 1  # 已存在
            else:
                rows.append((line, year, kind, from_member, to_member))
    report.errors = errors
    if errors:
        return report
    report.created = len(rows)
    report.changes = [
        {
            "line": line,
            "year": year,
            "kind": str(PairingKind(kind).label),
            "from": who(from_member),
            "to": who(to_member),
        }
        for line, year, kind, from_member, to_member in rows[:500]
    ]
    if not dry_run and rows:
        try:
            with transaction.atomic():
                for _line, year, kind, from_member, to_member in rows:
                    _write_pair(Pairing(), year, kind, from_member, to_member)
        except IntegrityError:
            report.created = 0
            report.errors = [
                "导入时结对被其他人同时修改（同一位委员的结对冲突），没有写入任何数据。请重新上传预览后再确认。"
            ]
    return report


def confirm_pairing_import(record_id, user):
    """确认导入 of a kept 结对 upload, once (confirm_upload claims it first). Returns (record, report)."""
    return confirm_upload(
        ContactImport, record_id, lambda data, _name: import_pairings(data, user, dry_run=False), "这份结对表"
    )


# pairings · 联系指标


QUOTA_COUNT_FIELDS = (
    "activities_per_member",
    "enterprises",
    "sector_public",
    "public",
    "chair_visits_min",
    "chair_visits_max",
    "forums_per_half",
)


def quota_label(name):
    return str(ContactQuota._meta.get_field(name).verbose_name)


def quota_below_zero_text(name):
    return f"「{quota_label(name)}」：不能小于 0"


def quota_year_taken_text(year):
    return f"「年度」：{year} 年度的联系指标已经设置，请在列表中修改"


def quota_errors(quota):
    """Problems with a year's quotas, by field, each naming its field: a year already set (one
    row a year; change that row), a number below 0, 至多 below 至少."""
    errors = {}
    if not pairing_year_ok(quota.year):
        errors["year"] = [f"「年度」：应为 {FIRST_PAIRING_YEAR} 至 {timezone.localdate().year + 1} 之间的年份"]
    elif ContactQuota.objects.filter(year=quota.year).exclude(pk=quota.pk).exists():
        errors["year"] = [quota_year_taken_text(quota.year)]
    for name in QUOTA_COUNT_FIELDS:
        value = getattr(quota, name)
        if value is not None and value < 0:
            errors[name] = [quota_below_zero_text(name)]
    if (
        quota.chair_visits_min is not None
        and quota.chair_visits_max is not None
        and quota.chair_visits_min > quota.chair_visits_max
        and "chair_visits_max" not in errors
    ):
        errors["chair_visits_max"] = [
            f"「主席、副主席每月走访常委（至多）」：不能少于至少走访的人数（{quota.chair_visits_min} 人）"
        ]
    return errors


# --- reports ----------------------------------------------------------------------------------

READ_REPORTS = "contacts.view_halfyearreport"
ANALYSIS_MAX = HalfYearReport._meta.get_field("analysis").max_length


def may_read_dashboard(user):
    """落实情况 and 按月汇总: the offices and the leadership (each over office_members(user))."""
    return user.is_authenticated and user.is_active and (user.has_perm(VIEW) or user.has_perm(VIEW_ALL))


def may_read_reports(user):
    """The half-year reports: the leadership reads them, 委员联络室 writes and issues them."""
    return user.is_authenticated and user.is_active and (user.has_perm(READ_REPORTS) or user.has_perm(ISSUE_REPORTS))


def may_issue_reports(user):
    return user.is_authenticated and user.is_active and user.has_perm(ISSUE_REPORTS)


def report_name(year, half):
    return f"{year}年{'上半年' if half == 1 else '下半年'}“三联系”报告"


def _report_row(year, half):
    """The half's report row, created as an empty draft when there is none (two people at once:
    one creates it, the other finds it)."""
    try:
        with transaction.atomic():
            return HalfYearReport.objects.get_or_create(year=year, half=half)[0]
    except IntegrityError:
        return HalfYearReport.objects.get(year=year, half=half)


def _issued_text(report):
    from django.contrib.auth import get_user_model

    who = ""
    if report.issued_by_id:
        user = get_user_model().objects.filter(pk=report.issued_by_id).first()
        who = f"，出具人 {user.get_full_name() or user.get_username()}" if user else ""
    when = timezone.localtime(report.issued_at)
    return f"{report_name(report.year, report.half)}已出具（{when:%Y-%m-%d %H:%M}{who}），不能再修改或出具"


def save_analysis(year, half, analysis, user):
    """Keep the staff's 情况分析 in the half's draft report; refused once the report is issued."""
    if not may_issue_reports(user):
        raise Refused("只有委员联络室可以撰写和出具“三联系”半年报告。")
    analysis = (analysis or "").replace("\r\n", "\n").strip()
    if len(analysis) > ANALYSIS_MAX:
        raise ContactError({"analysis": [f"「情况分析」：不能超过 {ANALYSIS_MAX} 个字（现有 {len(analysis)} 个字）"]})
    _report_row(year, half)
    with transaction.atomic():
        report = locked_row(HalfYearReport.objects.all(), year=year, half=half)
        if report.issued:
            raise ContactError(_issued_text(report))
        report.analysis = analysis
        report.save(update_fields=["analysis"])
    return report


def _refusal_of(report, year, half, today):
    """Why the half's report cannot be issued now (its row, or None), or ""."""
    from .models import half_bounds

    end = half_bounds(year, half)[1]
    if today <= end:
        return f"{report_name(year, half)}要到这半年结束（{end.month}月{end.day}日）以后才能出具：出具后这半年的联系记录将被锁定"
    if report is not None and report.issued:
        return _issued_text(report)
    if report is None or not report.analysis.strip():
        return "「情况分析」：出具前请填写情况分析并保存"
    return ""


def issue_refusal(year, half, today=None):
    """What the 出具 confirmation page says instead of its button, or "" when it may be issued
    (issue_report asks again under the row's lock)."""
    report = HalfYearReport.objects.filter(year=year, half=half).first()
    return _refusal_of(report, year, half, today or timezone.localdate())


def issue_report(year, half, user, today=None):
    """出具 the half's report: lock its row, refuse if it is already issued (of two clicks one
    wins, the other is told 已出具), keep the figures (snapshot) and the PDF in private storage,
    stamp issued_at/by. From then on the half's entries are locked (issued_report)."""
    from django.core.files.base import ContentFile

    from . import pdf, reports
    from .models import half_bounds

    if not may_issue_reports(user):
        raise Refused("只有委员联络室可以出具“三联系”半年报告。")
    today = today or timezone.localdate()
    end = half_bounds(year, half)[1]
    if today <= end:
        raise ContactError(
            f"{report_name(year, half)}要到这半年结束（{end.month}月{end.day}日）以后才能出具：出具后这半年的联系记录将被锁定"
        )
    _report_row(year, half)
    with transaction.atomic():
        report = locked_row(HalfYearReport.objects.all(), year=year, half=half)
        if report.issued:
            raise ContactError(_issued_text(report))
        if not report.analysis.strip():
            raise ContactError({"analysis": ["「情况分析」：出具前请填写情况分析并保存"]})
        figures = reports.half_year_figures(year, half, today)
        report.issued_at = timezone.now()
        report.issued_by = user
        figures["issued_at"] = timezone.localtime(report.issued_at).strftime("%Y-%m-%d %H:%M")
        figures["analysis"] = report.analysis
        report.snapshot = figures
        report.pdf.save(f"{year}-{half}.pdf", ContentFile(pdf.half_year_pdf(figures)), save=False)
        report.save()
    return report


# --- import (c-entries) -----------------------------------------------------------------------


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
        # The makers' rows are locked (as refuse_if_repeated does): two uploads sharing rows,
        # confirmed at once, write them once.
        makers = {m.pk for entry in entries for m in entry.makers}
        list(locked(Member.objects.filter(pk__in=makers)).values_list("pk", flat=True))
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
