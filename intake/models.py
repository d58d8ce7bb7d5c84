"""Citizens reach members (seed 002 二(一)2、二(二)1–4; seed 003 四(二); seed 004 items 8, 13): the
委员信箱, 委员接待日 bookings, 社情民意联系点 and their 来访登记, the cases they open and how each is
handled (登记 → 分办 → 办理 → 反馈 → 办结), the leads 研究室 draws from them, its 社情民意报送 batches,
and the public's sign-ups for 请群众走进政协 events.

A citizen's name, phone, email and address live only on Case, Booking, Visit and SignUp, are
shown only to those intake/rules.py allows (others read "（已隐去）"), never in a __str__, the API,
search or logs, and are blanked by `manage.py anonymise_cases` after the 保存期限."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CONTENT_MAX = 2000  # 内容 (≤ 2,000 字)
HIDDEN = "（已隐去）"


class IntakeSettings(models.Model):
    """The one row of 办理时限 (calendar days per step) and the 保存期限 of personal data."""

    assign_days = models.PositiveSmallIntegerField(_("分办时限（天）"), default=2, validators=[MinValueValidator(1)])
    accept_days = models.PositiveSmallIntegerField(_("接收时限（天）"), default=2, validators=[MinValueValidator(1)])
    reply_days = models.PositiveSmallIntegerField(_("答复时限（天）"), default=15, validators=[MinValueValidator(1)])
    close_days = models.PositiveSmallIntegerField(_("办结时限（天）"), default=5, validators=[MinValueValidator(1)])
    retention_days = models.PositiveIntegerField(
        _("个人信息保存期限（天）"),
        default=730,
        validators=[MinValueValidator(180)],
        help_text=_("办结满此天数后，群众的姓名、电话、邮箱、地址被清除（不少于 180 天）。"),
    )

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")

    def __str__(self):
        return str(_("办理时限"))

    @classmethod
    def load(cls):
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class Category(models.TextChoices):
    ECONOMY = "economy", _("经济发展")
    URBAN = "urban", _("城乡建设")
    LIVELIHOOD = "livelihood", _("社会民生")
    ECOLOGY = "ecology", _("生态保护")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    MAILBOX = "mailbox", _("委员信箱")
    RECEPTION = "reception", _("接待日")
    CONTACT_POINT = "point", _("联系点")
    SECTOR = "sector", _("界别群众")
    HOTLINE = "hotline", _("接诉即办转来")
    PETITION = "petition", _("信访代办")


class ContactPoint(models.Model):
    """A 社情民意联系点 in a 镇（街道） or 村（社区）, listed publicly; its 联络员 log the visits there."""

    class Level(models.TextChoices):
        TOWN = "town", _("镇（街道）")
        COMMUNITY = "community", _("村（社区）")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    town = models.CharField(_("镇（街道）"), max_length=60)
    community = models.CharField(_("村（社区）"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("开放时间"), max_length=100, help_text=_("如“每周二、四 9:00—11:30”。"))
    phone = models.CharField(_("公开电话"), max_length=40, blank=True)
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("联络员"), blank=True, related_name="contact_points"
    )
    active = models.BooleanField(_("对外公布"), default=True)

    class Meta:
        verbose_name = _("社情民意联系点")
        verbose_name_plural = _("社情民意联系点")
        ordering = ["town", "community", "name"]

    def __str__(self):
        return self.name


class ReceptionDayQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(date__gte=today, cancelled=False).order_by("date", "start", "pk")


class ReceptionDay(models.Model):
    """One 委员接待日 at a workstation: its hours are cut into slots of `slot_minutes`, each with
    `places` bookings."""

    station = models.ForeignKey(
        "content.WorkstationPage",
        verbose_name=_("委员工作室"),
        on_delete=models.CASCADE,
        related_name="reception_days",
    )
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    on_duty = models.ManyToManyField("people.Member", verbose_name=_("值班委员"), related_name="reception_duties")
    slot_minutes = models.PositiveSmallIntegerField(
        _("每个时段（分钟）"), default=30, validators=[MinValueValidator(10)]
    )
    places = models.PositiveSmallIntegerField(_("每个时段可约人数"), default=2, validators=[MinValueValidator(1)])
    note = models.CharField(_("说明"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("已取消"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("安排人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("安排时间"), auto_now_add=True)

    objects = ReceptionDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("委员接待日")
        verbose_name_plural = _("委员接待日")
        ordering = ["-date", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="reception_day_end_after_start")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}—{self.end:%H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("结束时间应晚于开始时间。")})

    def public_card(self):
        """What the public page and the API show of a 接待日: never a booking."""
        return {
            "id": self.pk,
            "date": self.date.isoformat(),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "place": self.place,
            "on_duty": [member.name for member in self.on_duty.all()],
            "booking_url": f"/reception/{self.pk}/",
        }

    def slots(self):
        """The start time of every slot, in order."""
        import datetime

        if not (self.start and self.end and self.slot_minutes):
            return []
        day = datetime.date(2000, 1, 1)
        at = datetime.datetime.combine(day, self.start)
        end = datetime.datetime.combine(day, self.end)
        step = datetime.timedelta(minutes=self.slot_minutes)
        found = []
        while at + step <= end:
            found.append(at.time())
            at += step
        return found


class Booking(models.Model):
    """A citizen's booked place in one slot of a 接待日."""

    day = models.ForeignKey(ReceptionDay, verbose_name=_("接待日"), on_delete=models.CASCADE, related_name="bookings")
    slot = models.TimeField(_("时段"))
    number = models.CharField(_("预约号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20)
    topic = models.TextField(_("反映事项"), validators=[MaxLengthValidator(500)])
    consent_at = models.DateTimeField(_("同意个人信息处理说明的时间"))
    cancel_token_hash = models.CharField(max_length=64, editable=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接待日预约")
        verbose_name_plural = _("接待日预约")
        ordering = ["day", "slot", "pk"]
        indexes = [models.Index(fields=["day", "slot"])]

    def __str__(self):
        return self.number


class Case(models.Model):
    """One 诉求件. `__str__` is the 受理编号 and nothing personal."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("登记")
        ASSIGNED = "assigned", _("分办")
        HANDLING = "handling", _("办理")
        REPLIED = "replied", _("反馈")
        CLOSED = "closed", _("办结")

    class ReplyState(models.TextChoices):
        NONE = "", _("未起草")
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已审核")

    class Satisfaction(models.TextChoices):
        NONE = "", _("未评价")
        SATISFIED = "satisfied", _("满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    OPEN = (Status.REGISTERED, Status.ASSIGNED, Status.HANDLING, Status.REPLIED)

    number = models.CharField(_("受理编号"), max_length=20, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    # The citizen (personal data: rules.may_see_personal decides who reads it).
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("社区/单位"), max_length=100, blank=True)
    # The matter.
    subject = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), validators=[MaxLengthValidator(CONTENT_MAX)])
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, default=Category.OTHER)
    sector = models.ForeignKey(
        "people.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    station = models.ForeignKey(
        "content.WorkstationPage",
        verbose_name=_("写给委员工作室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    contact_point = models.ForeignKey(
        ContactPoint, verbose_name=_("联系点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    code_hmac = models.CharField(max_length=64, editable=False, blank=True)
    consent_at = models.DateTimeField(_("同意个人信息处理说明的时间"), null=True, blank=True)
    # Handling.
    assignment = models.OneToOneField(
        "CaseAssignment",
        verbose_name=_("当前承办"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="current_for",
    )
    step_started_at = models.DateTimeField(_("本环节开始时间"))
    reply = models.TextField(_("答复"), blank=True, validators=[MaxLengthValidator(CONTENT_MAX)])
    reply_state = models.CharField(_("答复状态"), max_length=10, choices=ReplyState.choices, blank=True, default="")
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    satisfaction = models.CharField(_("群众评价"), max_length=12, choices=Satisfaction.choices, blank=True, default="")
    satisfaction_reason = models.TextField(_("不满意原因"), blank=True, validators=[MaxLengthValidator(500)])
    reopened = models.BooleanField(_("已因不满意重办"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("诉求件")
        verbose_name_plural = _("诉求件")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "step_started_at"]),
            models.Index(fields=["status", "closed_at"]),
            models.Index(fields=["-created_at", "-id"], name="intake_case_newest_first"),
        ]
        permissions = [
            ("manage_cases", _("登记、分办诉求件，审核答复，办结（区政协办公室）")),
            ("view_personal_data", _("查看群众的姓名、电话、邮箱、地址")),
            ("view_all_cases", _("查看全部诉求件（不含个人信息）")),
            ("handle_cases", _("在前台办理分办给自己的诉求件")),
            ("enter_sector_cases", _("登记本界别群众反映的意见（界别组长）")),
            ("make_leads", _("从诉求件形成社情民意信息、提案线索")),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in self.OPEN


class CaseAssignment(models.Model):
    """Who a case was given to, once per 分办: a member (the account whose Profile.member it is), a
    workstation (its lead member and the 专委会工作室 of its committee) or an office (委员联络室,
    研究室, or the 专委会工作室 of `committee`). Kept after a 退回, so past assignees still read the
    case they held."""

    class Mode(models.TextChoices):
        DIRECT = "direct", _("直接办理")
        PROPOSAL = "proposal", _("提案转办")
        PETITION = "petition", _("信访代办")
        CONSULT = "consult", _("协商共办")

    class Office(models.TextChoices):
        NONE = "", _("—")
        LIAISON = "委员联络室", _("委员联络室")
        RESEARCH = "研究室", _("研究室")
        COMMITTEE = "专委会工作室", _("专委会工作室")

    case = models.ForeignKey(Case, verbose_name=_("诉求件"), on_delete=models.CASCADE, related_name="assignments")
    mode = models.CharField(_("办理方式"), max_length=10, choices=Mode.choices, default=Mode.DIRECT)
    member = models.ForeignKey(
        "people.Member", verbose_name=_("委员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "content.WorkstationPage",
        verbose_name=_("委员工作室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.CharField(_("部门"), max_length=20, choices=Office.choices, blank=True, default="")
    committee = models.ForeignKey(
        "people.SpecialCommittee",
        verbose_name=_("专委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("分办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分办时间"))
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        verbose_name = _("分办")
        verbose_name_plural = _("分办")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(member__isnull=False, station__isnull=True, office="")
                    | models.Q(member__isnull=True, station__isnull=False, office="")
                    | models.Q(member__isnull=True, station__isnull=True) & ~models.Q(office="")
                ),
                name="case_assignment_one_assignee",
            )
        ]

    def __str__(self):
        return self.assignee_label()

    def assignee_label(self):
        if self.member_id:
            return f"委员 {self.member.name}"
        if self.station_id:
            return str(self.station.title)
        if self.office == self.Office.COMMITTEE and self.committee_id:
            return f"{self.committee.name}（专委会工作室）"
        return self.office


class CaseEvent(models.Model):
    """The case's history, as FilingEvent is a filing's: who did what, when, and why. The
    notifications issue reads these rows to tell whoever must act next."""

    class Action(models.TextChoices):
        REGISTER = "register", _("登记")
        ASSIGN = "assign", _("分办")
        ACCEPT = "accept", _("接收")
        RETURN = "return", _("退回")
        NOTE = "note", _("办理记录")
        SUBMIT_REPLY = "submit_reply", _("提交答复")
        SEND_BACK = "send_back", _("答复退回修改")
        APPROVE_REPLY = "approve_reply", _("审核答复")
        CLOSE = "close", _("办结")
        RATE = "rate", _("群众评价")
        REOPEN = "reopen", _("不满意重办")
        LEAD = "lead", _("形成线索")
        ANONYMISE = "anonymise", _("清除个人信息")

    case = models.ForeignKey(Case, verbose_name=_("诉求件"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    status = models.CharField(_("操作后状态"), max_length=12, choices=Case.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignment = models.ForeignKey(
        CaseAssignment, verbose_name=_("承办"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    internal = models.BooleanField(_("内部记录"), default=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case.number} {self.get_action_display()}"


class CaseLead(models.Model):
    """A 社情民意信息 or 提案线索 drawn from a case, stripped of the citizen's name, phone, email and
    address (intake.leads.make_lead)."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("社情民意信息")
        PROPOSAL = "proposal", _("提案线索")

    case = models.ForeignKey(
        Case, verbose_name=_("来源诉求件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), validators=[MaxLengthValidator(CONTENT_MAX)])
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, default=Category.OTHER)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("形成人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(_("形成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-made_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_lead_per_case_and_kind")]

    def __str__(self):
        return self.title


class Visit(models.Model):
    """A 来访登记 at a 接待日 (booked or walk-in) or a 联系点, logged by the members on duty or the
    point's 联络员; "转为诉求件" links the case it opened."""

    day = models.ForeignKey(
        ReceptionDay, verbose_name=_("接待日"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    booking = models.OneToOneField(
        Booking, verbose_name=_("预约"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visit"
    )
    contact_point = models.ForeignKey(
        ContactPoint, verbose_name=_("联系点"), null=True, blank=True, on_delete=models.CASCADE, related_name="visits"
    )
    name = models.CharField(_("来访人"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    address = models.CharField(_("社区/单位"), max_length=100, blank=True)
    matter = models.TextField(_("反映事项"), validators=[MaxLengthValidator(CONTENT_MAX)])
    outcome = models.TextField(_("接待情况"), blank=True, validators=[MaxLengthValidator(CONTENT_MAX)])
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, default=Category.OTHER)
    case = models.OneToOneField(
        Case, verbose_name=_("诉求件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visit"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("来访时间"))
    anonymised_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("来访登记")
        verbose_name_plural = _("来访登记")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day__isnull=False, contact_point__isnull=True)
                | models.Q(day__isnull=True, contact_point__isnull=False),
                name="visit_at_a_day_or_a_point",
            )
        ]

    def __str__(self):
        return f"来访登记 {self.pk}"


class OpinionBatch(models.Model):
    """A 社情民意报送 that 研究室 assembles for 区委、区政府 (S000-18)."""

    issue_no = models.CharField(_("期号"), max_length=40, unique=True, help_text=_("如“2026年第3期”。"))
    date = models.DateField(_("报送日期"))
    title = models.CharField(_("标题"), max_length=100, default="社情民意")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编辑人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("社情民意报送")
        verbose_name_plural = _("社情民意报送")
        ordering = ["-date", "-pk"]
        permissions = [("send_batches", _("编辑并报送社情民意"))]

    def __str__(self):
        return f"{self.title}（{self.issue_no}）"


class BatchItem(models.Model):
    """One item of a batch: from a lead, or typed as a committee, party or sector reported it."""

    batch = models.ForeignKey(OpinionBatch, verbose_name=_("报送"), on_delete=models.CASCADE, related_name="items")
    lead = models.ForeignKey(
        CaseLead, verbose_name=_("线索"), null=True, blank=True, on_delete=models.SET_NULL, related_name="batch_items"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), validators=[MaxLengthValidator(CONTENT_MAX * 2)])
    source = models.CharField(_("反映单位"), max_length=100, help_text=_("如 “民盟区委”“经济界别”“提案委”。"))
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, default=Category.OTHER)

    class Meta:
        verbose_name = _("报送条目")
        verbose_name_plural = _("报送条目")
        ordering = ["batch", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"], condition=models.Q(lead__isnull=False), name="a_lead_in_one_batch_only"
            )
        ]

    def __str__(self):
        return self.title


class SignUp(models.Model):
    """A citizen's sign-up for a 请群众走进政协 event (intake.pages.EventPage); 区政协办公室 selects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确定")
        SELECTED = "selected", _("已入选")
        NOT_SELECTED = "not_selected", _("未入选")

    event = models.ForeignKey(
        "intake.EventPage", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups"
    )
    number = models.CharField(_("报名号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20)
    sector_or_job = models.CharField(_("界别/职业"), max_length=60)
    topic = models.TextField(_("想反映的问题"), blank=True, validators=[MaxLengthValidator(500)])
    consent_at = models.DateTimeField(_("同意个人信息处理说明的时间"))
    code_hmac = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("结果"), max_length=14, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确定时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群众报名")
        verbose_name_plural = _("群众报名")
        ordering = ["event", "created_at", "pk"]
        permissions = [("select_signups", _("确定报名群众（区政协办公室）"))]

    def __str__(self):
        return self.number


class Submission(models.Model):
    """One accepted public submission from an IP, kept as a salted hash for 7 days: the limits
    (5 an hour, 20 a day per IP) count these rows under a lock on the IP's RateBucket."""

    ip_hash = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_hash", "at"])]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class RateBucket(models.Model):
    """The row a submission locks for its IP, so two at once cannot both slip under the limit."""

    ip_hash = models.CharField(max_length=64, primary_key=True)

    def __str__(self):
        return self.ip_hash[:8]


class Sequence(models.Model):
    """The last number given per (kind, year): 受理编号 2026-000123, 预约号, 报名号."""

    kind = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="one_sequence_per_kind_and_year")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


# ---------------------------------------------------------------------------
# 请群众走进政协 (S002-14…17): public event pages under 首页, with sign-up.

from modelcluster.fields import ParentalManyToManyField  # noqa: E402
from wagtail.admin.panels import FieldPanel, MultiFieldPanel  # noqa: E402
from wagtail.api import APIField  # noqa: E402
from wagtail.fields import RichTextField  # noqa: E402
from wagtail.models import Page  # noqa: E402
from wagtail.search import index  # noqa: E402

from content.models import PublicPageMixin, plain_text  # noqa: E402


class EventKind(models.TextChoices):
    PLENARY = "plenary", _("全体会议")
    STANDING = "standing", _("常委会议")
    THEMATIC = "thematic", _("专题协商会议")
    FORUM = "forum", _("主题协商座谈")
    PROPOSAL_LEADS = "leads", _("提案线索征集座谈会")
    INSPECTION = "inspection", _("视察调研")
    REVIEW = "review", _("部门评议")


class EventIndexPage(PublicPageMixin, Page):
    """请群众走进政协: the list of events the public may sign up for."""

    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["intake.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("请群众走进政协栏目")

    def summary_text(self):
        return plain_text(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = EventPage.objects.child_of(self).live().public().order_by("-start", "-pk")
        return context


class EventPage(PublicPageMixin, Page):
    """One meeting, inspection or review the committee invites citizens to (S002-14…17)."""

    kind = models.CharField(_("类型"), max_length=12, choices=EventKind.choices)
    start = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    places = models.PositiveSmallIntegerField(_("名额"), validators=[MinValueValidator(1)])
    deadline = models.DateTimeField(_("报名截止"))
    sectors = ParentalManyToManyField(
        "people.Sector", verbose_name=_("邀请界别"), blank=True, related_name="+", help_text=_("不选为面向全体群众。")
    )
    body = RichTextField(_("活动介绍"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("start"),
                FieldPanel("place"),
                FieldPanel("places"),
                FieldPanel("deadline"),
            ],
            heading=_("活动"),
        ),
        FieldPanel("sectors"),
        FieldPanel("body"),
    ]
    parent_page_types = ["intake.EventIndexPage"]
    subpage_types = []
    search_fields = Page.search_fields + [index.SearchField("body")]
    api_fields = [
        APIField("kind"),
        APIField("start"),
        APIField("place"),
        APIField("places"),
        APIField("deadline"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("请群众走进政协活动")
        verbose_name_plural = _("请群众走进政协活动")

    def clean(self):
        super().clean()
        if self.deadline and self.start and self.deadline > self.start:
            raise ValidationError({"deadline": _("报名截止时间应早于活动时间。")})

    def summary_text(self):
        return f"{self.get_kind_display()}，{self.start:%Y年%m月%d日}，{self.place}。"
