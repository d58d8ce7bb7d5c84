"""The steps of the 履职成果 registration wizard (类别与标题 → 作者与联名 → 内容与附件 → 核对提交) and
the filter of 我的履职成果. Each step checks the shape of what was typed and asks results/rules.py
for the rest, so the same messages appear here, in the admin and in the import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forms_app.fields import DateInput, chosen, required

from . import rules
from .models import AuthorKind, Kind, Occasion, Status


class HeadingForm(forms.Form):
    """类别与标题."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, error_messages=chosen("年度"))
    kind = forms.ChoiceField(
        label=_("类别"), choices=Kind.choices, widget=forms.RadioSelect, error_messages=chosen("类别")
    )
    title = forms.CharField(label=_("标题"), max_length=200, error_messages=required("标题"))
    submitted_on = forms.DateField(
        label=_("提交日期"),
        widget=DateInput,
        error_messages=required("提交日期", invalid=_("日期格式不对，请按 2026-03-20 的格式填写。")),
    )
    occasion = forms.ChoiceField(
        label=_("大会提案还是平时提案"),
        choices=Occasion.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("只有提案填写：全会期间提交的为大会提案，闭会期间提交的为平时提案。"),
    )

    def __init__(self, *args, years=(), instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["year"].choices = [(year, f"{year}年") for year in years]

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        data = super().clean()
        if all(data.get(name) not in (None, "") for name in ("year", "kind", "submitted_on")):
            for field, messages in rules.heading_errors(data, self.instance).items():
                for message in messages:
                    self.add_error(field, message)
        if data.get("kind") != Kind.PROPOSAL:
            data["occasion"] = ""
        return data


class AuthorsForm(forms.Form):
    """作者与联名: whose entry it is. Members are named by 委员证号 or name, in a plain text box (no
    script needed); every name that does not name exactly one member is listed, and the text stays."""

    author_kind = forms.ChoiceField(label=_("作者类型"), widget=forms.RadioSelect, error_messages=chosen("作者类型"))
    joint_authors = forms.CharField(
        label=_("联名委员"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "按排名填写委员姓名或委员证号，第一位为第一提案人；用顿号、逗号、空格或换行分开。同名的委员请写委员证号。"
        ),
    )
    writers = forms.CharField(
        label=_("执笔人"),
        max_length=500,
        required=False,
        help_text=_("可不填。填写执笔委员的姓名或委员证号，多位用顿号分开。"),
    )

    def __init__(self, *args, user=None, kinds=(), sector=None, party=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.sector, self.party = sector, party
        labels = dict(AuthorKind.choices)
        self.fields["author_kind"].choices = [
            (kind, self.kind_label(kind, labels[kind], sector, party)) for kind in kinds
        ]
        self.members = []

    @staticmethod
    def kind_label(kind, label, sector, party):
        if kind == AuthorKind.SECTOR and sector:
            return f"以{sector.name}名义"
        if kind == AuthorKind.PARTY and party:
            return f"以{party.name}名义"
        return label

    def clean(self):
        data = super().clean()
        kind = data.get("author_kind")
        if not kind:
            return data
        field = {AuthorKind.JOINT: "joint_authors", AuthorKind.SECTOR: "writers", AuthorKind.PARTY: "writers"}.get(kind)
        listed = []
        if field:
            listed, problems = rules.resolve_members(data.get(field))
            for problem in problems:
                self.add_error(field, problem)
            if problems:
                return data
        self.members = rules.front_authors(self.user, kind, listed)
        if error := rules.front_author_error(self.user, kind, self.members):
            self.add_error(field, error)
            return data
        sector, party = (self.sector, None) if kind == AuthorKind.SECTOR else (None, self.party)
        for name, messages in rules.author_errors(kind, self.members, sector, party).items():
            for message in messages:
                self.add_error(field if name == "authors" and field else None, message)
        data["members"] = self.members
        return data


class ContentForm(forms.Form):
    """内容与附件."""

    summary = forms.CharField(
        label=_("内容摘要"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=2000,
        required=False,
        help_text=_("2000 字以内：反映的问题、主要建议。全文可作为附件上传。"),
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("可不传。pdf、doc、docx、wps、ofd、odt、txt、jpg、png 文件均可。"),
    )
    remove_attachment = forms.BooleanField(label=_("不要附件（删除已上传的附件）"), required=False)

    def __init__(self, *args, has_attachment=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_attachment:
            del self.fields["remove_attachment"]

    def clean_summary(self):
        return self.cleaned_data["summary"].strip()

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            problem = rules.attachment_error(upload.name, upload.size)
            if problem:
                raise ValidationError(problem)
        return upload


class ReviewForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对以上内容，确认提交"),
        error_messages={"required": _("请勾选“我已核对以上内容”后再提交。")},
    )


class MyResultsFilter(forms.Form):
    """我的履职成果's ?year= and ?kind=: a value that is not offered is ignored, not an error."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("类别"), choices=[("", "全部类别"), *Kind.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", "全部状态"), *Status.choices], required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *((year, f"{year}年") for year in years)]

    def filters(self):
        """{field: value} of the valid, non-empty choices."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
