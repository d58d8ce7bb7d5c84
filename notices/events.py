"""Telling whoever must act next (X-1) when something happens in a feature: a 五个一备案表 moves
(FilingEvent), a 工作室建立申请 reaches a box or comes back (founding.rules.application_moved), a
委员活动日 is set up with its units, a 群众诉求件 moves (CaseEvent), and once a day the cases past a
step's time limit (notify_late_cases, called by queue_reminders).

Each receiver only schedules its work for after the commit (robust: a failure is logged and never
undoes the action it reports), so an action rolled back notifies nobody, and the work reads the
rows as committed. Who is told is notices/recipients.py; what they read and where the link takes
them is here: the admin page for accounts that work in the admin, the front-end page for the others.
Every notice goes through notices.services.notify() / notify_address(), which leave mail to the worker."""

import datetime
from collections import defaultdict
from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from forms_app.activity_day.models import ActivityDay
from forms_app.five_ones import rules as five_ones
from forms_app.five_ones.models import FilingEvent
from forms_app.founding import rules as founding
from forms_app.founding.models import Stage, StageOpinion, WorkstationApplication
from intake import cases as intake_cases
from intake.models import Case, CaseEvent

from . import recipients, services
from .models import Kind, SentReminder
from .services import notify, notify_address

ADMIN_ACCESS = "wagtailadmin.access_admin"


def after_commit(func, *args):
    transaction.on_commit(partial(func, *args), robust=True)


def works_in_admin(user):
    return user.has_perm(ADMIN_ACCESS)


def tell(kind, messages):
    """messages: [(user, title, link, body)]. One notify() per distinct (title, link, body)."""
    grouped = defaultdict(list)
    for user, title, link, body in messages:
        grouped[(title, link, body)].append(user)
    rows = []
    for (title, link, body), users in grouped.items():
        rows += notify(users, kind, title, link=link, body=body)
    return rows


# --- 五个一备案表


Action = FilingEvent.Action
FILING_MOVED = {
    Action.SUBMIT: "已提交",
    Action.RESUBMIT: "修改后重新提交",
    Action.FORWARD: "已转交专委会工作六室",
}


@receiver(post_save, sender=FilingEvent, dispatch_uid="notices-filing-event")
def filing_event_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and (instance.action in FILING_MOVED or instance.action in (Action.RETURN, Action.ARCHIVE)):
        after_commit(announce_filing_event, instance.pk)


def announce_filing_event(event_id):
    event = FilingEvent.objects.select_related("filing__sector__contact_committee", "filing__party").get(pk=event_id)
    filing = event.filing
    filing.status = event.status  # as the event left it, even if it has moved on since
    tell(Kind.FILING, filing_messages(event, filing))


def filing_messages(event, filing):
    name = f"{filing.year} 年五个一活动备案表"
    if event.action in FILING_MOVED:
        todo = "待存档" if five_ones.holding_office(filing) == five_ones.ARCHIVE_OFFICE else "待接收"
        title = f"{filing.filer_name} {name}{FILING_MOVED[event.action]}，{todo}"
        link = reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[filing.pk])
        body = f"报送界别（党派）：{filing.filer_name}；界别组长：{filing.leader_name}。"
        return [(user, title, link, body) for user in recipients.filing_offices(filing)]
    link = reverse("five_ones_detail", args=[filing.pk])
    if event.action == Action.RETURN:
        title = f"{filing.filer_name} {name}被退回修改"
        body = f"退回部门：{event.office}\n退回原因：{event.note}\n请修改后重新提交。"
    else:
        title = f"{filing.filer_name} {name}已由专委会工作六室存档"
        body = ""
    return [(user, title, link, body) for user in recipients.filing_filer(filing)]


# --- 工作室建立申请


@receiver(founding.application_moved, dispatch_uid="notices-application-moved")
def application_moved(sender, application, decision, stage, **kwargs):
    after_commit(announce_application, application, decision, stage)


def application_link(user, application):
    if works_in_admin(user):
        return reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk])
    return reverse("workstation_application_detail", args=[application.pk])


def announce_application(application, decision, stage):
    tell(Kind.APPLICATION, application_messages(application, decision, stage))


