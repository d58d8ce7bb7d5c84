"""The background job page in Debian's chromium, with a real worker: a 委员联络室 clerk (the role that
imports the roster) uploads a roster above settings.ROSTER_WORKER_ROWS, watches the job page's bar
move while `db_worker` (a separate process on the test database) previews it, lands on the preview,
confirms, watches the import job and ends on the member list with the result. A file that fails in
the worker shows its Chinese error and a 返回 link; a colleague who did not start the job gets 404.
Screenshots in tests/artifacts/jobs-*.png.

The worker and the live server share the `default` cache through a folder (production: Redis db 0),
so that the progress the worker writes reaches the page. The worker waits a little on each row
(WORKER_ROW_DELAY): a few hundred rows otherwise pass faster than the page polls, and the bar would
be seen only empty and full."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobs.models import Job
from people import roles
from people.models import Member, RosterImport

from .conftest import as_csv, as_xlsx, roster_rows
from .jobs_helpers import worker_env
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-lianxin-123"
THRESHOLD = 50
ROWS = 160
WORKER_ROW_DELAY = 0.02  # seconds a row: the preview of ROWS rows takes about 3 s


def shared_caches(folder):
    from django.conf import settings

    caches = dict(settings.CACHES)
    caches["default"] = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(folder)}
    return caches


@pytest.fixture
def worker(settings, tmp_path):
    """`db_worker` running beside the live server, on the test database, the shared cache and this
    process's storage folders (each process of the test settings makes its own)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.ROSTER_WORKER_ROWS = THRESHOLD
    settings.CACHES = shared_caches(tmp_path / "cache")
    env = worker_env()
    script = (
        "import time; from django.conf import settings; "
        f"settings.CACHES = {settings.CACHES!r}; settings.STORAGES = {settings.STORAGES!r}; "
        f"settings.MEDIA_ROOT = {settings.MEDIA_ROOT!r}; "
        "import django; django.setup(); "
        "from jobs.progress import Progress; update = Progress.update; "
        f"Progress.update = lambda self, n=1: (time.sleep({WORKER_ROW_DELAY} * n), update(self, n))[1]; "
        "from django.core.management import call_command; "
        "call_command('db_worker', batch=False, startup_delay=False, reload=False)"
    )
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)
    log.close()
    print((tmp_path / "worker.log").read_text())


def clerk_rows(count):
    return [
        (f"16{n:03d}", f"委员{n:03d}", "女" if n % 2 else "男", "教育界", "", "", "区实验小学 教师", "", "否", "")
        for n in range(count)
    ]


def watch_the_bar(page, shot):
    """The bar's values, read every 0.2 s until the page leaves for the job's result; a screenshot
    once it stands between empty and full."""
    seen, start = [], page.url
    deadline = time.monotonic() + 90
    while page.url == start and time.monotonic() < deadline:
        try:
            value = page.locator("[data-job=bar]").get_attribute("value", timeout=1000)
            label = page.locator("[data-job=label]").inner_text(timeout=1000)
        except Exception:  # the page is leaving
            break
        value = int(float(value))
        if not seen or seen[-1] != (value, label):
            seen.append((value, label))
            if 0 < value < 100 and shot:
                page.screenshot(path=ARTIFACTS / shot, full_page=True)
                shot = None
        if label in ("失败", "任务中断"):
            break
        time.sleep(0.2)
    return seen


def no_sideways(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"], page.url


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_a_clerk_watches_a_large_roster_previewed_and_imported_by_the_worker(
    browser, live_server, worker, make_user, roles_synced, reference, width, name
):
    clerk = _with_password(make_user(roles.LIAISON_OFFICE))
    roster = tmp_file(as_xlsx(roster_rows(*clerk_rows(ROWS))), "委员名册.xlsx")
    context, page = login_in(browser, live_server, clerk, PASSWORD, "/admin/roster/import/", width=width)

    page.set_input_files("input[type=file]", str(roster))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/admin/jobs/**")
    job = Job.objects.get(kind="roster_preview")
    assert page.locator("h1").inner_text().startswith("名册预览：委员名册.xlsx")
    bar = watch_the_bar(page, f"jobs-preview-running-{name}.png")
    moving = [value for value, label in bar if 0 < value < 100]
    assert moving and moving == sorted(moving), (
        f"the bar moves forward while the worker reads: {bar} {Job.objects.get(pk=job.pk).error}"
    )
    assert {label for _, label in bar} & {"排队中", "运行中"}

    page.wait_for_url(f"**/admin/roster/import/{RosterImport.objects.get().pk}/")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert page.locator("[data-count=created]").inner_text() == str(ROWS)
    assert f"名册已检查完毕：共 {ROWS} 行，发现 0 个问题。" in page.inner_text("body"), "the job's outcome came along"
    assert Member.objects.count() == 0, "the preview writes no member"
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / f"jobs-preview-{name}.png", full_page=True)

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/admin/jobs/**")
    assert page.locator("h1").inner_text().startswith("名册导入：委员名册.xlsx")
    no_sideways(page)
    watch_the_bar(page, f"jobs-import-running-{name}.png")
    page.wait_for_url("**/admin/people/member/**")
    assert Member.objects.count() == ROWS
    assert f"名册已导入：新增 {ROWS} 人，更新 0 人，0 人无变化。" in page.inner_text("body")
    assert RosterImport.objects.get().status == RosterImport.Status.IMPORTED
    assert Job.objects.get(kind="roster_import").status == Job.Status.DONE
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / f"jobs-imported-{name}.png", full_page=True)
    context.close()


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_a_file_that_fails_in_the_worker_says_why_and_leads_back_a_stranger_gets_404(
    browser, live_server, worker, make_user, roles_synced, reference, width, name
):
    clerk = _with_password(make_user(roles.LIAISON_OFFICE))
    no_code = [row[1:] for row in roster_rows(*clerk_rows(ROWS))]  # every row without its 委员证号
    roster = tmp_file(as_csv(no_code), "名册.csv")
    context, page = login_in(browser, live_server, clerk, PASSWORD, "/admin/roster/import/", width=width)

    page.set_input_files("input[type=file]", str(roster))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/admin/jobs/**")
    failed = page.locator("[data-job=failed]")
    failed.wait_for(state="visible", timeout=60_000)
    assert "任务失败，没有写入任何数据" in failed.inner_text()
    assert "缺少列：委员证号" in failed.inner_text()
    assert page.locator("[data-job=label]").inner_text() == "失败"
    assert page.locator("[data-job=progress]").is_hidden()
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / f"jobs-failed-{name}.png", full_page=True)
    job_page = page.url

    failed.get_by_role("link", name="返回").click()
    page.wait_for_url("**/admin/roster/import/")
    assert RosterImport.objects.count() == 0 and Member.objects.count() == 0
    context.close()

    stranger = _with_password(make_user(roles.LIAISON_OFFICE))
    context, page = login_in(browser, live_server, stranger, PASSWORD, "/admin/", width=width)
    response = page.goto(job_page)
    assert response.status == 404
    assert "缺少列" not in page.inner_text("body")
    assert page.request.get(job_page + "status.json").status == 404
    page.screenshot(path=ARTIFACTS / f"jobs-stranger-{name}.png", full_page=True)
    context.close()


def tmp_file(data, name):
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"lianxin-jobs-browser-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path
