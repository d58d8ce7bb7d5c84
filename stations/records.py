"""A station's own records (seed 003 annex 1 四(三): 季度例会、履职日志): the rules, once.

Only the station's 召集人 writes them (rules.may_write_station_records); the 专委会工作室 of its
对口委室 and 委员联络室 read them (records_visible_to, built on rules.stations_visible_to). They
are operating records: never on a page, in search, the API or the page cache.

check_meeting / check_log return every problem at once as {field: [message]}, each message naming
its field (「日期」：…); save_meeting / save_log check again, lock the row being edited and write,
or raise RecordError with the same dict and write nothing. The attachment of a meeting is checked
(type by name and by its first bytes, size) before it is stored, in private storage."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lianxin_site.db import locked_row
from lianxin_site.signals import records_changed
from lianxin_site.uploads import document_refusal
from people.models import Member

from . import rules as station_rules
from .models import LogType, MeetingAbsence, StationLog, StationMeeting

ATTACHMENT_NAME_MAX = 200
MINUTES_MAX = StationMeeting._meta.get_field("minutes").max_length
MATTER_MAX = StationLog._meta.get_field("matter").max_length
HANDLING_MAX = StationLog._meta.get_field("handling").max_length
REASON_MAX = MeetingAbsence._meta.get_field("reason").max_length


class RecordError(station_rules.StationError):
    """A meeting or log refused; `errors` is {field: [message]}, str() all of them."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("；".join(m for messages in errors.values() for m in messages))


# --- who


def station_members(station):
    """The station's members: its 负责人 and its 参与委员 (a QuerySet, by 委员证号)."""
    ids = {station.lead_member_id, *station.members.values_list("pk", flat=True)}
    return Member.objects.filter(pk__in=ids).order_by("code")


def records_visible_to(user, model):
    """The meetings or logs (`model`) a user reads: those of the stations rules.stations_visible_to
    gives (a 专委会工作室 its 对口委室's, 委员联络室 all), for readers of the records, plus a
    convener's own station's."""
    perm = f"stations.view_{model._meta.model_name}"
    if not (user.is_authenticated and user.is_active and user.has_perm(perm)):
        return model.objects.none()
    return model.objects.filter(station__in=station_rules.stations_visible_to(user)) | model.objects.filter(
        station_id=station_rules.convener_station_id(user) or 0
    )


def may_read_records(user):
    """The admin lists are for the offices (a 专委会工作室, 委员联络室, the leadership with the
    right); a 召集人 reads their own on the front end."""
    if not user.has_perm("stations.view_stationmeeting"):
        return False
    return station_rules.sees_everything(user) or station_rules.office_committee(user) is not None


def convener_records(user, model):
    """The records of the station this account convenes (none for anyone else)."""
    station_id = station_rules.convener_station_id(user)
    if station_id is None or not user.has_perm(f"stations.add_{model._meta.model_name}"):
        return model.objects.none()
    return model.objects.filter(station_id=station_id)


# --- the checks


@dataclass
class Meeting:
    """What a 季度例会 record says: members as Member rows, absences as [(member, reason)]."""

    date: datetime.date | None
    attendees: list = field(default_factory=list)
    absences: list = field(default_factory=list)
    minutes: str = ""


@dataclass
class Log:
    date: datetime.date | None
    members: list = field(default_factory=list)
    type: str = ""
    matter: str = ""
    handling: str = ""


def _add(errors, name, message):
    errors.setdefault(name, []).append(message)


def _check_date(errors, date, today):
    if date is None:
        _add(errors, "date", "「日期」：请填写日期")
    elif date > today:
        _add(errors, "date", f"「日期」：不能晚于今天（{today:%Y-%m-%d}）")


def _not_members(people, allowed_ids):
    return [m.name for m in people if m.pk not in allowed_ids]


def allowed_member_ids(station, instance=None, relation=None):
    """Ids a record may name: the station's members now, and whoever an existing record already
    names (a member who has since left the station stays on last spring's minutes)."""
    ids = set(station_members(station).values_list("pk", flat=True))
    if instance is not None and instance.pk:
        ids |= set(getattr(instance, relation).values_list("pk", flat=True))
        if isinstance(instance, StationMeeting):
            ids |= set(instance.absences.values_list("member_id", flat=True))
    return ids


def check_meeting(station, meeting, instance=None, today=None):
    """{field: [message]} for a 季度例会 record: a date not in the future, at least one attendee,
    every attendee and absentee a member of the station, nobody both, a reason for each absence,
    the minutes."""
    today = today or timezone.localdate()
    errors = {}
    _check_date(errors, meeting.date, today)
    allowed = allowed_member_ids(station, instance, "attendees")
    if not meeting.attendees:
        _add(errors, "attendees", "「出席委员」：请至少选择一位出席的委员")
    strangers = _not_members(meeting.attendees, allowed)
    if strangers:
        _add(errors, "attendees", f"「出席委员」：{'、'.join(strangers)}不是本工作室的委员")
    absent = [member for member, _reason in meeting.absences]
    strangers = _not_members(absent, allowed)
    if strangers:
        _add(errors, "absentees", f"「缺席委员」：{'、'.join(strangers)}不是本工作室的委员")
    attending = {m.pk for m in meeting.attendees}
    both = [m.name for m in absent if m.pk in attending]
    if both:
        _add(errors, "absentees", f"「缺席委员」：{'、'.join(both)}不能既出席又缺席")
    for member, reason in meeting.absences:
        if not (reason or "").strip():
            _add(errors, "absentees", f"「缺席原因」：请填写{member.name}缺席的原因")
        elif len(reason) > REASON_MAX:
            _add(errors, "absentees", f"「缺席原因」：{member.name}的缺席原因不能超过 {REASON_MAX} 个字")
    minutes = (meeting.minutes or "").strip()
    if not minutes:
        _add(errors, "minutes", "「会议纪要」：请填写会议纪要")
    elif len(minutes) > MINUTES_MAX:
        _add(errors, "minutes", f"「会议纪要」：不能超过 {MINUTES_MAX} 个字（现在 {len(minutes)} 个字）")
    return errors


