"""Public pages: 委员风采 stories and 委员工作室 workstations with their 动态 posts."""

import datetime
import html

from django.db import models
from django.db.models import Case, F, IntegerField, Q, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PublishingPanel,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction
from wagtail.models.panels import CommentPanelPlaceholder
from wagtail.query import PageQuerySet
from wagtail.search import index

from lianxin_site.cache import computed_once_per_publish
from lianxin_site.dates import year_param

from .cjk import index_text
from .serving import may_have_view_restrictions, restricted_q


# The eight activity categories of the statistics tables (seed 001).
class ActivityCategory(models.TextChoices):
    READING = "reading", _("读书宣讲")
    RESEARCH = "research", _("调研协商/监督视察")
    SUGGESTION = "suggestion", _("微建议/提案/社情民意线索")
    VISIT = "visit", _("走访界别群众")
    DUTY = "duty", _("联动值班/联谊交流")
    CHARITY = "charity", _("公益帮扶")
    SECTOR = "sector", _("界别特色活动")
    OTHER = "other", _("其他")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图片说明"), required=False, max_length=200)
    alt = blocks.CharBlock(
        label=_("替代文字"), required=False, max_length=200, help_text=_("为视障读者描述图片内容；留空则使用图片说明。")
    )

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"

    def get_api_representation(self, value, context=None):
        image = value["image"]
        rendition = image.get_rendition("width-960") if image else None
        return {
            "image": rendition
            and {"id": image.pk, "url": rendition.url, "width": rendition.width, "height": rendition.height},
            "caption": value["caption"],
            "alt": value["alt"] or value["caption"],
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    source = blocks.CharBlock(label=_("出处"), required=False)

    class Meta:
        icon = "openquote"
        template = "content/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    # A link, not an oEmbed: the site fetches nothing from other hosts when rendering.
    url = blocks.URLBlock(label=_("视频链接"))
    title = blocks.CharBlock(label=_("视频标题"))

    class Meta:
        icon = "media"
        template = "content/blocks/video.html"


class StoryBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("段落"), features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])
    image = ImageBlock(label=_("图片"))
    quote = QuoteBlock(label=_("引文"))
    video = VideoBlock(label=_("视频"))


def plain_text(markup):
    """The words of rich text, tags removed and entities decoded (escape it again for HTML)."""
    return html.unescape(strip_tags(markup or ""))


def stream_text(stream):
    """Plain text of a StreamField, for search and summaries."""
    parts = []
    for block in stream:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(plain_text(value.source))
        elif block.block_type == "quote":
            parts.extend([value["text"], value["source"]])
        elif block.block_type == "image":
            parts.append(value["caption"])
        elif block.block_type == "video":
            parts.append(value["title"])
    return " ".join(part for part in parts if part)


def route_to_child(parent, request, path_components, queryset):
    """Route /parent/<slug>/… to the specific child page in one query, then on from it (Wagtail's
    generic routing spends two queries per path segment), or None to fall back."""
    if not path_components:
        return None
    if len(path_components) > 1:  # the child is only on the way (a station to its 动态): skip what shows it
        queryset = queryset.select_related(None).prefetch_related(None)
    child = queryset.child_of(parent).filter(slug=path_components[0]).first()
    if child is None:
        return None
    child._cached_parent_obj = parent  # the page's breadcrumb needs no query for its section
    return child.route(request, path_components[1:])


class PublicPageMixin:
    """What every public page tells browsers, search engines and share cards about itself."""

    og_type = "website"  # Open Graph: "article" for stories and 动态

    def get_view_restrictions(self):
        """Wagtail's restrictions on this page and its ancestors, without the two queries when
        none can apply (content/serving.py keeps the restricted pages' paths)."""
        if not may_have_view_restrictions(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def summary_text(self):
        """The page's own words for its description: a lead, an intro, the first lines."""
        return ""

    @property
    def share_description(self):
        """meta description and og:description: the editor's 搜索描述, else the page's summary."""
        text = " ".join((self.search_description or self.summary_text()).split())
        return Truncator(text).chars(120)


class CJKSearchMixin:
    """Adds a bigram-expanded copy of the page's text to the search index (see cjk.py)."""

    def search_text_parts(self):
        return [self.title, *self.search_body_parts(), *self.search_labels()]

    def search_body_parts(self):
        """The page's own text; search results quote it around the match."""
        return []

    def search_labels(self):
        """Names and labels also found by search, which results show in their own line."""
        return []

    def cjk_search_text(self):
        return index_text(*self.search_text_parts())

    @property
    def type_label(self):
        return self._meta.verbose_name


class HomePage(PublicPageMixin, Page):
    """The public front page of the committee's site."""

    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    subpage_types = [
        "content.StoryIndexPage",
        "content.WorkstationIndexPage",
        "intake.EventIndexPage",
        "notices.NoticeIndexPage",
        "schedule.CalendarPage",
        "handbook.HandbookPage",
    ]

    class Meta:
        verbose_name = _("首页")

    def summary_text(self):
        return plain_text(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_stories"] = StoryPage.objects.live().public().with_card_data().order_by("-date", "-pk")[:6]
        context["workstations"] = WorkstationPage.objects.live().public().order_by("title")
        # 请群众走进政协 (intake.EventIndexPage), found by its type's name: content imports nothing above it.
        context["events_index"] = (
            Page.objects.child_of(self)
            .live()
            .public()
            .filter(content_type__app_label="intake", content_type__model="eventindexpage")
            .first()
        )
        context["upcoming"] = (
            PlanItem.objects.filter(workstation__live=True, date__gte=timezone.localdate())
            .select_related("workstation")
            .order_by("date", "pk")[:8]
        )
        return context


# ---------------------------------------------------------------------------
# 委员风采


class StoryIndexPage(RoutablePageMixin, PublicPageMixin, Page):
    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["content.StoryPage"]
    max_count = 1
    per_page = 12

    class Meta:
        verbose_name = _("委员风采栏目")

    def summary_text(self):
        return plain_text(self.intro)

    def stories(self):
        """The live public stories, newest first. Every story sits under the one 委员风采栏目
        (max_count 1, StoryPage.parent_page_types), so no tree filter: with one, SQLite read every
        page of the site and sorted them instead of walking the date index (a list, the feed and
        page 1 grew with all the pages, posts included)."""
        return StoryPage.objects.live().public().with_card_data().order_by("-date", "-pk")

    def story_years(self):
        """Years that have stories, for the filter; computed once per publish."""
        return computed_once_per_publish(
            f"lianxin:story-years:{self.pk}",
            lambda: [d.year for d in self.stories().dates("date", "year", order="DESC")],
        )

    def story_count(self, stories, chosen):
        """How many stories the filters `chosen` show; computed once per publish for each choice,
        not counted over every story on each request."""
        choice = ",".join(f"{name}={value}" for name, value in sorted(chosen.items()))
        return computed_once_per_publish(f"lianxin:story-count:{self.pk}:{choice}", stories.count)

    def filtered_stories(self, params):
        stories = self.stories()
        chosen = {}
        for key in ("sector", "party", "committee"):
            value = params.get(key, "")
            if value.isdecimal():
                stories = stories.filter(**{f"member__{key}_id": int(value)})
                chosen[key] = int(value)
        year = params.get("year", "")
        if year.isdecimal():
            stories = stories.filter(date__year=int(year))
            chosen["year"] = int(year)
        return stories, chosen

    @path("")
    def index(self, request):
        from people.models import Party, Sector, SpecialCommittee

        stories, chosen = self.filtered_stories(request.GET)
        query = request.GET.copy()
        for name in ("page", "before", "after"):
            query.pop(name, None)
        return self.render(
            request,
            context_overrides={
                "stories": story_list_page(
                    stories, request.GET, self.story_count(stories, chosen), self.per_page, query.urlencode()
                ),
                "chosen": chosen,
                "filter_query": query.urlencode(),
                "sectors": Sector.objects.all(),
                "parties": Party.objects.all(),
                "committees": SpecialCommittee.objects.all(),
                "years": self.story_years(),
            },
        )

    def route(self, request, path_components):
        stories = StoryPage.objects.with_card_data()
        return route_to_child(self, request, path_components, stories) or super().route(request, path_components)

    @path("feed/")
    def feed(self, request):
        from .feeds import StoryFeed

        return StoryFeed(self)(request)


# ?page=N reads pages 1 to NUMBERED_PAGES by offset (a few hundred rows at most); the links past
# them carry the key of the story they continue from, so page 400 reads 12 rows through the date
# index instead of skipping 4,788, and a link keeps showing the same stories when new ones appear.
NUMBERED_PAGES = 10


def story_key(value):
    """(date, id) from a ?before= / ?after= value such as 2025-03-01.1234; None if it is not one."""
    date_text, _, pk_text = (value or "").partition(".")
    try:
        return datetime.date.fromisoformat(date_text), int(pk_text)
    except ValueError:
        return None


def _key_of(story):
    return f"{story.date.isoformat()}.{story.pk}"


class StoryListPage:
    """One page of the story list, newest first: its stories, its number out of how many, and the
    query strings of the pages before and after it (empty when there is none)."""

    def __init__(self, stories, number, count, per_page, previous_query, next_query):
        self.object_list = stories
        self.number = number
        self.count = count
        self.num_pages = max(1, -(-count // per_page))
        self.previous_query = previous_query
        self.next_query = next_query

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def story_list_page(stories, params, count, per_page, filter_query=""):
    """The page of `stories` (ordered -date, -pk) that `params` asks for: ?page=N for the first
    NUMBERED_PAGES (a number past the end shows the last page), ?before=<key> for the stories after
    a given one and ?after=<key> for those before it; `page` travels with a key as its number."""
    num_pages = max(1, -(-count // per_page))
    page = params.get("page", "")
    number = min(max(int(page), 1), num_pages) if page.isdecimal() else 1
    before, after = story_key(params.get("before")), story_key(params.get("after"))
    if before:
        day, pk = before
        rows = list(stories.filter(Q(date__lt=day) | Q(date=day, pk__lt=pk), date__lte=day)[:per_page])
    elif after:
        day, pk = after
        newer = stories.filter(Q(date__gt=day) | Q(date=day, pk__gt=pk), date__gte=day).order_by("date", "pk")
        rows = list(newer[:per_page])[::-1]
    else:
        rows = list(stories[(number - 1) * per_page : number * per_page])
    prefix = f"{filter_query}&" if filter_query else ""

    def link(to, edge, direction):
        if to <= NUMBERED_PAGES:
            return f"{prefix}page={to}"
        return f"{prefix}{direction}={_key_of(edge)}&page={to}"

    has_previous = number > 1 and bool(rows)
    has_next = number < num_pages and bool(rows)
    return StoryListPage(
        rows,
        number,
        count,
        per_page,
        link(number - 1, rows[0], "after") if has_previous else "",
        link(number + 1, rows[-1], "before") if has_next else "",
    )


class TagNamesField(serializers.Field):
    """Tag names from the prefetched tags (Wagtail's own field queries once per page)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class StoryTag(TaggedItemBase):
    content_object = ParentalKey("content.StoryPage", on_delete=models.CASCADE, related_name="tagged_items")


class StoryPageQuerySet(PageQuerySet):
    def private_q(self):
        """Behind .public(): the restricted sections from the cache, not a query per list."""
        return restricted_q()

    def with_card_data(self):
        """Everything a story card shows, in a fixed number of queries."""
        return self.select_related(
            "member__sector", "member__party", "member__committee", "member__photo"
        ).prefetch_related("member__photo__renditions")


class StoryPage(CJKSearchMixin, PublicPageMixin, Page):
    member = models.ForeignKey(
        "people.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="stories"
    )
    lead = models.TextField(_("导语"), max_length=300, help_text=_("一两句话概括，显示在列表和分享卡片上。"))
    body = StreamField(StoryBodyBlock(), verbose_name=_("正文"))
    # Indexed with the id after it (Meta.indexes): lists run newest first by (date, id), and a deep
    # page continues from a (date, id) key (story_list_page).
    date = models.DateField(_("发布日期"), default=datetime.date.today)
    tags = ClusterTaggableManager(through=StoryTag, blank=True, verbose_name=_("标签"))

    objects = PageManager.from_queryset(StoryPageQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("member"),
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    parent_page_types = ["content.StoryIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("cjk_search_text"),
        index.FilterField("date"),
    ]
    api_fields = [
        APIField("date"),
        APIField("lead"),
        APIField("body"),
        APIField("tags", serializer=TagNamesField()),
        APIField("member_card"),
    ]

    og_type = "article"

    class Meta:
        verbose_name = _("委员风采")
        verbose_name_plural = _("委员风采")
        indexes = [models.Index(fields=["date", "page_ptr"], name="content_story_date_id")]

    def search_body_parts(self):
        return [self.lead, stream_text(self.body)]

    def search_labels(self):
        return [self.member.name, self.member.sector.name]

    def summary_text(self):
        return self.lead

    def related_stories(self, limit=3):
        """Other stories of the same member first, then of the member's 界别, newest first."""
        same_member_first = Case(When(member_id=self.member_id, then=0), default=1, output_field=IntegerField())
        return (
            StoryPage.objects.live()
            .public()
            .with_card_data()
            .filter(Q(member_id=self.member_id) | Q(member__sector_id=self.member.sector_id))
            .exclude(pk=self.pk)
            .order_by(same_member_first, "-date", "-pk")[:limit]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_stories"] = self.related_stories()
        return context

    @property
    def member_card(self):
        return public_member(self.member)


def _rendition(image, spec):
    """The image's rendition for `spec`, taken from its prefetched renditions when it is there:
    Image.get_rendition() also writes each rendition to the cache on every call, which for a
    page of 30 member photos costs more than the page itself."""
    try:
        return image.find_existing_rendition(Filter(spec=spec))
    except image.get_rendition_model().DoesNotExist:
        return image.get_rendition(spec)


def public_member(member, rendition="fill-400x400"):
    """The public face of a member: never the phone or the 委员证号."""
    if member is None:
        return None
    photo = None
    if member.photo_id:
        image = _rendition(member.photo, rendition)
        photo = {"url": image.url, "width": image.width, "height": image.height, "alt": member.name}
    return {
        "id": member.pk,
        "name": member.name,
        "sector": member.sector.name,
        "party": member.party.name if member.party_id else None,
        "committee": member.committee.name if member.committee_id else None,
        "employer_title": member.employer_title,
        "is_standing": member.is_standing,
        "photo": photo,
    }


# ---------------------------------------------------------------------------
# 委员工作室


PROFILE_PERMISSION = "content.edit_station_profile"


def _profile_field(name, panel=FieldPanel):
    """A station-page field only holders of PROFILE_PERMISSION see and post: for anyone else the
    form leaves it out, so the stored value stays (a hidden group alone would still post it empty)."""
    return panel(name, permission=PROFILE_PERMISSION)


def _profile_publishing_panel():
    """Wagtail's 定时发布 panel (go-live and expiry), with each field for holders of
    PROFILE_PERMISSION only: a 召集人 neither sees nor posts a schedule."""
    panel = PublishingPanel(permission=PROFILE_PERMISSION)
    for child in panel.children:
        child.permission = PROFILE_PERMISSION
    return panel


class ReceptionDaysField(serializers.Field):
    """A station's coming 委员接待日 (intake.ReceptionDay, related_name reception_days) for the API:
    date, hours, place and who is on duty, never a booking."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, days):
        return [day.public_card() for day in days.upcoming().prefetch_related("on_duty")]


class StationKind(models.TextChoices):
    """委员工作室, or a 常委工作站 led by a 常委 (seed 002 二(二)1)."""

    STATION = "station", _("委员工作室")
    STANDING = "standing", _("常委工作站")


STANDING_LEAD_REASON = "常委工作站的负责人须是常委"


def standing_lead_problem(kind, member):
    """Why `member` cannot be the 负责人 of a station of `kind` ("" when they can): a 常委工作站
    is led by a 常委 (Member.is_standing, seed 002 二(二)1). The one rule that the application
    wizard, the offices' approval and the page editor all call."""
    if kind == StationKind.STANDING and member is not None and not member.is_standing:
        return STANDING_LEAD_REASON
    return ""


def standing_lead_message(kind, member):
    """standing_lead_problem() as a refusal naming its field: 「负责人」：常委工作站的负责人须是常委."""
    problem = standing_lead_problem(kind, member)
    return f"「负责人」：{problem}" if problem else ""


class WorkstationPageForm(WagtailAdminPageForm):
    """The station page's editor form: a 常委工作站 needs a 常委 as its 负责人. Checked only where
    the form carries both fields (an editor's form; a 召集人's leaves them out and cannot change
    them)."""

    def clean(self):
        data = super().clean()
        if "kind" in self.fields and "lead_member" in self.fields:
            problem = standing_lead_problem(data.get("kind"), data.get("lead_member"))
            if problem:
                self.add_error("lead_member", problem)
        return data


class WorkstationIndexPage(PublicPageMixin, Page):
    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["content.WorkstationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("委员工作室栏目")

    def summary_text(self):
        return plain_text(self.intro)

    def workstations(self):
        return WorkstationPage.objects.child_of(self).live().public()

    def filtered_workstations(self, params):
        """Stations of a 界别 (?sector=) and of a street's activity group (?street=)."""
        stations = self.workstations()
        chosen = {}
        sector = params.get("sector", "")
        if sector.isdecimal():
            stations = stations.of_sector(int(sector))
            chosen["sector"] = int(sector)
        street = params.get("street", "")
        if street.isdecimal():
            stations = stations.filter(street_group_id=int(street))
            chosen["street"] = int(street)
        return stations, chosen

    def filter_choices(self):
        """Only the 界别 and streets that some station belongs to, so no choice shows nothing."""
        from people.models import Sector, StreetGroup

        stations = self.workstations()
        sectors = Sector.objects.filter(
            Q(pk__in=stations.values("sector_id")) | Q(pk__in=stations.values("lead_member__sector_id"))
        )
        streets = StreetGroup.objects.filter(pk__in=stations.values("street_group_id"))
        return sectors, streets

    def route(self, request, path_components):
        if len(path_components) == 2:  # /<station>/<post>/: the 动态 and its station in one query
            post = WorkstationPostPage.objects.at_address(self, *path_components)
            if post is not None:
                return post.route(request, [])
        stations = WorkstationPage.objects.select_related(
            "lead_member__sector", "sector", "street_group", "committee", "sign_photo"
        )
        return route_to_child(self, request, path_components, stations) or super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stations, chosen = self.filtered_workstations(request.GET)
        context["workstations"] = (
            stations.select_related("lead_member__sector", "sign_photo")
            .prefetch_related("sign_photo__renditions")
            .order_by("title")
        )
        context["chosen"] = chosen
        context["sectors"], context["streets"] = self.filter_choices()
        return context


class WorkstationPageQuerySet(PageQuerySet):
    def of_sector(self, sector_id):
        """Stations based on a 界别 or led by one of its members."""
        return self.filter(Q(sector_id=sector_id) | Q(lead_member__sector_id=sector_id))


class WorkstationPage(CJKSearchMixin, PublicPageMixin, Page):
    class Basis(models.TextChoices):
        SECTOR = "sector", _("界别")
        STREET = "street", _("街道活动小组")
        COMMITTEE = "committee", _("专委会")

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下")
        ONLINE = "online", _("线上")
        BOTH = "both", _("线上线下结合")

    kind = models.CharField(_("类型"), max_length=10, choices=StationKind.choices, default=StationKind.STATION)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    mode = models.CharField(_("形式"), max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    basis = models.CharField(_("依托"), max_length=10, choices=Basis.choices)
    sector = models.ForeignKey(
        "people.Sector", verbose_name=_("依托界别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    street_group = models.ForeignKey(
        "people.StreetGroup",
        verbose_name=_("依托街道活动小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    committee = models.ForeignKey(
        "people.SpecialCommittee",
        verbose_name=_("对口委室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workstations",
    )
    lead_member = models.ForeignKey(
        "people.Member", verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="led_workstations"
    )
    members = ParentalManyToManyField(
        "people.Member", verbose_name=_("参与委员"), blank=True, related_name="workstations"
    )
    specialties = models.CharField(_("专长领域"), max_length=200, blank=True)
    public_contact = models.CharField(
        _("公开联系方式"), max_length=200, blank=True, help_text=_("对外公布的电话或邮箱（不是委员本人的手机）。")
    )
    # The standing habit in words; each dated 接待日 that citizens book is a ReceptionDay
    # (intake), listed as `reception_days`.
    reception_note = models.CharField(
        _("委员接待日说明"), max_length=200, blank=True, help_text=_("如“每月第一个周三 9:00—11:30”。")
    )
    sign_photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("标识牌照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duties = RichTextField(_("工作职责"), blank=True)
    workflow = RichTextField(_("工作流程"), blank=True)
    rules = RichTextField(_("工作制度"), blank=True)

    objects = PageManager.from_queryset(WorkstationPageQuerySet)()
    base_form_class = WorkstationPageForm

    # A station's 召集人 sees only 照片 and 年度计划: every other panel asks for
    # content.edit_station_profile, which editors and reviewers hold (people/roles.py).
    content_panels = [
        _profile_field("title", TitleFieldPanel),
        MultiFieldPanel(
            [
                _profile_field("kind"),
                _profile_field("address"),
                _profile_field("mode"),
                _profile_field("public_contact"),
                _profile_field("reception_note"),
            ],
            heading=_("基本信息"),
            permission=PROFILE_PERMISSION,
        ),
        MultiFieldPanel(
            [
                _profile_field("basis"),
                _profile_field("sector"),
                _profile_field("street_group"),
                _profile_field("committee"),
            ],
            heading=_("依托"),
            permission=PROFILE_PERMISSION,
        ),
        MultiFieldPanel(
            [_profile_field("lead_member"), _profile_field("members"), _profile_field("specialties")],
            heading=_("委员"),
            permission=PROFILE_PERMISSION,
        ),
        MultiFieldPanel(
            [
                _profile_field("sign_photo"),
                _profile_field("duties"),
                _profile_field("workflow"),
                _profile_field("rules"),
            ],
            heading=_("公示内容"),
            permission=PROFILE_PERMISSION,
        ),
        InlinePanel("photos", label=_("照片")),
        InlinePanel("plan_items", label=_("年度计划")),
    ]
    # Nor the slug, the search-engine texts, the menu flag or the publishing schedule.
    promote_panels = [
        MultiFieldPanel(
            [_profile_field("slug"), _profile_field("seo_title"), _profile_field("search_description")],
            heading=_("搜索引擎"),
            permission=PROFILE_PERMISSION,
        ),
        _profile_field("show_in_menus"),
    ]
    settings_panels = [_profile_publishing_panel(), CommentPanelPlaceholder()]
    parent_page_types = ["content.WorkstationIndexPage"]
    subpage_types = ["content.WorkstationPostPage"]

    search_fields = Page.search_fields + [index.SearchField("cjk_search_text")]
    api_fields = [
        APIField("address"),
        APIField("mode"),
        APIField("basis"),
        APIField("lead_member_card"),
        APIField("member_cards"),
        APIField("specialties"),
        APIField("public_contact"),
        APIField("reception_note"),
        APIField("reception_days", serializer=ReceptionDaysField()),
        APIField("sign_photo", serializer=ImageRenditionField("fill-800x600")),
        APIField("duties"),
        APIField("workflow"),
        APIField("rules"),
        APIField("photos"),
        APIField("plan_items"),
    ]

    class Meta:
        verbose_name = _("委员工作室")
        verbose_name_plural = _("委员工作室")
        permissions = [("edit_station_profile", _("修改委员工作室的基本信息、依托、委员和公示内容"))]

    def search_body_parts(self):
        return [
            self.specialties,
            self.address,
            plain_text(self.duties),
            plain_text(self.workflow),
            plain_text(self.rules),
        ]

    def search_labels(self):
        return [self.lead_member.name]

    def summary_text(self):
        facts = [f"负责人：{self.lead_member.name}"]
        facts += [
            f"{label}：{value}" for label, value in (("专长领域", self.specialties), ("地址", self.address)) if value
        ]
        facts += [f"委员接待日：{self.reception_note}"] if self.reception_note else []
        return "；".join(facts) + "。"

    @property
    def lead_member_card(self):
        return public_member(self.lead_member)

    @property
    def member_cards(self):
        return [public_member(m) for m in self.members.all()]  # prefetched by the API list

    def posts(self):
        return WorkstationPostPage.objects.of_station(self).live().public().order_by("-date", "-pk")

    def route(self, request, path_components):
        posts = WorkstationPostPage.objects.select_related("cover")
        return route_to_child(self, request, path_components, posts) or super().route(request, path_components)

    def months_with_activity(self, year):
        """{month: number of 动态 posts} for a year (months without any left out): 一站一计划、月月有活动.
        Counted once per publish for each station and year (a post counts once published, and every
        publish, unpublish or move clears the public cache), not on each request: counting walks the
        station's posts of the year, so a station with 5,000 posts read 5,000 index rows per view."""
        if self.pk is None:  # the preview of a station not saved yet has no posts
            return {}
        return computed_once_per_publish(
            f"lianxin:station-months:{self.pk}:{year}", lambda: self.count_months_with_activity(year)
        )

    def count_months_with_activity(self, year):
        """months_with_activity, counted now: one query over the station's (station, date) index
        range for the year, each month a filtered count in SQL: no per-row month extraction (a Python
        function call per row on SQLite)."""
        firsts = [datetime.date(year, month, 1) for month in range(1, 13)] + [datetime.date(year + 1, 1, 1)]
        counts = (
            self.posts()
            .filter(date__gte=firsts[0], date__lt=firsts[12])
            .order_by()
            .aggregate(
                **{
                    f"m{month}": models.Count("pk", filter=Q(date__gte=firsts[month - 1], date__lt=firsts[month]))
                    for month in range(1, 13)
                }
            )
        )
        return {month: counts[f"m{month}"] for month in range(1, 13) if counts[f"m{month}"]}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        year = year_param(request.GET.get("year"))
        activity = self.months_with_activity(year)
        context["year"] = year
        context["months"] = [{"month": m, "count": activity.get(m, 0)} for m in range(1, 13)]
        context["recent_posts"] = self.posts().select_related("cover").prefetch_related("cover__renditions")[:10]
        context["plan"] = self.plan_items.filter(date__year=year).order_by("date")
        context["team"] = self.team()
        return context

    PORTRAIT = "fill-240x240"  # the square the station page shows each member's photo in

    def team(self):
        """The 负责人, then each 参与委员 (by name), as the page shows them (S003-16: 公示委员照片):
        photo rendition, name and 界别 through public_member, never the phone or 委员证号. The
        members, their 界别 and photos' renditions come in three queries, however many there are."""
        from people.models import Member

        members = Member.objects.select_related("sector", "party", "committee", "photo").prefetch_related(
            "photo__renditions"
        )
        # The page's own list (a preview shows the draft's members, not the stored ones).
        ids = {m.pk for m in self.members.all()} - {self.lead_member_id}
        found = {m.pk: m for m in members.filter(pk__in=[self.lead_member_id, *ids])}
        lead = found.get(self.lead_member_id)
        others = sorted((found[pk] for pk in ids if pk in found), key=lambda m: (m.name, m.pk))
        cards = [{**public_member(lead, self.PORTRAIT), "lead": True}] if lead else []
        return cards + [{**public_member(m, self.PORTRAIT), "lead": False} for m in others]


class CaptionedImage(Orderable):
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("图片"), on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    api_fields = [APIField("image", serializer=ImageRenditionField("fill-800x600")), APIField("caption")]

    class Meta(Orderable.Meta):
        abstract = True


class WorkstationPhoto(CaptionedImage):
    page = ParentalKey(WorkstationPage, on_delete=models.CASCADE, related_name="photos")


class PlanItem(Orderable):
    """一站一计划：an activity the workstation plans for a month."""

    workstation = ParentalKey(WorkstationPage, on_delete=models.CASCADE, related_name="plan_items")
    date = models.DateField(_("日期"))
    title = models.CharField(_("活动"), max_length=200)
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    # The station's 活动日方案 (S001-11): which 委员活动日 this planned activity is for.
    activity_day = models.ForeignKey(
        "forms_app.ActivityDay",
        verbose_name=_("委员活动日"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("date"), FieldPanel("title"), FieldPanel("participants"), FieldPanel("activity_day")]
    api_fields = [APIField("date"), APIField("title"), APIField("participants")]

    class Meta(Orderable.Meta):
        verbose_name = _("计划活动")


class WorkstationPostQuerySet(PageQuerySet):
    def with_workstation_id(self):
        """Annotate each post with its workstation's id (the indexed `station` link, kept in step
        with the tree by WorkstationPostPage.save and the move signal)."""
        return self.annotate(parent_workstation_id=F("station_id"))

    def of_station(self, station):
        """The posts under `station`, through the indexed link rather than a scan of the tree path
        (none for a station not saved yet: a preview of a new page)."""
        return self.filter(station_id=station.pk) if station.pk is not None else self.none()

    # What the 动态 page shows of its station (the breadcrumb: its title and address) and what
    # Wagtail reads to place a page; any other field of the station loads if something asks for it.
    ADDRESS_STATION_FIELDS = (
        "id",
        "path",
        "depth",
        "title",
        "slug",
        "url_path",
        "content_type_id",
        "live",
        "locale_id",
        "page_ptr_id",
    )

    def at_address(self, index, station_slug, slug):
        """The post at <index>/<station_slug>/<slug>/ with its cover, and its station set as its
        parent, in one query through the post's indexed station link. (Wagtail's route reads the
        station, every field of it, then the post: two queries that cost the 动态 page more than
        rendering it.) None when no post matches there or the link disagrees with the tree; the
        caller then walks the tree as before."""
        fields = [f.attname for f in WorkstationPage._meta.concrete_fields if f.attname in self.ADDRESS_STATION_FIELDS]
        found = (
            self.select_related("cover")
            .filter(
                slug=slug,
                station__slug=station_slug,
                station__depth=index.depth + 1,
                station__path__startswith=index.path,
            )
            .annotate(**{f"_station_{name}": F(f"station__{name}") for name in fields})
            .order_by()[:1]
        )
        post = next(iter(found), None)
        if post is None or post.path[: -Page.steplen] != post._station_path:
            return None
        values = [getattr(post, f"_station_{name}") for name in fields]
        post._cached_parent_obj = WorkstationPage.from_db(self.db, fields, values)
        return post


class WorkstationPostPage(CJKSearchMixin, PublicPageMixin, Page):
    """动态: what a workstation did, with the activity category of the statistics tables."""

    date = models.DateField(_("活动日期"), default=datetime.date.today, db_index=True)
    category = models.CharField(_("活动类别"), max_length=12, choices=ActivityCategory.choices)
    # A 动态 reporting a 委员活动日 is due by the day's upload_deadline (seed 001 四.3).
    activity_day = models.ForeignKey(
        "forms_app.ActivityDay",
        verbose_name=_("委员活动日"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    text = RichTextField(_("内容"))
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The station the post sits under, copied from the tree on every save (and on a move, by
    # content/signals.py): counting a station's months walks an index (station, date) instead
    # of every station's posts of the year filtered by page path.
    station = models.ForeignKey(
        WorkstationPage,
        verbose_name=_("委员工作室"),
        null=True,
        editable=False,
        db_index=False,  # the (station, date) index below serves lookups by station alone
        on_delete=models.SET_NULL,
        related_name="station_posts",
    )

    objects = PageManager.from_queryset(WorkstationPostQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("category"),
        FieldPanel("activity_day"),
        FieldPanel("cover"),
        FieldPanel("text"),
        InlinePanel("pictures", label=_("图片")),
    ]
    parent_page_types = ["content.WorkstationPage"]
    subpage_types = []

    search_fields = Page.search_fields + [index.SearchField("cjk_search_text"), index.FilterField("date")]
    api_fields = [
        APIField("date"),
        APIField("category"),
        APIField("category_label"),
        APIField("text"),
        APIField("cover", serializer=ImageRenditionField("fill-800x600")),
        APIField("pictures"),
        APIField("workstation_id"),
    ]

    og_type = "article"

    class Meta:
        verbose_name = _("动态")
        verbose_name_plural = _("动态")
        indexes = [models.Index(fields=["station", "date"], name="content_post_station_date")]

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.path and (update_fields is None or "station" in update_fields):
            self.station_id = station_id_above(self.path)
        return super().save(*args, **kwargs)

    @property
    def category_label(self):
        return self.get_category_display()

    @cached_property
    def workstation_id(self):
        annotated = getattr(self, "parent_workstation_id", None)
        if annotated is not None:
            return annotated
        return self.station_id if self.station_id is not None else self.get_parent().pk

    def search_body_parts(self):
        return [plain_text(self.text)]

    def search_labels(self):
        return [self.get_category_display()]

    def summary_text(self):
        return plain_text(self.text)


def station_id_above(path):
    """The id of the WorkstationPage whose child sits at tree `path`, or None (a post is only
    ever created under a station: parent_page_types)."""
    parent_path = path[: -Page.steplen]
    return WorkstationPage.objects.filter(path=parent_path).values_list("pk", flat=True).first()


class PostPicture(CaptionedImage):
    page = ParentalKey(WorkstationPostPage, on_delete=models.CASCADE, related_name="pictures")
