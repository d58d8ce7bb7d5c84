"""The 召集人's forms on the phone: 发动态 and one row of the 年度计划. They check the shape of what
was typed; the rules (dates, pictures, the activity days on offer, the plan's year) are
stations/convener.py's, and its refusals are shown beside the field they name."""

from django import forms
from django.forms import formset_factory

from content.models import ActivityCategory, PlanItem, WorkstationPostPage
from forms_app.fields import DateInput

from . import convener

REQUIRED = "「{}」：请填写。"


def _required(field, label):
    field.error_messages["required"] = REQUIRED.format(label)
    return _limited(field, label)


def _limited(field, label):
    """Django's length message does not name the field; this one does."""
    field.error_messages["max_length"] = f"「{label}」：不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）"
    return field


class ActivityDayField(forms.ModelChoiceField):
    def label_from_instance(self, day):
        from forms_app.activity_day.rules import upload_deadline

        return f"{day.name}（{day.date:%-m月%-d日}，动态上传截止 {upload_deadline(day):%-m月%-d日}）"


class PostForm(forms.Form):
    title = _required(
        forms.CharField(label="标题", max_length=WorkstationPostPage._meta.get_field("title").max_length), "标题"
    )
    date = _required(forms.DateField(label="活动日期", widget=DateInput()), "活动日期")
    category = _required(
        forms.ChoiceField(label="活动类别", choices=ActivityCategory.choices, widget=forms.RadioSelect), "活动类别"
    )
    activity_day = ActivityDayField(
        label="委员活动日",
        queryset=None,
        required=False,
        empty_label="不是委员活动日的活动",
        help_text="为委员活动日开展的活动，请选择对应的活动日：动态须在上传截止日期前提交。",
    )
    text = _required(
        forms.CharField(
            label="内容",
            widget=forms.Textarea(attrs={"rows": 8}),
            max_length=5000,
            help_text="写清时间、地点、参加委员和做了什么。每段换一行。",
        ),
        "内容",
    )

    def __init__(self, *args, station, keep_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_day"].queryset = convener.activity_day_choices(station, keep=keep_day)
        self.fields["date"].error_messages["invalid"] = "「活动日期」：请按 2026-05-01 的格式填写日期。"
        self.fields["activity_day"].error_messages["invalid_choice"] = "「委员活动日」：请从列表中选择。"

    def values(self):
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "date": data["date"],
            "category": data["category"],
            "activity_day": data["activity_day"],
            "text": data["text"],
        }


class PlanRowForm(forms.Form):
    date = forms.DateField(label="日期", required=False, widget=DateInput())
    title = _limited(
        forms.CharField(label="活动", required=False, max_length=PlanItem._meta.get_field("title").max_length), "活动"
    )
    participants = _limited(
        forms.CharField(
            label="参加人员", required=False, max_length=PlanItem._meta.get_field("participants").max_length
        ),
        "参加人员",
    )
    activity_day = ActivityDayField(label="委员活动日", queryset=None, required=False, empty_label="（无）")

    def __init__(self, *args, days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_day"].queryset = days
        self.fields["date"].error_messages["invalid"] = "「日期」：请按 2026-05-01 的格式填写日期。"
        self.fields["activity_day"].error_messages["invalid_choice"] = "「委员活动日」：请从列表中选择。"

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(f) for f in ("date", "title", "participants", "activity_day")) and not self.errors

    def clean(self):
        data = super().clean()
        typed = any(data.get(f) for f in ("date", "title", "participants", "activity_day")) or "date" in self.errors
        if typed:
            if not data.get("date") and "date" not in self.errors:
                self.add_error("date", REQUIRED.format("日期"))
            if not (data.get("title") or "").strip():
                self.add_error("title", REQUIRED.format("活动"))
        return data


class BasePlanFormSet(forms.BaseFormSet):
    """The year's rows; blank rows are left out, and a date outside the year is refused by the
    rule (convener.check_plan_items) beside the row's 日期."""

    def __init__(self, *args, year, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def items(self):
        rows = []
        for form in self.forms:
            if self._should_delete_form(form) or form.is_blank():
                continue
            data = form.cleaned_data
            rows.append(
                (
                    form,
                    {
                        "date": data["date"],
                        "title": data["title"].strip(),
                        "participants": data["participants"].strip(),
                        "activity_day": data["activity_day"],
                    },
                )
            )
        return rows

    def clean(self):
        if any(form.errors for form in self.forms if not self._should_delete_form(form)):
            return
        rows = self.items()
        for n, messages in convener.check_plan_items(self.year, [item for _, item in rows]).items():
            for field, message in messages.items():
                rows[n][0].add_error(field, message)


PlanFormSet = formset_factory(PlanRowForm, formset=BasePlanFormSet, extra=3, can_delete=True, max_num=60)
