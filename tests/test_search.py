"""Search as a reader uses it: the best matches first, each saying what it is, when, whose or
where, with the words found marked; a filter by type; the same few queries however many results."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin_site.cache import public_cache

from .content_helpers import post, story
from .test_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def titles(page):
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', page)


def result_for(page, title):
    """The HTML of one result, found by its title."""
    for item in re.findall(r'<li class="result">(.*?)</li>', page, re.S):
        if f">{title}</a></h2>" in item:
            return item
    raise AssertionError(f"no result titled {title}")


def test_title_matches_and_stories_come_before_newer_mentions(client, site, members):
    ws = site["ws"]
    for day in (1, 2, 3):
        post(ws, f"收集垃圾分类微建议（第{day}次）", datetime.date(2026, 6, day), text="在小区门口收集垃圾分类建议。")
    mention = story(
        site["stories"],
        members["engineer"],
        "陈杰：老街巷里的协商议事厅",
        text="议事厅也商量垃圾分类驿站放在哪里。",
        date=datetime.date(2026, 7, 1),
    )
    post(ws, "季度例会", datetime.date(2026, 7, 2), text="例会讨论了垃圾分类宣传。")

    assert titles(search(client, q="垃圾分类")) == [
        "赵敏：推动垃圾分类进社区",  # a story with the words in its title
        "收集垃圾分类微建议（第3次）",  # then other titles with them, newest first
        "收集垃圾分类微建议（第2次）",
        "收集垃圾分类微建议（第1次）",
        mention.title,  # then stories that mention them
        "季度例会",  # then the rest
    ]


def test_a_title_with_more_of_the_words_ranks_higher(client, site):
    post(site["ws"], "课后服务进科技馆", datetime.date(2025, 8, 1), text="委员协调科技馆资源。")
    assert titles(search(client, q="课后 科技馆")) == ["课后服务进科技馆", "王丽：守护孩子们的课后时光"]


def test_each_result_says_what_it_is_when_whose_or_where_with_the_words_marked(client, site):
    row = result_for(search(client, q="科技馆"), "王丽：守护孩子们的课后时光")
    assert '<span class="tag">委员风采</span>' in row
    assert '<time datetime="2025-09-01">2025年9月1日</time>' in row
    assert "王丽 · 教育界" in row
    assert "协调<mark>科技馆</mark>资源进校园" in row

    row = result_for(search(client, q="助餐"), "社区养老服务调研")
    assert '<span class="tag">动态</span>' in row and "东四街道委员工作室" in row
    assert "与老人座谈<mark>助餐</mark>需求" in row

    row = result_for(search(client, q="东四大街"), "东四街道委员工作室")
    assert '<span class="tag">委员工作室</span>' in row and "负责人 陈杰" in row
    assert "<mark>东四大街</mark> 1 号" in row


def test_a_word_found_only_in_pieces_marks_its_pieces(client, site):
    post(site["ws"], "敬老活动", datetime.date(2026, 9, 9), text="社区养老，关爱老人。")
    row = result_for(search(client, q="养老人"), "敬老活动")  # 养老 and 老人, never 养老人
    assert "社区<mark>养老</mark>，关爱<mark>老人</mark>。" in row


def test_the_snippet_is_escaped_text_with_only_marks_added(client, site, members):
    story(
        site["stories"],
        members["engineer"],
        "陈杰：分类回收",
        lead='<img src=x onerror=alert(1)>垃圾分类 & "回收"',
        text="&lt;script&gt;alert(2)&lt;/script&gt;垃圾分类",
    )
    row = result_for(search(client, q="垃圾分类"), "陈杰：分类回收")
    snippet = re.search(r'<p class="snippet">(.*?)</p>', row, re.S).group(1)
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>垃圾分类</mark> &amp; &quot;回收&quot;" in snippet
    assert "&lt;script&gt;alert(2)&lt;/script&gt;<mark>垃圾分类</mark>" in snippet
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}


def test_results_filter_by_type_with_a_count_for_each(client, site):
    page = search(client, q="养老")
    assert titles(page) == ["社区养老服务调研", "李强：让老人在家门口安享晚年"]
    nav = re.search(r'<nav class="type-filter".*?</nav>', page, re.S).group(0)
    assert re.search(r'aria-current="page">全部 <span class="count">2</span>', nav)
    assert '<a href="?q=%E5%85%BB%E8%80%81&amp;type=story">委员风采 <span class="count">1</span></a>' in nav
    assert '<span class="empty">委员工作室 <span class="count">0</span></span>' in nav

    only_stories = search(client, q="养老", type="story")
    assert titles(only_stories) == ["李强：让老人在家门口安享晚年"]
    assert re.search(r'type=story" aria-current="page">委员风采', only_stories)
    assert titles(search(client, q="养老", type="post")) == ["社区养老服务调研"]
    assert len(titles(search(client, q="养老", type="nonsense"))) == 2, "an unknown type shows everything"


def test_a_filtered_search_keeps_its_type_across_pages(client, site):
    for n in range(11):
        post(site["ws"], f"养老服务第{n}期", datetime.date(2026, 1, n + 1))
    page = search(client, q="养老", type="post")
    assert 'href="?q=%E5%85%BB%E8%80%81&amp;type=post&amp;page=2"' in page
    assert titles(search(client, q="养老", type="post", page="2")) == ["养老服务第1期", "养老服务第0期"]


def test_a_page_past_the_last_shows_the_last_with_every_count(client, site):
    for n in range(11):
        post(site["ws"], f"养老服务第{n}期", datetime.date(2026, 1, n + 1))
    page = search(client, q="养老", page="9")
    assert "共找到 13 条结果" in page
    assert "第 2 / 2 页" in page
    assert titles(page) == ["养老服务第1期", "养老服务第0期", "李强：让老人在家门口安享晚年"]
    assert '委员风采 <span class="count">1</span>' in page and '动态 <span class="count">12</span>' in page
    assert "第 1 / 2 页" in search(client, q="养老", page="0"), "a page number below 1 is the first page"
    assert "共找到 0 条结果" in search(client, q="没有这个词")


def test_the_results_bring_their_counts_in_the_same_query(client, site):
    search(client, q="养老")  # warm per-process caches (content types …)
    public_cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        search(client, q="养老")
    matches = [q["sql"] for q in ctx if "wagtailsearch_indexentry" in q["sql"]]
    assert len(matches) == 1, "one full-text match gives the page of results, the total and each type's count"


def test_a_page_of_results_costs_the_same_queries_however_many_results(client, site, members, reference):
    def queries():
        search(client, q="社区")  # warm per-process caches (content types …)
        public_cache.clear()  # measure the search, not the page cache in front of it
        with CaptureQueriesContext(connection) as ctx:
            search(client, q="社区")
        return len(ctx)

    few = queries()  # a story and a 动态 with 社区 in the title, a story with it in the text
    for n in range(5):
        story(site["stories"], members["teacher"], f"王丽：社区课堂第{n}讲")
    for n in range(10):
        post(site["ws"], f"社区走访第{n}次", datetime.date(2026, 2, n + 1))
    assert queries() == few


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_results_on_a_phone(browser, live_server, site):  # noqa: F811
    for day in (1, 2, 3):
        post(site["ws"], "收集垃圾分类微建议", datetime.date(2026, 6, day), text="在小区门口收集垃圾分类建议。")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.get_by_label("搜索").fill("垃圾分类")
    page.get_by_label("搜索").press("Enter")

    results = page.locator(".result")
    assert results.first.locator("h2").inner_text() == "赵敏：推动垃圾分类进社区"
    assert results.first.locator(".tag").inner_text() == "委员风采"
    assert results.nth(1).locator(".meta").inner_text().startswith("动态 2026年6月3日 · 东四街道委员工作室")
    assert page.locator(".snippet mark").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    page.screenshot(path=ARTIFACTS / "search-results-phone.png", full_page=True)

    page.get_by_role("navigation", name="按类型筛选").get_by_role("link", name="动态").click()
    assert set(page.locator(".result .tag").all_inner_texts()) == {"动态"}
    assert "type=post" in page.url
    page.screenshot(path=ARTIFACTS / "search-results-phone-posts.png", full_page=True)


def test_a_page_indexed_after_its_publish_clears_the_searches_cached_in_between(site, members):
    """In production the worker indexes a published page after the publish has cleared the page
    cache; a search cached in between would miss the new page until the next publish."""
    from modelsearch.tasks import insert_or_update_object_task

    live = story(site["stories"], members["engineer"], "陈杰：老街巷里的协商议事厅", text="议事厅。")
    public_cache.set("a cached search page", "without the new story")
    insert_or_update_object_task.enqueue("content", "storypage", str(live.pk))  # as the worker runs it
    assert public_cache.get("a cached search page") is None

    # A draft saved or the page locked is indexed too, and changes no search: the cache stays.
    public_cache.set("a cached search page", "kept")
    live.save_revision()
    insert_or_update_object_task.enqueue("content", "storypage", str(live.pk))
    assert public_cache.get("a cached search page") == "kept"


@pytest.mark.parametrize("page", ["10000000000000000000", "9" * 5000, "100001"])
def test_a_page_number_past_any_list_shows_the_last_page(client, site, members, page):
    for day in (1, 2):
        story(site["stories"], members["engineer"], f"养老服务调研（第{day}篇）", date=datetime.date(2026, 5, day))
    found = search(client, q="养老服务", page=page)
    assert "养老服务调研（第1篇）" in found, "the last (only) page, not a database error"
