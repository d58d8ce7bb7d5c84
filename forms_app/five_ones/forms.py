"""The steps of the 五个一活动备案表 wizard, in the 备案表's own words, and the offices' return form."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from results.models import Occasion

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
    """提交一篇履职成果: one of the year's entries of the sector (party) in the 履职成果 registry, or a
    new one registered with the filing. Before the filing's year begins, the planned result is
    only described (registers=False)."""

    result_entry = forms.ChoiceField(
        label=_("履职成果"),
        widget=forms.RadioSelect,
        required=False,
        help_text=_("本年度本界别（党派）集体或委员提交的提案、社情民意信息、大会发言。"),
        error_messages={
            "invalid_choice": _(
                "所选的履职成果已不在可选之列（可能已撤回、退回，或不属于本界别、党派），请重新选择或登记一篇新的成果。"
            )
        },
    )
    result_kind = forms.ChoiceField(label=_("成果类别"), choices=[("", "请选择")] + ResultKind.choices, required=False)
    result_title = forms.CharField(label=_("标题"), max_length=200, required=False)
    result_summary = forms.CharField(
        label=_("内容摘要"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, required=False
    )
    result_submitted_on = forms.DateField(
        label=_("提交日期"),
        widget=DateInput,
        required=False,
        error_messages={"invalid": _("日期格式不对，请按 2026-03-20 的格式填写。")},
    )
    result_occasion = forms.ChoiceField(
        label=_("大会提案还是平时提案"), choices=Occasion.choices, widget=forms.RadioSelect, required=False
    )
    NEW_FIELDS = ("result_kind", "result_title", "result_summary", "result_submitted_on", "result_occasion")
    REGISTRY_FIELD = {
        "kind": "result_kind",
        "title": "result_title",
        "submitted_on": "result_submitted_on",
        "occasion": "result_occasion",
    }

    def __init__(self, *args, offered=(), registers=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.registers = registers
        if offered and registers:
            self.fields["result_entry"].choices = [
                (str(r.pk), f"{r.get_kind_display()}：{r.title}（{r.author_label}，{r.get_status_display()}）")
                for r in offered
            ] + [(rules.NEW_RESULT, "登记一篇新的成果")]
        else:
            del self.fields["result_entry"]
        if not registers:
            del self.fields["result_submitted_on"], self.fields["result_occasion"]

    def clean(self):
        data = super().clean()
        entry = data.get("result_entry", rules.NEW_RESULT) if self.registers else None
        if entry == "" and all(data.get(name) for name in ("result_kind", "result_title", "result_summary")):
            # Nothing chosen but a new result typed in full: a draft begun when nothing was offered
            # yet, or a browser without script (which shows the new result's boxes all along).
            entry = rules.NEW_RESULT
        if "result_entry" in self.fields and not entry:
            self.add_error("result_entry", _("请选择一篇履职成果，或登记一篇新的成果。"))
            return data
        data["result_entry"] = entry
        if entry not in (rules.NEW_RESULT, None):
            return data  # the chosen entry's kind, title and summary are copied on submission
        for name, message in (
            ("result_kind", _("请选择成果类别。")),
            ("result_title", _("请填写成果标题。")),
            ("result_summary", _("请填写内容摘要。")),
            ("result_submitted_on", _("请填写提交日期。")),
        ):
            if name in self.fields and not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if entry == rules.NEW_RESULT and not self.errors:
            errors = rules.new_entry_errors(
                self.year,
                data["result_kind"],
                data["result_title"],
                data["result_submitted_on"],
                data.get("result_occasion", ""),
            )
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(self.REGISTRY_FIELD.get(field), message)
        return data

    def filing_fields(self):
        """The filing's own result_kind, result_title, result_summary (a chosen entry's are copied
        in on submission)."""
        return {name: self.cleaned_data.get(name) or "" for name in ("result_kind", "result_title", "result_summary")}

    def link(self):
        """What rules.submit_filing links: None (nothing to link), or the choice for link_result."""
        entry = self.cleaned_data["result_entry"]
        if entry is None:
            return None
        return {
            "entry": entry if entry == rules.NEW_RESULT else int(entry),
            "submitted_on": self.cleaned_data.get("result_submitted_on"),
            "occasion": self.cleaned_data.get("result_occasion") or "",
        }


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
