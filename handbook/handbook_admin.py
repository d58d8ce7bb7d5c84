"""委员履职手册 › 手册编排: the list of handbooks, a 草稿's fields, and its 编排 page, where the editors
place the year's 入选 履职心语 in sections and pick the 委员风采 highlights; 预览 PDF for editors and
reviewers. Every change on the 编排 page is a plain POST form (one button each, no JavaScript
needed) that calls one rule in arrange.py and comes back to where the editor was, with a message.
审核员 open the page read only, to check a handbook before they publish it."""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.images import get_image_model
from wagtail.images.widgets import AdminImageChooser
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.views import CreateView, EditView

from lianxin_site.admin_helpers import ModelAdmin
from lianxin_site.dates import this_year
from lianxin_site.downloads import pdf_response

from . import arrange, publish
from .contents import story_photo
from .models import Handbook, HandbookItem

VIEW = "handbook.view_handbook"
ADD = "handbook.add_handbook"
CHANGE = "handbook.change_handbook"
ARRANGE_URL = "handbook_arrange"
PREVIEW_URL = "handbook_preview_pdf"
PICKER_ROWS = 30  # the 委员风采 offered at once; the search narrows a larger year


def may_view(user):
    return user.is_active and user.has_perm(VIEW)


def may_arrange(user, handbook):
    return user.is_active and user.has_perm(CHANGE) and not handbook.is_published


def superseded_by(handbook):
    """The published version that replaced a published `handbook` (修订再版 then 发布), or None.
    Reads the `current` annotation of the list's queryset (Handbook.objects.latest_versions)."""
    if not handbook.is_published or getattr(handbook, "current", True):
        return None
    if not hasattr(handbook, "newest"):  # the status column and the buttons both ask
        handbook.newest = Handbook.objects.latest_versions().filter(year=handbook.year, issue=handbook.issue).first()
    return handbook.newest


# --- the list and the fields of a 草稿


