"""The forms of 我的履职档案 (/my/record/): the year chooser, 请假 and 异议. They check the shape
of what was typed; performance/rules.py decides the rest (request_leave, raise_objection), and
its message is shown beside the box, which keeps what the member typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forms_app.fields import required


class YearForm(forms.Form):
    """?year=: the years the member has a record in, and this year."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, f"{year}年") for year in years]


class LeaveForm(forms.Form):
    """请假 for one activity: `target` names it (activity:<id> or filing:<id>)."""

    target = forms.RegexField(regex=r"^(activity|filing):\d+$", widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("请假理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=required("请假理由", max_length=_("请假理由不能超过 500 字。")),
    )

    def target_parts(self):
        kind, pk = self.cleaned_data["target"].split(":")
        return kind, int(pk)


class ObjectionForm(forms.Form):
    """异议: on one entry of the year, or on the record as a whole (something missing)."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    entry = forms.TypedChoiceField(
        label=_("对哪条记录"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("记录缺漏时选“整体或缺少的记录”。"),
    )
    text = forms.CharField(
        label=_("异议内容"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required("异议内容", max_length=_("异议内容不能超过 1000 字。")),
        help_text=_("写明哪里不对、应当如何，委员联络室核实后答复。"),
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [
            ("", "整体或缺少的记录"),
            *((entry.pk, f"{entry.date:%Y-%m-%d} {entry.title}") for entry in entries),
        ]
