"""Public content: 委员风采 stories, 委员工作室 and their 动态, in HTML, search and the API."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import StoryPage, WorkstationPage
from people.models import Member

from .content_helpers import make_image, post, station, story
from .factories import MemberFactory

pytestmark = pytest.mark.django_db

PHONE = "13800138000"  # every factory member's private phone


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


# --- pages


def test_home_page_shows_latest_stories_workstations_and_upcoming_activities(client, site):
    page = html(client, "/")
    assert page.index("赵敏：推动垃圾分类进社区") < page.index("李强：让老人在家门口安享晚年"), "newest first"
    assert "东四街道委员工作室" in page
    assert "委员接待日：法律咨询" in page


def test_story_page_shows_the_member_from_the_roster_and_nothing_private(client, site, members):
    page = html(client, site["s1"].url)
    assert "王丽" in page and "教育界" in page
    assert "她推动学校课后服务提质" in page
    assert 'property="og:title" content="王丽：守护孩子们的课后时光"' in page
    assert 'property="og:image"' in page and "fill-600x600" in page
    assert PHONE not in page and members["teacher"].code not in page


def test_story_follows_the_member_when_the_roster_changes(client, site, members, reference):
    members["doctor"].sector = reference["economy"]
    members["doctor"].save()
    assert "经济界" in html(client, site["s2"].url)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"王丽", "李强", "赵敏"}),
        ({"sector": "education"}, {"王丽"}),
        ({"party": "minmeng"}, {"李强"}),
        ({"committee": "econ_committee"}, {"赵敏"}),
        ({"year": "2025"}, {"王丽"}),
        ({"year": "2026", "sector": "economy"}, {"赵敏"}),
    ],
)
def test_story_index_filters(client, site, reference, params, expected):
    query = {k: (v if v.isdigit() else reference[v].pk) for k, v in params.items()}
    page = html(client, site["stories"].url, **query)
    shown = {name for name in ("王丽", "李强", "赵敏") if f"{name}：" in page}
    assert shown == expected


def test_story_index_paginates(client, site, members):
    for n in range(12):
        story(site["stories"], members["teacher"], f"第{n}篇风采", date=datetime.date(2024, 1, n + 1))
    first = html(client, site["stories"].url)
    second = html(client, site["stories"].url, page="2")
    assert "第 1 / 2 页" in first and 'rel="next"' in first
    assert "第 2 / 2 页" in second
    assert html(client, site["stories"].url, page="99").count("第 2 / 2 页") == 1, "past the end shows the last page"


def test_story_feed_lists_stories_newest_first(client, site):
    response = client.get(site["stories"].url + "feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    titles = [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]
    assert titles == ["赵敏：推动垃圾分类进社区", "李强：让老人在家门口安享晚年", "王丽：守护孩子们的课后时光"]


def test_workstation_page_shows_its_public_display_and_months_with_activity(client, site):
    page = html(client, site["ws"].url)
    for text in (
        "陈杰",
        "东四大街 1 号",
        "每月第一个周三",
        "010-64010001",
        "宣传政策，解疑释惑",
        "来访登记，委员接待",
        "季度例会制度",
        "王丽",
        "走访界别群众听民声",
        "社区养老服务调研",
    ):
        assert text in page, text
    assert '<li class="active"><span>1月</span> <span>有活动（1）' in page
    assert '<li class="idle"><span>2月</span> <span>无活动' in page
    assert '<li class="active"><span>3月</span>' in page
    assert PHONE not in page


def test_post_page_shows_its_category_and_workstation(client, site):
    page = html(client, site["p2"].url)
    assert "调研协商/监督视察" in page and "东四街道委员工作室" in page and "与老人座谈助餐需求" in page


def test_unpublished_story_is_not_public(client, site):
    site["s3"].unpublish()
    assert client.get(site["s3"].url).status_code == 404
    assert "赵敏：" not in html(client, site["stories"].url)


# --- Chinese search, on whichever database the suite runs on


@pytest.mark.parametrize(
    "query, expected",
    [
        ("垃圾分类", {"赵敏：推动垃圾分类进社区"}),
        ("养老", {"李强：让老人在家门口安享晚年", "社区养老服务调研"}),
        ("养老驿站", {"李强：让老人在家门口安享晚年", "社区养老服务调研"}),
        ("科技馆", {"王丽：守护孩子们的课后时光"}),
        ("课后服务 科技馆", {"王丽：守护孩子们的课后时光"}),
        ("东四", {"东四街道委员工作室"}),
        ("火星基地", set()),
    ],
)
def test_chinese_search_finds_words_inside_sentences(client, site, query, expected):
    page = html(client, "/search/", q=query)
    titles = {
        t
        for t in (
            "赵敏：推动垃圾分类进社区",
            "李强：让老人在家门口安享晚年",
            "王丽：守护孩子们的课后时光",
            "社区养老服务调研",
            "走访界别群众听民声",
            "东四街道委员工作室",
        )
        if f">{t}</a>" in page
    }
    assert titles == expected


def test_search_without_a_query_asks_for_one(client, site):
    assert "请输入要搜索的关键词" in html(client, "/search/")


# --- headless API


def api(client, **params):
    response = client.get("/api/v2/pages/", {"fields": "*", **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_api_serves_stories_with_member_and_image_renditions(client, site):
    data = api(client, type="content.StoryPage", order="-date")
    first = data["items"][0]
    assert data["meta"]["total_count"] == 3
    assert first["title"] == "赵敏：推动垃圾分类进社区"
    assert first["member_card"]["name"] == "赵敏" and first["member_card"]["sector"] == "经济界"
    wang = next(i for i in data["items"] if i["member_card"]["name"] == "王丽")
    photo = wang["member_card"]["photo"]
    assert "fill-400x400" in photo["url"] and photo["width"] == photo["height"] == 90  # no upscaling of 120x90


@pytest.mark.parametrize(
    "key, value, expected", [("sector", "education", 1), ("party", "minmeng", 1), ("sector", "economy", 1)]
)
def test_api_filters_stories_by_sector_and_party(client, site, reference, key, value, expected):
    data = api(client, type="content.StoryPage", **{key: reference[value].pk})
    assert data["meta"]["total_count"] == expected


def test_api_serves_workstations_and_their_posts(client, site):
    ws = api(client, type="content.WorkstationPage")["items"][0]
    assert ws["lead_member_card"]["name"] == "陈杰"
    assert {m["name"] for m in ws["member_cards"]} == {"王丽", "赵敏"}
    assert ws["sign_photo"]["url"] and ws["reception_note"] == "每月第一个周三" and ws["reception_days"] == []
    posts = api(client, type="content.WorkstationPostPage", workstation=site["ws"].pk)
    assert {p["title"] for p in posts["items"]} == {"走访界别群众听民声", "社区养老服务调研"}
    assert {p["category_label"] for p in posts["items"]} == {"走访界别群众", "调研协商/监督视察"}
    other = api(client, type="content.WorkstationPostPage", workstation=site["ws"].pk + 1000)
    assert other["meta"]["total_count"] == 0


def test_api_search_matches_chinese_like_the_search_box(client, site):
    found = api(client, type="content.StoryPage", search="垃圾分类")
    assert [item["title"] for item in found["items"]] == ["赵敏：推动垃圾分类进社区"]
    assert api(client, type="content.StoryPage", search="火星基地")["meta"]["total_count"] == 0


def test_api_listings_do_not_query_once_per_item(client, site, reference):
    def count(page_type):
        from lianxin_site.cache import public_cache

        api(client, type=page_type)  # new photos get their renditions made once, on first use
        public_cache.clear()  # measure the API, not the page cache in front of it
        with CaptureQueriesContext(connection) as ctx:
            data = api(client, type=page_type)
        if page_type == "content.WorkstationPostPage":
            assert {item["workstation_id"] for item in data["items"]} == {site["ws"].pk}
        return len(ctx)

    types = ["content.WorkstationPostPage", "content.StoryPage"]
    few = [count(t) for t in types]
    for n in range(5):
        post(site["ws"], f"更多动态{n}", datetime.date(2026, 5, n + 1))
        member = MemberFactory(sector=reference["education"], party=reference["jiusan"], photo=make_image())
        story(site["stories"], member, f"更多风采{n}")
    assert [count(t) for t in types] == few


def test_api_refuses_a_bad_filter(client, site):
    assert client.get("/api/v2/pages/", {"type": "content.StoryPage", "sector": "abc"}).status_code == 400
    assert client.get("/api/v2/pages/", {"type": "content.StoryPage", "workstation": "1"}).status_code == 400


def test_api_never_exposes_private_member_fields(client, site, members):
    bodies = [
        client.get("/api/v2/pages/", {"fields": "*", "type": t}).content.decode()
        for t in ("content.StoryPage", "content.WorkstationPage", "content.WorkstationPostPage")
    ]
    bodies += [client.get(f"/api/v2/pages/{p.pk}/").content.decode() for p in (site["s1"], site["ws"])]
    for body in bodies:
        assert PHONE not in body
        assert '"phone"' not in body
        for member in Member.objects.all():
            assert f'"{member.code}"' not in body


# --- editing: workflow, scheduling, preview


def test_editor_submits_and_a_reviewer_approves(make_user, site, members):
    from people import roles

    editor, reviewer = make_user(roles.EDITOR), make_user(roles.REVIEWER)
    draft = StoryPage(
        title="待审核的风采",
        slug="pending",
        member=members["teacher"],
        lead="导语",
        body=[("paragraph", "<p>正文</p>")],
    )
    site["stories"].add_child(instance=draft)
    draft.unpublish()
    assert not draft.permissions_for_user(editor).can_publish()
    assert draft.permissions_for_user(reviewer).can_publish()

    draft.save_revision(user=editor)
    state = draft.get_workflow().start(draft, editor)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.name == "审核员审核"
    assert "approve" not in [a[0] for a in task.get_actions(draft, editor)]
    assert "approve" in [a[0] for a in task.get_actions(draft, reviewer)]

    task.on_action(task_state, reviewer, "approve")
    draft.refresh_from_db()
    assert draft.live


def test_scheduled_story_goes_live_when_its_time_comes(client, site, members, monkeypatch):
    from django.core.management import call_command

    page = StoryPage(
        title="定时发布的风采",
        slug="scheduled",
        member=members["teacher"],
        lead="导语",
        body=[("paragraph", "<p>正文</p>")],
        live=False,
    )
    site["stories"].add_child(instance=page)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert client.get(page.url).status_code == 404

    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)  # two hours pass
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert "定时发布的风采" in html(client, page.url)


def test_editors_preview_a_draft(client, site, make_user):
    from people import roles

    client.force_login(make_user(roles.EDITOR))
    s1 = site["s1"]
    s1.title = "修改中的标题"
    s1.save_revision()
    response = client.get(f"/admin/pages/{s1.pk}/view_draft/")
    assert response.status_code == 200 and "修改中的标题" in response.content.decode()
    assert "修改中的标题" not in html(client.__class__(), s1.url), "the public still sees the live version"


# --- query counts do not grow with the data


def queries_for(client, url):
    client.get(url)  # warm Wagtail's per-process caches (site root paths …)
    from lianxin_site.cache import public_cache

    public_cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def grow(site, reference, n):
    for i in range(n):
        member = MemberFactory(sector=reference["education"], party=reference["jiusan"], photo=make_image())
        story(site["stories"], member, f"新增风采{i}")
        site["ws"].members.add(member)
        post(site["ws"], f"新增动态{i}", datetime.date(timezone.localdate().year, 1 + i % 12, 1))
    ws = WorkstationPage.objects.get(pk=site["ws"].pk)
    ws.save_revision().publish()


def test_query_counts_do_not_grow_with_stories_members_or_posts(client, site, reference):
    urls = lambda: [site["stories"].url, site["s1"].url, site["stations"].url, site["ws"].url, "/"]  # noqa: E731
    grow(site, reference, 2)
    small = [queries_for(client, url) for url in urls()]
    grow(site, reference, 10)
    large = [queries_for(client, url) for url in urls()]
    assert large == small


# --- anonymous cache


def test_anonymous_pages_come_from_the_cache_until_something_is_published(client, site, members):
    client.get(site["stories"].url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(site["stories"].url)
    assert len(ctx) == 0, "served from the cache"

    story(site["stories"], members["engineer"], "陈杰：新发布的风采")
    assert "陈杰：新发布的风采" in html(client, site["stories"].url), "publishing clears the cache"


def test_a_moved_page_leaves_its_old_parent_at_once_for_anonymous_visitors(client, site, members):
    other = station(site["stations"], members["doctor"], title="朝阳门街道委员工作室")
    assert "社区养老服务调研" in html(client, site["ws"].url)
    assert "社区养老服务调研" not in html(client, other.url)  # both pages now in the cache

    site["p2"].move(other, pos="last-child")
    assert "社区养老服务调研" not in html(client, site["ws"].url), "moving clears the cache"
    assert "社区养老服务调研" in html(client, other.url)


def test_logged_in_users_are_never_served_the_shared_cache(client, site, make_user):
    client.get(site["stories"].url)
    client.force_login(make_user())
    with CaptureQueriesContext(connection) as ctx:
        client.get(site["stories"].url)
    assert len(ctx) > 0


@pytest.mark.parametrize("asked, shown", [("1999", 0), ("abc", 0), ("next", 1), ("after-next", 0)])
def test_a_workstation_pages_year_follows_the_one_year_rule(client, site, asked, shown):
    this_year = timezone.localdate().year
    asked = {"next": this_year + 1, "after-next": this_year + 2}.get(asked, asked)
    response = client.get(site["ws"].url, {"year": asked})
    assert response.context["year"] == this_year + shown