class HandbookForm(WagtailAdminModelForm):
    """A 草稿's fields. A revision (修订再版) keeps its original's 年度 and 期数."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.revises_id:
            for name in ("year", "issue"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "修订再版沿用原刊的年度和期数。"

    def clean(self):
        cleaned = super().clean()
        year, issue = cleaned.get("year"), cleaned.get("issue")
        if year and issue:
            refusal = arrange.issue_refusal(year, issue, self.instance)
            if refusal:
                field = "year" if refusal.startswith("「年度」") else "issue"
                self.add_error(field, refusal.split("：", 1)[1])
        return cleaned

    def fields_for_rule(self):
        return {name: self.cleaned_data[name] for name in arrange.HANDBOOK_FIELDS if name in self.cleaned_data}


class HandbookFormMixin:
    def form_valid(self, form):
        try:
            self.instance = self.save_through_rule(form)
        except arrange.ArrangeError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, f"已保存{self.instance.document_title()}。")
        return redirect(reverse(ARRANGE_URL, args=[self.instance.pk]))

    def form_invalid(self, form):
        messages.error(self.request, "没有保存，请按提示修改。")
        return self.render_to_response(self.get_context_data(form=form))

    def get_page_title(self):
        return "委员履职手册"


class HandbookCreateView(HandbookFormMixin, CreateView):
    def get_initial(self):
        year = this_year()
        return {"year": year, "issue": arrange.next_issue(year)}

    def get_page_subtitle(self):
        return "新建草稿"

    def get_meta_title(self):
        return "新建委员履职手册"

    def save_through_rule(self, form):
        return arrange.create_handbook(self.request.user, **form.fields_for_rule())


class HandbookEditView(HandbookFormMixin, EditView):
    def dispatch(self, request, *args, **kwargs):
        if self.instance.is_published:
            messages.error(request, arrange.PUBLISHED)
            return redirect(reverse(ARRANGE_URL, args=[self.instance.pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.instance.document_title()

    def get_meta_title(self):
        return "修改委员履职手册"

    def save_through_rule(self, form):
        return arrange.save_handbook(self.instance, **form.fields_for_rule())


class HandbookPermissionHelper(PermissionHelper):
    """Editors create and change 草稿; reviewers read. Deleting is not offered: a handbook is
    published or revised, not thrown away."""

    def user_can_list(self, user):
        return may_view(user)

    def user_can_create(self, user):
        return user.is_active and user.has_perm(ADD)

    def user_can_edit_obj(self, user, obj):
        return user.is_active and user.has_perm(CHANGE)

    def user_can_delete_obj(self, user, obj):
        return False

    def user_can_inspect_obj(self, user, obj):
        return False


class HandbookButtonHelper(ButtonHelper):
    BUTTON = "button button-small"

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        user = self.request.user
        buttons = [
            {
                "url": reverse(ARRANGE_URL, args=[obj.pk]),
                "label": "编排" if may_arrange(user, obj) else "查看",
                "classname": self.BUTTON,
                "title": f"{obj.document_title()}的编排",
            }
        ]
        if may_arrange(user, obj):
            buttons.append(
                {
                    "url": self.url_helper.get_action_url("edit", obj.pk),
                    "label": "修改",
                    "classname": f"{self.BUTTON} button-secondary",
                    "title": "修改刊名、期数、封面和前言",
                }
            )
        if not obj.is_published and user.is_active and user.has_perm(publish.PUBLISH):
            buttons.append(
                {
                    "url": reverse("handbook_publish", args=[obj.pk]),
                    "label": "发布",
                    "classname": self.BUTTON,
                    "title": f"检查并发布{obj.document_title()}",
                }
            )
        newer = superseded_by(obj)
        buttons.append(
            {
                "url": reverse(PREVIEW_URL, args=[obj.pk]),
                "label": "预览（旧版）" if newer else "预览 PDF",
                "classname": f"{self.BUTTON} button-secondary",
                "title": f"这一版已被第{newer.version}版取代，仅供查阅" if newer else "在浏览器中打开 PDF 预览",
            }
        )
        return buttons


class HandbookAdmin(ModelAdmin):
    model = Handbook
    menu_label = _("手册编排")
    menu_icon = "doc-full"
    base_url_path = "handbook/handbooks"
    list_display = ("title_label", "year", "issue", "version_label", "status_label", "item_count", "published_at")
    list_filter = ("year", "status")
    ordering = ("-year", "-issue", "-version")
    index_template_name = "handbook/admin/handbook_index.html"
    permission_helper_class = HandbookPermissionHelper
    button_helper_class = HandbookButtonHelper
    create_view_class = HandbookCreateView
    edit_view_class = HandbookEditView
    edit_handler = ObjectList(
        [
            FieldPanel("year"),
            FieldPanel("issue"),
            FieldPanel("title"),
            FieldPanel("subtitle"),
            FieldPanel("cover_image"),
            FieldPanel("preface"),
        ],
        base_form_class=HandbookForm,
    )

    def get_queryset(self, request):
        current = Handbook.objects.latest_versions().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(entries=Count("items"), current=Exists(current))

    def title_label(self, obj):
        return obj.title

    title_label.short_description = _("刊名")

    def version_label(self, obj):
        return f"第{obj.version}版"

    version_label.short_description = _("版次")

    def status_label(self, obj):
        newer = superseded_by(obj)
        return f"已被第{newer.version}版取代" if newer else obj.get_status_display()

    status_label.short_description = _("状态")

    def item_count(self, obj):
        return obj.entries

    item_count.short_description = _("条数")


# --- the 编排 page


class HighlightForm(forms.Form):
    excerpt = forms.CharField(
        label="摘要",
        required=False,
        max_length=arrange.EXCERPT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空则用导语。",
    )
    photo = forms.ModelChoiceField(
        label="照片",
        required=False,
        queryset=get_image_model().objects.all(),
        widget=AdminImageChooser,
        help_text="留空则用正文的第一张图片，没有则用委员照片。",
    )


def _handbook(request, pk):
    handbook = get_object_or_404(Handbook, pk=pk)
    if not may_view(request.user):
        raise PermissionDenied
    return handbook


def first_line(text, limit=60):
    """What the 编排 page shows of a reflection: its first line that has words, cut at `limit`."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    more = len(line) > limit or len(text.strip()) > len(line)
    return line[:limit] + ("…" if more else "")


