"""群众诉求 › 委员接待日 and 社情民意联系点 in the admin.

委员接待日: 区政协办公室 arranges them for every workstation, a 专委会工作室 for the stations of its
对口委室 only (rules.reception_days_managed_by for the list and every page by URL; the station
choices by the same committee). The members on duty come from the station's 负责人 and 参与委员.
Each day's list shows how many are booked per slot; its bookings page shows the citizens' names
and phones only to 区政协办公室 (intake.view_personal_data), "（已隐去）" to everyone else.

社情民意联系点: 区政协办公室 only; the 联络员 are chosen among accounts of the 联系点联络员 group."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.views import CreateView

from lianxin_site.admin_helpers import ModelAdmin, id_or_404
from people import roles
from people.models import Member
from results.admin import forbidden

from . import reception, rules
from .models import HIDDEN, Booking, ContactPoint, ReceptionDay

DAY_REFUSAL = "您的账号不能安排这个委员接待日：区政协办公室安排全部工作室的接待日，专委会工作室安排对口工作室的接待日。"
POINT_REFUSAL = "只有区政协办公室可以设置社情民意联系点。"


def _active(user):
    return user.is_authenticated and user.is_active


def may_arrange(user):
    return _active(user) and user.has_perm("intake.view_receptionday") and rules.stations_managed_by(user).exists()


def sees_booking_personal(user):
    """Who reads a booking's name and phone in the admin: 区政协办公室 (intake.view_personal_data)."""
    return _active(user) and user.has_perm("intake.view_personal_data")


# --- 委员接待日


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.sector.name if member.sector_id else '—'}）"


class StationChoice(forms.ModelChoiceField):
    def label_from_instance(self, station):
        return station.title


