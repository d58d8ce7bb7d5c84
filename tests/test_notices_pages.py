"""通知公告 as a reader, an editor and a 界别组长 meet it: the list filtered by column and party and
paginated, a notice with its downloads, the site search, the API and RSS, the seeded 委员基层日 notice
with its blank 备案表 (S000-17), and the 活动通知 drafted when a 委员活动日 is saved (S001-12)."""

import datetime
import io
import subprocess
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, WorkflowState

from content.models import HomePage
from forms_app.five_ones.pdf import blank_filing_pdf
from forms_app.five_ones.sheets import FILING_ROWS, blank_filing_xlsx
from forms_app.models import ActivityDay, ReportingUnit, TableVariant
from notices.demo import seed_notices
from notices.models import FILING_NOTICE_SLUG, NoticeAttachment, NoticeColumn, NoticeIndexPage, NoticePage
from people import roles

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HOSTILE = '<script>alert("x")</script> & 委员'


@pytest.fixture
def index(db):
    home = HomePage.objects.get()
    page = NoticeIndexPage(title="通知公告", slug="notices")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def notice(index, title, *, column=NoticeColumn.BOARD, party=None, date=TODAY, body="<p>正文</p>", documents=()):
    page = NoticePage(
        title=title,
        slug=f"n-{NoticePage.objects.count() + 1}",
        column=column,
        party=party,
        date=date,
        body=body,
        lead="",
    )
    page.attachments = [NoticeAttachment(document=d, sort_order=n) for n, d in enumerate(documents)]
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def document(title, name, content, collection=None):
    doc = get_document_model()(title=title, collection=collection or Collection.get_first_root_node())
    doc.file.save(name, ContentFile(content), save=False)
    doc.file_size = len(content)
    doc.save()
    return doc


def titles(response):
    return [n.title for n in response.context["notices"]]


def test_the_list_is_newest_first_filtered_by_column_and_party_and_paginated(client, index, reference):
    minmeng, jiusan = reference["minmeng"], reference["jiusan"]
    for n in range(16):
        notice(index, f"公告{n:02d}", date=TODAY - datetime.timedelta(days=30 + n))
    notice(index, "政协信息第1期", column=NoticeColumn.BULLETIN, date=TODAY - datetime.timedelta(days=2))
    notice(index, "民盟送教进社区", column=NoticeColumn.PARTY, party=minmeng, date=TODAY - datetime.timedelta(days=1))
    notice(index, "九三学社科普讲座", column=NoticeColumn.PARTY, party=jiusan, date=TODAY)

    first = client.get("/notices/")
    assert first.status_code == 200
    assert titles(first)[:4] == ["九三学社科普讲座", "民盟送教进社区", "政协信息第1期", "公告00"]
    assert len(titles(first)) == 15
    assert "共 19 条" in first.content.decode()
    second = client.get("/notices/", {"page": 2})
    assert titles(second) == ["公告12", "公告13", "公告14", "公告15"]

    assert titles(client.get("/notices/", {"column": "bulletin"})) == ["政协信息第1期"]
    assert titles(client.get("/notices/", {"column": "party"})) == ["九三学社科普讲座", "民盟送教进社区"]
    by_party = client.get("/notices/", {"column": "party", "party": minmeng.pk})
    assert titles(by_party) == ["民盟送教进社区"]
    assert titles(client.get("/notices/", {"party": minmeng.pk})) == ["民盟送教进社区"], "a party implies 党派活动"
    board = client.get("/notices/", {"column": "board", "page": 2})
    assert titles(board) == ["公告15"] and 'href="?column=board&amp;page=1"' in board.content.decode()

    wrong = client.get("/notices/", {"column": "bulletin", "party": minmeng.pk})
    html = wrong.content.decode()
    assert "只有“党派活动”栏目可以按党派筛选。" in html
    assert '<option value="bulletin" selected>' in html, "the reader's choice stays in the form"
    assert len(titles(wrong)) == 15
    assert "选择一个有效的选项" in client.get("/notices/", {"column": "nonsense"}).content.decode()
    assert client.get("/notices/", {"party": "99999"}).status_code == 200


