"""The 履职成果 registry's rules (seed 000, 002, 003, 004 item 8). Forms, wizards, admin views, the
importer and commands all call these; none of them decides who may do what, or what is valid, by
itself.

- Who submits: 委员个人 has exactly one author, 多名委员联名 two or more distinct members, 界别/党派
  names its sector or party (its 执笔人 may be listed as authors).
- Who sees: the authors, the account that entered it, the 界别组长 of its sector or party; 提案委 all
  提案, 研究室 the other four kinds; 委员联络室, 秘书长, 分管副主席 and 主席会议 everything; other
  offices what members_visible_to() lets them see.
- Only 已确认 entries count. A member's edit of a confirmed entry sends it back to 待确认.
- 提案: 立案 after confirmation; units only for a 立案 proposal; 办前沟通 on or before 答复, 办中协商
  between 交办 and 答复, 办后回访 on or after 答复; no 答复 within the year's 办理时限 of 交办 is 逾期.
"""

import calendar
import datetime
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from lianxin_site.db import locked_row
from lianxin_site.errors import DomainError
from people import roles
from people.models import Member
from people.services import account_of, members_visible_to

from .models import (
    DEFAULT_HANDLING_MONTHS,
    Acceptance,
    AuthorKind,
    HandlingStep,
    HandlingUnit,
    Kind,
    ProposalUnit,
    Result,
    ResultAuthor,
    ResultChange,
    ResultYear,
    Source,
    Status,
)

Step = HandlingStep.Step

MANAGE_PROPOSALS = "results.manage_proposals"
MANAGE_OTHERS = "results.manage_other_results"
VIEW_ALL = "results.view_all_results"
ADD_FRONT = "results.add_result"
NOT_YOURS = "只能修改自己作为作者的成果"


class ResultError(DomainError):
    """An entry or an action on it refused now; the message is for the user."""


