"""The 签到表 import of a street-group activity: template → upload → preview → 确认导入, all or
nothing; errors named 第 N 行「列」; oversize refused before any reader opens the file; one of two
confirmations runs."""

import datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin_site.imports import ImportRefused
from people import roles
from stations import sheets, street_activities
from stations.models import Presence, SignInImport, StreetAttendance

from .conftest import as_xlsx
from .factories import MemberFactory

TODAY = datetime.date.today()
HEADER = ["序号", "委员证号", "姓名", "出席情况", "角色"]


@pytest.fixture
def setup(reference, make_user, roles_synced, settings, tmp_path):
    settings.PRIVATE_ROOT = str(tmp_path)
    group = reference["donghuamen"]
    members = [
        MemberFactory(code=code, name=name, sector=reference["education"], street_group=group)
        for code, name in (("0101", "王丽"), ("0102", "李强"), ("0103", "赵敏"))
    ]
    guest = MemberFactory(code="0901", name="陈杰", sector=reference["economy"])
    liaison = make_user(roles.STREET_LIAISON, street_group=group)
    activity = street_activities.create_activity(
        liaison, group, street_activities.Fields(date=TODAY, title="法律咨询", kind="legal_aid")
    )
    return {
        "activity": activity,
        "members": members,
        "guest": guest,
        "liaison": liaison,
        "other": make_user(roles.STREET_LIAISON, street_group=reference["jingshan"]),
        "office": make_user(roles.LIAISON_OFFICE),
    }


def upload(client, activity, rows, name="签到表.xlsx"):
    data = as_xlsx([HEADER, *rows])
    return client.post(
        reverse("street_group_signin_upload", args=[activity.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
    )


def attendance(activity):
    return {a.member.code: (a.presence, a.role) for a in activity.attendance.select_related("member")}


def test_template_lists_the_invitees_and_imports_back(client, setup):
    client.force_login(setup["liaison"])
    response = client.get(reverse("street_group_signin_template", args=[setup["activity"].pk]))
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True) if any(r)]
    assert rows[0] == HEADER
    assert [r[1:4] for r in rows[1:]] == [["0101", "王丽", "出席"], ["0102", "李强", "出席"], ["0103", "赵敏", "出席"]]
    report = sheets.import_sign_in(setup["activity"], response.content, setup["liaison"], dry_run=True)
    assert report.ok and report.unchanged == 3 and report.created == report.updated == 0


def test_good_file_preview_then_confirm_once(client, setup):
    client.force_login(setup["liaison"])
    before = attendance(setup["activity"])
    response = upload(
        client,
        setup["activity"],
        [[1, "0101", "王丽", "出席", "主持"], [2, "0102", "李强", "请假", ""], [3, "0901", "陈杰", "出席", "发言"]],
    )
    record = SignInImport.objects.get()
    assert response["Location"] == reverse("street_group_signin_preview", args=[record.pk])
    assert attendance(setup["activity"]) == before  # the preview writes nothing
    page = client.get(response["Location"]).content.decode()
    assert "新增 1 人，更新 2 人，0 人无变化" in page and "确认导入" in page

    client.post(response["Location"])
    assert attendance(setup["activity"]) == {
        "0101": ("present", "主持"),
        "0102": ("excused", ""),
        "0103": ("present", ""),  # not in the file: kept
        "0901": ("present", "发言"),
    }
    record.refresh_from_db()
    assert record.status == "imported"
    with pytest.raises(ImportRefused, match="已经导入过了"):
        sheets.confirm_import(record.pk, setup["liaison"])
    page = client.post(response["Location"], follow=True).content.decode()
    assert "这份签到表已经导入过了，没有重复导入" in page


