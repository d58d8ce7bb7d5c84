"""街道活动小组的活动 and their attendance (issue 16 item 12; seed 003 annex 2 第二、五、六条; seed 004
(四)): every rule once, for the 联络员's front end, the offices' admin list, the 签到表 import and the
demo.

Who reads and writes comes from stations.rules alone: an activity is read by whom
rules.street_groups_visible_to admits (the group's 联络员, the 专委会工作室 that runs it, 委员联络室, the
leadership) and written by whom rules.may_write_group admits (not the leadership).

An activity's invitees default to the group's members (Member.street_group), each 出席 until the
联络员 marks otherwise; a member from outside the group who came may be added. Dates may not lie in
the future; the 对应计划 must be an item of this group's 一街一策 of the activity's year. Photos are
JPG or PNG, at most 10 MB each and 9 per activity, checked (size and the file's first bytes) before
anything is stored, and kept in private storage: only stations.activity_views hands them out,
after asking the same selector.

Writes lock the activity's row and check again under the lock; a deleted activity is a
StationError, not a 500. Attendance written in bulk (the 签到表 import) sends records_changed, so the
履职档案 ledger (stations.ledger) follows."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from lianxin_site.db import locked_row
from lianxin_site.signals import records_changed
from people.models import Member

from . import rules
from .models import ActivityKind, ActivityPhoto, Presence, StreetAttendance, StreetGroupActivity, StreetPlanItem

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_COUNT = 9
PHOTO_TEXT = f"「照片」：只接受 JPG、PNG，单张不超过 {PHOTO_MAX_BYTES // (1024 * 1024)} MB"
ROLE_MAX = 30
PRESENCE_OF = {str(label): value for value, label in Presence.choices}
PRESENCE_LABEL = {value: label for label, value in PRESENCE_OF.items()}
KIND_LABEL = {value: str(label) for value, label in ActivityKind.choices}
NOT_FOUND = "这项活动已被删除，没有保存。"


class ActivityError(rules.StationError):
    """A refusal naming its fields: `errors` is {field: [「字段」：原因, …]} ("" for the whole form)."""

    def __init__(self, errors):
        self.errors = errors if isinstance(errors, dict) else {"": [str(errors)]}
        super().__init__("；".join(m for messages in self.errors.values() for m in messages))


# ---------------------------------------------------------------------------
# Selectors


def activities_visible_to(user):
    """The activities a user may read: those of the groups rules.street_groups_visible_to admits."""
    return StreetGroupActivity.objects.filter(group__in=rules.street_groups_visible_to(user))


def writable_groups(user):
    """The groups whose activities a user writes (rules.may_write_group for each, in one query)."""
    if not (user.is_authenticated and user.has_perm("stations.add_streetgroupactivity")):
        return rules.street_groups_visible_to(user).none()
    return rules.street_groups_visible_to(user)


def default_invitees(group):
    """Who is invited to a new activity: the group's members (seed 003 annex 2 第三条: each member
    takes part in one group), in 委员证号 order."""
    return Member.objects.filter(street_group=group).order_by("code")


def attendance_counts(activities):
    """{activity id: (出席, 请假, 缺席)} for many activities in one query."""
    rows = (
        StreetAttendance.objects.filter(activity__in=activities)
        .values("activity_id")
        .annotate(
            present=Count("pk", filter=Q(presence=Presence.PRESENT)),
            excused=Count("pk", filter=Q(presence=Presence.EXCUSED)),
            absent=Count("pk", filter=Q(presence=Presence.ABSENT)),
        )
    )
    return {row["activity_id"]: (row["present"], row["excused"], row["absent"]) for row in rows}


# ---------------------------------------------------------------------------
# Checks


@dataclass
class Fields:
    """What the form (or the demo) gives an activity."""

    date: datetime.date
    title: str
    kind: str
    place: str = ""
    plan_item: StreetPlanItem = None
    opinions: int = 0
    deeds: int = 0
    outcome: str = ""


def check_fields(group, fields, today=None):
    """{field: [message]} of what is wrong with `fields` for `group` (empty when all is well)."""
    today = today or timezone.localdate()
    errors = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if fields.date is None:
        add("date", "「日期」：请填写活动日期")
    elif fields.date > today:
        add("date", f"「日期」：活动日期不能晚于今天（{today:%Y-%m-%d}），活动开展后再记录")
    if not (fields.title or "").strip():
        add("title", "「活动名称」：请填写活动名称")
    if fields.kind not in KIND_LABEL:
        add("kind", "「类型」：请选择" + "、".join(KIND_LABEL.values()) + "之一")
    item = fields.plan_item
    if item is not None and fields.date is not None:
        plan = item.plan
        if plan.group_id != group.pk:
            add("plan_item", "「对应计划」：只能选择本小组一街一策中的计划活动")
        elif plan.year != fields.date.year:
            add("plan_item", f"「对应计划」：应是本小组 {fields.date.year} 年一街一策中的计划活动")
    for name, label in (("opinions", "收集意见建议（条）"), ("deeds", "为民办实事（件）")):
        value = getattr(fields, name)
        if value is None or value < 0:
            add(name, f"「{label}」：请填写 0 或正整数")
    return errors


def check_photo(upload):
    """A message if `upload` is not a JPG or PNG of at most PHOTO_MAX_BYTES, else "". The size is
    read from the upload and the type from its first bytes, before anything is stored."""
    if upload.size > PHOTO_MAX_BYTES:
        return f"{PHOTO_TEXT}（“{upload.name}”有 {filesizeformat(upload.size)}）"
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    is_jpeg = head[:3] == b"\xff\xd8\xff"
    is_png = head == b"\x89PNG\r\n\x1a\n"
    name = upload.name.lower()
    if not ((is_jpeg and name.endswith((".jpg", ".jpeg"))) or (is_png and name.endswith(".png"))):
        return f"{PHOTO_TEXT}（“{upload.name}”不是 JPG 或 PNG 图片）"
    return ""


def check_photos(uploads, already=0):
    errors = [message for upload in uploads if (message := check_photo(upload))]
    if already + len(uploads) > PHOTO_MAX_COUNT:
        errors.append(f"「照片」：每项活动最多 {PHOTO_MAX_COUNT} 张照片（已有 {already} 张）")
    return errors


def check_attendance(rows):
    """Messages for [(member, presence, role)]: a known presence, a short role, each member once."""
    errors, seen = [], set()
    for member, presence, role in rows:
        if presence not in PRESENCE_LABEL:
            errors.append(f"「出席情况」：{member.name} 应为出席、请假或缺席")
        if len(role or "") > ROLE_MAX:
            errors.append(f"「角色」：{member.name} 的角色不能超过 {ROLE_MAX} 个字")
        if member.pk in seen:
            errors.append(f"「委员」：{member.name} 重复登记")
        seen.add(member.pk)
    return errors


# ---------------------------------------------------------------------------
# Services


def _refuse_unless_writer(user, group):
    if not rules.may_write_group(user, group):
        raise rules.StationError(f"您的账号不能记录{group.name}的活动。")


def _apply(activity, fields):
    for name in ("date", "title", "kind", "place", "plan_item", "opinions", "deeds", "outcome"):
        value = getattr(fields, name)
        setattr(activity, name, value.strip() if isinstance(value, str) else value)


def _store_photos(activity, uploads):
    for upload in uploads:
        upload.seek(0)
        ActivityPhoto.objects.create(activity=activity, file=upload, original_name=upload.name[:255])


def create_activity(user, group, fields, photos=(), invitees=None, today=None):
    """Record an activity of `group`: its fields, its photos, and one 出席 row per invitee (the
    group's members unless `invitees` names others). Returns the activity."""
    _refuse_unless_writer(user, group)
    errors = check_fields(group, fields, today)
    if photo_errors := check_photos(photos):
        errors["photos"] = photo_errors
    if errors:
        raise ActivityError(errors)
    members = list(default_invitees(group) if invitees is None else invitees)
    with transaction.atomic():
        activity = StreetGroupActivity(group=group, created_by=user)
        _apply(activity, fields)
        activity.save()
        StreetAttendance.objects.bulk_create(
            [StreetAttendance(activity=activity, member=m, presence=Presence.PRESENT) for m in members]
        )
        _store_photos(activity, photos)
        records_changed.send(sender=StreetAttendance, years=[activity.date.year])
    return activity


def _locked(activity_id):
    try:
        return locked_row(StreetGroupActivity.objects.select_related("group"), pk=activity_id)
    except StreetGroupActivity.DoesNotExist:
        raise rules.StationError(NOT_FOUND) from None


def update_activity(user, activity_id, fields, attendance=None, photos=(), remove_photos=(), today=None):
    """Change an activity (and, when given, its attendance as [(member, presence, role)]: rows for
    members left out are removed), add photos and remove those named. Locks the row first."""
    with transaction.atomic():
        activity = _locked(activity_id)
        _refuse_unless_writer(user, activity.group)
        old_year = activity.date.year
        errors = check_fields(activity.group, fields, today)
        kept = activity.photos.exclude(pk__in=list(remove_photos)).count()
        if photo_errors := check_photos(photos, already=kept):
            errors["photos"] = photo_errors
        if attendance is not None and (attendance_errors := check_attendance(attendance)):
            errors["attendance"] = attendance_errors
        if errors:
            raise ActivityError(errors)
        _apply(activity, fields)
        activity.save()
        if attendance is not None:
            _replace_attendance(activity, attendance)
        for photo in activity.photos.filter(pk__in=list(remove_photos)):
            photo.file.delete(save=False)
            photo.delete()
        _store_photos(activity, photos)
        records_changed.send(sender=StreetAttendance, years=sorted({old_year, activity.date.year}))
    return activity


def _replace_attendance(activity, rows):
    wanted = {member.pk: (presence, (role or "").strip()) for member, presence, role in rows}
    existing = {a.member_id: a for a in activity.attendance.all()}
    StreetAttendance.objects.filter(activity=activity).exclude(member_id__in=list(wanted)).delete()
    changed, new = [], []
    for member_id, (presence, role) in wanted.items():
        row = existing.get(member_id)
        if row is None:
            new.append(StreetAttendance(activity=activity, member_id=member_id, presence=presence, role=role))
        elif (row.presence, row.role) != (presence, role):
            row.presence, row.role = presence, role
            changed.append(row)
    StreetAttendance.objects.bulk_create(new)
    StreetAttendance.objects.bulk_update(changed, ["presence", "role"])


def record_attendance(user, activity_id, rows):
    """Set the attendance of the members named in `rows` [(member, presence, role)], leaving the
    others as they are (the 签到表 import). All or nothing, under the activity's lock. Returns
    (created, updated)."""
    with transaction.atomic():
        activity = _locked(activity_id)
        _refuse_unless_writer(user, activity.group)
        if errors := check_attendance(rows):
            raise ActivityError({"attendance": errors})
        existing = {a.member_id: a for a in activity.attendance.all()}
        changed, new = [], []
        for member, presence, role in rows:
            row = existing.get(member.pk)
            if row is None:
                new.append(StreetAttendance(activity=activity, member=member, presence=presence, role=role))
            elif (row.presence, row.role) != (presence, role):
                row.presence, row.role = presence, role
                changed.append(row)
        StreetAttendance.objects.bulk_create(new)
        StreetAttendance.objects.bulk_update(changed, ["presence", "role"])
        records_changed.send(sender=StreetAttendance, years=[activity.date.year])
    return len(new), len(changed)


def delete_activity(user, activity_id):
    with transaction.atomic():
        activity = _locked(activity_id)
        _refuse_unless_writer(user, activity.group)
        year = activity.date.year
        files = [photo.file for photo in activity.photos.all()]
        activity.delete()
        records_changed.send(sender=StreetAttendance, years=[year])
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
