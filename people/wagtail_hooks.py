from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList, extract_panel_definitions_from_model_class
from wagtail.admin.utils import get_user_display_name
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from lianxin_site.admin_helpers import ModelAdmin, ReadOnlyPermissionHelper, one_button_helper

from . import street_group_admin, street_groups, views
from .models import Member, Party, Profile, RosterImport, Sector, SpecialCommittee, StreetGroup
from .services import members_visible_to


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path("roster/import/", views.roster_import_upload, name="people_roster_import"),
        path("roster/import/<int:pk>/", views.roster_import_preview, name="people_roster_preview"),
        path("roster/import/<int:pk>/file/", views.roster_import_file, name="people_roster_file"),
        path("roster/export/", views.roster_export, name="people_roster_export"),
    ]


class MemberPermissionHelper(PermissionHelper):
    """Model permissions, narrowed to the members the user's role may see."""

    def _in_scope(self, user, obj):
        return members_visible_to(user).filter(pk=obj.pk).exists()

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and self._in_scope(user, obj)

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and self._in_scope(user, obj)

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and self._in_scope(user, obj)


# 主席会议职务 and 青年委员 decide who may be paired with whom (三联系): they are kept by those who
# keep the pairings (委员联络室), and shown to the others who edit the roster without letting them change.
DESIGNATIONS = ("chair_role", "is_youth")
MANAGE_DESIGNATIONS = "contacts.manage_pairings"


class MemberForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None or not for_user.has_perm(MANAGE_DESIGNATIONS):
            for name in DESIGNATIONS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("由委员联络室维护（三联系结对依据）。")


class MemberAdmin(ModelAdmin):
    model = Member
    menu_label = _("委员")
    menu_icon = "group"
    index_template_name = "people/admin/member_index.html"
    list_display = ("code", "name", "gender", "sector", "party", "committee", "is_standing", "street_group")
    list_filter = ("sector", "party", "committee", "is_standing", "chair_role", "is_youth", "street_group")
    search_fields = ("code", "name", "employer_title")
    list_per_page = 50
    inspect_view_enabled = True
    permission_helper_class = MemberPermissionHelper

    def get_edit_handler(self):
        """Every field of a member, as before, in a form that keeps the designations to 委员联络室."""
        return ObjectList(extract_panel_definitions_from_model_class(Member), base_form_class=MemberForm)

    def get_queryset(self, request):
        return (
            members_visible_to(request.user)
            .select_related("sector", "party", "committee", "street_group")
            .order_by("code")
        )


class SectorAdmin(ModelAdmin):
    model = Sector
    menu_icon = "tag"
    list_display = ("name", "contact_committee", "sort_order")
    list_filter = ("contact_committee",)
    search_fields = ("name",)


class PartyAdmin(ModelAdmin):
    model = Party
    menu_icon = "tag"
    list_display = ("name", "sort_order")
    search_fields = ("name",)


class SpecialCommitteeAdmin(ModelAdmin):
    model = SpecialCommittee
    menu_icon = "clipboard-list"
    list_display = ("name", "office", "sort_order")
    search_fields = ("name", "office")


class StreetGroupAdmin(ModelAdmin):
    """Each group with its 对口专委会 and 待完善; its edit page holds the six posts
    (street_group_admin.StreetGroupEditView, rules in street_groups)."""

    model = StreetGroup
    menu_icon = "site"
    list_display = ("name", "street", "committee", "posts", "incomplete")
    list_filter = ("incomplete", "committee")
    list_select_related = ("committee",)
    search_fields = ("name", "street")
    create_view_class = street_group_admin.StreetGroupCreateView
    edit_view_class = street_group_admin.StreetGroupEditView

    def get_edit_handler(self):
        return street_group_admin.group_panels()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions")

    @admin.display(description=_("组长、副组长、联络员"))
    def posts(self, obj):
        return (
            "；".join(
                f"{label} {position.name}" for label, _post, _side, position in street_groups.posts_of(obj) if position
            )
            or "—"
        )


class ProfileAdmin(ModelAdmin):
    model = Profile
    menu_icon = "user"
    list_display = ("user", "member", "sector", "party", "committee", "workstation", "street_group")
    list_filter = ("committee", "sector", "party", "street_group")
    list_select_related = ("user", "member", "sector", "party", "committee", "workstation", "street_group")
    search_fields = ("user__username", "member__name")
    # The group an account is 联络员 of follows its 联络员 post (基础数据 › 街道活动小组), which also gives
    # it the role 街道小组联络员: set here, the two would drift apart.
    form_fields_exclude = ["street_group"]


class RosterImportAdmin(ModelAdmin):
    model = RosterImport
    permission_helper_class = ReadOnlyPermissionHelper  # made by uploading a file
    menu_icon = "upload"
    index_template_name = "people/admin/rosterimport_index.html"
    list_display = ("original_name", "status", "uploader", "uploaded_at", "imported_at")
    list_select_related = ("uploaded_by",)
    list_filter = ("status",)
    button_helper_class = one_button_helper("people_roster_preview", _("查看这次导入的预览与结果"))

    @admin.display(description=_("上传人"))
    def uploader(self, obj):
        """The person's name, not their login."""
        return get_user_display_name(obj.uploaded_by) if obj.uploaded_by else "—"


class RosterGroup(ModelAdminGroup):
    menu_label = _("委员名册")
    menu_icon = "group"
    menu_order = 200
    items = (MemberAdmin, RosterImportAdmin)


class ReferenceDataGroup(ModelAdminGroup):
    menu_label = _("基础数据")
    menu_icon = "cogs"
    menu_order = 210
    items = (SectorAdmin, PartyAdmin, SpecialCommitteeAdmin, StreetGroupAdmin, ProfileAdmin)


modeladmin_register(RosterGroup)
modeladmin_register(ReferenceDataGroup)
