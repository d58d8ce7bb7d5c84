"""A street group's six posts (双组长、双副组长、双联络员): the one rule, 待完善 recomputed, the
联络员's account made a 街道小组联络员, and the admin page that edits the six posts at once."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from people import roles, street_groups
from people.models import Post, Profile, Side, StreetGroup, StreetGroupPosition
from people.street_groups import PositionError, Seat, position_errors, save_group, state_token
from stations import rules as station_rules

pytestmark = pytest.mark.django_db

NAMES = {
    ("leader", "cppcc"): "张三",
    ("leader", "street"): "李四",
    ("deputy", "cppcc"): "王五",
    ("deputy", "street"): "赵六",
    ("liaison", "cppcc"): "孙七",
    ("liaison", "street"): "周八",
}


def six(**changes):
    """The six seats filled, with `changes` {"leader_street": Seat-or-None}."""
    seats = {key: Seat(*key, name=name, title="单位") for key, name in NAMES.items()}
    for name, seat in changes.items():
        post, side = name.split("_")
        if seat is None:
            seats.pop((post, side))
        else:
            seats[(post, side)] = seat
    return list(seats.values())


def messages(errors):
    return [message for _key, message in errors]


@pytest.mark.parametrize(
    "post, message",
    [
        ("leader", "「组长」：双组长制需政协、街道各一名组长"),
        ("deputy", "「副组长」：双副组长制需政协、街道各一名副组长"),
        ("liaison", "「联络员」：双联络员制需政协、街道各一名联络员"),
    ],
)
@pytest.mark.parametrize("side", ["cppcc", "street"])
def test_a_post_filled_on_one_side_only_is_refused_for_each_post_and_side(reference, post, side, message):
    group = reference["donghuamen"]
    errors = position_errors(group, six(**{f"{post}_{side}": None}))
    assert messages(errors) == [message]
    with pytest.raises(PositionError) as refused:
        save_group(group.pk, six(**{f"{post}_{side}": None}))
    assert str(refused.value) == message
    assert not StreetGroupPosition.objects.filter(group=group).exists(), "nothing written"


def test_two_of_one_side_is_refused(reference):
    seats = six() + [Seat("leader", "cppcc", name="又一个组长")]
    assert messages(position_errors(reference["donghuamen"], seats)) == ["「组长」：双组长制需政协、街道各一名组长"]


def test_a_position_needs_a_name_and_the_name_follows_the_member(reference, members):
    group = reference["donghuamen"]
    seats = six(deputy_street=Seat("deputy", "street", title="街道办事处副主任"))
    assert messages(position_errors(group, seats)) == ["「街道副组长」：请填写姓名"]

    teacher = members["teacher"]
    save_group(group.pk, six(leader_cppcc=Seat("leader", "cppcc", name="随便写的", member=teacher)))
    leader = group.positions.get(post=Post.LEADER, side=Side.CPPCC)
    assert (leader.name, leader.member) == ("王丽", teacher)


def test_an_empty_pair_is_allowed_and_leaves_the_group_incomplete(reference):
    group = reference["donghuamen"]
    save_group(group.pk, six(deputy_cppcc=None, deputy_street=None))
    group.refresh_from_db()
    assert group.incomplete is True
    assert group.positions.count() == 4

    save_group(group.pk, six())
    group.refresh_from_db()
    assert group.incomplete is False


def test_unsplit_text_keeps_the_group_incomplete_until_cleared(reference):
    group = reference["donghuamen"]
    save_group(group.pk, six(), fields={"unsplit_text": "组长：张三、李四、王五"})
    group.refresh_from_db()
    assert group.incomplete is True
    save_group(group.pk, six(), fields={"unsplit_text": ""})
    group.refresh_from_db()
    assert group.incomplete is False


def test_a_liaison_account_becomes_the_groups_street_liaison_and_stops_when_taken_off(
    reference, make_user, roles_synced
):
    group = reference["donghuamen"]
    account = make_user()
    save_group(group.pk, six(liaison_street=Seat("liaison", "street", name="周八", user=account)))
    account = type(account).objects.get(pk=account.pk)
    assert Profile.objects.get(user=account).street_group == group
    assert account.groups.filter(name=roles.STREET_LIAISON).exists()
    assert station_rules.liaison_group(account) == group

    save_group(group.pk, six())  # the post kept, the account taken off
    account = type(account).objects.get(pk=account.pk)
    assert Profile.objects.get(user=account).street_group is None
    assert not account.groups.filter(name=roles.STREET_LIAISON).exists()


def test_an_account_is_liaison_of_one_group_only(reference, make_user, roles_synced):
    account = make_user()
    save_group(reference["donghuamen"].pk, six(liaison_cppcc=Seat("liaison", "cppcc", name="孙七", user=account)))
    with pytest.raises(PositionError) as refused:
        save_group(reference["jingshan"].pk, six(liaison_cppcc=Seat("liaison", "cppcc", name="孙七", user=account)))
    assert f"「政协联络员」：账号 {account.username} 已是东华门街道活动小组的联络员" in str(refused.value)
    assert Profile.objects.get(user=account).street_group == reference["donghuamen"]


def test_a_save_from_a_stale_page_is_refused(reference):
    group = reference["donghuamen"]
    seen = state_token(group)
    save_group(group.pk, six(), seen=seen)  # the first editor
    with pytest.raises(PositionError) as refused:
        save_group(group.pk, six(leader_cppcc=Seat("leader", "cppcc", name="另一人")), seen=seen)
    assert str(refused.value) == street_groups.STALE
    assert group.positions.get(post="leader", side="cppcc").name == "张三"


# --- the admin page -------------------------------------------------------------------------


def form_data(group, **overrides):
    data = {
        "token": state_token(group),
        "name": group.name,
        "street": group.street,
        "committee": group.committee_id or "",
        "sort_order": group.sort_order,
        "unsplit_text": group.unsplit_text,
    }
    for (post, side), name in NAMES.items():
        data.update({f"{post}-{side}-name": name, f"{post}-{side}-title": "", f"{post}-{side}-member": ""})
        data[f"{post}-{side}-user"] = ""
    data.update(overrides)
    return data


def edit_url(group):
    return reverse("people_streetgroup_modeladmin_edit", args=[group.pk])


@pytest.mark.parametrize("role", [roles.LIAISON_OFFICE, roles.SYSTEM_ADMIN])
def test_the_liaison_office_and_the_system_admin_edit_six_posts_and_the_committee_on_one_page(
    reference, make_user, login, roles_synced, role
):
    group = reference["donghuamen"]
    client = login(make_user(role))
    page = client.get(edit_url(group)).content.decode()
    for label in ("政协组长", "街道组长", "政协副组长", "街道副组长", "政协联络员", "街道联络员"):
        assert label in page
    liaison = make_user()
    response = client.post(
        edit_url(group),
        form_data(group, committee=reference["edu_committee"].pk, **{"liaison-street-user": liaison.pk}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    assert group.committee == reference["edu_committee"]
    assert {(p.post, p.side): p.name for p in group.positions.all()} == NAMES
    assert group.incomplete is False
    assert Profile.objects.get(user=liaison).street_group == group


def test_the_admin_shows_the_rule_and_keeps_what_was_typed(reference, make_user, login, roles_synced):
    group = reference["donghuamen"]
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.post(
        edit_url(group), form_data(group, **{"leader-street-name": "", "deputy-cppcc-name": "王老五"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "「组长」：双组长制需政协、街道各一名组长" in page
    assert 'value="王老五"' in page, "what was typed is kept"
    assert not group.positions.exists()


def test_two_editors_saving_one_group_one_wins_and_the_other_is_told(reference, make_user, login, roles_synced):
    group = reference["donghuamen"]
    first = login(make_user(roles.LIAISON_OFFICE))
    data = form_data(group)  # both loaded the page before either saved
    assert first.post(edit_url(group), data).status_code == 302
    second = login(make_user(roles.SYSTEM_ADMIN))
    response = second.post(edit_url(group), {**data, "leader-cppcc-name": "另一位"})
    assert response.status_code == 200
    assert street_groups.STALE in response.content.decode()
    assert group.positions.get(post="leader", side="cppcc").name == "张三"


def test_the_list_shows_incomplete_groups(reference, make_user, login, roles_synced):
    StreetGroup.objects.filter(pk=reference["jingshan"].pk).update(incomplete=True)
    client = login(make_user(roles.LIAISON_OFFICE))
    page = client.get(reverse("people_streetgroup_modeladmin_index") + "?incomplete__exact=1").content.decode()
    assert "景山街道活动小组" in page
    assert "东华门街道活动小组" not in page


def test_a_committee_office_cannot_edit_posts(reference, make_user, login, roles_synced):
    client = login(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    response = client.post(edit_url(reference["donghuamen"]), form_data(reference["donghuamen"]))
    assert response.status_code in (302, 403)
    assert not reference["donghuamen"].positions.exists()
    assert Group.objects.get(name=roles.COMMITTEE_OFFICE).permissions.filter(codename="change_streetgroup").count() == 0
