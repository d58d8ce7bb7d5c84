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

from .test_browser import _with_password, browser, login_in  # noqa: F401
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
    # By 30 June 王丽 had two activities and the 企事业单位: against half the year's quotas she lacks
    # only the 界别群众 and 社会群众.
    assert "王丽" in flat and "界别群众0/1；社会群众0/2" in flat and "联系活动2/" not in flat
    assert "按全年指标的一半计" in flat
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
    rows = list(monthly.iter_rows(min_row=2, values_only=True))
    months = [row[0] for row in rows]
    assert months[:6] == ["1月", "2月", "3月", "4月", "5月", "6月"] and months[6].startswith("全年（截至6月30日")
    # The year's row stops at 30 June: 王丽's 微信 of 1 September (two 社会群众) is not in it.
    assert rows[6][1:6] == (6, 2, 0, 1, 9) and rows[6][10] == 0
    assert [sum(row[i] for row in rows[:6]) for i in range(1, 6)] == [6, 2, 0, 1, 9]


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


def test_the_first_half_is_measured_against_half_the_yearly_quota(logged, today, liaison):  # noqa: F811
    # 李强 by 30 June: two activities, a 企事业单位, a 界别群众 and two 社会群众: half of 4/1/2/3,
    # rounded up. Below the whole year's quotas, on target for the first half.
    doctor = logged["doctor"]
    log(
        d(2, 3),
        Way.VISIT,
        [doctor],
        targets=[(TargetCategory.ENTERPRISE, "区人民医院"), (TargetCategory.SECTOR_PUBLIC, "刘医生")],
    )
    log(d(4, 3), Way.PHONE, [doctor], targets=[(TargetCategory.PUBLIC, "张大爷"), (TargetCategory.PUBLIC, "孙阿姨")])

    response = liaison.get(REPORT)
    short = next(t for t in response.context["tables"] if t.key == "shortfalls")
    assert short.title == "未达到联系指标的委员（截至6月30日，按全年指标的一半计）"
    assert "上半年（按全年指标的一半计，向上取整）联系活动不少于 2 次" in short.note
    assert "社会群众不少于 2 人" in short.note and "界别群众不少于 1 人" in short.note
    codes = {row[0] for row in short.rows}
    assert "14002" not in codes
    assert next(row for row in short.rows if row[0] == "14001")[8] == "界别群众 0/1；社会群众 0/2"
    visits = next(t for t in response.context["tables"] if t.key == "chair_visits")
    assert visits.columns[-1] == "合计（人次）"

    # The dashboard keeps the whole year's quotas: 李强 is short there.
    dashboard = liaison.get("/admin/contacts/dashboard/", {"year": "2026"})
    short = next(t for t in dashboard.context["tables"] if t.key == "shortfalls")
    assert "一半" not in short.title
    assert next(row for row in short.rows if row[0] == "14002")[8] == "联系活动 2/4；界别群众 1/2；社会群众 2/3"
    visits = next(t for t in dashboard.context["tables"] if t.key == "chair_visits")
    assert visits.columns[-1] == "全年（人次）"

    # The second half is measured against the whole year.
    second = liaison.get("/admin/contacts/reports/2026/2/")
    short = next(t for t in second.context["tables"] if t.key == "shortfalls")
    assert "一半" not in short.title and "每年联系活动不少于 4 次" in short.note
    assert "14002" in {row[0] for row in short.rows}


def test_issuing_asks_for_confirmation_first(logged, today, liaison, make_user, login):  # noqa: F811
    issue_url = REPORT + "issue/"
    liaison.post(REPORT, {"analysis": ANALYSIS})
    page = liaison.get(REPORT).content.decode()
    assert f'href="{issue_url}"' in page and f'action="{issue_url}"' not in page  # a link, not a one-click form

    confirm = liaison.get(issue_url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "不能撤销" in text and "联系记录将被锁定" in text and "报告 PDF" in text
    assert "确认出具</button>" in text and f'action="{issue_url}"' in text and f'href="{REPORT}"' in text
    assert not HalfYearReport.objects.get().issued  # looking is not issuing

    done = liaison.post(issue_url, follow=True).content.decode()
    assert "已出具" in done and HalfYearReport.objects.get().issued
    again = liaison.get(issue_url).content.decode()
    assert "现在不能出具" in again and "不能再修改或出具" in again and "确认出具</button>" not in again

    leader = login(make_user(roles.CHAIRS_MEETING))
    assert leader.get(issue_url).status_code == 403
    assert "出具报告" not in leader.get(REPORT).content.decode()


def test_the_confirmation_says_why_a_report_cannot_be_issued_yet(logged, today, liaison):  # noqa: F811
    text = liaison.get(REPORT + "issue/").content.decode()
    assert "「情况分析」：出具前请填写情况分析并保存" in text and "确认出具</button>" not in text
    text = liaison.get("/admin/contacts/reports/2026/2/issue/").content.decode()
    assert "要到这半年结束（12月31日）以后才能出具" in text and "确认出具</button>" not in text


def test_the_monthly_headers_in_the_pdf_keep_their_words_on_one_line(logged, today, liaison, tmp_path):  # noqa: F811
    liaison.post(REPORT, {"analysis": ANALYSIS})
    path, text = pdf_text(liaison.get(REPORT + "pdf/").content, tmp_path)
    header = next(line for line in text.splitlines() if "走访" in line and "月份" in line)
    assert all(word in header for word in ("电话", "微信", "座谈"))
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(path), str(ARTIFACTS / "contacts-half-year")], check=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_issuing_in_chromium_goes_through_the_confirmation(
    browser,  # noqa: F811
    live_server,
    logged,  # noqa: F811
    today,
    make_user,
    roles_synced,
    width,
):
    user = _with_password(make_user(roles.LIAISON_OFFICE))
    rules.save_analysis(2026, 1, "上半年总体较好。", user)
    context, page = login_in(browser, live_server, user, "pw-lianxin-123", REPORT, width=width)
    page.get_by_role("link", name="出具报告…").click()
    page.wait_for_url(f"**{REPORT}issue/")
    main = page.inner_text("main")
    assert "出具不能撤销" in main and "联系记录将被锁定" in main
    assert not HalfYearReport.objects.get().issued  # the first click only asks
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=ARTIFACTS / f"contacts-issue-confirm-{width}.png", full_page=True)
    page.get_by_role("button", name="确认出具").click()
    page.wait_for_url(f"**{REPORT}")
    assert "已出具" in page.inner_text("main")
    assert HalfYearReport.objects.get().issued
    context.close()
