"""The year's plan (seed 002 附 年度“双走进”活动安排: 月份 / 活动内容 / 活动主体; seed 003 四(一)(二); seed 000
工作机制 1–3): what happens in which months, who holds it, which members are invited, and the public
calendar page and iCal feeds built from it.

An entry spans whole months (first_month … last_month, each the 1st of its month; "2018年1月" in a
2017 plan is January of the next year) and may name exact dates and times. Who holds it (活动主体)
is one or more EntryBody rows, each a fixed body (区政协领导, 区政协办公室, 全体委员, all committees,
all sectors, all parties) or one SpecialCommittee, Sector, Party or StreetGroup."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from content.models import PublicPageMixin, plain_text
from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage


class EntryKind(models.TextChoices):
    """活动类型: seed 002's 双走进 and its activity days, seed 003 四(一)'s four brands, and the rest of
    the year's work the plan lists."""

    OUTREACH = "outreach", _("双走进")
    ACTIVITY_DAY = "activity_day", _("委员活动日")
    GRASSROOTS_DAY = "grassroots_day", _("委员基层日")
    CONSULTATION = "consultation", _("协商")
    INSPECTION = "inspection", _("视察调研")
    ATTENDANCE = "attendance", _("列席")
    MEMBERS_SPEAK = "members_speak", _("委员有话说")
    COME_CONSULT = "come_consult", _("请你来协商")
    OPEN_DAY = "open_day", _("政协开放式日")
    COMMUNITY_WALK = "community_walk", _("委员社区行")
    OTHER = "other", _("其他")


# Kinds that take members 下乡进社区 (seed 002 二(一)4: each committee and sector 1–2 a year, S002-11).
COMMUNITY_KINDS = (EntryKind.ACTIVITY_DAY, EntryKind.GRASSROOTS_DAY, EntryKind.COMMUNITY_WALK)


class BodyKind(models.TextChoices):
    """活动主体: a fixed body, a whole class of bodies, or one named body (with its row)."""

    LEADERS = "leaders", _("主席会议/区政协领导")
    OFFICE = "office", _("区政协办公室")
    ALL_MEMBERS = "members", _("全体委员")
    ALL_COMMITTEES = "committees", _("各专委会")
    ALL_SECTORS = "sectors", _("各界别组")
    ALL_PARTIES = "parties", _("各党派")
    COMMITTEE = "committee", _("专委会")
    SECTOR = "sector", _("界别")
    PARTY = "party", _("党派")
    STREET_GROUP = "street", _("街道活动小组")


# The kinds that name one row, and the field that holds it.
ROW_FIELDS = {
    BodyKind.COMMITTEE: "committee",
    BodyKind.SECTOR: "sector",
    BodyKind.PARTY: "party",
    BodyKind.STREET_GROUP: "street_group",
}
FIXED_KINDS = tuple(kind for kind in BodyKind if kind not in ROW_FIELDS)


def month_label(first, last):
    """ "5月", "2-3月", "11-12月"; a month in another year than the first names its year ("2018年1月")."""
    if first == last:
        return f"{first.month}月"
    if first.year == last.year:
        return f"{first.month}-{last.month}月"
    return f"{first.year}年{first.month}月-{last.year}年{last.month}月"


