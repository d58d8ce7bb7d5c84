from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.shortcuts import redirect
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin import options, views
from wagtail_modeladmin.helpers import PermissionHelper


class IndexView(views.IndexView):
    """An admin list that answers a filter it cannot apply (?year=abc, a hand-edited link) by
    showing the whole list with a message, where wagtail-modeladmin answers 500."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, "筛选条件无效，已改为显示全部记录。")
            return redirect(request.path)


class ModelAdmin(options.ModelAdmin):
    """The project's modeladmin base: every list is an IndexView above."""

    index_view_class = IndexView


class ReadOnlyPermissionHelper(PermissionHelper):
    """For records made by a process (an upload, a wizard), never created or edited by hand
    in the admin."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class AllowedMenuItem(MenuItem):
    """A menu entry shown to those `allowed(user)` admits: the entries each module declares in its
    *_MENU list as (label, url name, icon, allowed(user), order)."""

    def __init__(self, label, url, icon_name, allowed, order):
        super().__init__(label, url, icon_name=icon_name, order=order)
        self.allowed = allowed

    def is_shown(self, request):
        return bool(self.allowed(request.user))


MAX_ID = 2**63 - 1  # the largest id a database column holds; beyond it SQLite raises OverflowError


def id_or_404(value):
    """A row id from a URL, or Http404: a hand-edited link (`abc`, `99999999999999999999999`)
    is "not found", never a database error."""
    from django.http import Http404

    text = str(value)
    if not text.isdecimal() or int(text) > MAX_ID:
        raise Http404
    return int(text)
