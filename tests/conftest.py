import io

import openpyxl
import pytest

from people import roles
from people.roster import HEADERS

from .factories import (
    MemberFactory,
    PartyFactory,
    ProfileFactory,
    SectorFactory,
    SpecialCommitteeFactory,
    StreetGroupFactory,
    UserFactory,
)


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
    ("15001", "孙悦", "女", "教育界", "民盟", "教科文卫体委员会", "区实验小学 副校长", "13912345678", "是", "东华门街道活动小组"),
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
    """The anonymous page cache lives in process memory in tests: start each test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
