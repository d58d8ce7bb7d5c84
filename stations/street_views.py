"""/forms/street-group/: the 街道小组联络员 on the phone. The group's home (its six posts, this
year's 一街一策 and what became of it, the way to its activities) and the plan: 保存草稿, 报送, and
after a 退回, edit and 报送 again; a confirmed plan is read only.

Whose group it is comes from rules.liaison_group(user) alone; a plan is fetched within that group
(another group's plan is a 404). Every write is one call to street_groups.save_plan; its refusal is
shown beside the field or row it names, keeping what was typed. Never cached, never public."""

from django import forms
from django.contrib import messages
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse

from lianxin_site.dates import this_year
from lianxin_site.refusals import page_for
from people import street_groups as posts
from people.models import Member

from . import rules
from . import street_groups as plans
from .models import ActivityKind, StreetGroupPlan

NOT_A_LIAISON = "这个账号不是街道小组联络员，或还没有指定联络的街道活动小组。如有疑问，请联系委员联络室。"
BLANK_ROWS = 3


liaison_page = page_for(lambda user: rules.liaison_group(user), NOT_A_LIAISON)


def activities_url():
    """The group's activities (activity_views)."""
    return reverse("street_group_activities")


@liaison_page
def home(request, group):
    year = this_year()
    group_plans = {p.year: p for p in StreetGroupPlan.objects.filter(group=group)}
    current = [(y, group_plans.get(y), plans.status_note(group_plans.get(y))) for y in plans.editable_years()]
    earlier = [p for y, p in sorted(group_plans.items(), reverse=True) if y < year]
    return render(
        request,
        "stations/street/home.html",
        {
            "group": group,
            "posts": posts.posts_of(group),
            "current": current,
            "earlier": earlier,
            "members": Member.objects.filter(street_group=group).order_by("code").only("name"),
            "activities_url": activities_url(),
        },
    )


# --- the plan ------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    needs = forms.CharField(
        label="街道中心工作与需求",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="街道今年的中心工作，群众和辖区单位的需求。",
    )
    approach = forms.CharField(
        label="本组方案",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="小组围绕这些需求打算怎么做。",
    )


MONTHS = [("", "月份")] + [(str(m), f"{m}月") for m in range(1, 13)]


