"""「记一次联系」, the member's form on /forms/contacts/ (new and edit). It checks the shape of what
was typed (a date, a new target's category) and hands the rest to contacts/rules.py: clean()
builds the rules.Entry and runs rules.check_entry, turning each message into an error beside its
field, so every problem shows at once and nothing typed is lost; the view then calls
rules.save_entry, whose refusals (a report issued a moment ago) land in the same places."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_app.fields import DateInput
from lianxin_site.admin_helpers import MAX_ID

from . import rules as contacts_rules
from .models import ContactTarget, TargetCategory, Way

# Where each of check_entry's fields is shown ("whom" beside the 联系谁 chips; "makers" and ""
# concern the entry as a whole).
FIELD_OF = {
    "date": "date",
    "way": "way",
    "whom": "contacted",
    "note": "note",
    "is_forum": "is_forum",
    "makers": None,
    "": None,
}


class IdChoices(forms.ModelMultipleChoiceField):
    """Chips posted as ids: anything but a plain number a row could have is 「请重新选择」, where
    Django would pass 99999999999999999999999 to the database and answer 500."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isdecimal() or int(text) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class PairedChoice(IdChoices):
    def label_from_instance(self, member):
        return member.name


class TargetChoice(IdChoices):
    def label_from_instance(self, target):
        return f"{target.name}（{target.get_category_display()}）"


class ContactForm(forms.Form):
    date = forms.DateField(
        label=_("日期"),
        widget=DateInput(),
        error_messages={
            "required": _("「日期」：请填写日期"),
            "invalid": _("「日期」：请填写正确的日期，如 2026-03-05"),
        },
    )
    # Any text goes through: rules.check_entry names a bad one (「方式」：应为走访、电话、微信或座谈).
    way = forms.CharField(label=_("方式"), required=False, widget=forms.RadioSelect(choices=Way.choices))
    contacted = PairedChoice(
        label=_("结对的委员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("「联系对象」：只能选择与您结对的委员"),
            "invalid_pk_value": _("「联系对象」：请重新选择"),
        },
    )
    targets = TargetChoice(
        label=_("我的联系对象"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("「联系对象」：只能选择您自己的联系对象"),
            "invalid_pk_value": _("「联系对象」：请重新选择"),
        },
    )
    new_name = forms.CharField(
        label=_("新的联系对象"),
        required=False,
        max_length=contacts_rules.TARGET_NAME_MAX,
        error_messages={"max_length": _("「联系对象」：名称不能超过 %(limit_value)d 个字")},
        help_text=_("单位名称，或对群众的称呼，如“王女士”；请勿填写手机号、身份证号或住址。"),
    )
    new_category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        choices=[("", "请选择类别"), *TargetCategory.choices],
        error_messages={
            "invalid_choice": _("「联系对象类别」：应为企事业单位、村（社区）、界别群众、社会群众或帮扶对象")
        },
    )
    note = forms.CharField(
        label=_("备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("简要记下联系的内容；请勿填写群众的手机号或身份证号。"),
    )
    is_forum = forms.BooleanField(
        label=_("这是一次集体座谈会"),
        required=False,
        help_text=_("常委召集两位以上所联系的委员座谈，每半年至少一次。"),
    )

    def __init__(self, *args, member, paired, targets, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.today = today or timezone.localdate()
        self.fields["contacted"].queryset = paired
        self.fields["targets"].queryset = targets
        if not member.is_standing:
            del self.fields["is_forum"]

    def new_target(self):
        name = (self.cleaned_data.get("new_name") or "").strip()
        category = self.cleaned_data.get("new_category") or ""
        return (category, name) if name and category else None

    def entry(self):
        """The rules.Entry the member typed (fields that failed their shape check left empty)."""
        data = self.cleaned_data
        targets = list(data.get("targets") or [])
        new = self.new_target()
        if new:
            targets.append(new)
        return contacts_rules.Entry(
            date=data.get("date"),
            way=data.get("way") or "",
            makers=[self.member],
            contacted=list(data.get("contacted") or []),
            targets=targets,
            is_forum=bool(data.get("is_forum")),
            note=data.get("note") or "",
        )

    def clean(self):
        data = super().clean()
        name = (data.get("new_name") or "").strip()
        if name and not data.get("new_category") and "new_category" not in self.errors:
            self.add_error("new_category", _("「联系对象类别」：请为新的联系对象选择类别"))
        # The new target's own errors already say what is wrong with "whom".
        quiet = {
            field for field in ("date", "contacted", "targets", "new_name", "new_category") if field in self.errors
        }
        for name, messages in contacts_rules.check_entry(self.entry(), today=self.today).items():
            self.show(name, messages, quiet=quiet)
        return data

    def show(self, name, messages, quiet=frozenset()):
        """Put a rules message beside its field (skipped where a shape error already stands)."""
        target = FIELD_OF.get(name)
        if target is not None and target not in self.fields:
            target = None
        if name == "whom" and quiet & {"contacted", "targets", "new_name", "new_category"}:
            return
        if target in quiet:
            return
        for message in messages:
            self.add_error(target, message)

    def show_refusal(self, error):
        """A ContactError from rules.save_entry, each message beside its field."""
        for name, messages in error.errors.items():
            self.show(name, messages)


def initial_for(activity):
    """The form's starting values for editing an entry."""
    return {
        "date": activity.date,
        "way": activity.way,
        "contacted": [m.pk for m in activity.contacted_members.all()],
        "targets": [t.pk for t in activity.targets.all()],
        "note": activity.note,
        "is_forum": activity.is_forum,
    }


def target_choices(member, activity=None):
    """The member's saved targets (and, editing, any the entry already names)."""
    targets = ContactTarget.objects.filter(member=member)
    if activity is not None:
        targets = ContactTarget.objects.filter(pk__in=targets.values("pk")) | ContactTarget.objects.filter(
            pk__in=activity.targets.values("pk")
        )
    return targets.order_by("category", "name")
