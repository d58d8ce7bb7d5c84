"""Background jobs (jobs/): started from a screen, run by the worker, watched on their page.

Most tests run the job at once (ImmediateBackend, settings/test.py, once the starting transaction
commits); the last starts a real `db_worker` process on the test database, kills it mid-job and
shows that nothing was written and that 重新运行 finishes the job."""

import datetime
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from jobs import progress as progress_store
from jobs.models import Job
from jobs.services import NO_RERUN, UNEXPECTED, rerun, run, start_job, state_of
from people import roles
from people.models import Sector

from . import jobs_helpers  # noqa: F401  (registers the test kinds)
from .jobs_helpers import worker_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def office(make_user, login):
    user = make_user(roles.LIAISON_OFFICE)
    return user, login(user)


def started(user, kind="test_sectors", **params):
    return start_job(kind, user=user, params=params, title="添加测试界别")


def page(client, job):
    return client.get(reverse("jobs_job", args=[job.pk])).content.decode()


def status(client, job):
    response = client.get(reverse("jobs_job_status", args=[job.pk]))
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_a_job_runs_once_its_transaction_commits_and_its_page_shows_the_result(
    office, django_capture_on_commit_callbacks
):
    user, client = office
    with django_capture_on_commit_callbacks(execute=True):
        job = started(user, count=12)
        assert Job.objects.get().status == Job.Status.QUEUED, "nothing runs before the commit"

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1 and job.task_id
    assert Sector.objects.filter(name__startswith="测试界别").count() == 12
    state = status(client, job)
    assert state["label"] == "已完成" and state["finished"] and state["percent"] == 100
    assert (state["done"], state["total"]) == (12, 12)
    assert state["redirect"] == "/admin/" and state["message"] == "已添加 12 个界别。"
    html = page(client, job)
    assert "添加测试界别" in html and "已添加 12 个界别。" in html and "jobs/job.js" in html


@pytest.mark.django_db
def test_the_status_shows_the_progress_the_worker_writes(office):
    user, client = office
    job = Job.objects.create(kind="test_sectors", title="添加测试界别", created_by=user, status=Job.Status.RUNNING)
    job.started = timezone.now()
    job.save()
    progress = progress_store.Progress(job.pk, interval=0)
    progress.reset(total=200)
    progress.update(50)
    progress.note("正在添加界别")

    state = status(client, job)

    assert state["label"] == "运行中" and not state["finished"]
    assert (state["done"], state["total"], state["percent"]) == (50, 200, 25)
    assert state["note"] == "正在添加界别" and not state["may_rerun"]
    html = page(client, job)
    assert 'value="25"' in html and "重新运行" in html  # the form is there, hidden until the job stops


def test_progress_writes_at_most_twice_a_second(db):
    progress = progress_store.Progress("some-job")
    progress.reset(total=10_000)
    for _ in range(10_000):
        progress.update(1)
    assert progress_store.read("some-job")["done"] < 10_000, "10,000 rows in well under half a second: one write"
    time.sleep(0.6)
    progress.update(1)
    assert progress_store.read("some-job")["done"] == 10_001


@pytest.mark.django_db
def test_a_refused_job_writes_nothing_and_shows_its_reason(office, django_capture_on_commit_callbacks):
    user, client = office
    with django_capture_on_commit_callbacks(execute=True):
        job = started(user, kind="test_refuse")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "文件里没有任何委员。"
    assert not Sector.objects.filter(name="不应留下的界别").exists()
    assert not job.result_file
    assert not storages["private"].exists("jobs") or not any(storages["private"].listdir("jobs")[1])
    state = status(client, job)
    assert state["label"] == "失败" and state["error"] == "文件里没有任何委员。"
    assert not state["may_rerun"], "the same file would fail the same way: no 重新运行"
    assert "文件里没有任何委员。" in page(client, job)
    refused = client.post(reverse("jobs_job_rerun", args=[job.pk]), follow=True)
    assert NO_RERUN in [str(m) for m in refused.context["messages"]]
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


@pytest.mark.django_db
def test_a_crashing_job_writes_nothing_and_says_so_in_chinese(office, django_capture_on_commit_callbacks):
    user, client = office
    with django_capture_on_commit_callbacks(execute=True):
        job = started(user, kind="test_crash")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == UNEXPECTED
    assert not Sector.objects.filter(name="不应留下的界别").exists()
    assert "boom" not in page(client, job)
    assert status(client, job)["may_rerun"], "something unexpected may not happen twice: 重新运行 is offered"


