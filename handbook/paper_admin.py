"""委员履职手册 › 履职心语 › 录入纸质投稿 and 导入纸质投稿: the editors bring in the 履职心语 handed in
on paper (issue 20, 2), one typed in at a time or a spreadsheet of them. Both write through
rules.save_paper (source 纸质录入, submitted by the editor), so a typed-in entry and an imported
one are checked alike.

The import goes as the other imports do (lianxin_site.imports): upload (size and name checked by
the form, the archive by check_xlsx before any reader parses it) → preview (every row: 新增, 已有，
跳过, or its problems) → 确认导入 by the uploader, all or nothing, once. Each upload is kept in
private storage (ReflectionImport); every editor sees the uploads, the file is served by a view.

Only the editors (rules.MARK) reach these pages: anyone else in the admin gets a 403 saying why."""

from functools import wraps

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin import messages

from lianxin_site.dates import year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import XlsxUploadForm, confirm_and_tell, kept_file_response, preview_upload
from results.admin import forbidden

from . import rules, sheets
from .admin import INDEX_URL
from .forms import PaperReflectionForm
from .models import ReflectionImport

REFUSAL = "只有编辑可以录入或导入纸质投稿。"
PER_PAGE = 20


class UploadForm(XlsxUploadForm):
    table = "纸质履职心语表"
    columns = sheets.COLUMNS
    too_big_hint = "请分成几个文件分别导入。"

    def max_bytes(self):
        return sheets.max_upload_bytes()


def editors_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(rules.MARK):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@editors_only
def paper_entry(request):
    """录入纸质投稿: the form; saved, back to the pool with the entry's number and a way to type in the
    next one (保存并继续录入 comes straight back here, the year kept)."""
    if request.method == "POST":
        form = PaperReflectionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = rules.save_paper(
                    request.user,
                    form.chosen_member(),
                    year=data["year"],
                    genre=data["genre"],
                    text=data["text"],
                    image=data["image"],
                )
            except rules.PaperError as exc:
                form.refuse(exc)
            else:
                said = f"已录入履职心语 #{entry.pk}（{entry.member.name}，{entry.year}年，{entry.get_genre_display()}）"
                again = f"{reverse('handbook_paper')}?year={entry.year}"
                if "again" in request.POST:
                    messages.success(request, said)
                    return redirect(again)
                messages.success(request, said, buttons=[messages.button(again, "继续录入")])
                return redirect(INDEX_URL)
    else:
        form = PaperReflectionForm(initial={"year": year_param(request.GET.get("year"))})
    return render(
        request,
        "handbook/admin/paper_entry.html",
        {"form": form, "pool_url": reverse(INDEX_URL), "image_dropped": form.is_bound and bool(request.FILES)},
    )


# --- 导入纸质投稿


@require_http_methods(["GET", "POST"])
@editors_only
def import_page(request):
    """The upload form, how to fill each column, and the earlier uploads."""
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    record = preview_upload(
        form,
        lambda upload: sheets.import_paper(upload.read(), request.user, dry_run=True),
        lambda upload, report: ReflectionImport.keep(upload, request.user, report),
    )
    if record:
        return redirect("handbook_paper_import_preview", pk=record.pk)
    records = ReflectionImport.objects.select_related("uploaded_by")
    return render(
        request,
        "handbook/admin/paper_import.html",
        {
            "form": form,
            "page": Paginator(records, PER_PAGE).get_page(request.GET.get("p")),
            "limit": sheets.max_upload_bytes(),
            "guide": sheets.guide(),
            "pool_url": reverse(INDEX_URL),
        },
    )


@require_GET
@editors_only
def import_template(request):
    return xlsx_response(sheets.blank_template(), "纸质履职心语导入模板.xlsx")


@require_http_methods(["GET", "POST"])
@editors_only
def import_preview(request, pk):
    record = get_object_or_404(ReflectionImport.objects.select_related("uploaded_by"), pk=pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return forbidden(request, "只有上传这份纸质履职心语表的人可以确认导入。")
        return confirm_and_tell(
            request,
            record.pk,
            sheets.confirm_import,
            preview="handbook_paper_import_preview",
            done=lambda report: (
                f"纸质履职心语已导入：新增 {report.created} 条，{report.unchanged} 条已有，没有重复导入。"
            ),
            changed="没有导入：预览之后情况发生了变化，出现了下面的问题，没有写入任何数据。",
        )
    return render(
        request,
        "handbook/admin/paper_preview.html",
        {
            "record": record,
            "report": record.report,
            "can_confirm": record.awaits(request.user),
            "pool_url": reverse(INDEX_URL),
        },
    )


@require_GET
@editors_only
def import_file(request, pk):
    """The uploaded file itself, from private storage."""
    return kept_file_response(get_object_or_404(ReflectionImport, pk=pk))


paper_urls = [
    path("handbook/reflections/paper/", paper_entry, name="handbook_paper"),
    path("handbook/reflections/import/", import_page, name="handbook_paper_import"),
    path("handbook/reflections/import/template.xlsx", import_template, name="handbook_paper_import_template"),
    path("handbook/reflections/import/<int:pk>/", import_preview, name="handbook_paper_import_preview"),
    path("handbook/reflections/import/<int:pk>/file/", import_file, name="handbook_paper_import_file"),
]