def check_log(station, log, instance=None, today=None):
    """{field: [message]} for a 履职日志 entry: a date not in the future, at least one member of the
    station, a type, the matter."""
    today = today or timezone.localdate()
    errors = {}
    _check_date(errors, log.date, today)
    if not log.members:
        _add(errors, "members", "「委员」：请至少选择一位委员")
    strangers = _not_members(log.members, allowed_member_ids(station, instance, "members"))
    if strangers:
        _add(errors, "members", f"「委员」：{'、'.join(strangers)}不是本工作室的委员")
    if log.type not in LogType.values:
        _add(errors, "type", "「类型」：应为接待群众、收集社情民意、学习宣讲、协商议事或其他")
    matter = (log.matter or "").strip()
    if not matter:
        _add(errors, "matter", "「事项」：请填写事项")
    elif len(matter) > MATTER_MAX:
        _add(errors, "matter", f"「事项」：不能超过 {MATTER_MAX} 个字（现在 {len(matter)} 个字）")
    if len(log.handling or "") > HANDLING_MAX:
        _add(errors, "handling", f"「办理与反馈」：不能超过 {HANDLING_MAX} 个字")
    return errors


def attachment_error(upload):
    """Why `upload` (an UploadedFile) cannot be a meeting's attachment, or "": the document check
    every record's attachment passes (size first, then the first bytes), then the name's length."""
    problem = document_refusal(upload)
    if problem:
        return problem
    name = upload.name or ""
    if len(name) > ATTACHMENT_NAME_MAX:
        return f"「附件」：文件名太长（{len(name)} 个字），请改短到 {ATTACHMENT_NAME_MAX} 个字以内"
    return ""


# --- the writers


def _require_writer(user, station):
    if not station_rules.may_write_station_records(user, station):
        raise station_rules.StationError("只有本工作室的召集人可以记录季度例会和履职日志。")


def _locked_own(model, station, instance):
    """The record being edited, locked; RecordError if it was deleted or is another station's."""
    try:
        return locked_row(model.objects.all(), pk=instance.pk, station_id=station.pk)
    except model.DoesNotExist:
        raise RecordError({"": ["这条记录已被删除，没有保存修改。"]}) from None


@transaction.atomic
def save_meeting(user, station, meeting, instance=None, attachment=None, today=None):
    """Write a 季度例会 record (new, or `instance` edited). `attachment`: an UploadedFile to keep,
    False to remove the stored one, None to leave it."""
    _require_writer(user, station)
    errors = check_meeting(station, meeting, instance, today)
    if attachment:
        problem = attachment_error(attachment)
        if problem:
            _add(errors, "attachment", problem)
    if errors:
        raise RecordError(errors)
    if instance is not None:
        record = _locked_own(StationMeeting, station, instance)
    else:
        record = StationMeeting(station=station, created_by=user)
    old_year = record.date.year if record.date else meeting.date.year
    record.date = meeting.date
    record.minutes = meeting.minutes.strip()
    old_file = record.attachment.name if record.attachment else ""
    if attachment:
        record.attachment.save(Path(attachment.name).name, attachment, save=False)
        record.attachment_name = Path(attachment.name).name
    elif attachment is False:
        record.attachment = ""
        record.attachment_name = ""
    record.save()
    record.attendees.set(meeting.attendees)
    record.absences.all().delete()
    MeetingAbsence.objects.bulk_create(
        MeetingAbsence(meeting=record, member=member, reason=reason.strip()) for member, reason in meeting.absences
    )
    if old_file and old_file != (record.attachment.name or ""):
        storage = record.attachment.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    if old_year != record.date.year:
        # The ledger's 季度例会 rows: the save signal resyncs the new year; the old one too.
        records_changed.send(sender=StationMeeting, years=[old_year, record.date.year])
    return record


@transaction.atomic
def save_log(user, station, log, instance=None, today=None):
    """Write a 履职日志 entry (new, or `instance` edited)."""
    _require_writer(user, station)
    errors = check_log(station, log, instance, today)
    if errors:
        raise RecordError(errors)
    if instance is not None:
        record = _locked_own(StationLog, station, instance)
    else:
        record = StationLog(station=station, created_by=user)
    record.date = log.date
    record.type = log.type
    record.matter = log.matter.strip()
    record.handling = (log.handling or "").strip()
    record.save()
    record.members.set(log.members)
    return record
