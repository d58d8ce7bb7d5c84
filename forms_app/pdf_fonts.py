"""The CJK font embedded in each PDF, packed to the glyphs the PDF uses.

WeasyPrint subsets a font but keeps every glyph's number (HarfBuzz's "retain GIDs"), so the text it
has written stays valid: the glyphs it drops become empty slots. Noto Serif CJK's hanzi sit between
glyphs 9,500 and 63,000, so even a one-page form carries ~63,000 slots: 170 KB of a 200-glyph subset
is the table of their offsets. A CID-keyed CFF font (Noto CJK's kind) names each glyph by a CID
that its charset maps to the glyph, and a PDF's CIDFontType0 reads the text's codes as CIDs through
that charset (PDF 32000 9.7.4.2): so the font can be packed to the glyphs used, each keeping its
CID, and embedded as a bare CFF program (FontFile3 /CIDFontType0C, the way Acrobat embeds CJK
fonts) without touching the text. The outlines are the same bytes; only the empty slots go."""

import io

import pydyf
from fontTools.ttLib import TTFont


def compact_cid_fonts(document, pdf):
    """WeasyPrint finisher (write_pdf(finisher=...)): repack each embedded CID-keyed OpenType/CFF
    font to the CIDs its CIDFont dictionaries give widths for. Any other font is left as it is."""
    users = {}  # font program object -> the CIDFont dictionaries drawing with it
    for font in pdf.objects:
        if isinstance(font, pydyf.Dictionary) and font.get("Subtype") == "/CIDFontType0":
            descriptor = _resolve(pdf, font["FontDescriptor"])
            program = _resolve(pdf, descriptor.get("FontFile3"))
            if program is not None and program.extra.get("Subtype") == "/OpenType":
                users.setdefault(program.number, (program, []))[1].append(font)
    for program, fonts in users.values():
        widths = [_cids_with_widths(font.get("W", ())) for font in fonts]
        if None in widths:
            continue
        packed = packed_cff(b"".join(program.stream), set().union(*widths))
        if packed is None:
            continue
        program.stream = [packed]
        program.extra["Subtype"] = "/CIDFontType0C"
        for font in fonts:
            # Meaningful for TrueType CIDFonts only; a reader applying it here would skip the charset.
            font.pop("CIDToGIDMap", None)


def packed_cff(otf_bytes, cids):
    """The bare CFF program of `otf_bytes` holding only `cids` (and .notdef), each under its CID;
    None unless the font is CID-keyed CFF whose glyph number is its CID for every one of `cids`.

    The glyphs' programs are copied as they are, each with its font dictionary (FDSelect), and the
    font dictionaries and subroutines stay whole: what fontTools' subsetter does for a CFF font,
    without its passes over every outline (accented composites, bounding boxes), 4x faster."""
    font = TTFont(io.BytesIO(otf_bytes), lazy=True, recalcBBoxes=False)
    if "CFF " not in font:
        return None
    table = font["CFF "]
    top = table.cff.topDictIndex[0]
    if not hasattr(top, "ROS") or not hasattr(top, "FDSelect"):
        return None
    charset = top.charset
    keep = sorted(cids | {0})
    if any(cid >= len(charset) or (cid and charset[cid] != f"cid{cid:05d}") for cid in keep):
        return None
    strings = top.CharStrings
    index = strings.charStringsIndex
    index.items = [index[gid] for gid in keep]
    del index.file, index.offsets
    top.FDSelect.format = None  # let fontTools choose the smallest
    top.FDSelect.gidArray = [top.FDSelect.gidArray[gid] for gid in keep]
    top.charset = [charset[gid] for gid in keep]  # the CIDs: the compiled charset holds the numbers
    strings.charStrings = {name: position for position, name in enumerate(top.charset)}
    top.numGlyphs = len(keep)
    return table.compile(font)


def _resolve(pdf, reference):
    """The object behind an indirect reference such as b"12 0 R" (or None)."""
    if reference is None:
        return None
    return pdf.objects[int(bytes(reference).split()[0])]


def _cids_with_widths(widths):
    """The CIDs a W array covers, written as WeasyPrint does ([first [w1 w2 …] first [w1 …] …]);
    None for any other shape."""
    items = list(widths)
    if len(items) % 2:
        return None
    pairs = list(zip(items[::2], items[1::2], strict=True))
    if not all(isinstance(first, int) and isinstance(run, list) for first, run in pairs):
        return None
    return {cid for first, run in pairs for cid in range(first, first + len(run))}
