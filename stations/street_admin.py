"""工作室运行 › 一街一策 in the admin: each street group the user may see (rules.street_groups_visible_to:
委员联络室 all, a 专委会工作室 the groups it runs) with its plan for the year; a plan's page, where
委员联络室 (stations.confirm_street_plans) 确认 or 退回 a 报送 plan with a reason. A 专委会工作室 reads.
Each action is one call to street_groups (confirm_plan, return_plan), which locks the plan row."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from lianxin_site.admin_helpers import id_or_404
from lianxin_site.dates import FIRST_YEAR, this_year, year_param
from people import street_groups as posts
from results.admin import forbidden

from . import rules
from . import street_groups as plans
from .models import StreetGroupPlan

VIEW = "stations.view_streetgroupplan"
REFUSAL = "您的账号没有查看一街一策的权限。委员联络室和负责街道活动小组的专委会工作室可以查看。"
OUT_OF_SCOPE = "这份一街一策不属于您负责的街道活动小组。"


def may_read_plans(user):
    return user.has_perm(VIEW) and (rules.sees_everything(user) or rules.office_committee(user) is not None)


def _allowed(view):
    def wrapped(request, *args, **kwargs):
        if not may_read_plans(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


STATUS_FILTERS = [("", "全部"), ("none", "未编写")] + list(StreetGroupPlan.Status.choices)


@_allowed
def plan_index(request):
    year = year_param(request.GET.get("year"))
    status = request.GET.get("status", "")
    groups = rules.street_groups_visible_to(request.user).select_related("committee").order_by("sort_order", "name")
    by_group = {
        p.group_id: p for p in StreetGroupPlan.objects.filter(group__in=groups, year=year).select_related("decided_by")
    }
    rows = [(group, by_group.get(group.pk)) for group in groups]
    counts = {value: 0 for value, _label in STATUS_FILTERS if value}
    for _group, plan in rows:
        counts[plan.status if plan else "none"] += 1
    if status in counts:
        rows = [(g, p) for g, p in rows if (p.status if p else "none") == status]
    return render(
        request,
        "stations/admin/street_plans.html",
        {
            "year": year,
            "years": range(this_year() + 1, max(FIRST_YEAR, this_year() - 5) - 1, -1),
            "status": status,
            "filters": [(value, label, counts.get(value)) for value, label in STATUS_FILTERS],
            "rows": rows,
            "everything": rules.sees_everything(request.user),
            "may_confirm": request.user.has_perm(plans.CONFIRM),
        },
    )


def _visible_plan(request, pk):
    """(plan, None) or (None, a 403/404 response)."""
    plan = StreetGroupPlan.objects.select_related("group__committee", "decided_by").filter(pk=id_or_404(pk)).first()
    if plan is None:
        raise Http404("没有这份一街一策。")
    if not plans.plans_visible_to(request.user).filter(pk=plan.pk).exists():
        return None, forbidden(request, OUT_OF_SCOPE)
    return plan, None


def _plan_page(request, plan, reason="", reason_error=""):
    return render(
        request,
        "stations/admin/street_plan.html",
        {
            "plan": plan,
            "group": plan.group,
            "posts": posts.posts_of(plan.group),
            "items": plan.items.prefetch_related("lead_members"),
            "may_decide": plans.may_decide(request.user, plan),
            "reason": reason,
            "reason_error": reason_error,
        },
        status=400 if reason_error else 200,
    )


@_allowed
def plan_detail(request, pk):
    plan, refusal = _visible_plan(request, pk)
    return refusal or _plan_page(request, plan)


@require_POST
@_allowed
def plan_confirm(request, pk):
    plan, refusal = _visible_plan(request, pk)
    if refusal:
        return refusal
    if not request.user.has_perm(plans.CONFIRM):
        return forbidden(request, "只有委员联络室可以确认或退回一街一策。")
    try:
        plans.confirm_plan(request.user, plan.pk)
    except plans.PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已确认{plan}。")
    return redirect(reverse("street_group_plan_admin", args=[plan.pk]))


@require_POST
@_allowed
def plan_return(request, pk):
    plan, refusal = _visible_plan(request, pk)
    if refusal:
        return refusal
    if not request.user.has_perm(plans.CONFIRM):
        return forbidden(request, "只有委员联络室可以确认或退回一街一策。")
    reason = request.POST.get("reason", "")
    try:
        plans.return_plan(request.user, plan.pk, reason)
    except plans.PlanError as error:
        if any(key == "reason" for key, _message in error.errors):
            return _plan_page(request, plan, reason=reason, reason_error=str(error))
        messages.error(request, str(error))
    else:
        messages.success(request, f"已退回{plan}，联络员修改后可重新报送。")
    return redirect(reverse("street_group_plan_admin", args=[plan.pk]))


MODELADMINS = ()
MENU = [("一街一策", "street_group_plans", "list-ul", may_read_plans, 340)]  # (label, url name, icon, allowed, order)
urls = [
    path("stations/street-plans/", plan_index, name="street_group_plans"),
    path("stations/street-plans/<str:pk>/", plan_detail, name="street_group_plan_admin"),
    path("stations/street-plans/<str:pk>/confirm/", plan_confirm, name="street_group_plan_confirm"),
    path("stations/street-plans/<str:pk>/return/", plan_return, name="street_group_plan_return"),
]
