"""Telling people (X-1: whoever must act next is told so): 通知公告 pages for everyone (seed 000 附件
注 3 "备案表请从…网站公告栏内下载", seed 004 item 14–15 政协信息、党派活动), and a Notification for one
account (or, for a citizen who left an email, one address) when something waits for them, shown
in the site at once and emailed at once or in a daily digest as the account chooses per kind.

Mail never leaves inside a request: notices.services.notify() writes the rows and, once the
transaction commits, enqueues notices.tasks.deliver for the worker (manage.py db_worker)."""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.models import CJKSearchMixin, PublicPageMixin, plain_text


class NoticeColumn(models.TextChoices):
    """The three columns of seed 000 附件 and seed 004 item 15."""

    BOARD = "board", _("公告栏")
    BULLETIN = "bulletin", _("政协信息")
    PARTY = "party", _("党派活动")


# The slug of seed 000's 委员基层日 notice, which carries the blank 备案表 (S000-17): the five-ones
# wizard links to it by this, so an editor retitling the notice does not break the link.
FILING_NOTICE_SLUG = "weiyuan-jicengri-beianbiao"


class NoticeIndexPage(RoutablePageMixin, PublicPageMixin, Page):
    """通知公告: every notice, newest first, filtered by column (and party), with an RSS feed."""

    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["notices.NoticePage"]
    max_count = 1
    per_page = 15

    class Meta:
        verbose_name = _("通知公告栏目")

    def summary_text(self):
        return plain_text(self.intro)

    def notices(self):
        """The live public notices, newest first (by the date they show, then the latest added)."""
        return NoticePage.objects.child_of(self).live().public().select_related("party").order_by("-date", "-pk")

    @path("")
    def index(self, request):
        from django.core.paginator import Paginator

        from .forms import NoticeFilterForm

        form = NoticeFilterForm(request.GET or None)
        notices = form.filter(self.notices())
        page_obj = Paginator(notices, self.per_page).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "notices": page_obj,
                "form": form,
                "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
                "filter_query": query.urlencode(),
            },
        )

    @path("feed/")
    def feed(self, request):
        from .feeds import NoticeFeed

        return NoticeFeed(self)(request)


class NoticePage(CJKSearchMixin, PublicPageMixin, Page):
    """One notice: its column (公告栏, 政协信息, 党派活动 with its party), date, body and attachments."""

    column = models.CharField(_("栏目"), max_length=10, choices=NoticeColumn.choices, default=NoticeColumn.BOARD)
    party = models.ForeignKey(
        "people.Party",
        verbose_name=_("党派"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        help_text=_("“党派活动”栏目必填。"),
    )
    date = models.DateField(_("发布日期"), default=timezone.localdate, db_index=True)
    lead = models.TextField(_("摘要"), max_length=300, blank=True)
    body = RichTextField(_("正文"))
    # The 委员活动日 whose 活动通知 this is (S001-12), when drafted from one.
    activity_day = models.ForeignKey(
        "forms_app.ActivityDay",
        verbose_name=_("委员活动日"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )

    content_panels = Page.content_panels + [
        FieldPanel("column"),
        FieldPanel("party"),
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件")),
    ]
    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("cjk_search_text"),
        index.FilterField("date"),
        index.FilterField("column"),
    ]
    api_fields = [
        APIField("column"),
        APIField("date"),
        APIField("lead"),
        APIField("body"),
        APIField("party_name"),
        APIField("attachment_list"),
    ]

    og_type = "article"

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.column == NoticeColumn.PARTY and not self.party_id:
            raise ValidationError({"party": _("“党派活动”请选择党派。")})
        if self.column != NoticeColumn.PARTY and self.party_id:
            raise ValidationError({"party": _("只有“党派活动”栏目选择党派。")})

    def summary_text(self):
        return self.lead or plain_text(self.body)

    def search_body_parts(self):
        return [self.lead, plain_text(self.body)]

    def search_labels(self):
        labels = [self.get_column_display()]
        if self.party_id:
            labels.append(self.party.name)
        return labels

    @property
    def type_label(self):
        """What a search result calls it: 通知公告 and its column, e.g. "通知公告 · 公告栏"."""
        return f"{self._meta.verbose_name} · {self.get_column_display()}"

    # What a list of search results loads with each notice.
    search_select_related = ("party",)

    def public_attachments(self):
        """The attachments anyone may download: documents in no collection with a view restriction
        (a private collection's document would answer a visitor with a login page)."""
        from wagtail.models import CollectionViewRestriction

        items = list(self.attachments.select_related("document__collection"))
        if not items:
            return []
        restricted = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
        return [item for item in items if not any(item.document.collection.path.startswith(p) for p in restricted)]

    @property
    def party_name(self):
        return self.party.name if self.party_id else ""

    @property
    def attachment_list(self):
        """Each public attachment's title, file type, size and download address, for the API."""
        return [
            {
                "title": item.display_title,
                "file_type": item.file_type,
                "file_size": item.document.get_file_size(),
                "url": item.document.url,
            }
            for item in self.public_attachments()
        ]


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("显示名称"), max_length=100, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self):
        return self.title or self.document.title

    @property
    def file_type(self):
        """The file's type as readers know it: PDF, XLSX, DOCX."""
        return self.document.file_extension.upper()

    class Meta(Orderable.Meta):
        verbose_name = _("附件")


