"""The offices' forms in the 履职档案 admin: a 履职活动 and its invitees, the attendance sheet of
one activity, corrections (更正, 作废/恢复, 补录), the answer to a 异议, a draft 记分办法 with its
rules, the 冻结日期 and the reopening of a year.

The forms read what was typed; whether it is allowed is decided by performance/rules.py, whose
messages (rules.activity_errors, rules.participation_error, rules.rule_errors) the forms put
beside their fields."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forms_app.fields import DateInput, chosen, required
from people.models import Member, Party, Sector, SpecialCommittee, StreetGroup

from . import rules
from .ledger import category_labels
from .models import ACTIVITY_ROLES, DutyActivity, Role, ScoringScheme, Status

BAD_DATE = _("日期格式不对，请按 2026-03-20 的格式填写。")
BAD_TIME = _("时间格式不对，请选择日期和时间（如 2026-03-20 09:00）。")
ROLE_CHOICES = [(r.value, r.label) for r in ACTIVITY_ROLES]
ATTENDANCE = [(s.value, s.label) for s in (Status.PRESENT, Status.LEAVE, Status.ABSENT, Status.SELF_ORGANISED)]


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (ISO, minutes)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def date_time_field(label, required_=True, **kwargs):
    return forms.DateTimeField(
        label=label,
        required=required_,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        error_messages=required(str(label), invalid=BAD_TIME),
        **kwargs,
    )


def put_errors(form, errors):
    """{field: message} from a rule beside the form's fields; the rest above the form."""
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


MEMBER_SEPARATORS = re.compile(r"[、，,；;\s]+")


def members_named(text):
    """The members a text of 委员证号 names (separated by 、，or new lines); ValidationError naming
    each code that is not in the roster."""
    codes = [code for code in MEMBER_SEPARATORS.split(text or "") if code]
    found = {m.code.upper(): m for m in Member.objects.filter(code__in={c.upper() for c in codes} | set(codes))}
    missing = [code for code in codes if code.upper() not in found]
    if missing:
        raise ValidationError(f"{'、'.join(missing)} 不在名册中。")
    return list({found[code.upper()].pk: found[code.upper()] for code in codes}.values())


