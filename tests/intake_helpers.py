"""Shared pieces for the intake tests: a citizen's case, the CAPTCHA's real answer, the roles."""

import re

import pytest
from captcha.models import CaptchaStore

from intake import cases
from intake.models import Channel
from people import roles
from tests.content_helpers import site_sections, station

CITIZEN = {"name": "欧阳娜娜", "phone": "13987654321", "email": "nana@example.com", "address": "东华门社区"}


def captcha_answer(html):
    """The answer to the CAPTCHA a page shows: its hashkey from the form, the response from the
    CAPTCHA's own table (the real CAPTCHA, no test mode). Returns the POST fields."""
    text = html.decode() if isinstance(html, bytes) else html
    key = re.search(r'name="captcha_0"[^>]*value="([0-9a-f]{40})"|value="([0-9a-f]{40})"[^>]*name="captcha_0"', text)
    assert key, "the page shows no CAPTCHA"
    hashkey = key.group(1) or key.group(2)
    return {"captcha_0": hashkey, "captcha_1": CaptchaStore.objects.get(hashkey=hashkey).response}


def fresh_captcha():
    """A CAPTCHA made as a page would make it, with its answer."""
    hashkey = CaptchaStore.generate_key()
    return {"captcha_0": hashkey, "captcha_1": CaptchaStore.objects.get(hashkey=hashkey).response}


def new_case(channel=Channel.MAILBOX, now=None, **fields):
    values = {**CITIZEN, "subject": "小区门口路灯不亮", "content": "东华门社区北门路灯坏了三个月。", **fields}
    return cases.register(channel=channel, now=now, **values)


@pytest.fixture
def intake_people(roles_synced, make_user, members, reference):
    """One account per role the intake app knows, and two stations."""
    _stories, index = site_sections()
    edu = station(index, members["teacher"], "教育界委员工作室", committee=reference["edu_committee"])
    econ = station(index, members["banker"], "经济界委员工作室", committee=reference["econ_committee"])
    return {
        "edu_station": edu,
        "econ_station": econ,
        "office": make_user(roles.DISTRICT_OFFICE),
        "research": make_user(roles.RESEARCH_OFFICE),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "teacher": make_user(roles.MEMBER, member=members["teacher"]),
        "doctor": make_user(roles.MEMBER, member=members["doctor"]),
        "banker": make_user(roles.MEMBER, member=members["banker"]),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "sector_leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        "editor": make_user(roles.EDITOR),
    }
