"""/forms/cases/: members, 界别组长, workstations' lead members and the offices handle, on a phone,
the cases 区政协办公室 gave them: 接收 or 退回 (with the reason), 办理记录, the 答复 drafted and
submitted for approval. 界别组长 enter their sector's people's opinions (/forms/cases/new/).

Which cases come from rules.cases_handled_by (the front end shows only what was ever given to
this account, whose assignees read the citizen; 研究室 reads the others in the admin, with the
personal data stripped), who may act from rules.holds,
the citizen's details only through rules.shown. Every POST is one call to intake/cases.py; its
refusal is shown on the page (403, with the typed text kept), never a 500. Never cached: the
pages hold citizens' names and phones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from lianxin_site.refusals import refused as shared_refused
from people.services import account_of

from . import cases, rules
from .case_forms import NoteForm, ReplyForm, SectorCaseForm, SendBackForm
from .models import Case, CaseAssignment, CaseEvent, Channel, IntakeSettings
from .rules import IntakeError

Status = Case.Status
Reply = Case.ReplyState

NOT_A_HANDLER = "这个账号没有承办诉求件的权限。如有疑问，请联系区政协办公室。"
NOT_A_SECTOR_LEADER = "只有界别组长可以登记本界别群众反映的意见：这个账号没有对应的界别。"
PERSONAL = ("name", "phone", "email", "address")


def refused(request, reason, status=403):
    back = [(reverse("cases_home"), "我承办的诉求件")] if request.user.has_perm("intake.handle_cases") else []
    return shared_refused(request, reason, status=status, back=back)


def may_use(user):
    return user.has_perm("intake.handle_cases") or user.has_perm("intake.enter_sector_cases")


def sector_of(user):
    """The sector a 界别组长 enters opinions for, or None."""
    if not user.has_perm("intake.enter_sector_cases"):
        return None
    return account_of(user).sector


def handler_page(view):
    """login_required, never cached, for accounts that handle cases or enter sector opinions."""

    @login_required
    @never_cache
    def wrapped(request, *args, **kwargs):
        if not may_use(request.user):
            return refused(request, NOT_A_HANDLER)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- the list


GROUPS = (
    ("incoming", "待我接收"),
    ("handling", "办理中"),
    ("answered", "已答复/办结"),
    ("returned", "已退回"),
)


def group_of(case, mine):
    """Which list a case handled by this account goes in: current ones by status, cases it no
    longer holds (退回, or given to another since) under 已退回."""
    if case.assignment_id not in mine:
        return "returned"
    if case.status == Status.ASSIGNED:
        return "incoming"
    if case.status == Status.HANDLING:
        return "handling"
    return "answered"


def case_row(case, row, now, returned_reasons):
    due = cases.due_at(case, row) if case.status in (Status.ASSIGNED, Status.HANDLING) else None
    return {
        "case": case,
        "due": due,
        "late": due is not None and now > due,
        "submitted": case.status == Status.HANDLING and case.reply_state == Reply.SUBMITTED,
        "return_reason": returned_reasons.get(case.pk, ""),
    }


@handler_page
def cases_home(request):
    """待我接收, 办理中, 已答复/办结, 已退回: the cases given to this account, with their due dates."""
    user = request.user
    now = timezone.now()
    setting = IntakeSettings.load()
    handled = list(rules.cases_handled_by(user).order_by("step_started_at", "pk"))
    mine_assignments = CaseAssignment.objects.filter(rules.assignments_of(user))
    mine = set(mine_assignments.filter(case__in=[c.pk for c in handled]).values_list("pk", flat=True))
    reasons = dict(
        mine_assignments.filter(returned_at__isnull=False)
        .order_by("returned_at")
        .values_list("case_id", "return_reason")
    )
    groups = {key: [] for key, _label in GROUPS}
    for case in handled:
        groups[group_of(case, mine)].append(case_row(case, setting, now, reasons))
    groups["answered"].reverse()
    groups["returned"].reverse()
    sector = sector_of(user)
    entered = []
    if sector is not None:
        entered = list(Case.objects.filter(created_by=user, channel=Channel.SECTOR).order_by("-created_at", "-pk")[:20])
    return render(
        request,
        "intake/cases/home.html",
        {
            "groups": [(key, label, groups[key]) for key, label in GROUPS],
            "late_count": sum(1 for key in ("incoming", "handling") for r in groups[key] if r["late"]),
            "sector": sector,
            "entered": entered,
        },
    )


# --- one case


def history(case):
    """The case's events, oldest first, each with who acted (the account's name, or 群众)."""
    events = list(case.events.select_related("actor", "assignment__member", "assignment__station"))
    names = {}
    rows = []
    for event in events:
        if event.actor_id is None:
            who = "群众" if event.action in (CaseEvent.Action.RATE, CaseEvent.Action.REOPEN) else "系统"
        else:
            if event.actor_id not in names:
                names[event.actor_id] = account_of(event.actor).name
            who = names[event.actor_id]
        rows.append({"event": event, "who": who})
    return rows


def last_word(case, *actions):
    """The latest event of these actions, or None."""
    return case.events.filter(action__in=actions).order_by("-at", "-pk").first()


def detail_context(request, case, forms=None, error=""):
    user = request.user
    holds = rules.holds(user, case)
    forms = forms or {}
    context = {
        "case": case,
        "citizen": {field: rules.shown(user, case, field) for field in PERSONAL},
        "history": history(case),
        "holds": holds,
        "holder": cases.holder_label(case),
        "due": cases.due_at(case) if case.is_open else None,
        "error": error,
        "send_back_form": forms.get("send_back") or SendBackForm(),
        "note_form": forms.get("note") or NoteForm(),
        "reply_form": forms.get("reply") or ReplyForm(initial={"reply": case.reply}),
        "can_accept": holds and case.status == Status.ASSIGNED,
        "can_send_back": holds
        and case.status in (Status.ASSIGNED, Status.HANDLING)
        and case.reply_state != Reply.SUBMITTED,
        "can_work": holds and case.status == Status.HANDLING,
        "reply_submitted": case.status == Status.HANDLING and case.reply_state == Reply.SUBMITTED,
    }
    context["late"] = context["due"] is not None and timezone.now() > context["due"]
    word = last_word(case, CaseEvent.Action.SUBMIT_REPLY, CaseEvent.Action.SEND_BACK)
    if case.status == Status.HANDLING and case.reply_state == Reply.DRAFT and word is not None:
        context["sent_back"] = word if word.action == CaseEvent.Action.SEND_BACK else None
    reopen = last_word(case, CaseEvent.Action.REOPEN)
    if case.status == Status.HANDLING and reopen is not None:
        context["reopened"] = reopen
    return context


def visible_case(user, number):
    return (
        rules.cases_handled_by(user)
        .select_related("assignment", "sector", "station", "contact_point")
        .filter(number=number)
        .first()
    )


STEPS = {
    # action: (form key, form class, the step, what the user reads when it worked)
    "accept": (None, None, lambda case, user, form: cases.accept(case, user), "已接收，请开始办理。"),
    "send_back": (
        "send_back",
        SendBackForm,
        lambda case, user, form: cases.send_back(case, user, form.cleaned_data["reason"]),
        "已退回区政协办公室。",
    ),
    "note": (
        "note",
        NoteForm,
        lambda case, user, form: cases.add_note(case, user, form.cleaned_data["note"]),
        "已添加办理记录。",
    ),
    "save_reply": (
        "reply",
        ReplyForm,
        lambda case, user, form: cases.save_reply(case, user, form.cleaned_data["reply"], submit=False),
        "答复草稿已保存。",
    ),
    "submit_reply": (
        "reply",
        ReplyForm,
        lambda case, user, form: cases.save_reply(case, user, form.cleaned_data["reply"], submit=True),
        "答复已提交，等待区政协办公室审核。",
    ),
}


@handler_page
def case_detail(request, number):
    """The case, its citizen (as rules.shown allows), its history and the steps this account may
    take now. POST: action = accept | send_back | note | save_reply | submit_reply."""
    case = visible_case(request.user, number)
    if case is None:
        return refused(request, rules.NOT_YOURS)
    if request.method != "POST":
        return render(request, "intake/cases/detail.html", detail_context(request, case))
    action = request.POST.get("action", "")
    if action not in STEPS:
        return render(
            request, "intake/cases/detail.html", detail_context(request, case, error="请选择要进行的操作。"), status=400
        )
    key, form_class, step, done = STEPS[action]
    form = form_class(request.POST) if form_class else None
    forms = {key: form} if key else {}
    if action == "submit_reply" and form.is_valid() and not form.cleaned_data["reply"]:
        form.add_error("reply", "请填写答复内容后再提交审核。")
    if form is not None and not form.is_valid():
        return render(request, "intake/cases/detail.html", detail_context(request, case, forms), status=200)
    try:
        step(case, request.user, form)
    except IntakeError as refusal:
        case.refresh_from_db()
        # Not the holder (NotYours) or a step out of order (someone acted first): a refusal,
        # shown on the case as it is now, with what was typed kept.
        return render(
            request, "intake/cases/detail.html", detail_context(request, case, forms, error=str(refusal)), status=403
        )
    messages.success(request, done)
    if action == "send_back":
        return redirect("cases_home")
    return redirect("case_detail", number=case.number)


# --- 界别组长: an opinion of the sector's people


@sensitive_post_parameters("name", "phone", "address")
@handler_page
def case_new(request):
    """界别组长 enters what a person of their sector raised: a case in 登记 (channel 界别群众) for
    区政协办公室 to assign; the 受理编号 and 查询码 are shown once, to pass on to that person."""
    sector = sector_of(request.user)
    if sector is None:
        return refused(request, NOT_A_SECTOR_LEADER)
    form = SectorCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case, code = cases.register(channel=Channel.SECTOR, sector=sector, user=request.user, **form.case_fields())
        except IntakeError as refusal:
            form.add_error(None, str(refusal))
        else:
            return render(request, "intake/cases/entered.html", {"case": case, "code": code, "sector": sector})
    return render(request, "intake/cases/new.html", {"form": form, "sector": sector})
