"""年度活动安排 › 活动安排 in the admin: the plan's entries, each with its 月份, 活动内容, 活动类型 and
活动主体, filtered by 年度 and 活动类型; 添加, 修改, 添加批次 (分批, S000-4) and 删除 through
services.py.

Every list, inspect, edit and delete starts from rules.entries_editable_by: 区政协办公室 and 委员联络室
see every entry, a 专委会工作室 those of its committee and contacted sectors; an entry outside that
(another committee's, a hand-edited id) answers 404, a role without the rights a 403 page."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.views import DeleteView, InspectView

from lianxin_site.admin_helpers import IndexView, ModelAdmin, id_or_404
from lianxin_site.dates import year_param
from results.admin import forbidden

from . import rules, services, sheets
from .admin_forms import EntryForm
from .models import EntryBody, ScheduleEntry

REFUSAL = "您的账号不能安排年度活动。年度活动安排由区政协办公室、委员联络室和各专委会工作室维护。"
BODY_ROWS = ("committee", "sector", "party", "street_group")


def may_plan(user):
    return user.has_perm("schedule.view_scheduleentry")


def may_add(user):
    return user.has_perm("schedule.add_scheduleentry")


def editable_ids(user):
    """The ids `user` may edit, asked once a request (request.user is one object for the request)."""
    ids = getattr(user, "_schedule_editable_ids", None)
    if ids is None:
        ids = set(rules.entries_editable_by(user).values_list("pk", flat=True))
        user._schedule_editable_ids = ids
    return ids


class EntryPermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        return may_plan(user)

    def user_can_create(self, user):
        return may_add(user)

    def user_can_inspect_obj(self, user, obj):
        return obj.pk in editable_ids(user)

    def user_can_edit_obj(self, user, obj):
        return obj.pk in editable_ids(user)

    def user_can_delete_obj(self, user, obj):
        return user.has_perm("schedule.delete_scheduleentry") and obj.pk in editable_ids(user)


class EntryButtonHelper(ButtonHelper):
    """查看, 修改, 添加批次 (for an activity, not a batch), 删除."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if obj.batch_of_id is None and self.permission_helper.user_can_edit_obj(self.request.user, obj):
            buttons.insert(
                2,
                {
                    "url": self.url_helper.get_action_url("batch", obj.pk),
                    "label": "添加批次",
                    "classname": self.finalise_classname(
                        self.edit_button_classnames + (classnames_add or []), classnames_exclude
                    ),
                    "title": f"为“{obj.content}”添加一批",
                },
            )
        return buttons


class EntryIndexView(IndexView):
    def get_page_title(self):
        return "年度活动安排"


class EntryInspectView(InspectView):
    def get_context_data(self, **kwargs):
        entry = self.instance
        return super().get_context_data(
            entry=entry,
            months=sheets.months_text(entry),
            bodies=entry.bodies.select_related(*BODY_ROWS),
            invited=entry.invited.select_related("sector").order_by("code"),
            batches=[entry.batch_of, *entry.batch_of.batches.all()] if entry.batch_of_id else entry.batches.all(),
            may_edit=self.instance.pk in editable_ids(self.request.user),
            **kwargs,
        )


class EntryDeleteView(DeleteView):
    def confirmation_message(self):
        batches = self.instance.batches.count()
        also = f"它的 {batches} 个批次也会一并删除。" if batches else ""
        return f"确定删除“{self.instance}”吗？{also}"

    def post(self, request, *args, **kwargs):
        try:
            label = services.delete_entry(request.user, self.instance.pk)
        except rules.ScheduleError as exc:
            messages.error(request, str(exc))
            return redirect(self.index_url)
        messages.success(request, f"已删除：{label}")
        return redirect(self.index_url)


