"""The public site as a visitor, a crawler and a share card meet it: error pages, one public
address everywhere, page metadata, the story and workstation pages, the demo's home page."""

import datetime
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from django.test import RequestFactory
from PIL import Image as PILImage
from wagtail.images import get_image_model

from content.models import HomePage, WorkstationPage

from .content_helpers import station, story
from .factories import MemberFactory, StreetGroupFactory
from .test_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://zx.example.gov.cn"


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def settings_env(**env):
    """Settings as another process sees them with these environment variables."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PUBLIC_URL, s.WAGTAILADMIN_BASE_URL, s.WAGTAILAPI_BASE_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.dev", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def public_address(settings, db):
    """The site deployed at PUBLIC, as `migrate` leaves it (the post_migrate handlers run)."""
    from django.core.management.sql import emit_post_migrate_signal

    settings.PUBLIC_URL = settings.WAGTAILADMIN_BASE_URL = settings.WAGTAILAPI_BASE_URL = PUBLIC
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    return PUBLIC


# --- 7. error pages, with DEBUG off as in production


@pytest.mark.django_db
def test_a_missing_page_is_a_chinese_404_with_the_site_header_and_ways_back(client, site, settings):
    assert settings.DEBUG is False
    response = client.get("/stories/no-such-story/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-Hans"' in page and "<title>页面未找到 · 连心</title>" in page
    assert "页面未找到" in page and 'class="site-header"' in page and 'role="search"' in page
    assert '<a href="/">返回首页</a>' in page
    assert f'<a href="{site["stories"].url}">看看委员风采</a>' in page
    assert "Not Found" not in page


def test_the_500_page_is_chinese_and_renders_without_the_database():
    """No django_db mark: any query while rendering it would fail this test."""
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-Hans">' in page and "服务器出错了" in page
    assert '<a href="/">返回首页</a>' in page and "区政协委员联系群众平台" in page
    assert "Server Error" not in page


@pytest.mark.django_db
def test_an_error_while_serving_a_page_shows_the_chinese_500_page(client, site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "get_context", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


# --- 9. one public address


def test_one_setting_gives_the_public_address_to_wagtail_and_the_api():
    result = settings_env(PUBLIC_URL="https://zx.example.gov.cn/")
    assert result.stdout.split() == [PUBLIC] * 3, result.stderr
    assert settings_env(PUBLIC_URL="http://127.0.0.1:8000").stdout.split() == ["http://127.0.0.1:8000"] * 3


@pytest.mark.parametrize(
    "value", ["zx.example.gov.cn", "https://zx.example.gov.cn/lianxin/", "https://zx.example.gov.cn:8443"]
)
def test_a_public_address_wagtail_cannot_serve_is_refused_at_start(value):
    result = settings_env(PUBLIC_URL=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured: PUBLIC_URL" in result.stderr


def test_production_refuses_to_start_without_a_public_address():
    env = {k: v for k, v in os.environ.items() if k != "PUBLIC_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "zx.example.gov.cn",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: 生产环境必须设置环境变量 PUBLIC_URL" in result.stderr


@pytest.mark.django_db
def test_migrate_gives_the_default_site_the_public_address(settings):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_url == settings.PUBLIC_URL == "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_pages_name_the_public_address_in_canonical_og_url_and_og_image(client, site, public_address):
    page = html(client, site["s1"].url)
    url = f"{PUBLIC}{site['s1'].url}"
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert re.search(rf'<meta property="og:image" content="{PUBLIC}/media/images/[^"]+fill-600x600', page)
    assert "localhost" not in page and "127.0.0.1" not in page
    assert f'<link rel="canonical" href="{PUBLIC}/">' in html(client, "/")


@pytest.mark.django_db
def test_the_feed_links_every_story_at_the_public_address(client, site, public_address):
    channel = ET.fromstring(client.get(site["stories"].url + "feed/").content).find("channel")
    assert channel.findtext("link") == f"{PUBLIC}{site['stories'].url}"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == f"{PUBLIC}{site['stories'].url}feed/"
    items = list(channel.iter("item"))
    assert len(items) == 3
    for item in items:
        assert item.findtext("link").startswith(f"{PUBLIC}/stories/")
        assert item.findtext("guid") == item.findtext("link")


@pytest.mark.django_db
def test_the_api_links_pages_and_images_at_the_public_address(client, site, public_address):
    items = client.get("/api/v2/pages/", {"type": "content.WorkstationPage", "fields": "*"}).json()["items"]
    station_item = items[0]
    assert station_item["meta"]["html_url"] == f"{PUBLIC}{site['ws'].url}"
    assert station_item["meta"]["detail_url"] == f"{PUBLIC}/api/v2/pages/{site['ws'].pk}/"
    assert station_item["sign_photo"]["full_url"].startswith(f"{PUBLIC}/media/images/")
    detail = client.get(f"/api/v2/pages/{site['s1'].pk}/").json()
    assert detail["meta"]["html_url"] == f"{PUBLIC}{site['s1'].url}"
    found = client.get("/api/v2/pages/find/", {"html_path": site["s1"].url})
    assert found.status_code == 302 and found["Location"].startswith(f"{PUBLIC}/api/v2/pages/{site['s1'].pk}/")


@pytest.mark.django_db
def test_the_sitemap_lists_the_live_pages_at_the_public_address(client, site, public_address):
    site["s3"].unpublish()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)]
    for page in ("/", site["stories"].url, site["s1"].url, site["ws"].url, site["p2"].url):
        assert f"{PUBLIC}{page}" in locations, page
    assert f"{PUBLIC}{site['s3'].url}" not in locations, "an unpublished story is not listed"
    assert all(location.startswith(PUBLIC) for location in locations)


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_admin_and_forms_and_names_the_sitemap(client, public_address):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines and "Disallow: /forms/" in lines
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in lines


@pytest.mark.django_db
def test_the_favicon_is_a_local_file(client, site):
    page = html(client, "/")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.startswith("/static/")
    response = client.get(icon)
    assert response.status_code == 200 and response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == icon


@pytest.mark.django_db
def test_each_page_describes_itself_from_its_own_words(client, site):
    s1 = site["s1"]
    s1.lead = "她推动学校课后服务提质。"
    s1.save_revision().publish()
    page = html(client, s1.url)
    assert '<meta name="description" content="她推动学校课后服务提质。">' in page
    assert '<meta property="og:description" content="她推动学校课后服务提质。">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:description" content="委员走访养老驿站，与老人座谈助餐需求。">' in html(
        client, site["p2"].url
    )
    assert (
        '<meta name="description" content="负责人：陈杰；地址：东四大街 1 号；委员接待日：每月第一个周三。">'
        in html(client, site["ws"].url)
    )
    home = html(client, "/")
    assert '<meta property="og:type" content="website">' in home


@pytest.mark.django_db
def test_titles_name_the_site_once(client, site, make_user):
    def title(url):
        return re.search(r"<title>(.*?)</title>", html(client, url), re.S).group(1).strip()

    home = HomePage.objects.get()
    home.title = "连心 · 委员联系群众"
    home.save_revision().publish()
    assert title("/") == "连心 · 委员联系群众"
    assert title(site["s1"].url) == "王丽：守护孩子们的课后时光 · 连心"
    assert title("/search/") == "搜索 · 连心"
    assert title("/login/") == "登录 · 连心"


# --- 9b. valid, well-ordered HTML


class Outline(HTMLParser):
    """Headings in order, and every itemprop that sits outside an itemscope."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.open, self.headings, self.stray_itemprops = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "itemprop" in attrs and "itemscope" not in attrs and not any(scoped for _, scoped in self.open):
            self.stray_itemprops.append((tag, attrs["itemprop"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in self.VOID:
            self.open.append((tag, "itemscope" in attrs))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break


def outline(client, url, **params):
    parser = Outline()
    parser.feed(html(client, url, **params))
    return parser


def public_urls(site):
    return ["/", site["stories"].url, site["s1"].url, site["stations"].url, site["ws"].url, site["p2"].url]


@pytest.mark.django_db
def test_itemprop_metadata_always_belongs_to_an_item(client, site):
    for url in public_urls(site):
        assert outline(client, url).stray_itemprops == [], url


@pytest.mark.django_db
def test_headings_never_skip_a_level(client, site):
    story(site["stories"], site["s2"].member, "李强：第二篇风采")  # a related story on s2's page
    for url in [*public_urls(site), site["s2"].url]:
        levels = outline(client, url).headings
        assert levels[0] == 1, url
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)


def large_image(title="大照片", size=1000):
    buffer = io.BytesIO()
    PILImage.new("RGB", (size, size), (30, 80, 160)).save(buffer, "PNG")
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="portrait.png")
    image.save()
    return image


@pytest.mark.django_db
def test_portraits_offer_sharper_renditions_for_high_density_screens(client, site, members):
    members["teacher"].photo = large_image()
    members["teacher"].save()
    card = re.search(r'<img [^>]*class="card-photo"[^>]*>', html(client, site["stories"].url)).group(0)
    assert 'src="/media/images/' in card and "fill-400x400" in card
    assert re.search(r'srcset="[^"]*fill-400x400[^"]* 400w, [^"]*fill-800x800[^"]* 800w"', card)
    profile = re.search(r'<aside class="member-card".*?</aside>', html(client, site["s1"].url), re.S).group(0)
    assert re.search(r'srcset="[^"]*fill-240x240[^"]* 240w, [^"]*fill-480x480[^"]* 480w"', profile)


# --- 15. the story and workstation pages


@pytest.mark.django_db
def test_a_story_leads_back_to_its_section_and_on_to_related_stories(client, site, members, reference):
    same_member = story(site["stories"], members["teacher"], "王丽：第二次走进课堂", date=datetime.date(2024, 5, 1))
    colleague = MemberFactory(name="孙悦", sector=reference["education"])
    same_sector = story(site["stories"], colleague, "孙悦：乡村学校的音乐课", date=datetime.date(2026, 5, 1))
    page = html(client, site["s1"].url)
    nav = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.S).group(0)
    assert f'<a href="{site["stories"].url}">委员风采</a>' in nav
    related = re.search(r'<section class="related".*?</section>', page, re.S).group(0)
    shown = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', related)
    assert shown == [same_member.title, same_sector.title], "the same member first, then the same 界别"
    assert "赵敏" not in related and site["s1"].title not in related


