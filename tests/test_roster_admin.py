"""The roster import as staff use it in the admin: upload, preview, confirm."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from people import roles
from people.models import Member, RosterImport

from .conftest import VALID_ROWS, as_xlsx, roster_rows

pytestmark = pytest.mark.django_db


def upload(client, data, name="名册.xlsx"):
    return client.post(reverse("people_roster_import"), {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def liaison(make_user, login):
    user = make_user(roles.LIAISON_OFFICE)
    return user, login(user)


def test_upload_previews_then_confirm_imports(reference, members, liaison):
    user, client = liaison
    edited = ("14001", "王丽", "女", "教育界", "", "教科文卫体委员会", "区第一中学 副校长", "13800138000", "否", "")
    response = upload(client, as_xlsx(roster_rows(*VALID_ROWS, edited)))

    record = RosterImport.objects.get()
    assert response["Location"] == reverse("people_roster_preview", args=[record.pk])
    assert record.status == RosterImport.Status.PREVIEWED and record.uploaded_by == user
    assert Member.objects.count() == 4, "the preview writes nothing"

    page = client.get(response["Location"]).content.decode()
    assert 'data-count="created">3<' in page
    assert 'data-count="updated">1<' in page
    assert "单位及职务：区第一中学 教师 → 区第一中学 副校长" in page
    assert "确认导入" in page

    confirmed = client.post(reverse("people_roster_preview", args=[record.pk]))
    assert confirmed["Location"] == reverse("people_member_modeladmin_index")
    record.refresh_from_db()
    assert record.status == RosterImport.Status.IMPORTED and record.imported_at
    assert Member.objects.count() == 7
    assert Member.objects.get(code="14001").employer_title == "区第一中学 副校长"
    messages = [str(m) for m in client.get(confirmed["Location"]).context["messages"]]
    assert "名册已导入：新增 3 人，更新 1 人，0 人无变化。" in messages


def test_a_second_confirm_does_not_import_twice(reference, liaison):
    _, client = liaison
    upload(client, as_xlsx(roster_rows(*VALID_ROWS)))
    record = RosterImport.objects.get()
    url = reverse("people_roster_preview", args=[record.pk])
    client.post(url)

    again = client.post(url)

    assert again.status_code == 302 and again["Location"] == url
    messages = [str(m) for m in client.get(url).context["messages"]]
    assert "这份名册已经导入过了，没有重复导入。" in messages
    assert Member.objects.count() == 3
    record.refresh_from_db()
    assert record.report["created"] == 3


def test_rows_with_errors_are_listed_and_cannot_be_confirmed(reference, liaison):
    _, client = liaison
    bad = ("15010", "钱多", "男", "不存在界", "", "", "", "", "", "")
    upload(client, as_xlsx(roster_rows(VALID_ROWS[0], bad)))

    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.INVALID
    page = client.get(reverse("people_roster_preview", args=[record.pk])).content.decode()
    assert "整个文件都没有导入" in page
    assert "第 3 行「界别」：没有名为“不存在界”的界别" in page
    assert "确认导入" not in page
    assert "将要写入的变化" not in page, "an import that will not happen lists no changes"
    client.post(reverse("people_roster_preview", args=[record.pk]))
    assert Member.objects.count() == 0


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("名册.xlsx", b"", "文件是空的"),
        ("照片.png", b"\x89PNG\r\n", "只接受 .xlsx 或 .csv 文件"),
        ("名册.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "这不是表格文件"),
        ("名册.csv", "姓名,电话\r\n张三,1\r\n".encode("gbk"), "缺少列：委员证号"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_on_the_upload_form(liaison, name, data, message):
    _, client = liaison
    response = upload(client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()


def test_missing_file_is_explained(liaison):
    _, client = liaison
    response = client.post(reverse("people_roster_import"), {})
    assert "请选择要上传的名册文件" in response.content.decode()


def test_only_the_uploader_confirms_their_import(reference, liaison, make_user, login):
    _, client = liaison
    upload(client, as_xlsx(roster_rows(*VALID_ROWS)))
    record = RosterImport.objects.get()
    colleague = login(make_user(roles.LIAISON_OFFICE))

    page = colleague.get(reverse("people_roster_preview", args=[record.pk])).content.decode()
    assert "确认导入" not in page
    response = colleague.post(reverse("people_roster_preview", args=[record.pk]))
    assert response["Location"] == "/admin/"
    assert Member.objects.count() == 0


def test_roster_changed_since_preview_fails_whole_and_says_so(reference, liaison):
    _, client = liaison
    upload(client, as_xlsx(roster_rows(*VALID_ROWS)))
    record = RosterImport.objects.get()
    reference["jingshan"].delete()  # a street group named in the file disappears

    client.post(reverse("people_roster_preview", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == RosterImport.Status.FAILED
    assert any("第 3 行「街道活动小组」" in e for e in record.report["errors"])
    assert Member.objects.count() == 0


def test_export_downloads_the_roster_with_a_chinese_file_name(members, liaison):
    _, client = liaison
    response = client.get(reverse("people_roster_export") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=utf-8''%E5%A7%94%E5%91%98%E5%90%8D%E5%86%8C" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert (
        body.splitlines()[0]
        == "委员证号,姓名,性别,界别,党派,专委会,单位及职务,联系电话,是否常委,街道活动小组,主席会议职务,青年委员"
    )
    assert "14003,赵敏" in body


def test_member_index_offers_import_and_export_to_the_liaison_office(members, liaison):
    _, client = liaison
    page = client.get(reverse("people_member_modeladmin_index")).content.decode()
    assert reverse("people_roster_import") in page and reverse("people_roster_export") in page
    assert "按界别" in page and "By " not in page


def test_a_roster_filter_that_cannot_apply_shows_the_whole_list_with_a_message(reference, liaison):
    _user, client = liaison
    members = reverse("people_member_modeladmin_index")
    response = client.get(f"{members}?sector__id__exact=abc")
    assert response.status_code == 302 and response["Location"] == members
    assert "筛选条件无效，已改为显示全部记录。" in [str(m) for m in client.get(members).context["messages"]]


# ---------------------------------------------------------------------------
# Large files go through the worker (jobs/): here it runs the job as soon as the request commits.


@pytest.fixture
def large(settings):
    """Files of more than two rows count as large."""
    settings.ROSTER_WORKER_ROWS = 2


def job_state(client, location):
    job = Job.objects.get()
    assert location == reverse("jobs_job", args=[job.pk])
    return client.get(reverse("jobs_job_status", args=[job.pk])).json()


def test_a_large_roster_is_previewed_and_imported_by_the_worker(
    reference, members, liaison, large, django_capture_on_commit_callbacks
):
    user, client = liaison
    edited = ("14001", "王丽", "女", "教育界", "", "教科文卫体委员会", "区第一中学 副校长", "13800138000", "否", "")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, as_xlsx(roster_rows(*VALID_ROWS, edited)))

    state = job_state(client, response["Location"])
    record = RosterImport.objects.get()
    assert state["label"] == "已完成" and state["redirect"] == reverse("people_roster_preview", args=[record.pk])
    assert (state["done"], state["total"]) == (4, 4)
    assert record.status == RosterImport.Status.PREVIEWED and record.uploaded_by == user
    assert record.original_name == "名册.xlsx" and Member.objects.count() == 4, "the preview writes nothing"
    assert not storages["private"].listdir("roster_imports/queued")[1], "the staged upload is gone once kept"
    page = client.get(state["redirect"]).content.decode()
    assert 'data-count="created">3<' in page and "确认导入" in page

    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(state["redirect"])

    state = job_state(client, confirmed["Location"])
    assert state["message"] == "名册已导入：新增 3 人，更新 1 人，0 人无变化。"
    assert state["redirect"] == reverse("people_member_modeladmin_index")
    record.refresh_from_db()
    assert record.status == RosterImport.Status.IMPORTED
    assert Member.objects.count() == 7 and Member.objects.get(code="14001").employer_title == "区第一中学 副校长"


def test_a_small_roster_stays_in_the_request(reference, liaison, settings):
    _, client = liaison
    settings.ROSTER_WORKER_ROWS = 3
    response = upload(client, as_xlsx(roster_rows(*VALID_ROWS)))
    assert response["Location"] == reverse("people_roster_preview", args=[RosterImport.objects.get().pk])
    assert not Job.objects.exists()


def test_a_large_file_that_is_not_a_roster_fails_its_job_in_chinese(liaison, large, django_capture_on_commit_callbacks):
    _, client = liaison
    data = "姓名,电话\r\n张三,1\r\n李四,2\r\n王五,3\r\n".encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data, "名册.csv")

    state = job_state(client, response["Location"])
    assert state["label"] == "失败" and "缺少列：委员证号" in state["error"]
    page = client.get(response["Location"]).content.decode()
    assert "缺少列：委员证号" in page and f'href="{reverse("people_roster_import")}"' in page
    assert not RosterImport.objects.exists()


def test_a_second_confirm_while_the_worker_imports_goes_to_the_same_job(reference, liaison, large):
    _, client = liaison
    record = RosterImport.objects.create(
        file=SimpleUploadedFile("名册.xlsx", as_xlsx(roster_rows(*VALID_ROWS))),
        original_name="名册.xlsx",
        uploaded_by=liaison[0],
        status=RosterImport.Status.PREVIEWED,
        report={"total": 3, "created": 3, "errors": [], "changes": []},
    )
    url = reverse("people_roster_preview", args=[record.pk])
    first = client.post(url)  # queued: the worker has not taken it yet
    job = Job.objects.get()
    assert first["Location"] == reverse("jobs_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "这份名册正在后台导入。" in page and "确认导入" not in page

    second = client.post(url)

    assert second["Location"] == reverse("jobs_job", args=[job.pk]) and Job.objects.count() == 1
    assert "这份名册正在导入，请稍候查看结果；不必再次确认。" in [
        str(m) for m in client.get(second["Location"]).context["messages"]
    ]
