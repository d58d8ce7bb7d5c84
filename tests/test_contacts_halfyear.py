"""The 三联系 half-year report: 委员联络室 writes the 情况分析 (a draft), previews it and 出具 it; the
kept PDF (heading, a member below quota, the analysis, CJK embedded), the xlsx, the snapshot the
page shows afterwards, the lock on the half's entries, a second 出具 refused, and who may read."""

import datetime
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest

from contacts import rules
from contacts.models import ContactActivity, HalfYearReport, TargetCategory, Way
from people import roles

from .test_contacts_core import d, log, year  # noqa: F401  (the hand-built year's fixture)
from .test_contacts_reports import logged  # noqa: F401

ARTIFACTS = Path(__file__).parent / "artifacts"
REPORT = "/admin/contacts/reports/2026/1/"
HEADING = "2026年上半年“三联系”工作落实情况报告"
ANALYSIS = "上半年各位委员联系群众总体较好。<script>alert('x')</script>\n=cmd|' /C calc'!A0 下半年将督促未达标委员。"


@pytest.fixture
def today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 11, 26))


@pytest.fixture
def liaison(make_user, login, roles_synced):
    return login(make_user(roles.LIAISON_OFFICE))


def pdf_text(content, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, text


def issue(client):
    client.post(REPORT, {"analysis": ANALYSIS})
    return client.post(REPORT + "issue/", follow=True)


def test_draft_preview_and_issue(logged, today, liaison, tmp_path):  # noqa: F811
    # Pick the year and the half; write the 情况分析 (kept as a draft).
    assert liaison.get("/admin/contacts/reports/", {"year": "2026", "half": "1"}).url == REPORT
    response = liaison.post(REPORT, {"analysis": ANALYSIS}, follow=True)
    assert "情况分析已保存为草稿" in response.content.decode()
    draft = HalfYearReport.objects.get(year=2026, half=1)
    assert draft.analysis.startswith("上半年") and not draft.issued
    page = response.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page  # escaped in the textarea

    # The preview PDF is a draft, with the live figures.
    preview = liaison.get(REPORT + "pdf/")
    assert preview["Content-Type"] == "application/pdf"
    _, text = pdf_text(preview.content, tmp_path)
    assert "草稿" in text and HEADING in text

    # 出具.
    page = issue(liaison).content.decode()
    assert "已出具" in page
    report = HalfYearReport.objects.get(year=2026, half=1)
    assert report.issued and report.issued_by.username and report.pdf.name
    assert report.snapshot["title"] == HEADING
    assert "contact_reports" in report.pdf.name and not report.pdf.name.startswith("/")

    kept = liaison.get(REPORT + "pdf/")
    with report.pdf.open("rb") as stored:
        assert kept.content == stored.read()
    assert len(kept.content) < 400_000
    path, text = pdf_text(kept.content, tmp_path)
    flat = "".join(text.split())
    assert HEADING in flat
    assert "区政协党组、主席会议、常委会" in flat
    assert "王丽" in flat and "联系活动2/4" in flat  # by 30 June 王丽 had two of four
    assert "上半年各位委员联系群众总体较好" in flat
    assert "<script>alert('x')</script>" in flat  # printed as text, not run
    assert "草稿" not in flat
    assert "按月汇总（全体委员，上半年）" in flat and "6月" in flat  # the roll-up of item 9, for the half
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(ARTIFACTS / "contacts-half-year-page1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "contacts-half-year-page1.png").stat().st_size > 10_000

    # The xlsx: a sheet per table, the analysis neutralised.
    book = openpyxl.load_workbook(io.BytesIO(liaison.get(REPORT + "xlsx/").content))
    assert book.sheetnames[0] == "情况分析"
    assert book["情况分析"]["A2"].value.startswith("上半年")
    assert {"结对覆盖情况", "结对缺口", "主席、副主席每月走访常委", "常委召集集体座谈会"} <= set(book.sheetnames)
    committees = next(ws for ws in book.worksheets if ws.title.startswith("各专委会"))
    whole = next(row for row in committees.iter_rows(values_only=True) if row[0] == "全体委员")
    assert whole[6] == 9  # January to June: the chair's six, a forum and 王丽's two
    monthly = book["按月汇总（全体委员，上半年）"]
    months = [row[0] for row in monthly.iter_rows(min_row=2, values_only=True)]
    assert months[:6] == ["1月", "2月", "3月", "4月", "5月", "6月"] and months[6].startswith("全年")


def test_an_analysis_line_starting_with_a_formula_is_neutralised(logged, today, liaison):  # noqa: F811
    liaison.post(REPORT, {"analysis": "=cmd|' /C calc'!A0"})
    book = openpyxl.load_workbook(io.BytesIO(liaison.get(REPORT + "xlsx/").content))
    assert book["情况分析"]["A2"].value == "'=cmd|' /C calc'!A0"


def test_issuing_locks_the_half_and_a_second_issue_is_refused(logged, today, liaison, make_user):  # noqa: F811
    issue(liaison)
    before = ContactActivity.objects.count()
    with pytest.raises(rules.ContactError) as refused:
        log(d(3, 3), Way.PHONE, [logged["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")])
    assert "已锁定" in str(refused.value)
    assert ContactActivity.objects.count() == before
    log(d(7, 3), Way.PHONE, [logged["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")])  # H2 is open

    # The other click: told it is issued, nothing changes.
    issued_at = HalfYearReport.objects.get().issued_at
    page = liaison.post(REPORT + "issue/", follow=True).content.decode()
    assert "已出具" in page and "不能再修改或出具" in page
    assert HalfYearReport.objects.get().issued_at == issued_at
    other = make_user(roles.LIAISON_OFFICE)
    with pytest.raises(rules.ContactError, match="已出具"):
        rules.issue_report(2026, 1, other)
    with pytest.raises(rules.ContactError, match="已出具"):
        rules.save_analysis(2026, 1, "改一下", other)
    assert HalfYearReport.objects.get().analysis.startswith("上半年")


def test_after_issue_the_page_shows_the_kept_figures(logged, today, liaison):  # noqa: F811
    issue(liaison)
    logged["teacher"].name = "王丽华"
    logged["teacher"].save()
    response = liaison.get(REPORT)
    page = response.content.decode()
    assert "王丽华" not in page and "王丽" in page
    short = next(t for t in response.context["tables"] if t.key == "shortfalls")
    assert next(row for row in short.rows if row[0] == "14001")[4] == 2
    assert 'name="analysis"' not in page  # no more writing
    assert "&lt;script&gt;alert" in page
    book = openpyxl.load_workbook(io.BytesIO(liaison.get(REPORT + "xlsx/").content))
    assert "王丽华" not in str([list(ws.values) for ws in book.worksheets])


def test_a_half_is_issued_only_once_it_is_over_and_with_an_analysis(logged, today, liaison):  # noqa: F811
    page = liaison.post("/admin/contacts/reports/2026/2/issue/", follow=True).content.decode()
    assert "要到这半年结束（12月31日）以后才能出具" in page
    page = liaison.post(REPORT + "issue/", follow=True).content.decode()
    assert "「情况分析」：出具前请填写情况分析并保存" in page
    assert not HalfYearReport.objects.filter(issued_at__isnull=False).exists()
    long = liaison.post(REPORT, {"analysis": "很" * 5001}).content.decode()
    assert "「情况分析」：不能超过 5000 个字" in long and "很" * 5001 in long  # what was typed is kept


def test_who_reads_and_who_writes(logged, today, make_user, roles_synced):  # noqa: F811
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    leader = make_user(roles.CHAIRS_MEETING)
    office = make_user(roles.COMMITTEE_OFFICE)
    client = login(leader)
    assert "尚未出具" in client.get(REPORT).content.decode()
    assert client.get(REPORT + "pdf/").status_code == 403
    issue(login(make_user(roles.LIAISON_OFFICE)))
    assert HalfYearReport.objects.get().issued
    assert client.get(REPORT).status_code == 200
    assert client.get(REPORT + "pdf/")["Content-Type"] == "application/pdf"
    assert client.get(REPORT + "xlsx/").status_code == 200
    assert client.post(REPORT + "issue/").status_code == 403
    assert client.post(REPORT, {"analysis": "改"}).status_code == 403
    assert HalfYearReport.objects.get().analysis.startswith("上半年")
    client = login(office)
    for url in (REPORT, REPORT + "pdf/", REPORT + "xlsx/", "/admin/contacts/reports/"):
        response = client.get(url)
        assert response.status_code == 403 and "没有查看“三联系”半年报告的权限" in response.content.decode()
    assert login(leader).get("/admin/contacts/reports/2026/3/").status_code == 404
