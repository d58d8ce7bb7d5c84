"""The admin is 连心's and reads in Chinese.

Every page a role can reach from the admin menu, and the pages those link to, shows no English
word outside a short allow-list. Wagtail's and wagtail-modeladmin's zh_Hans catalogues leave gaps;
the project fills them in locale/zh_Hans/ (compiled by bin/setup, and by the test session in
conftest.py) and in templates/wagtailadmin/, templates/modeladmin/ and templates/wagtailusers/;
the crawl finds the next gap. Then the brand (logo, colours, name, nothing from outside the site)
and the wording offices asked for."""

import datetime
import io
import json
import re
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from forms_app.demo import seed_activity_days, seed_applications, seed_filings
from lianxin_site.management.commands.seed_demo import DEMO_ACCOUNTS
from lianxin_site.management.commands.seed_demo import Command as SeedDemo
from people import demo, roles

from .conftest import as_csv, as_xlsx, roster_rows
from .content_helpers import site_sections, station, story

pytestmark = pytest.mark.django_db

# Latin words a Chinese-speaking office worker reads as they are: file formats and encodings, names
# of things, and the keys printed on a keyboard (the shortcuts dialog).
ALLOWED = {
    word.lower()
    for word in ("PDF", "Excel", "xlsx", "CSV", "UTF", "GBK", "PNG", "JPG", "JPEG", "GIF", "WebP", "AVIF", "SVG")
    + ("API", "RSS", "URL", "JavaScript")
    + ("Ctrl", "Alt", "Shift", "Esc")
}

