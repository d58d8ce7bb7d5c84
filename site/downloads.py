"""Files the platform hands out: one response helper per format, so that every download names
its file the same way (UTF-8 file names that Chinese browsers and WeChat keep)."""

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def file_response(content, filename, content_type, *, download=True):
    """`content` as a file named `filename`: saved (download) or shown in the browser."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(download, filename)
    return response


def streamed_file_response(content, filename, content_type):
    """A large file, always saved, never held whole in memory: `content` is an open binary file
    (sent from disk in blocks, closed once sent) or an iterator of bytes (sent as produced)."""
    if hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(content, filename):
    """A spreadsheet, always saved: browsers cannot show one."""
    return file_response(content, filename, XLSX_TYPE)


def pdf_response(request, content, filename):
    """A PDF, shown in the browser, or saved when the link asks for ?download=1."""
    return file_response(content, filename, PDF_TYPE, download=request.GET.get("download") == "1")
