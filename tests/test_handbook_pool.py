"""The editors' pool of 履职心语 (issue 20, 3): filtered and searched, marked one or many at once,
withdrawn entries left alone with a message, possible copies (切忌抄袭) flagged beside the other,
and no one but the editors (and reviewers, reading) sees it."""

import pytest
from django.urls import reverse

from forms_app.models import Reflection
from handbook.copies import check_copies, copies_among
from handbook.models import ReflectionCopy
from people import roles

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
INDEX = reverse("handbook_reflections_modeladmin_index")
POEM = "春风化雨润物无声，履职为民不负初心。走进社区倾听民声，把群众的事当成自己的事。"
LIFTED = "春风化雨润物无声，履职为民不负初心。走进社区倾听民声，把群众的事当成自己的事！"


@pytest.fixture
def pool(reference):
    teacher = MemberFactory(name="王丽", sector=reference["education"])
    doctor = MemberFactory(name="李明", sector=reference["education"], party=reference["minmeng"])

    def entry(member, text, year=2026, **fields):
        return Reflection.objects.create(member=member, text=text, year=year, source="member", **fields)

    return {
        "poem": entry(teacher, POEM, genre="poem"),
        "lifted": entry(doctor, LIFTED, genre="poem"),
        "story": entry(doctor, "那天我去社区，老人拉着我的手说了很多话。", genre="story"),
        "old": entry(teacher, "去年写的一句话，履职为民。", year=2025, genre="sentence"),
    }


def test_a_copy_is_flagged_by_its_own_share_and_a_short_phrase_never():
    long_text = POEM + "我们还要继续努力，做好调查研究，提出高质量的提案。"
    found = {(a, b) for a, b, _share in copies_among({1: POEM}, {1: POEM, 2: long_text, 3: "为民履职"})}
    assert (1, 2) in found, "the poem lifted whole out of a longer text"
    assert (2, 1) not in found, "the longer text is not a copy of the poem"
    assert not {pair for pair in found if 3 in pair}, "four characters prove nothing"
    assert copies_among({1: "春风化雨润物无声"}, {1: "春风化雨润物无声", 2: "秋高气爽硕果累累"}) == []
    short = {1: "第1条履职心语", 2: "第2条履职心语", 3: "不忘初心，牢记使命。", 4: "不忘初心，牢记使命！"}
    assert {(a, b) for a, b, _share in copies_among(short, short)} == {(3, 4), (4, 3)}, (
        "a short sentence is a copy only when all of it is in the other"
    )


def test_the_pool_list_flags_copies_and_filters(client, make_user, pool):
    client.force_login(make_user(roles.EDITOR))
    page = client.get(INDEX).content.decode()
    assert f"与 #{pool['poem'].pk}（王丽）相同" in page and f"与 #{pool['lifted'].pk}（李明）相同" in page
    assert Reflection.objects.filter(copies_checked=False).count() == 0
    assert "#" + str(pool["story"].pk) in page and "未注明" not in page

    page = client.get(INDEX, {"year": 2025}).content.decode()
    assert "去年写的一句话" in page and "老人拉着我的手" not in page
    page = client.get(INDEX, {"genre__exact": "story"}).content.decode()
    assert "老人拉着我的手" in page and "去年写的一句话" not in page
    page = client.get(INDEX, {"q": "老人"}).content.decode()
    assert "老人拉着我的手" in page and "去年写的一句话" not in page
    page = client.get(INDEX, {"member__party__id__exact": pool["lifted"].member.party_id}).content.decode()
    assert "老人拉着我的手" in page and "去年写的一句话" not in page


def test_the_entry_page_shows_the_copy_beside_it(client, make_user, pool):
    check_copies()
    client.force_login(make_user(roles.EDITOR))
    url = reverse("handbook_reflections_modeladmin_inspect", args=[pool["lifted"].pk])
    page = client.get(url).content.decode()
    assert "疑似抄袭：与" in page and f"#{pool['poem'].pk}</a> 相同 100%" in page, "only the punctuation differs"
    assert page.count("春风化雨润物无声") == 2, "both texts, side by side"
    assert "另有" not in page, "the one copy shown beside it is not named again below"


def test_an_editor_marks_three_at_once_and_a_withdrawn_one_is_left_with_a_message(client, make_user, pool):
    pool["old"].withdrawn_at = pool["old"].submitted_at
    pool["old"].mark = "chosen"
    pool["old"].save()
    editor = make_user(roles.EDITOR)
    client.force_login(editor)
    pks = [pool["poem"].pk, pool["story"].pk, pool["lifted"].pk, pool["old"].pk]
    back = INDEX + "?year=2026"
    page = client.post(
        reverse("handbook_mark"), {"pk": pks, "mark": "chosen", "note": "文字质朴", "next": back}, follow=True
    )
    assert page.redirect_chain[-1][0] == back, "back to the list as filtered"
    text = page.content.decode()
    assert "已将 3 条履职心语标为「入选」" in text and f"履职心语 #{pool['old'].pk} 已被作者撤回，没有修改" in text
    chosen = Reflection.objects.filter(mark="chosen", withdrawn_at__isnull=True)
    assert set(chosen.values_list("pk", flat=True)) == set(pks[:3])
    assert set(chosen.values_list("mark_note", "marked_by")) == {("文字质朴", editor.pk)}

    text = client.post(reverse("handbook_mark"), {"mark": "chosen", "next": back}, follow=True).content.decode()
    assert "请先勾选要遴选的履职心语" in text
    text = client.post(reverse("handbook_mark"), {"pk": pks[:1], "mark": "maybe"}, follow=True).content.decode()
    assert "请选择遴选结果" in text
    long_note = {"pk": pks[:1], "mark": "reserve", "note": "长" * 201}
    assert (
        "「遴选意见」：不能超过 200 字"
        in client.post(reverse("handbook_mark"), long_note, follow=True).content.decode()
    )
    assert Reflection.objects.get(pk=pks[0]).mark == "chosen", "nothing changed by a refused mark"


def test_only_editors_mark_and_only_editors_and_reviewers_see_the_pool(client, make_user, pool):
    reviewer = make_user(roles.REVIEWER)
    client.force_login(reviewer)
    page = client.get(INDEX).content.decode()
    assert "老人拉着我的手" in page and 'id="mark-form"' not in page
    text = client.post(reverse("handbook_mark"), {"pk": [pool["story"].pk], "mark": "rejected"}, follow=True)
    assert "只有编辑可以遴选履职心语" in text.content.decode()
    assert Reflection.objects.get(pk=pool["story"].pk).mark == "pending"

    for role in (roles.COMMITTEE_OFFICE, roles.LIAISON_OFFICE):
        client.force_login(make_user(role))
        assert "老人拉着我的手" not in client.get(INDEX, follow=True).content.decode()
        inspect = reverse("handbook_reflections_modeladmin_inspect", args=[pool["story"].pk])
        assert "老人拉着我的手" not in client.get(inspect, follow=True).content.decode()
        client.post(reverse("handbook_mark"), {"pk": [pool["story"].pk], "mark": "rejected"})
        assert Reflection.objects.get(pk=pool["story"].pk).mark == "pending"
    assert not ReflectionCopy.objects.filter(reflection=pool["story"]).exists()