# GET only; never a link that logs out, deletes or changes state when followed.
SKIPPED = re.compile(
    r"/(logout|delete|unpublish|lock|unlock|revert|cancel|approve|reject|restart|confirm|act|move|copy|preview"
    r"|view_draft|export|pdf|download|jsi18n|icons|sprite|bulk)(/|$|\?)"
    r"|/(documents|images)/\d+/(original|serve)|[?&](export|format)="
)
SEEN_PER_PATTERN = 3  # /admin/pages/3/edit/, /admin/pages/7/edit/ …: the same screen, checked three times at most
MAX_PAGES_PER_ROLE = 120

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a user sees (or hears from a screen reader) on a page, and the admin links on it.

    Skips <script>, <style> and hidden elements; of the attributes, keeps only those users see
    (title, placeholder, aria-label, a button's value). Wagtail draws its sidebar menu from JSON
    in a <script>: its labels count as visible text, its URLs as links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.links = []
        self._stack = []  # (tag, hidden)
        self._script = None

    @property
    def _hidden(self):
        return any(hidden for _tag, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._script = {"tag": tag, "id": attrs.get("id", ""), "text": []}
            return
        hidden = (
            "hidden" in attrs
            or (tag == "input" and (attrs.get("type") or "").lower() == "hidden")
            or bool(HIDDEN_STYLE.search(attrs.get("style") or ""))
        )
        if not (hidden or self._hidden):
            for name in SEEN_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag == "input" and (attrs.get("type") or "").lower() in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag not in VOID:
            self._stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag):
        if self._script is not None and tag == self._script["tag"]:
            if self._script["id"] == "wagtail-sidebar-props":
                self._sidebar(json.loads("".join(self._script["text"])))
            self._script = None
            return
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"].append(data)
        elif not self._hidden and data.strip():
            self.texts.append(data)

    def _sidebar(self, node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("label", "footer_text") and isinstance(value, str):
                    self.texts.append(value)
                elif key == "url" and isinstance(value, str):
                    self.links.append(value)
                else:
                    self._sidebar(value)
        elif isinstance(node, list):
            for value in node:
                if isinstance(value, str) and value.startswith("/admin/"):
                    self.links.append(value)
                else:
                    self._sidebar(value)


def english_words(texts):
    return {
        word for text in texts for word in LATIN_WORD.findall(text) if len(word) >= 3 and word.lower() not in ALLOWED
    }


def pattern(url):
    """URLs that differ only by ids or their query (a page number, an ordering) show the same screen."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def crawl(client, start="/admin/"):
    """GET the admin from `start`, following links within /admin/; {url: english words}."""
    queue, seen, per_pattern, found = [start], set(), defaultdict(int), {}
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        parts = urlsplit(url)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url in seen or not parts.path.startswith("/admin/") or SKIPPED.search(url):
            continue
        if per_pattern[pattern(url)] >= SEEN_PER_PATTERN:
            continue
        seen.add(url)
        per_pattern[pattern(url)] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = VisibleText()
        page.feed(response.content.decode())
        page.close()
        words = english_words(page.texts)
        if words:
            found[url] = words
        queue.extend(
            parts.path + link if link.startswith("?") else link
            for link in page.links
            if link.startswith(("/admin/", "?"))
        )
    return found


@pytest.fixture
def committee(client, make_user):
    """The demo committee in small: reference data, 40 members, one account per role with its
    scope (Chinese login names, as the test reads every word on the page), a story and a
    workstation, an image and a document, filings, applications, activity days and one import
    of each kind."""
    demo.seed_reference_data()
    demo.seed_members(40)
    roles.sync_roles()
    SeedDemo().seed_accounts("pw-lianxin-123")
    stories, stations = site_sections()
    members = list(demo.Member.objects.order_by("code")[:3])
    story(stories, members[0], f"{members[0].name}：守护孩子们的课后时光")
    # File names without letters, never twice the same: storage would add random letters to a name it
    # has seen, and Wagtail spells a Chinese image name in pinyin.
    stamp = uuid.uuid4().int
    sign = get_image_model()(title="标识牌")
    png = io.BytesIO()
    Image.new("RGB", (120, 90), (179, 38, 30)).save(png, "PNG")
    sign.file = ImageFile(png, name=f"{stamp}.png")
    sign.save()
    station(stations, members[1], title="东四街道委员工作室", sign_photo=sign)
    document = get_document_model()(title="委员活动日通知")
    document.file.save(f"通知{stamp}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    seed_filings()
    seed_applications()
    seed_activity_days()

    User = get_user_model()
    accounts = {}  # by role, and by the demo login each was made from
    for number, (username, _label, role, _scope) in enumerate(DEMO_ACCOUNTS, start=1):
        user = User.objects.get(username=username)
        user.username = f"账号{number}"
        user.email = ""
        user.save()
        accounts[role] = accounts[username] = user
    accounts["admin"] = User.objects.get(username="admin")
    accounts["admin"].username, accounts["admin"].email = "超级管理员", ""
    accounts["admin"].save()
    for role in set(roles.ROLE_NAMES) - set(accounts):
        accounts[role] = make_user(role)
        accounts[role].username = f"{role}账号"
        accounts[role].save()

    client.force_login(accounts["liaison"])
    client.post(
        reverse("people_roster_import"),
        {
            "file": ContentFile(
                as_csv(roster_rows(("15001", "孙悦", "女", "教育界", "", "", "区实验小学", "", "", ""))),
                name="名册.csv",
            )
        },
    )
    client.logout()
    return accounts


ADMIN_ROLES = [role.name for role in roles.ROLES if "wagtailadmin.access_admin" in role.permissions]


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_every_admin_page_a_role_reaches_reads_in_chinese(client, committee, role):
    client.force_login(committee[role])

    found = crawl(client)

    report = "\n".join(f"{url}: {', '.join(sorted(words))}" for url, words in sorted(found.items()))
    assert not found, f"{role} sees English on these admin pages:\n{report}"


def test_the_admin_login_page_reads_in_chinese(client):
    found = crawl(client, "/admin/login/")

    report = "\n".join(f"{url}: {', '.join(sorted(words))}" for url, words in sorted(found.items()))
    assert not found, f"English on the admin's login page:\n{report}"


def test_wagtails_own_rows_are_named_in_chinese_after_migrate():
    """The page tree's root, permission names and Wagtail's two sample groups, as migrate leaves them."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, Page

    assert Page.get_first_root_node().title == "根目录"
    assert Collection.get_first_root_node().name == "根目录"
    names = dict(Permission.objects.values_list("codename", "name"))
    assert names["publish_page"] == "可以发布任何页面"
    assert names["access_admin"] == "可以访问管理后台"
    assert names["add_page"] == "可以添加页面"
    assert names["change_filingyear"] == "可以修改报送截止日期"
    assert names["import_roster"] == "可以导入委员名册", "the project's own names stay as declared"
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


# --- 连心's brand: logo, colours and name, from the site's own files


def sidebar_menu(page):
    """(label, url) of every item in the admin's sidebar menu, which Wagtail draws from JSON."""
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', page, re.S)
    items = []

    def walk(node):
        if isinstance(node, dict):
            if "label" in node:
                items.append((node["label"], node.get("url", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.group(1)))
    return items


def test_admin_pages_carry_lianxins_name_logo_and_colours(client, committee):
    from django.contrib.staticfiles import finders

    client.force_login(committee["editor"])
    page = client.get("/admin/").content.decode()

    assert "<title>控制面板 - 连心</title>" in page
    assert '<link rel="icon" type="image/svg+xml" href="/static/images/lianxin-logo.svg">' in page
    assert '<link rel="stylesheet" href="/static/css/admin.css">' in page
    logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", page, re.S).group(1)
    assert 'src="/static/images/lianxin-logo.svg"' in logo and 'alt="连心"' in logo
    css = open(finders.find("css/admin.css"), encoding="utf-8").read()
    # #b3261e, the site's red, as Wagtail's secondary colour (buttons, links).
    assert "--w-color-secondary-hue: 3.2;" in css
    assert "--w-color-secondary-saturation: 71.2%;" in css
    assert "--w-color-secondary-lightness: 41%;" in css
    assert "#b3261e" in open(finders.find("images/lianxin-logo.svg"), encoding="utf-8").read()


def test_the_admin_login_page_is_lianxins(client):
    page = client.get("/admin/login/").content.decode()

    assert "<title>登录 - 连心</title>" in page
    assert "<h1>登录连心管理后台</h1>" in page
    assert 'src="/static/images/lianxin-logo.svg"' in page
    assert "区政协委员联系群众平台" in page
    assert "Wagtail" not in re.sub(
        r"<script.*?</script>|<svg.*?</svg>|/static/wagtailadmin/[^\"']*", "", page, flags=re.S
    )


def test_nothing_in_the_admin_loads_from_outside_the_site(client, committee):
    """Scripts, styles and images are the site's own; and Wagtail's "upgrade available" banner,
    which asks releases.wagtail.io from the superuser's browser, is gone."""
    client.force_login(committee["admin"])
    dashboard = client.get("/admin/").content.decode()
    assert 'data-controller="w-upgrade' not in dashboard

    for url in ("/admin/", "/admin/login/", "/admin/people/member/", "/admin/users/"):
        page = dashboard if url == "/admin/" else client.get(url, follow=True).content.decode()
        assets = re.findall(r"<(?:script|img|link|iframe)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", page)
        assert assets and all(asset.startswith("/") for asset in assets), (url, assets)


def test_the_help_menu_keeps_to_the_site(client, committee):
    """Wagtail's help menu links to its English guide and release notes on wagtail.org; the
    settings menu carried Wagtail's version at its foot. Only the keyboard shortcuts stay."""
    client.force_login(committee["sysadmin"])
    page = client.get("/admin/").content.decode()

    assert ("快捷键", "#") in sidebar_menu(page)
    assert "wagtail.org" not in page
    assert "Wagtail v" not in page


# --- Wording (the offices' reading of the issue, point 11)


def test_a_filing_or_an_application_is_viewed_not_checked(client, committee):
    from forms_app.models import FiveOnesFiling, WorkstationApplication

    client.force_login(committee["liaison"])
    application = WorkstationApplication.objects.first()
    page = client.get(reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk]))
    page = page.content.decode()
    assert "<title>查看委员工作室建立申请 - 连心</title>" in page
    assert "正在检查" not in page

    client.force_login(committee["archive"])
    filing = FiveOnesFiling.objects.filter(status="archived").get()
    page = client.get(reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[filing.pk])).content.decode()
    assert "<title>查看五个一活动备案表 - 连心</title>" in page
    assert "正在检查" not in page
    listing = client.get(reverse("forms_app_fiveonesfiling_modeladmin_index")).content.decode()
    assert re.search(r">\s*查看\s*</a>", listing), "each filing's button reads 查看"
    assert "检查" not in listing


