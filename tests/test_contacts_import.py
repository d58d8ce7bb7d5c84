"""三联系 › 导入联系记录: a 专委会工作室 uploads its members' contacts, sees every problem as
`第 N 行「列」：…` with nothing written, imports a good file once (the same file again is 已存在),
never reaches members outside its scope, and keeps each upload for its own office only."""

import datetime
import time

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from contacts import rules, sheets
from contacts.models import ContactActivity, ContactImport, ContactTarget, HalfYearReport, Source, TargetCategory, Way
from lianxin_site.imports import ImportRefused
from people.roles import COMMITTEE_OFFICE, LIAISON_OFFICE, SECRETARY_GENERAL
from tests.conftest import as_xlsx
from tests.factories import MemberFactory

from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

TODAY = timezone.localdate()
LAST = TODAY.year - 1  # a year wholly in the past: no date is ever "later than today"
HEADER = list(sheets.COLUMNS)


def day(month, d, year=LAST):
    return datetime.date(year, month, d)


@pytest.fixture
def offices(roles_synced, reference, members, make_user):
    return {
        "edu": make_user(COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "edu2": make_user(COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ": make_user(COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "liaison": make_user(LIAISON_OFFICE),
        "secretary": make_user(SECRETARY_GENERAL),
    }


def upload(client, rows, name="联系记录.xlsx"):
    data = as_xlsx([HEADER, *rows])
    response = client.post(reverse("contacts_import"), {"file": ContentFile(data, name=name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ContactImport.objects.latest("pk"), client.get(response["Location"]).content.decode()


def test_a_bad_file_lists_every_problem_and_imports_nothing(login, offices, members):
    HalfYearReport.objects.create(year=LAST, half=1, issued_at=timezone.now())
    rows = [
        ["2025-13-45", "14001", "走访", "企事业单位", "区第一机床厂", ""],  # 2 unreadable date
        [TODAY + datetime.timedelta(days=10), "14001", "电话", "社会群众", "王女士", ""],  # 3 future
        [day(9, 1), "14001", "开会", "社会群众", "王女士", ""],  # 4 way
        [day(9, 2), "14002", "电话", "社会群众", "王女士", "她的电话 139 1234 5678"],  # 5 private number
        [day(9, 3), "99999", "走访", "企事业单位", "区图书馆", ""],  # 6 not on the roster
        [day(9, 4), "14003", "走访", "企事业单位", "区图书馆", ""],  # 7 out of the office's scope
        [day(9, 5), "14001", "走访", "领导", "区图书馆", ""],  # 8 category
        [day(9, 6), "14001", "走访", "企事业单位", "", ""],  # 9 nobody contacted
        [day(3, 1), "14001", "走访", "企事业单位", "区图书馆", ""],  # 10 in an issued half
        [day(9, 8), "14001", "微信", "委员", "14002", ""],  # 11 a good row: still not imported
    ]
    record, page = upload(login(offices["edu"]), rows)
    expected = [
        "第 2 行「日期」：无法识别“2025-13-45”",
        "第 3 行「日期」：不能晚于今天",
        "第 4 行「方式」：应为走访、电话、微信或座谈",
        "第 5 行「备注」：请勿填写群众的手机号或身份证号",
        "第 6 行「委员证号」：99999 不在委员名册中",
        "第 7 行「委员证号」：不在本工作室负责的委员范围内（14003 赵敏）",
        "第 8 行「联系对象类别」：应为企事业单位、村（社区）、界别群众、社会群众、帮扶对象、委员或街道活动小组",
        "第 9 行「联系对象」：请填写联系对象",
        f"第 10 行「日期」：{LAST}年上半年的“三联系”报告已出具",
    ]
    for message in expected:
        assert message in page, message
    assert len(record.report["errors"]) == len(expected), record.report["errors"]
    assert record.status == ContactImport.Status.INVALID and "确认导入</button>" not in page
    assert ContactActivity.objects.count() == 0 and ContactTarget.objects.count() == 0
    # Posting a confirmation anyway writes nothing.
    login(offices["edu"]).post(reverse("contacts_import_preview", args=[record.pk]))
    assert ContactActivity.objects.count() == 0


GOOD = [
    [day(4, 1), "14001、14002", "走访", "企事业单位", "区第一机床厂、区图书馆", "集体走访"],
    [day(4, 2), "14001", "电话", "委员", "14003", ""],  # the contacted member may be anyone on the roster
    [day(4, 3), "14002", "走访", "街道活动小组", "东华门街道", ""],
    ["2025/4/4".replace("2025", str(LAST)), "14001", "微信", "社会群众", "王女士", "反映停车难"],
    [day(4, 1), "14001、14002", "走访", "企事业单位", "区第一机床厂、区图书馆", "同一次，写了两遍"],
]


def test_a_good_file_imports_once_and_again_writes_nothing(login, offices, members, reference):
    m = members
    client = login(offices["edu"])
    record, page = upload(client, GOOD)
    assert record.status == ContactImport.Status.PREVIEWED
    assert (record.report["created"], record.report["unchanged"], record.report["errors"]) == (4, 1, [])
    assert "已存在（同第 2 行）" in page and "确认导入</button>" in page
    assert ContactActivity.objects.count() == 0, "the preview writes nothing"

    response = client.post(reverse("contacts_import_preview", args=[record.pk]), follow=True)
    assert "联系记录已导入：新增 4 条，1 条已存在" in response.content.decode()
    assert ContactActivity.objects.count() == 4
    visit = ContactActivity.objects.get(date=day(4, 1))
    assert set(visit.makers.all()) == {m["teacher"], m["doctor"]}, "a 集体走访: both makers"
    assert sorted(visit.targets.values_list("member__code", "category", "name")) == [
        ("14001", TargetCategory.ENTERPRISE, "区图书馆"),
        ("14001", TargetCategory.ENTERPRISE, "区第一机床厂"),
    ], "new targets belong to the first maker"
    assert visit.source == Source.IMPORT and visit.import_record == record and visit.note == "集体走访"
    assert list(ContactActivity.objects.get(date=day(4, 2)).contacted_members.all()) == [m["banker"]]
    assert ContactActivity.objects.get(date=day(4, 3)).street_group == reference["donghuamen"]
    assert ContactActivity.objects.get(date=day(4, 4)).way == Way.WECHAT
    with pytest.raises(ImportRefused, match="已经导入过了"):  # one confirmation wins
        sheets.confirm_import(record.pk, offices["edu"])

    again, page = upload(client, GOOD)
    assert (again.report["created"], again.report["unchanged"]) == (0, 5)
    client.post(reverse("contacts_import_preview", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == ContactImport.Status.IMPORTED
    assert ContactActivity.objects.count() == 4 and ContactTarget.objects.count() == 3


def test_a_row_equal_to_a_members_own_entry_is_already_there(login, offices, members):
    entry = rules.Entry(
        date=day(5, 1), way=Way.PHONE, makers=[members["teacher"]], targets=[(TargetCategory.PUBLIC, "李先生")]
    )
    rules.save_entry(entry, None)
    record, page = upload(login(offices["edu"]), [[day(5, 1), "14001", "电话", "社会群众", "李先生", "备注不同"]])
    assert (record.report["created"], record.report["unchanged"]) == (0, 1)
    assert "已存在，跳过" in page


def test_a_report_issued_after_the_preview_refuses_the_whole_file(login, offices, members):
    client = login(offices["edu"])
    record, _page = upload(client, GOOD[:2])
    HalfYearReport.objects.create(year=LAST, half=1, issued_at=timezone.now())
    page = client.post(reverse("contacts_import_preview", args=[record.pk]), follow=True).content.decode()
    assert "没有导入：预览之后情况发生了变化" in page and "第 2 行「日期」" in page
    assert ContactActivity.objects.count() == 0


def test_the_kept_file_and_its_preview_reach_only_its_office(login, offices, members):
    record, _page = upload(login(offices["edu"]), GOOD[:1], name="四室三月.xlsx")
    file_url = reverse("contacts_import_file", args=[record.pk])
    preview_url = reverse("contacts_import_preview", args=[record.pk])
    assert record.file.storage.__class__.__name__ != "FileSystemStorage" or "private" in record.file.storage.location
    for who in ("edu", "edu2", "liaison"):
        response = login(offices[who]).get(file_url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content).startswith(b"PK")
        assert "四室三月.xlsx" in login(offices[who]).get(reverse("contacts_import")).content.decode()
    assert login(offices["econ"]).get(file_url).status_code == 404
    assert login(offices["econ"]).get(preview_url).status_code == 404
    assert "四室三月.xlsx" not in login(offices["econ"]).get(reverse("contacts_import")).content.decode()
    response = login(offices["secretary"]).get(file_url)
    assert response.status_code == 403 and "没有导入联系记录的权限" in response.content.decode()
    # A colleague of the same office sees the preview but only the uploader confirms.
    response = login(offices["edu2"]).post(preview_url)
    assert response.status_code == 403 and "只有上传这份联系记录表的人可以确认导入" in response.content.decode()
    assert ContactActivity.objects.count() == 0


def test_the_blank_template_imports_as_a_table(login, offices):
    response = login(offices["edu"]).get(reverse("contacts_import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(__import__("io").BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER
    assert workbook.sheetnames == ["联系记录", "填写说明"]
    record, page = upload(login(offices["edu"]), [], name="空白.xlsx")
    assert (record.report["total"], record.report["created"], record.report["errors"]) == (0, 0, [])


def test_a_file_too_large_is_refused_before_reading(login, offices, settings):
    settings.CONTACTS_UPLOAD_MAX_BYTES = 1000
    data = as_xlsx([HEADER, *([[day(1, 1), "14001", "电话", "社会群众", "王女士" * 20, ""]] * 50)])
    response = login(offices["edu"]).post(reverse("contacts_import"), {"file": ContentFile(data, name="大.xlsx")})
    assert response.status_code == 200 and "文件太大" in response.content.decode()
    assert not ContactImport.objects.exists()


def test_two_thousand_rows_preview_and_confirm_quickly(offices, reference):
    scope = [MemberFactory(code=f"2{n:04d}", sector=reference["education"]) for n in range(40)]
    rows = [
        [day(1 + n % 12, 1 + n % 28), scope[n % 40].code, "电话", "社会群众", f"群众{n % 300}", ""] for n in range(2000)
    ]
    data = as_xlsx([HEADER, *rows])
    user = offices["edu"]
    started = time.perf_counter()
    preview = sheets.import_activities(data, user)
    record = ContactImport.objects.create(
        file=ContentFile(data, name="大.xlsx"),
        original_name="大.xlsx",
        uploaded_by=user,
        status=ContactImport.Status.PREVIEWED,
        report=preview.as_dict(),
    )
    _record, report = sheets.confirm_import(record.pk, user)
    elapsed = time.perf_counter() - started
    assert preview.errors == [] and report.errors == []
    distinct = len({(r[0], r[1], r[4]) for r in rows})
    assert report.created == distinct == ContactActivity.objects.count()
    assert elapsed < 5, f"{elapsed:.2f} s"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_preview_with_errors_reads_on_a_desktop_and_a_phone(
    browser, live_server, make_user, members, reference, roles_synced, tmp_path
):
    """A 专委会工作室 uploads a file with mistakes in chromium and reads every `第 N 行「列」`
    message, at 1280 px and at 390 px without sideways scrolling."""
    office = _with_password(make_user(COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    path = tmp_path / "三月联系记录.xlsx"
    path.write_bytes(
        as_xlsx(
            [
                HEADER,
                [day(3, 1), "14001、14002", "走访", "企事业单位", "区第一机床厂、区图书馆", "主席班子集体走访"],
                [day(3, 2), "14001", "开会", "社会群众", "王女士", ""],
                [TODAY + datetime.timedelta(days=5), "14002", "电话", "社会群众", "李先生", ""],
                [day(3, 4), "14003", "走访", "企事业单位", "区商业银行", ""],
                [day(3, 5), "14001", "微信", "界别群众", "赵女士", "电话 13912345678"],
            ]
        )
    )
    for width in (1280, 390):
        context, page = login_in(
            browser, live_server, office, "pw-lianxin-123", "/admin/contacts/activity-import/", width
        )
        page.set_input_files("input[type=file]", str(path))
        page.get_by_role("button", name="上传并预览").click()
        page.wait_for_selector(".import-errors")
        text = page.inner_text("main")
        for message in (
            "第 3 行「方式」：应为走访、电话、微信或座谈",
            "第 4 行「日期」：不能晚于今天",
            "第 5 行「委员证号」：不在本工作室负责的委员范围内",
            "第 6 行「备注」：请勿填写群众的手机号或身份证号",
        ):
            assert message in text
        assert page.get_by_role("button", name="确认导入").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), width
        page.screenshot(path=str(ARTIFACTS / f"contacts-import-errors-{width}.png"), full_page=True)
        context.close()
    assert ContactActivity.objects.count() == 0