class ReceptionDayForm(WagtailAdminModelForm):
    """Stations of the user's scope only; members on duty from the station's 负责人 and 参与委员;
    a day with bookings keeps its station and its booked slots."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stations = rules.stations_managed_by(self.for_user)
        self.fields["station"] = StationChoice(
            label="委员工作室",
            queryset=stations,
            widget=forms.Select,
            error_messages={
                "required": "请选择委员工作室",
                "invalid_choice": "请在列表中选择工作室（只能为本部门负责的工作室安排接待日）",
            },
        )
        self.fields["on_duty"] = MemberChoices(
            label="值班委员",
            queryset=Member.objects.filter(Q(led_workstations__in=stations) | Q(workstations__in=stations))
            .select_related("sector")
            .distinct()
            .order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            help_text="须是该工作室的负责人或参与委员。",
            error_messages={
                "required": "请选择至少一位值班委员",
                "invalid_choice": "值班委员须是所选工作室的负责人或参与委员，请在列表中选择",
            },
        )
        if self.instance.pk:
            self.initial.setdefault("on_duty", list(self.instance.on_duty.values_list("pk", flat=True)))
        for name, text in (("date", "日期"), ("start", "开始时间"), ("end", "结束时间"), ("place", "地点")):
            self.fields[name].error_messages["required"] = f"请填写{text}"

    def clean(self):
        data = super().clean()
        station, on_duty = data.get("station"), data.get("on_duty")
        if station is not None and on_duty:
            allowed = {station.lead_member_id, *station.members.values_list("pk", flat=True)}
            strangers = [m.name for m in on_duty if m.pk not in allowed]
            if strangers:
                self.add_error(
                    "on_duty",
                    f"值班委员须是“{station.title}”的负责人或参与委员：{'、'.join(strangers)} 不是该工作室的委员。",
                )
        if not self.instance.pk and data.get("date") and data["date"] < timezone.localdate():
            self.add_error("date", "日期不能早于今天")
        start, end, minutes = data.get("start"), data.get("end"), data.get("slot_minutes")
        if (
            start
            and end
            and minutes
            and end > start
            and not ReceptionDay(start=start, end=end, slot_minutes=minutes).slots()
        ):
            self.add_error("slot_minutes", "每个时段的分钟数超过了接待时间，至少要能分出一个时段")
        if self.instance.pk:
            self._keep_bookings(data, station)
        return data

    def _keep_bookings(self, data, station):
        booked = set(
            Booking.objects.filter(day=self.instance, cancelled_at__isnull=True).values_list("slot", flat=True)
        )
        if not booked:
            return
        if station is not None and station.pk != self.instance.station_id:
            self.add_error(
                "station", "已有群众预约，不能改到其他工作室；如需调整，请将本接待日标为“已取消”并另行安排。"
            )
        probe = ReceptionDay(start=data.get("start"), end=data.get("end"), slot_minutes=data.get("slot_minutes") or 0)
        lost = sorted(slot for slot in booked if slot not in probe.slots())
        if data.get("start") and data.get("end") and lost:
            self.add_error(
                "start",
                f"已有群众预约了 {'、'.join(s.strftime('%H:%M') for s in lost)} 的时段，不能去掉这些时段或改变时段长度。",
            )
        if data.get("date") and data["date"] != self.instance.date:
            self.add_error("date", "已有群众预约，不能改日期；如需调整，请将本接待日标为“已取消”并另行安排。")


class DayPermissionHelper(PermissionHelper):
    def _in_scope(self, user, obj):
        return rules.reception_days_managed_by(user).filter(pk=obj.pk).exists()

    def user_can_list(self, user):
        return may_arrange(user)

    def user_can_create(self, user):
        return super().user_can_create(user) and rules.stations_managed_by(user).exists()

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and self._in_scope(user, obj)

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        # A day with bookings is marked 已取消 instead: the citizens keep their receipts' meaning;
        # a day with 来访登记 keeps them (Visit.day is PROTECT).
        return (
            super().user_can_delete_obj(user, obj)
            and self._in_scope(user, obj)
            and not obj.bookings.filter(cancelled_at__isnull=True).exists()
            and not obj.visits.exists()
        )


class DayCreateView(CreateView):
    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


class ReceptionDayAdmin(ModelAdmin):
    model = ReceptionDay
    menu_label = _("委员接待日")
    menu_icon = "date"
    menu_order = 300
    list_display = ("date", "hours", "station", "place", "duty", "booked", "state", "bookings_link")
    list_filter = ("cancelled",)
    list_per_page = 50
    permission_helper_class = DayPermissionHelper
    create_view_class = DayCreateView
    edit_handler = ObjectList(
        [
            FieldPanel("station"),
            FieldRowPanel([FieldPanel("date"), FieldPanel("start"), FieldPanel("end")]),
            FieldPanel("place"),
            FieldRowPanel([FieldPanel("slot_minutes"), FieldPanel("places")]),
            FieldPanel("on_duty"),
            MultiFieldPanel([FieldPanel("note"), FieldPanel("cancelled")], heading=_("说明")),
        ],
        base_form_class=ReceptionDayForm,
    )

    def get_queryset(self, request):
        active = Booking.objects.filter(cancelled_at__isnull=True).only("pk", "day_id", "slot")
        return (
            rules.reception_days_managed_by(request.user)
            .select_related("station")
            .prefetch_related("on_duty", Prefetch("bookings", queryset=active, to_attr="active_bookings"))
        )

    def _scoped(self, request, instance_pk):
        return get_object_or_404(rules.reception_days_managed_by(request.user), pk=id_or_404(instance_pk))

    def index_view(self, request):
        if not may_arrange(request.user):
            return forbidden(request, DAY_REFUSAL)
        return super().index_view(request)

    def create_view(self, request):
        if not (request.user.has_perm("intake.add_receptionday") and rules.stations_managed_by(request.user).exists()):
            return forbidden(request, DAY_REFUSAL)
        return super().create_view(request)

    def edit_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        return super().delete_view(request, instance_pk)

    def inspect_view(self, request, instance_pk):
        day = self._scoped(request, instance_pk)
        return redirect("intake_reception_bookings", day.pk)

    @admin.display(description=_("时间"))
    def hours(self, obj):
        return f"{obj.start:%H:%M}—{obj.end:%H:%M}"

    @admin.display(description=_("值班委员"))
    def duty(self, obj):
        return "、".join(m.name for m in obj.on_duty.all()) or "—"

    @admin.display(description=_("各时段已约/可约"))
    def booked(self, obj):
        counts = {}
        for booking in getattr(obj, "active_bookings", []):
            counts[booking.slot] = counts.get(booking.slot, 0) + 1
        return reception.booked_summary(obj, counts)

    @admin.display(description=_("状态"))
    def state(self, obj):
        return "已取消" if obj.cancelled else "正常"

    @admin.display(description=_("预约"))
    def bookings_link(self, obj):
        n = len(getattr(obj, "active_bookings", []))
        return format_html('<a href="{}">查看预约（{}）</a>', reverse("intake_reception_bookings", args=[obj.pk]), n)


@require_GET
def day_bookings(request, pk):
    """A day's bookings by slot. Name and phone for 区政协办公室 only."""
    if not may_arrange(request.user):
        return forbidden(request, DAY_REFUSAL)
    day = get_object_or_404(rules.reception_days_managed_by(request.user).select_related("station"), pk=id_or_404(pk))
    personal = sees_booking_personal(request.user)
    bookings = list(Booking.objects.filter(day=day).order_by("slot", "pk"))
    rows = [
        {
            "number": b.number,
            "slot": b.slot,
            "name": b.name if personal else (HIDDEN if b.name else ""),
            "phone": b.phone if personal else (HIDDEN if b.phone else ""),
            "topic": b.topic,
            "cancelled_at": b.cancelled_at,
            "created_at": b.created_at,
        }
        for b in bookings
    ]
    slots = reception.slot_table(day)
    return TemplateResponse(
        request,
        "intake/reception/admin_bookings.html",
        {
            "title": f"接待日预约：{day.station.title} {day}",
            "day": day,
            "slots": [(slot, [r for r in rows if r["slot"] == slot.start]) for slot in slots],
            "personal": personal,
            "edit_url": reverse("intake_receptionday_modeladmin_edit", args=[day.pk])
            if DayPermissionHelper(ReceptionDay).user_can_edit_obj(request.user, day)
            else "",
            "index_url": reverse("intake_receptionday_modeladmin_index"),
        },
    )


