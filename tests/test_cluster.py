"""Two app servers for real: bin/cluster starts PostgreSQL, Redis, the worker, two gunicorn servers
(A on 127.0.0.1:8001, B on :8002) and nginx with the production settings; what one server does, the
other shows at once, because the page cache, the sessions and the drafts are shared.

Not in the default run (pyproject: -m 'not cluster'); CI runs it after the suite with `-m cluster`.
"""

import datetime
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
A = "http://127.0.0.1:8001"
B = "http://127.0.0.1:8002"
FRONT = "http://127.0.0.1:8080"  # nginx, in front of both
PASSWORD = "lianxin-cluster"
FRESH_WITHIN = 1.0  # seconds
# A job whose worker stopped beating for this long reads 任务中断 (the production default is a minute).
STALE_SECONDS = 10


def cluster(action, *args, timeout=120):
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DEMO_PASSWORD": PASSWORD,
        "JOBS_STALE_SECONDS": str(STALE_SECONDS),
        "JOBS_HEARTBEAT_SECONDS": "2",
    }
    return subprocess.run([str(ROOT / "bin" / "cluster"), action, *args], env=env, timeout=timeout, check=True)


@pytest.fixture(scope="module", autouse=True)
def running_cluster():
    try:
        cluster("start", "--seed", timeout=1800)
        yield
    finally:
        cluster("stop")


def logged_in(base, username):
    """A browser that logged in through `base` with the front end's login page."""
    browser = requests.Session()
    browser.get(f"{base}/login/", timeout=30)
    response = browser.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        timeout=30,
    )
    assert response.ok and "sessionid" in browser.cookies, response.text[:500]
    return browser


def csrf_post(browser, url, data=None):
    browser.get(url, timeout=30)
    token = {"csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    response = browser.post(url, data={**token, **(data or {})}, timeout=60, allow_redirects=False)
    assert response.status_code in (200, 302), (url, response.status_code)
    return response


def anonymous(url):
    """A visitor with no cookies: served from the shared page cache when the page is in it."""
    return requests.get(url, timeout=30)


def until_true(check):
    """True once check() holds, trying for FRESH_WITHIN seconds."""
    deadline = time.monotonic() + FRESH_WITHIN
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def newest_story():
    data = anonymous(f"{B}/api/v2/pages/?type=content.StoryPage&order=-date&limit=1&fields=title").json()
    story = data["items"][0]
    index = anonymous(f"{B}/api/v2/pages/?type=content.StoryIndexPage&limit=1").json()["items"][0]
    index_path = re.sub(r"^https?://[^/]+", "", index["meta"]["html_url"])
    return story["id"], story["title"], index_path


def test_a_page_published_through_a_is_served_fresh_by_b():
    story_id, title, index_path = newest_story()
    for _ in range(2):  # the second comes from the shared cache
        assert title in anonymous(B + index_path).text
    editor = logged_in(A, "admin")

    csrf_post(editor, f"{A}/admin/pages/{story_id}/unpublish/")
    assert until_true(lambda: title not in anonymous(B + index_path).text), "B still serves the unpublished story"
    assert anonymous(B + index_path).text.count("<html") == 1

    csrf_post(editor, f"{A}/admin/bulk/wagtailcore/page/publish/?id={story_id}&next=/admin/")
    assert until_true(lambda: title in anonymous(B + index_path).text), "B does not serve the published story"
    assert until_true(lambda: title in anonymous(FRONT + index_path).text), "nginx's servers disagree"


def test_a_session_from_a_is_valid_on_b():
    browser = logged_in(A, "leader_edu")
    response = browser.get(f"{B}/my/", timeout=30, allow_redirects=False)
    assert response.status_code == 200, "B sent the member to log in again"
    assert "已登录" in response.text
    browser.post(f"{B}/logout/", data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]}, timeout=30)
    assert browser.get(f"{A}/my/", timeout=30, allow_redirects=False).status_code == 302, "logged out on A too"


def current_step(html):
    found = re.search(r'name="([^"]+)-current_step"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="([^"]+)-current_step"', html
    )
    assert found, html[:800]
    return found.group(1), found.group(2)


def test_a_wizard_draft_saved_through_a_resumes_through_b():
    year = datetime.date.today().year + 1  # the demo has filed this year's tables already
    url = f"/forms/five-ones/?year={year}"
    on_a = logged_in(A, "leader_edu")
    prefix, step = current_step(on_a.get(A + url, timeout=30).text)
    assert step == "info"
    typed = "王丽（集群测试）"
    response = on_a.post(
        A + url,
        data={
            "csrfmiddlewaretoken": on_a.cookies["csrftoken"],
            f"{prefix}-current_step": "info",
            "info-leader_name": typed,
            "info-filled_on": f"{datetime.date.today():%Y-%m-%d}",
        },
        timeout=30,
    )
    assert current_step(response.text)[1] == "theme", response.text[:800]

    on_b = logged_in(B, "leader_edu")  # another browser, another server
    assert current_step(on_b.get(B + url, timeout=30).text)[1] == "theme"
    back = on_b.post(
        B + url,
        data={
            "csrfmiddlewaretoken": on_b.cookies["csrftoken"],
            f"{prefix}-current_step": "theme",
            "wizard_goto_step": "info",
        },
        timeout=30,
    )
    assert typed in back.text, "the first step's answers were not kept"