def test_a_bad_row_imports_nothing_and_names_line_and_column(client, setup):
    client.force_login(setup["liaison"])
    before = attendance(setup["activity"])
    upload(
        client,
        setup["activity"],
        [
            [1, "0101", "王丽", "缺席", ""],
            [2, "0102", "李强", "迟到", ""],
            [3, "0103", "赵敏（错）", "出席", ""],
            [4, "0456", "某某", "出席", ""],
        ],
    )
    record = SignInImport.objects.get()
    assert record.status == "invalid"
    assert record.report["errors"] == [
        "第 3 行「出席情况」：无法识别“迟到”，应为出席、请假、缺席之一",
        "第 4 行「姓名」：“赵敏（错）”与委员证号 0103 不符，名册中是“赵敏”",
        "第 5 行「委员证号」：名册中没有 0456",
    ]
    page = client.get(reverse("street_group_signin_preview", args=[record.pk])).content.decode()
    assert "第 5 行「委员证号」：名册中没有 0456" in page and "data-confirm" not in page
    with pytest.raises(ImportRefused):
        sheets.confirm_import(record.pk, setup["liaison"])
    assert attendance(setup["activity"]) == before
    # The import itself, not only the kept upload's status, writes nothing with a bad row: 王丽's
    # good row (缺席) is not recorded either.
    data = as_xlsx([HEADER, [1, "0101", "王丽", "缺席", ""], [2, "0456", "某某", "出席", ""]])
    report = sheets.import_sign_in(setup["activity"], data, setup["liaison"], dry_run=False)
    assert report.errors == ["第 3 行「委员证号」：名册中没有 0456"]
    assert attendance(setup["activity"]) == before


def test_wrong_header_and_not_an_xlsx_are_refused(client, setup):
    client.force_login(setup["liaison"])
    data = as_xlsx([["委员证号", "姓名", "到场"], ["0101", "王丽", "是"]])
    response = client.post(
        reverse("street_group_signin_upload", args=[setup["activity"].pk]),
        {"file": SimpleUploadedFile("a.xlsx", data)},
    )
    assert "缺少列：出席情况、角色" in response.content.decode()
    response = client.post(
        reverse("street_group_signin_upload", args=[setup["activity"].pk]),
        {"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04 broken")},
    )
    assert "无法读取这个 .xlsx 文件" in response.content.decode()
    assert not SignInImport.objects.exists()


def test_oversize_is_refused_before_any_reader_opens_it(client, setup, settings, monkeypatch):
    settings.SIGN_IN_UPLOAD_MAX_BYTES = 1000
    opened = []
    monkeypatch.setattr(sheets, "xlsx_rows", lambda *a, **k: opened.append(1))
    client.force_login(setup["liaison"])
    response = client.post(
        reverse("street_group_signin_upload", args=[setup["activity"].pk]),
        {"file": SimpleUploadedFile("big.xlsx", b"0" * 1001)},
    )
    assert "「签到表」：文件太大" in response.content.decode() and "不能超过 1000" in response.content.decode()
    assert opened == [] and not SignInImport.objects.exists()


def test_another_groups_liaison_cannot_upload_see_or_confirm(client, setup):
    client.force_login(setup["liaison"])
    upload(client, setup["activity"], [[1, "0101", "王丽", "缺席", ""]])
    record = SignInImport.objects.get()
    client.force_login(setup["other"])
    assert client.get(reverse("street_group_signin_upload", args=[setup["activity"].pk])).status_code == 404
    assert client.get(reverse("street_group_signin_template", args=[setup["activity"].pk])).status_code == 404
    assert client.get(reverse("street_group_signin_preview", args=[record.pk])).status_code == 404
    assert client.post(reverse("street_group_signin_preview", args=[record.pk])).status_code == 404
    assert client.get(reverse("street_group_signin_file", args=[record.pk])).status_code == 404
    # 委员联络室 reads the preview but only the sender confirms
    client.force_login(setup["office"])
    assert client.post(reverse("street_group_signin_preview", args=[record.pk])).status_code == 403
    assert StreetAttendance.objects.get(member__code="0101").presence == Presence.PRESENT


def test_two_confirmations_at_once_one_runs(setup):
    """The second request finds the upload claimed (正在导入) and is told so, without importing."""
    from django.core.files.uploadedfile import SimpleUploadedFile as File

    data = as_xlsx([HEADER, [1, "0101", "王丽", "缺席", ""]])
    report = sheets.import_sign_in(setup["activity"], data, setup["liaison"], dry_run=True)
    record = SignInImport.keep(File("s.xlsx", data), setup["liaison"], report, activity=setup["activity"])
    SignInImport.objects.filter(pk=record.pk).update(status="importing")  # the first request's claim
    with pytest.raises(ImportRefused, match="正在导入"):
        sheets.confirm_import(record.pk, setup["liaison"])
    assert StreetAttendance.objects.get(member__code="0101").presence == Presence.PRESENT
