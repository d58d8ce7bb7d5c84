"""What the offices on the route use in the Wagtail admin: the filings list and inspect page,
acting on a filing, the deadline board, the deadline per year, and the year's export."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from lianxin_site.admin_helpers import ModelAdmin, ReadOnlyPermissionHelper
from lianxin_site.dates import year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.spreadsheet import table_xlsx

from . import rules
from .forms import ReturnForm
from .models import DEFAULT_DEADLINE_NOTE, FilingYear, FiveOnesFiling


def inspect_url(pk):
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
    year = year_param(request.GET.get("year"))
    board = rules.deadline_board(year)
    return render(request, "forms_app/admin/board.html", {**board, "years": range(year + 1, year - 4, -1)})


EXPORT_COLUMNS = [
    ("年度", lambda f: f.year),
    ("党派、界别名称", lambda f: f.filer_name),
    ("界别组长姓名", lambda f: f.leader_name),
    ("填表日期", lambda f: f.filled_on),
    ("状态", lambda f: f.get_status_display()),
    ("提交时间", lambda f: f.submitted_at),
    ("活动主题", lambda f: f.theme),
    ("主题与本界别的关系", lambda f: f.theme_reason),
    ("活动日期", lambda f: f.activity_date),
    ("活动地点", lambda f: f.activity_place),
    ("活动形式", lambda f: f.get_activity_kind_display()),
    ("活动安排", lambda f: f.activity_plan),
    ("参加委员", lambda f: "、".join(m.name for m in f.participants.all())),
    ("成果类别", lambda f: f.get_result_kind_display()),
    ("成果标题", lambda f: f.result_title),
    ("内容摘要", lambda f: f.result_summary),
    ("成果登记", rules.registry_mark),
    ("推荐委员", lambda f: f.showcase_member.name),
    ("推荐理由", lambda f: f.showcase_reason),
    (
        "履职心语",
        lambda f: "\n".join(f"{r.member.name}：{r.text}" for r in f.reflections.all() if r.withdrawn_at is None),
    ),
]


@require_GET
@permission_required("forms_app.archive_filing", raise_exception=True)
def export_year(request):
    year = year_param(request.GET.get("year"))
    filings = (
        FiveOnesFiling.objects.filter(year=year)
        .select_related("sector", "party", "showcase_member", "result")
        .prefetch_related("participants", "reflections__member")
        .order_by("sector__sort_order", "party__sort_order")
    )
    return xlsx_response(
        table_xlsx(f"{year}年五个一活动备案", EXPORT_COLUMNS, filings), f"{year}年五个一活动备案表汇总.xlsx"
    )


class FilingPermissionHelper(ReadOnlyPermissionHelper):
    """Filings come from leaders' wizards: offices read them and move them along the route."""

    def user_can_inspect_obj(self, user, obj):
        return rules.filings_visible_to(user).filter(pk=obj.pk).exists()


class FilingInspectView(InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.instance
        context.update(
            filing=filing,
            events=filing.events.select_related("actor"),
            reflections=filing.reflections.current().select_related("member"),
            participants=filing.participants.all(),
            actions=[(a, rules.Action(a).label) for a in rules.allowed_actions(self.request.user, filing)],
            return_form=ReturnForm(),
            route_office=rules.route_office(filing),
            registry_mark=rules.registry_mark(filing),
        )
        return context


class AwaitingFilter(admin.SimpleListFilter):
    """待我处理 on the dashboard links here: the filings this user may 接收, 转交 or 存档 now."""

    title = _("待我处理")
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return list(rules.AWAITING.items())

    def queryset(self, request, queryset):
        if self.value() not in rules.AWAITING:
            return queryset
        return queryset.filter(pk__in=rules.filings_awaiting(request.user, self.value()).values("pk"))


class FiveOnesFilingAdmin(ModelAdmin):
    model = FiveOnesFiling
    menu_label = _("备案表")
    menu_icon = "doc-full"
    list_display = ("year", "filer", "leader_name", "status", "submitted_at")
    list_filter = (AwaitingFilter, "year", "status")
    search_fields = ("theme", "leader_name", "sector__name", "party__name")
    inspect_view_enabled = True
    inspect_view_class = FilingInspectView
    inspect_template_name = "forms_app/admin/filing_inspect.html"
    permission_helper_class = FilingPermissionHelper

    def get_queryset(self, request):
        return rules.filings_visible_to(request.user).order_by("-year", "status")

    @admin.display(description=_("党派、界别名称"))
    def filer(self, obj):
        return obj.filer_name


class FilingYearAdmin(ModelAdmin):
    """The menu takes its name from the model, so menu and page both read 报送截止日期; the index
    (templates/modeladmin/forms_app/filingyear/index.html) says what an unset year's deadline is."""

    model = FilingYear
    menu_icon = "date"
    list_display = ("year", "deadline")
    default_deadline_note = DEFAULT_DEADLINE_NOTE


class BoardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("forms_app.view_fiveonesfiling")


class FiveOnesGroup(ModelAdminGroup):
    menu_label = _("五个一活动")
    menu_icon = "doc-full"
    menu_order = 220
    items = (FiveOnesFilingAdmin, FilingYearAdmin)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(BoardMenuItem(_("报送进度"), reverse("five_ones_board"), icon_name="list-ul", order=10))
        return items


admin_urls = [
    path("five-ones/<int:pk>/act/", act_on_filing, name="five_ones_act"),
    path("five-ones/board/", deadline_board, name="five_ones_board"),
    path("five-ones/export/", export_year, name="five_ones_export"),
]