class ResultInvalid(ResultError):
    """What the user entered breaks a rule. `errors` is {field name: [message]} ("" for the
    whole entry), so a form can put each message beside its field."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("；".join(m for messages in errors.values() for m in messages))


# --- who manages which kinds


def manage_permission(kind):
    return MANAGE_PROPOSALS if kind == Kind.PROPOSAL else MANAGE_OTHERS


def office_for(kind):
    """The office that handles entries of this kind."""
    return roles.PROPOSAL_COMMITTEE if kind == Kind.PROPOSAL else roles.RESEARCH_OFFICE


def manages(user, kind):
    """Whether the user is the office for entries of this kind: 提案委 for 提案, 研究室 for the rest."""
    return user.is_authenticated and user.has_perm(manage_permission(kind))


def managed_kinds(user):
    return [kind for kind in Kind.values if manages(user, kind)]


# --- who sees what


def results_visible_to(user):
    """The entries a user may see, in the admin, on the front end and in every export."""
    results = Result.objects.select_related("sector", "party")
    if not user.is_authenticated or not user.is_active:
        return results.none()
    if user.is_superuser or user.has_perm(VIEW_ALL):
        return results
    reads_results = user.has_perm("results.view_result") or user.has_perm("results.add_result")
    if user.has_perm("people.view_all_members") and user.has_perm("results.view_result") and not managed_kinds(user):
        return results  # a roster-wide reader (专委会工作六室): every member's entries, and every sector's
    account = account_of(user)
    scope = Q(entered_by=user)
    if user.has_perm(MANAGE_PROPOSALS):
        scope |= Q(kind=Kind.PROPOSAL)
    if user.has_perm(MANAGE_OTHERS):
        scope |= ~Q(kind=Kind.PROPOSAL)
    if account.member:
        scope |= Q(pk__in=ResultAuthor.objects.filter(member=account.member).values("result"))
    if account.sector:
        scope |= Q(sector=account.sector)
    if account.party:
        scope |= Q(party=account.party)
    # The offices that handle results see their own kinds, not whatever the roster lets them see
    # (both read the whole roster to pick authors): 研究室 never sees another office's 提案.
    # Those who read the roster for another job (系统管理员) read no entries.
    if reads_results and user.has_perm("people.view_member") and not managed_kinds(user):
        visible = members_visible_to(user)
        scope |= Q(pk__in=ResultAuthor.objects.filter(member__in=visible.values("pk")).values("result"))
        if account.committee:
            scope |= Q(sector__contact_committee=account.committee)
    return results.filter(scope)


def my_results(user):
    """我的履职成果 on the front end: as author or co-author, entered by me, or (界别组长) in the name
    of my sector or party."""
    account = account_of(user)
    scope = Q(entered_by=user)
    if account.member:
        scope |= Q(pk__in=ResultAuthor.objects.filter(member=account.member).values("result"))
    if account.sector:
        scope |= Q(sector=account.sector, author_kind=AuthorKind.SECTOR)
    if account.party:
        scope |= Q(party=account.party, author_kind=AuthorKind.PARTY)
    return Result.objects.select_related("sector", "party").filter(scope)


def may_register(user):
    """Whether the account registers its own results on the front end (委员, 界别组长)."""
    account = account_of(user)
    return account.can(ADD_FRONT) and bool(account.member or account.sector or account.party)


def author_kinds_for(user):
    """The 作者类型 an account may register on the front end: a member their own (alone or jointly),
    a 界别组长 in their sector's or party's name, as their Profile fixes."""
    account = account_of(user)
    kinds = []
    if account.member:
        kinds += [AuthorKind.INDIVIDUAL, AuthorKind.JOINT]
    if account.can(ADD_FRONT) and account.sector:
        kinds.append(AuthorKind.SECTOR)
    if account.can(ADD_FRONT) and account.party:
        kinds.append(AuthorKind.PARTY)
    return kinds


def owns(user, result):
    """Whether the entry is the user's own: an author, the account that entered it, or the
    界别组长 of the sector (party) in whose name it was submitted."""
    account = account_of(user)
    if result.entered_by_id == user.pk:
        return True
    if account.member and result.author_rows.filter(member=account.member).exists():
        return True
    if account.sector and result.author_kind == AuthorKind.SECTOR and result.sector_id == account.sector.pk:
        return True
    return bool(account.party and result.author_kind == AuthorKind.PARTY and result.party_id == account.party.pk)


def edit_refusal(user, result):
    """Why the user may not change the entry on the front end now, or "". PermissionDenied when it
    is not theirs at all (the view answers 403)."""
    if not owns(user, result):
        raise PermissionDenied(NOT_YOURS)
    if result.status == Status.WITHDRAWN:
        return "这项成果已撤回，不能再修改。"
    if handled := handling_started(result):
        return f"{handled}，不能再修改；如需更正请联系{office_for(result.kind)}。"
    return ""


def handling_started(result):
    """What an office has already done with the entry that fixes it (a 提案's 立案情况, a
    社情民意信息's 编发, 报送 or 采用), as the start of a sentence; "" when nothing has."""
    if result.kind == Kind.PROPOSAL and result.acceptance:
        return f"这件提案已{result.get_acceptance_display()}"
    used = [
        label
        for flag, label in (
            (result.edited_by_committee, "区政协编发"),
            (result.sent_to_district or result.sent_on, "报送区委区政府"),
            (result.adopted_by_city, "市政协采用"),
        )
        if flag
    ]
    if result.kind == Kind.OPINION and used:
        return f"这条社情民意信息已{'、'.join(used)}"
    return ""


# --- what a valid entry is


def submitted_on_error(year, value, today=None):
    today = today or timezone.localdate()
    if value.year != year:
        return f"提交日期应在 {year} 年内。"
    if value > today:
        return f"提交日期不能晚于今天（{today:%Y-%m-%d}）。"
    return ""


def author_errors(author_kind, members, sector=None, party=None):
    """{field: [message]} for the authors of an entry: members in order, first is 第一提案人."""
    errors = {}
    pks = [m.pk for m in members]
    if len(set(pks)) != len(pks):
        errors["authors"] = ["同一位委员不能重复列为作者。"]
    elif author_kind == AuthorKind.INDIVIDUAL and len(pks) != 1:
        errors["authors"] = ["委员个人名义的成果只有一位作者；多位委员请选“多名委员联名”。"]
    elif author_kind == AuthorKind.JOINT and len(pks) < 2:
        errors["authors"] = ["联名提案至少需要两名委员。"]
    if author_kind == AuthorKind.SECTOR and not sector:
        errors["sector"] = ["以界别名义提交，请选择界别。"]
    if author_kind == AuthorKind.PARTY and not party:
        errors["party"] = ["以党派名义提交，请选择党派。"]
    return errors


def number_error(year, kind, number, exclude_pk=None):
    if not number:
        return ""
    taken = Result.objects.filter(year=year, kind=kind, number=number).exclude(pk=exclude_pk)
    if taken.exists():
        return number_taken(year, kind, number)
    return ""


def save_numbered(result, **kwargs):
    """Save an entry that has a 编号. Two people giving one number at the same moment both pass
    number_error(); the unique constraint lets the first through, and the second is told as a
    field error, not a 500."""
    try:
        with transaction.atomic():
            result.save(**kwargs)
    except IntegrityError as exc:
        others = Result.objects.filter(year=result.year, kind=result.kind, number=result.number).exclude(pk=result.pk)
        if result.number and others.exists():
            raise ResultInvalid({"number": [number_taken(result.year, result.kind, result.number)]}) from exc
        raise


def number_taken(year, kind, number):
    """The message when another entry of the year and kind has this number."""
    return f"{year} 年的{Kind(kind).label}中已有编号 {number}。"


RESULT_FIELDS = (
    "year",
    "kind",
    "title",
    "summary",
    "submitted_on",
    "author_kind",
    "sector",
    "party",
    "number",
    "occasion",
)
PROPOSAL_ONLY = ("occasion", "acceptance", "merged_into", "assigned_on", "answered_on", "satisfaction")
OPINION_ONLY = ("edited_by_committee", "sent_to_district", "sent_on", "adopted_by_city", "instructions")


def entry_errors(data, members, instance=None, today=None):
    """{field: [message]} for an entry's own fields (RESULT_FIELDS in `data`) and its authors."""
    errors = {}
    year, kind = data["year"], data["kind"]
    if error := submitted_on_error(year, data["submitted_on"], today):
        errors["submitted_on"] = [error]
    sector = data.get("sector") if data["author_kind"] == AuthorKind.SECTOR else None
    party = data.get("party") if data["author_kind"] == AuthorKind.PARTY else None
    errors.update(author_errors(data["author_kind"], members, sector, party))
    if error := number_error(year, kind, data.get("number", ""), instance.pk if instance else None):
        errors["number"] = [error]
    if kind == Kind.PROPOSAL and not data.get("occasion"):
        errors["occasion"] = ["请选择大会提案或平时提案。"]
    return errors


def _describe(result, members):
    return {
        **{field: _text(getattr(result, field)) for field in RESULT_FIELDS},
        "authors": "、".join(m.name for m in members),
    }


def _text(value):
    if value is None:
        return ""
    return str(value)


def log(result, user, action, what="", why=""):
    return ResultChange.objects.create(result=result, actor=user, action=action, what=what, why=why)


def _diff(before, after):
    labels = {f.name: str(f.verbose_name) for f in Result._meta.get_fields() if hasattr(f, "verbose_name")}
    labels["authors"] = "作者"
    changed = [
        f"{labels.get(key, key)}：{before.get(key) or '（空）'} → {after[key] or '（空）'}"
        for key in after
        if before.get(key) != after[key]
    ]
    return "；".join(changed)


@transaction.atomic
def save_entry(user, data, members, source, instance=None, attachment=None, reason=""):
    """Create an entry, or change one (its row locked). `data` holds RESULT_FIELDS; `members` the
    authors in order; `attachment` an uploaded file or None (keep), False (remove).

    A member (source 前台) registers as 待确认, and an edit of a confirmed entry sends it back to
    待确认; an office's entry (后台, 导入) is 已确认. Raises ResultInvalid listing every problem."""
    if instance is not None:
        instance = locked_row(Result.objects.all(), pk=instance.pk)
        before = _describe(instance, [a.member for a in instance.author_rows.select_related("member")])
    else:
        before = {}
    errors = entry_errors(data, members, instance)
    if errors:
        raise ResultInvalid(errors)
    result = instance or Result(source=source, entered_by=user)
    for field in RESULT_FIELDS:
        setattr(result, field, data.get(field, getattr(result, field, None)) or _blank(field))
    if result.author_kind != AuthorKind.SECTOR:
        result.sector = None
    if result.author_kind != AuthorKind.PARTY:
        result.party = None
    if result.kind != Kind.PROPOSAL:
        result.occasion = ""
    if source == Source.FRONT:
        if instance is None or result.status in (Status.CONFIRMED, Status.RETURNED):
            result.status = Status.PENDING
            result.return_reason = ""
    elif instance is None:
        result.status = Status.CONFIRMED
    if attachment is False:
        result.attachment = ""
        result.attachment_name = ""
    elif attachment is not None:
        result.attachment.save(attachment.name, attachment, save=False)
        result.attachment_name = attachment.name
    save_numbered(result)
    set_authors(result, members)
    after = _describe(result, members)
    if instance is None:
        log(result, user, f"登记（{Source(source).label}）", after["title"])
    else:
        what = _diff(before, after)
        if attachment is not None:
            what = "；".join(filter(None, [what, "附件已更换" if attachment else "附件已删除"]))
        log(result, user, "修改", what or "未改动内容", reason)
    return result


def _blank(field):
    return None if field in ("sector", "party") else ""


def set_authors(result, members):
    ResultAuthor.objects.filter(result=result).delete()
    ResultAuthor.objects.bulk_create(
        ResultAuthor(result=result, member=member, position=position) for position, member in enumerate(members, 1)
    )


# --- the office's actions


def _managed(result_id, user):
    result = locked_row(Result.objects.all(), pk=result_id)
    if not manages(user, result.kind):
        raise PermissionDenied(f"只有{office_for(result.kind)}可以处理这项成果。")
    return result


def _require(result, *statuses, doing):
    if result.status not in statuses:
        raise ResultError(f"这项成果目前为“{result.get_status_display()}”，不能{doing}。")


@transaction.atomic
def confirm(result_id, user):
    result = _managed(result_id, user)
    _require(result, Status.PENDING, doing="确认")
    result.status = Status.CONFIRMED
    result.return_reason = ""
    result.save(update_fields=["status", "return_reason", "updated_at"])
    log(result, user, "确认")
    return result


@transaction.atomic
def return_entry(result_id, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ResultInvalid({"reason": ["退回时请写明原因，方便委员修改。"]})
    result = _managed(result_id, user)
    _require(result, Status.PENDING, Status.CONFIRMED, doing="退回")
    if handled := handling_started(result):
        raise ResultError(f"{handled}，不能退回。")
    result.status = Status.RETURNED
    result.return_reason = reason
    result.save(update_fields=["status", "return_reason", "updated_at"])
    log(result, user, "退回", why=reason)
    return result


@transaction.atomic
def withdraw(result_id, user, reason=""):
    """The author withdraws an entry that no office has acted on yet (待确认 or 已退回)."""
    result = locked_row(Result.objects.all(), pk=result_id)
    if not owns(user, result):
        raise PermissionDenied(NOT_YOURS)
    _require(result, Status.PENDING, Status.RETURNED, doing="撤回")
    result.status = Status.WITHDRAWN
    result.save(update_fields=["status", "updated_at"])
    log(result, user, "撤回", why=reason)
    return result


# --- 提案 handling


def _proposal(result_id, user):
    result = _managed(result_id, user)
    if result.kind != Kind.PROPOSAL:
        raise ResultError("只有提案有立案和办理。")
    return result


@transaction.atomic
def record_acceptance(result_id, user, acceptance, number="", merged_into=""):
    """立案, 不予立案, or 并案 into another proposal of the year (by its 案号)."""
    result = _proposal(result_id, user)
    _require(result, Status.CONFIRMED, doing="立案")
    number, merged_into = (number or "").strip(), (merged_into or "").strip()
    errors = {}
    if number and (error := number_error(result.year, result.kind, number, result.pk)):
        errors["number"] = [error]
    if acceptance == Acceptance.MERGED:
        target = Result.objects.filter(year=result.year, kind=Kind.PROPOSAL, number=merged_into)
        if error := merge_error(
            result.year, number or result.number, merged_into, target.values_list("number", flat=True)
        ):
            errors["merged_into"] = [error]
    elif result.units.exists() and acceptance != Acceptance.ACCEPTED:
        errors["acceptance"] = ["这件提案已经交办承办单位，只能保持立案。"]
    if errors:
        raise ResultInvalid(errors)
    before = result.get_acceptance_display() or "（空）"
    result.acceptance = acceptance
    result.merged_into = merged_into if acceptance == Acceptance.MERGED else ""
    if number:
        result.number = number
    save_numbered(result, update_fields=["acceptance", "merged_into", "number", "updated_at"])
    what = f"立案情况：{before} → {result.get_acceptance_display()}"
    if result.merged_into:
        what += f"（并入 {result.merged_into}）"
    log(result, user, "立案", what)
    return result


def merge_error(year, number, merged_into, numbers):
    """Why a 提案 numbered `number` cannot be 并案 into `merged_into`, or "". `numbers`: the year's
    提案 案号 (any container; only `merged_into in numbers` is asked)."""
    if not merged_into:
        return "并案请填写并入提案的案号。"
    if merged_into == number:
        return "不能并入本案。"
    if merged_into not in numbers:
        return f"{year} 年没有案号为 {merged_into} 的提案。"
    return ""


def assign_refusal(acceptance):
    """Why a proposal with this 立案情况 cannot be given units, or ""."""
    return "" if acceptance == Acceptance.ACCEPTED else "只有立案的提案才能交办承办单位。"


def unit_errors(lead_units, assist_units, assigned=(), handled=None):
    """{field: [message]} for the units (主办 `lead_units`, 协办 `assist_units`) of a 立案 proposal:
    `assigned` holds the pks of its units now (a unit since 停用 may stay), `handled` {pk: name}
    the units that recorded a handling step (they cannot be dropped)."""
    errors = {}
    if not lead_units:
        errors["lead_units"] = ["请至少选择一个主办单位。"]
    if {u.pk for u in lead_units} & {u.pk for u in assist_units}:
        errors["assist_units"] = ["同一单位不能既主办又协办。"]
    for name, units in (("lead_units", lead_units), ("assist_units", assist_units)):
        disabled = [u.name for u in units if u.disabled and u.pk not in assigned]
        if disabled:
            errors.setdefault(name, []).append(f"{'、'.join(disabled)}已停用，不能再交办。")
    chosen = {u.pk for u in [*lead_units, *assist_units]}
    dropped = [name for pk, name in (handled or {}).items() if pk not in chosen]
    if dropped:
        errors.setdefault("lead_units", []).append(f"{'、'.join(dropped)}已有办理记录，不能从交办中去掉。")
    return errors


@transaction.atomic
def assign_units(result_id, user, lead_units, assist_units, assigned_on, today=None):
    """交办: the lead (主办) and assisting (协办) units and the date. Replaces earlier units, but a
    unit that already recorded a handling step stays."""
    today = today or timezone.localdate()
    result = _proposal(result_id, user)
    if refusal := assign_refusal(result.acceptance):
        raise ResultError(refusal)
    handled = HandlingUnit.objects.filter(pk__in=result.steps.values("unit_id"))
    errors = unit_errors(
        lead_units,
        assist_units,
        assigned=set(result.units.values_list("unit_id", flat=True)),
        handled=dict(handled.values_list("pk", "name")),
    )
    if not assigned_on:
        errors["assigned_on"] = ["请填写交办日期。"]
    elif assigned_on > today:
        errors["assigned_on"] = [f"交办日期不能晚于今天（{today:%Y-%m-%d}）。"]
    elif assigned_on < result.submitted_on:
        errors["assigned_on"] = [f"交办日期不能早于提交日期（{result.submitted_on:%Y-%m-%d}）。"]
    elif result.answered_on and assigned_on > result.answered_on:
        errors["assigned_on"] = [f"交办日期不能晚于答复日期（{result.answered_on:%Y-%m-%d}）。"]
    elif first_during := result.steps.filter(step=Step.DURING, date__lt=assigned_on).order_by("date").first():
        errors["assigned_on"] = [f"已有办中协商记录在 {first_during.date:%Y-%m-%d}，交办日期不能晚于它。"]
    if errors:
        raise ResultInvalid(errors)
    before = "、".join(str(u) for u in result.units.select_related("unit")) or "（空）"
    ProposalUnit.objects.filter(result=result).delete()
    ProposalUnit.objects.bulk_create(
        [ProposalUnit(result=result, unit=u, role=ProposalUnit.Role.LEAD) for u in lead_units]
        + [ProposalUnit(result=result, unit=u, role=ProposalUnit.Role.ASSIST) for u in assist_units]
    )
    old_date = result.assigned_on
    result.assigned_on = assigned_on
    result.save(update_fields=["assigned_on", "updated_at"])
    after = "、".join(str(u) for u in result.units.select_related("unit"))
    what = f"承办单位：{before} → {after}"
    if old_date != assigned_on:
        what += f"；交办日期：{old_date or '（空）'} → {assigned_on}"
    log(result, user, "交办", what)
    return result


@transaction.atomic
def record_answer(result_id, user, answered_on, satisfaction="", today=None):
    """答复日期 and, once answered, the proposer's 满意度. The date must keep every recorded step
    in its place (办前、办中 on or before it, 办后 on or after it)."""
    today = today or timezone.localdate()
    result = _proposal(result_id, user)
    if not result.assigned_on:
        raise ResultError("这件提案还没有交办，不能记录答复。")
    errors = {}
    if answered_on is None:
        if satisfaction:
            errors["satisfaction"] = ["请先填写答复日期，再记录满意度。"]
        elif result.steps.filter(step=Step.AFTER).exists():
            errors["answered_on"] = ["已有办后回访记录，不能清除答复日期。"]
    elif answered_on > today:
        errors["answered_on"] = [f"答复日期不能晚于今天（{today:%Y-%m-%d}）。"]
    elif answered_on < result.assigned_on:
        errors["answered_on"] = [f"答复日期不能早于交办日期（{result.assigned_on:%Y-%m-%d}）。"]
    else:
        steps = result.steps.all()
        late = steps.filter(step__in=[Step.BEFORE, Step.DURING], date__gt=answered_on).order_by("-date").first()
        early = steps.filter(step=Step.AFTER, date__lt=answered_on).order_by("date").first()
        if late:
            errors["answered_on"] = [f"已有{late.get_step_display()}记录在 {late.date:%Y-%m-%d}，答复日期不能早于它。"]
        elif early:
            errors["answered_on"] = [f"已有办后回访记录在 {early.date:%Y-%m-%d}，答复日期不能晚于它。"]
    if errors:
        raise ResultInvalid(errors)
    before = (result.answered_on, result.get_satisfaction_display())
    result.answered_on = answered_on
    result.satisfaction = satisfaction or ""
    result.save(update_fields=["answered_on", "satisfaction", "updated_at"])
    log(
        result,
        user,
        "答复",
        f"答复日期：{before[0] or '（空）'} → {answered_on or '（空）'}；"
        f"满意度：{before[1] or '（空）'} → {result.get_satisfaction_display() or '（空）'}",
    )
    return result


def step_date_error(result, step, date, today=None):
    """Why a handling step cannot be on `date`, or "": 办前沟通 on or before 答复, 办中协商 between
    交办 and 答复, 办后回访 on or after 答复; never in the future."""
    today = today or timezone.localdate()
    if date > today:
        return f"日期不能晚于今天（{today:%Y-%m-%d}）。"
    answered = result.answered_on
    if step == Step.BEFORE:
        if answered and date > answered:
            return f"办前沟通日期不能晚于答复日期（{answered:%Y-%m-%d}）。"
    elif step == Step.DURING:
        if not result.assigned_on:
            return "这件提案还没有交办，不能记录办中协商。"
        if date < result.assigned_on:
            return f"办中协商日期不能早于交办日期（{result.assigned_on:%Y-%m-%d}）。"
        if answered and date > answered:
            return f"办中协商日期不能晚于答复日期（{answered:%Y-%m-%d}）。"
    elif step == Step.AFTER:
        if not answered:
            return "这件提案还没有答复，不能记录办后回访。"
        if date < answered:
            return f"办后回访日期不能早于答复日期（{answered:%Y-%m-%d}）。"
    return ""


@transaction.atomic
def add_step(result_id, user, unit, step, date, form, members=(), notes="", today=None):
    result = _proposal(result_id, user)
    errors = {}
    if not result.units.filter(unit=unit).exists():
        errors["unit"] = [f"{unit.name}不是这件提案的承办单位。"]
    if error := step_date_error(result, step, date, today):
        errors["date"] = [error]
    if errors:
        raise ResultInvalid(errors)
    record = HandlingStep.objects.create(
        result=result, unit=unit, step=step, date=date, form=form, notes=notes.strip(), recorded_by=user
    )
    record.members_present.set(members)
    log(result, user, record.get_step_display(), f"{unit.name}，{date:%Y-%m-%d}，{record.get_form_display()}")
    return record


# --- 逾期


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def handling_months(year):
    row = ResultYear.objects.filter(year=year).first()
    return row.handling_months if row else DEFAULT_HANDLING_MONTHS


def answer_due(result, months=None):
    """The last day to answer a 交办 proposal, or None."""
    if not result.assigned_on:
        return None
    return add_months(result.assigned_on, handling_months(result.year) if months is None else months)


def is_overdue(result, today=None, months=None):
    """逾期: 立案 and 交办, no 答复, and the 办理时限 has passed."""
    today = today or timezone.localdate()
    due = answer_due(result, months)
    return bool(
        result.kind == Kind.PROPOSAL
        and result.acceptance == Acceptance.ACCEPTED
        and due
        and not result.answered_on
        and today > due
    )


# --- 社情民意信息


@transaction.atomic
def record_opinion_use(result_id, user, edited_by_committee, adopted_by_city, instructions=""):
    result = _managed(result_id, user)
    if result.kind != Kind.OPINION:
        raise ResultError("只有社情民意信息有采用情况。")
    _require(result, Status.CONFIRMED, doing="记录采用情况")
    result.edited_by_committee = edited_by_committee
    result.adopted_by_city = adopted_by_city
    result.instructions = (instructions or "").strip()
    result.save(update_fields=["edited_by_committee", "adopted_by_city", "instructions", "updated_at"])
    uses = [label for flag, label in ((edited_by_committee, "区政协编发"), (adopted_by_city, "市政协采用")) if flag]
    log(result, user, "采用情况", "、".join(uses) or "（无）", result.instructions)
    return result


@transaction.atomic
def send_to_district(result_ids, user, sent_on, today=None):
    """研究室 报送区委区政府: marks confirmed 社情民意信息 as sent on one date (a batch)."""
    if not user.has_perm(MANAGE_OTHERS):
        raise PermissionDenied("只有研究室可以报送社情民意信息。")
    today = today or timezone.localdate()
    if sent_on > today:
        raise ResultInvalid({"sent_on": [f"报送日期不能晚于今天（{today:%Y-%m-%d}）。"]})
    results = list(
        Result.objects.filter(pk__in=result_ids, kind=Kind.OPINION).select_for_update(of=("self",)).order_by("pk")
    )
    refused = [r.title for r in results if r.status != Status.CONFIRMED or r.sent_to_district]
    if refused:
        raise ResultError(f"以下信息未确认或已报送，未作任何改动：{'、'.join(refused)}。")
    if not results:
        raise ResultError("请选择要报送的社情民意信息。")
    for result in results:
        result.sent_to_district = True
        result.sent_on = sent_on
        result.save(update_fields=["sent_to_district", "sent_on", "updated_at"])
        log(result, user, "报送区委区政府", f"{sent_on:%Y-%m-%d}")
    return results


# --- front end


# 类别与标题, the wizard's first step: the checks of entry_errors() that need no authors.
HEADING_FIELDS = ("year", "kind", "title", "submitted_on", "occasion")
# Years a member registers on the front end; older entries come in through the offices' import.
FRONT_YEARS = 5
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "ofd", "odt", "txt", "jpg", "jpeg", "png")
ATTACHMENT_NAME_MAX = 200
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")
COUNT_WORDS = {2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}


def front_years(today=None, instance=None):
    """The years offered on the front end, newest first: this year and the four before it (and
    the year of the entry being edited, however old)."""
    this = (today or timezone.localdate()).year
    years = list(range(this, this - FRONT_YEARS, -1))
    if instance is not None and instance.year not in years:
        years.append(instance.year)
    return years


def heading_errors(data, instance=None, today=None):
    """{field: [message]} for the wizard's 类别与标题 (HEADING_FIELDS in `data`), so that a wrong
    提交日期 or a missing 大会/平时 shows on that step, not at the end."""
    errors = entry_errors({**data, "author_kind": AuthorKind.INDIVIDUAL}, [], instance, today)
    return {field: messages for field, messages in errors.items() if field in HEADING_FIELDS}


def attachment_error(name, size):
    """Why an uploaded file cannot be an entry's attachment, or "": its type and size are checked
    before it is stored anywhere."""
    limit = settings.RESULT_ATTACHMENT_MAX_BYTES
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        return f"附件只能是 {'、'.join(ATTACHMENT_EXTENSIONS)} 文件，“{name}”不是。"
    if size > limit:
        return f"附件“{name}”有 {filesizeformat(size)}，超过了 {filesizeformat(limit)} 的上限。"
    if size == 0:
        return f"附件“{name}”是空文件，请重新选择。"
    if len(name) > ATTACHMENT_NAME_MAX:
        return f"附件的文件名太长（{len(name)} 个字），请改短到 {ATTACHMENT_NAME_MAX} 个字以内后再上传。"
    return ""


def split_names(text):
    """The 委员证号 or names in `text`, separated by 、，, spaces or new lines."""
    return [token for token in NAME_SEPARATORS.split(text or "") if token]


NAME_AND_CODE = re.compile(r"^(?P<name>[^（(]+)[（(](?P<code>[^）)]+)[）)]$")


def resolve_members(text, candidates=None):
    """The members `text` names, in order and each once, and a message for every name that does not
    name exactly one member of `candidates` (default the roster). Each is written as a 委员证号, a
    name, or 姓名（委员证号）, separated by 、，, spaces or new lines: the wizard, the admin's forms
    and their tests all read names this one way."""
    candidates = Member.objects.all() if candidates is None else candidates
    wanted = []
    for token in split_names(text):
        match = NAME_AND_CODE.match(token)
        wanted.append((token, match["name"].strip(), match["code"].strip()) if match else (token, "", ""))
    codes = {code for _, _, code in wanted if code}
    codes |= {token for token, _, code in wanted if not code} | {token.upper() for token, _, code in wanted if not code}
    names = {token for token, _, code in wanted if not code}
    found = candidates.filter(Q(code__in=codes) | Q(name__in=names)).order_by("code")
    by_code, by_name = {}, {}
    for member in found:
        by_code[member.code.upper()] = member
        by_name.setdefault(member.name, []).append(member)
    members, problems = [], []
    for token, name, code in wanted:
        if code:
            member = by_code.get(code.upper())
            if member is None:
                problems.append(f"{code} 不在名册中。")
                continue
            if member.name != name:
                problems.append(f"委员证号 {code} 是{member.name}，不是{name}。")
                continue
        else:
            named = by_name.get(token, [])
            member = by_code.get(token.upper())
            if member is None and len(named) == 1:
                member = named[0]
            if member is None:
                if named:
                    codes_of = "、".join(m.code for m in named)
                    problems.append(
                        f"{token} 有{COUNT_WORDS.get(len(named), len(named))}位（{codes_of}），请写委员证号。"
                    )
                else:
                    problems.append(f"{token} 不在名册中。")
                continue
        if member not in members:
            members.append(member)
    return members, list(dict.fromkeys(problems))  # a name typed twice is named once


def names_text(members):
    """Members as a member would type them: the name, or the 委员证号 where the name is not unique
    in the roster (so that the text resolves back to the same members)."""
    members = list(members)
    shared = set(
        Member.objects.filter(name__in=[m.name for m in members])
        .values("name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    return "、".join(m.code if m.name in shared else m.name for m in members)


def front_author_kinds(user, instance=None):
    """The 作者类型 offered when a member registers or edits an entry: theirs (author_kinds_for),
    and the entry's own when they edit one in another kind (a 执笔人 editing a 界别 entry)."""
    kinds = author_kinds_for(user)
    if instance is not None and instance.author_kind not in kinds:
        kinds.append(AuthorKind(instance.author_kind))
    return kinds


def front_authors(user, author_kind, listed):
    """The authors of a front-end entry in order: 委员个人 is the member themself; 联名 the members
    listed (the wizard starts the list with the member, as 第一提案人); 界别/党派 its 执笔人, if any."""
    if author_kind == AuthorKind.INDIVIDUAL:
        member = account_of(user).member
        return [member] if member else []
    return list(listed)


def front_author_error(user, author_kind, members):
    """A member registers what they wrote: a 联名 entry from the front end lists the member among
    its authors (else it would not be theirs to follow, edit or withdraw). "" when it does."""
    member = account_of(user).member
    if author_kind == AuthorKind.JOINT and member is not None and member not in members:
        return f"联名成果须把您本人（{member.name}）列为作者之一。"
    return ""


def front_collective(user, author_kind, instance=None):
    """The (sector, party) an entry names: the one the account's Profile fixes, or, when an entry
    keeps its kind, the one it already names."""
    account = account_of(user)
    if instance is not None and instance.author_kind == author_kind:
        return instance.sector, instance.party
    if author_kind == AuthorKind.SECTOR:
        return account.sector, None
    if author_kind == AuthorKind.PARTY:
        return None, account.party
    return None, None


class ResultChanged(ResultError):
    """The entry changed after the member began editing it (a co-author's edit, an office's
    action): their edit is refused once, so that they know before it replaces the other's."""


def version_of(result):
    """What a wizard remembers of the entry it began editing, to notice a change meanwhile."""
    return result.updated_at.isoformat()


def changed_by(result):
    """Who changed the entry last, and when, as a message names them; "他人" if no one is recorded."""
    last = result.changes.select_related("actor").order_by("-at", "-pk").first()
    if not (last and last.actor):
        return "他人"
    return f"{account_of(last.actor).name}（{last.action}，{timezone.localtime(last.at):%m-%d %H:%M}）"


def changed_message(result):
    return (
        f"你修改期间，这项成果已被{changed_by(result)}改动。你的修改尚未保存：要以你的修改为准，请再次提交；"
        "要在最新内容上修改，请点“清空草稿，从头填写”。"
    )


def refuse_if_changed(result_id, seen, advice="页面已更新为最新情况，请核对后再操作。"):
    """Refuse an office's action taken on a page opened before someone else changed the entry
    (`seen`: version_of() as the page showed it). Call inside the action's transaction: the row stays
    locked until the action is written, so of two offices acting at once one wins and the other is
    told who came first."""
    current = locked_row(Result.objects.all(), pk=result_id)
    if seen and seen != version_of(current):
        raise ResultChanged(f"这项成果在你打开页面之后已被{changed_by(current)}处理过，{advice}")


@transaction.atomic
def register_front(user, data, members, instance=None, attachment=None, version=None):
    """A 委员's or 界别组长's entry from the front end (save_entry, source 前台): the author kind must
    be one they may use, the sector or party is theirs, and an entry being edited is locked and
    checked again (someone may have withdrawn it, or 提案委 recorded 立案, meanwhile). `version`
    (version_of() when the edit began) refuses an edit of an entry changed since."""
    if instance is not None:
        instance = locked_row(Result.objects.all(), pk=instance.pk)
        if refusal := edit_refusal(user, instance):
            raise ResultError(refusal)
        if version is not None and version_of(instance) != version:
            raise ResultChanged(changed_message(instance))
    author_kind = data["author_kind"]
    if author_kind not in front_author_kinds(user, instance):
        raise ResultInvalid({"author_kind": [f"你不能以“{AuthorKind(author_kind).label}”名义登记成果。"]})
    if error := front_author_error(user, author_kind, members):
        raise ResultInvalid({"authors": [error]})
    sector, party = front_collective(user, author_kind, instance)
    data = {**data, "sector": sector, "party": party}
    return save_entry(user, data, members, Source.FRONT, instance, attachment)


def may_withdraw(user, result):
    """Whether the user sees a 撤回 button: their own entry that no office has acted on yet (the
    statuses withdraw() accepts)."""
    return result.status in (Status.PENDING, Status.RETURNED) and owns(user, result)


def overdue_ids(results, today=None):
    """The pks of the 逾期 proposals among `results`, reading each year's 办理时限 once."""
    months = {}
    overdue = set()
    for result in results:
        if result.year not in months:
            months[result.year] = handling_months(result.year)
        if is_overdue(result, today, months[result.year]):
            overdue.add(result.pk)
    return overdue


# --- 五个一


def results_for_filer(year, sector=None, party=None, kinds=None):
    """A sector's (party's) entries of the year that its 五个一 filing may name: in its name, or
    by one of its members; neither withdrawn nor returned. `kinds` narrows the kinds."""
    if sector is not None:
        scope = Q(author_kind=AuthorKind.SECTOR, sector=sector)
        scope |= Q(pk__in=ResultAuthor.objects.filter(member__sector=sector).values("result"))
    else:
        scope = Q(author_kind=AuthorKind.PARTY, party=party)
        scope |= Q(pk__in=ResultAuthor.objects.filter(member__party=party).values("result"))
    results = Result.objects.filter(scope, year=year).exclude(status__in=[Status.WITHDRAWN, Status.RETURNED])
    if kinds is not None:
        results = results.filter(kind__in=kinds)
    return results.select_related("sector", "party").order_by("kind", "-submitted_on", "-pk")
