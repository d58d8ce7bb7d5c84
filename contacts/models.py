"""三联系 (seed 003 annex 3; seed 002 二(一)1, 3; seed 004 items 10, 12): 主席联系常委, 常委联系委员,
委员联系群众, and the 青年委员传帮带 pairs.

A year's pairings (`Pairing`), what each member logged (`ContactActivity`: who made it, whom it
reached, how), the people and units a member keeps in touch with (`ContactTarget`: a name and a
category, never a phone or an address), the year's quotas (`ContactQuota`) and the half-year
written report (`HalfYearReport`), whose issue locks the half's entries. Rules are in rules.py."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage
from people.models import Member, SpecialCommittee, StreetGroup


class PairingKind(models.TextChoices):
    CHAIR = "chair", _("主席联系常委")
    STANDING = "standing", _("常委联系委员")
    MENTOR = "mentor", _("传帮带")


class Pairing(models.Model):
    """One pair of one year: `from_member` looks after `to_member`. A member who leaves the roster
    leaves the pair behind with their name and 委员证号 kept (`*_code`, `*_name`), so the
    落实情况 page can list the pairs to re-assign."""

    year = models.PositiveIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("结对类型"), max_length=10, choices=PairingKind.choices)
    from_member = models.ForeignKey(
        Member,
        verbose_name=_("联系人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="pairings_made",
    )
    to_member = models.ForeignKey(
        Member,
        verbose_name=_("被联系人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="pairings_received",
    )
    from_code = models.CharField(_("联系人委员证号"), max_length=30)
    from_name = models.CharField(_("联系人姓名"), max_length=50)
    to_code = models.CharField(_("被联系人委员证号"), max_length=30)
    to_name = models.CharField(_("被联系人姓名"), max_length=50)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        ordering = ["-year", "kind", "from_code", "to_code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "to_code"], name="contacts_one_partner_per_kind"),
            models.CheckConstraint(condition=~Q(from_code=models.F("to_code")), name="contacts_no_self_pairing"),
        ]
        permissions = [
            ("manage_pairings", _("维护主席会议职务、青年委员、结对和联系指标")),
        ]

    def __str__(self):
        return f"{self.year}年 {self.get_kind_display()}：{self.from_name} → {self.to_name}"

    @classmethod
    def of(cls, year, kind, from_member, to_member):
        """An unsaved pair with both sides' names and 委员证号 kept beside them."""
        return cls(
            year=year,
            kind=kind,
            from_member=from_member,
            to_member=to_member,
            from_code=from_member.code,
            from_name=from_member.name,
            to_code=to_member.code,
            to_name=to_member.name,
        )

    @property
    def left_roster(self):
        """Whether either side has left the roster since the pair was made."""
        return self.from_member_id is None or self.to_member_id is None


class TargetCategory(models.TextChoices):
    ENTERPRISE = "enterprise", _("企事业单位")
    COMMUNITY = "community", _("村（社区）")
    SECTOR_PUBLIC = "sector_public", _("界别群众")
    PUBLIC = "public", _("社会群众")
    AIDED = "aided", _("帮扶对象")


class ContactTarget(models.Model):
    """A unit or a citizen a member keeps in touch with, as the member calls them (「王女士」).
    Name and category only: the platform keeps no phone, id number or address of the public."""

    member = models.ForeignKey(Member, verbose_name=_("委员"), on_delete=models.CASCADE, related_name="contact_targets")
    category = models.CharField(_("联系对象类别"), max_length=16, choices=TargetCategory.choices)
    name = models.CharField(_("联系对象"), max_length=60)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联系对象")
        verbose_name_plural = _("联系对象")
        ordering = ["member", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "category", "name"], name="contacts_target_once_per_member"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_category_display()}）"


class Way(models.TextChoices):
    VISIT = "visit", _("走访")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    FORUM = "forum", _("座谈")


class Source(models.TextChoices):
    MEMBER = "member", _("委员填报")
    OFFICE = "office", _("工作室录入")
    IMPORT = "import", _("导入")


