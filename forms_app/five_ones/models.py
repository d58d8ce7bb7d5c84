"""The 五个一活动备案表 (seed 000): one filing per sector or party and year, its 履职心语, the
出勤登记 of its grassroots activity, and the route history from 界别组长 to 专委会工作六室."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin_site.storage import private_storage

# A year without its own deadline closes on 31 March: the notice asks for filings by the end of March.
DEFAULT_DEADLINE = (3, 31)
DEFAULT_DEADLINE_NOTE = _("没有设置的年度，报送截止日期为当年3月31日。")


class FilingYear(models.Model):
    """The 五个一活动 deadline (报送截止日期) of one year."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    deadline = models.DateField(_("报送截止日期"), help_text=DEFAULT_DEADLINE_NOTE)

    class Meta:
        verbose_name = _("报送截止日期")
        verbose_name_plural = _("报送截止日期")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年（{self.deadline:%m月%d日}截止）"

    @staticmethod
    def deadline_for(year):
        row = FilingYear.objects.filter(year=year).first()
        return row.deadline if row else datetime.date(year, *DEFAULT_DEADLINE)


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
    """The 委员基层日“五个一活动”备案表 (seed 000, headed by settings.COMMITTEE_NAME): one per sector
    (or party) per year."""

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
    # The entry in the 履职成果 registry; filings made before the registry carry only the three fields above.
    result = models.ForeignKey(
        "results.Result",
        verbose_name=_("成果登记"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="five_ones_filings",
    )
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


class ReflectionQuerySet(models.QuerySet):
    def current(self):
        """The entries that stand: not withdrawn by their author or by a resubmitted filing."""
        return self.filter(withdrawn_at__isnull=True)


class Reflection(models.Model):
    """A 履职心语 in the year's pool: 文体不限、字数不限，切忌抄袭. Sectors and parties hand theirs in
    with a filing (提交一批履职心语), members write their own, editors type in paper ones; the
    editors mark the best for the 《委员履职手册》 (handbook app)."""

    class Source(models.TextChoices):
        FILING = "filing", _("备案表")
        MEMBER = "member", _("委员投稿")
        PAPER = "paper", _("纸质录入")

    class Genre(models.TextChoices):
        SENTENCE = "sentence", _("一句话")
        POEM = "poem", _("诗词")
        STORY = "story", _("故事")
        LYRICS = "lyrics", _("歌词")
        CALLIGRAPHY = "calligraphy", _("书法作品")

    class Mark(models.TextChoices):
        PENDING = "pending", _("待选")
        CHOSEN = "chosen", _("入选")
        RESERVE = "reserve", _("备选")
        REJECTED = "rejected", _("不选")

    filing = models.ForeignKey(
        FiveOnesFiling, null=True, blank=True, on_delete=models.CASCADE, related_name="reflections"
    )
    member = models.ForeignKey("people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"), db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.FILING)
    # Filings name no genre: blank is 未注明 until an editor sets it.
    genre = models.CharField(_("体裁"), max_length=12, choices=Genre.choices, blank=True)
    text = models.TextField(_("履职心语"), max_length=3000)
    image = models.FileField(
        _("图片"), upload_to="reflections/%Y/", storage=private_storage, max_length=255, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    mark = models.CharField(_("遴选"), max_length=10, choices=Mark.choices, default=Mark.PENDING)
    mark_note = models.CharField(_("遴选意见"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("遴选人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("遴选时间"), null=True, blank=True)
    # Withdrawn by its author (or dropped from a resubmitted filing) after an editor marked it:
    # kept so the editors see what became of their choice, never printed.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    # Compared with the whole pool for copies (handbook/copies.py) since its text last changed.
    copies_checked = models.BooleanField(default=False, editable=False)

    objects = ReflectionQuerySet.as_manager()
    # Nothing links to an entry through Wagtail's content: no reference index (whose task would
    # also fail on an entry withdrawn, so deleted, before the worker reached it).
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("履职心语")
        verbose_name_plural = _("履职心语")
        ordering = ["pk"]
        indexes = [models.Index(fields=["year", "mark"], name="reflection_year_mark")]

    def __str__(self):
        return f"{self.member.name}的履职心语"


class Attendance(models.Model):
    """出勤登记 for the grassroots activity, with the role each member played: kept for the
    履职量化记分 (member performance scoring)."""

    filing = models.ForeignKey(FiveOnesFiling, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="attendance"
    )
    attended = models.BooleanField(_("出勤"), default=False)
    role = models.CharField(_("发挥的作用"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("出勤登记")
        verbose_name_plural = _("出勤登记")
        constraints = [models.UniqueConstraint(fields=["filing", "member"], name="one_attendance_per_member")]

    def __str__(self):
        return f"{self.member.name}：{'出勤' if self.attended else '未出勤'}"


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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    office = models.CharField(_("部门"), max_length=60, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()}（{self.office}）"
