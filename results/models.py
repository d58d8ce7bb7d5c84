"""履职成果 (seed 000, 002, 003, 004 item 8): every 提案, 社情民意信息, 大会发言, 调研报告 and 微建议 a
member, a group of members, a sector or a party submits, with its authors, the units that handle a
提案 and the three handling steps (办前有沟通、办中有协商、办后有回访), and a 变更记录.

Only 已确认 entries count: the statistics, the 零提案 list and the 履职档案 read confirmed entries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage

# A 提案 not answered within this many months of 交办 is 逾期, unless its year sets its own term.
DEFAULT_HANDLING_MONTHS = 3


class HandlingUnit(models.Model):
    """承办单位: the district's departments that answer proposals."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    disabled = models.BooleanField(
        _("停用"), default=False, help_text=_("停用的单位不再出现在交办的选项里，已有记录保留。")
    )

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"{self.name}（已停用）" if self.disabled else self.name


class ResultYear(models.Model):
    """A year's 办理时限: months from 交办 to 答复."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    handling_months = models.PositiveSmallIntegerField(
        _("办理时限（月）"),
        default=DEFAULT_HANDLING_MONTHS,
        help_text=_("自交办日期起，超过这些月仍未答复的提案为逾期。"),
    )

    class Meta:
        verbose_name = _("提案办理时限")
        verbose_name_plural = _("提案办理时限")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年：{self.handling_months}个月"


class Kind(models.TextChoices):
    PROPOSAL = "proposal", _("提案")
    OPINION = "opinion", _("社情民意信息")
    SPEECH = "speech", _("大会发言")
    REPORT = "report", _("调研报告")
    SUGGESTION = "suggestion", _("微建议")


class AuthorKind(models.TextChoices):
    INDIVIDUAL = "individual", _("委员个人")
    JOINT = "joint", _("多名委员联名")
    SECTOR = "sector", _("界别")
    PARTY = "party", _("党派")


class Status(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Source(models.TextChoices):
    FRONT = "front", _("前台")
    ADMIN = "admin", _("后台")
    IMPORT = "import", _("导入")


class Occasion(models.TextChoices):
    """提案 only: submitted at the plenary session, or in between."""

    PLENARY = "plenary", _("大会提案")
    REGULAR = "regular", _("平时提案")


class Acceptance(models.TextChoices):
    """立案: accepted, not accepted, or merged into another proposal."""

    ACCEPTED = "accepted", _("立案")
    REJECTED = "rejected", _("不予立案")
    MERGED = "merged", _("并案")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class ResultQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Status.CONFIRMED)


class Result(models.Model):
    """One 履职成果."""

    year = models.PositiveIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("内容摘要"), max_length=2000, blank=True)
    # Drafts of proposals and 社情民意 are not public: the file lies outside MEDIA_ROOT and is handed
    # out by a view that checks who may see the entry.
    attachment = models.FileField(
        _("附件"), upload_to="results/%Y/%m/", storage=private_storage, blank=True, max_length=255
    )
    attachment_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    submitted_on = models.DateField(_("提交日期"))
    author_kind = models.CharField(_("作者类型"), max_length=12, choices=AuthorKind.choices)
    sector = models.ForeignKey(
        "people.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.PROTECT, related_name="results"
    )
    party = models.ForeignKey(
        "people.Party", verbose_name=_("党派"), null=True, blank=True, on_delete=models.PROTECT, related_name="results"
    )
    authors = models.ManyToManyField(
        "people.Member", through="ResultAuthor", verbose_name=_("作者"), related_name="results"
    )
    number = models.CharField(
        _("编号"), max_length=30, blank=True, help_text=_("提案为案号；同一年度同一类别内不重复。")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    return_reason = models.TextField(_("退回原因"), blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    # 提案 only
    occasion = models.CharField(_("大会/平时"), max_length=10, choices=Occasion.choices, blank=True)
    acceptance = models.CharField(_("立案情况"), max_length=10, choices=Acceptance.choices, blank=True)
    merged_into = models.CharField(_("并入案号"), max_length=30, blank=True)
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=14, choices=Satisfaction.choices, blank=True)
    # 社情民意信息 only: 采用情况
    edited_by_committee = models.BooleanField(_("区政协编发"), default=False)
    sent_to_district = models.BooleanField(_("报送区委区政府"), default=False)
    sent_on = models.DateField(_("报送日期"), null=True, blank=True)
    adopted_by_city = models.BooleanField(_("市政协采用"), default=False)
    instructions = models.TextField(_("领导批示"), max_length=2000, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职成果")
        verbose_name_plural = _("履职成果")
        ordering = ["-year", "kind", "-submitted_on", "-pk"]
        permissions = [
            ("view_all_results", _("可以查看全部履职成果")),
            ("manage_proposals", _("提案委：确认、退回提案，立案、交办、记录办理")),
            ("manage_other_results", _("研究室：确认、退回社情民意信息、大会发言、调研报告、微建议")),
            ("import_results", _("可以导入履职成果")),
            ("export_results", _("可以导出履职成果")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "number"], condition=~Q(number=""), name="result_number_unique_per_year_kind"
            ),
            models.CheckConstraint(
                condition=(
                    Q(author_kind__in=["individual", "joint"], sector__isnull=True, party__isnull=True)
                    | Q(author_kind="sector", sector__isnull=False, party__isnull=True)
                    | Q(author_kind="party", sector__isnull=True, party__isnull=False)
                ),
                name="result_author_kind_names_its_sector_or_party",
            ),
        ]
        indexes = [models.Index(fields=["year", "kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def is_proposal(self):
        return self.kind == Kind.PROPOSAL

    @property
    def author_label(self):
        """Who submitted it, as the committee writes it: 界别/党派 name, or the members' names."""
        if self.author_kind == AuthorKind.SECTOR:
            return self.sector.name
        if self.author_kind == AuthorKind.PARTY:
            return self.party.name
        return "、".join(a.member.name for a in self.author_rows.all())


