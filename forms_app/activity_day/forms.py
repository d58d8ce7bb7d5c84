"""The unit's 委员活动日情况统计表 as a form: the sixteen numbers in the paper's three groups."""

from django import forms

from lianxin_site.uploads import DOCUMENT_ACCEPT, DOCUMENT_REFUSAL

from . import attachments, rules


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the rule, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": DOCUMENT_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ReportForm(forms.Form):
    """The table's sixteen numbers, grouped as the paper groups them; a reason beside each number
    the platform proposed, needed only when the number differs from it."""

    GROUPS = [
        ("工作室与委员", rules.LEADING_FIELDS),
        (rules.KIND_GROUP, [field for field, _ in rules.KIND_FIELDS]),
        ("成效", rules.TRAILING_FIELDS),
    ]

    def __init__(self, *args, unit=None, proposals=None, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals or {}
        self.report = report
        for field in rules.COUNT_FIELDS:
            message = f"{rules.SHORT[field]}应是不小于 0 的整数。"
            self.fields[field] = forms.IntegerField(
                label=rules.heading(field, unit.variant),
                min_value=0,
                error_messages={
                    "required": f"请填写{rules.SHORT[field]}（没有请填 0）。",
                    "invalid": message,
                    "min_value": message,
                },
                widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            )
            if field in self.proposals:
                self.fields[f"reason_{field}"] = forms.CharField(
                    label="与平台数据不同的原因",
                    required=False,
                    max_length=300,
                )

        self.fields["summary"] = forms.CharField(
            label="工作小结",
            required=False,  # the rule says what is missing (rules.summary_error), in its words
            widget=forms.Textarea(attrs={"rows": 8, "maxlength": rules.SUMMARY_MAX}),
            help_text="本单位组织开展委员活动日的情况、成效和经验做法，以及存在的问题和下一步打算。",
        )
        self.fields["attachments"] = MultipleFileField(
            label="附件",
            required=False,
            error_messages={"empty": f"{DOCUMENT_REFUSAL}（文件是空的）。"},
            help_text=f"可选，最多 {attachments.MAX_ATTACHMENTS} 个：PDF、Word、JPG、PNG，单个不超过 10 MB。",
        )
        kept = report.attachments.all() if report else []
        self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
            label="删去这些附件",
            required=False,
            coerce=int,
            choices=[(a.pk, a.original_name) for a in kept],
            widget=forms.CheckboxSelectMultiple,
        )

    def groups(self):
        return [
            (
                title,
                [
                    (
                        self[field],
                        self[f"reason_{field}"] if field in self.proposals else None,
                        self.proposals.get(field),
                    )
                    for field in fields
                ],
            )
            for title, fields in self.GROUPS
        ]

    def clean(self):
        data = super().clean()
        message = rules.summary_error(data.get("summary"))
        if message:
            self.add_error("summary", message)
        uploads = data.get("attachments") or []
        if uploads:
            kept = len(self.fields["remove_attachments"].choices) - len(data.get("remove_attachments") or [])
            for message in rules.attachment_errors(uploads, kept=kept):
                self.add_error("attachments", message)
        if any(field not in data for field in rules.COUNT_FIELDS):
            return data
        for field, messages_ in rules.check_counts(data).items():
            for message in messages_:
                self.add_error(field, message)
        reasons = {field: data.get(f"reason_{field}") for field in self.proposals}
        for field, message in rules.reason_errors(data, reasons, self.proposals).items():
            self.add_error(f"reason_{field}", message)
        return data

    def reasons(self):
        return {field: self.cleaned_data.get(f"reason_{field}", "") for field in self.proposals}
