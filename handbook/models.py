"""The 《委员履职手册》's records. The 履职心语 themselves are forms_app.Reflection (the pool)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage


class ReflectionCopy(models.Model):
    """`reflection` may be copied from `original` (切忌抄袭): `share` of its bigrams are in it
    (handbook/copies.py)."""

    reflection = models.ForeignKey("forms_app.Reflection", on_delete=models.CASCADE, related_name="copies")
    original = models.ForeignKey("forms_app.Reflection", on_delete=models.CASCADE, related_name="+")
    share = models.FloatField(_("相同比例"))

    class Meta:
        verbose_name = _("疑似抄袭")
        verbose_name_plural = _("疑似抄袭")
        constraints = [models.UniqueConstraint(fields=["reflection", "original"], name="one_copy_flag_per_pair")]

    def __str__(self):
        return f"#{self.reflection_id} 与 #{self.original_id} 相同 {self.share:.0%}"


class ReflectionImport(KeptUpload):
    """One uploaded xlsx of 履职心语 handed in on paper (sheets.py), kept like the other imports."""

    # Members' names and their texts: kept where the web server never serves it.
    file = models.FileField(_("文件"), upload_to="reflection_imports/%Y/%m/", storage=private_storage, max_length=255)

    class Meta:
        verbose_name = _("履职心语导入记录")
        verbose_name_plural = _("履职心语导入记录")
        ordering = ["-uploaded_at", "-pk"]


# ---------------------------------------------------------------------------
# 《委员履职手册》: one issue (期) of a year, its sections of 入选 reflections and its 委员风采 highlights.
# The editors arrange a 草稿 (arrange.py); a 审核员 publishes it (publish.py) as a Wagtail document,
# after which it is read only; 修订再版 copies it to version + 1, which replaces the document's file.


class HandbookQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Handbook.Status.PUBLISHED)

    def latest_versions(self):
        """Each (year, 期数)'s newest published version: what members read."""
        newer = Handbook.objects.filter(
            year=models.OuterRef("year"),
            issue=models.OuterRef("issue"),
            status=Handbook.Status.PUBLISHED,
            version__gt=models.OuterRef("version"),
        )
        return self.published().exclude(models.Exists(newer))


class Handbook(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(_("年度"))
    issue = models.PositiveSmallIntegerField(
        _("期数"), default=1, validators=[MinValueValidator(1, message=_("期数从 1 开始。"))]
    )
    version = models.PositiveSmallIntegerField(_("版次"), default=1, editable=False)
    title = models.CharField(_("刊名"), max_length=40, default="委员履职手册")
    subtitle = models.CharField(_("副标题"), max_length=60, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    preface = models.TextField(_("前言"), max_length=3000, blank=True, help_text=_("空一行分段。"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    revises = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
        editable=False,
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF 文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # the PDF goes only with its handbook (protection.py)
        related_name="+",
        editable=False,
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("网页"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)

    objects = HandbookQuerySet.as_manager()

    class Meta:
        verbose_name = _("委员履职手册")
        verbose_name_plural = _("委员履职手册")
        ordering = ["-year", "-issue", "-version"]
        permissions = [("publish_handbook", _("发布委员履职手册"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "issue", "version"], name="one_handbook_per_issue_version")
        ]

    def __str__(self):
        return self.document_title()

    def document_title(self):
        """「《委员履职手册》2026年第1期」; a revision adds 「（修订第2版）」 only in the admin's labels."""
        return f"《{self.title}》{self.year}年第{self.issue}期"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class HandbookSection(models.Model):
    class Kind(models.TextChoices):
        SECTOR = "sector", _("界别")
        PARTY = "party", _("党派")
        TOPIC = "topic", _("专题")

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("标题"), max_length=40)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    sector = models.ForeignKey(
        "people.Sector", verbose_name=_("界别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        "people.Party", verbose_name=_("党派"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    intro = models.TextField(_("导语"), max_length=1000, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("分组")
        verbose_name_plural = _("分组")
        ordering = ["handbook", "order", "pk"]

    def __str__(self):
        return self.title


class HandbookItem(models.Model):
    # The handbook is the section's, repeated here so that the database keeps a reflection to one
    # place in each handbook (arrange.py sets it from the section).
    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(HandbookSection, on_delete=models.CASCADE, related_name="items")
    reflection = models.ForeignKey("forms_app.Reflection", on_delete=models.PROTECT, related_name="handbook_items")
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("刊用的履职心语")
        verbose_name_plural = _("刊用的履职心语")
        ordering = ["section", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["handbook", "reflection"], name="one_reflection_per_handbook")]

    def __str__(self):
        return f"#{self.reflection_id}"


class HandbookStory(models.Model):
    """A 委员风采 highlight: a published StoryPage of the handbook's year."""

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="stories")
    story = models.ForeignKey(
        "content.StoryPage", verbose_name=_("委员风采"), on_delete=models.PROTECT, related_name="+"
    )
    excerpt = models.TextField(_("摘要"), max_length=600, blank=True, help_text=_("留空则用导语。"))
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("留空则用正文的第一张图片，没有则用委员照片。"),
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("委员风采选登")
        verbose_name_plural = _("委员风采选登")
        ordering = ["handbook", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["handbook", "story"], name="one_story_per_handbook")]

    def __str__(self):
        return str(self.story)


class HandbookPage(Page):
    """The handbook on the site: its sections as HTML and the PDF's link (publish.py creates it as a
    draft that goes through 内容审核; only logged-in users see it unless an editor changes that)."""

    handbook = models.ForeignKey(Handbook, verbose_name=_("委员履职手册"), on_delete=models.PROTECT, related_name="+")

    content_panels = Page.content_panels
    # Only publishing (publish.py) makes one, with its handbook: not offered under 添加子页面.
    is_creatable = False
    parent_page_types = ["content.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("委员履职手册页面")
        verbose_name_plural = _("委员履职手册页面")

    def current_handbook(self):
        """The newest published version of this page's (year, 期数): 修订再版 keeps the page."""
        return (
            Handbook.objects.latest_versions().filter(year=self.handbook.year, issue=self.handbook.issue).first()
            or self.handbook
        )

    def get_context(self, request, *args, **kwargs):
        """The newest version's sections and highlights (contents.contents_of), as its PDF has them."""
        from .contents import contents_of

        context = super().get_context(request, *args, **kwargs)
        current = self.current_handbook()
        context.update(current=current, contents=contents_of(current))
        return context
