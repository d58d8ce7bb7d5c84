"""请假审批 in the Wagtail admin (/admin/performance/leave/): the requests an office decides
(rules.leave_requests_for: 委员联络室 all; a 专委会工作室 those for its own activities and for the
五个一 activities of the sectors it contacts), filtered by 待审批/已批准/未批准 and year; approve,
or refuse with a required note (rules.decide_leave, which locks the row: of two offices deciding
at once the second is told who decided). Roles that do not decide 请假 get 403 with the reason.

LEAVE_MENU: [(label, url name, icon, allowed(user), order)] for the 履职档案 admin menu."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin_site.dates import this_year
from people.services import account_of
from results.admin import forbidden

from . import rules
from .models import LeaveRequest

PAGE_SIZE = 50
YEARS_SHOWN = 6
STATES = [("pending", "待审批"), ("approved", "已批准"), ("refused", "未批准"), ("all", "全部")]


def may_decide_leave(user):
    return not rules.leave_refusal(user)


def _filters(params):
    """(state, year or None) from the query string; what is not offered falls back to the default
    (待审批, every year)."""
    state = params.get("state", "pending")
    if state not in dict(STATES):
        state = "pending"
    year = params.get("year", "")
    year = int(year) if year.isdecimal() and int(year) in _years() else None
    return state, year


def _years():
    return list(range(this_year() + 1, this_year() - YEARS_SHOWN, -1))


def _queue(user, state, year):
    requests = rules.leave_requests_for(user).select_related(
        "member__sector", "activity__organiser", "filing__sector__contact_committee", "decided_by"
    )
    if state != "all":
        requests = requests.filter(decision=state)
    if year is not None:
        requests = rules.in_year(requests, year)
    return requests.order_by("-asked_at", "-pk")


def _describe(leave):
    """The activity as the office reads it: its name, when, who organises it."""
    if leave.activity_id:
        activity = leave.activity
        leave.target_title, leave.target_kind = activity.name, "履职活动"
        leave.target_when = timezone.localtime(activity.start).strftime("%Y-%m-%d %H:%M")
        target = activity
    else:
        filing = leave.filing
        group = filing.sector.name if filing.sector_id else filing.party.name
        leave.target_title, leave.target_kind = f"{group}五个一活动：{filing.theme}", "五个一活动"
        leave.target_when = f"{filing.activity_date:%Y-%m-%d}"
        target = filing
    leave.decider = rules.leave_decider_name(target)
    leave.started = timezone.now() >= rules.leave_closes(target)
    return leave


def leave_queue(request):
    refusal = rules.leave_refusal(request.user)
    if refusal:
        return forbidden(request, refusal)
    return _render_queue(request, request.GET)


def _render_queue(request, params, errors=None, typed=None):
    """The queue filtered by `params`; `errors` {pk: message} show beside their request (or at
    the top when the request is no longer listed), `typed` {pk: note} keeps what was typed."""
    state, year = _filters(params)
    page = Paginator(_queue(request.user, state, year), PAGE_SIZE).get_page(params.get("page"))
    rows = [_describe(leave) for leave in page.object_list]
    errors, typed = errors or {}, typed or {}
    for leave in rows:
        leave.error, leave.typed = errors.pop(leave.pk, ""), typed.get(leave.pk, "")
    counts = dict.fromkeys(dict(STATES), 0)
    scoped = rules.leave_requests_for(request.user)
    if year is not None:
        scoped = rules.in_year(scoped, year)
    for decision in scoped.values_list("decision", flat=True).order_by():
        counts[decision] += 1
    counts["all"] = sum(counts.values())
    return render(
        request,
        "performance/admin/leave.html",
        {
            "rows": rows,
            "page": page,
            "state": state,
            "year": year,
            "years": _years(),
            "states": [(key, label, counts[key]) for key, label in STATES],
            "query": params.urlencode(),
            "other_errors": list(errors.values()),
            "scope_note": "" if request.user.has_perm(rules.MANAGE) else _scope_note(request.user),
        },
    )


def _scope_note(user):
    committee = account_of(user).committee
    return f"只列出{committee.office}组织的履职活动，以及{committee.name}联系界别的五个一活动的请假。"


@require_POST
def decide(request, pk):
    """批准 or 不批准 one request. A refusal of the rule (no note, someone decided first, the year
    frozen) is shown beside the request with the queue as it was, keeping the typed note."""
    refusal = rules.leave_refusal(request.user)
    if refusal:
        return forbidden(request, refusal)
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")
    params = QueryDict(request.POST.get("query", ""))
    try:
        leave = rules.decide_leave(pk, request.user, approve, note)
    except LeaveRequest.DoesNotExist as exc:
        raise Http404("没有这条请假申请，或不在您的审批范围内。") from exc
    except rules.Refused as exc:
        return forbidden(request, str(exc))
    except rules.PerformanceError as exc:
        return _render_queue(request, params, errors={pk: str(exc)}, typed={pk: note})
    verb = "批准" if approve else "不批准"
    messages.success(request, f"已{verb}{leave.member.name}的请假申请。")
    query = params.urlencode()
    return redirect(reverse("performance_leave") + (f"?{query}" if query else ""))


leave_urls = [
    path("performance/leave/", leave_queue, name="performance_leave"),
    path("performance/leave/<int:pk>/decide/", decide, name="performance_leave_decide"),
]

LEAVE_MENU = [
    ("请假审批", "performance_leave", "date", may_decide_leave, 250),
]
