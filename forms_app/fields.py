"""Form pieces every paper form uses: the date picker and Chinese 'required' messages
(请填写 for what is typed, 请选择 for what is chosen)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker, which only accepts ISO dates (zh-hans would write 2026/3/5)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def required(label, **kwargs):
    """Chinese 'required' messages that name the field, for what the user types."""
    return {"required": _("请填写%(label)s。") % {"label": label}, **kwargs}


def chosen(label, **kwargs):
    """Chinese 'required' messages for a radio list, a drop-down or a checkbox list: one
    chooses there, one does not type (请选择, not 请填写)."""
    return {"required": _("请选择%(label)s。") % {"label": label}, **kwargs}