@pytest.mark.django_db
def test_a_result_file_is_private_and_only_its_owner_downloads_it(
    office, make_user, login, django_capture_on_commit_callbacks
):
    user, client = office
    with django_capture_on_commit_callbacks(execute=True):
        job = started(user, kind="test_file")
    job.refresh_from_db()
    assert storages["private"].exists(job.result_file.name)

    state = status(client, job)
    assert state["has_file"] and state["file_url"] == reverse("jobs_job_file", args=[job.pk])
    download = client.get(state["file_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "姓名\n<b>王丽</b>\n"
    assert "名单.csv" in download["Content-Disposition"] or "%E5%90%8D%E5%8D%95.csv" in download["Content-Disposition"]

    colleague = login(make_user(roles.LIAISON_OFFICE))
    for name in ("jobs_job", "jobs_job_status", "jobs_job_file"):
        assert colleague.get(reverse(name, args=[job.pk])).status_code == 404
    assert colleague.post(reverse("jobs_job_rerun", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_the_jobs_list_shows_each_person_their_own_and_superusers_all(make_user, login):
    mine = make_user(roles.LIAISON_OFFICE)
    theirs = make_user(roles.LIAISON_OFFICE)
    Job.objects.create(kind="test_sectors", title="我的导入任务", created_by=mine)
    Job.objects.create(kind="test_sectors", title="别人的导入任务", created_by=theirs)
    url = reverse("jobs_job_modeladmin_index")

    html = login(mine).get(url).content.decode()
    assert "我的导入任务" in html and "别人的导入任务" not in html
    assert "后台任务" in html

    boss = make_user()
    boss.is_superuser = boss.is_staff = True
    boss.save()
    html = login(boss).get(url).content.decode()
    assert "我的导入任务" in html and "别人的导入任务" in html


@pytest.mark.django_db
def test_a_running_job_whose_heartbeat_stopped_is_interrupted_and_runs_again(
    office, settings, django_capture_on_commit_callbacks
):
    user, client = office
    settings.JOBS_STALE_SECONDS = 60
    job = Job.objects.create(
        kind="test_sectors",
        title="添加测试界别",
        params={"count": 3},
        created_by=user,
        status=Job.Status.RUNNING,
        started=timezone.now() - datetime.timedelta(minutes=5),
        attempts=1,
    )
    progress_store.cache.set(progress_store.cache_key(job.pk), {"done": 1, "total": 3, "note": "", "beat": time.time()})
    assert status(client, job)["label"] == "运行中", "a heartbeat a moment ago: still running"

    progress_store.cache.set(
        progress_store.cache_key(job.pk), {"done": 1, "total": 3, "note": "", "beat": time.time() - 61}
    )
    state = status(client, job)
    assert state["label"] == "任务中断" and state["interrupted"] and state["may_rerun"] and state["finished"]
    assert "任务中断" in page(client, job)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs_job_rerun", args=[job.pk]))
    assert response["Location"] == reverse("jobs_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert Sector.objects.filter(name__startswith="测试界别").count() == 3

    again = client.post(reverse("jobs_job_rerun", args=[job.pk]), follow=True)
    assert "这个任务已经完成，不必重新运行。" in [str(m) for m in again.context["messages"]]


@pytest.mark.django_db
def test_two_reruns_at_once_queue_the_job_once(office):
    user, _ = office
    job = Job.objects.create(kind="test_sectors", title="t", params={"count": 1}, created_by=user)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.INTERRUPTED)
    first, second = Job.objects.get(pk=job.pk), Job.objects.get(pk=job.pk)  # both pages loaded

    rerun(first, user)  # queued; the worker has not taken it yet (the test's transaction is open)
    with pytest.raises(Exception, match="这个任务已在排队，不必重新运行。"):
        rerun(second, user)


@pytest.mark.django_db
def test_a_job_is_claimed_by_one_run_only(office):
    user, _ = office
    job = Job.objects.create(kind="test_sectors", title="t", params={"count": 2}, created_by=user)
    run(job.pk)
    run(job.pk)  # a second worker handed the same job
    job.refresh_from_db()
    assert job.attempts == 1 and Sector.objects.filter(name__startswith="测试界别").count() == 2


@pytest.mark.django_db
def test_a_run_given_up_for_dead_does_not_overwrite_the_rerun(office):
    """The worker stalled (not dead) past the limit; 重新运行 claimed the job again. When the first
    run wakes up and finishes, its outcome (and its rows) are dropped: the re-run's stands."""
    user, _ = office
    job = Job.objects.create(kind="test_sectors", title="t", params={"count": 2}, created_by=user)

    from jobs.registry import KINDS, JobKind

    def sneaky(job, progress):
        # While this run works, the job is given up and claimed by a second run.
        Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
        Sector.objects.create(name="第一次运行的界别")
        return {"message": "first"}

    KINDS["test_stalled"] = JobKind("test_stalled", "测试", sneaky)
    try:
        Job.objects.filter(pk=job.pk).update(kind="test_stalled")
        run(job.pk)
    finally:
        del KINDS["test_stalled"]
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.result == {}
    assert not Sector.objects.filter(name="第一次运行的界别").exists()


# ---------------------------------------------------------------------------
# The real worker


def run_worker_process(batch=True):
    env = worker_env()
    # The worker as `manage.py db_worker` runs it, with the test kinds registered first.
    script = (
        "import django; django.setup(); import tests.jobs_helpers; from django.core.management import call_command; "
        f"call_command('db_worker', batch={batch}, startup_delay=False, reload=False)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_job_writes_nothing_and_the_job_runs_again(make_user, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.JOBS_STALE_SECONDS = 1  # the worker's heartbeat is in its own memory cache, unseen here
    user = make_user(roles.LIAISON_OFFICE)
    hold = tmp_path / "hold"
    hold.write_text("")
    sectors_before = Sector.objects.count()
    job = start_job("test_sectors", user=user, params={"count": 40, "hold": str(hold)}, title="添加测试界别")

    worker = run_worker_process(batch=False)
    try:
        assert wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING), "the worker took the job"
        time.sleep(1)  # half the rows are written in its open transaction, and it waits on `hold`
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    job.refresh_from_db()
    assert Sector.objects.count() == sectors_before, "a killed worker leaves nothing written"
    assert job.status == Job.Status.RUNNING and state_of(job)["label"] == "任务中断"

    hold.unlink()
    rerun(job, user)
    worker = run_worker_process(batch=True)
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2, output
    assert Sector.objects.count() == sectors_before + 40
    assert state_of(job)["message"] == "已添加 40 个界别。"
