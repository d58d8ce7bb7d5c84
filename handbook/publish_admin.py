"""委员履职手册 › 发布 and 修订再版 in the admin. The 发布 page (审核员) shows what the handbook holds
and every problem publish.publish_problems finds, and publishes on POST; 修订再版 (编辑) copies a
published handbook to a new draft and opens its 编排 page. Each POST is one call to publish.py;
a refusal comes back as a message and nothing is written."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import publish
from .contents import contents_of
from .models import Handbook

ARRANGE_URL = "handbook_arrange"  # the 编排 page (admin of the handbooks)


def version_label(handbook):
    return f"{handbook.document_title()}（修订第{handbook.version}版）" if handbook.version > 1 else str(handbook)


@permission_required(publish.PUBLISH, raise_exception=True)
def publish_view(request, pk):
    handbook = get_object_or_404(Handbook.objects.select_related("document", "published_by", "page"), pk=pk)
    if request.method == "POST":
        make_page = request.POST.get("make_page") == "on"
        kept = publish.kept_page(handbook)
        try:
            published = publish.publish(handbook, request.user, make_page=make_page)
        except publish.PublishError as exc:
            if len(exc.problems) == 1:
                messages.error(request, f"没有发布：{exc.problems[0]}。")
            else:
                listed = "；".join(exc.problems)
                messages.error(request, f"没有发布：发现 {len(exc.problems)} 个问题（{listed}）。")
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            if kept is not None:
                done = "，网页随之显示这一版"
            elif published.page_id:
                done = "，网页已提交内容审核，审核通过后上线"
            else:
                done = ""
            messages.success(request, f"已发布{version_label(published)}{done}。")
        return redirect("handbook_publish", pk=pk)
    problems = [] if handbook.is_published else publish.publish_problems(handbook)
    kept = None if handbook.page_id else publish.kept_page(handbook)
    return render(
        request,
        "handbook/admin/publish.html",
        {
            "handbook": handbook,
            "label": version_label(handbook),
            "contents": contents_of(handbook),
            "problems": problems,
            "newer": publish.newer_version(handbook),
            "has_page": kept is not None,
            "page": handbook.page or kept,  # the handbook's page: its own, or the one an earlier version made
        },
    )


@require_POST
@permission_required(publish.REVISE, raise_exception=True)
def revise_view(request, pk):
    handbook = get_object_or_404(Handbook, pk=pk)
    try:
        draft = publish.revise(handbook, request.user)
    except publish.PublishError as exc:
        messages.error(request, f"没有修订再版：{exc}。")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse(ARRANGE_URL, args=[pk])
        return redirect(back)
    messages.success(request, f"已修订再版：{version_label(draft)}草稿，可以在这里修改后再请审核员发布。")
    return redirect(ARRANGE_URL, draft.pk)


publish_urls = [
    path("handbook/handbooks/<int:pk>/publish/", publish_view, name="handbook_publish"),
    path("handbook/handbooks/<int:pk>/revise/", revise_view, name="handbook_revise"),
]