class ScheduleEntry(models.Model):
    """One line of the year's plan."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    first_month = models.DateField(_("起始月份"), help_text=_("当月 1 日。"))
    last_month = models.DateField(_("结束月份"), help_text=_("当月 1 日；可跨入下一年，如“2018年1月”。"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    content = models.CharField(_("活动内容"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=16, choices=EntryKind.choices, default=EntryKind.OUTREACH)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True, max_length=1000)
    invited = models.ManyToManyField(
        "people.Member",
        verbose_name=_("邀请委员"),
        blank=True,
        related_name="schedule_invitations",
        help_text=_("可邀请其他界别的委员参加（S000-5）。"),
    )
    # 分批 (S000-4): a sector with many members holds its activity in batches, each its own entry.
    batch_of = models.ForeignKey(
        "self",
        verbose_name=_("所属活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="batches",
    )
    batch_number = models.PositiveSmallIntegerField(_("批次"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度活动安排")
        verbose_name_plural = _("年度活动安排")
        ordering = ["first_month", "start_date", "pk"]
        indexes = [models.Index(fields=["first_month", "last_month"])]
        permissions = [("edit_all_schedule", _("可编辑全部年度活动安排"))]

    def __str__(self):
        batch = f"（第{self.batch_number}批）" if self.batch_number else ""
        return f"{self.months_label} {self.content}{batch}"

    @property
    def months_label(self):
        return month_label(self.first_month, self.last_month)

    def clean(self):
        errors = {}
        if self.first_month and self.first_month.day != 1:
            self.first_month = self.first_month.replace(day=1)
        if self.last_month and self.last_month.day != 1:
            self.last_month = self.last_month.replace(day=1)
        if self.first_month and self.last_month and self.last_month < self.first_month:
            errors["last_month"] = _("结束月份不能早于起始月份。")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于开始日期。")
        if self.end_date and not self.start_date:
            errors["start_date"] = _("填写了结束日期，请同时填写开始日期。")
        if (self.start_time or self.end_time) and not self.start_date:
            errors["start_date"] = _("填写了时间，请同时填写开始日期。")
        if self.start_date and self.end_time and self.start_time and self.end_time <= self.start_time:
            if not self.end_date or self.end_date == self.start_date:
                errors["end_time"] = _("结束时间应晚于开始时间。")
        if self.start_date and self.first_month and self.last_month:
            last_day = _month_end(self.last_month)
            if not (self.first_month <= self.start_date <= last_day):
                errors["start_date"] = _("开始日期应在起止月份之内。")
            elif self.end_date and self.end_date > last_day:
                errors["end_date"] = _("结束日期应在起止月份之内。")
        if self.batch_of_id and self.batch_of_id == self.pk:
            errors["batch_of"] = _("不能把活动设为自己的批次。")
        if errors:
            raise ValidationError(errors)


def _month_end(first_of_month):
    following = (first_of_month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


class EntryBody(models.Model):
    """One 活动主体 of an entry."""

    entry = models.ForeignKey(ScheduleEntry, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("主体类型"), max_length=12, choices=BodyKind.choices)
    committee = models.ForeignKey(
        "people.SpecialCommittee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sector = models.ForeignKey("people.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("people.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    street_group = models.ForeignKey(
        "people.StreetGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("活动主体")
        verbose_name_plural = _("活动主体")
        ordering = ["pk"]
        indexes = [models.Index(fields=["kind", "committee"]), models.Index(fields=["kind", "sector"])]

    def __str__(self):
        row = self.row
        return str(row) if row is not None else str(self.get_kind_display())

    @property
    def row(self):
        field = ROW_FIELDS.get(self.kind)
        return getattr(self, field) if field else None

    def clean(self):
        field = ROW_FIELDS.get(self.kind)
        for name in ROW_FIELDS.values():
            if name != field and getattr(self, f"{name}_id"):
                raise ValidationError(_("“%(kind)s”不指定具体单位。") % {"kind": self.get_kind_display()})
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError({field: _("请选择具体的%(kind)s。") % {"kind": self.get_kind_display()}})


class ScheduleImport(KeptUpload):
    """An uploaded 年度活动安排 sheet, kept between 预览 and 确认导入 (as RosterImport is)."""

    file = models.FileField(_("文件"), upload_to="schedule_imports/%Y/%m/", storage=private_storage)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("年度活动安排导入")
        verbose_name_plural = _("年度活动安排导入")
        ordering = ["-uploaded_at"]


class CalendarFeedToken(models.Model):
    """The secret in an account's private deadline feed (/calendar/my/<token>.ics). 重新生成 replaces
    it, so an old link stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("个人日程订阅")
        verbose_name_plural = _("个人日程订阅")

    def __str__(self):
        return str(_("个人日程订阅"))

    @classmethod
    def new_token(cls):
        return secrets.token_urlsafe(32)


class CalendarPage(PublicPageMixin, Page):
    """年度活动安排 on the public site: the year by month, filtered by 活动主体, with iCal feeds."""

    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("年度活动安排栏目")

    def summary_text(self):
        return plain_text(self.intro)

    def get_context(self, request, *args, **kwargs):
        """The year by month for the query string's year and 活动主体 (schedule/calendar.py)."""
        from .calendar import page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(page_context(request.GET))
        return context