def entry_form_view(request, model_admin, instance=None, batch_of=None):
    """添加 / 修改 / 添加批次: the form reads, services.save_entry decides and writes."""
    if instance is not None:
        initial = EntryForm.initial_for(instance)
    elif batch_of is not None:
        initial = EntryForm.initial_for_batch(batch_of)
    else:
        initial = {"year": year_param(request.GET.get("year"))}
    form = EntryForm(request.POST or None, user=request.user, entry=instance, batch_of=batch_of, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.save_entry(request.user, form.entry_data(), form.bodies(), form.members, entry=instance)
        except services.EntryInvalid as exc:
            form.put_errors(exc.errors)
        except rules.ScheduleError as exc:
            form.add_error(None, str(exc))
        else:
            done = "已修改" if instance else ("已添加批次" if batch_of else "已添加")
            messages.success(request, f"{done}：{entry}")
            return redirect(model_admin.url_helper.index_url + f"?year={entry.year}")
    if request.method == "POST":
        messages.error(request, "没有保存：请按红字修改。已填写的内容都保留着。")
    if instance is not None:
        subtitle = f"修改：{instance}"
    elif batch_of is not None:
        subtitle = f"为“{batch_of}”添加批次"
    else:
        subtitle = "添加"
    return TemplateResponse(
        request,
        "schedule/admin/entry_form.html",
        {
            "form": form,
            "entry": instance,
            "batch_of": batch_of,
            "kept": form.kept,
            "title": "年度活动安排",
            "subtitle": subtitle,
            "back_url": model_admin.url_helper.index_url,
        },
    )


class ScheduleEntryAdmin(ModelAdmin):
    model = ScheduleEntry
    menu_label = _("活动安排")
    menu_icon = "date"
    menu_order = 10
    base_url_path = "schedule/entries"
    list_display = ("months", "content", "kind", "body_text", "batch_text")
    list_display_add_buttons = "content"
    list_filter = ("year", "kind")
    search_fields = ("content",)
    list_per_page = 100
    inspect_view_enabled = True
    index_view_class = EntryIndexView
    inspect_view_class = EntryInspectView
    delete_view_class = EntryDeleteView
    permission_helper_class = EntryPermissionHelper
    button_helper_class = EntryButtonHelper
    index_template_name = "schedule/admin/entry_index.html"
    inspect_template_name = "schedule/admin/entry_inspect.html"

    def get_queryset(self, request):
        return rules.entries_editable_by(request.user).prefetch_related(
            Prefetch("bodies", EntryBody.objects.select_related(*BODY_ROWS))
        )

    def get_ordering(self, request):
        return ("-year", "first_month", "last_month", "pk")

    def _scoped(self, request, instance_pk):
        return get_object_or_404(rules.entries_editable_by(request.user), pk=id_or_404(instance_pk))

    def index_view(self, request):
        if not may_plan(request.user):
            return forbidden(request, REFUSAL)
        return super().index_view(request)

    def create_view(self, request):
        if not may_add(request.user):
            return forbidden(request, REFUSAL)
        return entry_form_view(request, self)

    def edit_view(self, request, instance_pk):
        return entry_form_view(request, self, instance=self._scoped(request, instance_pk))

    def batch_view(self, request, instance_pk):
        parent = self._scoped(request, instance_pk)
        if parent.batch_of_id:
            raise Http404("批次不能再分批。")
        return entry_form_view(request, self, batch_of=parent)

    def inspect_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        return super().inspect_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        if not request.user.has_perm("schedule.delete_scheduleentry"):
            return forbidden(request, REFUSAL)
        return super().delete_view(request, instance_pk)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                self.url_helper.get_action_url_pattern("batch"),
                self.batch_view,
                name=self.url_helper.get_action_url_name("batch"),
            ),
        )

    @admin.display(description=_("月份"), ordering="first_month")
    def months(self, obj):
        return sheets.months_text(obj)

    @admin.display(description=_("活动主体"))
    def body_text(self, obj):
        return sheets.bodies_text(obj.bodies.all())

    @admin.display(description=_("批次"))
    def batch_text(self, obj):
        return f"第{obj.batch_number}批" if obj.batch_number else "—"


MODELADMINS = (ScheduleEntryAdmin,)
MENU = ()
urls = []
