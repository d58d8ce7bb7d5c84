"""The 委员工作室建立申请表 (seed 003, annex 1): the application, its 参与委员, and the opinions
signed in its six boxes."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.models import StationKind, WorkstationPage


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
    """The 委员工作室建立申请表 (seed 003, headed by settings.COMMITTEE_NAME): filed by a member, for
    themself, their sector, or jointly."""

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
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账号"),
        on_delete=models.PROTECT,
        related_name="workstation_applications",
    )
    kind = models.CharField(_("申请方式"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    # 委员工作室 or 常委工作站 (`kind` already names 申请方式, an older field of the paper form).
    station_kind = models.CharField(
        _("工作室类型"), max_length=10, choices=StationKind.choices, default=StationKind.STATION
    )
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
        "people.StreetGroup",
        verbose_name=_("依托街道活动小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        "people.SpecialCommittee",
        verbose_name=_("对口委室"),
        on_delete=models.PROTECT,
        related_name="workstation_applications",
    )
    # 工作室负责人
    lead_member = models.ForeignKey(
        "people.Member", verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="+"
    )
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
    furthest_stage = models.PositiveSmallIntegerField(
        _("到达过的环节"), choices=Stage.choices, default=Stage.COMMITTEE_OFFICE
    )
    waiting_since = models.DateTimeField(_("进入当前环节时间"))
    submitted_at = models.DateTimeField(_("首次提交时间"))
    # Filed after the year's apply_by (FoundingYear): accepted, and marked 逾期报名.
    late = models.BooleanField(_("逾期报名"), default=False)
    plaque_date = models.DateField(_("挂牌日期"), null=True, blank=True)
    approved_name = models.CharField(_("命名"), max_length=100, blank=True)
    workstation_page = models.ForeignKey(
        "content.WorkstationPage",
        verbose_name=_("工作室页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
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

    def __str__(self):
        return self.member.name


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

    def __str__(self):
        return f"{self.get_stage_display()}：{self.get_decision_display()}（{self.signer_name}）"

    def statement(self):
        """The opinion as a box shows it, its decision said once: offices often open their text
        with the decision ("同意。场地、制度齐全"), which after the decision read "同意：同意。…"."""
        label, text = str(self.get_decision_display()), self.text.strip()
        if not text:
            return label
        return text if text.startswith(label) else f"{label}：{text}"


class FoundingYear(models.Model):
    """A year's application window (seed 003 annex 2 第四条): applications by 30 April, named
    stations 挂牌 by 30 June, unless 委员联络室 sets other dates."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    apply_by = models.DateField(_("申请截止日期"))
    plaque_by = models.DateField(_("挂牌截止日期"))

    class Meta:
        verbose_name = _("工作室申报年度")
        verbose_name_plural = _("工作室申报年度")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年"

    @classmethod
    def for_year(cls, year):
        """The year's window, created with the default dates (30 April, 30 June) if missing."""
        window, _created = cls.objects.get_or_create(
            year=year, defaults={"apply_by": datetime.date(year, 4, 30), "plaque_by": datetime.date(year, 6, 30)}
        )
        return window
