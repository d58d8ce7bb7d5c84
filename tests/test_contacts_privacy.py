"""The names of the public a member met and the notes of each contact stay private: they appear
on no public page, in no /search/ result, in no /api/v2/ answer and in no cached anonymous page,
and the member's own page is never served from (or put into) the anonymous cache."""

import json
import pickle

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts import rules
from contacts.models import ContactActivity, TargetCategory, Way
from lianxin_site.cache import public_cache
from people import roles

pytestmark = pytest.mark.django_db
HOME = reverse("contacts_home")
TARGET = "红星机床厂"
CITIZEN = "王秀英女士"
NOTE = "反映养老驿站助餐排队太久"
SECRETS = (TARGET, CITIZEN, NOTE)


@pytest.fixture
def logged(site, members, make_user, roles_synced):
    """王丽 (who has a public story and sits on a workstation) logs two contacts, one through her
    page, one through the rule (as an office import would)."""
    user = make_user(roles.MEMBER, member=members["teacher"])
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    response = client.post(
        HOME,
        {
            "date": today.isoformat(),
            "way": Way.VISIT,
            "new_name": TARGET,
            "new_category": TargetCategory.ENTERPRISE,
            "note": NOTE,
        },
    )
    assert response.status_code == 302
    rules.save_entry(
        rules.Entry(date=today, way=Way.PHONE, makers=[members["teacher"]], targets=[(TargetCategory.PUBLIC, CITIZEN)]),
        user,
    )
    assert ContactActivity.objects.count() == 2
    return {"user": user, "client": client}


def public_urls(site):
    pages = [site[key] for key in ("stories", "stations", "s1", "s2", "s3", "ws", "p1", "p2")]
    return ["/", *(page.url for page in pages), site["stories"].url + "feed/", "/sitemap.xml"]


def leaked(text):
    return [secret for secret in SECRETS if secret in text]


def test_no_public_page_shows_a_target_or_a_note(logged, site):
    anonymous = Client()
    for url in public_urls(site):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert not leaked(response.content.decode()), url
    # The member's own page does show them (the check above looks for the right words).
    assert len(leaked(logged["client"].get(HOME).content.decode())) == 3


def test_search_finds_no_target_or_note(logged, site):
    anonymous = Client()
    control = anonymous.get(reverse("search"), {"q": "课后服务"})
    assert control.context["page_obj"].paginator.count >= 1, "search works: the story is found"
    for query in (TARGET, CITIZEN, "养老驿站助餐", "机床厂"):
        response = anonymous.get(reverse("search"), {"q": query})
        results = response.context["page_obj"]
        titles = [page.title for page in results.object_list]
        assert all(not leaked(title) for title in titles)
        # The page echoes the query in its box; beyond that, no secret is on it.
        text = response.content.decode().replace(query, "")
        assert not leaked(text), query


def test_no_api_answer_carries_a_target_or_a_note(logged, site):
    anonymous = Client()
    answers = []
    offset = 0
    while True:
        listing = anonymous.get("/api/v2/pages/", {"fields": "*", "limit": 20, "offset": offset})
        assert listing.status_code == 200
        answers.append(listing.content.decode())
        for item in listing.json()["items"]:
            answers.append(anonymous.get(f"/api/v2/pages/{item['id']}/").content.decode())
        offset += 20
        if offset >= listing.json()["meta"]["total_count"]:
            break
    assert len(answers) > 5, "the listing and each page's detail were read"
    for query in (TARGET, CITIZEN, "养老驿站"):
        answers.append(anonymous.get("/api/v2/pages/", {"search": query, "fields": "*"}).content.decode())
    text = json.dumps(answers, ensure_ascii=False)
    assert not leaked(text)


def cached_text():
    """Everything in the page cache (tests keep it in process memory), as text."""
    raw = b"".join(pickle.dumps(value) for value in public_cache._cache.values())  # noqa: SLF001
    return raw.decode("utf-8", errors="ignore"), len(public_cache._cache)  # noqa: SLF001


def test_no_cached_anonymous_page_holds_a_target_or_a_note(logged, site):
    anonymous = Client()
    for url in public_urls(site):
        anonymous.get(url)
    anonymous.get(reverse("search"), {"q": "机床"})  # (a query is echoed on the page: not the whole name)
    text, entries = cached_text()
    assert entries > 0, "anonymous pages were cached"
    assert not leaked(text)


def test_the_member_page_is_never_cached_for_anonymous_visitors(logged):
    member = logged["client"]
    response = member.get(HOME)
    assert response.status_code == 200 and TARGET in response.content.decode()
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control
    text, _entries = cached_text()
    assert not leaked(text), "the member's page went into the shared cache"

    # A visitor without a session, asking for the same address, is sent to log in.
    for url in (HOME, reverse("contact_edit", args=[ContactActivity.objects.first().pk])):
        anonymous = Client()
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert not leaked(response.content.decode())
    text, _entries = cached_text()
    assert not leaked(text)
