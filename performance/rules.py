"""The rules of the 履职档案, once: who sees and changes what, the freeze, 请假, attendance,
corrections and 异议, and the 记分办法's versions. Forms, views, the admin, the sign-in import and
the commands all call these; each service locks its row, checks again under the lock, and
raises a PerformanceError whose message is for the user."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lianxin_site.db import locked, locked_row
from lianxin_site.errors import DomainError
from people.models import Member
from people.services import account_of, members_visible_to

from .models import (
    DutyActivity,
    EntryChange,
    LeaveRequest,
    LedgerEntry,
    Objection,
    Participation,
    PerformanceYear,
    Role,
    ScoringRule,
    ScoringScheme,
    Status,
    YearEvent,
)

VIEW_ALL = "performance.view_all_records"
MANAGE = "performance.manage_performance"
RECORD = "performance.record_activities"
VIEW_RANKINGS = "performance.view_rankings"
REOPEN = "performance.reopen_year"

LIAISON_OFFICE_NAME = "委员联络室"


class PerformanceError(DomainError):
    pass


class YearFrozen(PerformanceError):
    pass


class Refused(PerformanceError):
    """Not this user's to do (a view answers 403 with the message)."""


# --- the freeze


def _frozen_text(record):
    return f"{record.year} 年度履职档案已于 {record.freeze_on:%Y-%m-%d} 冻结，不能修改"


def frozen_message(year, today=None):
    """「2025 年度履职档案已于 2026-01-31 冻结，不能修改」 when `year` is frozen, else None."""
    record = PerformanceYear.objects.filter(year=year).first()
    return _frozen_text(record) if record is not None and record.is_frozen(today) else None


def is_frozen(year):
    return frozen_message(year) is not None


def refuse_if_frozen(year, lock=False):
    """Raise YearFrozen for a frozen year. With `lock` (inside atomic()), the year's row (created
    if need be) stays locked to the end of the transaction: a freeze cannot slip in between check
    and write, and the writes of one year queue behind each other. Take it before locking any
    other row of that year, so that two transactions always lock in the same order."""
    if lock:
        lock_year(year)
        return
    record = PerformanceYear.objects.filter(year=year).first()
    if record is not None and record.is_frozen(timezone.localdate()):
        raise YearFrozen(_frozen_text(record))


def lock_year(year):
    """The year's row, created if need be and locked to the end of the transaction; YearFrozen if
    the year is frozen."""
    PerformanceYear.objects.get_or_create(year=year)
    record = locked_row(PerformanceYear.objects.all(), year=year)
    if record.is_frozen():
        raise YearFrozen(_frozen_text(record))
    return record


def set_freeze(year, user, freeze_on):
    """委员联络室 sets (or moves) the year's 冻结日期; a frozen year only a 系统管理员 reopens."""
    if not user.has_perm(MANAGE):
        raise Refused("只有委员联络室可以设置冻结日期。")
    with transaction.atomic():
        record, _created = PerformanceYear.objects.get_or_create(year=year)
        record = locked_row(PerformanceYear.objects.all(), pk=record.pk)
        if record.is_frozen():
            raise YearFrozen(_frozen_text(record) + "；如需修改，请系统管理员重新开放。")
        record.freeze_on = freeze_on
        record.save(update_fields=["freeze_on"])
        YearEvent.objects.create(year=record, actor=user, action=f"设置冻结日期 {freeze_on:%Y-%m-%d}")
    return record


def reopen_year(year, user, why):
    if not user.has_perm(REOPEN):
        raise Refused("只有系统管理员可以重新开放已冻结的年度。")
    if not (why or "").strip():
        raise PerformanceError("请填写重新开放的理由。")
    with transaction.atomic():
        record = locked(PerformanceYear.objects.filter(year=year)).first()
        if record is None or not record.is_frozen():
            raise PerformanceError(f"{year} 年度没有冻结，不需要重新开放。")
        record.freeze_on = None
        record.save(update_fields=["freeze_on"])
        YearEvent.objects.create(year=record, actor=user, action="重新开放", why=why.strip())
    return record


