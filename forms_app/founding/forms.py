"""The steps of the 委员工作室建立申请 wizard, in the 申请表's own words."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from people.models import Member, Sector, SpecialCommittee, StreetGroup

from ..fields import DateInput, chosen, required
from .models import StationKind, WorkingRule, WorkstationApplication
from .rules import lead_problem, missing_rules, signature_error

App = WorkstationApplication


def member_label(member):
    return f"{member.name}（{member.sector.name}{'，' + member.employer_title if member.employer_title else ''}）"


def roster():
    return Member.objects.select_related("sector").order_by("sector__sort_order", "name")


class MemberChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", roster())
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return member_label(obj)


class StationForm(forms.Form):
    """工作室信息."""

    # The field each 依托 needs. Only that 依托's field is kept (clean), and the template marks
    # each for static/js/forms.js, which hides it until its 依托 is chosen.
    BASIS_FIELDS = {"sector": App.Basis.SECTOR, "street_group": App.Basis.STREET}

    kind = forms.ChoiceField(
        label=_("申请方式"),
        choices=App.Kind.choices,
        widget=forms.RadioSelect,
        initial=App.Kind.MEMBER,
        error_messages=chosen("申请方式"),
    )
    station_kind = forms.ChoiceField(
        label=_("工作室类型"),
        choices=StationKind.choices,
        widget=forms.RadioSelect,
        initial=StationKind.STATION,
        required=False,
        help_text=_("常委工作站的负责人须是常委。"),
    )
    name = forms.CharField(
        label=_("工作室名称"),
        max_length=100,
        error_messages=required("工作室名称"),
        help_text=_("拟定的名称，最终以主席会议统一命名为准。"),
    )
    mode = forms.ChoiceField(
        label=_("形式"), choices=App.Mode.choices, widget=forms.RadioSelect, error_messages=chosen("形式")
    )
    address = forms.CharField(
        label=_("地址"),
        max_length=200,
        error_messages=required("地址"),
        help_text=_("线下：详细地址；线上：线上载体，如公众号、小程序或群的名称。"),
    )
    basis = forms.ChoiceField(
        label=_("依托"),
        choices=App.Basis.choices,
        widget=forms.RadioSelect,
        error_messages=chosen("工作室依托的界别、街道活动小组或专委会"),
    )
    sector = forms.ModelChoiceField(
        label=_("依托界别"), queryset=Sector.objects.all(), required=False, empty_label="请选择"
    )
    street_group = forms.ModelChoiceField(
        label=_("依托街道活动小组"), queryset=StreetGroup.objects.all(), required=False, empty_label="请选择"
    )
    committee = forms.ModelChoiceField(
        label=_("对口委室"),
        queryset=SpecialCommittee.objects.all(),
        empty_label="请选择",
        error_messages=chosen("对口委室"),
        help_text=_("申请先送对口委室的专委会工作室审查。依托专委会的，即依托对口委室。"),
    )

    def __init__(self, *args, applicant_sector=None, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant_sector = applicant_sector
        self.application = application
        if applicant_sector is None:
            self.fields["kind"].choices = [c for c in App.Kind.choices if c[0] != App.Kind.SECTOR]
        else:
            self.fields["kind"].choices = [
                (value, f"{label}（{applicant_sector.name}）" if value == App.Kind.SECTOR else label)
                for value, label in App.Kind.choices
            ]

    def field_rows(self):
        """[(bound field, (name of the 依托 input, the 依托 it belongs to) or None)] for the template."""
        basis = self.add_prefix("basis")
        return [
            (field, (basis, self.BASIS_FIELDS[field.name]) if field.name in self.BASIS_FIELDS else None)
            for field in self.visible_fields()
        ]

    def clean_name(self):
        from content.models import WorkstationPage

        name = self.cleaned_data["name"].strip()
        taken = WorkstationPage.objects.filter(title=name).exists() or (
            App.objects.filter(
                Q(name=name) | Q(approved_name=name), status__in=[App.Status.IN_REVIEW, App.Status.APPROVED]
            )
            .exclude(pk=getattr(self.application, "pk", None))
            .exists()
        )
        if taken:
            raise ValidationError(_("已有名为“%(name)s”的委员工作室或在审的申请，请换一个名称。") % {"name": name})
        return name

    def clean(self):
        data = super().clean()
        # A form posted without the choice (an older page, a draft saved before it existed) is
        # for a 委员工作室, the choice's default.
        data["station_kind"] = data.get("station_kind") or StationKind.STATION
        basis = data.get("basis")
        if basis == App.Basis.SECTOR and not data.get("sector"):
            self.add_error("sector", _("依托界别时，请选择界别。"))
        if basis == App.Basis.STREET and not data.get("street_group"):
            self.add_error("street_group", _("依托街道活动小组时，请选择街道活动小组。"))
        for name, needed_by in self.BASIS_FIELDS.items():
            if basis != needed_by:
                data[name] = None
        if (
            data.get("kind") == App.Kind.SECTOR
            and basis == App.Basis.SECTOR
            and data.get("sector")
            and (data["sector"] != self.applicant_sector)
        ):
            self.add_error(
                "sector", _("以界别名义申请的，依托的界别应是本界别（%(name)s）。") % {"name": self.applicant_sector}
            )
        return data


class LeadForm(forms.Form):
    """工作室负责人: prefilled from the roster, editable."""

    lead_member = MemberChoiceField(
        label=_("负责人"),
        empty_label="请选择",
        error_messages={**chosen("工作室负责人"), "invalid_choice": _("请从委员名册中选择负责人。")},
    )
    lead_employer_title = forms.CharField(
        label=_("单位及职务"), max_length=200, error_messages=required("负责人的单位及职务")
    )
    lead_sector = forms.ModelChoiceField(
        label=_("界别"), queryset=Sector.objects.all(), empty_label="请选择", error_messages=chosen("负责人的界别")
    )
    lead_specialties = forms.CharField(label=_("专长领域"), max_length=200, error_messages=required("负责人的专长领域"))
    lead_contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        error_messages=required("负责人的联系方式"),
        help_text=_("手机或办公电话，供审查时联系；不会在网站上公开。"),
    )

    def __init__(self, *args, station_kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.station_kind = station_kind

    def clean(self):
        data = super().clean()
        problem = lead_problem(self.station_kind, data.get("lead_member"))
        if problem:
            self.add_error("lead_member", problem)
        return data


class ParticipantForm(forms.Form):
    """One row of 参与委员. 单位及职务 and 专长 left blank are taken from the roster."""

    member = MemberChoiceField(
        label=_("姓名"),
        required=False,
        empty_label="请选择",
        error_messages={"invalid_choice": _("请从委员名册中选择。")},
    )
    employer_title = forms.CharField(label=_("单位及职务"), max_length=200, required=False)
    specialties = forms.CharField(label=_("专长"), max_length=200, required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        member = data.get("member")
        typed = any((data.get(f) or "").strip() for f in ("employer_title", "specialties", "contact"))
        if not member:
            if typed:
                self.add_error("member", _("请选择这一行的委员，或清空这一行。"))
            return data
        data["employer_title"] = (data.get("employer_title") or "").strip() or member.employer_title
        data["specialties"] = (data.get("specialties") or "").strip() or member.specialties
        if not data["employer_title"]:
            self.add_error("employer_title", _("请填写%(name)s的单位及职务。") % {"name": member.name})
        if not (data.get("contact") or "").strip():
            self.add_error("contact", _("请填写%(name)s的联系方式。") % {"name": member.name})
        return data


class BaseParticipantFormSet(forms.BaseFormSet):
    def __init__(self, *args, lead=None, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead, self.kind = lead, kind

    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for number, form in enumerate(self.forms, start=1):
            member = form.cleaned_data.get("member")
            if not member:
                continue
            if self.lead and member.pk == self.lead.pk:
                form.add_error("member", _("%(name)s是工作室负责人，不必再列为参与委员。") % {"name": member.name})
            elif member.pk in seen:
                form.add_error(
                    "member", _("%(name)s已在第 %(row)s 行列出。") % {"name": member.name, "row": seen[member.pk]}
                )
            seen.setdefault(member.pk, number)
        if any(self.errors):
            raise ValidationError(_("参与委员有重复，请修改标出的行。"))
        if self.kind == App.Kind.JOINT and not seen:
            raise ValidationError(_("多名委员联名申请的，请至少列出一名参与委员。"))

    def rows(self):
        return [
            {name: form.cleaned_data[name] for name in ("member", "employer_title", "specialties", "contact")}
            for form in self.forms
            if form.cleaned_data.get("member")
        ]


ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=BaseParticipantFormSet, extra=4, max_num=40, absolute_max=40
)


class VenueForm(forms.Form):
    """场地与制度: the venue, and which of the six working rules exist, each in a few lines."""

    venue = forms.CharField(
        label=_("场地（载体）情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required("场地（载体）情况"),
        help_text=_("场地归属、面积、开放时间，与哪个党群活动中心、社区工作站等联合建设；线上形式写明载体和运营方式。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in WorkingRule.choices:
            self.fields[f"has_{value}"] = forms.BooleanField(
                label=_("已建立%(rule)s制度") % {"rule": label}, required=False
            )
            self.fields[f"rule_{value}"] = forms.CharField(
                label=_("%(rule)s制度") % {"rule": label},
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rule_fields(self):
        return [(label, self[f"has_{value}"], self[f"rule_{value}"]) for value, label in WorkingRule.choices]

    def clean(self):
        data = super().clean()
        flagged = set()  # ticked as existing but left blank: said next to the rule itself
        for value, label in WorkingRule.choices:
            text = (data.get(f"rule_{value}") or "").strip()
            data[f"rule_{value}"] = text
            if text:
                data[f"has_{value}"] = True
            elif data.get(f"has_{value}"):
                self.add_error(f"rule_{value}", _("请用一两句话写明%(rule)s制度的内容。") % {"rule": label})
                flagged.add(str(label))
        missing = [label for label in missing_rules(self.rules_of(data)) if label not in flagged]
        if missing:
            raise ValidationError(
                _("建立委员工作室要有完备的工作制度（实施方案 四（三）），还缺：%(missing)s。")
                % {"missing": "、".join(missing)}
            )
        return data

    @staticmethod
    def rules_of(data):
        """{rule value: text} from the form's cleaned data, as the application stores it."""
        return {value: data.get(f"rule_{value}") or "" for value, _label in WorkingRule.choices}

    def rules(self):
        return self.rules_of(self.cleaned_data)


