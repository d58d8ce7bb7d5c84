"""/forms/street-group/activities/: a 街道小组联络员 records the group's activities on the phone
(issue 16 item 12): date, title, kind, place, the 一街一策 item it carries out, 意见建议 and 办实事,
photos, and who came (出席/请假/缺席, 角色), or imports a 签到表 (transfer.py).

Every activity is fetched through street_activities.activities_visible_to (404 for another
group's); writing asks rules.may_write_group through the services of street_activities, whose
refusals are shown beside the field they name, keeping what was typed. The leadership reads
(no form). Photos leave private storage only through `activity_photo`, after the same selector.
The pages are never cached: they are operating records, not public pages.

URL names: street_group_activities, street_group_activity_add, street_group_activity_edit,
street_group_activity_delete, street_group_activity_photo, and the 签到表's (transfer.py)."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from forms_app.fields import DateInput, chosen, required
from lianxin_site.dates import this_year, year_param
from lianxin_site.refusals import refused
from people.models import Member

from . import rules, street_activities, transfer
from .models import ActivityKind, ActivityPhoto, Presence, StreetPlanItem
from .street_activities import ActivityError, Fields

NO_GROUP = (
    "只有街道小组联络员、负责小组的专委会工作室和委员联络室可以记录街道活动小组的活动。如有疑问，请联系委员联络室。"
)


def front(view):
    """login_required and never cached."""
    return login_required(never_cache(view))


class PlanItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return f"{item.plan.year}年{item.month}月 · {item.activity}（{item.get_kind_display()}）"


class ActivityForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput(), error_messages=required("活动日期"))
    title = forms.CharField(label="活动名称", max_length=200, error_messages=required("活动名称"))
    kind = forms.ChoiceField(label="类型", choices=ActivityKind.choices, error_messages=chosen("活动类型"))
    place = forms.CharField(label="地点", max_length=200, required=False)
    plan_item = PlanItemChoice(
        label="对应计划",
        queryset=StreetPlanItem.objects.none(),
        required=False,
        empty_label="（不对应一街一策中的计划）",
        help_text="本小组一街一策中的计划活动。",
        error_messages={"invalid_choice": "「对应计划」：只能选择本小组一街一策中的计划活动"},
    )
    opinions = forms.IntegerField(label="收集意见建议（条）", min_value=0, initial=0)
    deeds = forms.IntegerField(label="为民办实事（件）", min_value=0, initial=0)
    outcome = forms.CharField(
        label="意见建议和办实事情况",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="收集到哪些意见建议、为群众办了哪些实事。请勿填写群众的手机号、身份证号或住址。",
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["plan_item"].queryset = (
            StreetPlanItem.objects.filter(plan__group=group)
            .select_related("plan")
            .order_by("-plan__year", "month", "pk")
        )
        for name in ("opinions", "deeds"):
            self.fields[name].error_messages.update(
                required=f"请填写{self.fields[name].label}，没有填 0。",
                min_value=f"「{self.fields[name].label}」：请填写 0 或正整数",
                invalid=f"「{self.fields[name].label}」：请填写 0 或正整数",
            )

    def clean(self):
        """The rule's checks (street_activities.check_fields) on what could be read, so that a
        future date is named even when another field is wrong too."""
        data = super().clean()
        if data.get("date") is not None and data.get("kind"):
            for name, texts in street_activities.check_fields(self.group, self.fields_value()).items():
                if name in self.fields and name not in self.errors:
                    for text in texts:
                        self.add_error(name, text)
        return data

    def fields_value(self):
        data = self.cleaned_data
        return Fields(
            date=data.get("date"),
            title=data.get("title", ""),
            kind=data.get("kind", ""),
            place=data.get("place", ""),
            plan_item=data.get("plan_item"),
            opinions=data.get("opinions") or 0,
            deeds=data.get("deeds") or 0,
            outcome=data.get("outcome", ""),
        )

    def show(self, error):
        """Put each of the service's messages under the field it names."""
        for name, texts in error.errors.items():
            if name in ("photos", "attendance"):  # shown beside the photos and the attendance list
                continue
            target = name if name in self.fields else None
            for text in texts:
                self.add_error(target, text)


