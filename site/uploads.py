"""Checks on an uploaded spreadsheet before any reader parses it. An .xlsx file is a zip archive:
half a megabyte can inflate to gigabytes (a "zip bomb"), which a reader would try to hold in
memory. check_xlsx() refuses such a file from the archive's own records, then inflates each
worksheet once in small pieces, counting its rows, so that the check itself needs constant
memory and stops as soon as a limit is passed."""

import re
import zipfile
import zlib
from io import BytesIO

from django.template.defaultfilters import filesizeformat

from .errors import DomainError

CHUNK = 1024 * 1024
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
TAIL = 32  # longer than a row tag, so a tag split across two pieces is still found once


class UploadRejected(DomainError):
    """An upload refused before it was read; the message is for the user."""


def check_xlsx(data, *, max_unpacked, max_rows, header_rows=0):
    """Raise UploadRejected unless `data` is an .xlsx archive that unpacks to at most
    `max_unpacked` bytes and whose worksheets hold at most `max_rows` rows in all, besides
    `header_rows`. Returns the number of rows."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise UploadRejected(
            "无法读取这个 .xlsx 文件，文件可能已损坏。请在 Excel 或 WPS 中重新“另存为” .xlsx 后再上传。"
        ) from exc
    declared = sum(member.file_size for member in members)
    if declared > max_unpacked:
        raise UploadRejected(
            f"这个 .xlsx 文件解压后有 {filesizeformat(declared)}，超过了 {filesizeformat(max_unpacked)} 的上限，"
            "不像是一份正常的表格（可能是压缩炸弹）。请只保留需要导入的工作表后再上传。"
        )
    unpacked, rows = 0, 0
    try:
        for member in members:
            is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > max_unpacked:
                        raise UploadRejected(
                            f"这个 .xlsx 文件解压后超过了 {filesizeformat(max_unpacked)} 的上限，请只保留需要导入的工作表后再上传。"
                        )
                    if is_sheet:
                        window = tail + chunk
                        rows += sum(1 for match in ROW_TAG.finditer(window) if match.end() > len(tail))
                        if rows - header_rows > max_rows:
                            raise UploadRejected(
                                f"这个文件有超过 {max_rows:,} 行，超过了一次导入的上限。请分成几个文件分别导入。"
                            )
                        tail = window[-TAIL:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:  # a wrong CRC, a size that lies
        raise UploadRejected(
            "无法读取这个 .xlsx 文件，文件已损坏。请在 Excel 或 WPS 中重新“另存为” .xlsx 后再上传。"
        ) from exc
    return rows
