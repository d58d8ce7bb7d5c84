"""Paper forms filed online. Drafts (WizardDraft) serve every wizard. Modelled here: the
五个一活动备案表 and its route to the archive (seed 000), the 委员工作室建立申请表 and its six
boxes (seed 003), and the 委员活动日 statistics tables (seed 001)."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from content.models import WorkstationPage


class WizardDraft(models.Model):
    """A wizard's unfinished input, kept on the server per user and document, so that a
    closed browser or an expired session loses nothing (see forms_app/wizard.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wizard_drafts")
    key = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("表格草稿")
        verbose_name_plural = _("表格草稿")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_user_and_document")]


class FilingYear(models.Model):
    """The 五个一活动 filing year and its deadline (the notice says the end of March)."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    deadline = models.DateField(_("报送截止日期"))

    class Meta:
        verbose_name = _("备案年度")
        verbose_name_plural = _("备案年度")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年（{self.deadline:%m月%d日}截止）"

    @staticmethod
    def deadline_for(year):
        row = FilingYear.objects.filter(year=year).first()
        return row.deadline if row else datetime.date(year, 3, 31)


class ActivityKind(models.TextChoices):
    CULTURE = "culture", _("送文化进基层")
    HEALTH = "health", _("送卫生进基层")
    EDUCATION = "education", _("送教育进基层")
    SCIENCE = "science", _("送科技进基层")
    LAW = "law", _("送法律进基层")
    SPORTS = "sports", _("送体育进基层")
    COMMUNITY = "community", _("走进社区")
    ENTERPRISE = "enterprise", _("走进企业")
    SEMINAR = "seminar", _("学习座谈")
    FELLOWSHIP = "fellowship", _("联络联谊")
    BRIEFING = "briefing", _("通报咨询")
    RESEARCH = "research", _("调研研讨")
    VISIT = "visit", _("走访慰问")


class ResultKind(models.TextChoices):
    PROPOSAL = "proposal", _("提案")
    OPINION = "opinion", _("社情民意")
    SPEECH = "speech", _("大会发言")


class FiveOnesFiling(models.Model):
    """门头沟区政协委员基层日“五个一活动”备案表: one per sector (or party) per year."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        RECEIVED = "received", _("专委会工作室已接收")
        FORWARDED = "forwarded", _("已转交专委会工作六室")
        ARCHIVED = "archived", _("已存档")
        RETURNED = "returned", _("已退回修改")

    year = models.PositiveIntegerField(_("年度"))
    sector = models.ForeignKey(
        "people.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    party = models.ForeignKey(
        "people.Party", verbose_name=_("党派"), null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    leader_name = models.CharField(_("界别组长姓名"), max_length=50)
    filled_on = models.DateField(_("填表日期"))
    # 明确一个活动主题
    theme = models.CharField(_("活动主题"), max_length=100)
    theme_reason = models.TextField(_("主题与本界别的关系"), max_length=1000)
    # 组织一次走进基层活动
    activity_date = models.DateField(_("活动日期"))
    activity_place = models.CharField(_("活动地点"), max_length=200)
    activity_kind = models.CharField(_("活动形式"), max_length=20, choices=ActivityKind.choices)
    activity_plan = models.TextField(_("活动安排"), max_length=2000)
    participants = models.ManyToManyField("people.Member", verbose_name=_("参加委员"), related_name="+")
    # 提交一篇履职成果
    result_kind = models.CharField(_("成果类别"), max_length=20, choices=ResultKind.choices)
    result_title = models.CharField(_("成果标题"), max_length=200)
    result_summary = models.TextField(_("内容摘要"), max_length=2000)
    # 展示一名委员履职风采
    showcase_member = models.ForeignKey(
        "people.Member", verbose_name=_("推荐委员"), on_delete=models.PROTECT, related_name="+"
    )
    showcase_reason = models.TextField(_("推荐理由"), max_length=2000)
    showcase_story = models.ForeignKey(
        "content.StoryPage",
        verbose_name=_("委员风采稿"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("五个一活动备案表")
        verbose_name_plural = _("五个一活动备案表")
        ordering = ["-year", "sector__sort_order", "party__sort_order"]
        permissions = [
            ("receive_filing", _("专委会工作室：接收、转交、退回所联系界别的备案表")),
            ("archive_filing", _("专委会工作六室：存档、退回备案表")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "sector"], name="one_filing_per_sector_year"),
            models.UniqueConstraint(fields=["year", "party"], name="one_filing_per_party_year"),
            models.CheckConstraint(
                condition=Q(sector__isnull=False, party__isnull=True) | Q(sector__isnull=True, party__isnull=False),
                name="filing_is_for_a_sector_or_a_party",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.filer_name} 五个一活动备案表"

    @property
    def filer(self):
        return self.sector or self.party

    @property
    def filer_name(self):
        return self.filer.name


class Reflection(models.Model):
    """提交一批履职心语: any form, a sentence, a poem, a story."""

    filing = models.ForeignKey(FiveOnesFiling, on_delete=models.CASCADE, related_name="reflections")
    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("履职心语"), max_length=3000)

    class Meta:
        verbose_name = _("履职心语")
        verbose_name_plural = _("履职心语")
        ordering = ["pk"]


class Attendance(models.Model):
    """出勤登记 for the grassroots activity, with the role each member played: kept for the
    履职量化记分 (member performance scoring)."""

    filing = models.ForeignKey(FiveOnesFiling, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField(_("出勤"), default=False)
    role = models.CharField(_("发挥的作用"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("出勤登记")
        verbose_name_plural = _("出勤登记")
        constraints = [models.UniqueConstraint(fields=["filing", "member"], name="one_attendance_per_member")]


class FilingEvent(models.Model):
    """The route history: who did what, when, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交")
        RESUBMIT = "resubmit", _("修改后重新提交")
        RECEIVE = "receive", _("专委会工作室接收")
        FORWARD = "forward", _("转交专委会工作六室")
        ARCHIVE = "archive", _("专委会工作六室存档")
        RETURN = "return", _("退回修改")

    filing = models.ForeignKey(FiveOnesFiling, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    status = models.CharField(_("操作后状态"), max_length=12, choices=FiveOnesFiling.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+")
    office = models.CharField(_("部门"), max_length=60, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "pk"]


# --- 委员工作室建立申请 (seed 003, annex 1 and its 申请表)


class WorkingRule(models.TextChoices):
    """The working rules a founding application must have (实施方案 四（三））."""

    REPORTING = "reporting", _("信息报告")
    QUARTERLY = "quarterly", _("季度例会")
    DUTY_LOG = "duty_log", _("履职日志")
    OPINIONS = "opinions", _("收集社情民意")
    RECEPTION = "reception", _("接待办理与反馈")
    INTEGRITY = "integrity", _("廉洁自律")


class Stage(models.IntegerChoices):
    """The six boxes of the 申请表, in order: the applicant signs, five offices give opinions."""

    APPLICANT = 1, _("申请人签名")
    COMMITTEE_OFFICE = 2, _("专委会工作室意见")
    LIAISON_OFFICE = 3, _("委员联络室意见")
    SECRETARY_GENERAL = 4, _("秘书长意见")
    VICE_CHAIR = 5, _("分管副主席意见")
    CHAIRS_MEETING = 6, _("主席会议意见")


class WorkstationApplication(models.Model):
    """东城区政协委员工作室建立申请表: filed by a member, for themself, their sector, or jointly."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("委员个人")
        SECTOR = "sector", _("界别")
        JOINT = "joint", _("多名委员联名")

    class Status(models.TextChoices):
        IN_REVIEW = "in_review", _("审批中")
        RETURNED = "returned", _("已退回修改")
        REJECTED = "rejected", _("未批准")
        APPROVED = "approved", _("已批准命名")

    # The same words as the workstation page the approval creates.
    Mode = WorkstationPage.Mode
    Basis = WorkstationPage.Basis

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT, related_name="workstation_applications"
    )
    kind = models.CharField(_("申请方式"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    applying_sector = models.ForeignKey(
        "people.Sector", verbose_name=_("申请界别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 工作室信息
    name = models.CharField(_("工作室名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    mode = models.CharField(_("形式"), max_length=10, choices=Mode.choices)
    basis = models.CharField(_("依托"), max_length=10, choices=Basis.choices)
    sector = models.ForeignKey(
        "people.Sector", verbose_name=_("依托界别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street_group = models.ForeignKey(
        "people.StreetGroup", verbose_name=_("依托街道活动小组"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        "people.SpecialCommittee", verbose_name=_("对口委室"), on_delete=models.PROTECT, related_name="workstation_applications"
    )
    # 工作室负责人
    lead_member = models.ForeignKey("people.Member", verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="+")
    lead_employer_title = models.CharField(_("单位及职务"), max_length=200)
    lead_sector = models.ForeignKey("people.Sector", verbose_name=_("界别"), on_delete=models.PROTECT, related_name="+")
    lead_specialties = models.CharField(_("专长领域"), max_length=200)
    lead_contact = models.CharField(_("联系方式"), max_length=100)
    # 场地与制度
    venue = models.TextField(_("场地（载体）情况"), max_length=1000)
    rules = models.JSONField(_("工作制度"), default=dict)  # {WorkingRule value: text}
    # 申请人签名
    signature = models.CharField(_("申请人签名"), max_length=50)
    signed_on = models.DateField(_("申请时间"))

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_REVIEW)
    stage = models.PositiveSmallIntegerField(_("当前环节"), choices=Stage.choices, default=Stage.COMMITTEE_OFFICE)
    furthest_stage = models.PositiveSmallIntegerField(_("到达过的环节"), choices=Stage.choices, default=Stage.COMMITTEE_OFFICE)
    waiting_since = models.DateTimeField(_("进入当前环节时间"))
    submitted_at = models.DateTimeField(_("首次提交时间"))
    approved_name = models.CharField(_("命名"), max_length=100, blank=True)
    workstation_page = models.ForeignKey(
        "content.WorkstationPage", verbose_name=_("工作室页面"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("委员工作室建立申请")
        verbose_name_plural = _("委员工作室建立申请")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("review_as_committee_office", _("专委会工作室：签署对口委室的工作室申请意见")),
            ("review_as_liaison_office", _("委员联络室：签署工作室申请意见")),
            ("review_as_secretary_general", _("秘书长：签署工作室申请意见")),
            ("review_as_vice_chair", _("分管副主席：签署工作室申请意见")),
            ("decide_as_chairs_meeting", _("主席会议：批准并命名工作室")),
        ]

    def __str__(self):
        return self.approved_name or self.name

    @property
    def basis_name(self):
        target = {"sector": self.sector, "street": self.street_group, "committee": self.committee}[self.basis]
        return f"{self.get_basis_display()}：{target.name}" if target else self.get_basis_display()

    @property
    def waiting_at(self):
        """The box the application waits at, or None when it is not in review."""
        return Stage(self.stage) if self.status == self.Status.IN_REVIEW else None

    def rule_items(self):
        return [(label, self.rules.get(value, "")) for value, label in WorkingRule.choices]


class ApplicationMember(models.Model):
    """参与委员: one row of the 申请表's member table."""

    application = models.ForeignKey(WorkstationApplication, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+")
    employer_title = models.CharField(_("单位及职务"), max_length=200)
    specialties = models.CharField(_("专长"), max_length=200, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("参与委员")
        verbose_name_plural = _("参与委员")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "member"], name="one_row_per_participant")]


class StageOpinion(models.Model):
    """One act on the application: the applicant's signature (on each submission) or an office's
    opinion. All of them are kept; the PDF shows the latest of each box since the last submission."""

    class Decision(models.TextChoices):
        SUBMIT = "submit", _("签名提交")
        RESUBMIT = "resubmit", _("修改后重新提交")
        APPROVE = "approve", _("同意")
        RETURN = "return", _("退回修改")
        REJECT = "reject", _("不同意")

    application = models.ForeignKey(WorkstationApplication, on_delete=models.CASCADE, related_name="opinions")
    stage = models.PositiveSmallIntegerField(_("环节"), choices=Stage.choices)
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices)
    text = models.TextField(_("意见内容"), max_length=2000, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签署人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(_("签署人姓名"), max_length=60)
    signed_on = models.DateField(_("签署日期"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审批意见")
        verbose_name_plural = _("审批意见")
        ordering = ["at", "pk"]


# --- 委员活动日 statistics (seed 001, 附件1 and 附件2)


class TableVariant(models.TextChoices):
    COMMITTEE = "committee", _("附件1：专门委员会")
    CPPCC = "cppcc", _("附件2：市州（含所属县市区）政协")


class ReportingUnit(models.Model):
    """A 填表单位: a special committee reporting for the workstations it guides (附件1), or a
    lower-level CPPCC reporting for all of its workstations (附件2)."""

    name = models.CharField(_("填表单位"), max_length=100, unique=True)
    variant = models.CharField(_("统计表"), max_length=10, choices=TableVariant.choices)
    committee = models.ForeignKey(
        "people.SpecialCommittee", verbose_name=_("对应专委会"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reporting_units",
        help_text=_("附件1 的单位：以该专委会为对口委室的委员工作室都算作它负责联系指导的工作室；其工作室的账号可以填报。"),
    )
    workstations = models.ManyToManyField(
        "content.WorkstationPage", verbose_name=_("另行指定的委员工作室"), blank=True, related_name="reporting_units",
    )
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人账号"), blank=True, related_name="reporting_units",
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
        _("动态上传截止日期"), null=True, blank=True, help_text=_("委员工作室把活动文字和图片上传“动态”栏目的截止日期。"),
    )
    deadline = models.DateField(_("统计表报送截止日期"))
    units = models.ManyToManyField(ReportingUnit, verbose_name=_("填报单位"), related_name="activity_days")

    panels = [
        FieldPanel("name"), FieldPanel("theme"), FieldPanel("date"), FieldPanel("upload_deadline"),
        FieldPanel("deadline"), FieldPanel("units", widget=forms.CheckboxSelectMultiple),
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
        if self.date and self.upload_deadline and not (
            self.date <= self.upload_deadline <= (self.deadline or self.upload_deadline)
        ):
            raise ValidationError({"upload_deadline": _("动态上传截止日期应在活动日期和报送截止日期之间。")})


class ActivityReport(models.Model):
    """One unit's 委员活动日情况统计表 for one activity day."""

    day = models.ForeignKey(ActivityDay, verbose_name=_("委员活动日"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(ReportingUnit, verbose_name=_("填表单位"), on_delete=models.PROTECT, related_name="reports")
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