# --- 社情民意联系点


class LiaisonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        full = user.get_full_name()
        return f"{full}（{user.get_username()}）" if full else user.get_username()


class ContactPointForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        liaisons = get_user_model().objects.filter(groups__name=roles.POINT_LIAISON, is_active=True).distinct()
        self.fields["liaisons"] = LiaisonChoices(
            label="联络员",
            queryset=liaisons.order_by("username"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=f"只能选择“{roles.POINT_LIAISON}”组的账号；他们在前台登记本联系点的来访。",
        )
        if self.instance.pk:
            self.initial.setdefault("liaisons", list(self.instance.liaisons.values_list("pk", flat=True)))

    def clean(self):
        data = super().clean()
        if data.get("level") == ContactPoint.Level.COMMUNITY and not data.get("community"):
            self.add_error("community", "村（社区）联系点请填写所在村（社区）")
        return data


class PointPermissionHelper(PermissionHelper):
    def _office(self, user):
        return rules.is_registrar(user)

    def user_can_list(self, user):
        return self._office(user) and super().user_can_list(user)

    def user_can_create(self, user):
        return self._office(user) and super().user_can_create(user)

    def user_can_edit_obj(self, user, obj):
        return self._office(user) and super().user_can_edit_obj(user, obj)

    def user_can_delete_obj(self, user, obj):
        return self._office(user) and super().user_can_delete_obj(user, obj) and not obj.visits.exists()


class ContactPointAdmin(ModelAdmin):
    model = ContactPoint
    menu_label = _("社情民意联系点")
    menu_icon = "site"
    menu_order = 310
    list_display = ("name", "level", "town", "community", "hours", "phone", "liaison_names", "active")
    list_filter = ("level", "active", "town")
    search_fields = ("name", "town", "community")
    permission_helper_class = PointPermissionHelper
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("level"), FieldPanel("town"), FieldPanel("community")]),
            FieldPanel("address"),
            FieldRowPanel([FieldPanel("hours"), FieldPanel("phone")]),
            FieldPanel("liaisons"),
            FieldPanel("active"),
        ],
        base_form_class=ContactPointForm,
    )

    def get_queryset(self, request):
        if not rules.is_registrar(request.user):
            return ContactPoint.objects.none()
        return ContactPoint.objects.prefetch_related("liaisons")

    def _office_only(self, request):
        return None if rules.is_registrar(request.user) else forbidden(request, POINT_REFUSAL)

    def index_view(self, request):
        return self._office_only(request) or super().index_view(request)

    def create_view(self, request):
        return self._office_only(request) or super().create_view(request)

    def edit_view(self, request, instance_pk):
        if refusal := self._office_only(request):
            return refusal
        get_object_or_404(ContactPoint, pk=id_or_404(instance_pk))
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        if refusal := self._office_only(request):
            return refusal
        point = get_object_or_404(ContactPoint, pk=id_or_404(instance_pk))
        if point.visits.exists():
            messages.error(request, f"“{point.name}”已有来访登记，不能删除；如不再对外公布，请取消勾选“对外公布”。")
            return redirect(self.url_helper.index_url)
        return super().delete_view(request, instance_pk)

    @admin.display(description=_("联络员"))
    def liaison_names(self, obj):
        return "、".join(u.get_full_name() or u.get_username() for u in obj.liaisons.all()) or "—"


MODELADMINS = [ReceptionDayAdmin, ContactPointAdmin]
MENU = []  # (label, url name, icon, allowed(user), order): the two lists above are the entries
urls = [
    path("intake/reception/<str:pk>/bookings/", day_bookings, name="intake_reception_bookings"),
]