@pytest.mark.django_db
def test_the_menu_marks_where_the_reader_is(client, site):
    def current(url):
        return re.findall(r'<a href="[^"]+" aria-current="(\w+)">([^<]+)</a>', html(client, url))

    assert current("/") == [("page", "首页")]
    assert current(site["stories"].url) == [("page", "委员风采")]
    assert current(site["s1"].url) == [("true", "委员风采")]
    assert current(site["p2"].url) == [("true", "委员工作室")]
    assert current("/search/") == []


@pytest.mark.django_db
def test_a_filtered_story_list_offers_to_clear_its_filters(client, site, reference):
    index = site["stories"].url
    assert "清除筛选" not in html(client, index)
    page = html(client, index, sector=reference["education"].pk)
    assert f'<a href="{index}" class="clear-filters">清除筛选</a>' in page


@pytest.mark.django_db
def test_workstations_filter_by_sector_and_street(client, site, members, reference):
    street_station = station(site["stations"], members["doctor"], title="景山街道委员工作室")
    street_station.basis, street_station.sector = WorkstationPage.Basis.STREET, None
    street_station.street_group = reference["jingshan"]
    street_station.save_revision().publish()
    StreetGroupFactory(name="无工作室的街道小组", street="无工作室街道")
    index = site["stations"].url

    def shown(**params):
        return set(re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html(client, index, **params)))

    assert shown() == {"东四街道委员工作室", "景山街道委员工作室"}
    assert shown(sector=reference["economy"].pk) == {"东四街道委员工作室"}
    assert shown(sector=reference["health"].pk) == {"景山街道委员工作室"}, "led by a member of the 界别"
    assert shown(street=reference["jingshan"].pk) == {street_station.title}
    page = html(client, index, street=reference["jingshan"].pk)
    assert f'<a href="{index}" class="clear-filters">清除筛选</a>' in page
    assert "景山街道</option>" in page and "无工作室街道" not in page, "only streets that have a station"
    assert "教育界</option>" not in page, "only 界别 that have a station"


