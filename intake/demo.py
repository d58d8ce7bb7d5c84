"""The intake app's demo for seed_demo: what 区政协办公室, a member, a 专委会工作室, 研究室 and a
联系点联络员 find on first login.

- two 社情民意联系点 (东华门街道, 景山街道吉祥社区), the first with the demo account `point_liaison`
  (联系点联络员) and one 来访登记;
- the demo account `district_office` (区政协办公室);
- a 委员接待日 next week at each of the first two demo stations;
- one case in each state, each taken through intake.cases with its history: 登记, 分办 (to a
  station, already past its 接收 limit, so the 逾期 list shows it), 办理 (the demo `member`, with
  a 办理记录 and a draft), 办理 with a 答复 waiting for approval (the `office4` 专委会工作室), 反馈
  and 办结 (rated 满意; it came from a visit at the 联系点);
- a 社情民意信息 lead drawn from the closed case by 研究室 and a 社情民意报送 batch with it and one
  typed item;
- the 请群众走进政协 section with two events, one open for sign-up and one past its deadline.

The citizens are invented. Idempotent: each part is made once (the cases only while there are
none); the demo accounts' passwords are reset, as seed_demo does for the others."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from content.models import HomePage, WorkstationPage
from people import roles
from people.models import Profile

from . import cases
from .leads import make_lead
from .models import (
    BatchItem,
    Case,
    CaseAssignment,
    Category,
    Channel,
    ContactPoint,
    EventIndexPage,
    EventKind,
    EventPage,
    OpinionBatch,
    ReceptionDay,
    Visit,
)

OFFICE_USERNAME = "district_office"
OFFICE_LABEL = "区政协办公室 · 孙主任"
LIAISON_USERNAME = "point_liaison"
LIAISON_LABEL = "联系点联络员 · 东华门"

POINTS = [
    {
        "name": "东华门街道社情民意联系点",
        "level": ContactPoint.Level.TOWN,
        "town": "东华门街道",
        "address": "东华门街道市民服务中心一层",
        "hours": "每周二、四 9:00—11:30",
        "phone": "010-65120001",
    },
    {
        "name": "吉祥社区社情民意联系点",
        "level": ContactPoint.Level.COMMUNITY,
        "town": "景山街道",
        "community": "吉祥社区",
        "address": "景山街道吉祥社区居委会",
        "hours": "每周三 14:00—17:00",
        "phone": "010-64030002",
    },
]


def _account(username, label, role, password):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": label})
    user.first_name = label
    if password:
        user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    Profile.objects.get_or_create(user=user)
    return get_user_model().objects.get(pk=user.pk)  # fresh: permissions read anew


def _user(username=None, role=None):
    users = get_user_model().objects.filter(is_active=True)
    if username:
        return users.filter(username=username).first()
    return users.filter(groups__name=role).order_by("pk").first()


def seed_points(liaison):
    points = []
    for values in POINTS:
        point, _ = ContactPoint.objects.get_or_create(name=values["name"], defaults=values)
        points.append(point)
    points[0].liaisons.add(liaison)
    return points


def seed_reception_days(stations, office, today):
    next_week = today + datetime.timedelta(days=7 - today.weekday() + 2)  # next week's Wednesday
    for station in stations:
        if ReceptionDay.objects.filter(station=station, date__gte=today).exists():
            continue
        day = ReceptionDay.objects.create(
            station=station,
            date=next_week,
            start=datetime.time(9),
            end=datetime.time(11, 30),
            place=f"{station.title}接待室",
            slot_minutes=30,
            places=2,
            note="请携带相关材料，按预约时段到达。",
            created_by=office,
        )
        day.on_duty.set([m for m in [station.lead_member, *station.members.all()[:2]] if m is not None])


CITIZENS = [
    ("张女士", "13800010001", "东华门社区"),
    ("李先生", "13800010002", "景山街道吉祥社区"),
    ("王女士", "13800010003", "东四街道"),
    ("赵先生", "13800010004", "和平里街道"),
    ("刘女士", "13800010005", "前门街道"),
    ("陈先生", "13800010006", "东华门社区"),
]


def _register(n, channel, subject, content, category, at, **fields):
    name, phone, address = CITIZENS[n]
    case, _code = cases.register(
        channel=channel,
        name=name,
        phone=phone,
        address=address,
        subject=subject,
        content=content,
        category=category,
        now=at,
        **fields,
    )
    return case


def _handler():
    """(assign() keywords, the account that then holds the case): the demo `member` (委员) when
    seed_demo made it, else 委员联络室."""
    user = _user("member")
    member = getattr(getattr(user, "profile", None), "member", None)
    if member is not None:
        return {"member": member}, user
    return {"office": CaseAssignment.Office.LIAISON}, _user(role=roles.LIAISON_OFFICE)


def seed_cases(stations, office, points, now):
    """One case per state, each through the steps. Returns the closed one."""
    day = datetime.timedelta(days=1)
    station = stations[0]
    handler, holder = _handler()

    # 登记: waiting for 区政协办公室 to 分办.
    _register(
        0,
        Channel.MAILBOX,
        "小区加装电梯协调难",
        "我们楼想加装电梯，一楼住户不同意，协调了半年没有进展，希望委员帮助协调。",
        Category.URBAN,
        now - day,
        station=station,
    )

    # 分办: given to a workstation four days ago, not yet 接收 (late: 接收 allows 2 days).
    case = _register(
        1,
        Channel.MAILBOX,
        "胡同停车难",
        "吉祥社区胡同里晚上停满车，消防通道经常被堵，希望规划停车位。",
        Category.URBAN,
        now - 5 * day,
        station=stations[-1],
    )
    cases.assign(case, office, station=stations[-1], now=now - 4 * day)

    # 办理: the demo member accepted it, keeps a 办理记录 and a draft 答复.
    case = _register(
        2,
        Channel.RECEPTION,
        "社区养老助餐点太少",
        "东四街道只有一个助餐点，老人排队时间长，希望增加助餐点。",
        Category.LIVELIHOOD,
        now - 10 * day,
    )
    cases.assign(case, office, **handler, now=now - 9 * day)
    if holder is not None:
        cases.accept(case, holder, now=now - 8 * day)
        cases.add_note(case, holder, "已与街道民政科电话沟通，街道计划年内新增两个助餐点。", now=now - 6 * day)
        cases.save_reply(case, holder, "经与街道沟通，年内将在东四北大街新增两个助餐点。", now=now - 5 * day)

    # 办理, the 答复 waiting for 区政协办公室's approval: a 专委会工作室 (the demo `office4`) holds it.
    committee_user = _user("office4")
    committee = getattr(getattr(committee_user, "profile", None), "committee", None)
    case = _register(
        3,
        Channel.HOTLINE,
        "学校门口早高峰拥堵",
        "和平里一小门口早高峰家长车辆乱停，孩子过马路不安全。",
        Category.LIVELIHOOD,
        now - 12 * day,
    )
    if committee is not None:
        cases.assign(
            case,
            office,
            office=CaseAssignment.Office.COMMITTEE,
            committee=committee,
            mode=CaseAssignment.Mode.CONSULT,
            now=now - 11 * day,
        )
        cases.accept(case, committee_user, now=now - 10 * day)
        cases.add_note(
            case, committee_user, "组织交通支队、学校、社区协商，确定错峰放学和临时停车区。", now=now - 7 * day
        )
        cases.save_reply(
            case,
            committee_user,
            "经协商，学校实行错峰放学，交通支队在早高峰安排警力疏导，社区开放临时停车区。",
            submit=True,
            now=now - 2 * day,
        )

    # 反馈: the approved 答复, waiting for 办结.
    case = _register(
        4,
        Channel.MAILBOX,
        "背街小巷路灯不亮",
        "前门西河沿街路灯坏了三个月，晚上出行不便。",
        Category.URBAN,
        now - 20 * day,
        station=station,
    )
    _to_reply(case, office, handler, holder, now - 19 * day, "已协调街道于本月更换路灯，现已恢复照明。")

    # 办结: from a visit at the 联系点, answered, rated 满意 and closed.
    case = _register(
        5,
        Channel.CONTACT_POINT,
        "垃圾分类驿站异味大",
        "东华门社区垃圾分类驿站夏天异味大，希望增加清运次数。",
        Category.ECOLOGY,
        now - 30 * day,
        contact_point=points[0],
    )
    _to_reply(case, office, handler, holder, now - 29 * day, "街道已将清运次数由每日一次增加为两次，并定期消杀。")
    cases.close(case, office, now=now - 10 * day)
    cases.rate(case, True, now=now - 9 * day)
    return Case.objects.get(pk=case.pk)


def _to_reply(case, office, handler, holder, at, reply):
    """分办, 接收, 答复 and its approval, a day or so apart from `at`."""
    step = datetime.timedelta(days=1)
    cases.assign(case, office, **handler, now=at)
    cases.accept(case, holder, now=at + step)
    cases.save_reply(case, holder, reply, submit=True, now=at + 3 * step)
    cases.approve_reply(case, office, now=at + 4 * step)


def seed_visit(point, liaison, case, now):
    if Visit.objects.filter(contact_point=point).exists():
        return
    Visit.objects.create(
        contact_point=point,
        name="陈先生",
        phone="13800010006",
        address="东华门社区",
        matter=case.content,
        outcome="已登记，转为诉求件。",
        category=case.category,
        case=case,
        logged_by=liaison,
        at=case.created_at,
    )


def seed_leads_and_batch(closed, today):
    research = _user(role=roles.RESEARCH_OFFICE)
    lead = closed.leads.first()
    if lead is None and research is not None:
        lead = make_lead(closed, "opinion", research)
    issue_no = f"{today.year}年第1期"
    batch, created = OpinionBatch.objects.get_or_create(
        issue_no=issue_no, defaults={"date": today, "title": "社情民意", "made_by": research}
    )
    if created:
        if lead is not None:
            BatchItem.objects.create(
                batch=batch,
                lead=lead,
                order=1,
                title=lead.title,
                content=lead.content,
                source="研究室",
                category=lead.category,
            )
        BatchItem.objects.create(
            batch=batch,
            order=2,
            title="关于完善老旧小区加装电梯协商机制的建议",
            content="建议由街道牵头建立加装电梯协商议事会，引入第三方评估，对低楼层住户给予合理补偿。",
            source="民盟区委",
            category=Category.URBAN,
        )


def seed_events(now):
    home = HomePage.objects.first()
    if home is None or EventIndexPage.objects.exists():
        return
    index = EventIndexPage(
        title="请群众走进政协",
        slug="events",
        intro="<p>政协会议和活动向群众开放，欢迎报名参加，面对面反映意见建议。</p>",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    events = [
        EventPage(
            title="老旧小区综合整治主题协商座谈会",
            slug="forum-old-housing",
            kind=EventKind.FORUM,
            start=now + datetime.timedelta(days=21),
            place="区政协三层会议室",
            places=10,
            deadline=now + datetime.timedelta(days=14),
            body="<p>围绕老旧小区加装电梯、停车、养老设施听取居民意见，欢迎相关社区居民报名。</p>",
        ),
        EventPage(
            title="社区养老服务视察调研",
            slug="inspection-elderly-care",
            kind=EventKind.INSPECTION,
            start=now - datetime.timedelta(days=3),
            place="东四街道养老服务中心",
            places=6,
            deadline=now - datetime.timedelta(days=10),
            body="<p>委员视察社区养老服务，邀请群众代表同行。报名已截止。</p>",
        ),
    ]
    for event in events:
        index.add_child(instance=event)
        event.save_revision().publish()


@transaction.atomic
def seed_intake(password=None, now=None):
    """Every part above; returns [(username, label)] of the demo accounts made, for seed_demo's
    printed list ([] without demo stations)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    stations = list(WorkstationPage.objects.live().order_by("path")[:2])
    if not stations:
        return []
    office = _account(OFFICE_USERNAME, OFFICE_LABEL, roles.DISTRICT_OFFICE, password)
    liaison = _account(LIAISON_USERNAME, LIAISON_LABEL, roles.POINT_LIAISON, password)
    points = seed_points(liaison)
    seed_reception_days(stations, office, today)
    if not Case.objects.exists():
        closed = seed_cases(stations, office, points, now)
        seed_visit(points[0], liaison, closed, now)
    closed = Case.objects.filter(status=Case.Status.CLOSED, anonymised_at__isnull=True).order_by("pk").first()
    if closed is not None:
        seed_leads_and_batch(closed, today)
    seed_events(now)
    return [(OFFICE_USERNAME, OFFICE_LABEL), (LIAISON_USERNAME, LIAISON_LABEL)]
