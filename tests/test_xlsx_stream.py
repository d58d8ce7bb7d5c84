"""The streaming .xlsx writer (lianxin_site.xlsx_stream) as the people who open its files see them:
Excel's readers here being openpyxl (normal and read-only) and calamine, which must all read the
same values, dates as dates, and user text as typed, never as a formula and never a broken file."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from lianxin_site.xlsx_stream import Percent, Sheet, write_xlsx, xlsx_bytes


def openpyxl_rows(data, read_only):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)
    return workbook.active.title, [
        ["" if v is None else v for v in row] for row in workbook.active.iter_rows(values_only=True)
    ]


def calamine_rows(data):
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.sheet_names[0], workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def every_reader(data):
    """{reader: (sheet title, rows)}; rows padded to the same width."""
    read = {
        "openpyxl": openpyxl_rows(data, read_only=False),
        "openpyxl read-only": openpyxl_rows(data, read_only=True),
        "calamine": calamine_rows(data),
    }
    width = max(len(row) for _title, rows in read.values() for row in rows)
    return {
        name: (title, [list(row) + [""] * (width - len(row)) for row in rows]) for name, (title, rows) in read.items()
    }


LONG = "长" * 4999 + "尾"
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-SUM(A1)",
    "@SUM(A1)",
    "<b>单位&职务</b> \"引号\" 'x'",
    "竖\x0b制表\x00空\x1f字符\ufffe",
    "表情😀🇨🇳",
    LONG,
    "  前后空格  ",
    "第一行\r\n第二行\n第三行",
    "孤立代理\ud800字符",
]
# What each reader must show: formulas as text behind an apostrophe, the characters a file cannot
# hold removed, everything else as typed.
SHOWN = [
    "'=cmd|' /C calc'!A0",
    "'+1+2",
    "'-SUM(A1)",
    "'@SUM(A1)",
    "<b>单位&职务</b> \"引号\" 'x'",
    "竖制表空字符",
    "表情😀🇨🇳",
    LONG,
    "  前后空格  ",
    "第一行\r\n第二行\n第三行",
    "孤立代理字符",
]


def test_hostile_text_reads_back_as_typed_in_every_reader_never_as_a_formula():
    rows = [[text, n] for n, text in enumerate(HOSTILE)]

    data = xlsx_bytes([Sheet("名单", ["文字", "序号"], rows)])

    for reader, (title, read) in every_reader(data).items():
        assert title == "名单", reader
        assert read[0] == ["文字", "序号"], reader
        assert [row[0] for row in read[1:]] == SHOWN, reader
        assert [row[1] for row in read[1:]] == list(range(len(HOSTILE))), reader
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert {cell.data_type for cell in sheet["A"]} == {"s"}, "no cell holds a formula"


def test_dates_are_dates_and_numbers_numbers_in_every_reader():
    rows = [
        [
            datetime.date(2026, 3, 10),
            datetime.datetime(2026, 3, 10, 9, 30),
            42,
            2.5,
            True,
            Percent(0.375),
            None,
            "文字",
        ],
        [datetime.date(1900, 3, 1), None, 0, -1.25, False, Percent(1), "", "=1"],
    ]

    data = xlsx_bytes([Sheet("日期", ["日期", "时间", "整数", "小数", "是否", "比例", "空", "文字"], rows)])

    for reader, (_title, read) in every_reader(data).items():
        first, second = read[1], read[2]
        assert first[0] in (datetime.date(2026, 3, 10), datetime.datetime(2026, 3, 10)), reader
        assert first[1] == datetime.datetime(2026, 3, 10, 9, 30), reader
        assert first[2:6] == [42, 2.5, True, 0.375], reader
        assert first[6:] == ["", "文字"], reader
        assert second[0] in (datetime.date(1900, 3, 1), datetime.datetime(1900, 3, 1)), reader
        assert second[1:] == ["", 0, -1.25, False, 1, "", "'=1"], reader
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].number_format == "yyyy-mm-dd" and sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["F2"].number_format == "0.0%"


def test_an_aware_time_is_written_in_beijing_time():
    utc = datetime.datetime(2026, 3, 10, 1, 30, tzinfo=datetime.UTC)

    data = xlsx_bytes([Sheet("时间", ["时间"], [[utc]])])

    assert openpyxl_rows(data, read_only=False)[1][1] == [datetime.datetime(2026, 3, 10, 9, 30)]


def test_the_sheet_keeps_its_look_bold_header_frozen_widths_wrapped_text():
    data = xlsx_bytes(
        [
            Sheet("名单:一/二", ["姓名", "单位"], [["王丽", "区一中"]], widths=[10, 40], wrap=True),
            Sheet("第二张", ["证号"], [["E1"]], freeze="B2"),
        ]
    )

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    first, second = workbook.worksheets
    assert first.title == "名单：一／二" and first.freeze_panes == "A2"
    assert all(cell.font.bold for cell in first[1]) and not first["A2"].font.bold
    assert first.column_dimensions["A"].width == 10 and first.column_dimensions["B"].width == 40
    assert first["B2"].alignment.wrap_text and first["B2"].alignment.vertical == "top"
    assert not first["A1"].alignment.wrap_text
    assert second.title == "第二张" and second.freeze_panes == "B2" and not second["A2"].alignment.wrap_text
    assert calamine_rows(data)[0] == "名单：一／二"


def test_the_sheet_is_written_as_a_stream_rows_read_once_as_written(tmp_path):
    read = []

    def rows():
        for n in range(2500):
            read.append(n)
            yield [f"E{n:05d}", n]

    path = tmp_path / "big.xlsx"
    write_xlsx(path, [Sheet("大表", ["证号", "序号"], rows())])

    assert len(read) == 2500
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_DEFLATED
    _title, got = calamine_rows(path.read_bytes())
    assert len(got) == 2501 and got[-1] == ["E02499", 2499]


@pytest.mark.parametrize("title", ["'引号'", '<名单>&"表"', "很长" * 20])
def test_any_sheet_title_makes_a_file_every_reader_opens(title):
    data = xlsx_bytes([Sheet(title, ["列"], [["值"]])])

    titles = {title for title, _rows in every_reader(data).values()}
    assert len(titles) == 1 and len(titles.pop()) <= 31