# --- 履职活动


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=200, error_messages=required("活动名称"))
    kind = forms.ChoiceField(label=_("活动类别"), choices=DutyActivity.Kind.choices, error_messages=chosen("活动类别"))
    start = date_time_field(_("开始时间"))
    organiser = forms.ModelChoiceField(
        label=_("组织部门"),
        queryset=SpecialCommittee.objects.all(),
        required=False,
        empty_label="委员联络室",
        help_text=_("组织活动的专委会工作室；选“委员联络室”即由委员联络室组织。"),
    )
    important = forms.BooleanField(label=_("重要履职活动"), required=False)
    leave_deadline = date_time_field(_("请假截止时间"), required_=False, help_text=_("留空为活动开始时间。"))
    invite_all = forms.BooleanField(label=_("邀请全体委员"), required=False)
    invite_sectors = forms.ModelMultipleChoiceField(
        label=_("邀请界别"), queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    invite_parties = forms.ModelMultipleChoiceField(
        label=_("邀请党派"), queryset=Party.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    invite_committees = forms.ModelMultipleChoiceField(
        label=_("邀请专委会"),
        queryset=SpecialCommittee.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invite_groups = forms.ModelMultipleChoiceField(
        label=_("邀请街道活动小组"),
        queryset=StreetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invite_members = forms.CharField(
        label=_("邀请委员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("另外邀请的委员，填写委员证号，用顿号或换行分隔。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_perm(rules.MANAGE):
            # A committee office is offered its own committee only (the rule says why another is refused).
            own = rules.account_of(user).committee
            self.fields["organiser"].widget.choices = [(own.pk, own.office)] if own else []
            self.fields["organiser"].initial = own.pk if own else None
            self.fields["organiser"].empty_label = None

    @staticmethod
    def initial_for(activity):
        return {
            "name": activity.name,
            "kind": activity.kind,
            "start": activity.start,
            "organiser": activity.organiser_id,
            "important": activity.important,
            "leave_deadline": activity.leave_deadline,
            "invite_all": activity.invite_all,
            "invite_sectors": list(activity.invite_sectors.all()),
            "invite_parties": list(activity.invite_parties.all()),
            "invite_committees": list(activity.invite_committees.all()),
            "invite_groups": list(activity.invite_groups.all()),
            "invite_members": "、".join(m.code for m in activity.invite_members.order_by("code")),
        }

    def clean_invite_members(self):
        return members_named(self.cleaned_data.get("invite_members", ""))

    def clean(self):
        data = super().clean()
        chose = data.get("invite_all") or data.get("invite_members") or any(data.get(n) for n in rules.INVITATIONS[:4])
        if not chose and not self.errors:
            self.add_error("invite_all", "请选择邀请哪些委员：全体、界别、党派、专委会、街道活动小组或指定委员。")
        put_errors(
            self, rules.activity_errors(self.user, data.get("organiser"), data.get("start"), data.get("leave_deadline"))
        )
        return data

    def fields_and_invitations(self):
        data = self.cleaned_data
        names = ("name", "kind", "start", "organiser", "important", "leave_deadline", "invite_all")
        return {n: data[n] for n in names}, {n: data[n] for n in rules.INVITATIONS}


class AttendanceForm(forms.Form):
    """One row per invitee (出勤情况, 发挥的作用, 备注). A row left at 未登记 is not written; a row
    that breaks rules.participation_error carries its message beside it, and nothing is written."""

    def __init__(self, *args, activity, invitees, recorded, leave_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity, self.invitees, self.leave_ids = activity, invitees, leave_ids
        for member in invitees:
            done = recorded.get(member.pk)
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                label=f"{member.name}的出勤情况",
                choices=[("", "未登记")] + ATTENDANCE,
                required=False,
                initial=done.status if done else "",
            )
            self.fields[f"role_{member.pk}"] = forms.ChoiceField(
                label=f"{member.name}发挥的作用",
                choices=ROLE_CHOICES,
                required=False,
                initial=done.role if done else Role.ATTEND,
            )
            self.fields[f"note_{member.pk}"] = forms.CharField(
                label=f"{member.name}的备注", max_length=200, required=False, initial=done.note if done else ""
            )

    def clean(self):
        data = super().clean()
        for member in self.invitees:
            status = data.get(f"status_{member.pk}")
            if error := rules.participation_error(self.activity, member.pk, status, self.leave_ids):
                self.add_error(f"status_{member.pk}", error)
        return data

    def rows(self):
        """[(member, status, role, note)] for the rows with a status (rules.record_participation)."""
        data = self.cleaned_data
        return [
            (m, data[f"status_{m.pk}"], data[f"role_{m.pk}"] or Role.ATTEND, data[f"note_{m.pk}"].strip())
            for m in self.invitees
            if data.get(f"status_{m.pk}")
        ]

    def table(self):
        """[(member, status field, role field, note field)] for the template."""
        return [(m, self[f"status_{m.pk}"], self[f"role_{m.pk}"], self[f"note_{m.pk}"]) for m in self.invitees]


# --- corrections


def category_choices():
    return list(category_labels().items())


class EntryFieldsForm(forms.Form):
    """The fields of a ledger entry an office may set (rules.CORRECTABLE) and the required reason."""

    date = forms.DateField(label=_("日期"), widget=DateInput, error_messages=required("日期", invalid=BAD_DATE))
    category = forms.ChoiceField(label=_("类别"), error_messages=chosen("类别"))
    role = forms.ChoiceField(label=_("作用"), choices=[("", "—")] + Role.choices, required=False)
    status = forms.ChoiceField(label=_("出勤情况"), choices=[("", "—")] + Status.choices, required=False)
    important = forms.BooleanField(label=_("重要履职活动"), required=False)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=1000, error_messages=required("数量"))
    title = forms.CharField(label=_("事项"), max_length=300, error_messages=required("事项"))
    why = forms.CharField(
        label=_("理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=required("理由"),
        help_text=_("写入这条记录的更正历史。"),
    )

    def __init__(self, *args, why_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        if why_label:
            self.fields["why"].label = why_label

    @staticmethod
    def initial_for(entry):
        return {name: getattr(entry, name) for name in rules.CORRECTABLE}

    def changes(self):
        return {name: self.cleaned_data[name] for name in rules.CORRECTABLE}


class ReasonForm(forms.Form):
    why = forms.CharField(
        label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("理由")
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["why"].label = label


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), error_messages=required("答复")
    )


# --- the 记分办法


class SchemeForm(forms.ModelForm):
    class Meta:
        model = ScoringScheme
        fields = rules.SCHEME_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class RuleForm(forms.Form):
    """One rule. 类别 is offered from the sources' categories but read as typed, so that
    rules.rule_errors (not the form) says 「没有这个类别：…」; 年度上限 likewise for a negative cap."""

    category = forms.CharField(label=_("类别"), max_length=30, error_messages=chosen("类别"))
    role = forms.ChoiceField(label=_("作用"), choices=[("", "不限")] + Role.choices, required=False)
    status = forms.ChoiceField(label=_("出勤情况"), choices=[("", "不限")] + Status.choices, required=False)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, required=False)
    yearly_cap = forms.DecimalField(label=_("年度上限"), max_digits=7, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = category_choices()
        current = self["category"].value()
        if current and current not in dict(choices):
            choices.append((current, f"{current}（未知类别）"))
        self.fields["category"].widget = forms.Select(choices=[("", "请选择")] + choices)

    def clean(self):
        data = super().clean()
        found = rules.rule_errors(
            data.get("category"),
            data.get("role", ""),
            data.get("status", ""),
            data.get("points"),
            data.get("yearly_cap"),
        )
        put_errors(self, {field: message for field, message in found.items() if field not in self.errors})
        return data

    def row(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in ("category", "role", "status", "points", "yearly_cap")}


class BaseRuleFormSet(forms.BaseFormSet):
    def rows(self):
        """The rules to keep, in order: the forms filled in and not marked 删除."""
        return [
            form.row()
            for form in self.forms
            if form.has_changed() or form.initial
            if not (self.can_delete and self._should_delete_form(form))
        ]


RuleFormSet = forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=2, can_delete=True)


# --- the year


class FreezeForm(forms.Form):
    freeze_on = forms.DateField(
        label=_("冻结日期"),
        widget=DateInput,
        error_messages=required("冻结日期", invalid=BAD_DATE),
        help_text=_("自这一天起本年度履职档案只读。"),
    )
