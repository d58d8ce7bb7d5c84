"""A member writes their own 履职心语 at /my/reflections/ (issue 20, 2): line breaks kept, each
refusal names its field and keeps what was typed, changes allowed until an editor marks the
entry, withdrawing at any time, the picture handed only to its author."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forms_app.models import Reflection
from people import roles

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
URL = reverse("my_reflections")
POEM = "春风化雨，\n润物无声。\n履职为民，\n不负初心。"


def png(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def author(make_user, reference):
    member = MemberFactory(sector=reference["education"], name="王丽")
    return make_user(roles.MEMBER, member=member)


def write(client, **fields):
    return client.post(URL, {"genre": "poem", "text": POEM, **fields}, follow=True)


def test_a_member_writes_a_poem_and_its_lines_stay(client, author):
    client.force_login(author)
    page = client.get(URL).content.decode()
    assert "写一条履职心语" in page and "书法作品" in page and "还没有提交过" in page

    page = write(client).content.decode()
    entry = Reflection.objects.get()
    assert (entry.text, entry.genre, entry.source, entry.mark) == (POEM, "poem", "member", "pending")
    assert entry.member == author.profile.member and entry.submitted_by == author and entry.filing is None
    assert "已提交" in page and "春风化雨，<br>润物无声。" in page and "待选" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "「履职心语」：请填写内容"),
        ({"text": "字" * 3001}, "「履职心语」：不能超过 3000 字（现有 3001 字）"),
        ({"genre": ""}, "「体裁」：请选择一种体裁"),
        ({"image": SimpleUploadedFile("字.gif", b"GIF89a" + b"\0" * 50)}, "不是 JPG 或 PNG 图片"),
        ({"image": SimpleUploadedFile("字.png", b"<html>not a picture</html>")}, "不是 JPG 或 PNG 图片"),
        ({"image": SimpleUploadedFile("大.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024))}, "不超过 10.0 MB"),
    ],
)
def test_bad_input_names_its_field_and_keeps_the_text(client, author, fields, message):
    client.force_login(author)
    typed = {"genre": "poem", "text": "把群众的事当成自己的事。", **fields}
    page = client.post(URL, typed).content.decode()
    assert message in page and "没有保存" in page
    if fields.get("text") is None:
        assert "把群众的事当成自己的事。" in page, "what was typed is still in the form"
    assert not Reflection.objects.exists()


def test_a_picture_is_kept_privately_and_shown_only_to_its_author(client, author, make_user, reference):
    client.force_login(author)
    write(client, genre="calligraphy", text="一副字：为民履职", image=SimpleUploadedFile("字.png", png()))
    entry = Reflection.objects.get()
    assert entry.image.name.startswith("reflections/")
    image_url = reverse("reflection_image", args=[entry.pk])
    assert image_url in client.get(URL).content.decode()
    response = client.get(image_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")

    other = make_user(roles.MEMBER, member=MemberFactory(sector=reference["education"]))
    client.force_login(other)
    assert client.get(image_url).status_code == 404
    client.logout()
    assert client.get(image_url).status_code == 302, "to the login page"


def test_an_entry_changes_until_an_editor_marks_it_and_can_always_be_withdrawn(client, author):
    client.force_login(author)
    write(client)
    entry = Reflection.objects.get()
    edit = reverse("reflection_edit", args=[entry.pk])
    assert POEM in client.get(edit).content.decode()
    client.post(edit, {"genre": "poem", "text": "改过的诗。"})
    entry.refresh_from_db()
    assert entry.text == "改过的诗。"

    Reflection.objects.filter(pk=entry.pk).update(mark=Reflection.Mark.CHOSEN)
    page = client.get(edit, follow=True).content.decode()
    assert "已由编辑遴选（入选），不能再修改" in page
    page = client.post(edit, {"genre": "poem", "text": "又改一次"}, follow=True).content.decode()
    assert "不能再修改" in page and Reflection.objects.get().text == "改过的诗。"

    # Withdrawn after it was chosen: kept as 撤回 for the editors, gone from the member's list.
    withdraw = reverse("reflection_withdraw", args=[entry.pk])
    assert "撤回后不会刊入《委员履职手册》" in client.get(withdraw).content.decode()
    page = client.post(withdraw, follow=True).content.decode()
    assert "已撤回" in page and "改过的诗" not in page
    assert Reflection.objects.get().withdrawn_at is not None
    page = client.post(withdraw, follow=True).content.decode()
    assert "已经撤回或不存在" in page, "a second click (another tab) gets a message, not an error"


def test_an_unmarked_entry_withdrawn_is_gone(client, author):
    client.force_login(author)
    write(client)
    entry = Reflection.objects.get()
    client.post(reverse("reflection_withdraw", args=[entry.pk]))
    assert not Reflection.objects.exists()


def test_no_one_else_sees_or_changes_a_members_entries(client, author, make_user, reference):
    client.force_login(author)
    write(client)
    entry = Reflection.objects.get()
    other = make_user(roles.MEMBER, member=MemberFactory(sector=reference["education"]))
    client.force_login(other)
    assert "春风化雨" not in client.get(URL).content.decode()
    assert client.get(reverse("reflection_edit", args=[entry.pk])).status_code == 404
    assert client.get(reverse("reflection_withdraw", args=[entry.pk])).status_code == 404
    client.post(reverse("reflection_edit", args=[entry.pk]), {"genre": "poem", "text": "冒名"})
    client.post(reverse("reflection_withdraw", args=[entry.pk]))
    assert Reflection.objects.get().text == POEM and Reflection.objects.get().withdrawn_at is None

    office = make_user(roles.EDITOR)
    client.force_login(office)
    page = client.get(URL)
    assert page.status_code == 403 and "只有委员本人可以投稿履职心语" in page.content.decode()


def test_the_workbench_links_a_member_to_their_reflections(client, author):
    client.force_login(author)
    assert reverse("my_reflections") in client.get(reverse("my_home")).content.decode()


def test_an_entry_placed_in_a_handbook_stays_put_when_marked_back_and_withdrawn(client, author):
    """An editor places an entry, then sets its mark back to 待选: the author still cannot rewrite
    what the 编排 holds, and withdrawing keeps it as 撤回 instead of deleting it from under the
    handbook (which had been a 500)."""
    from handbook.models import Handbook, HandbookItem, HandbookSection

    client.force_login(author)
    write(client)
    entry = Reflection.objects.get()
    handbook = Handbook.objects.create(year=entry.year, issue=1)
    section = HandbookSection.objects.create(handbook=handbook, title="教育界")
    HandbookItem.objects.create(handbook=handbook, section=section, reflection=entry)

    page = client.get(URL).content.decode()
    assert "已编入《委员履职手册》，不能再修改" in page
    assert client.get(reverse("reflection_edit", args=[entry.pk]), follow=True).status_code == 200
    client.post(reverse("reflection_edit", args=[entry.pk]), {"genre": "poem", "text": "改过的"}, follow=True)
    entry.refresh_from_db()
    assert entry.text == POEM

    confirm = client.get(reverse("reflection_withdraw", args=[entry.pk])).content.decode()
    assert "将被删除" not in confirm
    response = client.post(reverse("reflection_withdraw", args=[entry.pk]), follow=True)
    assert "已撤回" in response.content.decode()
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None, "kept as 撤回, still in its section for the editors to see"


def test_withdrawing_a_printed_entry_says_the_printed_book_keeps_it(client, author):
    from handbook.models import Handbook, HandbookItem, HandbookSection

    client.force_login(author)
    write(client)
    entry = Reflection.objects.get()
    entry.mark = Reflection.Mark.CHOSEN
    entry.save()
    handbook = Handbook.objects.create(year=2026, issue=1, status=Handbook.Status.PUBLISHED)
    section = HandbookSection.objects.create(handbook=handbook, title="教育界")
    HandbookItem.objects.create(handbook=handbook, section=section, reflection=entry)

    assert "已刊入《委员履职手册》2026年第1期，不能再修改" in client.get(URL).content.decode()
    confirm = client.get(reverse("reflection_withdraw", args=[entry.pk])).content.decode()
    assert "已刊入《委员履职手册》2026年第1期，已印发的不能收回" in confirm
    assert "撤回后不会刊入" not in confirm
