"""The admin of designations, pairings and quotas (委员联络室): the 结对 list, copy last year's,
the 按专委会建议 preview, the 结对 import, and the 联系指标.

Every write goes through rules.py's pairings section (save_pairing, delete_pairing, copy_year,
confirm_suggestions, import_pairings): the forms here only check the shape of the input and show
each refusal beside its field. Only MANAGE_PAIRINGS writes; a committee office with view_pairing
reads the pairs with either side in its scope (rules.pairings_visible_to)."""

import io
from functools import wraps

import openpyxl
from django import forms
from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.views import CreateView, EditView

from lianxin_site.admin_helpers import IndexView, ModelAdmin, id_or_404
from lianxin_site.dates import this_year, year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import XlsxUploadForm, confirm_and_tell, kept_file_response, preview_upload
from people.models import Member, SpecialCommittee
from results.admin import forbidden

from . import rules
from .models import ContactImport, ContactQuota, Pairing, PairingKind

MANAGE_REFUSAL = "只有委员联络室可以新建、修改或删除结对（复制、建议和导入也是）；您的账号只能查看。"
VIEW_REFUSAL = "您的账号没有查看结对的权限（委员联络室、专委会工作室和主席会议成员等可以查看）。"
QUOTA_REFUSAL = "只有委员联络室可以查看和设置联系指标。"
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
RECENT = 10


def may_view(user):
    return user.is_authenticated and (rules.may_manage_pairings(user) or user.has_perm(rules.VIEW_PAIRING))


def may_manage(user):
    return rules.may_manage_pairings(user)


def managing(view):
    """Pages that write pairs: 403 with the reason for anyone but 委员联络室."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_manage(request.user):
            return forbidden(request, MANAGE_REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def year_choices():
    return [(y, f"{y}年") for y in range(this_year() + 1, this_year() - 6, -1)]


def index_url(year=None):
    url = reverse("contacts_pairing_modeladmin_index")
    return f"{url}?year={year}" if year else url


# --- the 结对 list, create, edit, delete


def member_label(member):
    marks = []
    if member.chair_role:
        marks.append(member.get_chair_role_display())
    if member.is_standing:
        marks.append("常委")
    if member.is_youth:
        marks.append("青年委员")
    return f"{member.name}（{member.code}）" + (f" · {'、'.join(marks)}" if marks else "")


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return member_label(obj)


class PairingForm(forms.Form):
    """The shape of a pair; rules.pairing_errors says whether it may be made, beside each field."""

    year = forms.TypedChoiceField(label="年度", coerce=int, error_messages={"required": "请选择年度。"})
    kind = forms.ChoiceField(
        label="结对类型",
        choices=PairingKind.choices,
        error_messages={"required": "请选择结对类型。", "invalid_choice": f"结对类型{rules.KIND_TEXT}。"},
    )
    from_member = MemberChoice(
        label="联系人",
        queryset=Member.objects.none(),
        help_text="主席联系常委：主席、副主席；常委联系委员：常委；传帮带：非青年委员。",
        error_messages={"required": "请选择联系人委员。", "invalid_choice": "所选联系人已不在名册中，请重新选择。"},
    )
    to_member = MemberChoice(
        label="被联系人",
        queryset=Member.objects.none(),
        help_text="主席联系常委：常委；常委联系委员：既非常委也非主席会议成员的委员；传帮带：青年委员。",
        error_messages={"required": "请选择被联系人委员。", "invalid_choice": "所选被联系人已不在名册中，请重新选择。"},
    )

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["year"].choices = year_choices()
        members = Member.objects.only("pk", "code", "name", "chair_role", "is_standing", "is_youth").order_by("code")
        # A youth member who is neither 常委 nor 主席会议成员 contacts nobody; a 主席/副主席 who is
        # not 常委 is contacted by nobody.
        self.fields["from_member"].queryset = members.exclude(is_youth=True, is_standing=False, chair_role="")
        self.fields["to_member"].queryset = members.exclude(is_standing=False, is_youth=False, chair_role__gt="")

    @classmethod
    def initial_for(cls, pair):
        if pair is None:
            return {"year": this_year()}
        return {"year": pair.year, "kind": pair.kind, "from_member": pair.from_member, "to_member": pair.to_member}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for name, texts in rules.pairing_errors(
            data["year"], data["kind"], data["from_member"], data["to_member"], self.instance
        ).items():
            for text in texts:
                self.add_error(name, text)
        return data


def pairing_form_view(request, pair=None):
    """Create or edit a pair through rules.save_pairing."""
    form = PairingForm(request.POST or None, instance=pair, initial=PairingForm.initial_for(pair))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = rules.save_pairing(
                data["year"], data["kind"], data["from_member"], data["to_member"], request.user, instance=pair
            )
        except rules.Refused as exc:
            return forbidden(request, str(exc))
        except rules.ContactError as exc:
            for name, texts in exc.errors.items():
                for text in texts:
                    form.add_error(name or None, text)
        else:
            messages.success(request, f"已{'修改' if pair else '新建'}结对：{saved}")
            return redirect(index_url(saved.year))
    return TemplateResponse(
        request,
        "contacts/pairings/form.html",
        {"form": form, "pair": pair, "back_url": index_url(pair.year if pair else None)},
    )


class PairingPermissionHelper(PermissionHelper):
    """Read: view_pairing (scope in rules.pairings_visible_to); write: MANAGE_PAIRINGS only."""

    def user_can_list(self, user):
        return may_view(user)

    def user_can_create(self, user):
        return may_manage(user)

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return may_manage(user)

    def user_can_delete_obj(self, user, obj):
        return may_manage(user)


class PairingButtonHelper(ButtonHelper):
    def add_button(self, classnames_add=None, classnames_exclude=None):
        button = super().add_button(classnames_add, classnames_exclude)
        return {**button, "label": "新建结对", "title": "新建结对"}


class PairingIndexView(IndexView):
    """The list opens on this year's pairs."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and not request.GET:
            return redirect(index_url(this_year()))
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return "结对"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_manage"] = may_manage(self.request.user)
        return context


