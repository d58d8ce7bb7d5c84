from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ALLOWED_EXTENSIONS = (".xlsx", ".csv")


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("名册文件"),
        help_text=_(
            "Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）。第一行为表头：委员证号、姓名、性别、界别、党派、专委会、单位及职务、联系电话、是否常委、街道活动小组；可另加“主席会议职务”“青年委员”两列（不加则保留原值）。"
        ),
        error_messages={"required": _("请选择要上传的名册文件。"), "empty": _("文件是空的，没有任何内容。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(_("只接受 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。"))
        limit = settings.ROSTER_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件太大（%(size)s），名册文件不能超过 %(limit)s。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload
