"""The 工作室召集人's rules (issue 16 item 1): the group each station keeps for its conveners, and
what a convener writes from the front end — a 动态 and the 年度计划 — always through 内容审核.

Groups. Every station has a group 「召集人·<工作室>」 holding exactly the accounts whose
Profile.workstation names it, with add_page and change_page (never publish_page) on that
station's page and the image permissions in a collection of the station's own; the same accounts
hold the role 工作室召集人. A group is tied to its station by its page permission (not by its
name), so a renamed station renames its group and collection. sync_convener_groups() runs at the
end of every sync_roles() (people.roles.AFTER_SYNC); signals.py keeps things in step between
syncs (a profile saved or deleted, a station saved or deleted).

Writing. submit_post() drafts a WorkstationPostPage under the convener's station (content.drafts)
and starts the 内容审核 workflow on it as the convener, in one transaction; resubmit_post() edits a
returned one and resumes its workflow; submit_plan() saves a revision of the station page with the
year's PlanItems and submits it. Only a 审核员 publishes (the workflow's approval). Each write
locks its page row and checks the workflow state again under the lock, so two people acting at
once get one result and one message."""

import datetime
import io
import re
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    WorkflowState,
)

from content import drafts
from content.models import PlanItem, WorkstationPage, WorkstationPostPage
from forms_app.models import ActivityDay
from people.models import Profile
from people.roles import CONVENER, CONVENER_GROUP_PREFIX, IMAGES

from .rules import StationError, convener_station

PAGE_PERMISSIONS = ("add_page", "change_page")
COLLECTION_PERMISSIONS = IMAGES
MAX_PICTURES = 9
MAX_PICTURE_BYTES = 10 * 1024 * 1024
MAX_PICTURE_PIXELS = 40_000_000
PICTURE_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PICTURE_RULE = f"只接受 JPG、PNG 图片，最多 {MAX_PICTURES} 张，单张不超过 {MAX_PICTURE_BYTES // (1024 * 1024)} MB"
GROUP_NAME_LIMIT = Group._meta.get_field("name").max_length


class ConvenerError(StationError):
    """A refusal of a convener's write; `field` names the form field it belongs beside."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------------------
# The per-station groups


def group_name(station):
    return f"{CONVENER_GROUP_PREFIX}{station.title}"[:GROUP_NAME_LIMIT]


def _free_name(name, group=None):
    """`name`, or `name（n）` when another group holds it (two stations of one title)."""
    taken = Group.objects.filter(name=name).exclude(pk=getattr(group, "pk", None)).exists()
    if not taken:
        return name
    suffix = f"（{uuid.uuid4().hex[:4]}）"
    return name[: GROUP_NAME_LIMIT - len(suffix)] + suffix


def station_group(station_id):
    """The convener group of a station, found by its page permission, or None."""
    return (
        Group.objects.filter(name__startswith=CONVENER_GROUP_PREFIX, page_permissions__page_id=station_id)
        .order_by("pk")
        .first()
    )


def _permissions(app_label, codenames):
    found = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    return {p.codename: p for p in found}


def _collection_of(group):
    link = GroupCollectionPermission.objects.filter(group=group).select_related("collection").first()
    return link.collection if link else None


def ensure_station_group(station):
    """The station's convener group and collection, created or renamed as needed, with exactly
    the page and image permissions a convener needs. Returns (group, collection)."""
    name = group_name(station)
    # Found by its page permission; one that lost it (edited by hand) is found by its name.
    group = station_group(station.pk) or Group.objects.filter(name=name, page_permissions__isnull=True).first()
    if group is None:
        group = Group.objects.create(name=_free_name(name))
    elif not (
        group.name == name or re.fullmatch(re.escape(name[: GROUP_NAME_LIMIT - 6]) + "（[0-9a-f]{4}）", group.name)
    ):
        group.name = _free_name(name, group)
        group.save(update_fields=["name"])

    page_perms = _permissions("wagtailcore", PAGE_PERMISSIONS)
    wanted = {(station.pk, page_perms[c].pk) for c in PAGE_PERMISSIONS}
    held = set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission_id"))
    if held != wanted:
        GroupPagePermission.objects.filter(group=group).delete()
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page_id=page_id, permission_id=perm_id) for page_id, perm_id in wanted
        )

    collection = _collection_of(group)
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=station.title)
    elif collection.name != station.title:
        collection.name = station.title
        collection.save(update_fields=["name"])
    image_perms = _permissions("wagtailimages", [c.split(".", 1)[1] for c in COLLECTION_PERMISSIONS])
    wanted = {(collection.pk, p.pk) for p in image_perms.values()}
    held = set(GroupCollectionPermission.objects.filter(group=group).values_list("collection_id", "permission_id"))
    if held != wanted:
        GroupCollectionPermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection_id=c, permission_id=p) for c, p in wanted
        )
    if group.permissions.exists():
        group.permissions.clear()  # the role group carries the global permissions, not this one
    return group, collection


def _sync_role_group():
    """The role 工作室召集人: exactly the accounts whose profile names a station."""
    role, _ = Group.objects.get_or_create(name=CONVENER)
    role.user_set.set(get_user_model().objects.filter(profile__workstation__isnull=False))


@transaction.atomic
def sync_convener_groups():
    """Every station's group and collection, each holding exactly its conveners; groups of
    stations that no longer exist are removed. Runs after sync_roles()."""
    User = get_user_model()
    kept = []
    for station in WorkstationPage.objects.order_by("path"):
        group, _ = ensure_station_group(station)
        group.user_set.set(User.objects.filter(profile__workstation=station))
        kept.append(group.pk)
    Group.objects.filter(name__startswith=CONVENER_GROUP_PREFIX).exclude(pk__in=kept).delete()
    _sync_role_group()


def follow_profile(user_id):
    """Put an account in the group of the station its profile names (and in the role), and out
    of every other station's group: called whenever a profile is saved or deleted."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    station_id = Profile.objects.filter(user_id=user_id).values_list("workstation_id", flat=True).first()
    target = None
    if station_id is not None:
        station = WorkstationPage.objects.filter(pk=station_id).first()
        if station is not None:
            target, _ = ensure_station_group(station)
    for group in user.groups.filter(name__startswith=CONVENER_GROUP_PREFIX):
        if group != target:
            user.groups.remove(group)
    role = Group.objects.filter(name=CONVENER).first()
    if target is not None:
        user.groups.add(target)
        if role is not None:
            user.groups.add(role)
    elif role is not None:
        user.groups.remove(role)


def forget_station(group_ids):
    """A station deleted loses its group; its former conveners lose the role."""
    Group.objects.filter(pk__in=group_ids).delete()
    _sync_role_group()


# ---------------------------------------------------------------------------
# Who is asking


def station_of(user):
    """The station the user convenes (rules.convener_station: Profile.workstation), or None."""
    return convener_station(user)


def posts_of(station):
    """Every 动态 under the station, live or draft, newest first."""
    return WorkstationPostPage.objects.child_of(station).order_by("-latest_revision_created_at", "-pk")


# ---------------------------------------------------------------------------
# Workflow state, as the convener reads it

PENDING, PUBLISHED, RETURNED, WITHDRAWN, DRAFT = "待审核", "已发布", "退回", "已撤回", "草稿"


def _base_content_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Page)


def workflow_states(page_ids):
    """{page id: its latest WorkflowState (with the current task state)}, one query."""
    states = (
        WorkflowState.objects.filter(base_content_type=_base_content_type(), object_id__in=[str(pk) for pk in page_ids])
        .select_related("current_task_state", "requested_by")
        .order_by("object_id", "-created_at", "-pk")
    )
    latest = {}
    for state in states:
        latest.setdefault(int(state.object_id), state)
    return latest


def status_of(page, state):
    """(status word, reviewer's comment) for a post: 待审核, 退回 with the comment, 已发布, …"""
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return PENDING, ""
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        task = state.current_task_state
        return RETURNED, (task.comment if task else "")
    if page.live:
        return PUBLISHED, ""
    if state is not None and state.status == WorkflowState.STATUS_CANCELLED:
        return WITHDRAWN, ""
    return DRAFT, ""


def plan_submissions(station, user):
    """The convener's plan revisions of the station page: [(state, status word, comment)], newest first."""
    states = (
        WorkflowState.objects.filter(
            base_content_type=_base_content_type(), object_id=str(station.pk), requested_by=user
        )
        .select_related("current_task_state")
        .order_by("-created_at", "-pk")
    )
    words = {
        WorkflowState.STATUS_IN_PROGRESS: PENDING,
        WorkflowState.STATUS_NEEDS_CHANGES: RETURNED,
        WorkflowState.STATUS_APPROVED: PUBLISHED,
        WorkflowState.STATUS_CANCELLED: WITHDRAWN,
    }
    rows = []
    for state in states:
        comment = ""
        if state.status == WorkflowState.STATUS_NEEDS_CHANGES and state.current_task_state:
            comment = state.current_task_state.comment
        rows.append((state, words[state.status], comment))
    return rows


def may_resubmit(post, state):
    """A post the convener may edit and send again: returned, withdrawn or never submitted."""
    status, _ = status_of(post, state)
    return status in (RETURNED, WITHDRAWN, DRAFT)


# ---------------------------------------------------------------------------
# Pictures


def check_pictures(files):
    """Refuse the whole lot unless every file is a JPG or PNG within the limits: the size is read
    before the picture is opened, and nothing is written either way. Returns [(file, ext)]."""
    files = [f for f in files if f]
    if len(files) > MAX_PICTURES:
        raise ConvenerError(f"「图片」：最多 {MAX_PICTURES} 张，你选了 {len(files)} 张。", field="pictures")
    checked = []
    for n, upload in enumerate(files, start=1):
        label = f"第 {n} 张（{upload.name}）"
        if upload.size > MAX_PICTURE_BYTES:
            raise ConvenerError(
                f"「图片」：{label}有 {filesizeformat(upload.size)}，{PICTURE_RULE}。", field="pictures"
            )
        try:
            upload.seek(0)
            with PILImage.open(upload) as picture:
                kind = picture.format
                pixels = picture.width * picture.height
                picture.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
            kind, pixels = None, 0
        if kind not in PICTURE_FORMATS:
            raise ConvenerError(f"「图片」：{label}不是 JPG 或 PNG 图片，{PICTURE_RULE}。", field="pictures")
        if pixels > MAX_PICTURE_PIXELS:
            raise ConvenerError(f"「图片」：{label}像素太多，请缩小后再上传。", field="pictures")
        upload.seek(0)
        checked.append((upload, PICTURE_FORMATS[kind]))
    return checked


def _save_pictures(checked, station, title, user):
    """Wagtail images in the station's own collection, titled after the post."""
    _, collection = ensure_station_group(station)
    Image = get_image_model()
    images = []
    for n, (upload, ext) in enumerate(checked, start=1):
        image = Image(title=f"{title}（{n}）"[:255], collection=collection, uploaded_by_user=user)
        image.file = ImageFile(io.BytesIO(upload.read()), name=f"station-{station.pk}-{uuid.uuid4().hex[:8]}.{ext}")
        image._set_image_file_metadata()
        image.save()
        images.append(image)
    return images


# ---------------------------------------------------------------------------
# 动态


def activity_day_choices(station, today=None, keep=None):
    """The 委员活动日 a post or plan item may name: every day of the last twelve months and the next
    two, newest first (every station takes part, seed 001 四.2: 全体委员参与), plus `keep`, a
    post's current day, so editing never drops it."""
    today = today or timezone.localdate()
    recent = Q(date__gte=today - datetime.timedelta(days=366), date__lte=today + datetime.timedelta(days=62))
    if keep is not None:
        recent |= Q(pk=keep)
    return ActivityDay.objects.filter(recent).order_by("-date", "-pk")


def check_post(station, *, date, activity_day, today=None, keep=None):
    today = today or timezone.localdate()
    if date > today:
        raise ConvenerError("「活动日期」：动态记录已开展的活动，日期不能晚于今天。", field="date")
    if (
        activity_day is not None
        and not activity_day_choices(station, today, keep=keep).filter(pk=activity_day.pk).exists()
    ):
        raise ConvenerError("「委员活动日」：请从列表中选择近期的委员活动日。", field="activity_day")


def _workflow_for(page):
    workflow = page.get_workflow()
    if workflow is None:
        raise ConvenerError("内容审核流程未设置，暂时不能提交。请联系系统管理员。")
    return workflow


def _lock_page(pk):
    return Page.objects.select_for_update().filter(pk=pk).first()


@transaction.atomic
def submit_post(user, *, title, date, category, activity_day, text, pictures, today=None):
    """A draft 动态 under the convener's own station, submitted to 内容审核 as the convener."""
    station = station_of(user)
    if station is None:
        raise ConvenerError("这个账号不是工作室召集人。")
    _lock_page(station.pk)
    check_post(station, date=date, activity_day=activity_day, today=today)
    checked = check_pictures(pictures)
    images = _save_pictures(checked, station, title, user)
    post = drafts.draft_station_post(
        station=station,
        title=title,
        slug=f"post-{date:%Y%m%d}-{uuid.uuid4().hex[:6]}",
        date=date,
        category=category,
        activity_day=activity_day,
        text=text,
        images=images,
        owner=user,
    )
    _workflow_for(post).start(post, user)
    return post


@transaction.atomic
def resubmit_post(user, post_id, *, title, date, category, activity_day, text, pictures, today=None):
    """Edit a returned (or withdrawn) 动态 of the convener's station and send it to review again.
    New pictures replace the old ones; none chosen keeps them."""
    station = station_of(user)
    if station is None:
        raise ConvenerError("这个账号不是工作室召集人。")
    if _lock_page(post_id) is None:
        raise ConvenerError("这条动态已被删除。")
    post = posts_of(station).filter(pk=post_id).first()
    if post is None:
        raise ConvenerError("这条动态不属于你的工作室。")
    state = workflow_states([post.pk]).get(post.pk)
    status, _ = status_of(post, state)
    if status == PENDING:
        raise ConvenerError("这条动态已经提交审核，审核员处理之前不能再修改。")
    if status == PUBLISHED:
        raise ConvenerError("这条动态已经发布，不能在这里修改；如需更正，请联系审核员。")
    check_post(station, date=date, activity_day=activity_day, today=today, keep=post.activity_day_id)
    checked = check_pictures(pictures)
    images = _save_pictures(checked, station, title, user) if checked else None
    drafts.revise_station_post(
        post,
        title=title,
        date=date,
        category=category,
        activity_day=activity_day,
        text=text,
        images=images,
        user=user,
    )
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
    else:
        _workflow_for(post).start(post, user)
    return post


# ---------------------------------------------------------------------------
# 年度计划


def plan_years(today=None):
    """This year and next: the years a convener plans."""
    year = (today or timezone.localdate()).year
    return (year, year + 1)


def check_plan_items(year, items):
    """{row index: {field: message}} for each planned activity outside `year` (issue 16:
    「日期」：计划活动应在 2026 年内)."""
    errors = {}
    for n, item in enumerate(items):
        if item["date"] and item["date"].year != year:
            errors.setdefault(n, {})["date"] = f"「日期」：计划活动应在 {year} 年内"
    return errors


def plan_items_of(station, year):
    """The year's items as the convener last wrote them: from the latest revision (a plan in
    review shows what was sent, not the live one)."""
    page = station.get_latest_revision_as_object() if station.latest_revision_id else station
    return sorted((i for i in page.plan_items.all() if i.date.year == year), key=lambda i: (i.date, i.pk or 0))


def plan_state(station):
    """The station page's active workflow state (in review or returned), or None."""
    return (
        WorkflowState.objects.active()
        .filter(base_content_type=_base_content_type(), object_id=str(station.pk))
        .select_related("requested_by", "current_task_state")
        .first()
    )


@transaction.atomic
def submit_plan(user, year, items, *, based_on=None, today=None):
    """Replace the year's PlanItems in a new revision of the station page and submit it to
    内容审核; the live page keeps the old plan until a 审核员 approves. `items`: dicts of date,
    title, participants, activity_day. `based_on`: the revision id the form was opened on."""
    station = station_of(user)
    if station is None:
        raise ConvenerError("这个账号不是工作室召集人。")
    if year not in plan_years(today):
        raise ConvenerError(f"只能编辑 {plan_years(today)[0]} 年和 {plan_years(today)[1]} 年的计划。")
    errors = check_plan_items(year, items)
    if errors:
        first = min(errors)
        raise ConvenerError(f"第 {first + 1} 项{next(iter(errors[first].values()))}", field=errors)
    _lock_page(station.pk)
    station = WorkstationPage.objects.get(pk=station.pk)
    state = plan_state(station)
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        who = state.requested_by.get_full_name() or state.requested_by.get_username() if state.requested_by else "有人"
        raise ConvenerError(
            f"本工作室页面正在内容审核中（{who}于 {timezone.localtime(state.created_at):%m月%d日 %H:%M} 提交），"
            "审核员处理之前不能再修改计划。"
        )
    if based_on is not None and station.latest_revision_id not in (None, based_on):
        raise ConvenerError("打开这个页面之后，工作室页面已被别人修改过。请记下你填的内容，重新打开计划页再改。")
    page = station.get_latest_revision_as_object() if station.latest_revision_id else station
    kept = [i for i in page.plan_items.all() if i.date.year != year]
    new = [
        PlanItem(
            date=item["date"],
            title=item["title"],
            participants=item.get("participants", ""),
            activity_day=item.get("activity_day"),
        )
        for item in items
    ]
    page.plan_items = kept + sorted(new, key=lambda i: i.date)
    page.save_revision(user=user, log_action=True)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
    else:
        _workflow_for(station).start(station, user)
    return station