def arrange_view(request, pk):
    """The 编排 page of one handbook: sections in order with their items, the 入选 entries not
    yet placed, the 委员风采 highlights and the year's stories to pick from."""
    handbook = _handbook(request, pk)
    editable = may_arrange(request.user, handbook)
    items = HandbookItem.objects.select_related("reflection__member__sector", "reflection__member__party")
    sections = list(
        handbook.sections.order_by("order", "pk").prefetch_related(
            Prefetch("items", queryset=items.order_by("order", "pk"))
        )
    )
    for section in sections:
        section.rows = [(item, arrange.item_warning(item.reflection)) for item in section.items.all()]
        for item, _warning in section.rows:
            item.first_line = first_line(item.reflection.text)
    unplaced = list(arrange.unplaced(handbook))
    for entry in unplaced:
        entry.first_line = first_line(entry.text)
    highlights = list(
        handbook.stories.select_related("story__member__sector", "story__member__photo", "photo").order_by(
            "order", "pk"
        )
    )
    for highlight in highlights:
        highlight.form = HighlightForm(
            prefix=f"highlight-{highlight.pk}",
            initial={"excerpt": highlight.excerpt, "photo": highlight.photo},
        )
        highlight.form.fields["excerpt"].widget.attrs["placeholder"] = highlight.story.lead
        highlight.print_photo = story_photo(highlight.story, highlight.photo)
    query = request.GET.get("q", "").strip()[:40]
    candidates = arrange.stories_of_year(handbook.year).exclude(pk__in=[h.story_id for h in highlights])
    if query:
        candidates = candidates.filter(Q(title__icontains=query) | Q(member__name__icontains=query))
    candidates = list(candidates.order_by("-date", "-pk")[: PICKER_ROWS + 1])
    media = HighlightForm(prefix="media").media
    return render(
        request,
        "handbook/admin/arrange.html",
        {
            "handbook": handbook,
            "editable": editable,
            "sections": sections,
            "unplaced": unplaced,
            "highlights": highlights,
            "candidates": candidates[:PICKER_ROWS],
            "more_candidates": len(candidates) > PICKER_ROWS,
            "picker_rows": PICKER_ROWS,
            "query": query,
            "media": media,
            "title_max": arrange.TITLE_MAX,
            "intro_max": arrange.INTRO_MAX,
        },
    )


ANCHOR = re.compile(r"^[a-z0-9-]{1,40}$")


def _number(request, name):
    value = request.POST.get(name, "")
    if not value.isdecimal() or len(value) > 18:
        raise arrange.ArrangeError("请求无效，请刷新页面后再试。")
    return int(value)


def _seen_item(request):
    return (_number(request, "seen_section"), _number(request, "seen_order"))


def _build(request, handbook):
    created, placed = arrange.build_default_sections(handbook)
    if not placed:
        return "没有需要编排的入选履职心语，分组没有变化。", "sections"
    return f"已新增 {created} 个分组，编入 {placed} 条入选履职心语。", "sections"


def _add_section(request, handbook):
    section = arrange.add_section(handbook, request.POST.get("title", ""))
    return f"已新增分组「{section.title}」。", f"section-{section.pk}"


def _rename_section(request, handbook):
    section = arrange.rename_section(handbook, _number(request, "section"), request.POST.get("title", ""))
    return f"分组已改名为「{section.title}」。", f"section-{section.pk}"


def _section_intro(request, handbook):
    section = arrange.set_section_intro(handbook, _number(request, "section"), request.POST.get("intro", ""))
    return f"已保存分组「{section.title}」的导语。" if section.intro else f"已去掉分组「{section.title}」的导语。", (
        f"section-{section.pk}"
    )


def _move_section(request, handbook):
    section = arrange.move_section(
        handbook, _number(request, "section"), request.POST.get("direction"), _number(request, "seen_order")
    )
    return f"已移动分组「{section.title}」。", f"section-{section.pk}"


