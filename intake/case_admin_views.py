"""The 区政协办公室's and 研究室's pages for cases in the admin: the inspect page with its buttons,
one POST view per step (each calls intake/cases.py or leads.py and nothing else writes), the hand
登记, the 逾期 list and the 办理时限 setting.

Every page starts from rules.cases_visible_to: a case outside it is "not found" (404); a step the
account may not take is 403 with the reason; a step out of order (two people at once, a second
审核) is a message on the inspect page, never a 500."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail_modeladmin.views import InspectView

from lianxin_site.admin_helpers import id_or_404
from people import roles
from people.services import account_of
from results.admin import forbidden

from . import cases, rules
from .case_admin_forms import (
    ApproveForm,
    AssignForm,
    CloseForm,
    LeadForm,
    RegisterForm,
    ReturnReplyForm,
    SettingsForm,
)
from .leads import make_lead, strip_personal
from .models import Case, CaseLead, IntakeSettings
from .rules import IntakeError, NotYours

Status = Case.Status
PER_PAGE = 50
NO_LIST = "您的账号没有查看诉求件的权限。区政协办公室、研究室、委员联络室和专委会工作室可以查看。"
NO_REGISTER = "只有区政协办公室可以登记诉求件。"
NO_SETTINGS = "只有区政协办公室可以设置办理时限。"


# --- who is offered what


def may_list_cases(user):
    """区政协办公室 and 研究室 (all cases), 委员联络室 and 专委会工作室 (what was given to them)."""
    if rules.reads_all_cases(user):
        return True
    if not (user.is_authenticated and user.is_active and user.has_perm("intake.handle_cases")):
        return False
    return bool({roles.LIAISON_OFFICE, roles.COMMITTEE_OFFICE} & set(account_of(user).roles))


def may_change_settings(user):
    return user.is_authenticated and user.is_active and user.has_perm("intake.change_intakesettings")


def inspect_url(pk):
    return reverse("intake_case_modeladmin_inspect", args=[pk])


def late_text(delta):
    """How late, as the office reads it: "3 天", "5 小时"."""
    if delta.days >= 1:
        return f"{delta.days} 天"
    hours = delta.seconds // 3600
    return f"{hours} 小时" if hours else "不足 1 小时"


# --- the inspect page


class CaseInspectView(InspectView):
    """Everything about one case as this account may read it: the citizen's details through
    rules.shown, the matter, history and assignments with the citizen's details masked for
    those who may not read them, and the buttons of the steps this account may take now."""

    def dispatch(self, request, *args, **kwargs):
        if not rules.cases_visible_to(request.user).filter(pk=self.instance.pk).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = self.instance
        personal = rules.may_see_personal(user, case)

        def text(value):
            return value if personal else strip_personal(value, case)

        events = [{"event": e, "note": text(e.note)} for e in case.events.select_related("actor").order_by("at", "pk")]
        assignments = case.assignments.select_related("member", "station", "committee", "assigned_by")
        registrar = rules.is_registrar(user)
        leads_made = set(case.leads.values_list("kind", flat=True))
        context.update(
            case=case,
            personal=personal,
            citizen=[
                ("姓名", rules.shown(user, case, "name")),
                ("电话", rules.shown(user, case, "phone")),
                ("电子邮箱", rules.shown(user, case, "email")),
                ("社区/单位", rules.shown(user, case, "address")),
            ],
            subject=text(case.subject),
            content=text(case.content),
            reply=text(case.reply),
            holder=cases.holder_label(case),
            due=cases.due_at(case),
            events=events,
            assignments=[{"a": a, "reason": text(a.return_reason)} for a in assignments],
            may_assign=registrar and case.status in (Status.REGISTERED, Status.ASSIGNED),
            may_review=registrar and case.status == Status.HANDLING and case.reply_state == Case.ReplyState.SUBMITTED,
            may_close=registrar and case.status == Status.REPLIED,
            lead_kinds=[(kind, label) for kind, label in CaseLead.Kind.choices if kind not in leads_made]
            if user.has_perm("intake.make_leads")
            else [],
            leads=case.leads.all() if user.has_perm("intake.make_leads") or registrar else [],
            assign_form=AssignForm(prefix="assign"),
            approve_form=ApproveForm(initial={"reply": case.reply}),
            return_form=ReturnReplyForm(),
            close_form=CloseForm(),
        )
        return context


# --- the steps (POST only)


def _case_for(request, pk):
    return get_object_or_404(rules.cases_visible_to(request.user), pk=id_or_404(pk))


def _do(request, case, step, done):
    """Run one step; its refusal is a message (403 when the case is not this account's)."""
    try:
        step()
    except NotYours as refusal:
        return forbidden(request, str(refusal))
    except IntakeError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{case.number}：{done}。")
    return redirect(inspect_url(case.pk))


def _form_errors(request, case, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(inspect_url(case.pk))


@require_POST
def assign_case(request, pk):
    case = _case_for(request, pk)
    if not rules.is_registrar(request.user):
        return forbidden(request, "只有区政协办公室可以分办诉求件。")
    form = AssignForm(request.POST, prefix="assign")
    if not form.is_valid():
        return _form_errors(request, case, form)
    data = form.cleaned_data
    return _do(
        request,
        case,
        lambda: cases.assign(
            case,
            request.user,
            member=data["member"],
            station=data["station"],
            office=data["office"] or "",
            committee=data["committee"],
            mode=data["mode"],
            note=data["note"].strip(),
        ),
        "已分办",
    )


@require_POST
def review_reply(request, pk):
    """审核答复: 审核通过 (with the office's corrections) or 退回修改 with its reason."""
    case = _case_for(request, pk)
    if not rules.is_registrar(request.user):
        return forbidden(request, "只有区政协办公室可以审核答复。")
    if request.POST.get("action") == "return":
        form = ReturnReplyForm(request.POST)
        if not form.is_valid():
            return _form_errors(request, case, form)
        reason = form.cleaned_data["reason"]
        return _do(request, case, lambda: cases.return_reply(case, request.user, reason), "答复已退回修改")
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, case, form)
    text = form.cleaned_data["reply"] or None
    return _do(request, case, lambda: cases.approve_reply(case, request.user, text), "答复已审核通过，群众可以查看")


@require_POST
def close_case(request, pk):
    case = _case_for(request, pk)
    if not rules.is_registrar(request.user):
        return forbidden(request, "只有区政协办公室可以办结诉求件。")
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, case, form)
    note = form.cleaned_data["note"].strip()
    return _do(request, case, lambda: cases.close(case, request.user, note), "已办结")