class Kind(models.TextChoices):
    """What a notification is about. Each account chooses, per kind, how it is emailed."""

    FILING = "filing", _("五个一备案表")
    APPLICATION = "application", _("工作室建立申请")
    ACTIVITY_DAY = "activity_day", _("委员活动日")
    CASE = "case", _("群众诉求件")
    REMINDER = "reminder", _("截止提醒")
    DIGEST = "digest", _("月度报告")
    REVIEW = "review", _("内容审核")
    REPLY = "reply", _("答复群众")  # to a citizen's email, never an account


class EmailMode(models.TextChoices):
    INSTANT = "instant", _("立即发送邮件")
    DIGEST = "digest", _("每日汇总一封")
    NONE = "none", _("不发邮件，只在站内提示")


class EmailState(models.TextChoices):
    NOT_SENT = "none", _("不发邮件")
    PENDING = "pending", _("待发送")
    DIGEST = "digest", _("待汇总")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """One message to one account, or to one citizen's address (recipient empty, email set)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    email = models.EmailField(_("邮箱"), blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_state = models.CharField(
        _("邮件"), max_length=8, choices=EmailState.choices, default=EmailState.NOT_SENT, db_index=True
    )
    emailed_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        permissions = [("view_failed_delivery", _("可查看发送失败的邮件"))]

    def __str__(self):
        return self.title

    @property
    def read(self):
        return self.read_at is not None

    @property
    def address(self):
        """Where its email goes: the citizen's address, else the account's."""
        if self.email:
            return self.email
        return self.recipient.email if self.recipient_id else ""


class Preference(models.Model):
    """How one account wants one kind of notification emailed (default: EmailMode.INSTANT)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    mode = models.CharField(_("邮件"), max_length=8, choices=EmailMode.choices, default=EmailMode.INSTANT)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.get_mode_display()}"


class SentReminder(models.Model):
    """One reminder sent: (deadline, recipient, days before). Its uniqueness is what makes a second
    `queue_reminders` on the same day send nothing."""

    deadline_key = models.CharField(max_length=120)
    deadline = models.DateField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    days_before = models.SmallIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已发提醒")
        verbose_name_plural = _("已发提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline_key", "recipient", "days_before"], name="one_reminder_per_deadline_offset"
            )
        ]

    def __str__(self):
        return f"{self.deadline_key}（提前 {self.days_before} 天）"


REMINDER_DAYS_ERROR = _("提醒天数应为正整数，如 7,3,1")


def parse_reminder_days(text):
    """ "7,3,1" → [7, 3, 1] (also 、 ， and spaces). Anything but positive whole numbers is refused
    with REMINDER_DAYS_ERROR. The day itself (0) is always reminded, so it is not written here."""
    from django.core.exceptions import ValidationError

    parts = [part for part in re.split(r"[,，、\s]+", str(text or "").strip()) if part]
    if not parts or not all(part.isascii() and part.isdigit() and int(part) > 0 for part in parts):
        raise ValidationError(REMINDER_DAYS_ERROR)
    return sorted({int(part) for part in parts}, reverse=True)


class NoticeSettings(models.Model):
    """The one row of reminder settings: how many days before each deadline to remind (and always
    on the day itself)."""

    reminder_days = models.CharField(
        _("提醒天数"),
        max_length=40,
        default="7,3,1",
        validators=[parse_reminder_days],
        help_text=_("截止前几天提醒，用逗号分隔，如 7,3,1；截止当天总会提醒。"),
    )
    box_wait_days = models.PositiveSmallIntegerField(_("申请表在一个环节等待超过几天提醒"), default=10)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")

    def __str__(self):
        return str(_("提醒设置"))

    @classmethod
    def load(cls):
        row = cls.objects.order_by("pk").first()
        return row or cls.objects.create()

    def offsets(self):
        """Days before a deadline to remind, with 0 (the day itself) last."""
        return [*parse_reminder_days(self.reminder_days), 0]
