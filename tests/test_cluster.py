"""Two app servers for real: bin/cluster starts PostgreSQL, Redis, the worker, two gunicorn servers
(A on 127.0.0.1:8001, B on :8002) and nginx with the production settings; what one server does, the
other shows at once, because the page cache, the sessions and the drafts are shared.

Not in the default run (pyproject: -m 'not cluster'); CI runs it after the suite with `-m cluster`.
"""

import datetime
import os
import re
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


def cluster(action, *args, timeout=120):
    env = {**os.environ, "PYTHON": sys.executable, "DEMO_PASSWORD": PASSWORD}
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


# The 50,000-row roster import queued through A, its progress read through B, and the worker killed
# mid-import leaving the roster unchanged until the job is run again: added once the jobs app
# (jobs.services.start_job, /admin/jobs/<uuid>/status.json) lands.
