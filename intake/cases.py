"""How a case moves: 登记 → 分办 → 办理 → 反馈 → 办结 (seed 002 二(二)4 办理、协调、反馈; seed 004 item 13
办前有沟通、办中有协商、办后有回访). Every step is one function here that the mailbox, the office's
admin, the members' /forms/cases/, the visit log and the commands all call. Each locks the case,
checks its state again under the lock and writes one CaseEvent, so of two people acting at once
exactly one wins and the other reads why.

办理时限 (IntakeSettings, calendar days): 分办 from registration, 接收 from assignment, 答复 (approved)
from acceptance or a reopening, 办结 from the approved reply. `step_started_at` marks when the
current step began; `overdue()` reads the setting, so changing it re-dates every open case."""

import datetime

from django.db import transaction
from django.db.models import Case as When_
from django.db.models import DateTimeField, F, Q, Value, When
from django.utils import timezone

from lianxin_site.db import locked_row

from . import rules
from .models import Case, CaseAssignment, CaseEvent, IntakeSettings
from .public import code_hmac, new_code, next_number
from .rules import IntakeError

Status = Case.Status
Reply = Case.ReplyState
OFFICE = "区政协办公室"


def _event(case, action, user, now, note="", assignment=None, internal=True):
    return CaseEvent.objects.create(
        case=case,
        action=action,
        status=case.status,
        actor=user if user is not None and user.is_authenticated else None,
        assignment=assignment if assignment is not None else case.assignment,
        note=note,
        internal=internal,
        at=now,
    )


def _locked(case):
    """Lock the case's row and bring the caller's instance up to date under the lock, so the
    caller's object shows what the step wrote."""
    locked_row(Case.objects.all(), pk=case.pk)
    case.refresh_from_db()
    return case


def _need(case, *statuses, message=None):
    if case.status not in statuses:
        raise IntakeError(message or f"该诉求件现为「{case.get_status_display()}」，不能进行此操作，请刷新后查看。")


# --- 登记


@transaction.atomic
def register(*, channel, name, phone, subject, content, user=None, now=None, **fields):
    """A new case in 登记. Returns (case, code): the 查询码 is shown once and kept as an HMAC."""
    now = now or timezone.now()
    number = next_number("case", now=now)
    code = new_code()
    case = Case.objects.create(
        number=number,
        channel=channel,
        name=name,
        phone=phone,
        subject=subject,
        content=content,
        code_hmac=code_hmac(number, code),
        step_started_at=now,
        created_by=user if user is not None and user.is_authenticated else None,
        **fields,
    )
    Case.objects.filter(pk=case.pk).update(created_at=now)
    case.created_at = now
    _event(case, CaseEvent.Action.REGISTER, user, now, note=case.get_channel_display())
    return case, code


# --- 分办, 接收, 退回


@transaction.atomic
def assign(
    case,
    user,
    *,
    member=None,
    station=None,
    office="",
    committee=None,
    mode=CaseAssignment.Mode.DIRECT,
    note="",
    now=None,
):
    """区政协办公室 gives a registered case to one member, workstation or office; or gives a case
    not yet accepted to another (改派: the first assignee no longer holds it, but still reads it)."""
    rules.require_registrar(user)
    now = now or timezone.now()
    case = _locked(case)
    _need(case, Status.REGISTERED, Status.ASSIGNED)
    given = [x for x in (member, station, office) if x]
    if len(given) != 1:
        raise IntakeError("请选择一位委员、一个委员工作室或一个部门承办。")
    if office == CaseAssignment.Office.COMMITTEE and committee is None:
        raise IntakeError("分办给专委会工作室时，请选择专委会。")
    if office != CaseAssignment.Office.COMMITTEE:
        committee = None
    if case.assignment_id:
        CaseAssignment.objects.filter(pk=case.assignment_id).update(returned_at=now, return_reason="区政协办公室改派")
    assignment = CaseAssignment.objects.create(
        case=case,
        mode=mode,
        member=member,
        station=station,
        office=office or "",
        committee=committee,
        assigned_by=user,
        assigned_at=now,
    )
    case.assignment = assignment
    case.status = Status.ASSIGNED
    case.step_started_at = now
    case.save(update_fields=["assignment", "status", "step_started_at"])
    _event(
        case,
        CaseEvent.Action.ASSIGN,
        user,
        now,
        note=note or f"{assignment.assignee_label()}（{assignment.get_mode_display()}）",
    )
    return case


