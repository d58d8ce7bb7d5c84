"""Demo: a 工作室召集人 account `convener` for the first demo station, with one 动态 in 内容审核
(so 我的提交 and the reviewers' queue show something). Idempotent; call after seed_content and
the demo accounts (seed_demo passes the demo password)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from content.models import ActivityCategory, WorkstationPage, WorkstationPostPage
from people.models import Profile

from . import convener

USERNAME = "convener"


def seed_conveners(password=None):
    """Returns (username, label) for the console list, or None when there is no station yet."""
    station = WorkstationPage.objects.live().order_by("path").first()
    if station is None:
        return None
    label = f"工作室召集人 · {station.title}"
    user, _ = get_user_model().objects.get_or_create(username=USERNAME, defaults={"first_name": label})
    user.first_name = label
    if password:
        user.set_password(password)
    user.save()
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.workstation = station
    profile.save()  # signals: the station's group and the role 工作室召集人
    if not WorkstationPostPage.objects.child_of(station).filter(owner=user).exists():
        convener.submit_post(
            user,
            title="召集人发来的动态：委员接待日答疑",
            date=timezone.localdate() - datetime.timedelta(days=1),
            category=ActivityCategory.DUTY,
            activity_day=None,
            text="委员在工作室轮流值班，接待群众来访，现场解答政策咨询。\n收集意见建议三条，已转有关部门。",
            pictures=[],
        )
    return USERNAME, label
