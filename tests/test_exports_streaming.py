"""The roster export as a large committee downloads it: CSV streamed piece by piece (BOM first,
formulas neutralised), xlsx sent from a temporary file, both in the layout the import reads."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people import roles, roster_export
from people.models import Member
from people.roster import HEADERS, OPTIONAL_HEADERS, import_roster

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison_client(make_user, login):
    return login(make_user(roles.LIAISON_OFFICE))


def test_csv_leaves_in_pieces_with_the_bom_and_header_first(members, reference, liaison_client, monkeypatch):
    monkeypatch.setattr(roster_export, "CHUNK_ROWS", 2)
    MemberFactory(code="14005", name='=HYPERLINK("http://x","点我")', sector=reference["education"])

    response = liaison_client.get(reverse("people_roster_export") + "?format=csv")

    assert response.streaming
    pieces = list(response.streaming_content)
    assert len(pieces) >= 3, "five members, two a piece"
    first = pieces[0].decode("utf-8")
    assert first.startswith(
        "\ufeff委员证号,姓名,性别,界别,党派,专委会,单位及职务,联系电话,是否常委,街道活动小组,主席会议职务,青年委员"
    )
    text = b"".join(pieces).decode("utf-8-sig")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["14001", "14002", "14003", "14004", "14005"]
    assert "14002,李强,女,医药卫生界,民盟,,区第一中学 教师,13800138000,否,,,否" in text
    assert '"\'=HYPERLINK(""http://x"",""点我"")"' in text
    assert "14005,=" not in text and ',"=' not in text


def test_xlsx_is_a_file_with_a_bold_header_that_stays_in_view(members, liaison_client):
    response = liaison_client.get(reverse("people_roster_export"))

    assert response.streaming and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E5%A7%94%E5%91%98%E5%90%8D%E5%86%8C" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "委员名册" and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADERS, *OPTIONAL_HEADERS]
    assert all(cell.font.bold for cell in sheet[1])
    assert [row[0] for row in rows[1:]] == ["14001", "14002", "14003", "14004"]
    assert rows[3][:4] == ("14003", "赵敏", "女", "经济界")


def test_the_xlsx_roster_reads_as_the_csv_in_every_reader_hostile_text_as_typed(members, reference, monkeypatch):
    import csv

    from python_calamine import CalamineWorkbook

    monkeypatch.setattr(roster_export, "CHUNK_ROWS", 2)
    MemberFactory(
        code="14005",
        name="=cmd|' /C calc'!A0",
        sector=reference["education"],
        employer_title="<b>区一中&职务</b>\x0b 😀\r\n副校长  ",
        phone="+86 138",
        is_standing=True,
    )
    expected = list(csv.reader(io.StringIO(roster_export.export_roster("csv").decode("utf-8-sig"), newline="")))

    data = roster_export.export_roster("xlsx")

    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    for read_only in (False, True):
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=read_only).active
        rows = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
        assert rows == expected, f"openpyxl read_only={read_only}"
    assert [list(row) for row in calamine] == expected
    assert expected[0] == [*HEADERS, *OPTIONAL_HEADERS]
    assert expected[-1][:9] == [
        "14005",
        "'=cmd|' /C calc'!A0",
        "女",
        "教育界",
        "",
        "",
        "<b>区一中&职务</b> 😀\r\n副校长  ",
        "'+86 138",
        "是",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_roster_read_in_many_chunks_imports_back_unchanged(reference, monkeypatch, fmt):
    monkeypatch.setattr(roster_export, "CHUNK_ROWS", 3)
    for n in range(10):
        MemberFactory(
            code=f"16{n:03d}",
            name=f"委员{n}",
            sector=reference["health"],
            party=reference["minmeng"] if n % 2 else None,
            street_group=reference["jingshan"] if n % 3 else None,
            employer_title="-1+2" if n == 4 else "区医院 医生",
            is_standing=n == 5,
        )

    report = import_roster(roster_export.export_roster(fmt), f"名册.{fmt}", dry_run=False)

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 10)
    assert Member.objects.get(code="16004").employer_title == "-1+2"


def test_the_export_reads_members_without_a_query_per_member(reference):
    def queries_for_export():
        with CaptureQueriesContext(connection) as queries:
            roster_export.export_roster("csv")
        return len(queries)

    MemberFactory(code="17000", sector=reference["education"], party=reference["jiusan"])
    few = queries_for_export()
    for n in range(1, 30):
        MemberFactory(code=f"17{n:03d}", sector=reference["economy"], street_group=reference["donghuamen"])

    assert queries_for_export() == few


def test_the_export_refuses_a_format_it_cannot_write():
    with pytest.raises(ValueError, match="不支持的导出格式"):
        roster_export.export_roster("pdf")


def test_an_office_table_keeps_its_look_written_as_a_stream():
    import datetime

    from lianxin_site.spreadsheet import table_xlsx

    columns = [("姓名", lambda row: row[0]), ("提交时间", lambda row: row[1]), ("填表日期", lambda row: row[2])]
    rows = [("=王丽", datetime.datetime(2026, 3, 10, 9, 30), datetime.date(2026, 3, 10)), ("李强", None, None)]

    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx("名单:一", columns, rows))).active

    assert sheet.title == "名单：一" and sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["姓名", "提交时间", "填表日期"] and all(c.font.bold for c in sheet[1])
    name, submitted, filled = sheet[2]
    assert name.value == "'=王丽" and name.alignment.wrap_text
    assert submitted.value == datetime.datetime(2026, 3, 10, 9, 30) and submitted.number_format == "yyyy-mm-dd hh:mm"
    assert filled.value == datetime.datetime(2026, 3, 10) and filled.number_format == "yyyy-mm-dd"
    assert [cell.value for cell in sheet[3]][0] == "李强"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_roster_past_the_threshold_is_exported_by_the_worker_and_downloaded_from_its_job(
    members, liaison_client, settings, django_capture_on_commit_callbacks, fmt
):
    from jobs.models import Job

    settings.ROSTER_EXPORT_WORKER_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = liaison_client.get(reverse("people_roster_export") + f"?format={fmt}")

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs_job", args=[job.pk])
    status = liaison_client.get(reverse("jobs_job_status", args=[job.pk])).json()
    assert status["label"] == "已完成" and status["message"] == "已导出 4 名委员，请下载文件。"
    assert status["percent"] == 100 and status["file_url"] == reverse("jobs_job_file", args=[job.pk])
    download = liaison_client.get(status["file_url"])
    assert "%E5%A7%94%E5%91%98%E5%90%8D%E5%86%8C" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert import_roster(data, f"名册.{fmt}").unchanged == 4


def test_a_roster_within_the_threshold_is_sent_at_once(members, liaison_client, settings):
    from jobs.models import Job

    settings.ROSTER_EXPORT_WORKER_ROWS = 4
    response = liaison_client.get(reverse("people_roster_export") + "?format=csv")
    assert response.status_code == 200 and not Job.objects.exists()