@transaction.atomic
def accept(case, user, now=None):
    now = now or timezone.now()
    case = _locked(case)
    rules.require_holder(user, case)
    _need(case, Status.ASSIGNED)
    CaseAssignment.objects.filter(pk=case.assignment_id).update(accepted_at=now)
    case.status = Status.HANDLING
    case.step_started_at = now
    case.save(update_fields=["status", "step_started_at"])
    _event(case, CaseEvent.Action.ACCEPT, user, now)
    return case


@transaction.atomic
def send_back(case, user, reason, now=None):
    """The assignee 退回s a case it cannot handle, with the reason; it returns to 登记 for the
    office to assign again. The assignee keeps reading it (a past assignee)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise IntakeError("请填写退回原因。")
    case = _locked(case)
    rules.require_holder(user, case)
    _need(case, Status.ASSIGNED, Status.HANDLING)
    if case.reply_state == Reply.SUBMITTED:
        raise rules.NotYours("答复已提交区政协办公室审核，不能再退回；如需退回，请等审核退回修改后再操作。")
    assignment = case.assignment
    CaseAssignment.objects.filter(pk=assignment.pk).update(returned_at=now, return_reason=reason)
    case.assignment = None
    case.status = Status.REGISTERED
    case.step_started_at = now
    case.reply_state = Reply.NONE if case.reply_state != Reply.APPROVED else case.reply_state
    case.save(update_fields=["assignment", "status", "step_started_at", "reply_state"])
    _event(case, CaseEvent.Action.RETURN, user, now, note=reason, assignment=assignment)
    return case


# --- 办理 and 答复


@transaction.atomic
def add_note(case, user, text, now=None):
    """An internal 办理记录 (办前沟通、办中协商…); never shown to the citizen."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise IntakeError("请填写办理记录。")
    case = _locked(case)
    rules.require_holder(user, case)
    _need(case, Status.HANDLING)
    return _event(case, CaseEvent.Action.NOTE, user, now, note=text)


@transaction.atomic
def save_reply(case, user, text, *, submit=False, now=None):
    """The assignee drafts the 答复 and, when `submit`, sends it to 区政协办公室 for approval."""
    now = now or timezone.now()
    text = (text or "").strip()
    if submit and not text:
        raise IntakeError("请填写答复内容后再提交审核。")
    case = _locked(case)
    rules.require_holder(user, case)
    _need(case, Status.HANDLING)
    if case.reply_state == Reply.SUBMITTED:
        raise IntakeError("答复已提交审核，请等待区政协办公室审核。")
    case.reply = text
    case.reply_state = Reply.SUBMITTED if submit else Reply.DRAFT
    case.save(update_fields=["reply", "reply_state"])
    if submit:
        _event(case, CaseEvent.Action.SUBMIT_REPLY, user, now)
    return case


@transaction.atomic
def return_reply(case, user, reason, now=None):
    """区政协办公室 sends a submitted 答复 back to the assignee to revise."""
    rules.require_registrar(user)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise IntakeError("请填写修改意见。")
    case = _locked(case)
    _need(case, Status.HANDLING)
    if case.reply_state != Reply.SUBMITTED:
        raise IntakeError("该答复未提交审核或已处理，请刷新后查看。")
    case.reply_state = Reply.DRAFT
    case.save(update_fields=["reply_state"])
    _event(case, CaseEvent.Action.SEND_BACK, user, now, note=reason)
    return case


@transaction.atomic
def approve_reply(case, user, text=None, now=None):
    """区政协办公室 approves (and may correct) the 答复: the citizen reads it from now (反馈)."""
    rules.require_registrar(user)
    now = now or timezone.now()
    case = _locked(case)
    _need(case, Status.HANDLING)
    if case.reply_state != Reply.SUBMITTED:
        raise IntakeError("该答复未提交审核或已处理，请刷新后查看。")
    if text is not None and text.strip():
        case.reply = text.strip()
    case.reply_state = Reply.APPROVED
    case.status = Status.REPLIED
    case.replied_at = now
    case.step_started_at = now
    case.save(update_fields=["reply", "reply_state", "status", "replied_at", "step_started_at"])
    _event(case, CaseEvent.Action.APPROVE_REPLY, user, now, internal=False)
    return case


