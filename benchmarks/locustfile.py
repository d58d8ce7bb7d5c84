"""The load mix of benchmarks/load.py (locust): readers of the public pages, API clients, searchers, and
界别组长 stepping through the 五个一 wizard. Run through load.py, which starts it headless, bounded in
time, against the loopback only; by hand:

    .venv/bin/locust -f benchmarks/locustfile.py --headless -u 20 -r 10 -t 20s --host http://127.0.0.1:8080

The site must hold the demo content (bin/cluster start --seed) and its accounts' password in
DEMO_PASSWORD (bin/cluster's default: lianxin-cluster).
"""

import datetime
import itertools
import os
import random
import re

import requests
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "lianxin-cluster")
LEADERS = ["leader_edu", "leader_health", "leader_culture", "leader_minmeng"]
QUERIES = ["社区", "养老", "教育", "委员", "工作室"]
PAGES = {"stories": [], "story_index": "/", "workstation_index": "/", "workstations": []}


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@events.test_start.add_listener
def find_pages(environment, **kwargs):
    """The pages to read, from the API, once before the users start."""
    host = environment.host

    def items(page_type, limit=20):
        url = f"{host}/api/v2/pages/?type={page_type}&limit={limit}"
        return requests.get(url, timeout=60).json()["items"]

    PAGES["stories"] = [path_of(item["meta"]["html_url"]) for item in items("content.StoryPage")]
    PAGES["story_index"] = path_of(items("content.StoryIndexPage", 1)[0]["meta"]["html_url"])
    PAGES["workstation_index"] = path_of(items("content.WorkstationIndexPage", 1)[0]["meta"]["html_url"])
    PAGES["workstations"] = [path_of(item["meta"]["html_url"]) for item in items("content.WorkstationPage")]


class Reader(HttpUser):
    """An anonymous visitor (no session: served from the shared page cache once a page is in it)."""

    weight = 6
    wait_time = between(0.5, 1.5)

    @task(3)
    def home(self):
        self.client.get("/", name="页面 首页")

    @task(2)
    def story_index(self):
        self.client.get(PAGES["story_index"], name="页面 委员风采")

    @task(4)
    def story(self):
        self.client.get(random.choice(PAGES["stories"]), name="页面 风采文章")

    @task(1)
    def workstation_index(self):
        self.client.get(PAGES["workstation_index"], name="页面 委员工作室")

    @task(2)
    def workstation(self):
        self.client.get(random.choice(PAGES["workstations"]), name="页面 工作室")

    @task(2)
    def search(self):
        self.client.get(f"/search/?q={random.choice(QUERIES)}", name="搜索")


class ApiClient(HttpUser):
    """TV, newspaper and WeChat reading the headless API."""

    weight = 2
    wait_time = between(0.5, 1.5)

    @task(3)
    def story_list(self):
        self.client.get("/api/v2/pages/?type=content.StoryPage&fields=*&order=-date", name="API 风采列表")

    @task(1)
    def workstation_list(self):
        self.client.get("/api/v2/pages/?type=content.WorkstationPage&fields=*", name="API 工作室列表")


_leader_numbers = itertools.count()


class Leader(HttpUser):
    """A 界别组长 logged in (never served the shared cache), opening the 五个一 wizard and saving its
    first two steps, then going back to the first: each step is a draft written to the database."""

    weight = 2
    wait_time = between(1, 2)

    def on_start(self):
        username = LEADERS[next(_leader_numbers) % len(LEADERS)]
        # Next year: the demo has filed this year's tables. Users on one account share its draft.
        self.url = f"/forms/five-ones/?year={datetime.date.today().year + 1}"
        self.client.get("/login/", name="登录")
        self.client.post(
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.client.cookies["csrftoken"]},
            name="登录",
        )

    def post_step(self, data, name):
        csrf = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(self.url, {**csrf, f"{self.prefix}-current_step": data.pop("step"), **data}, name=name)

    @task
    def wizard(self):
        page = self.client.get(self.url, name="向导 打开").text
        found = re.search(r'name="([^"]+)-current_step"', page)
        if not found:
            return
        self.prefix = found.group(1)
        today = f"{datetime.date.today():%Y-%m-%d}"
        self.post_step({"step": "info", "info-leader_name": "王丽", "info-filled_on": today}, "向导 基本信息")
        self.post_step(
            {
                "step": "theme",
                "theme-theme": "助力课后服务提质",
                "theme-theme_reason": "教育界委员熟悉学校和家长的需求，最适合推动课后服务。",
            },
            "向导 活动主题",
        )
        self.post_step({"step": "activity", "wizard_goto_step": "info"}, "向导 上一步")
