"""委员履职手册 › 履职心语: the editors' pool. Filtered by year, 界别, 党派, source, 体裁 and mark, searched
by text or name; marked one or many at once (the list's boxes post to mark_view); each possible
copy (handbook/copies.py) is named in its row and shown beside the entry on its page. The list
and the page read rules.pool_visible_to, as every other view of the pool does."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail_modeladmin.options import ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from forms_app.models import Reflection
from lianxin_site.admin_helpers import IndexView, ModelAdmin, ReadOnlyPermissionHelper, id_or_404

from . import rules
from .copies import check_copies
from .handbook_admin import HandbookAdmin
from .models import ReflectionCopy

POOL_PATH = "handbook/reflections"
INDEX_URL = "handbook_reflections_modeladmin_index"
INSPECT_URL = "handbook_reflections_modeladmin_inspect"


def group_of(member):
    return " · ".join(g.name for g in (member.sector, member.party) if g) or "—"


def pool_rows(user):
    copies = ReflectionCopy.objects.select_related("original__member").order_by("-share")
    return (
        rules.pool_visible_to(user)
        .select_related("member__sector", "member__party")
        .prefetch_related(Prefetch("copies", queryset=copies))
    )


class PoolIndexView(IndexView):
    def dispatch(self, request, *args, **kwargs):
        check_copies()  # entries filed or imported since the last look are compared once
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return "履职心语"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            marks=rules.Mark.choices,
            may_mark=self.request.user.has_perm(rules.MARK),
            note_max=rules.NOTE_MAX,
        )
        return context


class PoolInspectView(InspectView):
    def get_page_title(self):
        return f"履职心语 #{self.instance.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.instance
        copies = list(entry.copies.select_related("original__member__sector", "original__member__party"))
        shown = {flag.original_id for flag in copies}
        context.update(
            entry=entry,
            group=group_of(entry.member),
            copies=copies,
            # the entries copying this one that are not already shown beside it as its original
            copied_by=list(
                ReflectionCopy.objects.filter(original=entry)
                .exclude(reflection_id__in=shown)
                .select_related("reflection__member")
                .order_by("-share")
            ),
            marks=rules.Mark.choices,
            may_mark=self.request.user.has_perm(rules.MARK),
            note_max=rules.NOTE_MAX,
            printed_in=list(rules.printed_in(entry)),  # 已刊入…, beside the mark that no longer changes them
        )
        return context


class PoolPermissionHelper(ReadOnlyPermissionHelper):
    def user_can_inspect_obj(self, user, obj):
        return user.has_perm(rules.VIEW_POOL)


class ReflectionAdmin(ModelAdmin):
    model = Reflection
    menu_label = _("履职心语")
    menu_icon = "openquote"
    base_url_path = POOL_PATH
    list_display = ("pick", "number", "author", "group", "year", "genre_label", "source", "excerpt", "state", "copy")
    list_display_add_buttons = "excerpt"
    list_filter = ("year", "member__sector", "member__party", "source", "genre", "mark")
    search_fields = ("text", "member__name")
    list_per_page = 50
    empty_value_display = "未填"  # the 党派 filter's choice for members without one
    ordering = ("-year", "-pk")
    index_view_class = PoolIndexView
    index_template_name = "handbook/admin/pool_index.html"
    inspect_view_enabled = True
    inspect_view_class = PoolInspectView
    inspect_template_name = "handbook/admin/pool_inspect.html"
    permission_helper_class = PoolPermissionHelper

    def get_queryset(self, request):
        return pool_rows(request.user)

    def inspect_view(self, request, instance_pk):
        get_object_or_404(rules.pool_visible_to(request.user), pk=id_or_404(instance_pk))
        return super().inspect_view(request, instance_pk)

    @admin.display(description=mark_safe('<span class="w-sr-only">选择</span>'))
    def pick(self, obj):
        return format_html(
            '<input type="checkbox" name="pk" value="{}" form="mark-form" aria-label="选择 #{}">', obj.pk, obj.pk
        )

    @admin.display(description=_("序号"))
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("委员"))
    def author(self, obj):
        return obj.member.name

    @admin.display(description=_("界别 / 党派"))
    def group(self, obj):
        return group_of(obj.member)

    @admin.display(description=_("体裁"))
    def genre_label(self, obj):
        return obj.get_genre_display() or "未注明"

    @admin.display(description=_("履职心语"))
    def excerpt(self, obj):
        return Truncator(" ".join(obj.text.split())).chars(40)

    @admin.display(description=_("遴选"))
    def state(self, obj):
        if obj.withdrawn_at:
            return f"{obj.get_mark_display()}（已撤回）"
        return obj.get_mark_display()

    @admin.display(description=_("疑似抄袭"))
    def copy(self, obj):
        flags = list(obj.copies.all())
        if not flags:
            return "—"
        return format_html_join(
            "；",
            '<a href="{}">与 #{}（{}）相同 {}%</a>',
            (
                (admin_url(flag.original_id), flag.original_id, flag.original.member.name, round(flag.share * 100))
                for flag in flags
            ),
        )


def admin_url(pk):
    return reverse(INSPECT_URL, args=[pk])


@require_POST
def mark_view(request):
    """Mark the boxes ticked on the list (or the one entry on its page), then back to where the
    editor was, filters and page kept."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse(INDEX_URL)
    pks = [int(pk) for pk in request.POST.getlist("pk") if pk.isdecimal() and len(pk) < 19]
    if not pks:
        messages.error(request, "请先勾选要遴选的履职心语。")
        return redirect(back)
    try:
        count, withdrawn = rules.mark_entries(request.user, pks, request.POST.get("mark", ""), request.POST.get("note"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except rules.ReflectionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if count:
        label = rules.Mark(request.POST["mark"]).label
        messages.success(request, f"已将 {count} 条履职心语标为「{label}」。")
    for words in rules.withdrawn_words(withdrawn):
        messages.warning(request, f"{words}，没有修改。")
    return redirect(back)


def image_view(request, pk):
    """An entry's picture, to the editors."""
    entry = get_object_or_404(rules.pool_visible_to(request.user), pk=pk)
    if not entry.image or not entry.image.storage.exists(entry.image.name):
        raise Http404("图片已不存在。")
    response = FileResponse(entry.image.open("rb"))
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


class HandbookGroup(ModelAdminGroup):
    menu_label = _("委员履职手册")
    menu_icon = "openquote"
    menu_order = 236
    items = (ReflectionAdmin, HandbookAdmin)


admin_urls = [
    path("handbook/reflections/mark/", mark_view, name="handbook_mark"),
    path("handbook/reflections/<int:pk>/image/", image_view, name="handbook_reflection_image"),
]
