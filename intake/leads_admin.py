"""群众诉求 › 线索 and 社情民意报送 in the admin, for 研究室.

线索 (CaseLead) lists the 社情民意信息 and 提案线索 drawn from cases by make_lead, already without the
citizen's name, phone, email and address; 研究室 (intake.change_caselead) rewrites a title or text in
its own words. 社情民意报送 (OpinionBatch, S000-18) is seen and made only by holders of
intake.send_batches: a batch of items from leads not yet in a batch or typed as committees, parties
and sectors report them, ordered, then marked 已报送 (read-only from then on), downloaded as xlsx or
an A4 PDF for 区委、区政府. The downloads are views that check the permission, never a public path."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper

from lianxin_site.admin_helpers import ModelAdmin, id_or_404
from lianxin_site.downloads import pdf_response, xlsx_response
from results.admin import forbidden

from . import batches
from .batch_sheets import batch_filename, batch_xlsx
from .models import CONTENT_MAX, BatchItem, CaseLead, Category, OpinionBatch
from .pdf import batch_pdf
from .rules import IntakeError

LEAD_REFUSAL = "您的账号没有查看线索的权限。线索由研究室整理。"
BATCH_REFUSAL = "您的账号没有编辑社情民意报送的权限。社情民意报送由研究室编辑和报送。"


def may_view_leads(user):
    return bool(user.is_authenticated and user.is_active and user.has_perm("intake.view_caselead"))


# --- 线索


class LeadPermissionHelper(PermissionHelper):
    """Leads are made from cases (make_lead), never by hand here, and kept once made."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class CaseLeadAdmin(ModelAdmin):
    model = CaseLead
    menu_label = _("线索")
    menu_icon = "pick"
    menu_order = 400
    list_display = ("title", "kind", "category", "source_number", "in_batch", "made_at")
    list_filter = ("kind", "category")
    search_fields = ("title", "case__number")
    list_per_page = 50
    permission_helper_class = LeadPermissionHelper
    edit_handler = ObjectList([FieldPanel("title"), FieldPanel("content"), FieldPanel("category")])

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case").prefetch_related("batch_items__batch")

    def source_number(self, obj):
        return obj.case.number if obj.case_id else "—"

    source_number.short_description = "来源受理编号"

    def in_batch(self, obj):
        issues = [item.batch.issue_no for item in obj.batch_items.all()]
        return "、".join(issues) if issues else "未编入"

    in_batch.short_description = "编入报送"

    def index_view(self, request):
        if not may_view_leads(request.user):
            return forbidden(request, LEAD_REFUSAL)
        return super().index_view(request)

    def edit_view(self, request, instance_pk):
        if not request.user.has_perm("intake.change_caselead"):
            return forbidden(request, LEAD_REFUSAL)
        return super().edit_view(request, instance_pk)

    def inspect_view(self, request, instance_pk):
        if not may_view_leads(request.user):
            return forbidden(request, LEAD_REFUSAL)
        return super().inspect_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        return forbidden(request, LEAD_REFUSAL)

    def create_view(self, request):
        return forbidden(request, "线索由研究室从诉求件形成，不在这里新建。")


# --- 社情民意报送


def senders_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not batches.may_send(request.user):
            return forbidden(request, BATCH_REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


class BatchForm(forms.Form):
    issue_no = forms.CharField(
        label="期号", max_length=40, help_text="如“2026年第3期”。", error_messages={"required": "请填写期号。"}
    )
    date = forms.DateField(
        label="报送日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写报送日期。", "invalid": "请按“2026-03-16”的格式填写日期。"},
    )
    title = forms.CharField(
        label="标题", max_length=100, initial="社情民意", error_messages={"required": "请填写标题。"}
    )


class ItemForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100, error_messages={"required": "请填写标题。"})
    source = forms.CharField(
        label="反映单位",
        max_length=100,
        help_text="如“民盟区委”“经济界别”“提案委”。",
        error_messages={"required": "请填写反映单位。"},
    )
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)
    content = forms.CharField(
        label="内容",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=CONTENT_MAX * 2,
        error_messages={"required": "请填写内容。"},
    )


