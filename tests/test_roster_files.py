"""What roster uploads leave in private storage (staged uploads, previews' plans) goes once nobody
will use it: when the worker refuses a file, when 确认导入 is done, when a newer preview replaces an
older one, and, for what a crash or an unconfirmed preview leaves, with prune_roster_files."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from people import roles
from people.job_kinds import stage_upload
from people.models import Member, RosterImport
from people.roster import confirm_import, plan_name, preview_upload

from .conftest import VALID_ROWS, as_xlsx, roster_rows

pytestmark = pytest.mark.django_db


def private():
    return storages["private"]


def preview(user, rows=VALID_ROWS, name="名册.xlsx"):
    record = preview_upload(as_xlsx(roster_rows(*rows)), name, user)
    assert record.status == RosterImport.Status.PREVIEWED
    return record


def has_plan(record):
    return private().exists(plan_name(record))


def test_a_newer_preview_replaces_the_plan_of_the_older_one_which_still_imports(
    reference, make_user, django_capture_on_commit_callbacks
):
    user, colleague = make_user(roles.LIAISON_OFFICE), make_user(roles.LIAISON_OFFICE)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = preview(colleague)
        older = preview(user, VALID_ROWS[:1])
    assert has_plan(older) and has_plan(theirs)

    with django_capture_on_commit_callbacks(execute=True):
        newer = preview(user)

    assert has_plan(newer) and has_plan(theirs), "only the same person's earlier preview is replaced"
    assert not has_plan(older)
    # Confirmed anyway, the older upload is checked again from its file and imports as previewed.
    with django_capture_on_commit_callbacks(execute=True):
        record, report = confirm_import(older.pk)
    assert record.status == RosterImport.Status.IMPORTED and report.created == 1
    assert list(Member.objects.values_list("code", flat=True)) == [VALID_ROWS[0][0]]


def test_confirming_removes_the_plan(reference, make_user, django_capture_on_commit_callbacks):
    record = preview(make_user(roles.LIAISON_OFFICE))
    assert has_plan(record)

    with django_capture_on_commit_callbacks(execute=True):
        record, report = confirm_import(record.pk)

    assert report.created == len(VALID_ROWS) and not has_plan(record)
    assert private().exists(record.file.name), "the upload itself stays with its record"


def test_a_large_file_the_worker_refuses_leaves_no_staged_upload(
    make_user, login, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_WORKER_ROWS = 2
    client = login(make_user(roles.LIAISON_OFFICE))
    data = "姓名,电话\r\n张三,1\r\n李四,2\r\n王五,3\r\n".encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people_roster_import"), {"file": ContentFile(data, name="名册.csv")})

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "缺少列：委员证号" in job.error
    assert not private().exists(job.params["file"])


def age(name, days):
    then = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(private().path(name), (then, then))


def test_prune_roster_files_removes_what_nobody_will_use(reference, make_user, capsys):
    user = make_user(roles.LIAISON_OFFICE)
    abandoned_upload = stage_upload(b"old", "旧.xlsx")["file"]
    age(abandoned_upload, 8)
    fresh_upload = stage_upload(b"new", "新.xlsx")["file"]
    waiting_upload = stage_upload(b"queued", "排队.xlsx")
    age(waiting_upload["file"], 8)
    Job.objects.create(kind="roster_preview", title="名册预览", params=waiting_upload, created_by=user)

    awaiting = preview(user)
    abandoned = preview(make_user(roles.LIAISON_OFFICE))
    RosterImport.objects.filter(pk=abandoned.pk).update(uploaded_at=timezone.now() - timedelta(days=8))
    imported = preview(make_user(roles.LIAISON_OFFICE))
    RosterImport.objects.filter(pk=imported.pk).update(status=RosterImport.Status.IMPORTED)
    orphan = private().save("roster_imports/2026/11/gone.xlsx.plan.json.gz", ContentFile(b"plan"))
    assert all(has_plan(record) for record in (awaiting, abandoned, imported))

    call_command("prune_roster_files")

    # (Other tests' plans may lie in the same private folder: only the count of staged files is exact.)
    assert "删除了 1 个暂存的名册上传、" in capsys.readouterr().out
    assert not private().exists(abandoned_upload)
    assert private().exists(fresh_upload) and private().exists(waiting_upload["file"])
    assert has_plan(awaiting)
    assert not has_plan(abandoned) and not has_plan(imported) and not private().exists(orphan)
    assert all(private().exists(record.file.name) for record in (awaiting, abandoned, imported))
