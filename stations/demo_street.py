"""Demo 一街一策 for seed_demo, on top of people.demo's seventeen groups (each with its six posts
and 对口专委会): the first group's 政协联络员 post gets the demo account `street_liaison` (through
people.street_groups.save_group, so it becomes that group's 街道小组联络员) and a plan for this
year 报送 and waiting for 委员联络室; the second group's plan is 确认. Written through the rules
(save_plan, confirm_plan). Idempotent: a group's plan for the year is left as it is once made."""

from django.contrib.auth import get_user_model
from django.db import transaction

from lianxin_site.dates import this_year
from people import roles
from people import street_groups as posts
from people.models import Member, StreetGroup

from . import street_groups as plans
from .models import StreetGroupPlan

USERNAME = "street_liaison"
LABEL = "街道小组联络员 · 东华门"

SUBMITTED = {
    "needs": "东华门街道地处核心区，今年的中心工作是老旧小区综合整治、背街小巷环境提升和居家养老服务。"
    "居民集中反映：老楼加装电梯协调难、养老助餐点少、停车难。",
    "approach": "小组委员按专长分工：教育、医卫界委员进社区开展讲座和义诊；法律界委员每季度一次法律咨询；"
    "结合“委员活动日”走访老旧小区，收集意见建议，年底形成一篇调研报告。",
    "items": [
        (3, "老旧小区加装电梯政策宣讲", "lecture"),
        (5, "义诊进社区", "clinic"),
        (6, "居民法律咨询", "legal_aid"),
        (9, "走访养老助餐点", "visit"),
        (11, "背街小巷环境提升座谈会", "forum"),
    ],
}
CONFIRMED = {
    "needs": "景山街道历史文化街区保护任务重，居民希望改善胡同停车和公共空间。",
    "approach": "围绕街区保护开展调研和座谈，组织青年委员参与文化讲座。",
    "items": [(4, "胡同停车调研", "research"), (7, "历史街区文化讲座", "lecture"), (10, "街区保护座谈", "forum")],
}


def _items(group, rows):
    members = list(Member.objects.filter(street_group=group).order_by("code").values_list("pk", flat=True)[:3])
    return [
        plans.ItemInput(month, activity, kind, [members[i % len(members)]] if members else [])
        for i, (month, activity, kind) in enumerate(rows)
    ]


def _liaison_office():
    User = get_user_model()
    return User.objects.filter(groups__name=roles.LIAISON_OFFICE, is_active=True).order_by("pk").first()


@transaction.atomic
def seed_street_plans(password):
    """The demo 联络员 account and two plans; returns the account (or None without demo groups)."""
    groups = list(StreetGroup.objects.order_by("sort_order", "name")[:2])
    if len(groups) < 2:
        return None
    first, second = groups
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=USERNAME, defaults={"first_name": LABEL})
    user.set_password(password)
    user.save()
    seats = [
        posts.Seat(
            p.post, p.side, p.name, p.title, p.member, user if (p.post, p.side) == ("liaison", "cppcc") else p.user
        )
        for p in first.positions.all()
    ]
    if not any(s.key == ("liaison", "cppcc") for s in seats):
        seats.append(posts.Seat("liaison", "cppcc", "东华门联络员甲", "政协委室干部", None, user))
    posts.save_group(first.pk, seats)

    year = this_year()
    if not StreetGroupPlan.objects.filter(group=first, year=year).exists():
        plans.save_plan(
            user,
            first,
            year,
            needs=SUBMITTED["needs"],
            approach=SUBMITTED["approach"],
            items=_items(first, SUBMITTED["items"]),
            submit=True,
        )
    office = _liaison_office()
    if office is not None and not StreetGroupPlan.objects.filter(group=second, year=year).exists():
        plan = plans.save_plan(
            office,
            second,
            year,
            needs=CONFIRMED["needs"],
            approach=CONFIRMED["approach"],
            items=_items(second, CONFIRMED["items"]),
            submit=True,
        )
        plans.confirm_plan(office, plan.pk)
    return user
