"""The public lists read what they show without walking all the data: a 动态 knows its station
(created, published, moved), the month strip counts one station's posts, the story index reaches
deep pages by key with links that keep their stories, and the counts shown follow each publish."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone

import content.models
from content.drafts import draft_station_post
from content.models import StoryIndexPage, WorkstationPostPage
from lianxin_site.cache import clear_public_cache

from .content_helpers import post, station, story

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def html(client, url, query=""):
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200, url
    return response.content.decode()


def month(page, n):
    """What the month strip says of month n: 有活动（k） or 无活动."""
    found = re.search(rf"<span>{n}月</span> <span>(有活动（\d+）|无活动)", page)
    assert found, n
    return found.group(1)


def api_titles(client, **params):
    body = client.get("/api/v2/pages/", params).json()
    return body["meta"]["total_count"], {item["title"] for item in body["items"]}


@pytest.fixture
def second_station(site, members):
    return station(site["stations"], members["doctor"], title="交道口委员工作室")


def test_the_month_strip_counts_only_the_stations_own_posts(client, site, second_station):
    post(second_station, "交道口一月活动", datetime.date(YEAR, 1, 20))
    post(second_station, "交道口二月活动", datetime.date(YEAR, 2, 5))
    post(second_station, "交道口去年活动", datetime.date(YEAR - 1, 2, 5))
    page = html(client, site["ws"].url)
    assert month(page, 1) == "有活动（1）" and month(page, 2) == "无活动" and month(page, 3) == "有活动（1）"
    other = html(client, second_station.url)
    assert month(other, 1) == "有活动（1）" and month(other, 2) == "有活动（1）" and month(other, 3) == "无活动"
    assert "交道口去年活动" in other and "交道口去年活动" not in page
    last_year = html(client, second_station.url, f"year={YEAR - 1}")
    assert month(last_year, 2) == "有活动（1）" and month(last_year, 1) == "无活动"


def test_a_convener_draft_counts_for_its_station_once_published(client, site, second_station, django_user_model):
    owner = django_user_model.objects.create_user("convener")
    draft = draft_station_post(
        station=second_station,
        title="交道口五月活动",
        slug="may",
        date=datetime.date(YEAR, 5, 9),
        category="visit",
        activity_day=None,
        text="委员走访。",
        images=None,
        owner=owner,
    )
    assert month(html(client, second_station.url), 5) == "无活动", "a draft is not an activity yet"
    draft.get_latest_revision().publish()
    page = html(client, second_station.url)
    assert month(page, 5) == "有活动（1）" and "交道口五月活动" in page
    assert api_titles(client, type="content.WorkstationPostPage", workstation=second_station.pk)[1] == {
        "交道口五月活动"
    }


def test_a_post_moved_to_another_station_counts_there(client, site, second_station):
    moved = WorkstationPostPage.objects.get(pk=site["p2"].pk)  # 3月, 社区养老服务调研
    moved.move(second_station, pos="last-child")
    assert month(html(client, site["ws"].url), 3) == "无活动"
    page = html(client, second_station.url)
    assert month(page, 3) == "有活动（1）" and "社区养老服务调研" in page
    assert api_titles(client, type="content.WorkstationPostPage", workstation=site["ws"].pk)[1] == {
        "走访界别群众听民声"
    }
    assert api_titles(client, type="content.WorkstationPostPage", workstation=second_station.pk)[1] == {
        "社区养老服务调研"
    }
    # A revision written before the move, published after it, keeps the post where it now is.
    moved.refresh_from_db()
    moved.title = "社区养老服务调研（修订）"
    moved.save_revision().publish()
    assert "社区养老服务调研（修订）" in html(client, second_station.url)
    assert month(html(client, site["ws"].url), 3) == "无活动"


def test_the_month_strip_follows_an_unpublish_and_a_move_after_it_was_shown(client, site, second_station):
    assert month(html(client, site["ws"].url), 3) == "有活动（1）"  # 社区养老服务调研, counted and kept
    assert month(html(client, second_station.url), 3) == "无活动"
    post = WorkstationPostPage.objects.get(pk=site["p2"].pk)
    post.unpublish()
    assert month(html(client, site["ws"].url), 3) == "无活动"
    post.save_revision().publish()
    assert month(html(client, site["ws"].url), 3) == "有活动（1）"
    post.refresh_from_db()
    post.move(second_station, pos="last-child")
    assert month(html(client, site["ws"].url), 3) == "无活动"
    assert month(html(client, second_station.url), 3) == "有活动（1）"


def test_the_migration_links_the_posts_that_existed_before_it(client, site):
    module = importlib.import_module("content.migrations.0007_post_station")
    WorkstationPostPage.objects.update(station=None)
    assert month(html(client, site["ws"].url), 1) == "无活动"
    module.link_posts_to_stations(apps, None)
    clear_public_cache()  # the page above was cached while unlinked
    assert set(WorkstationPostPage.objects.values_list("station_id", flat=True)) == {site["ws"].pk}
    assert month(html(client, site["ws"].url), 1) == "有活动（1）"


@pytest.fixture
def many_stories(site, members, monkeypatch):
    """Eleven stories (three from the site), two a page, pages past the second reached by key."""
    monkeypatch.setattr(StoryIndexPage, "per_page", 2)
    monkeypatch.setattr(content.models, "NUMBERED_PAGES", 2)
    for n in range(8):
        story(site["stories"], members["teacher"], f"第{n}篇风采", date=datetime.date(2024, 1, 1 + n // 2))
    return site["stories"]


def links(page):
    prev = re.search(r'rel="prev" href="\?([^"]+)"', page)
    nxt = re.search(r'rel="next" href="\?([^"]+)"', page)
    return (prev and prev.group(1).replace("&amp;", "&")), (nxt and nxt.group(1).replace("&amp;", "&"))


def walk(client, url, query=""):
    """[(page label, titles, query)] following 下一页 from `query` to the end."""
    pages = []
    while True:
        page = html(client, url, query)
        label = re.search(r"第 (\d+) / (\d+) 页", page).group(0)
        pages.append((label, story_titles(page), query))
        query = links(page)[1]
        if not query:
            return pages


def story_titles(page):
    """The titles of the story cards on a page, in order."""
    return re.findall(r'<article class="card">.*?<h2><a href="[^"]*">([^<]+)</a></h2>', page, re.S)


def test_story_index_reaches_every_story_once_in_order_and_back(client, many_stories):
    forward = walk(client, many_stories.url)
    assert [label for label, *_ in forward] == [f"第 {n} / 6 页" for n in range(1, 7)]
    titles = [title for _label, page_titles, _q in forward for title in page_titles]
    expected = list(many_stories.stories().values_list("title", flat=True))
    assert titles == expected and len(expected) == 11
    assert forward[1][2] == "page=2" and "before=" in forward[2][2] and "before=" in forward[5][2]
    # 上一页 from the last page retraces the same pages.
    query, back = forward[-1][2], []
    while query:
        page = html(client, many_stories.url, query)
        back.append(story_titles(page))
        query = links(page)[0]
    assert back == [page_titles for _label, page_titles, _q in reversed(forward)]
    assert links(html(client, many_stories.url, "page=2"))[0] == "page=1"


def test_a_deep_link_keeps_its_stories_when_new_ones_are_published(client, many_stories, members):
    deep = walk(client, many_stories.url)[4]  # 第 5 页, reached by key
    story(many_stories, members["doctor"], "新发布的风采", date=datetime.date(2026, 6, 1))
    again = html(client, many_stories.url, deep[2])
    assert story_titles(again) == deep[1]
    assert "共 12 篇" in again
    assert "新发布的风采" in html(client, many_stories.url)


def test_filters_travel_with_the_keyed_links(client, many_stories, site, reference):
    pages = walk(client, many_stories.url, f"sector={reference['education'].pk}")
    titles = [title for _label, page_titles, _q in pages for title in page_titles]
    assert len(titles) == 9 and "王丽：守护孩子们的课后时光" in titles  # 8 + 王丽's own, 王丽 is 教育界
    assert all(f"sector={reference['education'].pk}" in q for _l, _t, q in pages[1:])
    assert "李强：让老人在家门口安享晚年" not in titles


def test_a_broken_key_falls_back_to_the_page_number(client, many_stories):
    pages = walk(client, many_stories.url)
    for broken in ("garbage", "2024-13-40.1", "2024-01-01.x"):
        page = html(client, many_stories.url, f"before={broken}&page=5")
        assert story_titles(page) == pages[4][1] and "第 5 / 6 页" in page


def test_counts_and_years_follow_publishing(client, site, members):
    index = site["stories"]
    first = html(client, index.url)
    assert "共 3 篇" in first and "2023年" not in first
    old = story(index, members["teacher"], "二〇二三年的风采", date=datetime.date(2023, 5, 1))
    page = html(client, index.url)
    assert "共 4 篇" in page and "2023年" in page
    assert "共 1 篇" in html(client, index.url, "year=2023")
    assert api_titles(client, type="content.StoryPage")[0] == 4
    old.unpublish()
    page = html(client, index.url)
    assert "共 3 篇" in page and "2023年" not in page
    assert "共 0 篇" in html(client, index.url, "year=2023")
    total, titles = api_titles(client, type="content.StoryPage")
    assert total == 3 and "二〇二三年的风采" not in titles


def test_the_feed_lists_the_newest_thirty_with_their_tags(client, site, members):
    for n in range(31):
        made = story(
            site["stories"],
            members["doctor"],
            f"第{n:02d}篇养老调研",
            date=datetime.date(2026, 6, 1) + datetime.timedelta(days=n),
        )
        if n == 30:
            made.tags.add("养老")
            made.save_revision().publish()
    response = client.get(site["stories"].url + "feed/")
    items = re.findall(r"<item>(.*?)</item>", response.content.decode(), re.S)
    assert len(items) == 30
    assert "<category>养老</category>" in items[0] and "第30篇养老调研" in items[0]
    assert all("守护孩子们" not in item for item in items), "the oldest story is past the thirty"