class TargetCommitteeFilter(admin.SimpleListFilter):
    title = _("被联系人专委会")
    parameter_name = "committee"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in SpecialCommittee.objects.order_by("sort_order", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value in {str(pk) for pk in SpecialCommittee.objects.values_list("pk", flat=True)}:
            return queryset.filter(to_member__committee_id=int(value))
        return queryset


def side(member, name, code):
    if member is None:
        return format_html('{}（{}）<span class="status-tag" data-left-roster>已离开名册</span>', name, code)
    return f"{member.name}（{member.code}）"


class PairingAdmin(ModelAdmin):
    model = Pairing
    menu_label = _("结对")
    menu_icon = "link"
    menu_order = 100
    index_view_class = PairingIndexView
    index_template_name = "contacts/pairings/index.html"
    list_display = ("year", "kind", "from_side", "to_side", "to_committee", "to_sector")
    list_filter = ("year", "kind", TargetCommitteeFilter)
    search_fields = ("from_name", "from_code", "to_name", "to_code")
    list_per_page = 100
    permission_helper_class = PairingPermissionHelper
    button_helper_class = PairingButtonHelper

    def get_queryset(self, request):
        return rules.pairings_visible_to(request.user).select_related(
            "from_member", "to_member__committee", "to_member__sector"
        )

    def _scoped(self, request, instance_pk):
        return get_object_or_404(rules.pairings_visible_to(request.user), pk=id_or_404(instance_pk))

    def index_view(self, request):
        if not may_view(request.user):
            return forbidden(request, VIEW_REFUSAL)
        return super().index_view(request)

    def create_view(self, request):
        if not may_manage(request.user):
            return forbidden(request, MANAGE_REFUSAL)
        return pairing_form_view(request)

    def edit_view(self, request, instance_pk):
        pair = self._scoped(request, instance_pk)
        if not may_manage(request.user):
            return forbidden(request, MANAGE_REFUSAL)
        return pairing_form_view(request, pair)

    def delete_view(self, request, instance_pk):
        pair = self._scoped(request, instance_pk)
        if not may_manage(request.user):
            return forbidden(request, MANAGE_REFUSAL)
        if request.method == "POST":
            try:
                rules.delete_pairing(pair.pk, request.user)
            except rules.ContactError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已删除结对：{pair}")
            return redirect(index_url(pair.year))
        return TemplateResponse(
            request, "contacts/pairings/delete.html", {"pair": pair, "back_url": index_url(pair.year)}
        )

    @admin.display(description=_("联系人"))
    def from_side(self, obj):
        return side(obj.from_member, obj.from_name, obj.from_code)

    @admin.display(description=_("被联系人"))
    def to_side(self, obj):
        return side(obj.to_member, obj.to_name, obj.to_code)

    @admin.display(description=_("被联系人专委会"))
    def to_committee(self, obj):
        return obj.to_member.committee.name if obj.to_member and obj.to_member.committee else "—"

    @admin.display(description=_("被联系人界别"))
    def to_sector(self, obj):
        return obj.to_member.sector.name if obj.to_member else "—"


# --- 复制上一年度结对


class CopyForm(forms.Form):
    from_year = forms.TypedChoiceField(label="从哪一年复制", coerce=int)
    to_year = forms.TypedChoiceField(label="复制到", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = year_choices()
        self.fields["to_year"].choices = year_choices()

    def clean(self):
        data = super().clean()
        if not self.errors and data["from_year"] == data["to_year"]:
            self.add_error("to_year", "复制到的年度不能与原年度相同。")
        return data


COPY_RESULT = "contacts_pairings_copy_result"
COPY_FIELDS = {"from_year": "from_year", "year": "to_year"}  # rules.copy_year's error keys → the form's


def copy_summary(from_year, to_year, result):
    """What the result page shows, kept in the session (plain data) so a reload shows it again
    without copying again."""
    return {
        "from_year": from_year,
        "to_year": to_year,
        "copied": len(result.copied),
        "existing": result.existing,
        "dropped": [
            {
                "kind": str(pair.get_kind_display()),
                "from": f"{pair.from_name}（{pair.from_code}）",
                "to": f"{pair.to_name}（{pair.to_code}）",
                "reason": reason,
            }
            for pair, reason in result.dropped
        ],
    }


@require_http_methods(["GET", "POST"])
@managing
def copy_year(request):
    """The form, then POST/redirect/GET: the result stays in the session and `?result=1` shows it,
    so reloading the result page shows the table again and copies nothing."""
    from_year, to_year = rules.copy_years_default()
    form = CopyForm(request.POST or None, initial={"from_year": from_year, "to_year": to_year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = rules.copy_year(data["from_year"], data["to_year"], request.user)
        except rules.Refused as exc:
            return forbidden(request, str(exc))
        except rules.ContactError as exc:
            for name, texts in exc.errors.items():
                for text in texts:
                    form.add_error(COPY_FIELDS.get(name), text)
        else:
            request.session[COPY_RESULT] = copy_summary(data["from_year"], data["to_year"], result)
            messages.success(
                request,
                f"已把 {data['from_year']} 年的结对复制到 {data['to_year']} 年：新复制 {len(result.copied)} 个，"
                f"{result.existing} 个已存在未重复复制，{len(result.dropped)} 个未复制（原因见下表）。",
            )
            return redirect(f"{reverse('contacts_pairings_copy')}?result=1")
    summary = request.session.get(COPY_RESULT) if request.method == "GET" and request.GET.get("result") else None
    return TemplateResponse(request, "contacts/pairings/copy.html", {"form": form, "result": summary})


# --- 按专委会建议 (常委联系委员)


@require_http_methods(["GET", "POST"])
@managing
def suggest(request):
    year = year_param(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    if request.method == "POST":
        keys = request.POST.getlist("pair")
        try:
            created = rules.confirm_suggestions(year, keys, request.user)
        except rules.ContactError as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('contacts_pairings_suggest')}?year={year}")
        messages.success(request, f"已按建议创建 {len(created)} 个常委联系委员结对。")
        return redirect(index_url(year))
    suggestions = rules.suggest_standing_pairs(year)
    standing_count = Member.objects.filter(is_standing=True).count()
    return TemplateResponse(
        request,
        "contacts/pairings/suggest.html",
        {
            "year": year,
            "years": year_choices(),
            "suggestions": suggestions,
            "standing_count": standing_count,
        },
    )


# --- 导入结对


class UploadForm(XlsxUploadForm):
    table = "结对表"
    columns = rules.PAIRING_COLUMNS

    def max_bytes(self):
        return UPLOAD_MAX_BYTES


def pairing_template():
    """The blank 结对表: the header, 结对类型 as a drop-down, 委员证号 kept as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "结对"
    sheet.append(list(rules.PAIRING_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    kinds = [str(label) for label in PairingKind.labels]
    validation = DataValidation(type="list", formula1='"' + ",".join(kinds) + '"', allow_blank=True)
    validation.error = f"请从列表中选择：{'、'.join(kinds)}"
    validation.add("B2:B2000")
    sheet.add_data_validation(validation)
    for column in "CD":
        for row in range(2, 2001):
            sheet[f"{column}{row}"].number_format = "@"  # keep the 0 of 0015
    for column, width in zip("ABCD", (10, 16, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_record(request, pk):
    return get_object_or_404(
        ContactImport.objects.filter(kind=ContactImport.Kind.PAIRINGS).select_related("uploaded_by"), pk=pk
    )


@require_GET
@managing
def import_template(request):
    return xlsx_response(pairing_template(), "结对表模板.xlsx")


@require_http_methods(["GET", "POST"])
@managing
def import_upload(request):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    record = preview_upload(
        form,
        lambda upload: rules.import_pairings(upload.read(), request.user, dry_run=True),
        lambda upload, report: ContactImport.keep(upload, request.user, report, kind=ContactImport.Kind.PAIRINGS),
    )
    if record:
        return redirect("contacts_pairings_import_preview", pk=record.pk)
    recent = ContactImport.objects.filter(kind=ContactImport.Kind.PAIRINGS).select_related("uploaded_by")[:RECENT]
    return TemplateResponse(
        request,
        "contacts/pairings/import.html",
        {"form": form, "recent": recent, "limit": UPLOAD_MAX_BYTES, "kinds": PairingKind.labels},
    )


@require_http_methods(["GET", "POST"])
@managing
def import_preview(request, pk):
    record = _import_record(request, pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return forbidden(request, "只有上传这份结对表的人可以确认导入。")
        return confirm_and_tell(
            request,
            record.pk,
            rules.confirm_pairing_import,
            preview="contacts_pairings_import_preview",
            done=lambda report: f"结对表已导入：新增 {report.created} 个结对，{report.unchanged} 个已存在。",
            changed="没有导入：预览之后结对或名册发生了变化，出现了下面的问题，没有写入任何数据。",
        )
    return TemplateResponse(
        request,
        "contacts/pairings/import_preview.html",
        {
            "record": record,
            "report": record.report,
            # 预览 while it waits for 确认导入; afterwards what became of it (已导入, 有错误，未导入, …).
            "subtitle": "预览" if record.status == ContactImport.Status.PREVIEWED else record.get_status_display(),
            "can_confirm": record.awaits(request.user),
        },
    )


@require_GET
@managing
def import_file(request, pk):
    """The uploaded file itself, from private storage, to 委员联络室 only."""
    return kept_file_response(_import_record(request, pk))


# --- 联系指标


DEFAULT_QUOTA_FIELDS = rules.QUOTA_COUNT_FIELDS


class QuotaForm(WagtailAdminModelForm):
    """rules.quota_errors beside each field; the stock messages (「确保该值大于或等于0。」, 「具有 年度 的
    联系指标 已存在。」) replaced by ones that name the field, in the committee's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DEFAULT_QUOTA_FIELDS:
            if name in self.fields:
                label = rules.quota_label(name)
                self.fields[name].error_messages.update(
                    {
                        "required": f"「{label}」：请填写",
                        "invalid": f"「{label}」：请填写整数",
                        "min_value": rules.quota_below_zero_text(name),
                        "max_value": f"「{label}」：不能大于 %(limit_value)s",
                    }
                )
        if "year" in self.fields:
            year_text = f"「年度」：应为 {rules.FIRST_PAIRING_YEAR} 至 {this_year() + 1} 之间的年份"
            self.fields["year"].error_messages.update(
                {
                    "required": "「年度」：请填写年度",
                    "invalid": year_text,
                    "min_value": year_text,
                    "max_value": year_text,
                }
            )

    def clean(self):
        data = super().clean()
        probe = ContactQuota(pk=self.instance.pk, **{name: data.get(name) for name in ("year", *DEFAULT_QUOTA_FIELDS)})
        for name, texts in rules.quota_errors(probe).items():
            for text in texts:
                if name in self.fields and name not in self.errors:
                    self.add_error(name, text)
        return data

    def validate_unique(self):
        """One row a year is rules.quota_errors' (in its words) and, for two offices at once, the
        unique constraint's (QuotaSaveMixin); not Django's stock 「具有 年度 的 联系指标 已存在。」."""


class QuotaSaveMixin:
    """Two offices setting the same year at once: one row is saved, the other is told beside 年度."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            form.add_error("year", rules.quota_year_taken_text(form.cleaned_data.get("year")))
            return self.form_invalid(form)


class QuotaPermissionHelper(PermissionHelper):
    def user_can_delete_obj(self, user, obj):
        return False  # a year without a row uses the defaults: change the row instead


class QuotaCreateView(QuotaSaveMixin, CreateView):
    def get_initial(self):
        return {**super().get_initial(), "year": year_param(self.request.GET.get("year"))}


class QuotaEditView(QuotaSaveMixin, EditView):
    pass


class QuotaIndexView(IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        defaults = ContactQuota(year=this_year())
        context["unset_years"] = [
            year for year in (this_year(), this_year() + 1) if not ContactQuota.objects.filter(year=year).exists()
        ]
        context["defaults"] = [
            (ContactQuota._meta.get_field(name).verbose_name, getattr(defaults, name)) for name in DEFAULT_QUOTA_FIELDS
        ]
        return context


class ContactQuotaAdmin(ModelAdmin):
    model = ContactQuota
    menu_label = _("联系指标")
    menu_icon = "list-ol"
    menu_order = 190
    index_view_class = QuotaIndexView
    create_view_class = QuotaCreateView
    edit_view_class = QuotaEditView
    index_template_name = "contacts/pairings/quota_index.html"
    permission_helper_class = QuotaPermissionHelper
    list_display = ("year", *DEFAULT_QUOTA_FIELDS)
    edit_handler = ObjectList(
        [
            FieldPanel("year"),
            FieldRowPanel([FieldPanel("activities_per_member"), FieldPanel("enterprises")]),
            FieldRowPanel([FieldPanel("sector_public"), FieldPanel("public")]),
            FieldRowPanel([FieldPanel("chair_visits_min"), FieldPanel("chair_visits_max")]),
            FieldPanel("forums_per_half"),
        ],
        base_form_class=QuotaForm,
    )

    def _allowed(self, request):
        return request.user.has_perm("contacts.view_contactquota") or request.user.has_perm(
            "contacts.change_contactquota"
        )

    def index_view(self, request):
        if not self._allowed(request):
            return forbidden(request, QUOTA_REFUSAL)
        return super().index_view(request)

    def create_view(self, request):
        if not request.user.has_perm("contacts.add_contactquota"):
            return forbidden(request, QUOTA_REFUSAL)
        return super().create_view(request)

    def edit_view(self, request, instance_pk):
        if not request.user.has_perm("contacts.change_contactquota"):
            return forbidden(request, QUOTA_REFUSAL)
        return super().edit_view(request, instance_pk)


MODELADMINS = [PairingAdmin, ContactQuotaAdmin]
MENU = [  # (label, url name, icon, allowed(user), order)
    ("复制上一年度结对", "contacts_pairings_copy", "copy", may_manage, 110),
    ("按专委会建议", "contacts_pairings_suggest", "group", may_manage, 120),
    ("导入结对", "contacts_pairings_import", "upload", may_manage, 130),
]
urls = [
    path("contacts/pairings/copy/", copy_year, name="contacts_pairings_copy"),
    path("contacts/pairings/suggest/", suggest, name="contacts_pairings_suggest"),
    path("contacts/pairings/import/", import_upload, name="contacts_pairings_import"),
    path("contacts/pairings/import/template.xlsx", import_template, name="contacts_pairings_template"),
    path("contacts/pairings/import/<int:pk>/", import_preview, name="contacts_pairings_import_preview"),
    path("contacts/pairings/import/<int:pk>/file/", import_file, name="contacts_pairings_import_file"),
]
