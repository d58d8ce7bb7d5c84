"""一街一策 (seed 003 annex 2; seed 004 item 12): a street group's plan for a year, written by its
联络员 (or whoever rules.may_write_group admits: the 专委会工作室 that runs the group, 委员联络室),
草稿 → 报送 → 委员联络室 确认, or 退回 with a reason, edited and 报送 again. A confirmed plan is
read-only. Every write here locks the plan row and checks its state again under the lock, so of
two people acting at once exactly one wins and the other is told why."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxin_site.dates import this_year
from lianxin_site.db import locked_row
from people.models import Member, StreetGroup

from . import rules
from .models import ActivityKind, StreetGroupPlan, StreetPlanItem

Status = StreetGroupPlan.Status
ACTIVITY_MAX = StreetPlanItem._meta.get_field("activity").max_length
REASON_MAX = StreetGroupPlan._meta.get_field("return_reason").max_length
CONFIRM = "stations.confirm_street_plans"
EDITABLE = (Status.DRAFT, Status.RETURNED)

STALE = "没有保存：在您编辑期间，这份一街一策已被另一人修改或处理。下面是最新内容，您刚才填写的没有保存，请核对后再改。"


class PlanError(rules.StationError):
    """A refusal; `errors` is [(key, message)]: key "needs", "approach", "items", (row, column) for
    an item (row from 1, column a StreetPlanItem field name), or None for the whole plan."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("；".join(message for _key, message in self.errors))


@dataclass
class ItemInput:
    month: object
    activity: str
    kind: str
    lead_member_ids: list = field(default_factory=list)


def editable_years():
    """A group plans this year and, towards its end, the next."""
    return (this_year(), this_year() + 1)


def plans_visible_to(user):
    return StreetGroupPlan.objects.filter(group__in=rules.street_groups_visible_to(user))


def may_edit(user, plan):
    """The plan's text may be changed now by this user (a draft or a returned plan)."""
    return plan.status in EDITABLE and rules.may_write_group(user, plan.group)


def may_decide(user, plan):
    return user.has_perm(CONFIRM) and plan.status == Status.SUBMITTED


def status_note(plan):
    """What the 联络员 reads about their plan, in one sentence."""
    if plan is None:
        return "还没有编写。"
    if plan.status == Status.DRAFT:
        return "草稿，还没有报送委员联络室。"
    if plan.status == Status.SUBMITTED:
        return f"已于 {timezone.localtime(plan.submitted_at):%Y-%m-%d} 报送，等待委员联络室确认；确认或退回前不能修改。"
    if plan.status == Status.RETURNED:
        reason = plan.return_reason.rstrip("。.！!")
        return f"委员联络室已退回：{reason}。请修改后重新报送。"
    return f"委员联络室已于 {timezone.localtime(plan.decided_at):%Y-%m-%d} 确认，不能再修改。"


def check_plan(group, needs, approach, items, *, submitting):
    """Every reason the text cannot be saved (or, `submitting`, 报送): [(key, message)]."""
    errors = []
    if submitting and not needs.strip():
        errors.append(("needs", "「街道中心工作与需求」：报送前请填写"))
    if submitting and not approach.strip():
        errors.append(("approach", "「本组方案」：报送前请填写"))
    if submitting and not items:
        errors.append(("items", "「计划活动」：报送前请至少填写一项活动"))
    in_group = dict(Member.objects.filter(street_group=group).values_list("pk", "name"))
    outsiders = {
        m.pk: m.name
        for m in Member.objects.filter(pk__in={pk for item in items for pk in item.lead_member_ids}).exclude(
            street_group=group
        )
    }
    kinds = set(ActivityKind.values)
    for row, item in enumerate(items, start=1):
        month = item.month
        if not (isinstance(month, int) or (isinstance(month, str) and month.isdecimal())) or not 1 <= int(month) <= 12:
            errors.append(((row, "month"), f"第 {row} 行「月份」：应为 1 至 12 月"))
        if not item.activity.strip():
            errors.append(((row, "activity"), f"第 {row} 行「活动」：请填写活动内容"))
        elif len(item.activity.strip()) > ACTIVITY_MAX:
            errors.append(((row, "activity"), f"第 {row} 行「活动」：不能超过 {ACTIVITY_MAX} 个字"))
        if item.kind not in kinds:
            errors.append(((row, "kind"), f"第 {row} 行「类型」：请选择活动类型"))
        for pk in item.lead_member_ids:
            if pk not in in_group:
                name = outsiders.get(pk, f"编号 {pk} 的委员")
                errors.append(((row, "lead_members"), f"第 {row} 行「牵头委员」：{name}不是本小组委员"))
    return errors


