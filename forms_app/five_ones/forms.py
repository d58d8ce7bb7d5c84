"""The steps of the 五个一活动备案表 wizard, in the 备案表's own words, and the offices' return form."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from ..fields import DateInput, chosen, required
from . import rules
from .models import ActivityKind, ResultKind


class MemberScopedForm(forms.Form):
    """Member choices limited to the filer's own sector or party."""

    def __init__(self, *args, members=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = members
                field.label_from_instance = lambda m: f"{m.name}（{m.employer_title or m.sector.name}）"


def limit_picker(field, dates):
    """Let the date picker offer only the dates the rule accepts (the server still checks)."""
    first, last = dates
    field.widget.attrs.update(min=first.isoformat(), max=last.isoformat())


class InfoForm(MemberScopedForm):
    leader_name = forms.CharField(label=_("界别组长姓名"), max_length=50, error_messages=required("界别组长姓名"))
    filled_on = forms.DateField(
        label=_("填表日期"),
        widget=DateInput,
        error_messages=required("填表日期", invalid=_("日期格式不对，请按 2026-03-20 的格式填写。")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.year:
            limit_picker(self.fields["filled_on"], rules.filled_on_range(self.year))

    def clean_filled_on(self):
        value = self.cleaned_data["filled_on"]
        problem = rules.filled_on_error(self.year, value) if self.year else ""
        if problem:
            raise ValidationError(problem)
        return value


class ThemeForm(MemberScopedForm):
    theme = forms.CharField(label=_("活动主题"), max_length=100, error_messages=required("活动主题"))
    theme_reason = forms.CharField(
        label=_("为什么适合本界别"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages=required("主题为什么适合本界别"),
        help_text=_("结合本界别领域和委员专长，说明这个主题为什么由本界别来做。"),
    )

    def clean_theme_reason(self):
        value = self.cleaned_data["theme_reason"].strip()
        if len(value) < 10:
            raise ValidationError(_("请用一两句话说明（至少 10 个字），现在只有 %(n)s 个字。") % {"n": len(value)})
        return value


class ActivityForm(MemberScopedForm):
    activity_date = forms.DateField(
        label=_("活动日期"),
        widget=DateInput,
        error_messages=required("活动日期", invalid=_("日期格式不对，请按 2026-03-20 的格式填写。")),
    )
    activity_place = forms.CharField(label=_("活动地点"), max_length=200, error_messages=required("活动地点"))
    activity_kind = forms.ChoiceField(
        label=_("活动形式"), choices=[("", "请选择")] + ActivityKind.choices, error_messages=chosen("活动形式")
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("参加活动的委员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一名参加活动的委员。"),
            "invalid_choice": _("只能选择本界别（党派）的委员。"),
        },
    )
    activity_plan = forms.CharField(
        label=_("活动安排"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages=required("活动安排"),
        help_text=_("面向哪些群众、做哪些事，如何为群众解难事、办实事。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.year:
            limit_picker(self.fields["activity_date"], rules.activity_date_range(self.year))

    def clean_activity_date(self):
        value = self.cleaned_data["activity_date"]
        problem = rules.activity_date_error(self.year, value) if self.year else ""
        if problem:
            raise ValidationError(problem)
        return value


class ResultForm(MemberScopedForm):
    result_kind = forms.ChoiceField(
        label=_("成果类别"), choices=[("", "请选择")] + ResultKind.choices, error_messages=chosen("成果类别")
    )
    result_title = forms.CharField(label=_("标题"), max_length=200, error_messages=required("成果标题"))
    result_summary = forms.CharField(
        label=_("内容摘要"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages=required("内容摘要"),
    )


class ShowcaseForm(MemberScopedForm):
    showcase_member = forms.ModelChoiceField(
        label=_("推荐的委员"),
        queryset=None,
        error_messages={
            "required": _("请选择一名本界别（党派）的委员。"),
            "invalid_choice": _("只能推荐本界别（党派）的委员。"),
        },
    )
    showcase_reason = forms.CharField(
        label=_("推荐理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages=required("推荐理由"),
        help_text=_(
            "委员在本职工作中的带头作用、政协工作中的主体作用、界别群众中的代表作用。提交后会生成一篇“委员风采”草稿供编辑完善。"
        ),
    )

    def clean_showcase_reason(self):
        value = self.cleaned_data["showcase_reason"].strip()
        if len(value) < 20:
            raise ValidationError(_("推荐理由请至少写 20 个字，现在只有 %(n)s 个字。") % {"n": len(value)})
        return value


class ReflectionForm(MemberScopedForm):
    member = forms.ModelChoiceField(
        label=_("委员"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("只能选择本界别（党派）的委员。")},
    )
    text = forms.CharField(
        label=_("履职心语"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
        help_text=_("文体不限、字数不限：一句话、一首诗、一篇故事都可以，切忌抄袭。"),
    )

    def has_changed(self):
        """A filled row counts, even when it equals its initial value (a returned filing's
        reflections): formsets skip unchanged extra rows, which would drop it silently."""
        filled = any((self.data.get(self.add_prefix(name)) or "").strip() for name in ("member", "text"))
        return filled or super().has_changed()

    def clean(self):
        data = super().clean()
        member, text = data.get("member"), (data.get("text") or "").strip()
        if member and not text:
            self.add_error("text", _("请填写这位委员的履职心语，或清空委员一栏。"))
        if text and not member:
            self.add_error("member", _("请选择写这条履职心语的委员。"))
        data["text"] = text
        return data


class BaseReflectionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data.get("member") and f.cleaned_data.get("text")]
        if not filled:
            raise ValidationError(_("请至少提交一条履职心语。"))

    def entries(self):
        return [
            (f.cleaned_data["member"], f.cleaned_data["text"])
            for f in self.forms
            if f.cleaned_data.get("member") and f.cleaned_data.get("text")
        ]


ReflectionFormSet = formset_factory(ReflectionForm, formset=BaseReflectionFormSet, extra=3, max_num=30)


class ReviewForm(MemberScopedForm):
    confirm = forms.BooleanField(
        label=_("我已核对以上内容，确认提交"),
        error_messages={"required": _("请勾选“我已核对以上内容”后再提交。")},
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