def initial_of(activity):
    return {
        "date": activity.date,
        "title": activity.title,
        "kind": activity.kind,
        "place": activity.place,
        "plan_item": activity.plan_item_id,
        "opinions": activity.opinions,
        "deeds": activity.deeds,
        "outcome": activity.outcome,
    }


def _visible(request, pk):
    return get_object_or_404(
        street_activities.activities_visible_to(request.user).select_related("group", "plan_item", "created_by"), pk=pk
    )


# ---------------------------------------------------------------------------
# Attendance on the edit page: a select and a role per row, 移出 boxes, 添加委员 by 委员证号


def attendance_rows(activity):
    return list(activity.attendance.select_related("member").order_by("member__code"))


def attendance_from_post(post, rows):
    """([(member, presence, role)], [messages]) from the edit form's attendance fields."""
    wanted, errors = [], []
    for row in rows:
        if post.get(f"remove_{row.member_id}"):
            continue
        presence = post.get(f"presence_{row.member_id}", row.presence)
        role = post.get(f"role_{row.member_id}", row.role).strip()
        wanted.append((row.member, presence, role))
    known = {row.member_id for row in rows}
    for code in [c for c in split_codes(post.get("add_codes", "")) if c]:
        member = Member.objects.filter(code=code).first()
        if member is None:
            errors.append(f"「添加委员」：名册中没有 {code}")
        elif member.pk not in known:
            known.add(member.pk)
            wanted.append((member, Presence.PRESENT, ""))
    return wanted, errors


def split_codes(text):
    return [part.strip() for part in re.split(r"[、，,；;\s]+", text or "")]


# ---------------------------------------------------------------------------
# Views


@front
def activity_list(request):
    """The year's activities of the groups the user sees, newest first, with 出席 counts."""
    year = year_param(request.GET.get("year"))
    groups = list(rules.street_groups_visible_to(request.user))
    if not groups:
        return refused(request, NO_GROUP)
    writable = list(street_activities.writable_groups(request.user))
    activities = list(
        street_activities.activities_visible_to(request.user)
        .filter(date__year=year)
        .select_related("group")
        .order_by("-date", "-pk")
    )
    counts = street_activities.attendance_counts([a.pk for a in activities])
    rows = [(a, counts.get(a.pk, (0, 0, 0))) for a in activities]
    return render(
        request,
        "stations/activities/list.html",
        {
            "year": year,
            "years": range(this_year(), this_year() - 4, -1),
            "rows": rows,
            "groups": groups,
            "writable": writable,
            "own": rules.liaison_group(request.user),
            "writable_ids": {g.pk for g in writable},
        },
    )


@front
@require_http_methods(["GET", "POST"])
def activity_add(request):
    writable = list(street_activities.writable_groups(request.user))
    if not writable:
        return refused(request, NO_GROUP)
    group_id = request.GET.get("group") or request.POST.get("group")
    own = rules.liaison_group(request.user)
    if group_id:
        group = next((g for g in writable if str(g.pk) == str(group_id)), None)
        if group is None:
            raise Http404("没有这个街道活动小组。")
    elif own is not None:
        group = own
    elif len(writable) == 1:
        group = writable[0]
    else:
        return render(request, "stations/activities/choose_group.html", {"groups": writable})
    form = ActivityForm(request.POST or None, group=group, initial={"date": timezone.localdate()})
    photo_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            activity = street_activities.create_activity(
                request.user, group, form.fields_value(), photos=request.FILES.getlist("photos")
            )
        except ActivityError as exc:
            form.show(exc)
            photo_errors = exc.errors.get("photos", [])
        except rules.StationError as exc:
            form.add_error(None, str(exc))
        else:
            invited = activity.attendance.count()
            messages.success(
                request,
                f"活动已保存。已按本小组名单邀请 {invited} 位委员，默认都为出席：请在下面标出请假、缺席，或导入签到表。",
            )
            return redirect("street_group_activity_edit", pk=activity.pk)
    return render(
        request,
        "stations/activities/form.html",
        {
            "form": form,
            "group": group,
            "photo_errors": photo_errors,
            "invitees": street_activities.default_invitees(group).count(),
            "photo_max": street_activities.PHOTO_MAX_COUNT,
        },
    )