class ContactActivity(models.Model):
    """One contact: on `date`, by `way`, `makers` (several for a 主席班子集体走访, each counted; none
    when an office logs a 专委会走访所联系界别委员) reached `contacted_members` and/or `targets`, or a
    `street_group` (S002-1). A 常委's 座谈 with two or more of their paired members may be a
    集体座谈会 (`is_forum`).

    `fingerprint` is the entry's identity for imports (date, makers, way, whom): a row equal to a
    stored entry is 已存在 and skipped."""

    date = models.DateField(_("日期"), db_index=True)
    way = models.CharField(_("方式"), max_length=10, choices=Way.choices)
    makers = models.ManyToManyField(Member, verbose_name=_("联系人"), blank=True, related_name="contacts_made")
    contacted_members = models.ManyToManyField(
        Member, verbose_name=_("被联系的委员"), blank=True, related_name="contacts_received"
    )
    targets = models.ManyToManyField(ContactTarget, verbose_name=_("联系对象"), blank=True, related_name="activities")
    street_group = models.ForeignKey(
        StreetGroup,
        verbose_name=_("街道活动小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_activities",
    )
    committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name=_("组织的专委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_activities",
        help_text=_("专委会走访所联系界别委员时填写。"),
    )
    is_forum = models.BooleanField(_("集体座谈会"), default=False)
    note = models.TextField(_("备注"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.MEMBER)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    import_record = models.ForeignKey(
        "ContactImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-date", "-pk"]
        permissions = [
            ("view_all_contacts", _("查看全体委员的联系记录和落实情况")),
            ("import_contacts", _("导入本工作室负责委员的联系记录")),
            ("issue_reports", _("出具“三联系”半年报告")),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_way_display()}"


def half_of(date):
    """1 for 上半年 (1 Jan–30 Jun), 2 for 下半年 (1 Jul–31 Dec)."""
    return 1 if date.month <= 6 else 2


def half_bounds(year, half):
    """The first and last day of a half year."""
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


class ContactQuota(models.Model):
    """A year's quotas (seed 003 annex 3 三; Xishan's 企事业单位/界别群众/社会群众). A year without a
    row uses the defaults (`ContactQuota.for_year`)."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    activities_per_member = models.PositiveSmallIntegerField(_("每位委员每年联系活动（次）"), default=4)
    enterprises = models.PositiveSmallIntegerField(_("联系企事业单位（个）"), default=1)
    sector_public = models.PositiveSmallIntegerField(_("联系界别群众（人）"), default=2)
    public = models.PositiveSmallIntegerField(_("联系社会群众（人）"), default=3)
    chair_visits_min = models.PositiveSmallIntegerField(_("主席、副主席每月走访常委（至少，人）"), default=1)
    chair_visits_max = models.PositiveSmallIntegerField(_("主席、副主席每月走访常委（至多，人）"), default=2)
    forums_per_half = models.PositiveSmallIntegerField(_("常委每半年召集集体座谈会（次）"), default=1)

    class Meta:
        verbose_name = _("联系指标")
        verbose_name_plural = _("联系指标")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度联系指标"

    @classmethod
    def for_year(cls, year):
        """The year's row, or an unsaved one holding the defaults."""
        return cls.objects.filter(year=year).first() or cls(year=year)


class HalfYear(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")


class HalfYearReport(models.Model):
    """The written report of a half year to 区政协党组、主席会议、常委会. A draft holds the staff's
    情况分析; issuing it keeps the figures as they were (`snapshot`) with its PDF, and locks the
    half's entries (no member edits, no import into it)."""

    year = models.PositiveIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=HalfYear.choices)
    analysis = models.TextField(_("情况分析"), max_length=5000, blank=True)
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(_("出具时的数据"), default=dict, blank=True)
    pdf = models.FileField(
        _("报告 PDF"), upload_to="contact_reports/%Y/", storage=private_storage, max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("“三联系”半年报告")
        verbose_name_plural = _("“三联系”半年报告")
        ordering = ["-year", "-half"]
        constraints = [models.UniqueConstraint(fields=["year", "half"], name="contacts_one_report_per_half")]

    def __str__(self):
        return f"{self.year}年{self.get_half_display()}“三联系”落实情况报告"

    @property
    def issued(self):
        return self.issued_at is not None

    def bounds(self):
        return half_bounds(self.year, self.half)


class ContactImport(KeptUpload):
    """One uploaded xlsx of 联系记录 or of 结对, kept like 名册导入记录."""

    class Kind(models.TextChoices):
        ACTIVITIES = "activities", _("联系记录")
        PAIRINGS = "pairings", _("结对")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.ACTIVITIES)
    # Names of members and of the public they met: kept where the web server never serves it.
    file = models.FileField(_("文件"), upload_to="contact_imports/%Y/%m/", storage=private_storage, max_length=255)

    class Meta:
        verbose_name = _("联系记录导入记录")
        verbose_name_plural = _("联系记录导入记录")
        ordering = ["-uploaded_at", "-pk"]
