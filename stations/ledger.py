"""街道活动小组 activities and 委员工作室 季度例会 as a source of the 履职档案 ledger (issue 16 item 12).

One row per member marked 出席 at a street-group activity (seed 003 annex 2 第五条: 政协委员参加街道小组
活动纳入委员考核), and one per attendee of a station's 季度例会 (StationMeeting.attendees).

Only 出席 gives a row. 请假 and 缺席 are not 履职: the seeds count what a member took part in (seed 000
录入「出勤情况与发挥的作用」 to score participation; seed 003 第五条 counts 参加街道小组活动); an
invitation to a street group is every member of the group by default, so a row per 缺席 would fill
the ledger with activities nobody asked the member to answer for, and the 记分办法 has no rule that
deducts for them. The 角色 typed at a street activity gives the ledger's role as the 五个一 source
reads 发挥的作用 (主持, 发言, 组织, else 参加).

Titles name the group (or station), the kind and the activity's title only: never the place, the
意见建议和办实事情况 or a meeting's minutes, which stay in the operating records.

The ledger follows on commit: saving or deleting an activity, an attendance row or a meeting
(`watch`), changing a meeting's attendees (m2m_changed, below), and the bulk writes of
street_activities (the 签到表 import), which send records_changed. Registered from
StationsConfig.ready."""

from django.db.models.signals import m2m_changed

from performance.ledger import Row, ledger_source
from performance.models import Role
from performance.signals import schedule
from performance.sources import role_of

from .models import ActivityKind, Presence, StationMeeting, StreetAttendance, StreetGroupActivity

SOURCE = "stations"
STREET = "street_group"
MEETING = "station_meeting"
KINDS = {value: str(label) for value, label in ActivityKind.choices}


def street_title(group_name, kind, title):
    return f"街道活动小组：{group_name}{KINDS.get(kind, '')}「{title}」"[:300]


def meeting_title(station_title, date):
    return f"委员工作室季度例会：{station_title}第{(date.month - 1) // 3 + 1}季度例会"[:300]


@ledger_source(
    SOURCE,
    "工作室和街道活动小组",
    categories=[(STREET, "街道活动小组活动"), (MEETING, "委员工作室季度例会")],
    watch={
        StreetGroupActivity: lambda activity: activity.date.year,
        StreetAttendance: lambda attendance: attendance.activity.date.year,
        StationMeeting: lambda meeting: meeting.date.year,
    },
)
def ledger_entries(year):
    """The year's rows, in two queries whatever the number of activities and meetings."""
    present = (
        StreetAttendance.objects.filter(activity__date__year=year, presence=Presence.PRESENT)
        .order_by("activity__date", "activity_id", "member_id")
        .values_list(
            "activity_id",
            "member_id",
            "role",
            "activity__date",
            "activity__kind",
            "activity__title",
            "activity__group__name",
        )
    )
    for activity_id, member_id, role, date, kind, title, group_name in present:
        yield Row(
            member_id=member_id,
            source_ref=f"street:{activity_id}",
            year=year,
            date=date,
            category=STREET,
            title=street_title(group_name, kind, title),
            role=role_of(role),
        )
    attendees = (
        StationMeeting.attendees.through.objects.filter(stationmeeting__date__year=year)
        .order_by("stationmeeting__date", "stationmeeting_id", "member_id")
        .values_list("stationmeeting_id", "member_id", "stationmeeting__date", "stationmeeting__station__title")
    )
    for meeting_id, member_id, date, station_title in attendees:
        yield Row(
            member_id=member_id,
            source_ref=f"meeting:{meeting_id}",
            year=year,
            date=date,
            category=MEETING,
            title=meeting_title(station_title, date),
            role=Role.ATTEND,
        )


def _attendees_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A meeting's attendees set after the meeting was saved (a form's save_m2m) sends no
    post_save: sync the meeting's year too."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        schedule(SOURCE, instance.date.year)
        return
    for date in StationMeeting.objects.filter(pk__in=pk_set or ()).values_list("date", flat=True):
        schedule(SOURCE, date.year)


m2m_changed.connect(
    _attendees_changed, sender=StationMeeting.attendees.through, dispatch_uid="ledger:stations:attendees"
)
