"""委员工作室 and 街道活动小组 at work (issue 16): what a station's 召集人 records (季度例会,
履职日志), the year's 考核, and a street group's 一街一策 plan, activities, attendance and the
half-year report. The station pages themselves, their plans and 动态 stay in `content`; who holds
a group's posts is reference data in `people`. Nothing here is public."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage

# ---------------------------------------------------------------------------
# A station's own records (seed 003 annex 2 第六条: 季度例会、履职日志)


class StationMeeting(models.Model):
    """季度例会: who came, who was absent and why, the minutes."""

    station = models.ForeignKey(
        "content.WorkstationPage", verbose_name=_("委员工作室"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("日期"))
    attendees = models.ManyToManyField("people.Member", verbose_name=_("出席委员"), blank=True, related_name="+")
    minutes = models.TextField(_("会议纪要"), max_length=5000)
    attachment = models.FileField(
        _("附件"), upload_to="station_meetings/%Y/", storage=private_storage, max_length=255, blank=True
    )
    attachment_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度例会")
        verbose_name_plural = _("季度例会")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.station.title} · {self.date:%Y-%m-%d} 季度例会"

    @property
    def quarter(self):
        return (self.date.month - 1) // 3 + 1


class MeetingAbsence(models.Model):
    meeting = models.ForeignKey(StationMeeting, on_delete=models.CASCADE, related_name="absences")
    member = models.ForeignKey("people.Member", verbose_name=_("缺席委员"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("缺席原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("缺席")
        verbose_name_plural = _("缺席")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_absence_per_member")]

    def __str__(self):
        return f"{self.member} · {self.reason}"


class LogType(models.TextChoices):
    RECEPTION = "reception", _("接待群众")
    OPINIONS = "opinions", _("收集社情民意")
    STUDY = "study", _("学习宣讲")
    CONSULTATION = "consultation", _("协商议事")
    OTHER = "other", _("其他")


class StationLog(models.Model):
    """履职日志: one duty, who did it, the matter and how it was handled and answered."""

    station = models.ForeignKey(
        "content.WorkstationPage", verbose_name=_("委员工作室"), on_delete=models.CASCADE, related_name="logs"
    )
    date = models.DateField(_("日期"))
    members = models.ManyToManyField("people.Member", verbose_name=_("委员"), blank=True, related_name="+")
    type = models.CharField(_("类型"), max_length=14, choices=LogType.choices)
    matter = models.TextField(_("事项"), max_length=2000)
    handling = models.TextField(_("办理与反馈"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("履职日志")
        verbose_name_plural = _("履职日志")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.station.title} · {self.date:%Y-%m-%d} {self.get_type_display()}"


# ---------------------------------------------------------------------------
# 考核 and 优秀委员工作室 (seed 003 annex 2 第六条, S003-31)


class Measure(models.TextChoices):
    """What an automatic criterion counts, from the platform's own records."""

    MONTHS = "months", _("有活动的月份数")
    PLAN = "plan", _("有年度计划")
    MEETINGS = "meetings", _("召开季度例会的季度数")
    UPLOADS = "uploads", _("活动日动态按时上传次数")
    LOGS = "logs", _("履职日志条数")


class AssessmentScheme(models.Model):
    """A year's 考核办法: its criteria, how 优秀委员工作室 are named (the top N, or every station at
    or above a total), and when 委员联络室 published the result."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    excellent_count = models.PositiveSmallIntegerField(_("优秀名额（前 N 名）"), null=True, blank=True)
    excellent_threshold = models.DecimalField(_("优秀分数线"), max_digits=6, decimal_places=1, null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("考核办法")
        verbose_name_plural = _("考核办法")
        ordering = ["-year"]
        permissions = [
            ("view_station_overview", _("查看工作室运行的月度总览、申请进度、考核结果和街道小组半年报告")),
            ("score_stations", _("为对口委室的委员工作室评分")),
            ("publish_assessment", _("审核考核结果，评定并发布优秀委员工作室")),
        ]

    def __str__(self):
        return f"{self.year}年度委员工作室考核"

    @property
    def published(self):
        return self.published_at is not None


class Criterion(models.Model):
    class Method(models.TextChoices):
        AUTO = "auto", _("自动计分")
        MANUAL = "manual", _("人工评分")

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("考核项目"), max_length=100)
    max_points = models.PositiveSmallIntegerField(_("满分"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    method = models.CharField(_("计分方式"), max_length=8, choices=Method.choices)
    measure = models.CharField(_("自动计分依据"), max_length=10, choices=Measure.choices, blank=True)
    # For an automatic criterion: the count that earns full points (12 months, 4 meetings …).
    full_at = models.PositiveSmallIntegerField(_("满分所需数量"), default=1)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme", "sort_order", "pk"]

    def __str__(self):
        return f"{self.name}（{self.max_points} 分）"


class ManualScore(models.Model):
    """The 专委会工作室 of a station's 对口委室 scores a manual criterion."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    station = models.ForeignKey("content.WorkstationPage", on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    note = models.CharField(_("评分说明"), max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评分人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["criterion", "station"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.criterion.name} · {self.points}"


