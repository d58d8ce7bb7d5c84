"""Ways in: the front end's own login page sends each account to its work; repeated wrong
passwords lock the account and the address, on that page and on the admin's, in Chinese."""

import pytest
from django.test import Client
from django.urls import reverse

from people import roles

pytestmark = pytest.mark.django_db
PASSWORD = "pw-lianxin-123"
LOGINS = [("/login/", "front end"), ("/admin/login/", "admin")]


@pytest.fixture
def account(make_user, reference):
    def make(role=roles.SECTOR_LEADER, **scope):
        user = make_user(role, **(scope or {"sector": reference["education"]}))
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


def attempt(client, url, username, password, address="10.0.0.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url, where", LOGINS)
def test_the_sixth_wrong_password_locks_the_account_even_for_the_right_one(client, account, url, where):
    user = account()
    for _ in range(5):
        response = attempt(client, url, user.username, "wrong-password")
        assert response.status_code == 200, "five mistakes are only told the password is wrong"
    locked = attempt(client, url, user.username, "wrong-password")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "暂时不能登录" in text and "连续 6 次密码错误" in text and "15 分钟后" in text

    right = attempt(Client(), url, user.username, PASSWORD, address="10.0.0.99")
    assert right.status_code == 429, "the account is locked, from any address"
    assert "_auth_user_id" not in client.session


def test_one_persons_typos_do_not_lock_out_colleagues_behind_the_same_address(client, account):
    careless, colleague = account(), account()
    for _ in range(6):
        attempt(client, "/login/", careless.username, "wrong-password")
    assert attempt(client, "/login/", careless.username, PASSWORD).status_code == 429
    assert attempt(Client(), "/login/", colleague.username, PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_locked(client, account, settings):
    settings.ADDRESS_FAILURE_LIMIT = 12
    users = [account() for _ in range(4)]
    for user in users:
        for _ in range(3):
            attempt(client, "/login/", user.username, "wrong-password")
    fresh = account()
    locked = attempt(client, "/login/", fresh.username, PASSWORD)
    assert locked.status_code == 429 and "网络地址已有 12 次密码错误" in locked.content.decode()
    assert attempt(Client(), "/login/", fresh.username, PASSWORD, address="10.0.0.8").status_code == 302


def test_a_good_login_clears_the_count(client, account):
    user = account()
    for _ in range(4):
        attempt(client, "/login/", user.username, "wrong-password")
    assert attempt(client, "/login/", user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        assert attempt(client, "/login/", user.username, "wrong-password").status_code == 200


@pytest.mark.parametrize(
    "role, scope, home",
    [
        (roles.SECTOR_LEADER, "sector", "/my/"),
        (roles.MEMBER, "member", "/my/"),
        (roles.UNIT_REPORTER, None, "/my/"),
        (roles.LIAISON_OFFICE, None, "/admin/"),
        (roles.EDITOR, None, "/admin/"),
        (roles.CONVENER, "station", "/my/"),  # works on a phone, though it may enter the admin
        (roles.STREET_LIAISON, "street_group", "/my/"),
    ],
)
def test_each_account_lands_where_its_work_is(client, make_user, reference, members, role, scope, home):
    scopes = {"sector": {"sector": reference["education"]}, "member": {"member": members["teacher"]}}
    if scope == "station":
        from .content_helpers import site_sections, station

        scopes["station"] = {"workstation": station(site_sections()[1], members["teacher"])}
    scopes["street_group"] = {"street_group": reference["jingshan"]}
    user = make_user(role, **scopes.get(scope, {}))
    user.set_password(PASSWORD)
    user.save()
    response = attempt(client, "/login/", user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == home
    assert attempt(Client(), "/login/?next=/forms/five-ones/", user.username, PASSWORD)["Location"] == (
        "/forms/five-ones/"
    ), "a ?next= address wins"


def test_a_front_end_account_opening_the_admin_is_taken_to_my_desk(client, account):
    user = account()
    response = attempt(client, "/admin/login/", user.username, PASSWORD)
    assert response.status_code == 302
    landing = client.get("/admin/", follow=True)
    assert landing.redirect_chain[-1][0] == "/my/"
    text = landing.content.decode()
    assert "你的待办事项、消息和表格都在“我的工作台”" in text and "您没有权限" not in text


def test_front_end_pages_say_who_is_logged_in_and_offer_logout(client, account):
    user = account()
    user.first_name = "王丽"
    user.save()
    attempt(client, "/login/", user.username, PASSWORD)
    page = client.get(reverse("my_home")).content.decode()
    assert "已登录：王丽" in page and 'action="/logout/"' in page
    client.post("/logout/")
    assert client.get(reverse("my_home"))["Location"].startswith("/login/?next=")


def test_anonymous_visitors_of_any_front_end_form_meet_the_same_login_page(client):
    for url in [
        "/forms/",
        "/forms/five-ones/",
        "/forms/five-ones/1/",
        "/forms/five-ones/1/pdf/",
        "/forms/workstation-application/",
        "/forms/workstation-application/1/",
        "/forms/activity-day-stats/",
        "/forms/activity-day-stats/1/1/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/login/?next={url}", url