class ResultAuthor(models.Model):
    """An author; position 1 is the 第一提案人 (执笔人)."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="author_rows")
    member = models.ForeignKey(
        "people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="result_authorships"
    )
    position = models.PositiveSmallIntegerField(_("排名"))

    class Meta:
        verbose_name = _("作者")
        verbose_name_plural = _("作者")
        ordering = ["result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "member"], name="result_author_once"),
            models.UniqueConstraint(fields=["result", "position"], name="result_author_position_once"),
        ]

    def __str__(self):
        return f"{self.position}. {self.member.name}"


class ProposalUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("主办/协办"), max_length=6, choices=Role.choices)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["result", "-role", "unit__sort_order", "unit__name"]  # 主办 (lead) before 协办 (assist)
        constraints = [models.UniqueConstraint(fields=["result", "unit"], name="proposal_unit_once")]

    def __str__(self):
        return f"{self.unit.name}（{self.get_role_display()}）"


class HandlingStep(models.Model):
    """办前有沟通、办中有协商、办后有回访 (seed 004 item 8)."""

    class Step(models.TextChoices):
        BEFORE = "before", _("办前沟通")
        DURING = "during", _("办中协商")
        AFTER = "after", _("办后回访")

    class Form(models.TextChoices):
        PHONE = "phone", _("电话")
        MEETING = "meeting", _("座谈")
        HEARING = "hearing", _("见面会")
        SITE = "site", _("实地察看")
        WRITTEN = "written", _("书面")

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="steps")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("环节"), max_length=6, choices=Step.choices)
    date = models.DateField(_("日期"))
    form = models.CharField(_("方式"), max_length=8, choices=Form.choices)
    members_present = models.ManyToManyField("people.Member", verbose_name=_("参加委员"), blank=True, related_name="+")
    notes = models.TextField(_("情况记录"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["result", "date", "pk"]

    def __str__(self):
        return f"{self.unit.name} {self.get_step_display()}（{self.date:%Y-%m-%d}）"


class ResultChange(models.Model):
    """变更记录: who, when, what, why."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=30)
    what = models.TextField(_("内容"), blank=True)
    why = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action}（{self.at:%Y-%m-%d %H:%M}）"


class ResultImport(KeptUpload):
    """One uploaded registry spreadsheet (履职成果导入): previewed (a dry run), then confirmed once
    or abandoned. The file is kept, with who sent it and when."""

    # Titles, summaries and 委员证号 of entries not yet public: kept where the web server never serves it.
    file = models.FileField(_("文件"), upload_to="result_imports/%Y/%m/", storage=private_storage, max_length=255)
    # The 类别 the file holds: only those who handle all of them see the upload.
    kinds = models.JSONField(_("类别"), default=list)

    class Meta:
        verbose_name = _("履职成果导入记录")
        verbose_name_plural = _("履职成果导入记录")
        ordering = ["-uploaded_at", "-pk"]
