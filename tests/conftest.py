import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from people import roles
from people.roster import HEADERS

from .content_helpers import make_image, plan, post, site_sections, station, story
from .factories import (
    MemberFactory,
    PartyFactory,
    ProfileFactory,
    SectorFactory,
    SpecialCommitteeFactory,
    StreetGroupFactory,
    UserFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogue(django_test_environment):
    """The project's Chinese catalogue (locale/, which fills Wagtail's gaps) is compiled by
    bin/setup; compile it here too when its .mo is missing or older than its .po, so that the
    suite also runs straight after a clone."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.signals import setting_changed

    def stale(po):
        mo = po.with_suffix(".mo")
        return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime

    if any(stale(po) for path in settings.LOCALE_PATHS for po in Path(path).glob("*/LC_MESSAGES/*.po")):
        call_command("compilemessages", ignore_patterns=[".venv", "node_modules"], verbosity=0)
        # Catalogues already loaded were read without the .mo: have Django read them again.
        setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


@pytest.fixture
def reference(db):
    """A small committee: two special committees contacting three sectors, parties, streets."""
    edu_committee = SpecialCommitteeFactory(name="教科文卫体委员会", office="专委会工作四室")
    econ_committee = SpecialCommitteeFactory(name="经济委员会", office="专委会工作二室")
    return {
        "edu_committee": edu_committee,
        "econ_committee": econ_committee,
        "education": SectorFactory(name="教育界", contact_committee=edu_committee),
        "health": SectorFactory(name="医药卫生界", contact_committee=edu_committee),
        "economy": SectorFactory(name="经济界", contact_committee=econ_committee),
        "minmeng": PartyFactory(name="民盟"),
        "jiusan": PartyFactory(name="九三学社"),
        "donghuamen": StreetGroupFactory(name="东华门街道活动小组", street="东华门街道"),
        "jingshan": StreetGroupFactory(name="景山街道活动小组", street="景山街道"),
    }


@pytest.fixture
def members(reference):
    r = reference
    return {
        "teacher": MemberFactory(code="14001", name="王丽", sector=r["education"], committee=r["edu_committee"]),
        "doctor": MemberFactory(code="14002", name="李强", sector=r["health"], party=r["minmeng"]),
        "banker": MemberFactory(code="14003", name="赵敏", sector=r["economy"], committee=r["econ_committee"]),
        "engineer": MemberFactory(code="14004", name="陈杰", sector=r["economy"], party=r["jiusan"]),
    }


@pytest.fixture
def make_user(db):
    def make(role=None, **scope):
        user = UserFactory(role=role)
        if scope:
            ProfileFactory(user=user, **scope)
        return user

    return make


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


def roster_rows(*rows):
    """Roster rows in the committee's header order, as lists of cell values."""
    return [list(HEADERS), *[list(row) for row in rows]]


def as_xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(rows, encoding="utf-8"):
    import csv

    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


VALID_ROWS = (
    (
        "15001",
        "孙悦",
        "女",
        "教育界",
        "民盟",
        "教科文卫体委员会",
        "区实验小学 副校长",
        "13912345678",
        "是",
        "东华门街道活动小组",
    ),
    ("15002", "周博", "男", "经济界", "", "经济委员会", "某银行 行长", "010-64012345", "否", "景山街道"),
    ("15003", "吴晨", "男", "医药卫生界", "九三学社", "", "区人民医院 主任医师", "", "", ""),
)


@pytest.fixture
def roles_synced(db):
    roles.sync_roles()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Every cache (the anonymous pages among them) lives in process memory in tests: start each test empty."""
    from django.core.cache import caches

    for alias in caches.settings:
        caches[alias].clear()
    yield
    for alias in caches.settings:
        caches[alias].clear()


@pytest.fixture
def site(members, reference):
    """A small public site: three stories, a workstation with two posts and a plan item."""
    stories, stations = site_sections()
    m = members
    m["teacher"].photo = make_image("王丽照片")
    m["teacher"].save()
    s1 = story(
        stories,
        m["teacher"],
        "王丽：守护孩子们的课后时光",
        text="她推动学校课后服务提质，协调科技馆资源进校园。",
        date=datetime.date(2025, 9, 1),
    )
    s2 = story(
        stories,
        m["doctor"],
        "李强：让老人在家门口安享晚年",
        text="他围绕社区养老驿站建设开展调研，提出嵌入式养老的提案。",
        date=datetime.date(2026, 3, 2),
    )
    s3 = story(
        stories,
        m["banker"],
        "赵敏：推动垃圾分类进社区",
        text="她走进社区宣讲新规，推动楼门院设置分类驿站，垃圾分类成了居民的新习惯。",
        date=datetime.date(2026, 4, 3),
    )
    ws = station(stations, m["engineer"], title="东四街道委员工作室", sign_photo=make_image("标识牌"))
    ws.members.set([m["teacher"], m["banker"]])
    ws.save_revision().publish()
    year = timezone.localdate().year
    p1 = post(ws, "走访界别群众听民声", datetime.date(year, 1, 10))
    p2 = post(
        ws,
        "社区养老服务调研",
        datetime.date(year, 3, 12),
        category="research",
        text="委员走访养老驿站，与老人座谈助餐需求。",
    )
    plan(ws, timezone.localdate() + datetime.timedelta(days=20), "委员接待日：法律咨询")
    return {"stories": stories, "stations": stations, "s1": s1, "s2": s2, "s3": s3, "ws": ws, "p1": p1, "p2": p2}