def application_messages(application, decision, stage):
    Status, Decision = WorkstationApplication.Status, StageOpinion.Decision
    name = f"工作室建立申请“{application.name}”"
    if application.status == Status.IN_REVIEW:
        box = application.waiting_at
        title = f"{name}待签署“{box.label}”"
        if decision == Decision.RESUBMIT:
            body = f"申请人 {application.signature} 已修改后重新提交。"
        elif decision == Decision.SUBMIT:
            body = f"申请人 {application.signature} 已签名提交。"
        else:
            body = f"“{Stage(stage).label}”已签署同意。"
        return [
            (user, title, application_link(user, application), body)
            for user in recipients.application_signers(application)
        ]
    if application.status == Status.RETURNED and decision == Decision.RETURN:
        opinion = application.opinions.filter(stage=stage, decision=Decision.RETURN).order_by("-at", "-pk").first()
        title = f"您的{name}被退回修改"
        body = f"{Stage(stage).label}：{opinion.text if opinion else ''}\n请修改后重新签名提交。"
    elif application.status == Status.APPROVED:
        title = f"您的{name}已经主席会议批准，命名为“{application.approved_name}”"
        body = "委员联络室将安排挂牌。"
    else:
        return []
    link = reverse("workstation_application_detail", args=[application.pk])
    return [(user, title, link, body) for user in recipients.application_applicant(application)]


# --- 委员活动日

ACTIVITY_DAY_KEY = "activity-day-created:{}"


@receiver(m2m_changed, sender=ActivityDay.units.through, dispatch_uid="notices-activity-day-units")
def activity_day_units_added(sender, instance, action, reverse, pk_set, **kwargs):
    """A day's units are set after the day itself is saved (the admin saves the form's many-to-many
    fields second), so the day is announced once its units are added; units added later tell
    their own reporters only."""
    if action != "post_add" or not pk_set:
        return
    for day_id in sorted(pk_set) if reverse else [instance.pk]:
        after_commit(announce_activity_day, day_id)


def announce_activity_day(day_id):
    """Tell each account about the day once (a SentReminder per account and day remembers it)."""
    day = ActivityDay.objects.filter(pk=day_id).first()
    if day is None:
        return []
    key = ACTIVITY_DAY_KEY.format(day.pk)
    with services.once():
        return _announce_activity_day(day, key)


def _announce_activity_day(day, key):
    told = set(SentReminder.objects.filter(deadline_key=key).values_list("recipient_id", flat=True))
    reporters = [user for user in recipients.activity_day_reporters(day) if user.pk not in told]
    told |= {user.pk for user in reporters}
    organisers = [user for user in recipients.activity_day_organisers(day) if user.pk not in told]
    when = f"{day.date:%Y年%m月%d日}"
    messages = [
        (
            user,
            f"委员活动日“{day.name}”（{when}）：请在 {day.deadline:%Y年%m月%d日} 前报送统计表",
            reverse("activity_day_home"),
            f"活动主题：{day.theme}",
        )
        for user in reporters
    ]
    messages += [
        (
            user,
            f"已安排委员活动日“{day.name}”（{when}），{day.units.count()} 个填报单位",
            reverse("activity_day_rollup", args=[day.pk]),
            f"活动主题：{day.theme}；统计表报送截止：{day.deadline:%Y年%m月%d日}。",
        )
        for user in organisers
    ]
    SentReminder.objects.bulk_create(
        [
            SentReminder(deadline_key=key, deadline=day.deadline, recipient=user, days_before=0)
            for user, *_rest in messages
        ],
        ignore_conflicts=True,
    )
    return tell(Kind.ACTIVITY_DAY, messages)


# --- 群众诉求件

CaseAction = CaseEvent.Action
CASE_ACTIONS = {
    CaseAction.REGISTER,
    CaseAction.ASSIGN,
    CaseAction.RETURN,
    CaseAction.SUBMIT_REPLY,
    CaseAction.SEND_BACK,
    CaseAction.REOPEN,
    CaseAction.APPROVE_REPLY,
}


@receiver(post_save, sender=CaseEvent, dispatch_uid="notices-case-event")
def case_event_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.action in CASE_ACTIONS:
        after_commit(announce_case_event, instance.pk)


def case_link(user, case):
    if works_in_admin(user):
        return reverse("intake_case_modeladmin_inspect", args=[case.pk])
    return reverse("case_detail", args=[case.number])


def citizen_link(case):
    return reverse("mailbox_status") + f"?number={case.number}"


