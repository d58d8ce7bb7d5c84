"""Spreadsheets that would blow up the server are refused before any reader parses them."""

import io
import tracemalloc
import zipfile

import pytest

from forms_app.activity_day.sheets import read_workbook
from lianxin_site.uploads import UploadRejected, check_xlsx
from people.roster import RosterFileError, import_roster, read_roster

from .conftest import VALID_ROWS, as_xlsx, roster_rows

MB = 1024 * 1024


def zip_bomb(unpacked_mb=500):
    """A file named .xlsx of about half a megabyte whose one sheet inflates to `unpacked_mb` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"<row>" + b" " * (MB - 11) + b"</row>"
            for _ in range(unpacked_mb):
                sheet.write(block)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb()


def peak_memory(call):
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_zip_bomb_roster_is_refused_unread_with_the_server_barely_growing(bomb, monkeypatch, db):
    import lianxin_site.imports

    assert len(bomb) < 2 * MB

    def never(*args, **kwargs):
        raise AssertionError("the spreadsheet reader must not see a zip bomb")

    monkeypatch.setattr(lianxin_site.imports.CalamineWorkbook, "from_filelike", never)
    errors = []

    def read():
        with pytest.raises(RosterFileError) as excinfo:
            import_roster(bomb, "名册.xlsx", dry_run=True)
        errors.append(str(excinfo.value))

    assert peak_memory(read) < 50 * MB
    assert "解压后有" in errors[0] and "超过了" in errors[0]


def test_a_zip_bomb_activity_day_workbook_is_refused_unread(bomb, monkeypatch):
    import forms_app.activity_day.sheets as sheets

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not see a zip bomb")

    monkeypatch.setattr(sheets.openpyxl, "load_workbook", never)
    found = []
    assert peak_memory(lambda: found.append(read_workbook(bomb, day=None))) < 50 * MB
    rows, errors = found[0]
    assert rows == [] and "解压后有" in errors[0]["message"]


def test_the_inflating_pass_counts_rows_and_bytes_against_the_limits():
    """Rows are counted while each sheet is inflated in pieces, and the bytes against the cap."""
    data = zip_bomb(unpacked_mb=3)
    with pytest.raises(UploadRejected, match="超过了"):
        check_xlsx(data, max_unpacked=10 * MB, max_rows=2)  # three rows of a megabyte each
    with pytest.raises(UploadRejected, match="解压后"):
        check_xlsx(data, max_unpacked=2 * MB, max_rows=10)


def test_too_many_rows_are_refused_with_the_limit_named(settings):
    settings.ROSTER_MAX_ROWS = 2
    with pytest.raises(RosterFileError, match="超过 2 行"):
        read_roster(as_xlsx(roster_rows(*VALID_ROWS)), "名册.xlsx")
    csv = "\n".join(",".join(row) for row in roster_rows(*VALID_ROWS)).encode()
    with pytest.raises(RosterFileError, match="超过 2 行"):
        read_roster(csv, "名册.csv")


def patched(data, local, central, value):
    """`data` packed again uncompressed, with the two-byte field at offset `local` of every local
    header and `central` of every central directory header set to `value`: the flags (6, 8; bit 0
    means encrypted) or the compression method (8, 10; 9 is Deflate64, which zipfile cannot inflate)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for member in source.infolist():
            target.writestr(member.filename, source.read(member.filename))
    packed = bytearray(out.getvalue())
    for signature, offset in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        start = packed.find(signature)
        while start != -1:
            packed[start + offset : start + offset + 2] = value.to_bytes(2, "little")
            start = packed.find(signature, start + 4)
    return bytes(packed)


@pytest.mark.parametrize("how", ["encrypted", "deflate64"])
def test_a_workbook_packed_in_a_way_we_cannot_read_is_refused_with_a_message(how, db):
    data = as_xlsx(roster_rows(*VALID_ROWS))
    data = patched(data, 6, 8, 0x1) if how == "encrypted" else patched(data, 8, 10, 9)
    with pytest.raises(UploadRejected, match="无法读取这个 .xlsx 文件"):
        check_xlsx(data, max_unpacked=10 * MB, max_rows=10)
    with pytest.raises(RosterFileError, match="无法读取这个 .xlsx 文件"):
        read_roster(data, "名册.xlsx")


def test_a_normal_roster_passes_the_checks():
    data = as_xlsx(roster_rows(*VALID_ROWS))
    assert check_xlsx(data, max_unpacked=10 * MB, max_rows=10).rows == 4
    assert len(read_roster(data, "名册.xlsx").dataset) == 3


def test_a_formula_in_a_roster_cell_is_named_as_a_formula_not_as_empty():
    rows = roster_rows(*VALID_ROWS)
    rows[2][0] = "=15001+1"  # 委员证号 of the second member, written by a program: no cached value
    report = import_roster(as_xlsx(rows), "名册.xlsx", dry_run=True)
    assert report.errors == [
        "第 3 行「委员证号」：这一格是公式=15001+1，表格里没有它的计算结果，请改为直接填写内容后再上传。"
    ]
    assert not any("不能为空" in message for message in report.errors)
