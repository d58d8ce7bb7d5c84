"""Kept sign-in sheet uploads (签到表导入): each uploaded 签到表 of a 履职活动 is kept in private
storage with who sent it and when, previewed (a dry run), then confirmed once
(lianxin_site.imports.confirm_upload) or abandoned.

The model lives here rather than in models.py so that the sign-in import is one group of files
(imports.py, sheets.py, transfer.py); apps.ready() imports it, and migration 0002_perf_files
creates its table."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin_site.imports import UploadStatus
from lianxin_site.storage import private_storage

from .models import DutyActivity


class SignInImport(models.Model):
    """One uploaded 签到表 of one 履职活动."""

    Status = UploadStatus

    activity = models.ForeignKey(
        DutyActivity, verbose_name=_("履职活动"), on_delete=models.CASCADE, related_name="sign_in_imports"
    )
    # Names and 委员证号 of who came and who did not: kept where the web server never serves it.
    file = models.FileField(_("文件"), upload_to="sign_in_imports/%Y/%m/", storage=private_storage, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=UploadStatus.choices)
    report = models.JSONField(_("预览与结果"), default=dict)

    class Meta:
        app_label = "performance"
        verbose_name = _("签到表导入记录")
        verbose_name_plural = _("签到表导入记录")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"
