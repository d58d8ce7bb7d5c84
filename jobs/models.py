"""A background job: one long piece of work (a 50,000-row roster preview, a large export) that the
worker (`manage.py db_worker`) runs outside the request, while the admin watches its progress.

The row holds what lasts: the status, the result, the error in Chinese, the result file. The
progress (done/total, a note, the worker's heartbeat) lives in the `default` cache instead
(jobs/progress.py): the handler runs inside its own transaction, where a write to this row would
stay invisible to the page that polls it until the very end."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin_site.storage import private_storage


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("中断")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=60)
    title = models.CharField(_("任务"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    # A file the job made (an export): members' data, so kept where the web server never serves it.
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", storage=private_storage, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Each run claims the job by raising this count; a run writes its outcome only while the count
    # is still its own, so a run given up for dead that wakes up again cannot overwrite a re-run.
    attempts = models.PositiveIntegerField(_("运行次数"), default=0)
    task_id = models.CharField(_("队列编号"), max_length=64, blank=True)
    # How far the last run got (done of total), kept with its outcome: while it runs, the figures
    # live in the cache only (jobs/progress.py), which may be cleared meanwhile.
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created"]
        indexes = [models.Index(fields=["created_by", "-created"])]

    def __str__(self):
        return self.title

    def keep_file(self, name, content):
        """Attach a result file (bytes, or a path to a file on disk) in private storage. Saved with
        the row when the job finishes."""
        from pathlib import Path

        from django.core.files.base import ContentFile, File

        if isinstance(content, (bytes, bytearray)):
            self.result_file.save(name, ContentFile(bytes(content)), save=False)
        else:
            with Path(content).open("rb") as handle:
                self.result_file.save(name, File(handle), save=False)