@require_POST
def lead_from_case(request, pk):
    case = _case_for(request, pk)
    if not request.user.has_perm("intake.make_leads"):
        return forbidden(request, "只有研究室可以形成社情民意信息和提案线索。")
    form = LeadForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, case, form)
    kind = form.cleaned_data["kind"]
    return _do(request, case, lambda: make_lead(case, kind, request.user), f"已形成{CaseLead.Kind(kind).label}")


# --- 登记 by hand


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def register_case(request):
    if not rules.is_registrar(request.user):
        return forbidden(request, NO_REGISTER)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case, code = cases.register(user=request.user, **form.step_kwargs())
        except IntakeError as refusal:
            form.add_error(None, str(refusal))
        else:
            # The 查询码 exists only here, once: the page is the answer to the POST, not a
            # redirect to a page that could be reloaded or bookmarked.
            return render(
                request,
                "intake/admin/case_registered.html",
                {
                    "title": "已登记",
                    "case": case,
                    "code": code,
                    "inspect": inspect_url(case.pk),
                    "status_url": settings.PUBLIC_URL + reverse("mailbox_status"),
                },
            )
    return render(request, "intake/admin/case_register.html", {"title": "登记诉求件", "form": form})


# --- 逾期


@require_GET
def overdue_list(request):
    if not may_list_cases(request.user):
        return forbidden(request, NO_LIST)
    now = timezone.now()
    row = IntakeSettings.load()
    late = cases.overdue(now, settings_row=row, cases=rules.cases_visible_to(request.user))
    page = Paginator(late, PER_PAGE).get_page(request.GET.get("p"))
    personal = request.user.has_perm("intake.view_personal_data")
    rows = [
        {
            "case": case,
            "subject": case.subject if personal else strip_personal(case.subject, case),
            "holder": cases.holder_label(case),
            "late": late_text(now - case.due),
            "url": inspect_url(case.pk),
        }
        for case in page
    ]
    return render(
        request,
        "intake/admin/overdue.html",
        {"title": "逾期诉求件", "page": page, "rows": rows, "now": now, "limits": row},
    )


# --- 办理时限


@never_cache
@require_http_methods(["GET", "POST"])
def intake_settings(request):
    if not may_change_settings(request.user):
        return forbidden(request, NO_SETTINGS)
    row = IntakeSettings.load()
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "办理时限已保存，所有未办结的诉求件按新的时限计算。")
        return redirect("intake_settings")
    return render(request, "intake/admin/settings.html", {"title": "办理时限", "form": form})
