"""The 《委员履职手册》 PDF as the printer and the reader get it (handbook/pdf.py), read back with
poppler: the 目录's numbers lead to the sections' headings, every page past the cover carries its
running header and its own number (blank pages nothing), the font is embedded as a subset, a
poem keeps its lines, user text is printed as typed, photos are print renditions.

The fixture handbook (handbook/demo.py, 20+ pages) is built and rendered once for the module, in a
transaction rolled back afterwards."""

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.db import transaction

from forms_app.models import Reflection
from handbook.contents import contents_of
from handbook.demo import build_demo_handbook
from handbook.models import Handbook, HandbookItem, HandbookSection
from handbook.pdf import PRINT_RENDITION, handbook_context, make_print_renditions, render_handbook
from lianxin_site.committee import committee_name

# Every test is a database test, so that pytest-django runs the module with them, before any
# transactional test has flushed the rows migrations made (the root collection, the home page).
pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).parent / "artifacts"
POEM = "夜读提案到三更，\n窗外细雨落无声。\n\n明朝再把民情问，\n一纸建言寄深情。"
TRICKY = "<script>alert(1)</script> 老街 & 新巷 <b>粗</b>"


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_text(path, number, *options):
    return run("pdftotext", *options, "-f", str(number), "-l", str(number), str(path), "-")


def add_entry(handbook, section, text, genre, order=0):
    from people.models import Member

    reflection = Reflection.objects.create(
        member=Member.objects.order_by("code").first(),
        year=handbook.year,
        source=Reflection.Source.PAPER,
        genre=genre,
        text=text,
        mark=Reflection.Mark.CHOSEN,
    )
    HandbookItem.objects.create(handbook=handbook, section=section, reflection=reflection, order=order)
    return reflection


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The fixture handbook's PDF on disk, its pages' text, and what it was built from."""
    folder = tmp_path_factory.mktemp("handbook")
    with django_db_blocker.unblock(), transaction.atomic():
        handbook = build_demo_handbook(sections=6, reflections=60, highlights=3, photo_size=(1600, 1200))
        first = handbook.sections.order_by("order").first()
        poem = add_entry(handbook, first, POEM, Reflection.Genre.POEM, order=99)
        add_entry(handbook, first, TRICKY, Reflection.Genre.SENTENCE, order=100)
        handbook.title = "委员履职手册"
        handbook.save()
        contents = contents_of(handbook)
        pdf = render_handbook(handbook)
        context = handbook_context(handbook)
        info = {
            "title": handbook.title,
            "running_title": f"《{handbook.title}》{handbook.year}年第{handbook.issue}期",
            "issue": f"{handbook.year}年第{handbook.issue}期",
            "sections": [section.title for section in contents.sections],
            "poem": poem.pk,
            "bylines": [entry.byline for section in contents.sections for entry in section.entries],
            "pictures": [context["cover"]] + [item["photo"] for item in context["highlights"]],
        }
        transaction.set_rollback(True)
    path = folder / "handbook.pdf"
    path.write_bytes(pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))
    texts = {n: page_text(path, n) for n in range(1, pages + 1)}
    return {**info, "path": path, "pages": pages, "texts": texts}


def lines_of(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def contents_pages(printed):
    return [n for n, text in printed["texts"].items() if "目录" in lines_of(text)[:2]]


def toc_numbers(printed):
    """{title: page} as the 目录 prints it: each entry's title, dot leaders, its page number."""
    numbers = {}
    for n in contents_pages(printed):
        for line in lines_of(printed["texts"][n]):
            found = re.fullmatch(r"(.+?)\s*\.{3,}\s*(\d+)", line)
            if found:
                numbers[found.group(1).strip()] = int(found.group(2))
    return numbers


def test_the_handbook_is_an_a5_booklet_of_twenty_pages_or_more(printed):
    info = run("pdfinfo", str(printed["path"]))
    assert printed["pages"] >= 20
    assert "419.528 x 595.276 pts" in info  # A5: 148 × 210 mm
    assert "《委员履职手册》2026年第1期" in info  # the document's title


def test_every_contents_entry_leads_to_the_page_holding_that_section_heading(printed):
    numbers = toc_numbers(printed)
    assert list(numbers) == [*printed["sections"], "委员风采"]
    toc_end = max(contents_pages(printed))
    for title, page in numbers.items():
        assert title in lines_of(page_text(printed["path"], page))[:2], (title, page)
        # …and it is the section's first page: no page between the 目录 and it names the section.
        assert not any(title in printed["texts"][n] for n in range(toc_end + 1, page)), (title, page)
        assert page % 2 == 1, f"{title} starts on page {page}, a left-hand page"