def test_an_opinion_states_its_decision_once(client, committee):
    from forms_app.models import WorkstationApplication

    client.force_login(committee["liaison"])
    approved = WorkstationApplication.objects.get(name__endswith="界委员工作室")
    page = client.get(reverse("forms_app_workstationapplication_modeladmin_inspect", args=[approved.pk]))
    page = page.content.decode()
    assert "同意：同意" not in page
    assert "<td>同意。场地、制度齐全，建议报委员联络室。</td>" in page

    returned = WorkstationApplication.objects.get(name="胡同文化委员工作室")
    page = client.get(reverse("forms_app_workstationapplication_modeladmin_inspect", args=[returned.pk]))
    assert "<td>退回修改：参与委员的联系方式不全，请补充后重新提交。</td>" in page.content.decode(), (
        "a text that does not say the decision is headed by it"
    )


def test_the_deadline_menu_and_page_agree_and_say_the_default(client, committee):
    client.force_login(committee["archive"])
    page = client.get(reverse("forms_app_filingyear_modeladmin_index")).content.decode()

    assert ("报送截止日期", reverse("forms_app_filingyear_modeladmin_index")) in sidebar_menu(page)
    assert "<title>报送截止日期 - 连心</title>" in page
    assert "没有设置的年度，报送截止日期为当年3月31日。" in page
    form = client.get(reverse("forms_app_filingyear_modeladmin_create")).content.decode()
    assert "没有设置的年度，报送截止日期为当年3月31日。" in form


