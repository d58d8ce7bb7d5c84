"""基础数据 › 街道活动小组 in the admin: one page holds a group's 对口专委会, the text still to be
sorted out and its six posts (six fixed rows), saved together through street_groups.save_group.
委员联络室 and 系统管理员 (people.change_streetgroup) edit it; 待完善 is computed, never typed."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.views import CreateView, EditView

from . import street_groups
from .models import Member, StreetGroup


def group_panels():
    """The group's own fields; 待完善 is computed by the rule and only shown in the list."""
    return ObjectList([FieldPanel(name) for name in street_groups.GROUP_FIELDS])


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        full = user.get_full_name()
        return f"{user.get_username()}（{full}）" if full else user.get_username()


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.code}）"


class SeatForm(forms.Form):
    """One of the six fixed rows."""

    name = forms.CharField(label="姓名", max_length=50, required=False)
    title = forms.CharField(label="单位及职务", max_length=100, required=False)
    member = MemberChoiceField(
        label="委员", queryset=Member.objects.order_by("code"), required=False, help_text="选了委员，姓名随委员。"
    )
    user = AccountChoiceField(label="账号", queryset=None, required=False)

    def __init__(self, *args, post, side, **kwargs):
        super().__init__(*args, **kwargs)
        self.post, self.side = post, side
        self.label = street_groups.seat_label(post, side)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        if post == "liaison":
            self.fields["user"].help_text = "该账号即成为本小组的街道小组联络员。"

    def seat(self):
        data = self.cleaned_data
        return street_groups.Seat(
            self.post, self.side, data.get("name") or "", data.get("title") or "", data.get("member"), data.get("user")
        )


def seat_forms(group, data=None):
    held = {(p.post, p.side): p for p in group.positions.all()} if group.pk else {}
    result = []
    for post, side in street_groups.POSTS:
        position = held.get((post, side))
        initial = (
            {"name": position.name, "title": position.title, "member": position.member_id, "user": position.user_id}
            if position
            else {}
        )
        result.append(SeatForm(data, post=post, side=side, prefix=f"{post}-{side}", initial=initial))
    return result


def attach(errors, group_form, seats):
    """Show each rule message beside what it names: a row, the pair's rows, or the page."""
    for key, message in errors:
        if isinstance(key, tuple):
            targets = [s for s in seats if (s.post, s.side) == key]
        elif key:
            targets = [s for s in seats if s.post == key]
        else:
            targets = []
        if targets:
            targets[0].add_error(None, message)
        else:
            group_form.add_error(None, message)


class StreetGroupEditView(EditView):
    """The group's fields and its six posts on one page, saved together or not at all."""

    def get_template_names(self):
        return ["people/admin/streetgroup_edit.html"]

    def get_context_data(self, form=None, seats=None, token=None, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["seats"] = seats if seats is not None else seat_forms(self.instance)
        context["token"] = token or street_groups.state_token(self.instance)
        context["missing"] = [
            label for label, _post, _side, position in street_groups.posts_of(self.instance) if position is None
        ]
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        seats = seat_forms(self.instance, request.POST)
        if form.is_valid() and all(s.is_valid() for s in seats):
            fields = {name: form.cleaned_data[name] for name in street_groups.GROUP_FIELDS}
            try:
                group = street_groups.save_group(
                    self.instance.pk, [s.seat() for s in seats], fields=fields, seen=request.POST.get("token")
                )
            except street_groups.PositionError as error:
                if any(message == street_groups.STALE for _key, message in error.errors):
                    messages.error(request, street_groups.STALE)
                    self.instance = StreetGroup.objects.get(pk=self.instance.pk)
                    fresh = self.get_form_class()(instance=self.instance, for_user=request.user)
                    return self.render_to_response(self.get_context_data(form=fresh))
                attach(error.errors, form, seats)
            else:
                state = "（待完善）" if group.incomplete else ""
                messages.success(request, f"已保存“{group.name}”的资料和职务{state}。")
                return redirect(self.index_url)
        messages.error(request, "没有保存：请按红字修改。已填写的内容都保留着。")
        return self.render_to_response(self.get_context_data(form=form, seats=seats, token=request.POST.get("token")))


class StreetGroupCreateView(CreateView):
    """A new group has no posts yet: it is 待完善 until they are filled on its edit page."""

    def form_valid(self, form):
        group = form.save(commit=False)
        group.incomplete = True
        group.save()
        messages.success(self.request, f"已新建“{group.name}”。请填写六个职务。")
        return redirect(self.url_helper.get_action_url("edit", group.pk))
