"""履职档案与量化记分 (seed 000 出勤登记「录入委员履职量化记分系统」, seed 001 参加或自行开展, seed 003
委员年度履职统计, seed 004 item 12 赋分权重、请假制度、优秀委员、通报委员所在单位).

One ledger per member and year (`LedgerEntry`), fed by sources registered in ledger.py (五个一
出勤登记, 履职活动 participation, the 履职成果 registry); a versioned 记分办法 (`ScoringScheme` and
its `ScoringRule`s) turns the ledger into score lines that each name their entry, rule and
version (scoring.py). The score code reads only the ledger and the scheme, never a source."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage


class Status(models.TextChoices):
    """Whether a member took part in what they were invited to."""

    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")
    SELF_ORGANISED = "self", _("自行开展")


class Role(models.TextChoices):
    """The part a member played: in an activity (主持, 发言, 组织, 参加) or in a result (第一作者 is
    the 第一提案人 or 执笔人, 联名 a co-author)."""

    HOST = "host", _("主持")
    SPEAK = "speak", _("发言")
    ORGANISE = "organise", _("组织")
    ATTEND = "attend", _("参加")
    AUTHOR = "author", _("第一作者")
    CO_AUTHOR = "co_author", _("联名")


ACTIVITY_ROLES = [Role.HOST, Role.SPEAK, Role.ORGANISE, Role.ATTEND]


class PerformanceYear(models.Model):
    """A year of 履职档案 and its 冻结日期: from that day on the year is read only (no sync, no
    correction, no leave, no scheme change) until a 系统管理员 reopens it with a reason."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    freeze_on = models.DateField(
        _("冻结日期"), null=True, blank=True, help_text=_("自这一天起本年度履职档案只读；留空表示不冻结。")
    )

    class Meta:
        verbose_name = _("履职年度")
        verbose_name_plural = _("履职年度")
        ordering = ["-year"]
        permissions = [
            ("view_all_records", _("查看全体委员的履职档案")),
            ("manage_performance", _("管理履职活动、签到表、请假、更正、记分办法和冻结")),
            ("record_activities", _("记录本专委会组织的履职活动出勤，审批其请假")),
            ("view_rankings", _("查看履职排名和优秀委员推荐名单")),
            ("reopen_year", _("重新开放已冻结的履职年度")),
        ]

    def __str__(self):
        return f"{self.year}年度"

    def is_frozen(self, today=None):
        return self.freeze_on is not None and (today or timezone.localdate()) >= self.freeze_on


class YearEvent(models.Model):
    """Who froze or reopened a year, when, and why."""

    year = models.ForeignKey(PerformanceYear, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(_("操作"), max_length=50)
    why = models.TextField(_("理由"), max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.year.year}年度 {self.action}"


class DutyActivity(models.Model):
    """履职活动: a meeting, a consultation, an inspection, a 委员活动日 … with whom it invites."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("全体会议")
        STANDING = "standing", _("常委会议")
        CONSULTATION = "consultation", _("专题协商")
        INSPECTION = "inspection", _("视察调研")
        ACTIVITY_DAY = "activity_day", _("委员活动日")
        SECTOR = "sector", _("界别活动")
        TRAINING = "training", _("学习培训")
        OTHER = "other", _("其他")

    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类别"), max_length=20, choices=Kind.choices)
    start = models.DateTimeField(_("开始时间"))
    organiser = models.ForeignKey(
        "people.SpecialCommittee",
        verbose_name=_("组织部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("组织活动的专委会工作室；留空为委员联络室。"),
    )
    important = models.BooleanField(_("重要履职活动"), default=False)
    leave_deadline = models.DateTimeField(_("请假截止时间"), null=True, blank=True, help_text=_("留空为活动开始时间。"))
    activity_day = models.OneToOneField(
        "forms_app.ActivityDay",
        verbose_name=_("委员活动日"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duty_activity",
    )
    invite_all = models.BooleanField(_("邀请全体委员"), default=False)
    invite_sectors = models.ManyToManyField("people.Sector", verbose_name=_("邀请界别"), blank=True, related_name="+")
    invite_parties = models.ManyToManyField("people.Party", verbose_name=_("邀请党派"), blank=True, related_name="+")
    invite_committees = models.ManyToManyField(
        "people.SpecialCommittee", verbose_name=_("邀请专委会"), blank=True, related_name="+"
    )
    invite_groups = models.ManyToManyField(
        "people.StreetGroup", verbose_name=_("邀请街道活动小组"), blank=True, related_name="+"
    )
    invite_members = models.ManyToManyField("people.Member", verbose_name=_("邀请委员"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-start"]

    def __str__(self):
        return f"{self.name}（{timezone.localtime(self.start):%Y-%m-%d}）"

    @property
    def year(self):
        return timezone.localtime(self.start).year

    @property
    def leave_closes(self):
        return self.leave_deadline or self.start


class Participation(models.Model):
    """An invitee's attendance at a 履职活动 and the part they played."""

    activity = models.ForeignKey(DutyActivity, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("出勤情况"), max_length=10, choices=Status.choices)
    role = models.CharField(_("发挥的作用"), max_length=10, choices=[(r.value, r.label) for r in ACTIVITY_ROLES])
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    via_import = models.BooleanField(_("签到表导入"), default=False)

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="one_participation_per_member")]

    def __str__(self):
        return f"{self.member}：{self.get_status_display()}（{self.get_role_display()}）"