def test_each_page_carries_its_running_header_and_number_and_the_cover_and_blank_pages_none(printed):
    texts, numbers = printed["texts"], toc_numbers(printed)
    starts = {n: "前言" for n, t in texts.items() if lines_of(t)[:1] == ["前言"]}
    starts |= {n: "目录" for n in contents_pages(printed)[:1]}
    starts |= {page: title for title, page in numbers.items()}
    cover = lines_of(texts[1])
    assert cover[:3] == ["委员履职手册", "履职心语选编", printed["issue"]] and committee_name() in cover
    assert printed["running_title"] not in texts[1] and "1" not in cover
    blank = [n for n, text in texts.items() if not text.strip()]
    assert blank, "the fixture should leave a page blank before a section"
    for n in blank:
        assert n % 2 == 0 and n + 1 in starts, f"page {n} is blank but no section starts after it"
    section = None
    for n in range(2, printed["pages"] + 1):
        section = starts.get(n, section)
        if n in blank:
            continue
        lines = lines_of(texts[n])
        header = printed["running_title"] if n % 2 == 0 else section
        assert lines[0] == header, (n, lines[:2])
        assert lines[-1] == str(n), (n, lines[-2:])


def test_fonts_are_embedded_as_subsets(printed):
    fonts = run("pdffonts", str(printed["path"])).splitlines()[2:]
    assert fonts
    for line in fonts:
        assert " yes yes yes " in line, line  # emb, sub, uni
        assert "Noto-Serif-CJK-SC" in line


def test_a_poem_keeps_its_lines_in_order(printed):
    layout = [
        line.strip()
        for n in range(1, printed["pages"] + 1)
        for line in page_text(printed["path"], n, "-layout").splitlines()
    ]
    verse = [line for line in POEM.splitlines() if line]
    where = [layout.index(line) for line in verse]  # each line of the poem is a line of the page…
    assert where == sorted(where) and where[-1] - where[0] <= len(verse) + 2  # …in order, together


def test_user_text_is_printed_as_typed_and_each_entry_signed(printed):
    text = "".join(printed["texts"].values())
    assert "<script>alert(1)</script> 老街 & 新巷 <b>粗</b>" in text
    for byline in set(printed["bylines"]):
        assert f"—— {byline}" in text


def test_highlight_photos_are_print_renditions(printed):
    images = run("pdfimages", "-list", str(printed["path"])).splitlines()[2:]
    sizes = [tuple(int(v) for v in line.split()[3:5]) for line in images]
    kinds = {line.split()[8] for line in images}
    assert len(sizes) == 4  # the cover and three 委员风采 photos
    assert all(max(size) == 1200 for size in sizes), sizes  # 1600 × 1200 originals, 1200 px at most
    assert kinds == {"jpeg"}
    start = toc_numbers(printed)["委员风采"]
    pages_with_photos = {int(line.split()[0]) for line in images} - {1}
    assert min(pages_with_photos) == start and max(pages_with_photos) <= start + 2


def test_photos_are_read_from_local_files_never_over_the_network(printed):
    assert len(printed["pictures"]) == 4
    for uri in printed["pictures"]:
        assert uri.startswith("file:///"), uri
        assert Path(unquote(uri.removeprefix("file://"))).is_file()


def test_pictures_of_the_cover_and_the_contents_for_a_look(printed):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, page in (("handbook-cover", 1), ("handbook-contents", contents_pages(printed)[0])):
        run(
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(printed["path"]),
            str(ARTIFACTS / name),
        )
        assert (ARTIFACTS / f"{name}.png").stat().st_size < 200_000


def test_a_bare_handbook_has_no_preface_page_and_no_stray_punctuation(tmp_path, members):
    handbook = Handbook.objects.create(year=2026, issue=2, preface="")
    section = HandbookSection.objects.create(handbook=handbook, title="教育界", order=0)
    add_entry(handbook, section, "深入基层听民声。", Reflection.Genre.SENTENCE)
    path = tmp_path / "bare.pdf"
    path.write_bytes(render_handbook(handbook))
    texts = [page_text(path, n) for n in range(1, 6)]
    assert lines_of(texts[0]) == ["委员履职手册", "2026年第2期", committee_name()]  # no empty subtitle, no picture
    assert not texts[1].strip() and lines_of(texts[2])[:2] == ["目录", "目录"]  # the 目录 comes straight after
    assert "前言" not in "".join(texts)


def test_print_renditions_can_be_made_before_the_first_pdf(members):
    from handbook.demo import demo_image

    cover = demo_image("封面", (1600, 1200), seed=1)
    handbook = Handbook.objects.create(year=2026, cover_image=cover)
    assert not cover.renditions.filter(filter_spec=PRINT_RENDITION).exists()
    assert make_print_renditions.call(handbook.pk) == 1
    rendition = cover.renditions.get(filter_spec=PRINT_RENDITION)
    assert (rendition.width, rendition.height) == (1200, 900)
