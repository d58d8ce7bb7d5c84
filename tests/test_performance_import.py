"""The 签到表 of a 履职活动: the blank sheet lists the invitees with their approved 请假; a good file
previews and imports through record_participation (via_import); the same file again changes
nothing; a bad file lists every problem as 第 N 行「列」：原因 and writes nothing; a frozen year
and an activity not yet begun are refused; only the organising office imports; an oversized
upload is refused before any reader opens it; two confirmations import once."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lianxin_site.imports import ImportRefused
from people import roles
from performance import sheets
from performance.models import DutyActivity, LeaveRequest, Participation, PerformanceYear, Role, SignInImport, Status

from .conftest import as_xlsx
from .factories import MemberFactory
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2026


def at(month, day, hour=9):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour))


@pytest.fixture
def liaison(roles_synced, make_user):
    return make_user(roles.LIAISON_OFFICE)


@pytest.fixture
def activity(members, reference):
    """A begun 专题协商 organised by 委员联络室 for the 教育界 and 医药卫生界 and 赵敏 by name; 李强
    has approved leave."""
    activity = DutyActivity.objects.create(
        name="老旧小区加装电梯专题协商", kind=DutyActivity.Kind.CONSULTATION, start=at(3, 2)
    )
    activity.invite_sectors.set([reference["education"], reference["health"]])
    activity.invite_members.set([members["banker"]])
    LeaveRequest.objects.create(
        member=members["doctor"], activity=activity, reason="出差", decision=LeaveRequest.Decision.APPROVED
    )
    return activity


HEADER = list(sheets.COLUMNS)
GOOD = [
    HEADER,
    [1, "14001", "王丽", "出席", "主持", ""],
    [2, "14002", "李强", "请假", "", "出差"],
    [3, "14003", "赵敏", "出席", "发言", "就加装电梯资金发言"],
    [4, "14004", "陈杰", "", "", ""],  # left blank: not read
]


def upload(client, activity, rows, name="签到表.xlsx"):
    data = rows if isinstance(rows, bytes) else as_xlsx(rows)
    return client.post(
        reverse("performance_sign_in_upload", args=[activity.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def recorded(activity):
    return {
        p.member.code: (p.status, p.role, p.note, p.via_import)
        for p in Participation.objects.filter(activity=activity).select_related("member")
    }


def test_the_blank_sheet_lists_the_invitees_with_their_approved_leave(login, liaison, activity, members):
    response = login(liaison).get(reverse("performance_sign_in_sheet", args=[activity.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [
        ("14001", "王丽", None),
        ("14002", "李强", "请假"),
        ("14003", "赵敏", None),
    ]  # 陈杰 (经济界, not listed) is not invited


def test_a_good_sheet_previews_then_imports_once_and_the_same_sheet_again_changes_nothing(
    login, liaison, activity, members
):
    client = login(liaison)
    response = upload(client, activity, GOOD)
    record = SignInImport.objects.get()
    assert response.status_code == 302 and record.status == SignInImport.Status.PREVIEWED
    page = client.get(reverse("performance_sign_in_preview", args=[record.pk])).content.decode()
    assert 'data-count="created">3<' in page and 'data-count="skipped">1<' in page and "确认导入" in page
    assert not Participation.objects.exists()  # the preview writes nothing

    client.post(reverse("performance_sign_in_preview", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == SignInImport.Status.IMPORTED
    assert recorded(activity) == {
        "14001": (Status.PRESENT, Role.HOST, "", True),
        "14002": (Status.LEAVE, Role.ATTEND, "出差", True),
        "14003": (Status.PRESENT, Role.SPEAK, "就加装电梯资金发言", True),
    }
    assert set(Participation.objects.values_list("recorded_by", flat=True)) == {liaison.pk}
    stamps = dict(Participation.objects.values_list("member__code", "recorded_at"))

    upload(client, activity, GOOD)
    again = SignInImport.objects.first()
    assert again.pk != record.pk
    assert (again.report["created"], again.report["updated"], again.report["unchanged"]) == (0, 0, 3)
    client.post(reverse("performance_sign_in_preview", args=[again.pk]))
    assert dict(Participation.objects.values_list("member__code", "recorded_at")) == stamps

    changed = [row[:] for row in GOOD]
    changed[3][4] = "组织"
    upload(client, activity, changed)
    third = SignInImport.objects.first()
    assert third.report["changes"] == [
        {
            "line": 4,
            "code": "14003",
            "name": "赵敏",
            "status": "出席",
            "role": "组织",
            "note": "就加装电梯资金发言",
            "type": "changed",
            "changed": [{"column": "发挥的作用", "old": "发言", "new": "组织"}],
        }
    ]


def test_a_bad_sheet_lists_every_problem_by_line_and_column_and_writes_nothing(login, liaison, activity, members):
    rows = [
        HEADER,
        [1, "14001", "王丽", "出席", "主持", ""],  # good, but nothing is written with the rest
        [2, "M0999", "张三", "出席", "", ""],
        [3, "14003", "赵明", "出席", "", ""],
        [4, "14001", "王丽", "出席", "", ""],
        [5, "14004", "陈杰", "迟到", "", ""],
        [6, "14002", "李强", "出席", "旁听", ""],
        [7, "14004", "陈杰", "请假", "", ""],
        [8, "", "无名", "出席", "", ""],
    ]
    rows[7][1] = "14003"  # 赵敏 has no approved leave (14004 would be a member twice)
    rows[7][2] = "赵敏"
    client = login(liaison)
    upload(client, activity, rows)
    record = SignInImport.objects.get()
    assert record.status == SignInImport.Status.INVALID
    assert record.report["errors"] == [
        "第 3 行「委员证号」：M0999 不在名册中",
        "第 4 行「姓名」：“赵明”与委员证号 14003 不符，名册中是“赵敏”",
        "第 5 行「委员证号」：14001（王丽）在第 2 行已经出现，同一位委员只能登记一次",
        "第 6 行「委员证号」：14004 不在这次活动的邀请名单中；如确有其人参加，请先在履职活动里加入邀请",
        "第 6 行「出勤情况」：无法识别“迟到”，应为出席、请假、缺席、自行开展之一",
        "第 7 行「发挥的作用」：无法识别“旁听”，应为主持、发言、组织、参加之一",
        "第 8 行「委员证号」：14003（赵敏）在第 4 行已经出现，同一位委员只能登记一次",
        "第 8 行「出勤情况」：没有获批的请假申请",
        "第 9 行「委员证号」：请填写委员证号",
    ]
    page = client.get(reverse("performance_sign_in_preview", args=[record.pk])).content.decode()
    assert "整张签到表都没有导入" in page and "确认导入" not in page
    client.post(reverse("performance_sign_in_preview", args=[record.pk]))
    assert not Participation.objects.exists()


def test_leave_without_an_approved_request_is_named_with_the_rule_the_form_uses(liaison, activity, members):
    LeaveRequest.objects.filter(member=members["doctor"]).update(decision=LeaveRequest.Decision.REFUSED)
    report = sheets.import_sign_in(activity, as_xlsx([HEADER, [1, "14002", "李强", "请假", "", ""]]), liaison)
    assert report.errors == ["第 2 行「出勤情况」：没有获批的请假申请"]


def test_a_frozen_year_and_an_activity_not_yet_begun_are_refused(login, liaison, activity, members):
    PerformanceYear.objects.update_or_create(year=YEAR, defaults={"freeze_on": datetime.date(YEAR, 3, 31)})
    report = sheets.import_sign_in(activity, as_xlsx(GOOD), liaison, dry_run=False)
    assert report.errors == ["2026 年度履职档案已于 2026-03-31 冻结，不能修改"]
    assert not Participation.objects.exists()
    page = login(liaison).get(reverse("performance_sign_in_upload", args=[activity.pk])).content.decode()
    assert "2026 年度履职档案已于 2026-03-31 冻结，不能修改" in page and 'type="file"' not in page

    PerformanceYear.objects.filter(year=YEAR).update(freeze_on=None)
    later = DutyActivity.objects.create(
        name="明年的全体会议",
        kind=DutyActivity.Kind.PLENARY,
        start=timezone.now() + datetime.timedelta(days=3),
        invite_all=True,
    )
    report = sheets.import_sign_in(later, as_xlsx(GOOD), liaison, dry_run=False)
    assert report.errors == ["活动还没有开始，不能登记出勤。"]


def test_only_the_organising_office_imports(login, make_user, roles_synced, activity, members, reference):
    own = DutyActivity.objects.create(
        name="教育界委员视察", kind=DutyActivity.Kind.INSPECTION, start=at(4, 1), organiser=reference["edu_committee"]
    )
    own.invite_members.set([members["teacher"]])
    office4 = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    client = login(office4)
    assert client.get(reverse("performance_sign_in_upload", args=[activity.pk])).status_code == 404
    assert client.get(reverse("performance_sign_in_sheet", args=[activity.pk])).status_code == 404
    listing = client.get(reverse("performance_sign_in")).content.decode()
    assert "教育界委员视察" in listing and "老旧小区加装电梯专题协商" not in listing
    upload(client, own, [HEADER, [1, "14001", "王丽", "出席", "", ""]])
    record = SignInImport.objects.get()
    client.post(reverse("performance_sign_in_preview", args=[record.pk]))
    assert recorded(own) == {"14001": (Status.PRESENT, Role.ATTEND, "", True)}

    econ = make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"])
    assert login(econ).get(reverse("performance_sign_in_preview", args=[record.pk])).status_code == 404
    assert login(econ).get(reverse("performance_sign_in_file", args=[record.pk])).status_code == 404

    for role in (roles.CHAIRS_MEETING, roles.EDITOR, roles.SYSTEM_ADMIN):
        response = login(make_user(role)).get(reverse("performance_sign_in"))
        assert response.status_code == 403
        assert "您的账号没有登记履职活动出勤的权限" in response.content.decode()
    for role in (roles.SECTOR_LEADER, roles.MEMBER):  # no admin at all: Wagtail sends them away
        response = login(make_user(role)).get(reverse("performance_sign_in_upload", args=[activity.pk]))
        assert response.status_code == 302 and "/admin/" not in response["Location"]


def test_an_oversized_upload_is_refused_before_any_reader_opens_it(login, liaison, activity, settings, monkeypatch):
    settings.SIGN_IN_UPLOAD_MAX_BYTES = 1000

    def never(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(sheets, "xlsx_rows", never)
    response = upload(login(liaison), activity, b"PK" + b"x" * 5000)
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0].replace("\xa0", " ")
    assert message == "「签到表」：文件太大（4.9 KB），不能超过 1000 字节。"
    assert not SignInImport.objects.exists()


def test_two_confirmations_import_once(login, liaison, activity, members):
    client = login(liaison)
    upload(client, activity, GOOD)
    record = SignInImport.objects.get()
    sheets.confirm_import(record.pk, liaison)
    with pytest.raises(ImportRefused, match="这份签到表已经导入过了，没有重复导入。"):
        sheets.confirm_import(record.pk, liaison)
    response = client.post(reverse("performance_sign_in_preview", args=[record.pk]), follow=True)
    assert "这份签到表已经导入过了，没有重复导入。" in response.content.decode()
    assert Participation.objects.count() == 3


def test_only_the_uploader_confirms_and_the_kept_file_is_private(login, make_user, liaison, activity):
    upload(login(liaison), activity, GOOD)
    record = SignInImport.objects.get()
    assert "sign_in_imports/" in record.file.name
    with pytest.raises(ValueError):
        record.file.url  # noqa: B018  (private storage has no URL)
    colleague = make_user(roles.LIAISON_OFFICE)
    client = login(colleague)
    assert client.get(reverse("performance_sign_in_file", args=[record.pk])).status_code == 200
    response = client.post(reverse("performance_sign_in_preview", args=[record.pk]))
    assert response.status_code == 403 and not Participation.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_office_fixes_a_bad_sheet_and_imports_it_in_the_browser(
    browser, live_server, roles_synced, make_user, members, reference, tmp_path, width
):
    activity = DutyActivity.objects.create(
        name="老旧小区加装电梯专题协商", kind=DutyActivity.Kind.CONSULTATION, start=at(3, 2), invite_all=True
    )
    office = _with_password(make_user(roles.LIAISON_OFFICE))
    context, page = login_in(browser, live_server, office, "pw-lianxin-123", "/admin/performance/sign-in/", width)
    page.get_by_role("link", name="导入签到表").click()
    bad = tmp_path / "签到表.xlsx"
    bad.write_bytes(as_xlsx([HEADER, [1, "M0999", "张三", "出席", "", ""], [2, "14002", "李强", "请假", "", ""]]))
    page.get_by_label("签到表").set_input_files(str(bad))
    with page.expect_navigation():  # read the preview, not the upload page it replaces
        page.get_by_role("button", name="上传并预览").click()
    text = page.inner_text("main")
    assert "第 2 行「委员证号」：M0999 不在名册中" in text and "第 3 行「出勤情况」：没有获批的请假申请" in text
    page.screenshot(path=str(ARTIFACTS / f"performance-sign-in-errors-{width}.png"), full_page=True)

    page.get_by_role("link", name="重新上传").click()
    good = tmp_path / "签到表-改正.xlsx"
    good.write_bytes(as_xlsx([HEADER, [1, "14001", "王丽", "出席", "主持", ""], [2, "14002", "李强", "出席", "", ""]]))
    page.get_by_label("签到表").set_input_files(str(good))
    with page.expect_navigation():  # read the preview, not the upload page it replaces
        page.get_by_role("button", name="上传并预览").click()
    page.screenshot(path=str(ARTIFACTS / f"performance-sign-in-preview-{width}.png"), full_page=True)
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector('[data-status="imported"]')
    page.screenshot(path=str(ARTIFACTS / f"performance-sign-in-imported-{width}.png"), full_page=True)
    assert "签到表已导入：新增 2 人，更新 0 人，0 人无变化。" in page.inner_text("body")
    assert Participation.objects.filter(activity=activity, via_import=True).count() == 2
    page.goto(f"{live_server.url}/admin/performance/sign-in/")
    page.screenshot(path=str(ARTIFACTS / f"performance-sign-in-list-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/performance/export/")
    assert "委员年度履职统计（Excel）" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / f"performance-exports-{width}.png"), full_page=True)
    context.close()


def test_a_sheet_reaches_only_the_activitys_invitees_and_names_no_one_else(login, liaison, activity, members):
    outsider = MemberFactory(code="14099", name="周涛", sector=members["engineer"].sector)
    client = login(liaison)
    upload(client, activity, [HEADER, [1, "14001", "王丽", "出席", "", ""], [2, "14099", "某人", "缺席", "", ""]])
    record = SignInImport.objects.get()
    page = client.get(reverse("performance_sign_in_preview", args=[record.pk])).content.decode()
    assert "第 3 行「委员证号」：14099 不在这次活动的邀请名单中" in page
    assert outsider.name not in page, "the roster's name behind a code the activity does not concern stays unsaid"
    client.post(reverse("performance_sign_in_preview", args=[record.pk]))
    assert not Participation.objects.filter(activity=activity).exists()


def test_approved_leave_cannot_be_recorded_as_absence(login, liaison, activity, members):
    client = login(liaison)
    upload(client, activity, [HEADER, [1, "14002", "李强", "缺席", "", ""]])
    page = client.get(reverse("performance_sign_in_preview", args=[SignInImport.objects.get().pk])).content.decode()
    assert "第 2 行「出勤情况」：已批准请假，不能登记为缺席" in page
