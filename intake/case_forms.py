"""The forms of the front end where assignees handle cases (/forms/cases/), 界别组长 enter their
sector's opinions, and members on duty or a point's 联络员 log visits (/forms/visits/).

They only check what a user typed; every write goes through intake/cases.py or
intake/visit_log.py, whose refusals the views show beside the form, the typed text kept."""

from django import forms

from .models import CONTENT_MAX, Booking, Case, Category, Visit
from .public import PhoneField, char_errors, clean_phone

REQUIRED = "请填写{}"


def _text(label, max_length, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": REQUIRED.format(label)},
    )


class ChineseForm(forms.Form):
    """Required and over-long messages in Chinese, naming the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        char_errors(self)
        for field in self.fields.values():
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = REQUIRED.format(field.label)


# --- handling a case


class SendBackForm(ChineseForm):
    reason = _text("退回原因", 500, rows=3, help_text="说明为什么不能由您办理，区政协办公室会重新分办。")


class NoteForm(ChineseForm):
    note = _text("办理记录", CONTENT_MAX, rows=3, help_text="办前沟通、办中协商等情况，只在内部可见，群众看不到。")


class ReplyForm(ChineseForm):
    reply = _text(
        "答复",
        CONTENT_MAX,
        required=False,
        rows=8,
        help_text="写给群众的答复。提交后由区政协办公室审核，审核通过群众才能看到。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].needed = True  # a draft may be saved empty; 提交审核 needs it


# --- 界别组长: an opinion of the sector's people


class SectorCaseForm(ChineseForm):
    name = forms.CharField(label="群众姓名", max_length=Case._meta.get_field("name").max_length)
    phone = PhoneField(label="联系电话")
    address = forms.CharField(label="社区/单位", max_length=Case._meta.get_field("address").max_length, required=False)
    subject = forms.CharField(label="标题", max_length=Case._meta.get_field("subject").max_length)
    content = _text("反映的意见", CONTENT_MAX, rows=8)
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)

    def case_fields(self):
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "phone", "address", "subject", "content", "category")}


# --- 来访登记


class BookingChoice(forms.ModelChoiceField):
    def label_from_instance(self, booking):
        return f"{booking.slot:%H:%M} {booking.number} {booking.name}"


class VisitForm(ChineseForm):
    """One visit. At a 接待日 the visitor may have booked: pick the booking and the name, phone
    and matter left blank are taken from it."""

    booking = BookingChoice(
        label="预约", queryset=Booking.objects.none(), required=False, empty_label="未预约（现场来访）"
    )
    name = forms.CharField(label="来访人", max_length=Visit._meta.get_field("name").max_length, required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label="社区/单位", max_length=Visit._meta.get_field("address").max_length, required=False)
    matter = _text("反映事项", CONTENT_MAX, required=False, rows=5)
    outcome = _text("接待情况", CONTENT_MAX, required=False, rows=3, help_text="当场答复、解释或下一步怎么办。")
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)

    def __init__(self, *args, bookings=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Not optional, though the form lets them be blank when a booking is picked (its own
        # name and matter are taken): the label must not say （选填）.
        for name in ("name", "matter"):
            self.fields[name].needed = True
        if bookings is None:
            del self.fields["booking"]
        else:
            self.fields["booking"].queryset = bookings
            for name in ("name", "matter"):
                self.fields[name].help_text = "选了预约的可不填，取预约时填写的内容。"

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return clean_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        booking = data.get("booking")
        if booking is not None:
            for field, value in (("name", booking.name), ("phone", booking.phone), ("matter", booking.topic)):
                if not data.get(field) and field not in self.errors:
                    data[field] = value
        if not data.get("name") and "name" not in self.errors:
            self.add_error("name", "请填写来访人姓名")
        if not data.get("matter") and "matter" not in self.errors:
            self.add_error("matter", "请填写反映事项")
        return data

    def visit_fields(self):
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "phone", "address", "matter", "outcome", "category")}


class ConvertForm(ChineseForm):
    """转为诉求件: a case needs a title and the citizen's phone, which a visit may lack."""

    subject = forms.CharField(label="诉求件标题", max_length=Case._meta.get_field("subject").max_length)
    phone = PhoneField(label="来访人联系电话")