# --- who sees what


def member_of(user):
    """The roster member behind a 委员's account, or None."""
    return account_of(user).member if user.is_authenticated else None


def records_visible_to(user):
    """The members whose 履职档案 a user may read in the admin: everyone for the offices that read
    all; a committee office's scope (members_visible_to) when it records activities; nobody else.
    A member reads their own record on the front end (member_of)."""
    if not user.is_authenticated or not user.is_active:
        return Member.objects.none()
    if user.has_perm(VIEW_ALL):
        return Member.objects.all()
    if user.has_perm(RECORD):
        return members_visible_to(user)
    return Member.objects.none()


def may_view_rankings(user):
    return user.is_active and user.has_perm(VIEW_RANKINGS)


def activities_for(user):
    """The 履职活动 a user organises: all for 委员联络室, its committee's for a committee office."""
    activities = DutyActivity.objects.all()
    if user.has_perm(MANAGE):
        return activities
    committee = account_of(user).committee if user.has_perm(RECORD) else None
    return activities.filter(organiser=committee) if committee else activities.none()


def organiser_name(activity):
    return activity.organiser.office if activity.organiser_id else LIAISON_OFFICE_NAME


def leave_requests_for(user):
    """The 请假 a user decides: 委员联络室 all; a committee office those for its activities and for
    the 五个一 activities of the sectors it contacts (seed 000: the sector's 专委会工作室)."""
    requests = LeaveRequest.objects.select_related("member", "activity", "filing__sector", "filing__party")
    if user.has_perm(MANAGE):
        return requests
    committee = account_of(user).committee if user.has_perm(RECORD) else None
    if committee is None:
        return requests.none()
    return requests.filter(Q(activity__organiser=committee) | Q(filing__sector__contact_committee=committee))


# --- invitations and 请假


def invitees(activity):
    """The members a 履职活动 invites."""
    if activity.invite_all:
        return Member.objects.all()
    return Member.objects.filter(
        Q(sector__in=activity.invite_sectors.all())
        | Q(party__in=activity.invite_parties.all())
        | Q(committee__in=activity.invite_committees.all())
        | Q(street_group__in=activity.invite_groups.all())
        | Q(pk__in=activity.invite_members.all())
    ).distinct()


def leave_closes(target):
    """When 请假 closes: a 履职活动's deadline (default its start); a 五个一 activity's day, 0:00."""
    if isinstance(target, DutyActivity):
        return target.leave_closes
    return timezone.make_aware(datetime.datetime.combine(target.activity_date, datetime.time()))


def _target_year(target):
    return target.year


def _invited(member, target):
    if isinstance(target, DutyActivity):
        return invitees(target).filter(pk=member.pk).exists()
    return target.participants.filter(pk=member.pk).exists()


LATE = "活动已开始，不能再请假，请联系组织部门"


