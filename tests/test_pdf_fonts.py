"""Every PDF embeds its CJK font packed to the glyphs it uses (forms_app/pdf_fonts.py): the file is
~170 KB smaller, and the pages look the same (each glyph keeps its outline and its place), the
text is still found and copied, the PDF is still tagged, and the font still embedded as a subset."""

import io
import subprocess

import pydyf
import pytest
from django.template.loader import render_to_string
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from weasyprint import HTML

from forms_app.five_ones.pdf import blank_filing_pdf
from forms_app.pdf_fonts import compact_cid_fonts
from lianxin_site.committee import committee_name

pytestmark = pytest.mark.django_db


def tool(name, pdf, tmp_path):
    """The output of poppler's `name` (pdffonts, pdftotext, pdfinfo) on `pdf`."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    command = [name, str(path), "-"] if name == "pdftotext" else [name, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pages_png(pdf, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(tmp_path / name)], check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob(f"{name}-*.png"))]


def assert_drawn_alike(packed, unpacked, tmp_path):
    """The same pages seen from arm's length (8 × 8 pixel blocks at 100 dpi): glyphs the reader
    could not find, or found under the wrong numbers, change whole blocks of ink. (Anti-aliasing
    may differ by a fraction of a pixel: poppler rasterises the two kinds of font program apart.)"""
    before, after = pages_png(unpacked, tmp_path, "unpacked"), pages_png(packed, tmp_path, "packed")
    assert len(before) == len(after)
    for one, other in zip(before, after, strict=True):
        assert one.size == other.size
        histogram = ImageChops.difference(one.reduce(8), other.reduce(8)).histogram()
        assert max(level for level, count in enumerate(histogram) if count) < 40


def test_a_form_pdf_embeds_its_cjk_font_packed_and_looks_the_same(tmp_path):
    pdf = blank_filing_pdf()
    html = render_to_string("forms_app/five_ones/pdf.html", {"committee_name": committee_name(), "blank": True})
    unpacked = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")

    assert len(pdf) < 100 * 1024 and len(pdf) < len(unpacked) / 2, (len(pdf), len(unpacked))
    fonts = tool("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert fonts and all("CID Type 0C " in line and " yes yes yes " in line for line in fonts), fonts
    assert "五个一" in tool("pdftotext", pdf, tmp_path).replace(" ", "")
    assert "Tagged:          yes" in tool("pdfinfo", pdf, tmp_path)
    assert_drawn_alike(pdf, unpacked, tmp_path)


def font_programs(pdf):
    """{object number: (Subtype, bytes)} of the font programs in a pydyf PDF."""
    return {
        obj.number: (obj.extra.get("Subtype"), b"".join(obj.stream))
        for obj in pdf.objects
        if isinstance(obj, pydyf.Stream)
        and (obj.extra.get("Subtype") in ("/OpenType", "/CIDFontType0C") or "Length1" in obj.extra)
    }


def test_each_glyph_keeps_its_outline_under_its_number_and_a_truetype_face_is_left_alone(tmp_path):
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>字体</title></head><body>'
        "<p style=\"font-family: 'DejaVu Sans'\">Lianxin 2026</p>"
        "<p style=\"font-family: 'Noto Serif CJK SC'\">委员活动日统计表（汇总）：已报 54 个，“动态”。</p></body></html>"
    )
    seen = {}

    def finisher(document, pdf):
        seen["before"] = font_programs(pdf)
        compact_cid_fonts(document, pdf)
        seen["after"] = font_programs(pdf)

    document = HTML(string=html).render()
    packed = document.write_pdf(pdf_variant="pdf/ua-1", finisher=finisher)
    unpacked = document.write_pdf(pdf_variant="pdf/ua-1")

    truetype = [number for number, (kind, _) in seen["before"].items() if kind is None]
    assert truetype and all(seen["after"][n] == seen["before"][n] for n in truetype)
    [cjk] = [number for number, (kind, _) in seen["before"].items() if kind == "/OpenType"]
    assert seen["after"][cjk][0] == "/CIDFontType0C"
    original = TTFont(io.BytesIO(seen["before"][cjk][1]))["CFF "].cff.topDictIndex[0].CharStrings
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(seen["after"][cjk][1]), None)
    glyphs = cff.topDictIndex[0].CharStrings
    drawn = [name for name in glyphs.keys() if name != ".notdef"]
    assert len(drawn) >= len(set("委员活动日统计表（汇总）：已报54个，“动态”。"))
    for name in drawn:  # cidNNNNN: the number the PDF's text draws it by
        glyphs[name].decompile()
        original[name].decompile()
        assert glyphs[name].program == original[name].program, name

    text = tool("pdftotext", packed, tmp_path)
    assert "Lianxin 2026" in text and "委员活动日统计表（汇总）" in text
    assert_drawn_alike(packed, unpacked, tmp_path)
