"""Files sent with a unit's 工作小结: PDF, Word (.doc/.docx), JPG, PNG; at most 5, 10 MB each.

Each file is checked before anything is saved: its size from the upload's own record first (the
file is not read at all when it is too big), then its first bytes against the type its name
claims, so that a renamed program or web page is refused whatever its extension."""

import io
import zipfile
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat

MAX_ATTACHMENTS = 5
MAX_SIZE = 10 * 1024 * 1024
REFUSAL = "「附件」：只接受 PDF、Word、JPG、PNG，单个不超过 10 MB"
HEAD = 8

PDF = b"%PDF-"
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file that old Word .doc files are
ZIP = b"PK\x03\x04"

# extension -> the first bytes such a file starts with
SIGNATURES = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".doc": OLE,
    ".docx": ZIP,
}
ACCEPT = ",".join(SIGNATURES)


def too_many(kept, added):
    """The refusal when `kept` files already on the report and `added` new ones make more than 5."""
    if kept + added <= MAX_ATTACHMENTS:
        return None
    have = f"已有 {kept} 个，" if kept else ""
    return f"「附件」：最多 {MAX_ATTACHMENTS} 个，{have}这次又选了 {added} 个；请先删去不需要的附件。"


def refusal(upload):
    """None if `upload` (a Django UploadedFile) is an acceptable attachment, else the message.

    Reads at most the first 8 bytes, and a .docx's zip directory, and only once its size is
    known to be within the limit."""
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_SIZE:
        size = filesizeformat(upload.size or 0).replace("\xa0", " ")
        return f"{REFUSAL}（“{name}”有 {size}）。"
    if upload.size == 0:
        return f"{REFUSAL}（“{name}”是空文件）。"
    suffix = PurePosixPath(name.lower()).suffix
    signature = SIGNATURES.get(suffix)
    if signature is None:
        return f"{REFUSAL}（“{name}”不是这几种文件）。"
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if not head.startswith(signature) or (suffix == ".docx" and not _is_docx(upload)):
        return f"{REFUSAL}（“{name}”的内容不是{suffix[1:].upper()}文件）。"
    return None


def _is_docx(upload):
    """A Word document is a zip archive with word/document.xml in it; only the archive's
    directory is read, nothing is unpacked."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    finally:
        upload.seek(0)
