"""三联系 › 联系记录 in the admin: the offices read the entries of their scope
(rules.activities_visible_to: the list, the entry's page and the xlsx export all start there; any
other entry answers 404) and, with the rights to, log entries through the office form, which
fills a rules.Entry (source 工作室录入) and calls rules.save_entry: a 主席班子集体走访 with several
makers, a visit to a 街道活动小组 (S002-1), a 专委会走访所联系界别委员 with no member maker (the
organising 专委会 given instead; a 专委会工作室 can name only its own). Members' own entries
(委员填报) are read only here. Editing and deleting go through the rules, so the half-year lock and
its message apply. The 导入联系记录 pages are transfer.py."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.admin.widgets import AdminDateInput
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper

from lianxin_site.admin_helpers import IndexView, ModelAdmin, id_or_404
from lianxin_site.downloads import xlsx_response
from lianxin_site.spreadsheet import table_xlsx
from people.models import Member, SpecialCommittee, StreetGroup
from people.services import account_of
from results.admin import forbidden

from . import rules, transfer
from .models import ContactActivity, ContactTarget, Source, TargetCategory, Way

BASE_PATH = "contacts/activity"
ADD = "contacts.add_contactactivity"
CHANGE = "contacts.change_contactactivity"
DELETE = "contacts.delete_contactactivity"
SEPARATORS = re.compile(r"[、，,；;\s]+")
TARGET_SEPARATORS = re.compile(r"[、，,；;\n]+")
CATEGORY_OF = {str(label): value for value, label in TargetCategory.choices}


def url(action, pk=None):
    return reverse(f"{BASE_PATH.replace('/', '_')}_modeladmin_{action}", args=[pk] if pk else [])


def scoped(user):
    """The user's entries with what the list, the page and the export show, in a fixed number of
    queries: makers, contacted members, the targets the user may read (`shown_targets`) and how
    many there are in all (`target_count`)."""
    people = Member.objects.only("pk", "code", "name")
    visible = ContactTarget.objects.order_by("category", "name")
    scope = rules.scope_ids(user)
    if scope is not None:
        visible = visible.filter(member_id__in=scope)
    return (
        rules.activities_visible_to(user)
        .select_related("street_group", "committee", "created_by")
        .annotate(target_count=Count("targets", distinct=True))
        .prefetch_related(
            Prefetch("makers", queryset=people.order_by("code")),
            Prefetch("contacted_members", queryset=people.order_by("code")),
            Prefetch("targets", queryset=visible, to_attr="shown_targets"),
        )
    )


def note_shown(activity, scope):
    """A note is read by the offices of its makers (or, for a 专委会走访, of its contacted members)."""
    if scope is None:
        return True
    people = activity.makers.all() or activity.contacted_members.all()
    return any(m.pk in scope for m in people)


def makers_text(activity):
    names = "、".join(m.name for m in activity.makers.all())
    if activity.committee_id and not names:
        return f"{activity.committee.name}（专委会走访）"
    return names or "—"


def whom_text(activity):
    parts = [m.name for m in activity.contacted_members.all()]
    parts += [f"{t.name}（{t.get_category_display()}）" for t in activity.shown_targets]
    hidden = activity.target_count - len(activity.shown_targets)
    if hidden > 0:
        parts.append(f"另有 {hidden} 个联系对象")
    if activity.street_group_id:
        parts.append(activity.street_group.name)
    return "、".join(parts) or "—"


# --- filters: one function each, used by the list and by the export


def _digits(value, low, high):
    return int(value) if value and str(value).isdecimal() and low <= int(value) <= high else None


def filtered(queryset, params):
    """The entries matching the list's filters (year, month, way, source, committee); a value
    that cannot apply is ignored."""
    if (year := _digits(params.get("year"), 1900, 9999)) is not None:
        queryset = queryset.filter(date__year=year)
    if (month := _digits(params.get("month"), 1, 12)) is not None:
        queryset = queryset.filter(date__month=month)
    if params.get("way") in Way.values:
        queryset = queryset.filter(way=params["way"])
    if params.get("source") in Source.values:
        queryset = queryset.filter(source=params["source"])
    if (committee := _digits(params.get("committee"), 1, 2**62)) is not None:
        related = ContactActivity.objects.filter(
            Q(committee_id=committee) | Q(makers__committee_id=committee) | Q(contacted_members__committee_id=committee)
        )
        queryset = queryset.filter(pk__in=related.values("pk"))
    return queryset


class ParamFilter(SimpleListFilter):
    def queryset(self, request, queryset):
        return filtered(queryset, {self.parameter_name: self.value()})


class YearFilter(ParamFilter):
    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = rules.activities_visible_to(request.user).dates("date", "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]


class MonthFilter(ParamFilter):
    title = _("月份")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(str(m), f"{m}月") for m in range(1, 13)]


class WayFilter(ParamFilter):
    title = _("方式")
    parameter_name = "way"

    def lookups(self, request, model_admin):
        return Way.choices


class SourceFilter(ParamFilter):
    title = _("来源")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return Source.choices


class CommitteeFilter(ParamFilter):
    title = _("专委会")
    parameter_name = "committee"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in SpecialCommittee.objects.all()]


# --- the office's form


def _members(text, roster):
    """([members], [unknown tokens]) for 委员证号 or names separated by 、."""
    tokens = [t for t in dict.fromkeys(SEPARATORS.split(text or "")) if t]
    found = {}
    for member in roster.filter(Q(code__in=tokens) | Q(name__in=tokens)).only("pk", "code", "name", "is_standing"):
        found.setdefault(member.code, member)
        found.setdefault(member.name, member)
    return [found[t] for t in tokens if t in found], [t for t in tokens if t not in found]


def _label(member):
    return f"{member.name}（{member.code}）"


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=AdminDateInput, error_messages={"required": "「日期」：请填写日期"})
    way = forms.ChoiceField(
        label=_("方式"),
        choices=Way.choices,
        widget=forms.RadioSelect,
        error_messages={"required": rules.WAY_TEXT, "invalid_choice": rules.WAY_TEXT},
    )
    makers = forms.CharField(
        label=_("联系人（委员）"),
        required=False,
        help_text=_(
            "委员证号或姓名，用顿号分隔。主席班子集体走访填写每一位，各计一次；专委会走访所联系界别委员时不填，选择组织的专委会。"
        ),
    )
    committee = forms.ModelChoiceField(
        label=_("组织的专委会"),
        queryset=SpecialCommittee.objects.none(),
        required=False,
        error_messages={"invalid_choice": "「组织的专委会」：只能选择本工作室的专委会"},
    )
    contacted = forms.CharField(label=_("被联系的委员"), required=False, help_text=_("委员证号或姓名，用顿号分隔。"))
    target_category = forms.ChoiceField(
        label=_("联系对象类别"), choices=[("", "—"), *TargetCategory.choices], required=False
    )
    targets = forms.CharField(
        label=_("联系对象"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "单位名称或群众称呼（如“王女士”），用顿号分隔，归入第一位联系人名下；类别不同的可写成“社会群众：王女士”。"
            "请勿填写手机号、身份证号或住址。"
        ),
    )
    street_group = forms.ModelChoiceField(label=_("街道活动小组"), queryset=StreetGroup.objects.all(), required=False)
    is_forum = forms.BooleanField(
        label=_("集体座谈会"), required=False, help_text=_("常委召集所联系的委员（两位以上）座谈。")
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.scope = rules.office_members(user)
        if user.has_perm(rules.VIEW_ALL):
            self.fields["committee"].queryset = SpecialCommittee.objects.all()
        else:
            own = account_of(user).committee
            self.fields["committee"].queryset = SpecialCommittee.objects.filter(pk=own.pk if own else None)

    @staticmethod
    def initial_for(activity):
        categories = {t.category for t in activity.targets.all()}
        single = len(categories) == 1
        return {
            "date": activity.date,
            "way": activity.way,
            "makers": "、".join(m.code for m in activity.makers.order_by("code")),
            "committee": activity.committee_id,
            "contacted": "、".join(m.code for m in activity.contacted_members.order_by("code")),
            "target_category": categories.pop() if single else "",
            "targets": "、".join(
                t.name if single else f"{t.get_category_display()}：{t.name}" for t in activity.targets.all()
            ),
            "street_group": activity.street_group_id,
            "is_forum": activity.is_forum,
            "note": activity.note,
        }

    def clean_makers(self):
        makers, unknown = _members(self.cleaned_data["makers"], Member.objects.all())
        out = [m for m in makers if not self.scope.filter(pk=m.pk).exists()]
        problems = [f"「联系人」：{t} 不在委员名册中" for t in unknown]
        problems += [f"「联系人」：{_label(m)}不在本工作室负责的委员范围内" for m in out]
        if problems:
            raise forms.ValidationError(problems)
        self.makers = makers
        return self.cleaned_data["makers"]

    def clean_contacted(self):
        contacted, unknown = _members(self.cleaned_data["contacted"], Member.objects.all())
        if unknown:
            raise forms.ValidationError([f"「被联系的委员」：{t} 不在委员名册中" for t in unknown])
        self.contacted = contacted
        return self.cleaned_data["contacted"]

    def clean_targets(self):
        default = self.cleaned_data.get("target_category", "")
        pairs, problems = [], []
        for item in TARGET_SEPARATORS.split(self.cleaned_data["targets"] or ""):
            item = item.strip()
            if not item:
                continue
            category, name = default, item
            if "：" in item or ":" in item:
                label, name = re.split(r"[：:]", item, maxsplit=1)
                category = CATEGORY_OF.get(label.strip().replace("(", "（").replace(")", "）"))
                if category is None:
                    problems.append(f"「联系对象类别」：无法识别“{label.strip()}”")
                    continue
            if not category:
                problems.append("「联系对象类别」：请选择联系对象类别")
                break
            pairs.append((category, name.strip()))
        if problems:
            raise forms.ValidationError(problems)
        self.target_pairs = pairs
        return self.cleaned_data["targets"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        makers = self.makers
        if not makers:
            # A 专委会走访: only the office's own members (its committee names itself above).
            outside = [m for m in self.contacted if not self.scope.filter(pk=m.pk).exists()]
            for member in outside:
                self.add_error("contacted", f"「被联系的委员」：{_label(member)}不在本工作室负责的委员范围内")
            if outside:
                return data
        put_errors(self, rules.check_entry(self.entry()))  # save_entry checks again under its lock
        return data

    def entry(self):
        data = self.cleaned_data
        source = self.instance.source if self.instance is not None else Source.OFFICE
        return rules.Entry(
            date=data["date"],
            way=data["way"],
            makers=self.makers,
            contacted=self.contacted,
            targets=self.target_pairs,
            street_group=data.get("street_group"),
            committee=data.get("committee"),
            is_forum=data.get("is_forum", False),
            note=data.get("note", ""),
            source=source,
        )


FIELD_OF = {
    "date": "date",
    "way": "way",
    "makers": "makers",
    "whom": "contacted",
    "note": "note",
    "is_forum": "is_forum",
}


def put_errors(form, errors):
    for name, messages_ in errors.items():
        for message in messages_:
            form.add_error(FIELD_OF.get(name), message)


# --- the modeladmin


class ActivityPermissionHelper(PermissionHelper):
    """Reading is rules.activities_visible_to (the queryset); logging for the offices with add
    rights; changing and deleting as rules.may_change says (never a member's own entry)."""

    def user_can_list(self, user):
        return user.has_perm(rules.VIEW)

    def user_can_create(self, user):
        return user.has_perm(ADD) and rules.is_office(user)

    def user_can_inspect_obj(self, user, obj):
        return user.has_perm(rules.VIEW)

    def user_can_edit_obj(self, user, obj):
        return user.has_perm(CHANGE) and rules.may_change(user, obj)

    def user_can_delete_obj(self, user, obj):
        return user.has_perm(DELETE) and rules.may_change(user, obj)


class ActivityButtonHelper(ButtonHelper):
    """查看 on every row; 编辑 where rules.may_change allows, which reads the prefetched makers and
    the scope kept for the request, so the buttons ask no query per row."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = [self.inspect_button(obj.pk, classnames_add, classnames_exclude)]
        user = self.request.user
        if user.has_perm(CHANGE) and rules.may_change(user, obj):
            buttons.append(self.edit_button(obj.pk, classnames_add, classnames_exclude))
        return buttons

    def add_button(self, classnames_add=None, classnames_exclude=None):
        button = super().add_button(classnames_add, classnames_exclude)
        return {**button, "label": "登记联系记录", "title": "登记联系记录"}

    def get_primary_button(self, obj):
        return self.inspect_button(obj.pk)


class ActivityIndexView(IndexView):
    def get_page_title(self):
        return "联系记录"


class ActivityAdmin(ModelAdmin):
    model = ContactActivity
    menu_label = _("联系记录")
    menu_icon = "list-ul"
    menu_order = 200
    base_url_path = BASE_PATH
    list_display = ("date", "way", "makers_list", "whom_list", "is_forum", "source")
    list_filter = (YearFilter, MonthFilter, WayFilter, SourceFilter, CommitteeFilter)
    list_per_page = 50
    index_view_class = ActivityIndexView
    index_template_name = "contacts/entries/index.html"
    permission_helper_class = ActivityPermissionHelper
    button_helper_class = ActivityButtonHelper
    inspect_view_enabled = True

    def get_queryset(self, request):
        return scoped(request.user)

    @admin.display(description=_("联系人"))
    def makers_list(self, obj):
        return makers_text(obj)

    @admin.display(description=_("联系对象"))
    def whom_list(self, obj):
        return whom_text(obj)

    def _scoped(self, request, instance_pk):
        return get_object_or_404(scoped(request.user), pk=id_or_404(instance_pk))

    def inspect_view(self, request, instance_pk):
        activity = self._scoped(request, instance_pk)
        user = request.user
        scope = rules.scope_ids(user)
        record = (
            activity.import_record_id and rules.imports_visible_to(user).filter(pk=activity.import_record_id).first()
        )
        return TemplateResponse(
            request,
            "contacts/entries/inspect.html",
            {
                "activity": activity,
                "makers": makers_text(activity),
                "whom": whom_text(activity),
                "note": activity.note if note_shown(activity, scope) else None,
                "record": record,
                "locked": rules.locked_text(activity.date) if rules.issued_report(activity.date) else "",
                "can_change": self.permission_helper.user_can_edit_obj(user, activity),
                "can_delete": self.permission_helper.user_can_delete_obj(user, activity),
                "member_entry": activity.source == Source.MEMBER,
                "index_url": url("index"),
            },
        )

    def create_view(self, request):
        if not self.permission_helper.user_can_create(request.user):
            return forbidden(request, "只有专委会工作室和委员联络室可以登记联系记录。")
        return entry_form(request)

    def edit_view(self, request, instance_pk):
        activity = self._scoped(request, instance_pk)
        if activity.source == Source.MEMBER:
            return forbidden(request, "这条联系记录由委员本人填报，工作室只能查看，不能修改。")
        if not self.permission_helper.user_can_edit_obj(request.user, activity):
            return forbidden(request, "您的账号不能修改这条联系记录。")
        return entry_form(request, activity)

    def delete_view(self, request, instance_pk):
        activity = self._scoped(request, instance_pk)
        if activity.source == Source.MEMBER:
            return forbidden(request, "这条联系记录由委员本人填报，工作室只能查看，不能删除。")
        if not self.permission_helper.user_can_delete_obj(request.user, activity):
            return forbidden(request, "您的账号不能删除这条联系记录。")
        if request.method == "POST":
            try:
                rules.delete_entry(activity.pk, request.user)
            except rules.Refused as exc:
                return forbidden(request, str(exc))
            except rules.ContactError as exc:
                messages.error(request, str(exc))
                return redirect(url("inspect", activity.pk))
            messages.success(request, f"已删除联系记录：{activity}")
            return redirect(url("index"))
        return TemplateResponse(
            request, "contacts/entries/delete.html", {"activity": activity, "makers": makers_text(activity)}
        )


def entry_form(request, activity=None):
    """The office logs an entry, or corrects one, through rules.save_entry."""
    initial = ActivityForm.initial_for(activity) if activity else {"date": timezone.localdate()}
    form = ActivityForm(request.POST or None, user=request.user, instance=activity, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rules.save_entry(form.entry(), request.user, instance=activity)
        except rules.ContactError as exc:
            put_errors(form, exc.errors)
        else:
            messages.success(request, f"已{'修改' if activity else '登记'}联系记录：{saved}")
            return redirect(url("inspect", saved.pk))
    return TemplateResponse(
        request,
        "contacts/entries/form.html",
        {
            "form": form,
            "activity": activity,
            "subtitle": f"修改：{activity}" if activity else "登记联系记录",
            "back_url": url("inspect", activity.pk) if activity else url("index"),
        },
    )


# --- the export


EXPORT_COLUMNS = [
    ("日期", lambda a: a.date),
    ("方式", lambda a: a.get_way_display()),
    ("联系人", makers_text),
    ("联系人委员证号", lambda a: "、".join(m.code for m in a.makers.all())),
    ("被联系的委员", lambda a: "、".join(_label(m) for m in a.contacted_members.all())),
    ("联系对象", lambda a: "、".join(f"{t.name}（{t.get_category_display()}）" for t in a.shown_targets)),
    ("街道活动小组", lambda a: a.street_group.name if a.street_group_id else ""),
    ("组织的专委会", lambda a: a.committee.name if a.committee_id else ""),
    ("集体座谈会", lambda a: "是" if a.is_forum else ""),
    ("来源", lambda a: a.get_source_display()),
]


@require_GET
def export_activities(request):
    """The list as it is filtered, as xlsx: what the user may read (rules.activities_visible_to),
    notes only where the user reads them."""
    user = request.user
    if not user.has_perm(rules.VIEW):
        return forbidden(request, "您的账号没有查看联系记录的权限。")
    scope = rules.scope_ids(user)
    activities = filtered(scoped(user), request.GET).order_by("date", "pk")
    columns = [*EXPORT_COLUMNS, ("备注", lambda a: a.note if note_shown(a, scope) else "")]
    content = table_xlsx("联系记录", columns, activities)
    return xlsx_response(content, f"联系记录-{timezone.localdate():%Y%m%d}.xlsx")


MODELADMINS = [ActivityAdmin]
MENU = list(transfer.MENU)  # (label, url name, icon, allowed(user), order)
urls = [
    path("contacts/activity-export/", export_activities, name="contacts_activities_export"),
    *transfer.urls,
]
