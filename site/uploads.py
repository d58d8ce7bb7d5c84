"""Checks on an uploaded spreadsheet before any reader parses it. An .xlsx file is a zip archive:
half a megabyte can inflate to gigabytes (a "zip bomb"), which a reader would try to hold in
memory. check_xlsx() refuses such a file from the archive's own records, then inflates each
worksheet once in small pieces, counting its rows, so that the check itself needs constant
memory and stops as soon as a limit is passed."""

import posixpath
import re
import zipfile
import zlib
from io import BytesIO
from pathlib import PurePosixPath
from xml.etree import ElementTree

from django.template.defaultfilters import filesizeformat

from .errors import DomainError

CHUNK = 1024 * 1024
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
TAIL = 32  # longer than a row tag, so a tag split across two pieces is still found once


class UploadRejected(DomainError):
    """An upload refused before it was read; the message is for the user."""


class SheetFacts:
    """What check_xlsx() saw while inflating: how many rows, and whether any cell holds a formula."""

    def __init__(self):
        self.rows = 0
        self.formulas = False


def check_xlsx(data, *, max_unpacked, max_rows, header_rows=0):
    """Raise UploadRejected unless `data` is an .xlsx archive that unpacks to at most
    `max_unpacked` bytes and whose worksheets hold at most `max_rows` rows in all, besides
    `header_rows`. Returns its SheetFacts."""
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
    unpacked, facts = 0, SheetFacts()
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
                        facts.rows += sum(1 for match in ROW_TAG.finditer(window) if match.end() > len(tail))
                        facts.formulas = facts.formulas or bool(FORMULA_TAG.search(window))
                        if facts.rows - header_rows > max_rows:
                            raise UploadRejected(
                                f"这个文件有超过 {max_rows:,} 行，超过了一次导入的上限。请分成几个文件分别导入。"
                            )
                        tail = window[-TAIL:]
    # A wrong CRC, a size that lies; a member marked encrypted (RuntimeError) or packed with a
    # method zipfile cannot read, such as Deflate64 (NotImplementedError).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        raise UploadRejected(
            "无法读取这个 .xlsx 文件，文件已损坏。请在 Excel 或 WPS 中重新“另存为” .xlsx 后再上传。"
        ) from exc
    return facts


def _first_sheet_path(archive):
    """The archive path of the workbook's first worksheet (the one readers take as sheet 0)."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        rel_id = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook).group(1)
        target = re.search(rf"<Relationship\b[^>]*?\bId=\"{re.escape(rel_id)}\"[^>]*?\bTarget=\"([^\"]+)\"", rels)
        if target is None:
            target = re.search(rf"<Relationship\b[^>]*?\bTarget=\"([^\"]+)\"[^>]*?\bId=\"{re.escape(rel_id)}\"", rels)
        path = target.group(1)
    except (KeyError, AttributeError, UnicodeDecodeError):
        return "xl/worksheets/sheet1.xml"
    return path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join("xl", path))


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def formulas_without_values(data):
    """[(row, column, formula)] for the first worksheet's cells that hold a formula but no computed
    value, as files written by programs rather than saved by Excel do: a reader sees them as
    empty. Rows count from 1 as Excel shows them, columns from 0. Reads the sheet as a stream."""
    found = []
    with zipfile.ZipFile(BytesIO(data)) as archive, archive.open(_first_sheet_path(archive)) as sheet:
        for _event, element in ElementTree.iterparse(sheet, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c":
                formula = value = None
                for child in element:
                    name = child.tag.rsplit("}", 1)[-1]
                    if name == "f":
                        formula = child
                    elif name == "v":
                        value = child
                if formula is not None and (value is None or not (value.text or "").strip()):
                    match = re.fullmatch(r"([A-Z]+)(\d+)", element.get("r", ""))
                    if match:
                        text = "=" + formula.text if formula.text else ""
                        found.append((int(match.group(2)), _column_index(match.group(1)), text))
            elif tag == "row":
                element.clear()
    return found


# ---------------------------------------------------------------------------
# Documents sent with a record (a 工作小结, a 季度例会's minutes): PDF, Word (.doc/.docx), JPG, PNG,
# 10 MB each. The size is taken from the upload's own record first (the file is not read at all
# when it is too big), then its first bytes are compared with the type its name claims, so that a
# renamed program or web page is refused whatever its extension.

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_REFUSAL = "「附件」：只接受 PDF、Word、JPG、PNG，单个不超过 10 MB"
HEAD = 8

PDF = b"%PDF-"
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file that old Word .doc files are
ZIP = b"PK\x03\x04"

# extension -> the first bytes such a file starts with
DOCUMENT_SIGNATURES = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".doc": OLE,
    ".docx": ZIP,
}
DOCUMENT_ACCEPT = ",".join(DOCUMENT_SIGNATURES)


def document_refusal(upload):
    """None if `upload` (a Django UploadedFile) is an acceptable attachment, else the message.

    Reads at most the first 8 bytes, and a .docx's zip directory, and only once its size is
    known to be within the limit."""
    name = upload.name or ""
    if upload.size is None or upload.size > DOCUMENT_MAX_BYTES:
        size = filesizeformat(upload.size or 0).replace("\xa0", " ")
        return f"{DOCUMENT_REFUSAL}（“{name}”有 {size}）。"
    if upload.size == 0:
        return f"{DOCUMENT_REFUSAL}（“{name}”是空文件）。"
    suffix = PurePosixPath(name.lower()).suffix
    signature = DOCUMENT_SIGNATURES.get(suffix)
    if signature is None:
        return f"{DOCUMENT_REFUSAL}（“{name}”不是这几种文件）。"
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if not head.startswith(signature) or (suffix == ".docx" and not _is_docx(upload)):
        return f"{DOCUMENT_REFUSAL}（“{name}”的内容不是{suffix[1:].upper()}文件）。"
    return None


def _is_docx(upload):
    """A Word document is a zip archive with word/document.xml in it; only the archive's
    directory is read, nothing is unpacked."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(BytesIO(upload.read())) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    finally:
        upload.seek(0)


# ---------------------------------------------------------------------------
# Pictures (a 履职心语's 一副字): JPG or PNG, judged by size first and then by the first bytes.

PICTURE_SIGNATURES = {".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
PICTURE_ACCEPT = ",".join(PICTURE_SIGNATURES)


def picture_refusal(upload, *, label, max_bytes):
    """None if `upload` is a JPG or PNG of at most `max_bytes`, else the message naming the field
    `label`. Nothing is read when the file is too big; then only its first 8 bytes."""
    rule = f"「{label}」：只接受 JPG、PNG 图片，不超过 {filesizeformat(max_bytes)}".replace("\xa0", " ")
    name = upload.name or ""
    if upload.size is None or upload.size > max_bytes:
        size = filesizeformat(upload.size or 0).replace("\xa0", " ")
        return f"{rule}（“{name}”有 {size}）。"
    signature = PICTURE_SIGNATURES.get(PurePosixPath(name.lower()).suffix)
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if signature is None or not head.startswith(signature):
        return f"{rule}（“{name}”不是 JPG 或 PNG 图片）。"
    return None
