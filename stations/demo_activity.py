"""Demo street-group activities: `seed_street_activities()` gives each of the first few street
groups that have members three activities this year (each on a past date, one tied to the group's
一街一策 item when it has one), every member invited, a few marked 请假 or 缺席, so that a new user sees
the front end's list, the admin's 小组活动 and the half-year report with figures. It writes through
street_activities (the same checks as the form), as the group's 联络员 when one exists, else as any
委员联络室 account. Running it again adds nothing: a group that has activities is left alone."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from people import roles
from people.models import Profile, StreetGroup

from . import street_activities
from .models import ActivityKind, Presence, StreetGroupActivity, StreetPlanItem

GROUPS = 4
ACTIVITIES = (
    (ActivityKind.CLINIC, "社区义诊进楼门", "社区服务中心", 6, 3, "为 50 余位老人测量血压、血糖，解答用药问题。"),
    (ActivityKind.LEGAL_AID, "法律咨询进社区", "社区党群服务中心", 4, 2, "解答物业纠纷、继承等咨询 12 件。"),
    (ActivityKind.FORUM, "老旧小区加装电梯座谈会", "街道会议室", 8, 1, "收集居民对加装电梯的意见建议 8 条。"),
)


def _writer(group):
    profile = Profile.objects.filter(street_group=group, user__groups__name=roles.STREET_LIAISON).first()
    if profile is not None:
        return profile.user
    return get_user_model().objects.filter(groups__name=roles.LIAISON_OFFICE, is_active=True).first()


def seed_street_activities(today=None):
    """Add the demo activities (see the module's docstring). Returns how many were added."""
    today = today or timezone.localdate()
    added = 0
    groups = [g for g in StreetGroup.objects.order_by("sort_order", "name") if g.members.exists()][:GROUPS]
    for index, group in enumerate(groups):
        if StreetGroupActivity.objects.filter(group=group).exists():
            continue
        user = _writer(group)
        if user is None:
            continue
        item = StreetPlanItem.objects.filter(plan__group=group, plan__year=today.year).first()
        for n, (kind, title, place, opinions, deeds, outcome) in enumerate(ACTIVITIES):
            date = max(today - datetime.timedelta(days=20 * n + 7 * index + 3), datetime.date(today.year, 1, 1))
            fields = street_activities.Fields(
                date=date,
                title=title,
                kind=kind,
                place=f"{group.street}{place}",
                plan_item=item if n == 0 and item is not None and item.plan.year == date.year else None,
                opinions=opinions,
                deeds=deeds,
                outcome=outcome,
            )
            activity = street_activities.create_activity(user, group, fields, today=today)
            rows = list(activity.attendance.select_related("member").order_by("member__code"))
            marks = []
            for i, row in enumerate(rows):
                presence = Presence.PRESENT
                if i % 5 == n + 1:
                    presence = Presence.EXCUSED
                elif i % 7 == n + 2:
                    presence = Presence.ABSENT
                role = "主持" if i == 0 else ("发言" if i == 1 else "")
                marks.append((row.member, presence, role))
            if marks:
                street_activities.record_attendance(user, activity.pk, marks)
            added += 1
    return added
