"""The unit's 工作小结 (seed 001 四.4): required on the unit's form and by the rule, with up to 5
attachments (PDF, Word, JPG, PNG, 10 MB each) checked before anything is saved and handed out only
to the unit and the organiser; printed after the table in the unit's PDF; listed in the roll-up,
where a table imported without one is marked 小结未报."""

import datetime
import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from content.models import WorkstationPage
from forms_app.activity_day import rules
from forms_app.activity_day.pdf import rollup_pdf_bytes
from forms_app.activity_day.sheets import rollup_xlsx
from forms_app.models import ActivityDay, ActivityReport, ReportAttachment, ReportingUnit, TableVariant
from lianxin_site.storage import private_storage
from lianxin_site.uploads import DOCUMENT_MAX_BYTES as MAX_SIZE
from people import roles

from .content_helpers import site_sections, station

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).parent / "artifacts"
BEFORE = set()
TODAY = timezone.localdate()
REFUSAL = "「附件」：只接受 PDF、Word、JPG、PNG，单个不超过 10 MB"
SUMMARY = "组织委员走进社区开展读书分享，收集群众意见建议 6 条。"


def docx_bytes(with_document=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


GOOD = {
    "小结.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n",
    "活动方案.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
    "活动总结.docx": docx_bytes(),
    "现场.jpg": b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 100,
    "合影.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
}


def upload(name, content=None):
    return SimpleUploadedFile(name, GOOD[name] if content is None else content)


class UnreadableUpload(SimpleUploadedFile):
    """A file that reports its size and fails if anyone reads it."""

    def __init__(self, name, size):
        super().__init__(name, b"%PDF-")
        self.size = size

    def read(self, *args):
        raise AssertionError("read before its size was checked")

    chunks = read


@pytest.fixture(autouse=True)
def _files_before():
    """The private folder is shared by the whole test session: count only this test's files."""
    global BEFORE
    BEFORE = set(_all_files())


def stored_files():
    return sorted(set(_all_files()) - BEFORE)


def _all_files():
    storage = private_storage()
    try:
        years = storage.listdir("activity_reports")[0]
    except FileNotFoundError:
        return []
    found = []
    for year in years:
        for month in storage.listdir(f"activity_reports/{year}")[0]:
            found += storage.listdir(f"activity_reports/{year}/{month}")[1]
    return found


@pytest.fixture
def setup(members, reference, make_user):
    r = reference
    _stories, stations = site_sections()
    station(stations, members["teacher"], title="东四教育委员工作室", committee=r["edu_committee"])
    edu = ReportingUnit.objects.create(
        name="教科文卫体委员会", variant=TableVariant.COMMITTEE, committee=r["edu_committee"]
    )
    econ = ReportingUnit.objects.create(
        name="经济委员会", variant=TableVariant.COMMITTEE, committee=r["econ_committee"]
    )
    city = ReportingUnit.objects.create(name="长沙市政协", variant=TableVariant.CPPCC, sort_order=9)
    day = ActivityDay.objects.create(
        name="2026年委员活动日",
        theme="委员在行动",
        date=TODAY - datetime.timedelta(days=3),
        deadline=TODAY + datetime.timedelta(days=5),
    )
    day.units.set([edu, econ, city])
    city_user = make_user(roles.UNIT_REPORTER)
    city.reporters.add(city_user)
    return {
        "day": day,
        "edu": edu,
        "econ": econ,
        "city": city,
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "city_user": city_user,
        "organiser": make_user(roles.LIAISON_OFFICE),
        "member": make_user(roles.MEMBER, member=members["doctor"]),
    }


def counts(setup):
    """The platform's numbers for 教科文卫体委员会 (one station, its lead member, no 动态), the rest 0."""
    values = dict.fromkeys(rules.COUNT_FIELDS, 0)
    values.update({field: p.value for field, p in rules.proposals(setup["day"], setup["edu"]).items()})
    return values


def form_data(setup, **overrides):
    return {**{k: str(v) for k, v in counts(setup).items()}, "summary": SUMMARY, **overrides}


def url_for(setup):
    return reverse("activity_day_report", args=[setup["day"].pk, setup["edu"].pk])


# --- the summary is required


def test_the_form_requires_the_summary_and_keeps_what_was_typed(setup, client):
    client.force_login(setup["edu_office"])
    response = client.post(url_for(setup), form_data(setup, summary="   ", opinions="7"))
    assert response.status_code == 200
    assert response.context["form"].errors["summary"] == ["「工作小结」：请填写本单位开展委员活动日的工作小结。"]
    assert response.context["form"]["opinions"].value() == "7"
    assert not ActivityReport.objects.exists()

    response = client.post(url_for(setup), form_data(setup, opinions="-1", summary="写好的小结\n第二段"))
    assert "opinions" in response.context["form"].errors
    assert response.context["form"]["summary"].value() == "写好的小结\n第二段", "a bad number loses no summary"
    assert "写好的小结\n第二段</textarea>" in response.content.decode()
    assert not ActivityReport.objects.exists()

    assert client.post(url_for(setup), form_data(setup)).status_code == 302
    assert ActivityReport.objects.get().summary == SUMMARY


def test_the_rule_requires_the_summary_for_a_unit_but_not_for_an_import(setup):
    day, unit, office = setup["day"], setup["edu"], setup["edu_office"]
    with pytest.raises(rules.StatsError, match="「工作小结」：请填写"):
        rules.save_report(day, unit, office, counts(setup))
    with pytest.raises(rules.StatsError, match="「工作小结」：不能超过 5000 字"):
        rules.save_report(day, unit, office, counts(setup), summary="字" * 5001)
    assert not ActivityReport.objects.exists()

    report, _ = rules.save_report(day, unit, setup["organiser"], counts(setup), via_import=True)
    assert report.summary == "" and rules.summary_of(report) == "小结未报"
    rules.save_report(day, unit, office, counts(setup), summary=SUMMARY)
    rules.save_report(day, unit, setup["organiser"], counts(setup), via_import=True)
    assert ActivityReport.objects.get().summary == SUMMARY, "a later import keeps the unit's summary"


# --- attachments


def test_every_accepted_type_is_stored_privately(setup, client):
    client.force_login(setup["edu_office"])
    files = [upload(name) for name in GOOD]
    response = client.post(url_for(setup), {**form_data(setup), "attachments": files})
    assert response.status_code == 302
    saved = list(ReportAttachment.objects.order_by("pk"))
    assert [a.original_name for a in saved] == list(GOOD)
    assert all(a.uploaded_by == setup["edu_office"] for a in saved)
    assert [a.size for a in saved] == [len(c) for c in GOOD.values()]
    for attachment in saved:
        assert attachment.file.storage.location == private_storage().location
        assert attachment.file.name.startswith("activity_reports/")
    assert len(stored_files()) == 5


@pytest.mark.parametrize(
    "name, content, why",
    [
        ("小结.pdf", b"MZ\x90\x00 a program renamed", "内容不是PDF文件"),
        ("小结.png", b"%PDF-1.4 a pdf named png", "内容不是PNG文件"),
        ("小结.docx", docx_bytes(with_document=False), "内容不是DOCX文件"),
        ("小结.doc", b"<html>a web page</html>", "内容不是DOC文件"),
        ("小结.txt", b"plain text", "不是这几种文件"),
        ("小结.html", b"<script>alert(1)</script>", "不是这几种文件"),
        ("小结", b"%PDF-1.4", "不是这几种文件"),
    ],
)
def test_a_file_of_another_type_is_refused_by_its_content_and_nothing_is_written(setup, client, name, content, why):
    client.force_login(setup["edu_office"])
    response = client.post(
        url_for(setup), {**form_data(setup), "attachments": [upload("合影.png"), SimpleUploadedFile(name, content)]}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert errors == [f"{REFUSAL}（“{name}”的{why}）。" if "内容" in why else f"{REFUSAL}（“{name}”{why}）。"]
    assert response.context["form"]["summary"].value() == SUMMARY
    assert "附件请重新选择" in response.content.decode()
    assert not ActivityReport.objects.exists() and not ReportAttachment.objects.exists()
    assert stored_files() == []


def test_a_file_over_10_mb_is_refused_by_the_form_and_nothing_is_written(setup, client):
    client.force_login(setup["edu_office"])
    big = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4\n" + b"0" * (MAX_SIZE - 8))
    assert big.size == MAX_SIZE + 1
    response = client.post(url_for(setup), {**form_data(setup), "attachments": [big]})
    assert response.context["form"].errors["attachments"] == [f"{REFUSAL}（“会议纪要.pdf”有 10.0 MB）。"]
    assert not ActivityReport.objects.exists() and stored_files() == []


def test_the_rule_checks_the_size_before_reading_a_byte(setup):
    exactly = UnreadableUpload("刚好.pdf", MAX_SIZE)
    with pytest.raises(AssertionError, match="read before"):  # 10 MB itself is allowed: its type is read next
        rules.attachment_errors([exactly])
    too_big = UnreadableUpload("太大.pdf", MAX_SIZE + 1)
    with pytest.raises(rules.StatsError, match=f"^{REFUSAL}"):
        rules.save_report(
            setup["day"], setup["edu"], setup["edu_office"], counts(setup), summary=SUMMARY, attachments=[too_big]
        )
    assert not ActivityReport.objects.exists()


def test_a_sixth_attachment_is_refused_unless_one_is_removed(setup, client, django_capture_on_commit_callbacks):
    client.force_login(setup["edu_office"])
    six = [upload(name) for name in GOOD] + [upload("合影.png")]
    response = client.post(url_for(setup), {**form_data(setup), "attachments": six})
    assert response.context["form"].errors["attachments"] == [
        "「附件」：最多 5 个，这次又选了 6 个；请先删去不需要的附件。"
    ]
    assert not ActivityReport.objects.exists() and stored_files() == []

    client.post(url_for(setup), {**form_data(setup), "attachments": [upload(name) for name in GOOD]})
    report = ActivityReport.objects.get()
    assert report.attachments.count() == 5
    response = client.post(url_for(setup), {**form_data(setup, opinions="9"), "attachments": [upload("合影.png")]})
    assert response.context["form"].errors["attachments"] == [
        "「附件」：最多 5 个，已有 5 个，这次又选了 1 个；请先删去不需要的附件。"
    ]
    report.refresh_from_db()
    assert report.opinions == 0 and report.corrections == 0 and len(stored_files()) == 5

    first = report.attachments.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_for(setup),
            {**form_data(setup, opinions="9"), "remove_attachments": [first.pk], "attachments": [upload("合影.png")]},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.opinions == 9 and report.attachments.count() == 5
    assert not ReportAttachment.objects.filter(pk=first.pk).exists()
    assert len(stored_files()) == 5, "the removed file is gone from storage, the new one is there"
    assert Path(first.file.name).name not in stored_files()


def test_the_rule_counts_kept_attachments_under_the_lock(setup):
    day, unit, office = setup["day"], setup["edu"], setup["edu_office"]
    rules.save_report(
        day, unit, office, counts(setup), summary=SUMMARY, attachments=[upload(n) for n in list(GOOD)[:4]]
    )
    with pytest.raises(rules.StatsError, match="最多 5 个，已有 4 个，这次又选了 2 个"):
        rules.save_report(
            day, unit, office, counts(setup), summary="改过的小结", attachments=[upload("合影.png"), upload("小结.pdf")]
        )
    report = ActivityReport.objects.get()
    assert report.summary == SUMMARY and report.corrections == 0 and report.attachments.count() == 4


def test_correcting_keeps_attachments_not_ticked(setup, client):
    client.force_login(setup["edu_office"])
    client.post(url_for(setup), {**form_data(setup), "attachments": [upload("小结.pdf"), upload("合影.png")]})
    page = client.get(url_for(setup)).content.decode()
    assert "已上传的附件" in page and "小结.pdf" in page and "合影.png" in page
    assert client.post(url_for(setup), form_data(setup, summary="更正后的小结")).status_code == 302
    report = ActivityReport.objects.get()
    assert report.summary == "更正后的小结" and report.corrections == 1
    assert sorted(a.original_name for a in report.attachments.all()) == ["合影.png", "小结.pdf"]


def test_only_the_unit_and_the_organiser_download_an_attachment(setup, client):
    client.force_login(setup["edu_office"])
    client.post(url_for(setup), {**form_data(setup), "attachments": [upload("小结.pdf")]})
    attachment = ReportAttachment.objects.get()
    url = reverse("activity_day_attachment", args=[attachment.pk])
    for user in (setup["edu_office"], setup["organiser"]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == GOOD["小结.pdf"]
        assert (
            "attachment;" in response["Content-Disposition"]
            and "%E5%B0%8F%E7%BB%93.pdf" in response["Content-Disposition"]
        )
    for user in (setup["econ_office"], setup["city_user"], setup["member"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


# --- the unit's PDF and the roll-up


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_the_unit_pdf_prints_the_summary_after_the_table(setup, client, tmp_path):
    text = "第一段：组织委员<b>读书</b>分享 & 座谈。\n\n第二段：收集群众意见建议 6 条，已转交有关部门。"
    rules.save_report(setup["day"], setup["edu"], setup["edu_office"], counts(setup), summary=text)
    client.force_login(setup["edu_office"])
    response = client.get(reverse("activity_day_report_pdf", args=[setup["day"].pk, setup["edu"].pk]))
    path = tmp_path / "unit.pdf"
    path.write_bytes(response.content)
    lines = [line.strip() for line in run("pdftotext", str(path), "-").splitlines() if line.strip()]
    flat = "".join(lines)
    assert "工作小结" in flat and flat.index("各类活动情况统计") < flat.index("工作小结"), "after the table"
    assert "第一段：组织委员<b>读书</b>分享 & 座谈。" in flat, "escaped, printed as typed"
    first = next(i for i, line in enumerate(lines) if line.startswith("第一段"))
    second = next(i for i, line in enumerate(lines) if line.startswith("第二段"))
    assert second > first, "the paragraphs stay apart"
    fonts = run("pdffonts", str(path))
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), "the CJK fonts are embedded"
    ARTIFACTS.mkdir(exist_ok=True)
    run(
        "pdftoppm",
        "-png",
        "-r",
        "70",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        str(path),
        str(ARTIFACTS / "activity-day-unit-summary-page1"),
    )
    assert (ARTIFACTS / "activity-day-unit-summary-page1.png").stat().st_size > 5000


def test_the_rollup_lists_summaries_and_marks_an_imported_table_without_one(setup, client, tmp_path):
    day = setup["day"]
    rules.save_report(
        day, setup["edu"], setup["edu_office"], counts(setup), summary=SUMMARY, attachments=[upload("小结.pdf")]
    )
    city_counts = dict.fromkeys(rules.COUNT_FIELDS, 0) | {"workstations": 2}
    rules.save_report(day, setup["city"], setup["organiser"], city_counts, via_import=True)

    client.force_login(setup["organiser"])
    page = client.get(reverse("activity_day_rollup", args=[day.pk])).content.decode()
    assert "各单位工作小结" in page
    assert "<strong>小结未报（1）：</strong>长沙市政协" in page
    assert '<h3>长沙市政协 · <span class="no-summary">小结未报</span></h3>' in page
    attachment = ReportAttachment.objects.get()
    assert f'<a href="{reverse("activity_day_attachment", args=[attachment.pk])}">小结.pdf</a>' in page
    assert f"<p>{SUMMARY}</p>" in page

    path = tmp_path / "rollup.pdf"
    path.write_bytes(rollup_pdf_bytes(day))
    flat = run("pdftotext", str(path), "-").replace("\n", "").replace(" ", "")
    assert "各单位工作小结" in flat and SUMMARY.replace(" ", "") in flat
    assert "长沙市政协小结未报" in flat and "附件：小结.pdf" in flat

    sheet = openpyxl.load_workbook(io.BytesIO(rollup_xlsx(day)))["工作小结"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows == [
        ("教科文卫体委员会", SUMMARY, "小结.pdf"),
        ("经济委员会", "未报", None),
        ("长沙市政协", "小结未报", None),
    ]


def test_a_summary_with_a_formula_is_a_plain_cell_in_the_xlsx(setup):
    rules.save_report(setup["day"], setup["edu"], setup["edu_office"], counts(setup), summary='=HYPERLINK("x")')
    sheet = openpyxl.load_workbook(io.BytesIO(rollup_xlsx(setup["day"])))["工作小结"]
    assert sheet["B3"].data_type == "s" and not str(sheet["B3"].value).startswith("=")


# --- in chromium: the unit's form on a phone, the roll-up on a desktop

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pw-lianxin-123"


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


def open_as(browser, live_server, user, path, width):
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"**{path}")
    return context, page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_unit_writes_its_summary_on_a_phone_and_the_organiser_reads_it_in_the_rollup(
    browser, live_server, setup, tmp_path
):
    from .test_activity_day_uploads import DUE, beijing, tied_post

    day = setup["day"]
    day.date, day.upload_deadline = DUE - datetime.timedelta(days=2), DUE
    day.save()
    ws = WorkstationPage.objects.get(title="东四教育委员工作室")
    tied_post(ws, day, "读书分享会", published=beijing(day.date, 18))
    rules.save_report(day, setup["city"], setup["organiser"], dict.fromkeys(rules.COUNT_FIELDS, 0), via_import=True)
    good, bad = tmp_path / "活动小结.pdf", tmp_path / "照片.png"
    good.write_bytes(GOOD["小结.pdf"])
    bad.write_bytes(b"GIF89a not a png")

    context, page = open_as(browser, live_server, setup["edu_office"], url_for(setup), 390)
    for field, value in (("collective_members", "1"), ("own_members", "0"), ("opinions", "6"), ("deeds", "1")):
        page.locator(f"#id_{field}").fill(value)
    page.get_by_label("工作小结").fill("组织委员读书分享。\n\n收集群众意见建议 6 条。")
    page.get_by_label("附件").set_input_files([str(good), str(bad)])
    page.get_by_role("button", name="报送统计表").click()
    main = page.inner_text("main")
    assert "「附件」：只接受 PDF、Word、JPG、PNG，单个不超过 10 MB（“照片.png”的内容不是PNG文件）。" in main
    assert "附件请重新选择" in main
    assert page.get_by_label("工作小结").input_value() == "组织委员读书分享。\n\n收集群众意见建议 6 条。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("附件").set_input_files([str(good)])
    page.get_by_role("button", name="报送统计表").click()
    assert "统计表已报送" in page.inner_text("main"), page.inner_text("main")
    assert "活动小结.pdf" in page.inner_text(".kept-attachments")
    page.locator("fieldset.summary").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "activity-day-summary-phone.png", full_page=True)
    context.close()

    context, page = open_as(
        browser, live_server, setup["organiser"], reverse("activity_day_rollup", args=[day.pk]), 1280
    )
    main = page.inner_text("main")
    assert "小结未报（1）：长沙市政协" in main
    assert "组织委员读书分享。" in main and "活动小结.pdf" in main
    assert "合计（每家工作室只算一次）：按时 1 家，逾期 0 家，未上传 0 家" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    with page.expect_download() as download:
        page.get_by_role("link", name="活动小结.pdf").click()
    assert Path(download.value.path()).read_bytes() == GOOD["小结.pdf"]
    page.locator("#uploads").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "activity-day-rollup-summary-desktop.png", full_page=True)
    context.close()


# --- the roll-up PDF: rendered by the worker, kept until a report of the day changes


def kept_rollups(day):
    storage = private_storage()
    folder = f"activity_rollups/{day.pk}"
    return storage.listdir(folder)[1] if storage.exists(folder) else []


@pytest.fixture
def no_kept_rollups():
    """The private folder outlives each test's database: no PDF kept by an earlier test (for a day
    that had the same id) may be served to this one."""
    storage = private_storage()
    if storage.exists("activity_rollups"):
        for day in storage.listdir("activity_rollups")[0]:
            for name in storage.listdir(f"activity_rollups/{day}")[1]:
                storage.delete(f"activity_rollups/{day}/{name}")


def test_the_rollup_pdf_is_rendered_by_a_job_then_served_as_kept_until_a_report_changes(
    setup, client, django_capture_on_commit_callbacks, no_kept_rollups
):
    from jobs.models import Job

    day, url = setup["day"], reverse("activity_day_rollup_pdf", args=[setup["day"].pk])
    rules.save_report(day, setup["edu"], setup["edu_office"], counts(setup), summary=SUMMARY)
    client.force_login(setup["organiser"])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    job = Job.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("jobs_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["redirect"] == url
    status = client.get(reverse("jobs_job_status", args=[job.pk])).json()
    assert status["label"] == "已完成" and status["redirect"] == url

    kept = client.get(url + "?download=1")
    assert kept.status_code == 200 and kept.content.startswith(b"%PDF")
    assert "attachment" in kept["Content-Disposition"]
    assert Job.objects.count() == 1, "the kept PDF is served: nothing rendered again"
    assert len(kept_rollups(day)) == 1

    counted = counts(setup) | {"opinions": 7}
    rules.save_report(day, setup["edu"], setup["edu_office"], counted, summary=SUMMARY)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(url)
    assert again.status_code == 302 and Job.objects.count() == 2
    assert client.get(url).content.startswith(b"%PDF")
    assert len(kept_rollups(day)) == 1, "the PDF of the day's earlier state is dropped"


def test_the_rollup_pdf_link_is_the_organisers_only(setup, client, no_kept_rollups):
    from jobs.models import Job

    client.force_login(setup["edu_office"])
    response = client.get(reverse("activity_day_rollup_pdf", args=[setup["day"].pk]))
    assert response.status_code != 200 and not response.get("Location", "").startswith("/admin/jobs/")
    assert not Job.objects.exists() and not kept_rollups(setup["day"])


def test_the_rollup_pdf_embeds_one_cjk_face_in_one_weight(setup, tmp_path):
    """The charts are drawn in the body's face and weight: asking for another face or bold made
    WeasyPrint embed two more CJK fonts (~35 KB each, packed)."""
    rules.save_report(setup["day"], setup["edu"], setup["edu_office"], counts(setup), summary=SUMMARY)
    path = tmp_path / "rollup.pdf"
    path.write_bytes(rollup_pdf_bytes(setup["day"]))

    fonts = [line.split()[0] for line in run("pdffonts", str(path)).splitlines()[2:]]
    assert len(fonts) == 1 and fonts[0].endswith("+Noto-Serif-CJK-SC"), fonts
