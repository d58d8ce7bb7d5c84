"""Paper 履职心语 brought in by the editors (issue 20, 2): typed in one at a time (录入纸质投稿) or
imported from a spreadsheet (导入纸质投稿: upload → every row previewed → 确认导入, all or nothing,
once). Both land in the pool as 纸质录入, submitted by the editor; each refusal names its field or
its spreadsheet line; no one but an editor gets in."""

import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forms_app.models import Reflection
from handbook import rules, sheets
from handbook.models import ReflectionCopy, ReflectionImport
from lianxin_site.dates import this_year
from lianxin_site.imports import ImportRefused
from people import roles

from .conftest import as_xlsx
from .factories import MemberFactory

pytestmark = pytest.mark.django_db
POOL = reverse("handbook_reflections_modeladmin_index")
ENTRY = reverse("handbook_paper")
IMPORT = reverse("handbook_paper_import")
POEM = "　　春风化雨，\n润物无声。\n履职为民，\n不负初心。"
YEAR = this_year()
HEADER = list(sheets.COLUMNS)


@pytest.fixture
def roster(reference):
    reference["economy"].sort_order = 1
    reference["economy"].save()
    reference["education"].sort_order = 2
    reference["education"].save()
    return {
        "wang": MemberFactory(code="M0001", name="王丽", sector=reference["education"]),
        "li": MemberFactory(code="M0002", name="李强", sector=reference["economy"], party=reference["minmeng"]),
        "zhao": MemberFactory(code="M0003", name="赵敏", sector=reference["economy"]),
    }


@pytest.fixture
def editor(make_user):
    return make_user(roles.EDITOR)