class SignForm(forms.Form):
    """核对与签名."""

    signature = forms.CharField(label=_("申请人签名（请输入你的姓名）"), max_length=50, error_messages=required("签名"))
    confirm = forms.BooleanField(
        label=_("我已核对以上内容，确认提交申请"), error_messages={"required": _("请勾选“我已核对以上内容”后再提交。")}
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_signature(self):
        value = self.cleaned_data["signature"].strip()
        problem = signature_error(self.member, value) if self.member else ""
        if problem:
            raise ValidationError(problem)
        return value


class SignOpinionForm(forms.Form):
    """An office's box: opinion, date, decision (and, at the 主席会议, the station's name)."""

    decision = forms.ChoiceField(
        label=_("意见"),
        choices=[("approve", _("同意")), ("return", _("退回修改")), ("reject", _("不同意"))],
        widget=forms.RadioSelect,
        error_messages=chosen("意见"),
    )
    text = forms.CharField(
        label=_("意见内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required("意见内容"),
    )
    signed_on = forms.DateField(
        label=_("日期"),
        widget=DateInput,
        error_messages=required("日期", invalid=_("日期格式不对，请按 2026-06-20 的格式填写。")),
    )
    approved_name = forms.CharField(
        label=_("统一命名"),
        max_length=100,
        required=False,
        help_text=_("主席会议批准时确定的工作室名称，可与申请名称不同。"),
    )


class PlaqueForm(forms.Form):
    """委员联络室 records when a named station was 挂牌."""

    plaque_date = forms.DateField(
        label=_("挂牌日期"),
        widget=DateInput,
        error_messages=required("挂牌日期", invalid=_("日期格式不对，请按 2026-06-20 的格式填写。")),
    )


class FoundingYearForm(WagtailAdminModelForm):
    """A year's window: both dates in the year, 挂牌 not before the applications close."""

    def clean(self):
        data = super().clean()
        year, apply_by, plaque_by = data.get("year"), data.get("apply_by"), data.get("plaque_by")
        if year:
            for name, label in (("apply_by", "申请截止日期"), ("plaque_by", "挂牌截止日期")):
                if data.get(name) and data[name].year != year:
                    self.add_error(name, _("%(label)s应在 %(year)s 年内。") % {"label": label, "year": year})
        if apply_by and plaque_by and plaque_by < apply_by:
            self.add_error("plaque_by", _("挂牌截止日期不能早于申请截止日期。"))
        return data
