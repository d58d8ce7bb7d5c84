"""The offices' forms in the admin: an entry (登记、修改), and the actions on its inspect page
(退回, 立案, 交办, 办理环节, 答复, 采用情况, 报送).

The forms only read what was typed; whether it is allowed is decided by results/rules.py, whose
ResultInvalid errors the views put back beside these fields (put_errors)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_app.fields import DateInput, chosen, required
from people.models import Member, Party, Sector

from . import rules
from .models import Acceptance, AuthorKind, HandlingStep, HandlingUnit, Kind, Occasion, ProposalUnit, Satisfaction

BAD_DATE = _("日期格式不对，请按 2026-03-20 的格式填写。")


def member_label(member):
    return f"{member.name}（{member.code}）"


def parse_members(text, candidates):
    """The members named in `text`, in order (rules.resolve_members); ValidationError naming every
    name that does not resolve."""
    members, problems = rules.resolve_members(text, candidates)
    if problems:
        raise ValidationError(" ".join(problems))
    return members


def offer_only(field, offered):
    """Let the field accept any unit (so that the rule, not the form, says why a unit is refused)
    but offer only `offered` in the page."""
    field.widget.choices = [(u.pk, str(u)) for u in offered]


def put_errors(form, errors):
    """ResultInvalid.errors ({field: [message]}) beside the form's fields; the rest above the form."""
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


# --- an entry, registered or corrected by the office


class EntryForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, error_messages=required("年度"))
    kind = forms.ChoiceField(label=_("类别"), error_messages=chosen("类别"))
    title = forms.CharField(label=_("标题"), max_length=200, error_messages=required("标题"))
    summary = forms.CharField(
        label=_("内容摘要"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    submitted_on = forms.DateField(
        label=_("提交日期"), widget=DateInput, error_messages=required("提交日期", invalid=BAD_DATE)
    )
    author_kind = forms.ChoiceField(
        label=_("作者类型"), choices=AuthorKind.choices, widget=forms.RadioSelect, error_messages=chosen("作者类型")
    )
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.all(), required=False)
    party = forms.ModelChoiceField(label=_("党派"), queryset=Party.objects.all(), required=False)
    authors = forms.CharField(
        label=_("作者"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "按顺序填写委员证号或姓名，用顿号或换行分隔，第一位为第一提案人（执笔人）；同名委员请填委员证号。"
            "以界别、党派名义提交的，可填执笔人。"
        ),
    )
    number = forms.CharField(label=_("编号"), max_length=30, required=False, help_text=_("提案为案号。"))
    occasion = forms.ChoiceField(
        label=_("大会/平时"),
        choices=[("", "—")] + Occasion.choices,
        required=False,
        help_text=_("仅提案填写。"),
    )
    attachment = forms.FileField(label=_("附件"), required=False)
    remove_attachment = forms.BooleanField(label=_("删除现有附件"), required=False)
    reason = forms.CharField(
        label=_("修改原因"), max_length=500, required=False, help_text=_("写入变更记录，方便委员和其他科室了解。")
    )

    def __init__(self, *args, kinds, members, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.candidates = members
        self.fields["kind"].choices = [(k, Kind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        if Kind.PROPOSAL not in kinds:
            del self.fields["occasion"]
        if instance is None:
            del self.fields["remove_attachment"], self.fields["reason"]
            self.fields["year"].initial = timezone.localdate().year
        elif not instance.attachment:
            del self.fields["remove_attachment"]

    @staticmethod
    def initial_for(result):
        authors = [a.member for a in result.author_rows.select_related("member")]
        return {
            "year": result.year,
            "kind": result.kind,
            "title": result.title,
            "summary": result.summary,
            "submitted_on": result.submitted_on,
            "author_kind": result.author_kind,
            "sector": result.sector_id,
            "party": result.party_id,
            "authors": "、".join(member_label(m) for m in authors),
            "number": result.number,
            "occasion": result.occasion,
        }

    def clean_authors(self):
        self.members = parse_members(self.cleaned_data["authors"], self.candidates)
        return self.cleaned_data["authors"]

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            if error := rules.attachment_error(upload.name, upload.size):
                raise ValidationError(error)
        return upload

    def rule_data(self):
        """The entry's own fields as rules.save_entry takes them."""
        data = {
            field: self.cleaned_data.get(field)
            for field in ("year", "kind", "title", "summary", "submitted_on", "author_kind", "sector", "party")
        }
        data["title"] = data["title"].strip()
        data["summary"] = (data["summary"] or "").strip()
        data["number"] = self.cleaned_data.get("number", "").strip()
        data["occasion"] = self.cleaned_data.get("occasion", "")
        return data

    def attachment_change(self):
        """An upload, False to remove the file, or None to keep it (rules.save_entry)."""
        if self.cleaned_data.get("attachment"):
            return self.cleaned_data["attachment"]
        if self.cleaned_data.get("remove_attachment"):
            return False
        return None


# --- the office's actions on the inspect page


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AcceptanceForm(forms.Form):
    acceptance = forms.ChoiceField(
        label=_("立案情况"), choices=Acceptance.choices, widget=forms.RadioSelect, error_messages=chosen("立案情况")
    )
    number = forms.CharField(label=_("案号"), max_length=30, required=False)
    merged_into = forms.CharField(
        label=_("并入案号"), max_length=30, required=False, help_text=_("并案时填写，须为同一年度已有的案号。")
    )


class AssignForm(forms.Form):
    lead_units = forms.ModelMultipleChoiceField(
        label=_("主办单位"), queryset=HandlingUnit.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    assist_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=HandlingUnit.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    assigned_on = forms.DateField(
        label=_("交办日期"), widget=DateInput, required=False, error_messages={"invalid": BAD_DATE}
    )

    def __init__(self, *args, result, **kwargs):
        super().__init__(*args, **kwargs)
        # Active units, and any unit already on this proposal (a unit stopped since stays listed).
        assigned = {pu.unit_id for pu in result.units.all()}
        offered = HandlingUnit.objects.filter(Q(disabled=False) | Q(pk__in=assigned))
        offer_only(self.fields["lead_units"], offered)
        offer_only(self.fields["assist_units"], offered)

    @staticmethod
    def initial_for(result):
        units = list(result.units.all())
        return {
            "lead_units": [pu.unit_id for pu in units if pu.role == ProposalUnit.Role.LEAD],
            "assist_units": [pu.unit_id for pu in units if pu.role == ProposalUnit.Role.ASSIST],
            "assigned_on": result.assigned_on or timezone.localdate(),
        }


class StepForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=HandlingUnit.objects.all(), error_messages=chosen("承办单位")
    )
    step = forms.ChoiceField(label=_("环节"), choices=HandlingStep.Step.choices, error_messages=chosen("环节"))
    date = forms.DateField(label=_("日期"), widget=DateInput, error_messages=required("日期", invalid=BAD_DATE))
    form = forms.ChoiceField(label=_("方式"), choices=HandlingStep.Form.choices, error_messages=chosen("方式"))
    members = forms.ModelMultipleChoiceField(
        label=_("参加的提案人"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_members = forms.CharField(
        label=_("其他参加委员"),
        required=False,
        help_text=_("委员证号或姓名，用顿号分隔。"),
    )
    notes = forms.CharField(
        label=_("情况记录"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, result, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        offer_only(self.fields["unit"], [pu.unit for pu in result.units.select_related("unit")])
        self.fields["unit"].widget.choices.insert(0, ("", "请选择"))
        self.fields["members"].queryset = Member.objects.filter(result_authorships__result=result).order_by(
            "result_authorships__position"
        )
        self.fields["members"].label_from_instance = member_label
        self.fields["date"].initial = timezone.localdate()

    def clean_other_members(self):
        self.others = parse_members(self.cleaned_data["other_members"], self.roster)
        return self.cleaned_data["other_members"]

    def present(self):
        chosen_members = list(self.cleaned_data["members"])
        return chosen_members + [m for m in self.others if m not in chosen_members]


class AnswerForm(forms.Form):
    answered_on = forms.DateField(
        label=_("答复日期"),
        widget=DateInput,
        required=False,
        error_messages={"invalid": BAD_DATE},
        help_text=_("清空答复日期即撤销答复。"),
    )
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=[("", "（尚未反馈）")] + Satisfaction.choices, required=False
    )


class OpinionUseForm(forms.Form):
    edited_by_committee = forms.BooleanField(label=_("区政协编发"), required=False)
    adopted_by_city = forms.BooleanField(label=_("市政协采用"), required=False)
    instructions = forms.CharField(
        label=_("领导批示"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SendForm(forms.Form):
    """研究室 报送区委区政府: the chosen entries and the date of the batch."""

    sent_on = forms.DateField(
        label=_("报送日期"), widget=DateInput, error_messages=required("报送日期", invalid=BAD_DATE)
    )