@pytest.mark.django_db
def test_a_workstations_phone_number_is_tap_to_call(client, site):
    assert '<a href="tel:01064010001">010-64010001</a>' in html(client, site["ws"].url)


@pytest.mark.parametrize(
    "contact, expected",
    [
        ("13800138000", '<a href="tel:13800138000">13800138000</a>'),
        ("（010）6401-2345 转 801", '<a href="tel:01064012345">（010）6401-2345</a> 转 801'),
        ("010-64012345-801", '<a href="tel:01064012345,801">010-64012345-801</a>'),
        ("zx@example.gov.cn", '<a href="mailto:zx@example.gov.cn">zx@example.gov.cn</a>'),
        ("<b>每周三</b> 64012345", '&lt;b&gt;每周三&lt;/b&gt; <a href="tel:64012345">64012345</a>'),
    ],
)
def test_contact_lines_link_phones_and_mail_and_escape_the_rest(contact, expected):
    from django.template import engines

    template = engines["django"].from_string("{% load content_tags %}{{ contact|contact_links }}")
    assert template.render({"contact": contact}) == expected


# --- 16. the demo's home page


@pytest.mark.django_db
def test_the_demo_home_page_lists_upcoming_activities_on_their_own_dates(client, members, reference, monkeypatch):
    from django.utils import timezone

    from content import demo

    photo = large_image("演示图", size=60)
    monkeypatch.setattr(demo, "make_image", lambda *args, **kwargs: photo)  # drawing images is not the point
    next_year = timezone.localdate().year + 1
    demo.seed_content(today=datetime.date(next_year, 1, 20))

    page = html(client, "/")
    upcoming = re.search(r'<ul class="plan">(.*?)</ul>', page, re.S).group(1)
    rows = re.findall(r'<time datetime="([\d-]+)">([^<]+)</time>\s*([^<]+?) · ', upcoming)
    assert len(rows) == 8
    assert len({date for date, _, _ in rows}) == 8, "every station has its own day"
    for _, shown_date, title in rows:
        assert shown_date.startswith("1月")
        assert not re.match(r"\d+月", title), f"no date in front of the title: {title}"


