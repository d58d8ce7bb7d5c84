"""Work the worker (jobs/) does for forms_app: the 委员活动日 roll-up PDF, which takes WeasyPrint
seconds for a hundred units. The admin's PDF link (forms_app/activity_day/admin.py) serves the kept
file, or starts this job and shows its progress page, which comes back to the link when done."""

from django.urls import reverse

from jobs.registry import job_kind
from lianxin_site.errors import DomainError

from .activity_day.models import ActivityDay
from .activity_day.pdf import keep_rollup, kept_rollup, rollup_pdf_bytes


@job_kind("activity_rollup_pdf", label="委员活动日汇总 PDF")
def render_rollup_pdf(job, progress):
    """Render the roll-up PDF of params["day"] and keep it under params["key"] (rollup_key when
    the job was started): if a report changes meanwhile, the link asks for a newer one."""
    day = ActivityDay.objects.filter(pk=job.params["day"]).first()
    if day is None:
        raise DomainError("这个委员活动日已被删除，无法生成汇总 PDF。")
    key = job.params["key"]
    progress.reset(total=1)
    if kept_rollup(day, key) is None:
        progress.note("正在生成汇总 PDF（一百个单位约需几秒）")
        keep_rollup(day, key, rollup_pdf_bytes(day))
    progress.update(1)
    return {"message": "汇总 PDF 已生成。", "redirect": reverse("activity_day_rollup_pdf", args=[day.pk])}