@transaction.atomic
def close(case, user, note="", now=None):
    rules.require_registrar(user)
    now = now or timezone.now()
    case = _locked(case)
    _need(case, Status.REPLIED)
    case.status = Status.CLOSED
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    _event(case, CaseEvent.Action.CLOSE, user, now, note=note, internal=False)
    return case


# --- the citizen's 满意/不满意 (办后有回访)


@transaction.atomic
def rate(case, satisfied, reason="", now=None):
    """满意 or 不满意 on an answered case. 不满意 with a reason reopens it once (back to 办理 with
    the same assignee, the reply to revise); a second 不满意 is recorded only."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not satisfied and not reason:
        raise IntakeError("请填写不满意的原因。")
    case = _locked(case)
    _need(case, Status.REPLIED, Status.CLOSED, message="答复后才能评价。")
    if case.satisfaction:
        raise IntakeError("您已评价过本次答复。")
    case.satisfaction = Case.Satisfaction.SATISFIED if satisfied else Case.Satisfaction.UNSATISFIED
    case.satisfaction_reason = "" if satisfied else reason
    case.save(update_fields=["satisfaction", "satisfaction_reason"])
    _event(
        case,
        CaseEvent.Action.RATE,
        None,
        now,
        note=case.get_satisfaction_display() + (f"：{reason}" if reason else ""),
        internal=False,
    )
    if not satisfied and not case.reopened and case.assignment_id:
        case.status = Status.HANDLING
        case.reply_state = Reply.DRAFT
        case.reopened = True
        case.satisfaction = ""
        case.closed_at = None
        case.step_started_at = now
        case.save(update_fields=["status", "reply_state", "reopened", "satisfaction", "closed_at", "step_started_at"])
        _event(case, CaseEvent.Action.REOPEN, None, now, note=reason, internal=False)
    return case


# --- 办理时限 and 逾期


def step_days(settings_row=None):
    """{status: days allowed for the step that status waits on}."""
    row = settings_row or IntakeSettings.load()
    return {
        Status.REGISTERED: row.assign_days,
        Status.ASSIGNED: row.accept_days,
        Status.HANDLING: row.reply_days,
        Status.REPLIED: row.close_days,
    }


def due_at(case, settings_row=None):
    days = step_days(settings_row).get(case.status)
    return None if days is None else case.step_started_at + datetime.timedelta(days=days)


OFFICE_STATUSES = (Status.REGISTERED, Status.REPLIED)


def held_by_office(case):
    """Whether 区政协办公室 must act now: for 登记, reviewing a submitted reply, 反馈, or a case with no
    assignee; else the assignee must. office_holds() is the same test as a filter."""
    return case.assignment_id is None or case.status in OFFICE_STATUSES or case.reply_state == Reply.SUBMITTED


def office_holds():
    """held_by_office() as a filter on Case."""
    return Q(assignment__isnull=True) | Q(status__in=OFFICE_STATUSES) | Q(reply_state=Reply.SUBMITTED)


def holder_label(case):
    """Who must act now, named: 区政协办公室 (held_by_office), else the assignee."""
    return OFFICE if held_by_office(case) else case.assignment.assignee_label()


def with_due(queryset, settings_row=None):
    """Each case annotated with `due`, when its current step is due (None once 办结): one query."""
    due = When_(
        *(
            When(status=status, then=F("step_started_at") + Value(datetime.timedelta(days=n)))
            for status, n in step_days(settings_row).items()
        ),
        default=Value(None),
        output_field=DateTimeField(),
    )
    return queryset.annotate(due=due)


def overdue(now=None, settings_row=None, cases=None):
    """The open cases past their step's time limit, most late first (earliest due), each annotated with `due`
    (when the step was due). One query whatever the number of cases."""
    now = now or timezone.now()
    settings_row = settings_row or IntakeSettings.load()
    late = Q()
    for status, n in step_days(settings_row).items():
        late |= Q(status=status, step_started_at__lt=now - datetime.timedelta(days=n))
    cases = Case.objects.all() if cases is None else cases
    return (
        with_due(cases.filter(late), settings_row)
        .select_related("assignment__member", "assignment__station", "assignment__committee")
        .order_by("due", "pk")  # most late first, whatever each step's limit
    )


def late_by(case, now=None, settings_row=None):
    """How long past the limit, as a timedelta (or None when not late)."""
    now = now or timezone.now()
    due = due_at(case, settings_row)
    return now - due if due and now > due else None
