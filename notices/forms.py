"""The 通知公告 list's filter: a column, and for 党派活动 a party, checked like any form so a
hand-edited address gets a message instead of an empty or wrong list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Party

from .models import NoticeColumn


class NoticeFilterForm(forms.Form):
    column = forms.ChoiceField(label=_("栏目"), required=False, choices=[("", _("全部"))] + NoticeColumn.choices)
    party = forms.ModelChoiceField(
        label=_("党派"), required=False, queryset=Party.objects.all(), empty_label=_("全部党派")
    )

    def clean(self):
        cleaned = super().clean()
        column, party = cleaned.get("column"), cleaned.get("party")
        if party is not None and column not in ("", None, NoticeColumn.PARTY):
            self.add_error("party", _("只有“党派活动”栏目可以按党派筛选。"))
        elif party is not None:
            cleaned["column"] = NoticeColumn.PARTY
        return cleaned

    def filter(self, notices):
        """The notices the valid choices select; all of them while the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return notices
        if self.cleaned_data["column"]:
            notices = notices.filter(column=self.cleaned_data["column"])
        if self.cleaned_data["party"] is not None:
            notices = notices.filter(party=self.cleaned_data["party"])
        return notices
