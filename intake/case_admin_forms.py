"""The forms 区政协办公室 and 研究室 fill in the admin: 登记 by hand, 分办, 审核答复, 办结, 形成线索 and the
办理时限. Each only checks its input; the step itself is intake/cases.py (or leads.py)."""

from django import forms

from content.models import WorkstationPage
from people.models import Member, SpecialCommittee

from .models import CONTENT_MAX, CaseAssignment, CaseLead, Category, Channel, ContactPoint, IntakeSettings
from .public import PhoneField

# What the office registers by hand: a paper letter to the 委员信箱 and the channels that reach it
# from outside (界别群众 come from a 界别组长 on the front end, never here).
HAND_CHANNELS = [
    (Channel.HOTLINE.value, "接诉即办转来"),
    (Channel.PETITION.value, "信访代办"),
    (Channel.RECEPTION.value, "接待日"),
    (Channel.CONTACT_POINT.value, "联系点"),
    (Channel.MAILBOX.value, "委员信箱（纸质来信）"),
]


class RegisterForm(forms.Form):
    channel = forms.ChoiceField(label="来源渠道", choices=HAND_CHANNELS)
    name = forms.CharField(label="姓名", max_length=40)
    phone = PhoneField()
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "请填写正确的电子邮箱"})
    address = forms.CharField(label="社区/单位", max_length=100, required=False)
    subject = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="内容", max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)
    station = forms.ModelChoiceField(
        label="写给委员工作室", queryset=WorkstationPage.objects.none(), required=False, empty_label="（无）"
    )
    contact_point = forms.ModelChoiceField(
        label="联系点", queryset=ContactPoint.objects.none(), required=False, empty_label="（无）"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = WorkstationPage.objects.live().order_by("title")
        self.fields["contact_point"].queryset = ContactPoint.objects.order_by("town", "community", "name")
        for name in ("name", "subject", "content"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"
        self.fields["phone"].error_messages["required"] = "请填写联系电话"
        for name in ("name", "subject", "content"):
            self.fields[name].error_messages["max_length"] = (
                f"{self.fields[name].label}不能超过 {self.fields[name].max_length} 字"
            )

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.CONTACT_POINT and not data.get("contact_point"):
            self.add_error("contact_point", "来自联系点的诉求件，请选择联系点")
        return data

    def step_kwargs(self):
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "name": data["name"].strip(),
            "phone": data["phone"],
            "email": data.get("email") or "",
            "address": (data.get("address") or "").strip(),
            "subject": data["subject"].strip(),
            "content": data["content"].strip(),
            "category": data["category"],
            "station": data.get("station"),
            "contact_point": data.get("contact_point"),
        }


OFFICES = [(v, label) for v, label in CaseAssignment.Office.choices if v]


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(
        label="委员",
        queryset=Member.objects.none(),
        required=False,
        empty_label="（不选）",
        help_text="只列出有平台账号的委员：分办后由委员本人在前台接收、办理。",
    )
    station = forms.ModelChoiceField(
        label="委员工作室", queryset=WorkstationPage.objects.none(), required=False, empty_label="（不选）"
    )
    office = forms.ChoiceField(label="部门", choices=[("", "（不选）"), *OFFICES], required=False)
    committee = forms.ModelChoiceField(
        label="专委会（分办给专委会工作室时）",
        queryset=SpecialCommittee.objects.none(),
        required=False,
        empty_label="（不选）",
    )
    mode = forms.ChoiceField(label="办理方式", choices=CaseAssignment.Mode.choices, initial=CaseAssignment.Mode.DIRECT)
    note = forms.CharField(label="分办说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only members who can log in to take the case (rules.assignments_of reads Profile.member).
        self.fields["member"].queryset = (
            Member.objects.filter(
                account__user__is_active=True, account__user__groups__permissions__codename="handle_cases"
            )
            .distinct()
            .order_by("name")
        )
        self.fields["station"].queryset = WorkstationPage.objects.live().order_by("title")
        self.fields["committee"].queryset = SpecialCommittee.objects.all()

    def clean(self):
        data = super().clean()
        given = [name for name in ("member", "station", "office") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError("请选择一位委员、一个委员工作室或一个部门承办（只选一项）。")
        if data.get("office") == CaseAssignment.Office.COMMITTEE and not data.get("committee"):
            self.add_error("committee", "分办给专委会工作室时，请选择专委会。")
        return data


class ApproveForm(forms.Form):
    reply = forms.CharField(
        label="答复（可修改后审核通过）",
        max_length=CONTENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReturnReplyForm(forms.Form):
    reason = forms.CharField(
        label="修改意见",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写修改意见。"},
    )


class CloseForm(forms.Form):
    note = forms.CharField(label="办结说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LeadForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=CaseLead.Kind.choices)


DAYS_MESSAGE = "时限至少为 1 天"
RETENTION_MESSAGE = "个人信息保存期限不能少于 180 天"


class SettingsForm(forms.ModelForm):
    class Meta:
        model = IntakeSettings
        fields = ("assign_days", "accept_days", "reply_days", "close_days", "retention_days")
        error_messages = {
            **{
                name: {"min_value": DAYS_MESSAGE, "required": "请填写天数", "invalid": "请填写整数天数"}
                for name in ("assign_days", "accept_days", "reply_days", "close_days")
            },
            "retention_days": {"min_value": RETENTION_MESSAGE, "required": "请填写天数", "invalid": "请填写整数天数"},
        }
