"""The 委员信箱's forms: the letter a citizen writes (name, phone, optional email, 社区/单位, subject,
内容 ≤ 2,000 字, 类别, optional 界别, then the consent box and the CAPTCHA), the lookup by 受理编号 +
查询码, and the 满意/不满意 a citizen gives an answered letter.

Every refusal reads in Chinese at its field; the views (intake/mailbox_views.py) write nothing
unless the whole form is valid."""

import re
import unicodedata

from django import forms

from people.models import Sector

from .models import CONTENT_MAX, Case, Category
from .public import CitizenFormMixin, PhoneField, char_errors


class LongText(forms.CharField):
    """A textarea's text counted as the citizen sees it: a browser sends each line break as
    CR LF, which would count twice against 2,000 字."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def required(message):
    return {"required": message}


class LetterForm(forms.Form):
    """写信: the fields a Case keeps from the 委员信箱, in the order the citizen fills them."""

    name = forms.CharField(
        label="姓名",
        max_length=40,
        error_messages=required("请填写您的姓名"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField(error_messages=required("请填写联系电话，承办人员会用它联系您"))
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=254,
        error_messages={"invalid": "请填写正确的电子邮箱，或者不填"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label="社区/单位",
        max_length=100,
        error_messages=required("请填写您所在的社区或单位"),
        help_text="如“东华门街道东华门社区”或工作单位。",
    )
    subject = forms.CharField(label="标题", max_length=100, error_messages=required("请填写标题"))
    content = LongText(
        label="内容",
        max_length=CONTENT_MAX,
        error_messages=required("请填写您要反映的内容"),
        help_text=f"请写明什么事、在哪里、希望怎样解决，最多 {CONTENT_MAX} 字。",
        widget=forms.Textarea(attrs={"rows": 10, "data-counter": CONTENT_MAX}),
    )
    category = forms.ChoiceField(
        label="类别",
        choices=[("", "请选择")] + list(Category.choices),
        error_messages={**required("请选择类别"), "invalid_choice": "请选择类别"},
    )
    sector = forms.ModelChoiceField(
        label="界别",
        queryset=Sector.objects.all(),
        required=False,
        empty_label="不选",
        help_text="选填：如您是某一界别的群众，或事项与某一界别有关。",
        error_messages={"invalid_choice": "请从列表中选择界别，或者不选"},
    )


class MailboxForm(LetterForm, CitizenFormMixin):
    """The letter, then (last) the consent box and the CAPTCHA."""


def normalise_number(value):
    """Full-width digits and dashes typed on a phone keyboard, spaces anywhere: 2026-000123."""
    value = unicodedata.normalize("NFKC", value or "")
    value = re.sub(r"\s", "", value).replace("—", "-").replace("－", "-")
    return value


class LookupForm(forms.Form):
    number = forms.CharField(
        label="受理编号",
        max_length=30,
        error_messages=required("请填写受理编号"),
        widget=forms.TextInput(attrs={"placeholder": "如 2026-000123", "autocomplete": "off", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label="查询码",
        max_length=20,
        error_messages=required("请填写查询码"),
        widget=forms.TextInput(
            attrs={"placeholder": "6 位字母或数字", "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )

    def clean_number(self):
        return normalise_number(self.cleaned_data["number"])

    def clean_code(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["code"])


class RateForm(forms.Form):
    """满意 / 不满意; 不满意 needs its reason (cases.rate says the same)."""

    satisfied = forms.TypedChoiceField(
        label="您对答复是否满意",
        choices=[("yes", "满意"), ("no", "不满意")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={**required("请选择满意或不满意"), "invalid_choice": "请选择满意或不满意"},
    )
    reason = LongText(
        label="不满意的原因",
        required=False,
        max_length=500,
        help_text="选“不满意”时必填。第一次不满意，本件会重新办理。",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        char_errors(self)
        self.fields["reason"].needed = True  # required with 不满意 (clean), so never （选填）

    def clean(self):
        data = super().clean()
        if data.get("satisfied") is False and not data.get("reason"):
            self.add_error("reason", "请填写不满意的原因。")
        return data


# The citizen's words for each status: (step, what it means for them).
STATUS_WORDS = {
    Case.Status.REGISTERED: "已收到您的来信，区政协办公室正在安排承办。",
    Case.Status.ASSIGNED: "已交给承办的委员或部门，等待接收办理。",
    Case.Status.HANDLING: "承办的委员或部门正在办理。",
    Case.Status.REPLIED: "已经答复，请阅读下面的答复并告诉我们是否满意。",
    Case.Status.CLOSED: "本件已办结。",
}
STEPS = list(Case.Status.choices)
