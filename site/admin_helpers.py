from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem
from wagtail_modeladmin import options, views
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.menus import GroupMenuItem


class IndexView(views.IndexView):
    """An admin list that answers a filter it cannot apply (?year=abc, a hand-edited link) by
    showing the whole list with a message, where wagtail-modeladmin answers 500.

    Only the list's own filters (list_filter) may narrow it: wagtail-modeladmin would apply any
    other query parameter as a lookup (?name=…, ?phone__startswith=1398), letting a role that
    reads 「（已隐去）」 find a hidden name or phone letter by letter."""

    def get_filters(self, request):
        filter_specs, has_filters, remaining, use_distinct = super().get_filters(request)
        if remaining:
            raise IncorrectLookupParameters(f"not a filter of this list: {', '.join(remaining)}")
        return filter_specs, has_filters, remaining, use_distinct

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, "筛选条件无效，已改为显示全部记录。")
            return redirect(request.path)


class ModelAdmin(options.ModelAdmin):
    """The project's modeladmin base: every list is an IndexView above, and an inspect, edit or
    delete link with a hand-edited id (`abc`, a number past any column) is "not found", where
    wagtail-modeladmin answers 500."""

    index_view_class = IndexView

    def _checked(self, instance_pk):
        from django.db.models import AutoField, BigAutoField

        if isinstance(self.model._meta.pk, (AutoField, BigAutoField)):
            id_or_404(instance_pk)

    def inspect_view(self, request, instance_pk):
        self._checked(instance_pk)
        return super().inspect_view(request, instance_pk)

    def edit_view(self, request, instance_pk):
        self._checked(instance_pk)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self._checked(instance_pk)
        return super().delete_view(request, instance_pk)


class ReadOnlyPermissionHelper(PermissionHelper):
    """For records made by a process (an upload, a wizard), never created or edited by hand
    in the admin."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


def one_button_helper(url_name, title):
    """A ButtonHelper whose list rows carry one button, 查看, to the page `url_name` (pk) where the
    record is read and acted on: an upload's preview, a job's progress."""

    class OneButtonHelper(ButtonHelper):
        def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
            return [
                {
                    "url": reverse(url_name, args=[obj.pk]),
                    "label": _("查看"),
                    "classname": "button button-small button-secondary",
                    "title": title,
                }
            ]

    return OneButtonHelper


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


class ModuleMenuGroup(options.ModelAdminGroup):
    """A menu group built from admin modules (三联系, 工作室运行): each module exports MODELADMINS
    (modeladmin classes), MENU [(label, url name, icon, allowed(user), order)] and urls, and the
    group shows each entry to whom its allowed(user) admits. A subclass names its `modules`."""

    modules = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.items = tuple(modeladmin for module in cls.modules for modeladmin in module.MODELADMINS)

    def get_submenu_items(self):
        items = [admin.get_menu_item(order=admin.menu_order) for admin in self.modeladmin_instances]
        items += [
            AllowedMenuItem(label, reverse(url_name), icon, allowed, order)
            for module in self.modules
            for label, url_name, icon, allowed, order in module.MENU
        ]
        return sorted(items, key=lambda item: item.order)

    def get_menu_item(self):
        """The group even before it has a modeladmin of its own: its pages are declared entries."""
        return GroupMenuItem(self, self.get_menu_order(), Menu(items=self.get_submenu_items()))
