"""The offices' forms for the year's plan: one entry (添加, 修改, 添加批次) and the import's upload.

The entry form reads what was typed (its 月份 the way the import reads a 月份 cell); whether it may
be saved is services.save_entry's to say, whose EntryInvalid errors the view puts back beside these
fields (put_errors). A 专委会工作室 is offered only its committee and the sectors it contacts; the
other bodies of a shared entry are listed, and kept."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_app.fields import DateInput, chosen, required
from lianxin_site.imports import XlsxUploadForm
from people.models import Party, Sector, SpecialCommittee, StreetGroup
from people.services import account_of
from results.rules import resolve_members

from . import rules, services, sheets
from .models import FIXED_KINDS, BodyKind, EntryBody, EntryKind

# The form's fields for the bodies that name a row, and their kind.
ROW_BODY_FIELDS = (
    ("committees", BodyKind.COMMITTEE, "committee"),
    ("sectors", BodyKind.SECTOR, "sector"),
    ("parties", BodyKind.PARTY, "party"),
    ("street_groups", BodyKind.STREET_GROUP, "street_group"),
)
# services.EntryInvalid's fields → this form's.
FIELD_OF = {"first_month": "months", "last_month": "months", "bodies": "fixed", "batch_of": None}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def member_label(member):
    return f"{member.name}（{member.code}）"


class EntryForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, error_messages=required("年度"))
    months = forms.CharField(label=_("月份"), max_length=40, error_messages=required("月份"))
    content = forms.CharField(label=_("活动内容"), max_length=200, error_messages=required("活动内容"))
    kind = forms.ChoiceField(label=_("活动类型"), choices=EntryKind.choices, error_messages=chosen("活动类型"))
    fixed = forms.MultipleChoiceField(
        label=_("活动主体"),
        choices=[(kind.value, kind.label) for kind in FIXED_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    committees = forms.ModelMultipleChoiceField(
        label=_("专委会"), queryset=SpecialCommittee.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("界别"), queryset=Sector.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("党派"), queryset=Party.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    street_groups = forms.ModelMultipleChoiceField(
        label=_("街道活动小组"),
        queryset=StreetGroup.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        required=False,
        help_text=_("按住 Ctrl（苹果电脑按 ⌘）可选多个。"),
    )
    invited = forms.CharField(
        label=_("邀请委员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("可邀请其他界别的委员参加：填写姓名或委员证号，用顿号或换行分隔；同名委员请填委员证号。"),
    )
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput, required=False)
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput, required=False)
    start_time = forms.TimeField(label=_("开始时间"), widget=TimeInput, required=False)
    end_time = forms.TimeField(label=_("结束时间"), widget=TimeInput, required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    batch_number = forms.IntegerField(
        label=_("批次"), min_value=1, max_value=99, required=False, help_text=_("留空则为下一批。")
    )

    def __init__(self, *args, user, entry=None, batch_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.entry, self.batch_of = user, entry, batch_of
        self.members = []
        year = self.initial.get("year") or timezone.localdate().year
        self.fields["months"].help_text = _("如“4月”“2-3月”；延续到下一年的写“%(next)s年1月”。") % {"next": year + 1}
        if not (batch_of or (entry and entry.batch_of_id)):
            del self.fields["batch_number"]
        self.kept = services.kept_bodies(user, entry)
        if not rules.edits_all(user):
            self._offer_own_bodies()

    def _offer_own_bodies(self):
        """A committee office is offered its own committee and contacted sectors; the fields keep
        every row, so that another one posted by hand is refused by the rule, in its words."""
        committee = account_of(self.user).committee
        own = {
            "committees": [committee] if committee else [],
            "sectors": list(Sector.objects.filter(contact_committee=committee)) if committee else [],
        }
        for name in ("fixed", "parties", "street_groups"):
            del self.fields[name]
        for name, offered in own.items():
            self.fields[name].widget.choices = [(row.pk, str(row)) for row in offered]

    @staticmethod
    def initial_for(entry):
        bodies = list(entry.bodies.all())
        initial = {
            "year": entry.year,
            "months": sheets.months_text(entry),
            "fixed": [b.kind for b in bodies if b.kind in FIXED_KINDS],
            "invited": "、".join(member_label(m) for m in entry.invited.order_by("code")),
            "batch_number": entry.batch_number,
        }
        for name in ("content", "kind", "start_date", "end_date", "start_time", "end_time", "place", "note"):
            initial[name] = getattr(entry, name)
        for name, kind, row_field in ROW_BODY_FIELDS:
            initial[name] = [getattr(b, f"{row_field}_id") for b in bodies if b.kind == kind]
        return initial

    @staticmethod
    def initial_for_batch(parent):
        start = services.batch_start(parent)
        initial = EntryForm.initial_for(parent)
        initial.update(months=sheets.months_text(parent), batch_number=start["batch_number"], invited="")
        return initial

    def clean_invited(self):
        text = self.cleaned_data["invited"]
        members, problems = resolve_members(text)
        if problems:
            raise ValidationError(" ".join(problems))
        self.members = members
        return text

    def clean(self):
        data = super().clean()
        year, months = data.get("year"), data.get("months")
        if year and months:
            try:
                data["first_month"], data["last_month"] = sheets.parse_months(months, year)
            except sheets.CellError as exc:
                self.add_error("months", f"{exc}。")
        return data

    def entry_data(self):
        """The entry's own fields as services.save_entry takes them."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in ("year", "first_month", "last_month", "kind", "start_date", "end_date", "start_time")
        }
        values.update(
            end_time=data.get("end_time"),
            content=data["content"].strip(),
            place=(data.get("place") or "").strip(),
            note=(data.get("note") or "").strip(),
        )
        if self.batch_of is not None:
            values["batch_of"] = self.batch_of
        if "batch_number" in self.fields:
            values["batch_number"] = data.get("batch_number")
        return values

    def bodies(self):
        """The chosen bodies as unsaved EntryBody rows, and those the user keeps but may not change."""
        data = self.cleaned_data
        bodies = [EntryBody(kind=kind) for kind in data.get("fixed", [])]
        for name, kind, row_field in ROW_BODY_FIELDS:
            bodies += [EntryBody(kind=kind, **{row_field: row}) for row in data.get(name, [])]
        return bodies + self.kept

    def put_errors(self, errors):
        """services.EntryInvalid.errors beside the fields they name; the rest above the form."""
        for name, messages in errors.items():
            target = FIELD_OF.get(name, name)
            if target == "fixed" and "fixed" not in self.fields:
                target = "committees"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class PlanUploadForm(XlsxUploadForm):
    table = "年度活动安排表"
    columns = sheets.HEADERS
    too_big_hint = "一年的活动安排通常只有几十行，请检查是否选错了文件。"

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, error_messages=required("年度"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].help_text = _("表中“1月”等不写年份的月份属于这一年度。")
        self.order_fields(["year", "file"])

    def max_bytes(self):
        return sheets.MAX_BYTES
