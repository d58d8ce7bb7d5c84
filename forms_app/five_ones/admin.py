"""What the offices on the route use in the Wagtail admin: act on a filing, the deadline
board, and the year's export."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from lianxin_site.spreadsheet import table_xlsx, xlsx_response

from . import filing as rules
from .models import FiveOnesFiling


def inspect_url(pk):
    from django.urls import reverse

    return reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[pk])


@require_POST
def act_on_filing(request, pk):
    get_object_or_404(rules.filings_visible_to(request.user), pk=pk)
    action = request.POST.get("action", "")
    if action not in rules.Action.values:
        raise PermissionDenied
    try:
        filing = rules.act(pk, request.user, action, request.POST.get("note", ""))
    except rules.RouteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{filing}：{rules.Action(action).label}。")
    return redirect(inspect_url(pk))


@require_GET
@permission_required("forms_app.view_fiveonesfiling", raise_exception=True)
def deadline_board(request):
    year = rules.parse_year(request.GET.get("year"))
    board = rules.deadline_board(year)
    return render(request, "forms_app/admin/board.html", {**board, "years": range(year + 1, year - 4, -1)})


EXPORT_COLUMNS = [
    ("年度", lambda f: f.year),
    ("党派、界别名称", lambda f: f.filer_name),
    ("界别组长姓名", lambda f: f.leader_name),
    ("填表日期", lambda f: f.filled_on.isoformat()),
    ("状态", lambda f: f.get_status_display()),
    ("提交时间", lambda f: f.submitted_at.strftime("%Y-%m-%d %H:%M")),
    ("活动主题", lambda f: f.theme),
    ("主题与本界别的关系", lambda f: f.theme_reason),
    ("活动日期", lambda f: f.activity_date.isoformat()),
    ("活动地点", lambda f: f.activity_place),
    ("活动形式", lambda f: f.get_activity_kind_display()),
    ("活动安排", lambda f: f.activity_plan),
    ("参加委员", lambda f: "、".join(m.name for m in f.participants.all())),
    ("成果类别", lambda f: f.get_result_kind_display()),
    ("成果标题", lambda f: f.result_title),
    ("内容摘要", lambda f: f.result_summary),
    ("推荐委员", lambda f: f.showcase_member.name),
    ("推荐理由", lambda f: f.showcase_reason),
    ("履职心语", lambda f: "\n".join(f"{r.member.name}：{r.text}" for r in f.reflections.all())),
]


@require_GET
@permission_required("forms_app.archive_filing", raise_exception=True)
def export_year(request):
    year = rules.parse_year(request.GET.get("year"))
    filings = (
        FiveOnesFiling.objects.filter(year=year)
        .select_related("sector", "party", "showcase_member")
        .prefetch_related("participants", "reflections__member")
        .order_by("sector__sort_order", "party__sort_order")
    )
    return xlsx_response(
        table_xlsx(f"{year}年五个一活动备案", EXPORT_COLUMNS, filings), f"{year}年五个一活动备案表汇总.xlsx"
    )
