import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from contacts.demo import seed_contacts
from content.demo import seed_content
from content.models import HomePage, StoryPage, WorkstationPage, WorkstationPostPage
from forms_app.demo import seed_activity_days, seed_applications, seed_filings
from intake.demo import seed_intake
from notices.demo import seed_notices
from people import demo, roles
from people.models import Member, Party, Profile, Sector, SpecialCommittee
from performance.demo import seed_performance
from results.demo import seed_results
from schedule.demo import seed_schedule
from stations.demo import seed_stations

# (username, display name, role, profile scope)
DEMO_ACCOUNTS = [
    ("member", "委员 · 文化艺术界", roles.MEMBER, {"member_of": "文化艺术界"}),
    ("liaison", "委员联络室 · 王主任", roles.LIAISON_OFFICE, {}),
    ("unit_dongcheng", "活动日填报 · 街道活动小组", roles.UNIT_REPORTER, {}),
    ("archive", "专委会工作六室 · 李科长", roles.ARCHIVE_OFFICE, {}),
    ("office4", "专委会工作四室 · 赵老师", roles.COMMITTEE_OFFICE, {"committee": "教科文卫体委员会"}),
    ("leader_edu", "教育界 · 界别组长", roles.SECTOR_LEADER, {"sector": "教育界"}),
    ("leader_minmeng", "民盟 · 党派负责人", roles.SECTOR_LEADER, {"party": "民盟"}),
    ("leader_health", "医药卫生界 · 界别组长", roles.SECTOR_LEADER, {"sector": "医药卫生界"}),
    ("leader_culture", "文化艺术界 · 界别组长", roles.SECTOR_LEADER, {"sector": "文化艺术界"}),
    ("editor", "宣传编辑 · 周编辑", roles.EDITOR, {}),
    ("reviewer", "审核员 · 吴主任", roles.REVIEWER, {}),
    ("secretary", "秘书长", roles.SECRETARY_GENERAL, {}),
    ("vicechair", "分管副主席", roles.VICE_CHAIR, {}),
    ("chairs", "主席会议", roles.CHAIRS_MEETING, {}),
    ("sysadmin", "系统管理员", roles.SYSTEM_ADMIN, {}),
    ("proposals", "提案委 · 孙科长", roles.PROPOSAL_COMMITTEE, {}),
    ("research", "研究室 · 钱主任", roles.RESEARCH_OFFICE, {}),
]


class Command(BaseCommand):
    help = "写入演示数据（基础数据、约 200 名委员、各角色演示账号）。可重复运行。"

    def handle(self, *args, **options):
        demo.seed_reference_data()
        demo.seed_members()
        roles.sync_roles()
        self.seed_home_page()
        seed_content()
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        self.seed_accounts(password)
        seed_filings()
        seed_applications()
        seed_activity_days()
        seed_results()
        seed_performance()
        seed_contacts()
        station_accounts = seed_stations(password)
        station_accounts += seed_intake(password)
        seed_schedule()
        seed_notices()

        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：{Member.objects.count()} 名委员，{Sector.objects.count()} 个界别，"
                f"{StoryPage.objects.live().count()} 篇委员风采，{WorkstationPage.objects.count()} 个委员工作室，"
                f"{WorkstationPostPage.objects.count()} 条动态。"
            )
        )
        self.stdout.write("网站首页：http://127.0.0.1:8000/")
        self.stdout.write("")
        self.stdout.write(
            "我的工作台（委员、界别组长、活动日填报单位、联系点联络员）：http://127.0.0.1:8000/login/ 登录后进入 http://127.0.0.1:8000/my/"
        )
        self.stdout.write("管理后台（机关各室、编辑）：http://127.0.0.1:8000/admin/")
        self.stdout.write(f"  超级管理员  用户名 admin  密码 {password}")
        for username, label, _role, _scope in DEMO_ACCOUNTS:
            self.stdout.write(f"  {label:<16} 用户名 {username}  密码同上")
        for username, label in station_accounts:
            self.stdout.write(f"  {label:<16} 用户名 {username}  密码同上")
        self.stdout.write("（每次运行都会重设演示账号的密码；设置环境变量 DEMO_PASSWORD 可固定。）")

    def seed_home_page(self):
        home = HomePage.objects.first()
        if home and not home.intro:
            home.title = "连心 · 委员联系群众"
            home.intro = (
                "<p>政协委员来自群众、植根人民。这里展示委员风采与委员工作室的动态，架起委员与群众之间的连心桥。</p>"
            )
            home.save_revision().publish()

    @transaction.atomic
    def seed_accounts(self, password):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"}
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()

        lookups = {
            "committee": SpecialCommittee.objects.by_name(),
            "sector": Sector.objects.by_name(),
            "party": Party.objects.by_name(),
            "member_of": Sector.objects.by_name(),
        }
        for username, label, role, scope in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username, defaults={"first_name": label})
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            values = {key: lookups[key][name] for key, name in scope.items()}
            member = None
            if "member_of" in values:
                member = Member.objects.filter(sector=values.pop("member_of"), account__isnull=True).first()
            elif "sector" in values:
                member = Member.objects.filter(sector=values["sector"], account__isnull=True).first()
            elif "party" in values:
                member = Member.objects.filter(party=values["party"], account__isnull=True).first()
            profile, _ = Profile.objects.get_or_create(user=user)
            profile.sector = values.get("sector")
            profile.party = values.get("party")
            profile.committee = values.get("committee")
            if profile.member_id is None:
                profile.member = member
            profile.save()
