"""委员活动日 statistics (seed 001, 附件1 and 附件2): reporting units, activity days, one report
per unit and day, and the spreadsheets imported into them."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from lianxin_site.storage import private_storage


class TableVariant(models.TextChoices):
    COMMITTEE = "committee", _("附件1：专门委员会")
    # The bodies one level down: 市州政协 for a province, 街道活动小组 for a district (settings).
    CPPCC = "cppcc", _("附件2：下一级政协或街道活动小组")


class ReportingUnit(models.Model):
    """A 填表单位: a special committee reporting for the workstations it guides (附件1), or a
    lower-level CPPCC reporting for all of its workstations (附件2)."""

    name = models.CharField(_("填表单位"), max_length=100, unique=True)
    variant = models.CharField(_("统计表"), max_length=10, choices=TableVariant.choices)
    committee = models.ForeignKey(
        "people.SpecialCommittee",
        verbose_name=_("对应专委会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reporting_units",
        help_text=_(
            "附件1 的单位：以该专委会为对口委室的委员工作室都算作它负责联系指导的工作室；其工作室的账号可以填报。"
        ),
    )
    workstations = models.ManyToManyField(
        "content.WorkstationPage",
        verbose_name=_("另行指定的委员工作室"),
        blank=True,
        related_name="reporting_units",
    )
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人账号"),
        blank=True,
        related_name="reporting_units",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("填报单位")
        verbose_name_plural = _("填报单位")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ActivityDay(models.Model):
    """One 委员活动日: its theme and date, the reporting deadline, and who reports."""

    name = models.CharField(_("名称"), max_length=100)
    theme = models.CharField(_("活动主题"), max_length=200)
    date = models.DateField(_("活动日期"))
    upload_deadline = models.DateField(
        _("动态上传截止日期"),
        null=True,
        blank=True,
        help_text=_("委员工作室把活动文字和图片上传“动态”栏目的截止日期。"),
    )
    deadline = models.DateField(_("统计表报送截止日期"))
    units = models.ManyToManyField(ReportingUnit, verbose_name=_("填报单位"), related_name="activity_days")

    panels = [
        FieldPanel("name"),
        FieldPanel("theme"),
        FieldPanel("date"),
        FieldPanel("upload_deadline"),
        FieldPanel("deadline"),
        FieldPanel("units", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = _("委员活动日")
        verbose_name_plural = _("委员活动日")
        ordering = ["-date"]
        permissions = [("roll_up_activity_day", _("汇总、导出、导入委员活动日统计表"))]

    def __str__(self):
        return f"{self.name}（{self.date:%Y-%m-%d}）"

    def clean(self):
        if self.date and self.deadline and self.deadline < self.date:
            raise ValidationError({"deadline": _("报送截止日期不能早于活动日期。")})
        if (
            self.date
            and self.upload_deadline
            and not (self.date <= self.upload_deadline <= (self.deadline or self.upload_deadline))
        ):
            raise ValidationError({"upload_deadline": _("动态上传截止日期应在活动日期和报送截止日期之间。")})


class ActivityReport(models.Model):
    """One unit's 委员活动日情况统计表 for one activity day."""

    day = models.ForeignKey(ActivityDay, verbose_name=_("委员活动日"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        ReportingUnit, verbose_name=_("填表单位"), on_delete=models.PROTECT, related_name="reports"
    )
    workstations = models.PositiveIntegerField(_("委员工作室数（家）"))
    stationed_members = models.PositiveIntegerField(_("入驻委员工作室的委员数（人）"))
    active_workstations = models.PositiveIntegerField(_("组织委员开展委员活动日的工作室数（家）"))
    collective_members = models.PositiveIntegerField(_("参加委员工作室集体活动的委员数（人）"))
    own_members = models.PositiveIntegerField(_("自行开展履职活动的委员数（人）"))
    kind_reading = models.PositiveIntegerField(_("开展委员读书、宣传宣讲活动的委员工作室数（家）"))
    kind_research = models.PositiveIntegerField(_("开展调研协商、监督视察等活动的委员工作室数（家）"))
    kind_suggestion = models.PositiveIntegerField(_("开展微建议办理，提案、社情民意线索征集等活动的委员工作室数（家）"))
    kind_visit = models.PositiveIntegerField(_("开展走访走近走亲界别群众、基层群众活动的委员工作室数（家）"))
    kind_duty = models.PositiveIntegerField(_("开展委员工作室联动值班、委员联谊交流等活动的委员工作室数（家）"))
    kind_charity = models.PositiveIntegerField(_("开展公益帮扶、服务群众等活动的委员工作室数（家）"))
    kind_sector = models.PositiveIntegerField(_("以界别为依托，开展有界别特色的履职活动的委员工作室数（家）"))
    kind_other = models.PositiveIntegerField(_("开展其他形式履职活动的委员工作室数（家）"))
    opinions = models.PositiveIntegerField(_("收集群众意见建议数（条）"))
    deeds = models.PositiveIntegerField(_("为民办实事数（件）"))
    uploads = models.PositiveIntegerField(_("将活动情况上传线上委员工作室“动态”栏目的委员工作室数（家）"))
    # {field: {"proposed": n, "source": "...", "reason": "..."}} where the platform proposed a number
    sources = models.JSONField(_("平台数据与更正原因"), default=dict, blank=True)
    # 工作小结: the unit's written summary, required on the form; a table imported from a
    # spreadsheet has none and shows 小结未报 until the unit writes it.
    summary = models.TextField(_("工作小结"), max_length=5000, blank=True)
    reported_on = models.DateField(_("报表时间"))
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    via_import = models.BooleanField(_("由表格导入"), default=False)
    corrections = models.PositiveIntegerField(_("更正次数"), default=0)
    submitted_at = models.DateTimeField(_("首次报送时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后更正时间"), auto_now=True)

    class Meta:
        verbose_name = _("委员活动日统计表")
        verbose_name_plural = _("委员活动日统计表")
        ordering = ["day", "unit__sort_order", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="one_report_per_unit_and_day")]

    def __str__(self):
        return f"{self.unit.name} · {self.day.name}"


class ReportAttachment(models.Model):
    """A file sent with a unit's 工作小结 (PDF, Word, JPG, PNG; at most 5, 10 MB each): kept where
    the web server never serves it, handed out by a view that checks the reader's role."""

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="activity_reports/%Y/%m/", storage=private_storage, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作小结附件")
        verbose_name_plural = _("工作小结附件")
        ordering = ["report", "pk"]

    def __str__(self):
        return self.original_name


class StatsImport(models.Model):
    """An uploaded spreadsheet of unit tables: previewed, then imported whole or not at all."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("有错误，未导入")
        PREVIEWED = "previewed", _("待确认")
        IMPORTED = "imported", _("已导入")

    day = models.ForeignKey(ActivityDay, verbose_name=_("委员活动日"), on_delete=models.CASCADE, related_name="imports")
    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    rows = models.JSONField(_("读到的报表"), default=list)
    errors = models.JSONField(_("错误"), default=list)

    class Meta:
        verbose_name = _("统计表导入")
        verbose_name_plural = _("统计表导入")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"