@front
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = _visible(request, pk)
    may_write = rules.may_write_group(request.user, activity.group)
    rows = attendance_rows(activity)
    photos = list(activity.photos.all())
    if not may_write:
        if request.method == "POST":
            raise Http404("没有这项活动。")
        return render(
            request,
            "stations/activities/detail.html",
            {"activity": activity, "rows": rows, "photos": photos},
        )
    form = ActivityForm(request.POST or None, group=activity.group, initial=initial_of(activity))
    photo_errors, attendance_errors = [], []
    if request.method == "POST":
        wanted, attendance_errors = attendance_from_post(request.POST, rows)
        if form.is_valid() and not attendance_errors:
            try:
                street_activities.update_activity(
                    request.user,
                    activity.pk,
                    form.fields_value(),
                    attendance=wanted,
                    photos=request.FILES.getlist("photos"),
                    remove_photos=[int(v) for v in request.POST.getlist("remove_photo") if v.isdigit()],
                )
            except ActivityError as exc:
                form.show(exc)
                photo_errors = exc.errors.get("photos", [])
                attendance_errors = exc.errors.get("attendance", [])
            except rules.StationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已保存。")
                return redirect("street_group_activity_edit", pk=activity.pk)
        # Keep the attendance as the user set it on the page.
        posted = {member.pk: (presence, role) for member, presence, role in wanted}
        for row in rows:
            row.removed = row.member_id not in posted
            if not row.removed:
                row.presence, row.role = posted[row.member_id]
    return render(
        request,
        "stations/activities/form.html",
        {
            "form": form,
            "group": activity.group,
            "activity": activity,
            "rows": rows,
            "photos": photos,
            "photo_errors": photo_errors,
            "attendance_errors": attendance_errors,
            "add_codes": request.POST.get("add_codes", "") if request.method == "POST" else "",
            "presences": Presence.choices,
            "photo_max": street_activities.PHOTO_MAX_COUNT,
        },
    )


@front
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk):
    activity = _visible(request, pk)
    if not rules.may_write_group(request.user, activity.group):
        raise Http404("没有这项活动。")
    if request.method == "POST":
        try:
            street_activities.delete_activity(request.user, activity.pk)
        except rules.StationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已删除活动“{activity.title}”。")
        return redirect("street_group_activities")
    return render(request, "stations/activities/delete.html", {"activity": activity})


@front
def activity_photo(request, pk, photo_pk):
    """A photo from private storage, to whom may read its activity."""
    activity = _visible(request, pk)
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity=activity)
    if not photo.file or not photo.file.storage.exists(photo.file.name):
        raise Http404("照片文件已不存在。")
    response = FileResponse(photo.file.open("rb"), filename=photo.original_name)
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


urlpatterns = [
    path("activities/", activity_list, name="street_group_activities"),
    path("activities/new/", activity_add, name="street_group_activity_add"),
    path("activities/<int:pk>/", activity_edit, name="street_group_activity_edit"),
    path("activities/<int:pk>/delete/", activity_delete, name="street_group_activity_delete"),
    path("activities/<int:pk>/photos/<int:photo_pk>/", activity_photo, name="street_group_activity_photo"),
    *transfer.urlpatterns,
]