def test_private_files_are_not_served_by_nginx():
    (ROOT / ".cluster" / "private" / "probe.txt").write_text("private")
    for path in ("/private/probe.txt", "/media/../private/probe.txt", "/static/../private/probe.txt"):
        response = anonymous(FRONT + path)
        assert "private" != response.text and response.status_code in (400, 404), path


# --- The 50,000-row roster import: queued through A, run by the worker, watched through B; the worker
# killed mid-import leaves the roster unchanged until the job is run again.

ROSTER_ROWS = 50_000
JOB_URL = re.compile(r"/admin/jobs/([0-9a-f-]{36})/")


def roster_xlsx(path, rows, tag):
    """A roster of `rows` new members (委员证号 <tag>000001…), in the import's layout, write-only."""
    import openpyxl

    from people.demo import COMMITTEES, STREETS
    from people.roster import HEADERS

    committee_of = [(sector, name) for name, _, sectors in COMMITTEES for sector in sectors]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADERS))
    for n in range(1, rows + 1):
        sector, committee = committee_of[n % len(committee_of)]
        street = STREETS[n % len(STREETS)] + "街道活动小组"
        sheet.append(
            [
                f"{tag}{n:06d}",
                f"集群{n:06d}",
                "男女"[n % 2],
                sector,
                "",
                committee,
                "某单位 职务",
                f"13{n:09d}",
                "否",
                street,
            ]
        )
    workbook.save(path)
    return path


def cluster_database_url():
    for line in (ROOT / ".cluster" / "env").read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "DATABASE_URL":
            return value
    raise AssertionError("no DATABASE_URL in .cluster/env")


def cluster_sql(sql, *params):
    import psycopg

    with psycopg.connect(cluster_database_url().replace("postgres://", "postgresql://")) as connection:
        return connection.execute(sql, params).fetchone()


def member_count():
    return cluster_sql("SELECT count(*) FROM people_member")[0]


@pytest.fixture
def roster_tag():
    """A 委员证号 prefix of this run's own, so that the test runs again on the same cluster database; its
    members are deleted afterwards, leaving the demo roster as it was."""
    tag = f"Q{int(time.time()) % 10**8:08d}-"
    yield tag
    cluster_sql("DELETE FROM people_member WHERE code LIKE %s RETURNING 1", tag + "%")


def job_id_of(response):
    found = JOB_URL.search(response.headers.get("Location", ""))
    assert found, (response.status_code, response.headers.get("Location"), response.text[:500])
    return found.group(1)


def job_state(browser, base, job_id):
    response = browser.get(f"{base}/admin/jobs/{job_id}/status.json", timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def until_finished(browser, base, job_id, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = job_state(browser, base, job_id)
        if state["finished"]:
            return state
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s: {state}")


def test_a_large_roster_import_runs_in_the_worker_and_a_killed_worker_leaves_the_roster_unchanged(tmp_path, roster_tag):
    before = member_count()
    on_a = logged_in(A, "liaison")
    on_b = logged_in(B, "liaison")  # the same person watching from the other server

    path = roster_xlsx(tmp_path / "名册.xlsx", ROSTER_ROWS, roster_tag)
    on_a.get(f"{A}/admin/roster/import/", timeout=30)
    with path.open("rb") as handle:
        response = on_a.post(
            f"{A}/admin/roster/import/",
            data={"csrfmiddlewaretoken": on_a.cookies["csrftoken"]},
            files={"file": ("名册.xlsx", handle)},
            timeout=120,
            allow_redirects=False,
        )
    preview_job = job_id_of(response)
    previewed = until_finished(on_b, B, preview_job, seconds=600)
    assert previewed["status"] == "done", previewed
    assert f"共 {ROSTER_ROWS} 行，发现 0 个问题" in previewed["message"], previewed
    preview_page = previewed["redirect"]
    assert "确认导入" in on_a.get(A + preview_page, timeout=30).text

    response = csrf_post(on_a, A + preview_page)
    import_job = job_id_of(response)

    # Watched through B until it is part way, then the worker is killed on the spot.
    seen = None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        state = job_state(on_b, B, import_job)
        assert not state["finished"], f"the import ended before the worker could be killed: {state}"
        if state["total"] and 0 < state["done"] < state["total"]:
            seen = state
            break
        time.sleep(0.02)
    os.kill(int((ROOT / ".cluster" / "worker.pid").read_text()), signal.SIGKILL)
    assert seen and seen["total"] == ROSTER_ROWS, "B never showed the import part way"
    assert seen["percent"] < 100

    assert member_count() == before, "a worker killed mid-import left members behind"
    # Its heartbeat stops: after JOBS_STALE_SECONDS both servers show 任务中断 and offer 重新运行.
    time.sleep(STALE_SECONDS + 1)
    state = job_state(on_b, B, import_job)
    assert state["interrupted"] and state["label"] == "任务中断" and state["may_rerun"], state
    page = on_a.get(f"{A}/admin/jobs/{import_job}/", timeout=30).text
    assert "任务中断" in page and "重新运行" in page
    assert member_count() == before, "the roster changed while the job lay interrupted"

    cluster("worker")
    csrf_post(on_a, f"{A}/admin/jobs/{import_job}/rerun/")
    state = until_finished(on_b, B, import_job, seconds=600)
    assert state["status"] == "done", state
    assert f"新增 {ROSTER_ROWS} 人" in state["message"], state
    assert member_count() == before + ROSTER_ROWS
    members = on_b.get(f"{B}/admin/people/member/?q={roster_tag}050000", timeout=60)
    assert "集群050000" in members.text