@transaction.atomic
def save_plan(user, group, year, *, needs, approach, items, submit=False, seen=None):
    """Save the group's plan for `year` (a new one, a draft, a returned one) and, `submit`, 报送 it.
    `seen` is the plan's updated_at as the editor loaded it (None for a new plan): if it changed,
    someone else saved first. Returns the plan; raises PlanError and writes nothing."""
    if not rules.may_write_group(user, group):
        raise PlanError([(None, "您不能编写这个街道活动小组的一街一策。")])
    if year not in editable_years():
        raise PlanError([(None, f"「年度」：只能编写 {this_year()} 年或 {this_year() + 1} 年的一街一策")])
    group = locked_row(StreetGroup.objects.all(), pk=group.pk)  # serialises the first save of a year
    plan = StreetGroupPlan.objects.filter(group=group, year=year).first()
    if plan is not None:
        plan = locked_row(StreetGroupPlan.objects.all(), pk=plan.pk)
        if seen is None or seen != token(plan):
            raise PlanError([(None, STALE)])
        if plan.status not in EDITABLE:
            raise PlanError([(None, f"这份一街一策{status_note(plan)}")])
    elif seen:
        raise PlanError([(None, STALE)])
    errors = check_plan(group, needs, approach, items, submitting=submit)
    if errors:
        raise PlanError(errors)
    if plan is None:
        plan = StreetGroupPlan(group=group, year=year)
    plan.needs, plan.approach = needs.strip(), approach.strip()
    if submit:
        plan.status = Status.SUBMITTED
        plan.submitted_at = timezone.now()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # another first save of the same year slipped in
        raise PlanError([(None, STALE)]) from exc
    plan.items.all().delete()
    for item in items:
        saved = StreetPlanItem.objects.create(
            plan=plan, month=int(item.month), activity=item.activity.strip(), kind=item.kind
        )
        saved.lead_members.set(item.lead_member_ids)
    return plan


def token(plan):
    """What the edit page sends back to prove it showed the latest version."""
    return plan.updated_at.isoformat() if plan and plan.updated_at else ""


def _decided(plan):
    who = plan.decided_by.get_full_name() or plan.decided_by.get_username() if plan.decided_by else "委员联络室"
    when = f"{timezone.localtime(plan.decided_at):%Y-%m-%d %H:%M}" if plan.decided_at else ""
    word = "确认" if plan.status == Status.CONFIRMED else "退回"
    return f"这份一街一策已由{who}于 {when} {word}，不能再处理。"


def _lock_for_decision(user, plan_pk):
    if not user.has_perm(CONFIRM):
        raise PlanError([(None, "只有委员联络室可以确认或退回一街一策。")])
    plan = locked_row(StreetGroupPlan.objects.select_related("decided_by"), pk=plan_pk)
    if plan.status in (Status.CONFIRMED, Status.RETURNED):
        raise PlanError([(None, _decided(plan))])
    if plan.status != Status.SUBMITTED:
        raise PlanError([(None, "这份一街一策还没有报送（或已退回后在修改中），不能确认或退回。")])
    return plan


@transaction.atomic
def confirm_plan(user, plan_pk):
    plan = _lock_for_decision(user, plan_pk)
    plan.status = Status.CONFIRMED
    plan.return_reason = ""
    plan.decided_at, plan.decided_by = timezone.now(), user
    plan.save()
    return plan


@transaction.atomic
def return_plan(user, plan_pk, reason):
    reason = (reason or "").strip()
    if not reason:
        raise PlanError([("reason", "「退回原因」：请写明退回原因")])
    if len(reason) > REASON_MAX:
        raise PlanError([("reason", f"「退回原因」：不能超过 {REASON_MAX} 个字（现在 {len(reason)} 个字）")])
    plan = _lock_for_decision(user, plan_pk)
    plan.status = Status.RETURNED
    plan.return_reason = reason
    plan.decided_at, plan.decided_by = timezone.now(), user
    plan.save()
    return plan
