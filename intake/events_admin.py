"""群众诉求 › 走进政协报名 in the admin: 区政协办公室 (intake.select_signups) sees each event's sign-ups,
names and phones included, and marks them 已入选 / 未入选 / 待确定, one by one or ticked together.
Selecting more than the event's 名额 is allowed but warned about, on the page and after the step.
Events themselves are pages (请群众走进政协栏目 › 活动): this list links to their editor."""

from functools import wraps

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lianxin_site.admin_helpers import id_or_404
from lianxin_site.downloads import xlsx_response
from lianxin_site.spreadsheet import table_xlsx
from results.admin import forbidden

from . import events
from .models import EventIndexPage, EventPage, SignUp
from .rules import IntakeError

REFUSAL = "您的账号没有确定报名群众的权限。请群众走进政协的报名由区政协办公室确定。"
ACTIONS = {"select": True, "not_select": False}


def selectors_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not events.may_select(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _counted(queryset):
    return queryset.annotate(
        signup_total=Count("signups"),
        signup_selected=Count("signups", filter=Q(signups__status=SignUp.Status.SELECTED)),
        signup_pending=Count("signups", filter=Q(signups__status=SignUp.Status.PENDING)),
    )


@require_http_methods(["GET"])
@selectors_only
def event_list(request):
    rows = _counted(EventPage.objects.all()).order_by("-start", "-pk")
    return TemplateResponse(
        request,
        "intake/events/admin_list.html",
        {"title": "走进政协报名", "rows": rows, "indexes": EventIndexPage.objects.all()},
    )


@require_http_methods(["GET", "POST"])
@selectors_only
def event_signups(request, event_id):
    event = get_object_or_404(_counted(EventPage.objects.all()), pk=id_or_404(event_id))
    if request.method == "POST":
        action = request.POST.get("action", "")
        ids = [int(v) for v in request.POST.getlist("signup") if v.isdecimal() and len(v) < 12]
        if action not in (*ACTIONS, "reset"):
            messages.error(request, "请选择要做的操作。")
        elif not ids:
            messages.error(request, "请先勾选报名群众。")
        else:
            try:
                if action == "reset":
                    changed = events.reset(request.user, event, ids)
                    messages.success(request, f"已将 {changed} 人改回待确定。")
                else:
                    decision = events.decide(request.user, event, ids, selected=ACTIONS[action])
                    label = "已入选" if ACTIONS[action] else "未入选"
                    messages.success(
                        request,
                        f"已将 {decision.changed} 人标记为{label}；目前已入选 {decision.selected} 人，名额 {decision.places} 人。",
                    )
                    if decision.warning:
                        messages.warning(request, decision.warning)
            except IntakeError as refusal:
                messages.error(request, str(refusal))
        return redirect("intake_event_signups", event_id=event.pk)
    signups = SignUp.objects.filter(event=event).select_related("decided_by").order_by("created_at", "pk")
    over = max(0, event.signup_selected - event.places)
    return TemplateResponse(
        request,
        "intake/events/admin_signups.html",
        {"title": f"报名群众：{event.title}", "event": event, "signups": signups, "over": over},
    )


XLSX_COLUMNS = [
    ("报名号", lambda s: s.number),
    ("姓名", lambda s: s.name),
    ("电话", lambda s: s.phone),
    ("界别/职业", lambda s: s.sector_or_job),
    ("想反映的问题", lambda s: s.topic),
    ("报名时间", lambda s: timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")),
    ("结果", lambda s: s.get_status_display()),
]


@require_http_methods(["GET"])
@selectors_only
def event_signups_xlsx(request, event_id):
    """The event's sign-ups as a spreadsheet for notifying those selected (cells formula-safe)."""
    event = get_object_or_404(EventPage.objects.all(), pk=id_or_404(event_id))
    rows = SignUp.objects.filter(event=event).order_by("created_at", "pk")
    content = table_xlsx("报名群众", XLSX_COLUMNS, rows)
    return xlsx_response(content, f"报名群众-{event.pk}.xlsx")


MODELADMINS = ()
MENU = (("走进政协报名", "intake_events", "group", events.may_select, 400),)
urls = [
    path("intake/events/", event_list, name="intake_events"),
    path("intake/events/<str:event_id>/", event_signups, name="intake_event_signups"),
    path("intake/events/<str:event_id>/xlsx/", event_signups_xlsx, name="intake_event_signups_xlsx"),
]
