"""设置 › 重建搜索索引: a superuser rebuilds the search index in the worker (job kind search_rebuild)
and watches its page; nobody else can; a second click while one runs leads to that one."""

import pytest
from django.urls import reverse
from wagtail.search.models import IndexEntry

from jobs.models import Job
from people import roles

from .content_helpers import site_sections, story
from .factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/search-rebuild/"


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def found(client, words):
    return client.get("/search/", {"q": words}).content.decode()


def test_a_rebuild_runs_in_the_worker_and_the_search_finds_pages_again(
    superuser, client, members, django_capture_on_commit_callbacks
):
    stories, _ = site_sections()
    story(stories, members["teacher"], "王丽：把课后服务送进社区", text="委员协调科技馆资源。")
    IndexEntry.objects.all().delete()  # an index lost or broken
    assert "把课后服务送进社区" not in found(client, "课后服务")

    page = client.get(URL).content.decode()
    assert "开始重建搜索索引" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL)

    job = Job.objects.get(kind="search_rebuild")
    assert response["Location"] == reverse("jobs_job", args=[job.pk])
    status = client.get(reverse("jobs_job_status", args=[job.pk])).json()
    assert status["label"] == "已完成" and status["message"].startswith("搜索索引已重建")
    assert "把课后服务送进社区" in found(client, "课后服务")
    assert "上次重建完成于" in client.get(URL).content.decode()


def test_a_second_click_while_a_rebuild_is_queued_leads_to_it(superuser, client):
    queued = Job.objects.create(kind="search_rebuild", title="重建搜索索引", created_by=superuser)

    assert "查看正在进行的重建" in client.get(URL).content.decode()
    response = client.post(URL)

    assert response["Location"] == reverse("jobs_job", args=[queued.pk])
    assert Job.objects.count() == 1


def test_only_superusers_rebuild_the_index(make_user, login, superuser, client):
    assert URL in client.get("/admin/").content.decode()  # the menu item under 设置
    office = login(make_user(roles.LIAISON_OFFICE))
    refused = office.post(URL)  # Wagtail's admin answers a refusal by going back to the dashboard
    assert refused.status_code in (302, 403) and not refused.get("Location", "").startswith("/admin/jobs/")
    assert "开始重建搜索索引" not in office.get(URL, follow=True).content.decode()
    assert URL not in office.get("/admin/").content.decode()
    assert not Job.objects.exists()