def labels(page):
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<label\b[^>]*>(.*?)</label>", page, re.S)]


def test_form_labels_end_in_a_chinese_colon(client, committee):
    """Django adds gettext(":") to a form's labels; the project's catalogue makes it "："."""
    client.force_login(committee["leader_edu"])
    next_year = timezone.localdate().year + 1  # this year's is filed already
    wizard = labels(client.get(reverse("five_ones_wizard") + f"?year={next_year}").content.decode())
    assert "界别组长姓名：" in wizard, wizard
    assert not [label for label in wizard if label.endswith(":")]

    client.force_login(committee["secretary"])
    from forms_app.models import WorkstationApplication

    waiting = WorkstationApplication.objects.get(name__endswith="界委员工作室")
    sign = labels(
        client.get(reverse("forms_app_workstationapplication_modeladmin_inspect", args=[waiting.pk])).content.decode()
    )
    assert "意见内容：" in sign, sign
    assert not [label for label in sign if label.endswith(":")]


def test_imports_name_the_uploader_not_their_login(client, committee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from forms_app.models import ActivityDay
    from people.models import RosterImport

    liaison = committee["liaison"]  # 委员联络室 · 王主任, who uploaded a roster in the fixture
    client.force_login(liaison)
    record = RosterImport.objects.get()
    preview = client.get(reverse("people_roster_preview", args=[record.pk])).content.decode()
    assert "上传人：委员联络室 · 王主任" in preview
    listing = client.get(reverse("people_rosterimport_modeladmin_index")).content.decode()
    assert "委员联络室 · 王主任" in listing
    assert liaison.username not in preview + listing

    day = ActivityDay.objects.first()
    response = client.post(
        reverse("activity_day_import", args=[day.pk]),
        {"file": SimpleUploadedFile("统计表.xlsx", as_xlsx([["填表单位：东城区政协"]]))},
        follow=True,
    )
    page = response.content.decode()
    assert "上传人：委员联络室 · 王主任" in page
    assert liaison.username not in page


def test_the_admins_relative_times_read_in_chinese():
    """Wagtail's status panel says when a page went to 内容审核 through Django's humanize, whose
    Chinese loads only when the app is installed (it had read 「a second ago送交审核员审核」)."""
    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone, translation

    with translation.override("zh-hans"):
        said = [naturaltime(timezone.now() - datetime.timedelta(minutes=5)), naturaltime(timezone.now())]
    assert "分钟" in said[0] and not any("ago" in s or s == "now" for s in said), said