def png(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


# --- 录入纸质投稿


def type_in(client, member, **fields):
    typed = {"member": member.pk, "year": YEAR, "genre": "poem", "text": POEM.replace("\n", "\r\n"), **fields}
    return client.post(ENTRY, typed)


def test_an_editor_types_one_in_and_it_stands_in_the_pool_as_paper(client, editor, roster):
    client.force_login(editor)
    pool = client.get(POOL).content.decode()
    assert f'href="{ENTRY}"' in pool and "录入纸质投稿" in pool and f'href="{IMPORT}"' in pool

    form = client.get(ENTRY).content.decode()
    assert f'value="{YEAR}"' in form, "the year defaults to this one"
    assert form.index("李强（M0002）") < form.index("赵敏（M0003）") < form.index("王丽（M0001）"), (
        "经济界 (sort order 1) before 教育界 (2), then by name"
    )

    response = type_in(client, roster["wang"], image=SimpleUploadedFile("字.png", png()))
    assert response["Location"] == POOL
    entry = Reflection.objects.get()
    assert (entry.source, entry.submitted_by, entry.member, entry.year, entry.genre) == (
        "paper",
        editor,
        roster["wang"],
        YEAR,
        "poem",
    )
    assert entry.text == POEM, "line breaks kept as typed, the paragraph's indent too"
    assert entry.image.name.startswith("reflections/") and entry.mark == "pending"

    pool = client.get(POOL).content.decode()
    assert f"已录入履职心语 #{entry.pk}" in pool and "继续录入" in pool and f"{ENTRY}?year={YEAR}" in pool
    assert "纸质录入" in pool and "王丽" in pool
    page = client.get(reverse("handbook_reflections_modeladmin_inspect", args=[entry.pk])).content.decode()
    assert "春风化雨，<br>润物无声。" in page and "纸质录入" in page
    assert f"{editor.username} 于" in page and "录入" in page, "the entry page says who typed it in"


def test_save_and_type_in_the_next_comes_back_with_the_year(client, editor, roster):
    client.force_login(editor)
    response = type_in(client, roster["li"], year=YEAR - 1, genre="sentence", text="一句话。", again="1")
    assert response["Location"] == f"{ENTRY}?year={YEAR - 1}"
    page = client.get(response["Location"]).content.decode()
    assert f"已录入履职心语 #{Reflection.objects.get().pk}" in page and f'value="{YEAR - 1}"' in page


def test_the_same_paper_typed_in_twice_is_kept_once(client, editor, roster):
    client.force_login(editor)
    type_in(client, roster["wang"])
    page = type_in(client, roster["wang"]).content.decode()
    first = Reflection.objects.get()
    assert f"王丽{YEAR}年已有内容相同的纸质录入 #{first.pk}" in page
    Reflection.objects.filter(pk=first.pk).update(withdrawn_at=first.submitted_at)
    type_in(client, roster["wang"])
    assert Reflection.objects.current().count() == 1, "a withdrawn one does not stand in the way"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "  \r\n  "}, "「履职心语」：请填写内容"),
        ({"text": "字" * 3001}, "「履职心语」：不能超过 3000 字（现有 3001 字）"),
        ({"genre": ""}, "「体裁」：请选择体裁（一句话、诗词、故事、歌词或书法作品）"),
        ({"year": "1999"}, f"「年度」：应为 2000 至 {YEAR + 1} 之间的年份"),
        ({"year": "明年"}, "「年度」：请填写四位年份"),
        ({"member": ""}, "「委员」：请选择投稿的委员"),
        ({"image": SimpleUploadedFile("字.gif", b"GIF89a" + b"\0" * 50)}, "「图片」：只接受 JPG、PNG 图片"),
        ({"image": SimpleUploadedFile("大.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024))}, "不超过 10.0 MB"),
    ],
)
def test_bad_input_names_its_field_and_keeps_what_was_typed(client, editor, roster, fields, message):
    client.force_login(editor)
    typed = {"member": roster["li"].pk, "year": YEAR, "genre": "story", "text": "那天我去社区，听老人说了很多话。"}
    page = client.post(ENTRY, {**typed, **fields}).content.decode()
    assert message in page and "没有保存" in page
    if "text" not in fields:
        assert "那天我去社区，听老人说了很多话。" in page, "the text typed is still in the form"
    if "member" not in fields:
        assert f'value="{roster["li"].pk}" selected' in page, "the member chosen is still chosen"
    if "image" in fields:
        assert "图片需要重新选择" in page
    assert not Reflection.objects.exists()


# --- who gets in


def test_only_editors_type_in_or_import(client, make_user, roster):
    record = ReflectionImport.objects.create(
        file=ContentFile(as_xlsx([HEADER]), name="纸质.xlsx"), original_name="纸质.xlsx", status="previewed"
    )
    urls = [
        ENTRY,
        IMPORT,
        reverse("handbook_paper_import_template"),
        reverse("handbook_paper_import_preview", args=[record.pk]),
        reverse("handbook_paper_import_file", args=[record.pk]),
    ]
    client.force_login(make_user(roles.REVIEWER))  # reads the pool, marks and imports nothing
    assert "录入纸质投稿" not in client.get(POOL).content.decode()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403 and "只有编辑可以录入或导入纸质投稿" in response.content.decode(), url
    assert type_in(client, roster["wang"]).status_code == 403
    data = as_xlsx([HEADER, [1, YEAR, "M0001", "王丽", "诗词", "一首诗"]])
    assert client.post(IMPORT, {"file": ContentFile(data, name="纸质.xlsx")}).status_code == 403
    assert client.post(urls[3]).status_code == 403

    client.force_login(make_user(roles.MEMBER, member=roster["wang"]))  # not into the admin at all: sent home
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and not response["Location"].startswith("/admin/"), url
    assert type_in(client, roster["wang"]).status_code == 302
    with pytest.raises(rules.PermissionDenied):
        rules.save_paper(make_user(roles.REVIEWER), roster["wang"], year=YEAR, genre="poem", text="一首诗")
    assert not Reflection.objects.exists() and ReflectionImport.objects.get().status == "previewed"


# --- 导入纸质投稿


def upload(client, rows, name="纸质投稿.xlsx"):
    response = client.post(IMPORT, {"file": ContentFile(as_xlsx([HEADER, *rows]), name=name)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ReflectionImport.objects.latest("pk"), client.get(response["Location"]).content.decode()


GOOD = [
    [1, YEAR, "M0001", "王丽", "诗词", "春风化雨，\n润物无声。"],
    [2, f"{YEAR - 1}年", "M0002", "李 强", "故事", "那天我去社区，听老人说了很多话。"],
    [3, YEAR, "M0003", "赵敏", "一句话", "把群众的事当成自己的事。"],
    [4, YEAR, "M0001", "王丽", "诗词", "春风化雨，\n润物无声。"],  # the same paper, entered twice
]


def test_a_good_file_imports_once_and_the_same_file_again_adds_nothing(client, editor, roster):
    client.force_login(editor)
    record, page = upload(client, GOOD)
    assert record.status == "previewed" and record.uploaded_by == editor
    assert (record.report["created"], record.report["unchanged"], record.report["errors"]) == (3, 1, [])
    assert page.count('<td class="state">') == 4, "every row is shown"
    assert "已有（同第 2 行），跳过" in page and "确认导入</button>" in page
    assert not Reflection.objects.exists(), "the preview writes nothing"

    preview = reverse("handbook_paper_import_preview", args=[record.pk])
    page = client.post(preview, follow=True).content.decode()
    assert "纸质履职心语已导入：新增 3 条，1 条已有" in page
    entries = {e.member.code: e for e in Reflection.objects.select_related("member")}
    assert sorted(entries) == ["M0001", "M0002", "M0003"]
    assert {(e.year, e.genre, e.source, e.submitted_by) for e in entries.values()} == {
        (YEAR, "poem", "paper", editor),
        (YEAR - 1, "story", "paper", editor),
        (YEAR, "sentence", "paper", editor),
    }
    assert entries["M0001"].text == "春风化雨，\n润物无声。", "the cell's line break kept"
    assert f'已新增 <a href="{reverse("handbook_reflections_modeladmin_inspect", args=[entries["M0001"].pk])}"' in page
    pool = client.get(POOL, {"source__exact": "paper"}).content.decode()
    assert "那天我去社区" in pool and "纸质录入" in pool

    again, page = upload(client, GOOD)
    assert (again.report["created"], again.report["unchanged"]) == (0, 4)
    assert page.count("已有，跳过（<a href=") == 4, "each row names the entry already there"
    client.post(reverse("handbook_paper_import_preview", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == "imported" and Reflection.objects.count() == 3


def test_a_bad_file_names_every_problem_by_its_line_and_writes_nothing(client, editor, roster):
    client.force_login(editor)
    rows = [
        [1, YEAR, "M0999", "王丽", "诗词", "一首诗"],  # 2
        [2, YEAR, "M0001", "李强", "诗词", "一首诗"],  # 3
        [3, YEAR, "M0002", "李强", "散文", "一篇散文"],  # 4
        [4, YEAR, "M0003", "赵敏", "故事", ""],  # 5
        [5, YEAR, "M0003", "赵敏", "故事", "字" * 3001],  # 6
        [6, "去年", "M0002", "李强", "故事", "一个故事"],  # 7
        [7, 1999, "M0002", "李强", "", "一个故事"],  # 8
        [8, YEAR, "M0001", "王丽", "一句话", "这一行没有错，也不导入。"],  # 9
    ]
    record, page = upload(client, rows)
    expected = [
        "第 2 行「委员证号」：M0999 不在名册中",
        "第 3 行「姓名」：与委员证号不符",
        "第 4 行「体裁」：“散文”不是可选的体裁，应为一句话、诗词、故事、歌词或书法作品",
        "第 5 行「履职心语」：请填写内容",
        "第 6 行「履职心语」：不能超过 3000 字（现有 3001 字）",
        f"第 7 行「年度」：无法识别“去年”，应为 2000 至 {YEAR + 1} 之间的四位年份",
        f"第 8 行「年度」：应为 2000 至 {YEAR + 1} 之间的年份",
        "第 8 行「体裁」：请选择体裁（一句话、诗词、故事、歌词或书法作品）",
    ]
    assert record.report["errors"] == expected
    for message in expected:
        assert message in page, message
    assert record.status == "invalid" and "确认导入</button>" not in page
    assert "整个文件都没有导入" in page and page.count('class="row-error"') == 7
    assert "填写：李强；名册：王丽（M0001）" in page, "the preview shows what was typed beside the roster's name"
    assert record.report["created"] == 0 and "无误" in page, "the good row is shown, and not as 新增"
    client.post(reverse("handbook_paper_import_preview", args=[record.pk]))  # confirmed anyway
    record.refresh_from_db()
    assert record.status == "invalid" and not Reflection.objects.exists()


def test_a_formula_without_its_value_is_named_and_not_read_as_empty(client, editor, roster):
    client.force_login(editor)
    record, page = upload(client, [[1, YEAR, "M0001", "王丽", "诗词", '=CONCAT("春风","化雨")']])
    assert record.report["errors"] == [
        '第 2 行「履职心语」：这一格是公式=CONCAT("春风","化雨")，表格里没有它的计算结果，请改为直接填写内容后再上传。'
    ]
    assert not Reflection.objects.exists()


@pytest.fixture
def no_reader(monkeypatch):
    """The spreadsheet reader fails the test if it is ever asked to parse."""
    import lianxin_site.imports

    def never(*args, **kwargs):
        raise AssertionError("the reader must not parse a refused file")

    monkeypatch.setattr(lianxin_site.imports.CalamineWorkbook, "from_filelike", never)


def test_a_file_too_big_or_not_a_sheet_is_refused_before_anything_parses_it(client, editor, settings, no_reader):
    client.force_login(editor)
    data = as_xlsx([HEADER, *([[1, YEAR, "M0001", "王丽", "故事", "很长的故事。" * 200]] * 40)])
    settings.HANDBOOK_UPLOAD_MAX_BYTES = 1024
    page = client.post(IMPORT, {"file": ContentFile(data, name="大.xlsx")}).content.decode()
    assert "「纸质履职心语表」：文件太大" in page
    settings.HANDBOOK_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    settings.UPLOAD_MAX_UNPACKED_BYTES = 4096  # the archive's members, unpacked
    assert "解压后有" in client.post(IMPORT, {"file": ContentFile(data, name="大.xlsx")}).content.decode()
    page = client.post(IMPORT, {"file": ContentFile(b"a,b", name="纸质.csv")}).content.decode()
    assert "只接受 Excel（.xlsx）文件" in page
    assert not ReflectionImport.objects.exists()


def test_another_table_or_a_missing_column_is_refused_on_the_upload_form(client, editor):
    client.force_login(editor)
    wrong = as_xlsx([["单位", "电话"], ["区第一中学", "13800138000"]])
    assert "无法识别的表格" in client.post(IMPORT, {"file": ContentFile(wrong, name="a.xlsx")}).content.decode()
    missing = as_xlsx([HEADER[:-1], [1, YEAR, "M0001", "王丽", "诗词"]])
    page = client.post(IMPORT, {"file": ContentFile(missing, name="a.xlsx")}).content.decode()
    assert "缺少列：履职心语" in page and not ReflectionImport.objects.exists()


def test_two_confirms_of_one_upload_import_once_and_the_other_is_told(client, editor, make_user, roster):
    client.force_login(editor)
    record, _page = upload(client, GOOD[:2])
    url = reverse("handbook_paper_import_preview", args=[record.pk])

    colleague = make_user(roles.EDITOR)  # reads the preview; only the uploader confirms
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 403 and "只有上传这份纸质履职心语表的人可以确认导入" in response.content.decode()

    client.force_login(editor)
    ReflectionImport.objects.filter(pk=record.pk).update(status="importing")  # a first click is running
    client.post(url)
    assert [str(m) for m in client.get(url).context["messages"]] == [
        "这份纸质履职心语表正在导入，请稍候刷新本页查看结果；不必再次确认。"
    ]
    assert not Reflection.objects.exists()
    ReflectionImport.objects.filter(pk=record.pk).update(status="previewed")
    client.post(url)
    client.post(url)
    assert "这份纸质履职心语表已经导入过了，没有重复导入。" in [str(m) for m in client.get(url).context["messages"]]
    with pytest.raises(ImportRefused, match="已经导入过了"):
        sheets.confirm_import(record.pk, editor)
    assert Reflection.objects.count() == 2


def test_an_entry_typed_in_after_the_preview_is_skipped_at_the_import(client, editor, roster):
    client.force_login(editor)
    record, _page = upload(client, GOOD[:1])
    typed = rules.save_paper(editor, roster["wang"], year=YEAR, genre="poem", text="春风化雨，\n润物无声。")
    page = client.post(reverse("handbook_paper_import_preview", args=[record.pk]), follow=True).content.decode()
    assert "新增 0 条，1 条已有" in page and f"#{typed.pk}" in page
    assert Reflection.objects.count() == 1


def test_imported_entries_are_compared_for_copies(client, editor, roster, django_capture_on_commit_callbacks):
    text = "春风化雨润物无声，履职为民不负初心。走进社区倾听民声，把群众的事当成自己的事。"
    original = Reflection.objects.create(member=roster["li"], year=YEAR, text=text, source="member")
    client.force_login(editor)
    record, _page = upload(client, [[1, YEAR, "M0001", "王丽", "故事", text + "！"]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("handbook_paper_import_preview", args=[record.pk]))
    copy = ReflectionCopy.objects.get(original=original)
    assert copy.reflection.source == "paper" and Reflection.objects.filter(copies_checked=False).count() == 0


def test_the_blank_template_reads_back_as_the_import_expects(client, editor):
    client.force_login(editor)
    assert "须与委员证号相符" in client.get(IMPORT).content.decode(), "how to fill each column"
    response = client.get(reverse("handbook_paper_import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADER
    assert workbook.sheetnames == ["纸质履职心语", "填写说明"]
    response = client.post(IMPORT, {"file": ContentFile(response.content, name="空白.xlsx")})
    record = ReflectionImport.objects.get()
    assert (record.report["total"], record.report["created"], record.report["errors"]) == (0, 0, [])


# --- two at once, in threads with their own connections, as two server workers would


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirms_at_once_import_once_and_the_other_is_told(make_user, roster):
    from .test_concurrency import at_once, client_of, messages_of

    editor = make_user(roles.EDITOR)
    record, _page = upload(client_of(editor), GOOD[:2])
    url = reverse("handbook_paper_import_preview", args=[record.pk])
    tabs = [client_of(editor), client_of(editor)]

    responses = at_once(lambda: tabs[0].post(url), lambda: tabs[1].post(url))

    assert [r.status_code for r in responses] == [302, 302], "no error page for either"
    told = [messages_of(tab, url) for tab in tabs]
    done = [words for words in told if "纸质履职心语已导入：新增 2 条" in words]
    refused = [
        words for words in told if "这份纸质履职心语表已经导入过了" in words or "这份纸质履职心语表正在导入" in words
    ]
    assert len(done) == 1 and len(refused) == 1, told
    assert Reflection.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_typing_in_the_same_paper_at_once_keep_one(make_user, roster):
    from .test_concurrency import at_once, client_of

    editors = [client_of(make_user(roles.EDITOR)), client_of(make_user(roles.EDITOR))]

    responses = at_once(*(lambda client=client: type_in(client, roster["zhao"]) for client in editors))

    assert sorted(r.status_code for r in responses) == [200, 302], "one saves, the other sees the form again"
    loser = next(r for r in responses if r.status_code == 200).content.decode()
    assert "赵敏" in loser and "已有内容相同的纸质录入" in loser
    assert Reflection.objects.count() == 1


def test_save_papers_writes_all_or_nothing_and_skips_what_stands(editor, roster):
    typed = rules.save_paper(editor, roster["li"], year=YEAR, genre="story", text="一个故事")
    with pytest.raises(rules.PaperError) as refused:
        rules.save_papers(editor, [(roster["wang"], YEAR, "poem", "一首诗"), (roster["zhao"], YEAR, "prose", "散文")])
    assert refused.value.index == 1 and "「体裁」：应为一句话、诗词、故事、歌词或书法作品" in str(refused.value)
    assert list(Reflection.objects.all()) == [typed], "the good paper before it was not kept either"

    results = rules.save_papers(
        editor,
        [(roster["wang"], YEAR, "poem", "一首诗\r\n第二句"), (roster["li"], YEAR, "story", "\n一个故事\n")],
    )
    created = Reflection.objects.get(member=roster["wang"])
    assert results == [(True, created.pk), (False, typed.pk)]
    assert (created.text, created.source, created.submitted_by) == ("一首诗\n第二句", "paper", editor)
