"""The station page shows its 负责人 and 参与委员 with their photos (S003-16: 公示委员照片): a square
rendition, or a placeholder without one, the name and 界别, never a phone number or 委员证号, in the
same number of queries however many members the station has. The API's member cards stay as
they were."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .content_helpers import make_image, site_sections, station
from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(members, reference):
    _stories, index = site_sections()
    lead = members["teacher"]
    lead.photo = make_image("王丽照片")
    lead.phone = "13912345678"
    lead.save()
    members["doctor"].photo = make_image("李强照片")
    members["doctor"].phone = "13800001111"
    members["doctor"].save()
    ws = station(index, lead, title="东四委员工作室")
    ws.members.set([members["doctor"], members["banker"]])
    ws.save_revision().publish()
    ws.refresh_from_db()
    return ws


def test_the_lead_and_members_show_with_photo_name_and_sector_only(page, members):
    response = Client().get(page.url)
    html = response.content.decode()
    team = response.context["team"]
    assert [(m["name"], m["sector"], m["lead"]) for m in team] == [
        ("王丽", "教育界", True),
        ("李强", "医药卫生界", False),
        ("赵敏", "经济界", False),
    ]
    # Square renditions of the photos; 赵敏 has none and gets a placeholder with her surname.
    assert all(m["photo"]["width"] == m["photo"]["height"] for m in team if m["photo"])
    assert team[0]["photo"]["url"] in html and "fill-240x240" in team[0]["photo"]["url"]
    assert 'alt="王丽的照片"' in html and 'alt="李强的照片"' in html
    assert '<span class="portrait placeholder" aria-hidden="true">赵</span>' in html
    assert '<span class="role">负责人</span><span class="name">王丽</span>' in html
    for secret in ("13912345678", "13800001111", members["banker"].phone, "14001", "14002", "14003"):
        assert secret not in html, secret


def portrait_queries(url):
    from lianxin_site.cache import public_cache

    client = Client()
    client.get(url)  # warm: the renditions are made on the first view
    public_cache.clear()  # rendered again, not served from the anonymous page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["team"])


def test_the_page_asks_the_same_queries_for_3_and_30_members(page):
    small, shown = portrait_queries(page.url)
    assert shown == 3
    extra = [MemberFactory(photo=make_image(f"委员{i}")) for i in range(27)]
    page.members.add(*extra)
    page.save_revision().publish()
    large, shown = portrait_queries(page.url)
    assert shown == 30
    assert large == small


def test_the_api_member_cards_are_unchanged(page):
    body = Client().get(f"/api/v2/pages/{page.pk}/").json()
    lead = body["lead_member_card"]
    assert set(lead) == {"id", "name", "sector", "party", "committee", "employer_title", "is_standing", "photo"}
    assert "fill-400x400" in lead["photo"]["url"], "the API keeps its own rendition"
    assert [card["name"] for card in body["member_cards"]] == ["李强", "赵敏"]
    assert "phone" not in str(body) and "13912345678" not in str(body)