def test_a_notice_shows_its_column_party_date_body_and_public_attachments(client, index, reference):
    pdf = document("备案表（PDF）", "form.pdf", b"%PDF-1.4 test" * 100)
    secret_collection = Collection.get_first_root_node().add_child(name="内部材料")
    CollectionViewRestriction.objects.create(
        collection=secret_collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    secret = document("内部名单", "secret.xlsx", b"x" * 50, collection=secret_collection)
    page = notice(
        index,
        "民盟送教进社区",
        column=NoticeColumn.PARTY,
        party=reference["minmeng"],
        date=datetime.date(2026, 3, 5),
        body="<p>委员走进社区开设家庭教育讲座。</p>",
        documents=[pdf, secret],
    )
    html = client.get(page.url).content.decode()
    html = html[html.find("<article") : html.find("</article>")]
    assert "党派活动" in html and "民盟" in html and "2026年3月5日" in html
    assert "委员走进社区开设家庭教育讲座。" in html
    assert f'<a href="{pdf.url}" download>备案表（PDF）</a>' in html
    assert "（PDF，1.3\xa0KB）" in html
    assert "内部名单" not in html and secret.url not in html, "a restricted collection's document is not offered"
    assert client.get(pdf.url).status_code == 200


def test_the_site_search_finds_a_notice_by_a_two_character_word(client, index):
    notice(index, "关于报送备案表的通知", body="<p>各界别组长请在3月底前报送。</p>")
    notice(index, "政协信息第2期", column=NoticeColumn.BULLETIN, body="<p>委员读书活动。</p>")
    response = client.get(reverse("search"), {"q": "组长"})
    html = response.content.decode()
    assert [row["page"].title for row in response.context["results"]] == ["关于报送备案表的通知"]
    assert "通知公告 · 公告栏" in html
    assert "<mark>组长</mark>" in html
    only = client.get(reverse("search"), {"q": "读书", "type": "notice"})
    assert [row["page"].title for row in only.context["results"]] == ["政协信息第2期"]
    assert "通知公告 · 政协信息" in only.content.decode()


def test_the_api_lists_live_notices_with_their_fields_and_only_public_attachment_urls(client, index, reference):
    pdf = document("备案表（PDF）", "form.pdf", b"%PDF-1.4 " * 10)
    restricted = Collection.get_first_root_node().add_child(name="内部")
    CollectionViewRestriction.objects.create(collection=restricted, restriction_type=CollectionViewRestriction.LOGIN)
    secret = document("内部名单", "secret.xlsx", b"y" * 10, collection=restricted)
    page = notice(
        index, "民盟送教进社区", column=NoticeColumn.PARTY, party=reference["minmeng"], documents=[pdf, secret]
    )
    draft = notice(index, "未发布的通知")
    draft.unpublish()

    answer = client.get("/api/v2/pages/", {"type": "notices.NoticePage", "fields": "*"}).json()
    assert [item["title"] for item in answer["items"]] == ["民盟送教进社区"]
    item = answer["items"][0]
    assert item["column"] == "party" and item["party_name"] == "民盟" and item["date"] == f"{TODAY:%Y-%m-%d}"
    assert item["attachment_list"] == [
        {"title": "备案表（PDF）", "file_type": "PDF", "file_size": len(b"%PDF-1.4 " * 10), "url": pdf.url}
    ]
    detail = client.get(f"/api/v2/pages/{page.pk}/").content.decode()
    assert "内部名单" not in detail and secret.url not in detail
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    found = client.get("/api/v2/pages/", {"type": "notices.NoticePage", "search": "送教"}).json()
    assert [i["title"] for i in found["items"]] == ["民盟送教进社区"]


def test_the_feed_parses_with_escaped_text_and_absolute_links(client, index, reference):
    notice(index, HOSTILE, body=f"<p>{HOSTILE.replace('<', '&lt;').replace('>', '&gt;').replace('&', '&amp;', 1)}</p>")
    notice(index, "民盟送教进社区", column=NoticeColumn.PARTY, party=reference["minmeng"])
    response = client.get("/notices/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["民盟送教进社区", HOSTILE]
    assert "<script>" not in response.content.decode(), "the title is escaped in the XML"
    assert items[0].findtext("description").startswith("【党派活动（民盟）】")
    for item in items:
        assert item.findtext("link").startswith(settings.PUBLIC_URL + "/notices/")
        assert item.findtext("guid") == item.findtext("link")
    assert channel.findtext("link") == settings.PUBLIC_URL + "/notices/"
    assert 'type="application/rss+xml"' in client.get("/notices/").content.decode()


def pdf_text(content, tmp_path):
    path = tmp_path / "blank.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_blank_filing_form_has_the_headings_and_empty_boxes(tmp_path):
    text = pdf_text(blank_filing_pdf(), tmp_path)
    flat = "".join(text.split())
    assert f"{settings.COMMITTEE_NAME}委员基层日“五个一活动”备案表" in flat
    assert "年月日党派、界别界别组长姓名名称" in flat, "the date line is blank, the first row's boxes empty"
    boxes = flat.split("界别组长姓名名称", 1)[1].split("注：", 1)[0]
    assert boxes == "".join(FILING_ROWS), f"nothing but the headings in the boxes: {boxes}"
    assert "网站公告栏内下载" in flat

    sheet = openpyxl.load_workbook(io.BytesIO(blank_filing_xlsx())).active
    assert sheet["A1"].value == f"{settings.COMMITTEE_NAME}委员基层日“五个一活动”备案表"
    assert (sheet["A3"].value, sheet["C3"].value) == ("党派、界别名称", "界别组长姓名")
    assert sheet["B3"].value is None and sheet["D3"].value is None
    assert [sheet[f"A{row}"].value for row in range(4, 9)] == FILING_ROWS
    for row in range(4, 9):
        assert sheet[f"B{row}"].value is None and f"B{row}:D{row}" in {str(r) for r in sheet.merged_cells.ranges}
        assert sheet[f"B{row}"].border.left.style == "thin"
    assert "公告栏" in sheet["A11"].value


def test_seed_notices_is_idempotent_and_publishes_the_filing_notice_with_its_forms(client, reference):
    seed_notices()
    seed_notices()
    index = NoticeIndexPage.objects.get()
    assert (index.slug, index.title, index.live) == ("notices", "通知公告", True)
    assert NoticePage.objects.count() == 3
    assert get_document_model().objects.count() == 2
    filing = NoticePage.objects.get(slug=FILING_NOTICE_SLUG)
    assert filing.live and filing.column == NoticeColumn.BOARD
    assert {n.column for n in NoticePage.objects.live()} == {"board", "bulletin", "party"}
    assert NoticePage.objects.get(column=NoticeColumn.PARTY).party == reference["minmeng"]

    html = client.get(filing.url).content.decode()
    assert "各专委会、各党派、各界别：" in html and "<h3>二、工作机制</h3>" in html
    assert "各界别组长要在3月底前将本基层日“五个一活动”备案表交所联系的专委会工作室" in html
    files = [(a.file_type, a.document.file.read()) for a in filing.public_attachments()]
    assert [kind for kind, _ in files] == ["PDF", "XLSX"]
    assert files[0][1].startswith(b"%PDF") and files[1][1].startswith(b"PK")
    for kind, _ in files:
        assert f"（{kind}，" in html


def test_the_wizard_first_step_links_to_the_live_filing_notice(client, make_user, members, reference, index):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"], member=members["teacher"])
    client.force_login(leader)
    url = reverse("five_ones_wizard") + f"?year={TODAY.year}"
    assert "备案表可在公告栏下载" not in client.get(url).content.decode(), "no notice yet"
    page = notice(index, "今年改了标题的基层日通知")
    page.slug = FILING_NOTICE_SLUG
    page.save_revision().publish()
    html = client.get(url).content.decode()
    assert "备案表可在公告栏下载" in html
    assert f'<a href="/notices/{FILING_NOTICE_SLUG}/">今年改了标题的基层日通知</a>' in html
    page.unpublish()
    assert "备案表可在公告栏下载" not in client.get(url).content.decode()


def test_creating_an_activity_day_drafts_exactly_one_escaped_unpublished_notice(client, index, make_user, reference):
    units = [
        ReportingUnit.objects.create(name="教科文卫体委员会", variant=TableVariant.COMMITTEE, sort_order=1),
        ReportingUnit.objects.create(name="<b>东华门</b>街道活动小组", variant=TableVariant.CPPCC, sort_order=2),
    ]
    organiser = make_user(roles.LIAISON_OFFICE)
    roles.sync_roles()
    client.force_login(organiser)
    day_date = TODAY + datetime.timedelta(days=10)
    form = {
        "name": "秋季委员活动日",
        "theme": HOSTILE,
        "date": f"{day_date:%Y-%m-%d}",
        "upload_deadline": f"{day_date + datetime.timedelta(days=2):%Y-%m-%d}",
        "deadline": f"{day_date + datetime.timedelta(days=7):%Y-%m-%d}",
        "units": [u.pk for u in units],
    }
    response = client.post("/admin/forms_app/activityday/create/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    day = ActivityDay.objects.get()

    drafts = NoticePage.objects.filter(activity_day=day)
    assert drafts.count() == 1
    draft = drafts.get()
    assert not draft.live and draft.get_parent().specific == index
    assert draft.column == NoticeColumn.BOARD and draft.title == "关于开展秋季委员活动日的通知"
    body = draft.get_latest_revision_as_object().body
    assert "<script>" not in body and "&lt;script&gt;" in body and "&amp; 委员" in body
    assert f"{day_date.year}年{day_date.month}月{day_date.day}日" in body
    assert "<li>教科文卫体委员会</li>" in body and "<li>&lt;b&gt;东华门&lt;/b&gt;街道活动小组</li>" in body
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS, "submitted to 内容审核 for the editors"
    assert client.get("/notices/").context["notices"].paginator.count == 0, "nothing published"

    form["theme"] = "委员在行动"
    assert client.post(f"/admin/forms_app/activityday/edit/{day.pk}/", form).status_code == 302
    day.refresh_from_db()
    day.save()
    assert NoticePage.objects.filter(activity_day=day).count() == 1, "editing the day makes no second notice"
    assert "委员在行动" in NoticePage.objects.get(activity_day=day).get_latest_revision_as_object().body

    edited = draft.get_latest_revision_as_object()
    edited.body = "<p>编辑改写的通知。</p>"
    edited.save_revision(user=organiser)
    form["theme"] = "又改了主题"
    client.post(f"/admin/forms_app/activityday/edit/{day.pk}/", form)
    latest = NoticePage.objects.get(activity_day=day).get_latest_revision_as_object().body
    assert latest == "<p>编辑改写的通知。</p>", "an editor's text is never overwritten"
