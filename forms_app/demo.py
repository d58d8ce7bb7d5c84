"""Demo filings for the current year: one archived, one waiting at its committee office,
one returned, and the rest not yet filed, so the board and the route show real states."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from people import roles
from people.models import Member, Party, Sector

from .five_ones import rules
from .five_ones.models import FiveOnesFiling

# Sectors contacted by 教科文卫体委员会, whose office the demo account office4 staffs.
DEMO = [
    ("教育界", None, "助力课后服务提质", [rules.Action.RECEIVE, rules.Action.FORWARD, rules.Action.ARCHIVE]),
    ("医药卫生界", None, "健康义诊进社区", [rules.Action.RECEIVE]),
    ("文化艺术界", None, "非遗技艺进社区", [(rules.Action.RETURN, "活动安排写得太简略，请补充服务对象和场次。")]),
    (None, "民盟", "守护老城胡同文化", []),
]


# 履职心语 come in any form (seed 000): a sentence, a poem, a short story. One per member of the
# four demo filings, each its own, but for the last, which copies the first almost word for word:
# the editors' pool shows one possible copy (切忌抄袭), as it will in a real year.
REFLECTIONS = [
    "把群众的事当成自己的事，把群众的小事当成履职的大事。",
    "清晨走进胡同口，\n老人拉着手说家常；\n一条建议写成案，\n路灯亮了心也亮。",
    "去年冬天，一位独居老人打来电话，说楼道灯坏了半个月。我们联系社区当天修好。"
    "后来我在提案里写的，就是这样一盏盏“小灯”背后的老旧小区改造。",
    "委员二字，一头连着党委政府，一头连着人民群众。",
    "听民声要走到田间地头，解民忧要落在一件件实事上。",
    "课后服务不只是看管孩子，更是让每个孩子在放学后也能找到自己的兴趣。",
    "义诊那天排起长队，一位大爷说：“你们常来，我们就不怕看病难了。”这句话我记了一整年。",
    "一针一线传古艺，\n一招一式见匠心；\n非遗走进新社区，\n老手艺里有乡音。",
    "调研不能只听汇报，要到现场看一看、问一问、算一算。",
    "胡同里的一棵老槐树，见证了几代人的邻里情，也让我懂得保护老城就是守护记忆。",
    "履职没有休息日，群众的期盼就是我们的考卷。",
    "把群众的事当成自己的事，把群众的小事当成我们履职的大事。",
]


def seed_filings():
    year = timezone.localdate().year
    User = get_user_model()
    staff = {
        "office": User.objects.filter(username="office4").first(),
        "archive": User.objects.filter(username="archive").first(),
    }
    today = timezone.localdate()
    for n, (sector_name, party_name, theme, actions) in enumerate(DEMO):
        sector = Sector.objects.filter(name=sector_name).first() if sector_name else None
        party = Party.objects.filter(name=party_name).first() if party_name else None
        if FiveOnesFiling.objects.filter(year=year, sector=sector, party=party).exists():
            continue
        members = list(rules.members_of(sector, party)[:3]) or list(Member.objects.all()[:3])
        # Each filing is submitted by its own sector's (party's) leader, as its history shows.
        leader = User.objects.filter(
            groups__name=roles.SECTOR_LEADER, **({"profile__sector": sector} if sector else {"profile__party": party})
        ).first()
        filing = rules.submit_filing(
            leader,
            year,
            sector,
            party,
            dict(
                leader_name=members[0].name,
                filled_on=min(today, today.replace(month=3, day=10)),
                theme=theme,
                theme_reason=f"{(sector or party).name}委员专业相近、资源集中，适合围绕“{theme}”开展活动。",
                activity_date=min(today, today.replace(month=3, day=5)),
                activity_place="区委员之家",
                activity_kind="community",
                activity_plan=f"围绕“{theme}”走进社区，面对面听取群众意见。",
                result_kind="opinion",
                result_title=f"关于{theme}的社情民意信息",
                result_summary="梳理群众反映的三方面问题并提出建议。",
                showcase_member=members[-1],
                showcase_reason=f"{members[-1].name}委员履职积极，带头开展“{theme}”活动，群众评价很高。",
            ),
            members,
            [(m, REFLECTIONS[(3 * n + i) % len(REFLECTIONS)]) for i, m in enumerate(members)],
        )
        for action in actions:
            action, note = action if isinstance(action, tuple) else (action, "")
            actor = staff["archive"] if action == rules.Action.ARCHIVE else staff["office"]
            filing = rules.act(filing.pk, actor, action, note)


# --- 委员工作室建立申请: one waiting at 秘书长意见, one returned by 委员联络室, one just filed.


def _application_data(member, name, committee, address):
    from .founding.models import WorkingRule

    return dict(
        kind="member",
        name=name,
        address=address,
        mode="both",
        basis="sector",
        sector=member.sector,
        street_group=None,
        committee=committee,
        lead_member=member,
        lead_employer_title=member.employer_title,
        lead_sector=member.sector,
        lead_specialties=member.specialties or "本界别相关领域",
        lead_contact=member.phone,
        venue=f"依托{address}，面积约 60 平方米，每周三下午开放；同时开设线上留言。",
        rules={
            value: f"工作室{label}制度：明确责任人、时间和记录方式，按季度向区政协报告。"
            for value, label in WorkingRule.choices
        },
        signature=member.name,
        signed_on=timezone.localdate(),
    )


def seed_applications():
    from people.models import SpecialCommittee

    from .founding import rules as founding
    from .founding.models import Stage, WorkstationApplication

    User = get_user_model()
    applicant = User.objects.filter(username="member").first()
    if applicant is None or WorkstationApplication.objects.exists():
        return
    member = applicant.profile.member
    committee = SpecialCommittee.objects.get(name="教科文卫体委员会")
    signers = {username: User.objects.get(username=username) for username in ("office4", "liaison", "secretary")}
    peers = list(Member.objects.filter(sector=member.sector).exclude(pk=member.pk)[:2])
    rows = [
        {"member": m, "employer_title": m.employer_title, "specialties": m.specialties, "contact": m.phone}
        for m in peers
    ]
    plans = [
        (
            f"{member.sector.name}委员工作室",
            "东四街道党群活动中心",
            [
                ("office4", Stage.COMMITTEE_OFFICE, "approve", "同意。场地、制度齐全，建议报委员联络室。"),
                ("liaison", Stage.LIAISON_OFFICE, "approve", "同意。符合建立条件。"),
            ],
        ),
        (
            "胡同文化委员工作室",
            "景山街道社区工作站",
            [
                ("office4", Stage.COMMITTEE_OFFICE, "approve", "同意。"),
                ("liaison", Stage.LIAISON_OFFICE, "return", "参与委员的联系方式不全，请补充后重新提交。"),
            ],
        ),
        ("课后服务委员工作室", "交道口街道小院议事厅", []),
    ]
    for name, address, acts in plans:
        application = founding.submit_application(applicant, _application_data(member, name, committee, address), rows)
        for username, stage, decision, text in acts:
            founding.sign(application.pk, signers[username], stage, decision, text)


# --- 委员活动日: this year's day (21 September), the six committees and one 附件2 unit, posts on
# the day for the proposals, four units reported and the rest not yet.


def seed_activity_days(today=None):
    import datetime

    from content.demo import POST_TEMPLATES
    from content.drafts import paragraphs
    from content.models import WorkstationPage, WorkstationPostPage
    from people.models import SpecialCommittee

    from .activity_day import rules as stats
    from .activity_day.models import ActivityDay, ReportingUnit, TableVariant

    today = today or timezone.localdate()
    year = today.year if today >= datetime.date(today.year, 9, 21) else today.year - 1
    if ActivityDay.objects.filter(date=datetime.date(year, 9, 21)).exists():
        return
    units = []
    for order, committee in enumerate(SpecialCommittee.objects.order_by("sort_order", "name")):
        unit, _ = ReportingUnit.objects.get_or_create(
            name=committee.name,
            defaults={"variant": TableVariant.COMMITTEE, "committee": committee, "sort_order": order},
        )
        units.append(unit)
    district, created = ReportingUnit.objects.get_or_create(
        name=f"{settings.COMMITTEE_NAME}街道活动小组", defaults={"variant": TableVariant.CPPCC, "sort_order": 99}
    )
    if created:
        district.workstations.set(WorkstationPage.objects.filter(basis=WorkstationPage.Basis.STREET))
        reporter = get_user_model().objects.filter(username="unit_dongcheng").first()
        if reporter:
            district.reporters.add(reporter)
    units.append(district)
    day = ActivityDay.objects.create(
        name=f"{year}年委员活动日",
        theme="委员在行动，履职为人民",
        date=datetime.date(year, 9, 21),
        upload_deadline=datetime.date(year, 9, 23),
        deadline=datetime.date(year, 9, 30),
    )
    day.units.set(units)

    # The stations' 动态 for the day, tied to it: uploaded (published) on the evening of the day,
    # except the second station's, two days after the upload deadline, so the roll-up shows 逾期 too.
    beijing = timezone.get_current_timezone()
    on_time = datetime.datetime.combine(day.date, datetime.time(18, 30), tzinfo=beijing)
    late = datetime.datetime.combine(day.upload_deadline + datetime.timedelta(days=2), datetime.time(9), tzinfo=beijing)
    categories = list(POST_TEMPLATES)
    for n, station in enumerate(WorkstationPage.objects.live().order_by("path")):
        if n % 4 == 3:
            continue  # a few stations held no activity that day: 未上传
        category = categories[n % len(categories)]
        title, text = POST_TEMPLATES[category]
        slug = f"activity-day-{year}"
        if not WorkstationPostPage.objects.child_of(station).filter(slug=slug).exists():
            post = WorkstationPostPage(
                title=f"委员活动日：{title}",
                slug=slug,
                date=day.date,
                category=category,
                activity_day=day,
                text=paragraphs(f"{station.title}：{text}"),
            )
            station.add_child(instance=post)
            post.save_revision().publish()
            uploaded = late if n == 1 else on_time
            WorkstationPostPage.objects.filter(pk=post.pk).update(
                first_published_at=uploaded, last_published_at=uploaded
            )

    # A second, open day, so that the reporting accounts can try the form.
    special = ActivityDay.objects.create(
        name=f"{today.year}年冬季委员活动日",
        theme="温暖过冬，委员送服务",
        date=today - datetime.timedelta(days=2),
        upload_deadline=today,
        deadline=today + datetime.timedelta(days=7),
    )
    special.units.set(units)

    organiser = get_user_model().objects.filter(username="liaison").first()
    for unit in units[:4]:
        counts = {field: proposal.value for field, proposal in stats.proposals(day, unit).items()}
        counts.setdefault("stationed_members", 0)
        counts.update(
            collective_members=min(counts["stationed_members"], 3 * counts.get("active_workstations", 0)),
            own_members=2,
            opinions=6 * counts.get("active_workstations", 0),
            deeds=counts.get("active_workstations", 0),
        )
        for field in stats.COUNT_FIELDS:
            counts.setdefault(field, 0)
        stations = counts.get("active_workstations", 0)
        summary = (
            f"{unit.name}组织所联系的委员工作室围绕“{day.theme}”开展委员活动日，"
            f"{stations} 家工作室组织委员走进社区、走近界别群众，收集群众意见建议 {counts['opinions']} 条，"
            f"为民办实事 {counts['deeds']} 件，活动情况已上传线上委员工作室“动态”栏目。\n\n"
            "存在的问题：个别工作室活动动态上传不够及时。下一步将督促各工作室在活动当天上传“动态”，"
            "并把收集到的意见建议整理成社情民意信息报送。"
        )
        stats.save_report(day, unit, organiser, counts, via_import=True, today=day.deadline, summary=summary)