def announce_case_event(event_id):
    event = CaseEvent.objects.select_related("case", "assignment__station", "assignment__member").get(pk=event_id)
    case = event.case
    if event.action == CaseAction.APPROVE_REPLY:
        # The citizen learns only that there is a reply and where to read it: the 受理编号 and the
        # status page, which asks for the 查询码. No name, no subject, no reply text.
        return notify_address(
            recipients.citizen_address(case),
            Kind.REPLY,
            f"您的诉求件（受理编号 {case.number}）已有答复",
            link=citizen_link(case),
            body=f"请在诉求件查询页面输入受理编号 {case.number} 和查询码，查看答复并评价。",
        )
    number = f"诉求件 {case.number}"
    if event.action == CaseAction.REGISTER:
        users, title, body = recipients.registrars(), f"新{number}待分办", f"来源渠道：{event.note}"
    elif event.action == CaseAction.ASSIGN:
        label = event.assignment.assignee_label() if event.assignment else ""
        users, title, body = recipients.assignees(event.assignment), f"{number}已分办给{label}，请接收办理", ""
    elif event.action == CaseAction.RETURN:
        label = event.assignment.assignee_label() if event.assignment else ""
        users = recipients.registrars()
        title, body = f"{number}被{label}退回，待重新分办", f"退回原因：{event.note}"
    elif event.action == CaseAction.SUBMIT_REPLY:
        users, title, body = recipients.registrars(), f"{number}的答复已提交，待审核", ""
    elif event.action == CaseAction.SEND_BACK:
        users, title = recipients.assignees(event.assignment), f"{number}的答复被退回修改"
        body = f"修改意见：{event.note}"
    else:  # REOPEN: the citizen was not satisfied; the same assignee revises the reply
        users, title, body = recipients.assignees(event.assignment), f"{number}群众不满意，请重新办理答复", ""
    return tell(Kind.CASE, [(user, title, case_link(user, case), body) for user in users])


LATE_KEY = "case-late:{}:{}"
STEP_WORDS = {
    Case.Status.REGISTERED: "分办",
    Case.Status.ASSIGNED: "接收",
    Case.Status.HANDLING: "答复",
    Case.Status.REPLIED: "办结",
}


def late_key(case):
    """One key per case and step: the step's start, in UTC to the microsecond."""
    started = case.step_started_at.astimezone(datetime.UTC)
    return LATE_KEY.format(case.pk, started.strftime("%Y%m%dT%H%M%S.%f"))


def holder_of(case):
    """Who holds the case, as a key: 区政协办公室, or the current assignee."""
    if intake_cases.held_by_office(case):
        return intake_cases.OFFICE
    assignment = case.assignment
    return (assignment.member_id, assignment.station_id, assignment.office, assignment.committee_id)


def notify_late_cases(now=None):
    """Tell whoever holds each case past its step's time limit (intake.cases.overdue), once per case
    and step: a SentReminder per (case and step, account) makes a second run tell nobody again.
    Returns the Notification rows written."""
    now = now or timezone.now()
    late = list(intake_cases.overdue(now))
    if not late:
        return []
    keys = {case.pk: late_key(case) for case in late}
    told = defaultdict(set)
    all_keys = list(keys.values())
    holders = {}  # cases held by the same office or assignee tell the same accounts
    rows = []
    with services.once():  # one commit for the run; each notice's mail is enqueued after it
        for start in range(0, len(all_keys), 500):
            sent = SentReminder.objects.filter(deadline_key__in=all_keys[start : start + 500])
            for key, user_id in sent.values_list("deadline_key", "recipient_id"):
                told[key].add(user_id)
        for case in late:
            rows += _tell_late(case, keys[case.pk], told, holders)
    return rows


def _tell_late(case, key, told, holders):
    holder = holder_of(case)
    if holder not in holders:
        # A holder with no account that can act (a station whose lead has no login and whose
        # committee has no office account) would leave the late case unseen: 区政协办公室, who
        # assigned it, is told instead, and the title says who holds it.
        found = recipients.case_holders(case)
        orphaned = not found and holder != intake_cases.OFFICE
        holders[holder] = (recipients.registrars() if orphaned else found, orphaned)
    accounts, orphaned = holders[holder]
    users = [user for user in accounts if user.pk not in told[key]]
    if not users:
        return []
    step = "审核答复" if case.reply_state == Case.ReplyState.SUBMITTED else STEP_WORDS.get(case.status, "办理")
    due = timezone.localtime(case.due)
    title = f"诉求件 {case.number} 已超过{step}时限"
    if orphaned:
        title += f"（承办：{case.assignment.assignee_label()}，无可登录的承办人，请督办）"
    body = f"应于 {due:%Y-%m-%d %H:%M} 前{step}，请尽快办理。"
    SentReminder.objects.bulk_create(
        [SentReminder(deadline_key=key, deadline=due.date(), recipient=user, days_before=0) for user in users],
        ignore_conflicts=True,
    )
    return tell(Kind.CASE, [(user, title, case_link(user, case), body) for user in users])