class ItemForm(forms.Form):
    month = forms.ChoiceField(label="月份", choices=MONTHS, required=False)
    activity = forms.CharField(label="活动", required=False)  # its length: street_groups.check_plan
    kind = forms.ChoiceField(label="类型", choices=[("", "类型")] + list(ActivityKind.choices), required=False)
    lead_members = forms.TypedMultipleChoiceField(
        label="牵头委员", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_members"].choices = member_choices

    def blank(self):
        data = self.cleaned_data
        return not (
            data.get("month") or (data.get("activity") or "").strip() or data.get("kind") or data.get("lead_members")
        )

    def item(self):
        data = self.cleaned_data
        return plans.ItemInput(
            data.get("month") or "", data.get("activity") or "", data.get("kind") or "", data.get("lead_members") or []
        )


ItemFormSet = formset_factory(ItemForm, extra=0)


def member_choices(group, chosen=()):
    """The group's members, and any member already chosen who has since left it (so that the rule,
    not the form, says 不是本小组委员)."""
    members = Member.objects.filter(street_group=group) | Member.objects.filter(pk__in=list(chosen))
    return [(m.pk, m.name) for m in members.distinct().order_by("code")]


def item_initial(plan):
    if plan is None:
        return []
    return [
        {
            "month": str(i.month),
            "activity": i.activity,
            "kind": i.kind,
            "lead_members": [m.pk for m in i.lead_members.all()],
        }
        for i in plan.items.prefetch_related("lead_members")
    ]


def posted_ids(data):
    ids = set()
    for key, values in data.lists():
        if key.endswith("-lead_members"):
            ids.update(int(v) for v in values if v.isdecimal() and len(v) < 19)
    return ids


def attach(errors, form, items, rows):
    """Each rule message beside what it names; rows are the formset's non-blank forms, in order."""
    for key, message in errors:
        if isinstance(key, tuple):
            row, column = key
            target = rows[row - 1]
            target.add_error(column if column in target.fields else None, message)
        elif key in ("needs", "approach"):
            form.add_error(key, message)
        elif key == "items":
            items._non_form_errors = items.error_class([*items.non_form_errors(), message])
        else:
            form.add_error(None, message)


@liaison_page
def plan(request, group):
    """This year's (or ?year= next year's) plan: edit while a draft or returned, else read."""
    asked = request.GET.get("year") or ""
    year = int(asked) if asked.isdecimal() and len(asked) == 4 else this_year()
    if year not in plans.editable_years():
        raise Http404
    current = StreetGroupPlan.objects.filter(group=group, year=year).first()
    if current is not None and not plans.may_edit(request.user, current):
        return read_plan(request, group, current)
    seen = request.POST.get("token", "") if request.method == "POST" else plans.token(current)
    if request.method == "POST":
        form = PlanForm(request.POST)
        chosen = posted_ids(request.POST)
        items = ItemFormSet(request.POST, prefix="items", form_kwargs={"member_choices": member_choices(group, chosen)})
        action = request.POST.get("action", "save")
        if action == "more" and form.is_valid() and items.is_valid():
            data = request.POST.copy()
            data["items-TOTAL_FORMS"] = str(items.total_form_count() + BLANK_ROWS)
            items = ItemFormSet(data, prefix="items", form_kwargs={"member_choices": member_choices(group, chosen)})
            form = PlanForm(data)
            return edit_page(request, group, year, current, form, items, seen)
        if form.is_valid() and items.is_valid():
            rows = [f for f in items.forms if not f.blank()]
            try:
                plans.save_plan(
                    request.user,
                    group,
                    year,
                    needs=form.cleaned_data["needs"],
                    approach=form.cleaned_data["approach"],
                    items=[f.item() for f in rows],
                    submit=action == "submit",
                    seen=seen or None,
                )
            except plans.PlanError as error:
                if any(message == plans.STALE for _key, message in error.errors):
                    messages.error(request, plans.STALE)
                    return redirect(f"{reverse('street_group_plan')}?year={year}")
                attach(error.errors, form, items, rows)
            else:
                if action == "submit":
                    messages.success(request, f"已报送 {year} 年一街一策，等待委员联络室确认。")
                    return redirect("street_group_home")
                messages.success(request, "草稿已保存。")
                return redirect(f"{reverse('street_group_plan')}?year={year}")
        return edit_page(request, group, year, current, form, items, seen)
    form = PlanForm(initial={"needs": current.needs, "approach": current.approach} if current else None)
    initial = item_initial(current)
    chosen = {pk for row in initial for pk in row["lead_members"]}
    items = ItemFormSet(
        prefix="items",
        initial=initial + [{}] * BLANK_ROWS,
        form_kwargs={"member_choices": member_choices(group, chosen)},
    )
    return edit_page(request, group, year, current, form, items, seen)


def edit_page(request, group, year, current, form, items, seen):
    return render(
        request,
        "stations/street/plan.html",
        {
            "group": group,
            "year": year,
            "plan": current,
            "note": plans.status_note(current),
            "form": form,
            "items": items,
            "token": seen,
            "has_members": Member.objects.filter(street_group=group).exists(),
        },
    )


def read_plan(request, group, current):
    return render(
        request,
        "stations/street/plan_read.html",
        {
            "group": group,
            "plan": current,
            "note": plans.status_note(current),
            "items": current.items.prefetch_related("lead_members"),
        },
    )


@liaison_page
def plan_detail(request, group, pk):
    """Any of the group's plans, read only (earlier years from the home page); another group's: 404."""
    current = StreetGroupPlan.objects.filter(group=group, pk=pk).first()
    if current is None:
        raise Http404("没有这份一街一策。")
    return read_plan(request, group, current)


urlpatterns = [
    path("", home, name="street_group_home"),
    path("plan/", plan, name="street_group_plan"),
    path("plan/<int:pk>/", plan_detail, name="street_group_plan_detail"),
]