class AssessmentResult(models.Model):
    """A station's total and rank as published: kept as they were when 委员联络室 published."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="results")
    station = models.ForeignKey("content.WorkstationPage", on_delete=models.CASCADE, related_name="assessment_results")
    station_title = models.CharField(_("委员工作室"), max_length=255)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    rank = models.PositiveSmallIntegerField(_("名次"))
    excellent = models.BooleanField(_("优秀委员工作室"), default=False)
    points = models.JSONField(_("各项得分"), default=dict)  # {criterion id: points}

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "station"], name="one_result_per_station")]

    def __str__(self):
        return f"{self.rank}. {self.station_title} {self.total}"


# ---------------------------------------------------------------------------
# 街道活动小组 (seed 003 annex 2, seed 004 items 12–13): 一街一策, activities, attendance


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("公益讲座")
    LEGAL_AID = "legal_aid", _("法律援助")
    CLINIC = "clinic", _("医疗义诊")
    TRAINING = "training", _("技能培训")
    SCHOLARSHIP = "scholarship", _("捐资助学")
    VISIT = "visit", _("走访")
    FORUM = "forum", _("座谈")
    RESEARCH = "research", _("调研")
    OTHER = "other", _("其他")


class StreetGroupPlan(models.Model):
    """一街一策: a group's plan for a year, 草稿 → 报送 → 委员联络室 确认 or 退回 with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        CONFIRMED = "confirmed", _("已确认")
        RETURNED = "returned", _("已退回")

    group = models.ForeignKey(
        "people.StreetGroup", verbose_name=_("街道活动小组"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveIntegerField(_("年度"))
    needs = models.TextField(_("街道中心工作与需求"), max_length=3000)
    approach = models.TextField(_("本组方案"), max_length=3000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("确认或退回时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("一街一策")
        verbose_name_plural = _("一街一策")
        ordering = ["-year", "group__sort_order"]
        permissions = [("confirm_street_plans", _("确认或退回街道活动小组的一街一策"))]
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="one_plan_per_group_and_year")]

    def __str__(self):
        return f"{self.group} · {self.year}年一街一策"


class StreetPlanItem(models.Model):
    plan = models.ForeignKey(StreetGroupPlan, on_delete=models.CASCADE, related_name="items")
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    activity = models.CharField(_("活动"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=ActivityKind.choices)
    lead_members = models.ManyToManyField("people.Member", verbose_name=_("牵头委员"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("计划活动")
        verbose_name_plural = _("计划活动")
        ordering = ["plan", "month", "pk"]

    def __str__(self):
        return f"{self.month}月 {self.activity}"


class StreetGroupActivity(models.Model):
    group = models.ForeignKey(
        "people.StreetGroup", verbose_name=_("街道活动小组"), on_delete=models.CASCADE, related_name="activities"
    )
    date = models.DateField(_("日期"))
    title = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=ActivityKind.choices)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    plan_item = models.ForeignKey(
        StreetPlanItem, verbose_name=_("对应计划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opinions = models.PositiveIntegerField(_("收集意见建议（条）"), default=0)
    deeds = models.PositiveIntegerField(_("为民办实事（件）"), default=0)
    outcome = models.TextField(_("意见建议和办实事情况"), max_length=3000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("小组活动")
        verbose_name_plural = _("小组活动")
        ordering = ["-date", "-pk"]
        permissions = [("manage_street_groups", _("管理全部街道活动小组的计划、活动和半年报告"))]

    def __str__(self):
        return f"{self.group} · {self.date:%Y-%m-%d} {self.title}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(StreetGroupActivity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="street_group_photos/%Y/", storage=private_storage, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["activity", "pk"]

    def __str__(self):
        return self.original_name


class Presence(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class StreetAttendance(models.Model):
    activity = models.ForeignKey(StreetGroupActivity, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.CASCADE, related_name="+")
    presence = models.CharField(_("出席情况"), max_length=8, choices=Presence.choices, default=Presence.PRESENT)
    role = models.CharField(_("角色"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("出席")
        verbose_name_plural = _("出席")
        ordering = ["activity", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="street_one_attendance_per_member")]

    def __str__(self):
        return f"{self.member} · {self.get_presence_display()}"


class SignInImport(KeptUpload):
    """An uploaded 签到表 for one activity, kept like 名册导入记录."""

    activity = models.ForeignKey(StreetGroupActivity, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("文件"), upload_to="street_signins/%Y/%m/", storage=private_storage, max_length=255)

    class Meta:
        verbose_name = _("签到表导入记录")
        verbose_name_plural = _("签到表导入记录")
        ordering = ["-uploaded_at", "-pk"]


class HalfYear(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")


class StreetGroupReport(models.Model):
    """The half-year report on the street groups to 党组会、主席会、常委会: a staff-written summary;
    issuing keeps the figures as they were (`snapshot`) with the PDF."""

    year = models.PositiveIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=HalfYear.choices)
    summary = models.TextField(_("工作小结"), max_length=5000, blank=True)
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(_("出具时的数据"), default=dict, blank=True)
    pdf = models.FileField(
        _("报告 PDF"), upload_to="street_group_reports/%Y/", storage=private_storage, max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("街道活动小组半年报告")
        verbose_name_plural = _("街道活动小组半年报告")
        ordering = ["-year", "-half"]
        constraints = [models.UniqueConstraint(fields=["year", "half"], name="stations_one_report_per_half")]

    def __str__(self):
        return f"{self.year}年{self.get_half_display()}街道活动小组工作情况报告"

    @property
    def issued(self):
        return self.issued_at is not None
