"""研究室's 线索 list and the 社情民意报送 batches (S000-18): leads without the citizen, a batch of
leads and typed items, its xlsx (one row per item, formula-safe, no citizen's name) and A4 PDF
(pdftotext finds the titles and 期号, pdffonts a CJK font), a unique 期号, the permission, and a
sent batch that is read-only."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from intake import batches
from intake.leads import make_lead
from intake.models import BatchItem, CaseLead, OpinionBatch
from intake.rules import IntakeError
from tests.intake_helpers import CITIZEN, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 16)
FORMULA = '=HYPERLINK("http://evil.example/","点我")'


def lead_with_citizen(research, subject="小区门口路灯不亮"):
    """A case whose text names the citizen (and their phone), drawn into a 社情民意信息."""
    case, _code = new_case(
        subject=subject,
        content=f"{CITIZEN['name']}（电话{CITIZEN['phone']}）反映：{CITIZEN['address']}北门路灯坏了三个月，夜间出行不便。",
    )
    return make_lead(case, CaseLead.Kind.OPINION, research)


def batch_of(research, issue_no="2026年第3期"):
    return batches.create_batch(research, issue_no=issue_no, date=DAY, title="社情民意")


def sheet_rows(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def pdf_text_and_fonts(content, tmp_path):
    path = tmp_path / "batch.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


# --- 线索


def test_research_lists_leads_without_the_citizen_and_rewrites_one(intake_people, login):
    research = intake_people["research"]
    lead = lead_with_citizen(research)
    client = login(research)
    page = client.get("/admin/intake/caselead/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "小区门口路灯不亮" in html and lead.case.number in html and "社情民意信息" in html and "未编入" in html
    assert CITIZEN["name"] not in html and CITIZEN["phone"] not in html

    response = client.post(
        f"/admin/intake/caselead/edit/{lead.pk}/",
        {"title": "关于老旧小区路灯维护的建议", "content": "多个老旧小区路灯长期失修。", "category": "urban"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.title == "关于老旧小区路灯维护的建议" and lead.kind == CaseLead.Kind.OPINION

    # Leads come from cases, never typed or deleted here.
    assert client.get("/admin/intake/caselead/create/").status_code == 403
    assert client.post(f"/admin/intake/caselead/delete/{lead.pk}/").status_code == 403
    assert CaseLead.objects.count() == 1


def test_the_office_and_a_member_cannot_read_the_leads(intake_people, login):
    lead = lead_with_citizen(intake_people["research"])
    for who in ("office", "teacher"):
        client = login(intake_people[who])
        for url in ("/admin/intake/caselead/", f"/admin/intake/caselead/edit/{lead.pk}/"):
            response = client.get(url)
            assert response.status_code in (302, 403)
            assert lead.title not in response.content.decode()


# --- 报送


def test_a_batch_of_leads_and_typed_items_downloads_as_xlsx_without_the_citizen(intake_people, login, tmp_path):
    research = intake_people["research"]
    first = lead_with_citizen(research, "小区门口路灯不亮")
    second = lead_with_citizen(research, "学校门口交通拥堵")
    batch = batch_of(research)
    client = login(research)

    response = client.post(
        reverse("intake_batch_add_leads", args=[batch.pk]), {"leads": [first.pk, second.pk], "source": "区政协研究室"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("intake_batch_add_item", args=[batch.pk]),
        {"title": FORMULA, "source": "民盟区委", "category": "economy", "content": "+1 个体工商户融资难。"},
    )
    assert response.status_code == 302
    assert batch.items.count() == 3

    page = client.get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "小区门口路灯不亮" in page and "民盟区委" in page and CITIZEN["name"] not in page
    # The leads now in a batch are no longer offered.
    assert f'value="{first.pk}"' not in page

    xlsx = client.get(reverse("intake_batch_xlsx", args=[batch.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    rows = sheet_rows(xlsx.content)
    assert rows[0] == ["序号", "标题", "类别", "反映单位", "内容"]
    assert len(rows) == 1 + 3
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    assert [row[1] for row in rows[1:3]] == ["小区门口路灯不亮", "学校门口交通拥堵"]
    assert rows[3][1] == "'" + FORMULA  # text, never a formula
    assert rows[3][4] == "'+1 个体工商户融资难。" and rows[3][3] == "民盟区委" and rows[3][2] == "经济发展"
    flat = " ".join(str(value) for row in rows for value in row)
    for value in CITIZEN.values():
        assert value not in flat
    assert "北门路灯坏了三个月" in flat

    pdf = client.get(reverse("intake_batch_pdf", args=[batch.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text, fonts = pdf_text_and_fonts(pdf.content, tmp_path)
    squeezed = "".join(text.split())
    for expected in (settings.COMMITTEE_NAME, "社情民意", "2026年第3期", "2026年3月16日", "报送：区委、区政府"):
        assert expected in squeezed
    for expected in ("一、小区门口路灯不亮", "二、学校门口交通拥堵", "三、=HYPERLINK", "民盟区委"):
        assert expected in squeezed
    assert CITIZEN["name"] not in squeezed and CITIZEN["phone"] not in squeezed
    assert re.search(r"Noto-(Sans|Serif)-CJK-SC", fonts), fonts


def test_items_are_reordered_and_removed_and_a_removed_lead_is_free_again(intake_people, login):
    research = intake_people["research"]
    lead = lead_with_citizen(research)
    batch = batch_of(research)
    batches.add_leads(batch, research, [lead])
    typed = batches.add_item(batch, research, title="乙", content="乙的内容", source="经济界别", category="economy")
    client = login(research)

    client.post(reverse("intake_batch_item_move", args=[batch.pk, typed.pk]), {"direction": "up"})
    assert [item.title for item in batches.items_of(batch)] == ["乙", lead.title]
    assert [item.order for item in batches.items_of(batch)] == [1, 2]

    first = batches.items_of(batch)[1]
    client.post(reverse("intake_batch_item_remove", args=[batch.pk, first.pk]))
    assert [item.title for item in batches.items_of(batch)] == ["乙"]
    assert lead in batches.free_leads()

    client.post(
        reverse("intake_batch_item", args=[batch.pk, typed.pk]),
        {"title": "乙（改）", "source": "经济界别", "category": "economy", "content": "改过的内容"},
    )
    typed.refresh_from_db()
    assert typed.title == "乙（改）" and typed.content == "改过的内容"


def test_a_lead_goes_into_one_batch_only(intake_people):
    research = intake_people["research"]
    lead = lead_with_citizen(research)
    one, other = batch_of(research, "第1期"), batch_of(research, "第2期")
    batches.add_leads(one, research, [lead])
    with pytest.raises(IntakeError, match="已编入其他报送"):
        batches.add_leads(other, research, [lead])
    assert other.items.count() == 0 and BatchItem.objects.count() == 1


def test_a_duplicate_issue_number_is_refused_in_chinese(intake_people, login):
    research = intake_people["research"]
    batch_of(research, "2026年第3期")
    client = login(research)
    response = client.post(
        reverse("intake_batches"), {"issue_no": "2026年第3期", "date": "2026-04-01", "title": "社情民意"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "期号“2026年第3期”已被使用，请换一个期号。" in html
    assert 'value="2026-04-01"' in html  # the other fields are kept
    assert OpinionBatch.objects.count() == 1

    other = batch_of(research, "2026年第4期")
    response = client.post(
        reverse("intake_batch_header", args=[other.pk]),
        {"issue_no": "2026年第3期", "date": "2026-04-01", "title": "社情民意"},
    )
    assert "期号“2026年第3期”已被使用" in response.content.decode()
    other.refresh_from_db()
    assert other.issue_no == "2026年第4期"


def test_an_empty_issue_number_or_date_is_refused_at_the_field(intake_people, login):
    client = login(intake_people["research"])
    response = client.post(reverse("intake_batches"), {"issue_no": "  ", "date": "", "title": "社情民意"})
    html = response.content.decode()
    assert "请填写期号。" in html and "请填写报送日期。" in html
    assert OpinionBatch.objects.count() == 0


def test_a_typed_item_without_its_source_is_refused_and_the_rest_kept(intake_people, login):
    research = intake_people["research"]
    batch = batch_of(research)
    client = login(research)
    response = client.post(
        reverse("intake_batch_add_item", args=[batch.pk]),
        {
            "title": "关于加强社区养老服务的建议",
            "source": "",
            "category": "livelihood",
            "content": "社区养老服务站点不足。",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写反映单位。" in html and "关于加强社区养老服务的建议" in html and "社区养老服务站点不足。" in html
    assert batch.items.count() == 0


@pytest.mark.parametrize("who", ["office", "teacher", "liaison", "edu_office"])
def test_only_research_opens_a_batch_or_its_downloads(intake_people, login, who):
    research = intake_people["research"]
    lead = lead_with_citizen(research)
    batch = batch_of(research)
    batches.add_leads(batch, research, [lead])
    client = login(intake_people[who])
    for name in ("intake_batch", "intake_batch_xlsx", "intake_batch_pdf"):
        response = client.get(reverse(name, args=[batch.pk]))
        assert response.status_code in (302, 403)
        assert lead.title.encode() not in response.content
    response = client.get(reverse("intake_batches"))
    assert response.status_code in (302, 403) and b"2026" not in response.content
    response = client.post(reverse("intake_batches"), {"issue_no": "第9期", "date": "2026-04-01", "title": "社情民意"})
    assert response.status_code in (302, 403)
    client.post(reverse("intake_batch_send", args=[batch.pk]))
    client.post(reverse("intake_batch_item_remove", args=[batch.pk, batch.items.get().pk]))
    batch.refresh_from_db()
    assert OpinionBatch.objects.count() == 1 and batch.sent_at is None and batch.items.count() == 1
    with pytest.raises(IntakeError, match="只有研究室"):
        batches.create_batch(intake_people[who], issue_no="第9期", date=DAY)


def test_the_menu_offers_the_batches_to_research_only(intake_people, login):
    research_home = login(intake_people["research"]).get("/admin/").content.decode()
    assert reverse("intake_batches") in research_home
    office_home = login(intake_people["office"]).get("/admin/").content.decode()
    assert reverse("intake_batches") not in office_home


def test_a_sent_batch_is_read_only_and_says_so(intake_people, login):
    research = intake_people["research"]
    batch = batch_of(research)
    client = login(research)
    response = client.post(reverse("intake_batch_send", args=[batch.pk]), follow=True)
    assert "本期还没有条目，不能报送。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.sent_at is None

    item = batches.add_item(batch, research, title="甲", content="甲的内容", source="农工党区委", category="other")
    lead = lead_with_citizen(research)
    client.post(reverse("intake_batch_send", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.sent_at is not None

    page = client.get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "内容只读，不能再修改" in page
    assert reverse("intake_batch_add_item", args=[batch.pk]) not in page

    for name, data in (
        ("intake_batch_add_item", {"title": "乙", "source": "x", "category": "other", "content": "y"}),
        ("intake_batch_add_leads", {"leads": [lead.pk], "source": "区政协研究室"}),
        ("intake_batch_header", {"issue_no": "改", "date": "2026-05-01", "title": "改"}),
    ):
        response = client.post(reverse(name, args=[batch.pk]), data, follow=True)
        assert "该期社情民意已报送，内容不能再修改。" in response.content.decode()
    for name, data in (
        ("intake_batch_item_move", {"direction": "up"}),
        ("intake_batch_item_remove", {}),
        ("intake_batch_item", {"title": "改", "source": "x", "category": "other", "content": "y"}),
    ):
        response = client.post(reverse(name, args=[batch.pk, item.pk]), data, follow=True)
        assert "该期社情民意已报送，内容不能再修改。" in response.content.decode()
    item.refresh_from_db()
    batch.refresh_from_db()
    assert item.title == "甲" and batch.items.count() == 1 and batch.issue_no == "2026年第3期"
    with pytest.raises(IntakeError, match="已报送"):
        batches.mark_sent(batch, research)
    # Still downloadable.
    assert client.get(reverse("intake_batch_xlsx", args=[batch.pk])).status_code == 200


def test_hand_edited_links_are_not_found(intake_people, login):
    client = login(intake_people["research"])
    assert client.get("/admin/intake/batches/abc/").status_code == 404
    assert client.get("/admin/intake/batches/99999999999999999999999/batch.xlsx").status_code == 404