class LeaveRequest(models.Model):
    """请假 (S004-5): asked by the member before the activity's deadline, decided by the office that
    organises it. The activity is a 履职活动 or a 五个一 filing's grassroots activity."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        DutyActivity, null=True, blank=True, on_delete=models.CASCADE, related_name="leave_requests"
    )
    filing = models.ForeignKey(
        "forms_app.FiveOnesFiling", null=True, blank=True, on_delete=models.CASCADE, related_name="leave_requests"
    )
    reason = models.TextField(_("请假理由"), max_length=500)
    decision = models.CharField(_("审批结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    asked_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False, filing__isnull=True)
                | Q(activity__isnull=True, filing__isnull=False),
                name="leave_for_one_activity",
            ),
            models.UniqueConstraint(fields=["member", "activity"], name="one_leave_per_activity"),
            models.UniqueConstraint(fields=["member", "filing"], name="one_leave_per_filing"),
        ]

    def __str__(self):
        return f"{self.member}请假：{self.get_decision_display()}"


class LedgerEntry(models.Model):
    """One line of a member's yearly record: one attendance, one result, one contact … as its
    source gave it, unless an office corrected it (`voided`, `overridden`: those fields keep the
    office's values through every re-sync; the history is in EntryChange)."""

    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    date = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=30)
    source_ref = models.CharField(_("来源编号"), max_length=60)
    category = models.CharField(_("类别"), max_length=30)
    role = models.CharField(_("作用"), max_length=10, choices=Role.choices, blank=True)
    status = models.CharField(_("出勤情况"), max_length=10, choices=Status.choices, blank=True)
    important = models.BooleanField(_("重要履职活动"), default=False)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    title = models.CharField(_("事项"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    overridden = models.JSONField(_("已更正的字段"), default=list, blank=True)
    source_gone = models.BooleanField(_("来源已删除"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref", "member"], name="one_ledger_entry_per_source_row")
        ]
        indexes = [models.Index(fields=["year", "member"]), models.Index(fields=["year", "source"])]

    def __str__(self):
        return f"{self.date} {self.title}"


class EntryChange(models.Model):
    """A correction: who, when, the fields before and after, why."""

    class Action(models.TextChoices):
        ADD = "add", _("补录")
        CHANGE = "change", _("更正")
        VOID = "void", _("作废")
        RESTORE = "restore", _("恢复")

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    why = models.TextField(_("理由"), max_length=1000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()}：{self.why}"


class Objection(models.Model):
    """异议: a member disputes their record (one entry, or something missing); it joins the
    corrections queue of 委员联络室, which answers it."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        ANSWERED = "answered", _("已答复")

    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("履职记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("异议内容"), max_length=1000)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("答复"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-raised_at"]

    def __str__(self):
        return f"{self.member}：{self.text[:20]}"


class ScoringScheme(models.Model):
    """记分办法 of a year, one version of it. A published version is never edited: changing it makes
    the next version (rules.revise_scheme), so an old score still explains itself."""

    year = models.PositiveIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    important_weight = models.DecimalField(
        _("重要履职活动权重"), max_digits=4, decimal_places=2, default=2, help_text=_("重要履职活动的得分乘以这个数。")
    )
    absence_penalty = models.DecimalField(_("无故缺席每次扣分"), max_digits=5, decimal_places=2, default=2)
    low_participation_rate = models.DecimalField(
        _("参加较少的出席率"),
        max_digits=4,
        decimal_places=3,
        default=0.5,
        help_text=_("出席率 = 出席（含自行开展）÷（应出席 − 请假）；低于这个比例的委员列入参加活动较少名单。"),
    )
    shortlist_per_sector = models.PositiveSmallIntegerField(_("每个界别推荐优秀委员人数"), default=1)
    shortlist_min_score = models.DecimalField(_("优秀委员最低得分"), max_digits=7, decimal_places=2, default=0)
    shortlist_min_rate = models.DecimalField(_("优秀委员最低出席率"), max_digits=4, decimal_places=3, default=0.8)
    shortlist_max_absences = models.PositiveSmallIntegerField(_("优秀委员无故缺席不超过（次）"), default=0)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("记分办法")
        verbose_name_plural = _("记分办法")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="one_scheme_version_per_year")]

    def __str__(self):
        return f"{self.year}年度记分办法（第{self.version}版）"


class ScoringRule(models.Model):
    """category × role × status → points; blank role or status matches any. A yearly cap bounds
    what the rule gives one member in the year."""

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="rules")
    category = models.CharField(_("类别"), max_length=30)
    role = models.CharField(_("作用"), max_length=10, choices=Role.choices, blank=True)
    status = models.CharField(_("出勤情况"), max_length=10, choices=Status.choices, blank=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    yearly_cap = models.DecimalField(_("年度上限"), max_digits=7, decimal_places=2, null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("记分规则")
        verbose_name_plural = _("记分规则")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        parts = [self.category, self.get_role_display(), self.get_status_display()]
        return f"{'·'.join(p for p in parts if p)} → {self.points}"


class ScoreLine(models.Model):
    """One line of a member's score: which entry, which rule of which version, how many points."""

    year = models.PositiveIntegerField()
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(ScoringRule, null=True, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=7, decimal_places=2)
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["year", "member"])]

    def __str__(self):
        return f"{self.points}（{self.note}）" if self.note else str(self.points)


class MemberScore(models.Model):
    """A member's year in figures, as the last compute left it."""

    year = models.PositiveIntegerField()
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, default=0)
    expected = models.PositiveIntegerField(_("应出席"), default=0)
    present = models.PositiveIntegerField(_("出席"), default=0)
    leave = models.PositiveIntegerField(_("请假"), default=0)
    absent = models.PositiveIntegerField(_("缺席"), default=0)
    self_organised = models.PositiveIntegerField(_("自行开展"), default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "member"], name="one_score_per_member_and_year")]

    def __str__(self):
        return f"{self.year}年度 {self.total}"

    @property
    def rate(self):
        """出席率: 出席 (自行开展 included) ÷ (应出席 − 请假); None when nothing was expected."""
        base = self.expected - self.leave
        return None if base <= 0 else (self.present + self.self_organised) / base


class SignInImport(KeptUpload):
    """One uploaded 签到表 of one 履职活动."""

    activity = models.ForeignKey(
        DutyActivity, verbose_name=_("履职活动"), on_delete=models.CASCADE, related_name="sign_in_imports"
    )
    # Names and 委员证号 of who came and who did not: kept where the web server never serves it.
    file = models.FileField(_("文件"), upload_to="sign_in_imports/%Y/%m/", storage=private_storage, max_length=255)

    class Meta:
        verbose_name = _("签到表导入记录")
        verbose_name_plural = _("签到表导入记录")
        ordering = ["-uploaded_at", "-pk"]
