"""The member's own 履职心语 (/my/reflections/) and the editors' 纸质录入. Each refusal names its field."""

from django import forms
from django.template.defaultfilters import filesizeformat

from forms_app.models import Reflection
from lianxin_site.dates import this_year
from lianxin_site.uploads import PICTURE_ACCEPT, picture_refusal
from people.models import Member

from . import rules


class OwnReflectionForm(forms.Form):
    genre = forms.ChoiceField(
        label="体裁",
        choices=Reflection.Genre.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "「体裁」：请选择一种体裁", "invalid_choice": "「体裁」：请选择一种体裁"},
    )
    text = forms.CharField(
        label="履职心语",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "「履职心语」：请填写内容"},
        help_text=f"文体不限，一句话、一首诗、一篇故事、一首歌都可以；切忌抄袭。最多 {rules.TEXT_MAX} 字，换行会保留。",
    )
    image = forms.FileField(
        label="图片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PICTURE_ACCEPT}),
        help_text=f"书法作品（一副字）可以附一张照片：JPG 或 PNG，不超过 {filesizeformat(rules.IMAGE_MAX_BYTES)}。",
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > rules.TEXT_MAX:
            raise forms.ValidationError(f"「履职心语」：不能超过 {rules.TEXT_MAX} 字（现有 {len(text)} 字）")
        return text

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image:
            refusal = picture_refusal(image, label="图片", max_bytes=rules.IMAGE_MAX_BYTES)
            if refusal:
                raise forms.ValidationError(refusal)
        return image or None


def roster_choices():
    """The roster as the 委员 drop-down: grouped by 界别 in 基础数据's order, members by name."""
    groups = {}
    members = Member.objects.select_related("sector").order_by("sector__sort_order", "sector__name", "name", "code")
    for member in members:
        groups.setdefault(member.sector.name, []).append((str(member.pk), f"{member.name}（{member.code}）"))
    return [("", "请选择委员"), *groups.items()]


class PaperReflectionForm(forms.Form):
    """纸质录入: an editor types in a 履职心语 handed in on paper. The form reads the input; what
    makes an entry acceptable is rules.paper_problems, whose messages it puts under each field."""

    member = forms.TypedChoiceField(
        label="委员",
        coerce=int,
        error_messages={"required": "「委员」：请选择投稿的委员", "invalid_choice": "「委员」：请从名册中选择委员"},
        help_text="按界别排列，同一界别内按姓名排列。",
    )
    year = forms.IntegerField(
        label="年度",
        required=False,
        error_messages={"invalid": "「年度」：请填写四位年份"},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "style": "max-width: 8rem"}),
    )
    genre = forms.ChoiceField(
        label="体裁",
        required=False,
        choices=Reflection.Genre.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "「体裁」：请选择一种体裁"},
    )
    text = forms.CharField(
        label="履职心语",
        required=False,
        strip=False,  # rules.paper_text keeps each line's indent
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=f"照纸质稿录入全文，最多 {rules.TEXT_MAX} 字，换行会保留。",
    )
    image = forms.FileField(
        label="图片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PICTURE_ACCEPT}),
        help_text=f"书法作品（一副字）可以附一张照片或扫描件：JPG 或 PNG，不超过 {filesizeformat(rules.IMAGE_MAX_BYTES)}。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = roster_choices()
        self.fields["year"].initial = this_year()

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image:
            refusal = picture_refusal(image, label="图片", max_bytes=rules.IMAGE_MAX_BYTES)
            if refusal:
                raise forms.ValidationError(refusal)
        return image or None

    def clean(self):
        data = super().clean()
        problems = rules.paper_problems(
            year=data.get("year"), genre=data.get("genre", ""), text=rules.paper_text(data.get("text"))
        )
        for name, message in problems.items():
            if name not in self.errors:  # a year that is not a number is told so once
                self.add_error(name, message)
        return data

    def chosen_member(self):
        return Member.objects.get(pk=self.cleaned_data["member"])

    def refuse(self, error):
        """Put a rules.PaperError's messages under their fields."""
        for name, message in error.errors.items():
            self.add_error(name, message)