def _delete_section(request, handbook):
    section, count = arrange.delete_section(handbook, _number(request, "section"))
    back = f"，其中 {count} 条履职心语回到待编排" if count else ""
    return f"已删除分组「{section.title}」{back}。", "sections"


def _place(request, handbook):
    item = arrange.place(handbook, _number(request, "reflection"), _number(request, "section"))
    return f"已将履职心语 #{item.reflection_id} 加入分组「{item.section.title}」。", f"section-{item.section_id}"


def _move_item(request, handbook):
    item = arrange.move_item(handbook, _number(request, "item"), request.POST.get("direction"), _seen_item(request))
    return f"已移动履职心语 #{item.reflection_id}。", f"section-{item.section_id}"


def _move_item_to(request, handbook):
    item, target = arrange.move_item_to(
        handbook, _number(request, "item"), _number(request, "section"), _seen_item(request)
    )
    return f"已将履职心语 #{item.reflection_id} 移到分组「{target.title}」。", f"section-{target.pk}"


def _remove_item(request, handbook):
    item = arrange.remove_item(handbook, _number(request, "item"), _seen_item(request))
    return f"已将履职心语 #{item.reflection_id} 移出手册。", f"section-{item.section_id}"


def _add_story(request, handbook):
    highlight = arrange.add_story(handbook, _number(request, "story"))
    return f"已选登委员风采「{highlight.story.title}」。", "stories"


def _update_story(request, handbook):
    pk = _number(request, "highlight")
    form = HighlightForm(request.POST, prefix=f"highlight-{pk}")
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else "内容"
        raise arrange.ArrangeError(f"「{label}」：{errors[0]}")
    highlight = arrange.update_story(handbook, pk, form.cleaned_data["excerpt"], form.cleaned_data["photo"])
    return f"已保存委员风采「{highlight.story.title}」的摘要和照片。", f"highlight-{highlight.pk}"


def _move_story(request, handbook):
    highlight = arrange.move_story(
        handbook, _number(request, "highlight"), request.POST.get("direction"), _number(request, "seen_order")
    )
    return f"已移动委员风采「{highlight.story.title}」。", "stories"


def _remove_story(request, handbook):
    highlight = arrange.remove_story(handbook, _number(request, "highlight"))
    return f"已取消选登「{highlight.story.title}」。", "stories"


ACTIONS = {
    "build": _build,
    "add-section": _add_section,
    "rename-section": _rename_section,
    "section-intro": _section_intro,
    "move-section": _move_section,
    "delete-section": _delete_section,
    "place": _place,
    "move-item": _move_item,
    "move-item-to": _move_item_to,
    "remove-item": _remove_item,
    "add-story": _add_story,
    "update-story": _update_story,
    "move-story": _move_story,
    "remove-story": _remove_story,
}


@require_POST
def arrange_post(request, pk, action):
    """One change on the 编排 page, then back to the same place with a message."""
    if action not in ACTIONS:
        raise Http404
    handbook = _handbook(request, pk)
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    back = request.POST.get("anchor", "")
    try:
        message, back = ACTIONS[action](request, handbook)
    except arrange.ArrangeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    url = reverse(ARRANGE_URL, args=[handbook.pk])
    return redirect(f"{url}#{back}" if ANCHOR.match(back or "") else url)


def preview_pdf(request, pk):
    """预览 PDF: the handbook as it would print now, shown in the browser."""
    handbook = _handbook(request, pk)
    from .pdf import render_handbook  # written beside this module; imported when first asked for

    return pdf_response(request, render_handbook(handbook), f"{handbook.document_title()}（预览）.pdf")


arrange_urls = [
    path("handbook/handbooks/<int:pk>/arrange/", arrange_view, name=ARRANGE_URL),
    path("handbook/handbooks/<int:pk>/arrange/<slug:action>/", arrange_post, name="handbook_arrange_post"),
    path("handbook/handbooks/<int:pk>/preview.pdf", preview_pdf, name=PREVIEW_URL),
]