# --- 15. in a browser: the portrait fits its card, phones get thumbnails, print is the story


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_story_keeps_its_portrait_inside_the_card_and_prints_without_the_site_around_it(
    browser,  # noqa: F811
    live_server,
    site,
    members,
):
    members["teacher"].photo = large_image()
    members["teacher"].save()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + site["s1"].url)
    card = page.locator(".member-card").bounding_box()
    photo = page.locator(".member-card img").bounding_box()
    assert photo["width"] > 150, "the portrait is shown, not shrunk away"
    assert photo["x"] + photo["width"] <= card["x"] + card["width"] - 8, "the portrait stays inside its card"
    page.screenshot(path=ARTIFACTS / "story-desktop.png", full_page=True)

    page.emulate_media(media="print")
    for furniture in (".site-header", ".search-box", ".site-footer", ".breadcrumb"):
        assert not page.locator(furniture).is_visible(), furniture
    assert page.locator("article.story h1").is_visible() and page.locator(".member-card").is_visible()
    page.screenshot(path=ARTIFACTS / "story-print.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_home_page_on_a_phone_shows_portraits_as_thumbnails(browser, live_server, site, members):  # noqa: F811
    for key in ("teacher", "doctor", "banker"):
        members[key].photo = large_image(f"{key} 照片")
        members[key].save()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    widths = page.locator(".card-photo").evaluate_all("photos => photos.map(p => p.getBoundingClientRect().width)")
    assert len(widths) == 3 and max(widths) <= 100, widths
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    page.screenshot(path=ARTIFACTS / "home-phone.png", full_page=True)
