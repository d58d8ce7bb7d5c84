"""提醒方式 (/my/notices/settings/): one choice per kind of 消息 an account can receive."""

from django import forms
from django.db import transaction

from .models import EmailMode, Kind, Preference

# 答复群众 goes to a citizen's address, never to an account: nobody chooses for it.
ACCOUNT_KINDS = [kind for kind in Kind if kind != Kind.REPLY]
BAD_CHOICE = "请选择“立即发送邮件”“每日汇总一封”或“不发邮件，只在站内提示”。"


class PreferenceForm(forms.Form):
    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        chosen = dict(Preference.objects.filter(user=user).values_list("kind", "mode"))
        for kind in ACCOUNT_KINDS:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=EmailMode.choices,
                initial=chosen.get(kind.value, EmailMode.INSTANT),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": BAD_CHOICE, "required": BAD_CHOICE},
            )

    @transaction.atomic
    def save(self):
        for kind in ACCOUNT_KINDS:
            Preference.objects.update_or_create(
                user=self.user, kind=kind.value, defaults={"mode": self.cleaned_data[kind.value]}
            )
