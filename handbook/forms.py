"""The member's own 履职心语 (/my/reflections/). Each refusal names its field."""

from django import forms
from django.template.defaultfilters import filesizeformat

from forms_app.models import Reflection
from lianxin_site.uploads import PICTURE_ACCEPT, picture_refusal

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