def request_leave(member, target, reason, now=None):
    """A member asks leave for a 履职活动 or a 五个一 activity they are invited to, before it closes."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise PerformanceError("请填写请假理由。")
    field = "activity" if isinstance(target, DutyActivity) else "filing"
    with transaction.atomic():
        refuse_if_frozen(_target_year(target), lock=True)
        if now >= leave_closes(target):
            raise PerformanceError(LATE)
        if not _invited(member, target):
            raise PerformanceError("您不在这次活动的邀请名单中，不需要请假。")
        existing = locked(LeaveRequest.objects.filter(member=member, **{field: target})).first()
        if existing is not None and existing.decision != LeaveRequest.Decision.REFUSED:
            raise PerformanceError(f"您已经为这次活动请过假（{existing.get_decision_display()}）。")
        if existing is None:
            return LeaveRequest.objects.create(member=member, reason=reason, **{field: target})
        existing.reason, existing.decision, existing.decision_note = reason, LeaveRequest.Decision.PENDING, ""
        existing.decided_by, existing.decided_at = None, None
        existing.save()
        return existing


def decide_leave(pk, user, approve, note=""):
    """The organising office approves or refuses (a refusal says why); exactly one decision."""
    note = (note or "").strip()
    if not approve and not note:
        raise PerformanceError("不批准请假时请填写审批意见。")
    if len(note) > 500:
        raise PerformanceError(f"审批意见不能超过 500 字（现有 {len(note)} 字）。")
    with transaction.atomic():
        unlocked = leave_requests_for(user).get(pk=pk)
        refuse_if_frozen(_target_year(unlocked.activity or unlocked.filing), lock=True)
        leave = locked_row(leave_requests_for(user), pk=pk)
        if leave.decision != LeaveRequest.Decision.PENDING:
            who = leave.decided_by.get_full_name() or leave.decided_by.username if leave.decided_by else "他人"
            raise PerformanceError(f"这条请假申请已由{who}处理（{leave.get_decision_display()}）。")
        leave.decision = LeaveRequest.Decision.APPROVED if approve else LeaveRequest.Decision.REFUSED
        leave.decision_note, leave.decided_by, leave.decided_at = note, user, timezone.now()
        leave.save()
        return leave


def approved_leave(activity):
    """Member ids with approved 请假 for a 履职活动."""
    return set(
        LeaveRequest.objects.filter(activity=activity, decision=LeaveRequest.Decision.APPROVED).values_list(
            "member_id", flat=True
        )
    )


# --- attendance


NO_LEAVE = "没有获批的请假申请"


def participation_error(activity, member_id, status, leave_ids):
    """Why a row of attendance cannot be recorded, or None. One rule for the form and the sheet."""
    if status == Status.LEAVE and member_id not in leave_ids:
        return NO_LEAVE
    if status == Status.ABSENT and member_id in leave_ids:
        return "已批准请假，不能登记为缺席"
    return None


def record_participation(activity, user, rows, via_import=False):
    """rows: [(member, status, role, note)]. Writes all or nothing; returns the count."""
    with transaction.atomic():
        activity = locked_row(activities_for(user), pk=activity.pk)
        refuse_if_frozen(activity.year, lock=True)
        if activity.start > timezone.now():
            raise PerformanceError("活动还没有开始，不能登记出勤。")
        leave_ids = approved_leave(activity)
        errors = [
            f"{member.name}：{error}"
            for member, status, _role, _note in rows
            if (error := participation_error(activity, member.pk, status, leave_ids))
        ]
        if errors:
            raise PerformanceError("；".join(errors))
        for member, status, role, note in rows:
            Participation.objects.update_or_create(
                activity=activity,
                member=member,
                defaults={
                    "status": status,
                    "role": role or Role.ATTEND,
                    "note": note,
                    "recorded_by": user,
                    "via_import": via_import,
                },
            )
    return len(rows)


def day_activity(day):
    """The 履职活动 of a 委员活动日 (created with it: invites everyone, 委员联络室 organises)."""
    start = timezone.make_aware(datetime.datetime.combine(day.date, datetime.time(9)))
    activity, _created = DutyActivity.objects.update_or_create(
        activity_day=day,
        defaults={"name": day.name, "kind": DutyActivity.Kind.ACTIVITY_DAY, "start": start},
        create_defaults={
            "name": day.name,
            "kind": DutyActivity.Kind.ACTIVITY_DAY,
            "start": start,
            "invite_all": True,
        },
    )
    return activity


# --- corrections and 异议

CORRECTABLE = ("date", "category", "role", "status", "important", "quantity", "title")


def _snapshot(entry, names=CORRECTABLE):
    return {name: str(getattr(entry, name)) for name in names}


def _why(why):
    why = (why or "").strip()
    if not why:
        raise PerformanceError("请填写更正理由。")
    return why


def _may_correct(user):
    if not user.has_perm(MANAGE):
        raise Refused("只有委员联络室可以更正履职记录。")


def _locked_entry(pk):
    """The entry, locked after its year (refuse_if_frozen's order)."""
    year = LedgerEntry.objects.values_list("year", flat=True).get(pk=pk)
    refuse_if_frozen(year, lock=True)
    return locked_row(LedgerEntry.objects.all(), pk=pk)


def correct_entry(pk, user, changes, why):
    """Change fields of an entry; they keep the office's values through every re-sync."""
    _may_correct(user)
    why = _why(why)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise PerformanceError(f"不能更正这些字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        entry = _locked_entry(pk)
        if "date" in changes and changes["date"].year != entry.year:
            raise PerformanceError(f"日期应在 {entry.year} 年内：一条记录只属于它的年度。")
        changed = {name: value for name, value in changes.items() if getattr(entry, name) != value}
        if not changed:
            raise PerformanceError("没有修改任何内容。")
        before = _snapshot(entry, changed)
        for name, value in changed.items():
            setattr(entry, name, value)
        entry.overridden = sorted(set(entry.overridden) | set(changed))
        entry.save()
        EntryChange.objects.create(
            entry=entry,
            actor=user,
            action=EntryChange.Action.CHANGE,
            before=before,
            after=_snapshot(entry, changed),
            why=why,
        )
    return entry


def void_entry(pk, user, why, restore=False):
    _may_correct(user)
    why = _why(why)
    with transaction.atomic():
        entry = _locked_entry(pk)
        if entry.voided != restore:
            raise PerformanceError("这条记录已经恢复。" if restore else "这条记录已经作废。")
        entry.voided = not restore
        entry.save(update_fields=["voided", "updated_at"])
        EntryChange.objects.create(
            entry=entry,
            actor=user,
            action=EntryChange.Action.RESTORE if restore else EntryChange.Action.VOID,
            before={"voided": str(restore)},
            after={"voided": str(not restore)},
            why=why,
        )
    return entry


def add_entry(user, member, fields, why):
    """补录: an entry no source gives (source 办公室补录); kept through every re-sync."""
    from .ledger import OFFICE, category_labels

    _may_correct(user)
    why = _why(why)
    if fields.get("category") not in category_labels():
        raise PerformanceError(f"没有这个类别：{fields.get('category')}")
    with transaction.atomic():
        year = fields["date"].year
        refuse_if_frozen(year, lock=True)
        entry = LedgerEntry.objects.create(
            member=member,
            year=year,
            source=OFFICE,
            source_ref=f"office:{timezone.now():%Y%m%d%H%M%S%f}",
            **{name: fields[name] for name in CORRECTABLE if name in fields},
        )
        EntryChange.objects.create(
            entry=entry, actor=user, action=EntryChange.Action.ADD, after=_snapshot(entry), why=why
        )
    return entry


def raise_objection(member, year, text, entry=None):
    text = (text or "").strip()
    if not text:
        raise PerformanceError("请写明异议的内容。")
    if entry is not None and entry.member_id != member.pk:
        raise Refused("只能对自己的履职记录提出异议。")
    refuse_if_frozen(year)
    return Objection.objects.create(member=member, year=year, entry=entry, text=text)


def answer_objection(pk, user, answer):
    _may_correct(user)
    answer = (answer or "").strip()
    if not answer:
        raise PerformanceError("请填写答复。")
    with transaction.atomic():
        objection = locked_row(Objection.objects.all(), pk=pk)
        if objection.state == Objection.State.ANSWERED:
            raise PerformanceError("这条异议已经答复。")
        objection.state, objection.answer = Objection.State.ANSWERED, answer
        objection.answered_by, objection.answered_at = user, timezone.now()
        objection.save()
    return objection


# --- the 记分办法


def rule_errors(category, role, status, points, yearly_cap):
    """{field: message} for one rule of a scheme: the form, the admin and imports call this."""
    from .ledger import category_labels

    errors = {}
    if category not in category_labels():
        errors["category"] = f"没有这个类别：{category}"
    if status == Status.ABSENT:
        errors["status"] = "缺席按记分办法的“无故缺席每次扣分”计算，不能另设规则。"
    if yearly_cap is not None and yearly_cap < 0:
        errors["yearly_cap"] = "年度上限不能为负数。"
    if points is None:
        errors["points"] = "请填写分值。"
    return errors


SCHEME_FIELDS = (
    "important_weight",
    "absence_penalty",
    "low_participation_rate",
    "shortlist_per_sector",
    "shortlist_min_score",
    "shortlist_min_rate",
    "shortlist_max_absences",
    "note",
)


def _copy(scheme, year, version, user):
    copy = ScoringScheme.objects.create(
        year=year, version=version, created_by=user, **{name: getattr(scheme, name) for name in SCHEME_FIELDS}
    )
    ScoringRule.objects.bulk_create(
        [
            ScoringRule(
                scheme=copy,
                category=r.category,
                role=r.role,
                status=r.status,
                points=r.points,
                yearly_cap=r.yearly_cap,
                sort_order=r.sort_order,
            )
            for r in scheme.rules.all()
        ]
    )
    return copy


def _may_manage_scheme(user):
    if not user.has_perm(MANAGE):
        raise Refused("只有委员联络室可以修改记分办法。")


def draft_scheme(year, user):
    """The version of `year` to edit: the draft if there is one; else a new version copied from
    the latest (published versions are never edited); a new year starts as a copy of the last
    year's scheme in force, or empty."""
    _may_manage_scheme(user)
    with transaction.atomic():
        lock_year(year)  # two editors at once: the second gets the draft the first made
        latest = ScoringScheme.objects.filter(year=year).order_by("-version").first()
        if latest is not None and latest.published_at is None:
            return latest
        if latest is not None:
            return _copy(latest, year, latest.version + 1, user)
        last = ScoringScheme.objects.filter(year__lt=year, published_at__isnull=False).order_by("-year", "-version")
        if last.exists():
            return _copy(last.first(), year, 1, user)
        return ScoringScheme.objects.create(year=year, version=1, created_by=user)


def publish_scheme(pk, user):
    _may_manage_scheme(user)
    with transaction.atomic():
        scheme = locked_row(ScoringScheme.objects.all(), pk=pk)
        refuse_if_frozen(scheme.year, lock=True)
        if scheme.published_at is not None:
            raise PerformanceError(f"{scheme}已经发布。")
        if not scheme.rules.exists():
            raise PerformanceError("记分办法还没有任何规则，不能发布。")
        errors = [
            f"第 {n} 条：{message}"
            for n, rule in enumerate(scheme.rules.all(), 1)
            for message in rule_errors(rule.category, rule.role, rule.status, rule.points, rule.yearly_cap).values()
        ]
        if errors:
            raise PerformanceError("；".join(errors))
        scheme.published_at, scheme.published_by = timezone.now(), user
        scheme.save(update_fields=["published_at", "published_by"])
    return scheme


# --- figures for the pages and files


def ranked(scores):
    """[(rank, score)] for MemberScores ordered by total, highest first: equal totals share a
    rank and the next rank skips (1, 2, 2, 4)."""
    out, rank, previous = [], 0, None
    for index, score in enumerate(scores, 1):
        if score.total != previous:
            rank, previous = index, score.total
        out.append((rank, score))
    return out


def is_low_participation(score, scheme):
    rate = score.rate
    return rate is not None and Decimal(str(rate)) < scheme.low_participation_rate


def shortlist(scores, scheme):
    """优秀委员 candidates: per sector, the top `shortlist_per_sector` of those meeting the scheme's
    conditions (score, 出席率, unexcused absences), best first. `scores` carry member__sector."""
    by_sector = {}
    for score in sorted(scores, key=lambda s: (-s.total, s.member.code)):
        rate = score.rate
        if score.total < scheme.shortlist_min_score or score.absent > scheme.shortlist_max_absences:
            continue
        if rate is None or Decimal(str(rate)) < scheme.shortlist_min_rate:
            continue
        chosen = by_sector.setdefault(score.member.sector_id, [])
        if len(chosen) < scheme.shortlist_per_sector:
            chosen.append(score)
    return by_sector


# --- perf-front


def _invites_member(member):
    """Q over DutyActivity: the activities whose invitation names `member` (as `invitees` counts),
    through subqueries on the invitation tables so that no row is repeated."""

    def through(name, field, value):
        table = getattr(DutyActivity, name).through
        return Q(pk__in=table.objects.filter(**{field: value}).values("dutyactivity_id"))

    invited = Q(invite_all=True) | through("invite_members", "member_id", member.pk)
    for name, field, value in (
        ("invite_sectors", "sector_id", member.sector_id),
        ("invite_parties", "party_id", member.party_id),
        ("invite_committees", "specialcommittee_id", member.committee_id),
        ("invite_groups", "streetgroup_id", member.street_group_id),
    ):
        if value is not None:
            invited |= through(name, field, value)
    return invited


def leave_open_for(member, now=None):
    """What a member may still ask leave for, soonest first: the 履职活动 inviting them whose
    请假 deadline is ahead, and the 五个一 activities listing them as a participant whose day is
    ahead (leave_closes): ([DutyActivity], [FiveOnesFiling])."""
    from forms_app.five_ones.models import FiveOnesFiling

    now = now or timezone.now()
    activities = (
        DutyActivity.objects.filter(_invites_member(member))
        .filter(Q(leave_deadline__gt=now) | Q(leave_deadline__isnull=True, start__gt=now))
        .select_related("organiser")
        .order_by("start", "pk")
    )
    filings = (
        FiveOnesFiling.objects.filter(participants=member, activity_date__gt=timezone.localdate(now))
        .select_related("sector__contact_committee", "party")
        .order_by("activity_date", "pk")
    )
    return list(activities), list(filings)


def leave_decider_name(target):
    """Who decides 请假 for a target: the organiser of a 履职活动; for a 五个一 activity the
    sector's contact 专委会工作室 (委员联络室 when the sector has none, or for a party)."""
    if isinstance(target, DutyActivity):
        return organiser_name(target)
    committee = target.sector.contact_committee if target.sector_id else None
    return committee.office if committee else LIAISON_OFFICE_NAME


def in_year(requests, year):
    """LeaveRequests whose activity falls in `year` (a 履职活动 by its start, local time; a 五个一
    activity by its filing's year)."""
    tz = timezone.get_current_timezone()
    start, end = datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    return requests.filter(Q(activity__start__gte=start, activity__start__lt=end) | Q(filing__year=year))


def leave_requests_of(member):
    """A member's own 请假, newest first."""
    return LeaveRequest.objects.filter(member=member).select_related(
        "activity__organiser", "filing__sector__contact_committee", "filing__party", "decided_by"
    )


def leave_refusal(user):
    """Why a user may not open the 请假 queue, or "" when they may (委员联络室; a 专委会工作室
    whose account names its committee)."""
    if not user.is_active:
        return "账号已停用。"
    if user.has_perm(MANAGE):
        return ""
    if user.has_perm(RECORD):
        if account_of(user).committee is None:
            return "您的账号没有设置所属专委会，不能审批请假。请联系系统管理员在“账号归属”中设置。"
        return ""
    return "只有委员联络室和组织活动的专委会工作室可以审批请假。"


def objections_of(member, year):
    return Objection.objects.filter(member=member, year=year).select_related("entry")


def pending_changes_of(member, year):
    """冻结后变更，未计入 that concern one member: [(source label, 新增/更新/删除, title)]; empty
    when the year is not frozen (then the sources are synced, nothing waits)."""
    from .ledger import SOURCES, plan_sync

    if not is_frozen(year):
        return []
    out = []
    for key, source in SOURCES.items():
        plan = plan_sync(key, year)
        out += [(source.label, "新增", row.title) for row in plan.create if row.member_id == member.pk]
        out += [(source.label, "更新", entry.title) for entry, _changed in plan.update if entry.member_id == member.pk]
        out += [
            (source.label, "删除", entry.title) for entry in [*plan.delete, *plan.gone] if entry.member_id == member.pk
        ]
    return out


# --- perf-admin
# The admin's rules (履职活动 saved by an office, the seen-version check of corrections and the
# recompute after them, the draft 记分办法 saved with its rules, 重新同步并计分).


class SchemeInvalid(PerformanceError):
    """A draft 记分办法 the office cannot save: `errors` is {rule index: {field: message}}."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = errors


def may_read_rankings(user):
    """履职排名 and 参加活动较少: the leadership and 委员联络室 (may_view_rankings), and a committee
    office for the members in its scope (records_visible_to)."""
    return user.is_active and (may_view_rankings(user) or user.has_perm(MANAGE) or user.has_perm(RECORD))


def may_organise_activities(user):
    return user.has_perm(MANAGE) or (user.has_perm(RECORD) and account_of(user).committee is not None)


def activity_errors(user, organiser, start, leave_deadline):
    """{field: message} for a 履职活动 an office saves: a committee office organises only its own
    committee's activities (委员联络室 any, or none: itself); 请假 closes no later than the start."""
    errors = {}
    if not user.has_perm(MANAGE):
        own = account_of(user).committee if user.has_perm(RECORD) else None
        if own is None or organiser is None or organiser.pk != own.pk:
            name = own.office if own else "专委会工作室"
            errors["organiser"] = f"{name}只能创建、修改本专委会组织的履职活动。"
    if start and leave_deadline and leave_deadline > start:
        errors["leave_deadline"] = "请假截止时间不能晚于活动开始时间。"
    return errors


INVITATIONS = ("invite_sectors", "invite_parties", "invite_committees", "invite_groups", "invite_members")


def save_activity(user, fields, invitations, pk=None):
    """Create (pk None) or change a 履职活动. `fields`: name, kind, start, organiser, important,
    leave_deadline, invite_all; `invitations`: {INVITATIONS name: objects}. Refused for a frozen
    year (the activity's old or new year) and outside the user's activities."""
    if not may_organise_activities(user):
        raise Refused("只有委员联络室和专委会工作室可以管理履职活动。")
    errors = activity_errors(user, fields.get("organiser"), fields.get("start"), fields.get("leave_deadline"))
    if errors:
        raise PerformanceError("；".join(errors.values()))
    with transaction.atomic():
        activity = DutyActivity(created_by=user) if pk is None else locked_row(activities_for(user), pk=pk)
        years = {timezone.localtime(fields["start"]).year} | ({activity.year} if pk else set())
        for year in sorted(years):
            refuse_if_frozen(year, lock=True)
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.save()
        for name in INVITATIONS:
            getattr(activity, name).set(invitations.get(name, []))
    return activity


def entry_version(entry):
    """What a record page remembers of an entry, to notice a correction made meanwhile."""
    return entry.updated_at.isoformat()


def _refuse_if_entry_changed(pk, seen):
    entry = _locked_entry(pk)
    if seen and seen != entry_version(entry):
        last = entry.changes.select_related("actor").order_by("-at", "-pk").first()
        who = account_of(last.actor).name if last and last.actor else "他人"
        raise PerformanceError(f"这条记录在你打开页面之后已被{who}更正过，你的更正没有保存；请核对最新内容后再操作。")
    return entry


def rescore(year):
    """Recompute the year after a correction, when a 记分办法 is in force (else nothing to score)."""
    from .scoring import compute_scores, scheme_in_force

    if scheme_in_force(year) is not None:
        compute_scores(year)


def correct_seen_entry(pk, user, changes, why, seen):
    """更正 from a record page opened at `seen`: of two offices correcting at once, one wins and the
    other is told; the year is recomputed."""
    with transaction.atomic():
        _refuse_if_entry_changed(pk, seen)
        entry = correct_entry(pk, user, changes, why)
        rescore(entry.year)
    return entry


def void_seen_entry(pk, user, why, seen, restore=False):
    """作废 or 恢复 from a record page opened at `seen`; the year is recomputed."""
    with transaction.atomic():
        _refuse_if_entry_changed(pk, seen)
        entry = void_entry(pk, user, why, restore=restore)
        rescore(entry.year)
    return entry


def add_scored_entry(user, member, fields, why):
    """补录, then the year recomputed."""
    with transaction.atomic():
        entry = add_entry(user, member, fields, why)
        rescore(entry.year)
    return entry


def answer_open_objection(pk, user, answer):
    """Answer a 异议, unless its year is frozen."""
    with transaction.atomic():
        objection = Objection.objects.get(pk=pk)
        refuse_if_frozen(objection.year, lock=True)
        return answer_objection(pk, user, answer)


def save_scheme(pk, user, settings, rule_rows):
    """Save a draft 记分办法: its settings (SCHEME_FIELDS) and its rules, replaced by `rule_rows`
    [{category, role, status, points, yearly_cap}] in order. A published version is never edited;
    every rule is checked by rule_errors (SchemeInvalid names each one)."""
    _may_manage_scheme(user)
    errors = {
        index: found
        for index, row in enumerate(rule_rows)
        if (found := rule_errors(row["category"], row["role"], row["status"], row["points"], row["yearly_cap"]))
    }
    if errors:
        found = "；".join(f"第 {i + 1} 条：{m}" for i, messages in errors.items() for m in messages.values())
        raise SchemeInvalid(f"记分规则有误：{found}", errors)
    with transaction.atomic():
        scheme = locked_row(ScoringScheme.objects.all(), pk=pk)
        refuse_if_frozen(scheme.year, lock=True)
        if scheme.published_at is not None:
            raise PerformanceError(f"{scheme}已经发布，不能再修改；请点“修改”生成新的版本。")
        for name in SCHEME_FIELDS:
            if name in settings:
                setattr(scheme, name, settings[name])
        scheme.save()
        scheme.rules.all().delete()
        ScoringRule.objects.bulk_create(
            [
                ScoringRule(
                    scheme=scheme,
                    sort_order=order,
                    **{name: row[name] for name in ("category", "role", "status", "points", "yearly_cap")},
                )
                for order, row in enumerate(rule_rows)
            ]
        )
    return scheme


def resync_and_score(year, user):
    """重新同步并计分: the ledger brought in line with its sources, then scored under the scheme in
    force. Returns (the sync's Counter, the scheme used or None)."""
    from .ledger import sync_ledger
    from .scoring import compute_scores, scheme_in_force

    if not user.has_perm(MANAGE):
        raise Refused("只有委员联络室可以重新同步并计分。")
    with transaction.atomic():
        done = sync_ledger(year)
        scheme = compute_scores(year) if scheme_in_force(year) is not None else None
    return done, scheme


# --- perf-files


def may_download_records(user):
    """The 履职档案's files (委员年度履职统计, 履职档案 PDF, 通报所在单位, 优秀委员推荐名单): 委员联络室
    and the readers of the rankings (秘书长, 分管副主席, 主席会议)."""
    return user.is_active and (user.has_perm(MANAGE) or user.has_perm(VIEW_RANKINGS))


def may_record_attendance(user):
    """Who imports 签到表 at all (which activities: activities_for)."""
    return user.is_active and (user.has_perm(MANAGE) or user.has_perm(RECORD))


NOT_BEGUN = "活动还没有开始，不能登记出勤。"


def attendance_refusal(activity, now=None):
    """Why no attendance can be recorded for `activity` at all (its year frozen, or it has not
    begun), or None. record_participation checks the same again under its lock."""
    if message := frozen_message(activity.year):
        return message
    if activity.start > (now or timezone.now()):
        return NOT_BEGUN
    return None


def rank_of(score):
    """The rank `ranked` gives this MemberScore among its year's: 1 + how many scored more."""
    from .models import MemberScore

    return MemberScore.objects.filter(year=score.year, total__gt=score.total).count() + 1


def employer_of(member):
    """The 单位 a 通报 letter is addressed to: 单位及职务 up to the first space (「区实验小学 副校长」 →
    区实验小学); the whole text when it holds no space; None when it is blank."""
    text = (member.employer_title or "").replace("\u3000", " ").strip()
    return text.split()[0] if text else None