class LeadsForm(forms.Form):
    leads = forms.ModelMultipleChoiceField(
        label="未编入报送的线索",
        queryset=CaseLead.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一条线索。",
            "invalid_choice": "所选线索已编入其他报送，请刷新后重新选择。",
        },
    )
    source = forms.CharField(label="反映单位", max_length=100, initial=batches.DEFAULT_SOURCE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = batches.free_leads()
        self.fields["leads"].label_from_instance = lambda lead: (
            f"［{lead.get_kind_display()}·{lead.get_category_display()}］{lead.title}"
        )


def _batch(pk):
    return get_object_or_404(OpinionBatch, pk=id_or_404(pk))


def _item(batch, pk):
    return get_object_or_404(BatchItem, batch=batch, pk=id_or_404(pk))


def _detail_url(batch):
    return reverse("intake_batch", args=[batch.pk])


@senders_only
def batch_list(request):
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.create_batch(request.user, **form.cleaned_data)
        except IntakeError as error:
            form.add_error("issue_no", str(error))
        else:
            messages.success(request, f"已新建 {batch}。")
            return redirect(_detail_url(batch))
    rows = OpinionBatch.objects.all()
    return TemplateResponse(
        request,
        "intake/leads/batch_list.html",
        {"title": "社情民意报送", "form": form, "batches": rows, "free_count": batches.free_leads().count()},
    )


def _detail(request, batch, *, header=None, leads_form=None, item_form=None, status=200):
    items = batches.items_of(batch)
    sent = batch.sent_at is not None
    context = {"title": str(batch), "batch": batch, "items": items, "sent": sent}
    if not sent:
        context.update(
            header=header or BatchForm(initial={"issue_no": batch.issue_no, "date": batch.date, "title": batch.title}),
            leads_form=leads_form or LeadsForm(),
            item_form=item_form or ItemForm(),
        )
    return TemplateResponse(request, "intake/leads/batch_detail.html", context, status=status)


def _refuse_sent(request, batch):
    messages.error(request, batches.SENT)
    return redirect(_detail_url(batch))


@require_GET
@senders_only
def batch_detail(request, pk):
    return _detail(request, _batch(pk))


def _step(request, batch, action, done):
    """Run a step; its IntakeError becomes a message on the batch page."""
    try:
        action()
    except IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(_detail_url(batch))


@require_POST
@senders_only
def batch_header(request, pk):
    batch = _batch(pk)
    if batch.sent_at:
        return _refuse_sent(request, batch)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batches.change_batch(batch, request.user, **form.cleaned_data)
        except IntakeError as error:
            form.add_error("issue_no", str(error))
        else:
            messages.success(request, "已保存期号、日期和标题。")
            return redirect(_detail_url(batch))
    return _detail(request, batch, header=form, status=400)


@require_POST
@senders_only
def batch_add_leads(request, pk):
    batch = _batch(pk)
    if batch.sent_at:
        return _refuse_sent(request, batch)
    form = LeadsForm(request.POST)
    if not form.is_valid():
        return _detail(request, batch, leads_form=form, status=400)
    leads = list(form.cleaned_data["leads"].order_by("made_at", "pk"))
    return _step(
        request,
        batch,
        lambda: batches.add_leads(batch, request.user, leads, source=form.cleaned_data["source"]),
        f"已加入 {len(leads)} 条线索。",
    )


@require_POST
@senders_only
def batch_add_item(request, pk):
    batch = _batch(pk)
    if batch.sent_at:
        return _refuse_sent(request, batch)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _detail(request, batch, item_form=form, status=400)
    return _step(request, batch, lambda: batches.add_item(batch, request.user, **form.cleaned_data), "已加入条目。")


@senders_only
def batch_item_edit(request, pk, item_pk):
    batch = _batch(pk)
    item = _item(batch, item_pk)
    if batch.sent_at:
        return _refuse_sent(request, batch)
    form = ItemForm(
        request.POST or None,
        initial={"title": item.title, "source": item.source, "category": item.category, "content": item.content},
    )
    if request.method == "POST" and form.is_valid():
        return _step(
            request, batch, lambda: batches.change_item(item, request.user, **form.cleaned_data), "已保存条目。"
        )
    return TemplateResponse(
        request,
        "intake/leads/batch_item.html",
        {"title": "修改条目", "batch": batch, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@senders_only
def batch_item_move(request, pk, item_pk):
    batch = _batch(pk)
    item = _item(batch, item_pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    return _step(request, batch, lambda: batches.move_item(item, request.user, step), "已调整顺序。")


@require_POST
@senders_only
def batch_item_remove(request, pk, item_pk):
    batch = _batch(pk)
    item = _item(batch, item_pk)
    return _step(request, batch, lambda: batches.remove_item(item, request.user), f"已移除“{item.title}”。")


@require_POST
@senders_only
def batch_send(request, pk):
    batch = _batch(pk)
    return _step(request, batch, lambda: batches.mark_sent(batch, request.user), "已标记为已报送，本期内容不能再修改。")


@require_GET
@senders_only
def batch_download_xlsx(request, pk):
    batch = _batch(pk)
    return xlsx_response(batch_xlsx(batch), batch_filename(batch, "xlsx"))


@require_GET
@senders_only
def batch_download_pdf(request, pk):
    batch = _batch(pk)
    return pdf_response(request, batch_pdf(batch), batch_filename(batch, "pdf"))


MODELADMINS = [CaseLeadAdmin]
MENU = [  # (label, url name, icon, allowed(user), order)
    ("社情民意报送", "intake_batches", "doc-full", batches.may_send, 410),
]
urls = [
    path("intake/batches/", batch_list, name="intake_batches"),
    path("intake/batches/<str:pk>/", batch_detail, name="intake_batch"),
    path("intake/batches/<str:pk>/header/", batch_header, name="intake_batch_header"),
    path("intake/batches/<str:pk>/leads/", batch_add_leads, name="intake_batch_add_leads"),
    path("intake/batches/<str:pk>/items/", batch_add_item, name="intake_batch_add_item"),
    path("intake/batches/<str:pk>/items/<str:item_pk>/", batch_item_edit, name="intake_batch_item"),
    path("intake/batches/<str:pk>/items/<str:item_pk>/move/", batch_item_move, name="intake_batch_item_move"),
    path("intake/batches/<str:pk>/items/<str:item_pk>/remove/", batch_item_remove, name="intake_batch_item_remove"),
    path("intake/batches/<str:pk>/send/", batch_send, name="intake_batch_send"),
    path("intake/batches/<str:pk>/batch.xlsx", batch_download_xlsx, name="intake_batch_xlsx"),
    path("intake/batches/<str:pk>/batch.pdf", batch_download_pdf, name="intake_batch_pdf"),
]
