"""The unit's 委员活动日情况统计表 as a form: the sixteen numbers in the paper's three groups."""

from django import forms

from . import rules


class ReportForm(forms.Form):
    """The table's sixteen numbers, grouped as the paper groups them; a reason beside each number
    the platform proposed, needed only when the number differs from it."""

    GROUPS = [
        ("工作室与委员", rules.LEADING_FIELDS),
        (rules.KIND_GROUP, [field for field, _ in rules.KIND_FIELDS]),
        ("成效", rules.TRAILING_FIELDS),
    ]

    def __init__(self, *args, unit=None, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals or {}
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
