"""/forms/station/meetings/ and /forms/station/logs/: the 召集人 records the station's 季度例会 and
履职日志 on the phone.

Whose station it is comes from rules.convener_station(user) alone, and only its 召集人 writes
(rules.may_write_station_records; anyone else gets a 403 page saying why). A record is fetched
among the convener's own (records.convener_records): another station's is a 404. Every write is
one call to records.save_meeting / save_log; their refusals show beside the fields they name and
keep what was typed. The pages are never cached.

The attachment of a meeting is handed out by meeting_attachment, to the convener and to the
offices that read the station's records (records.records_visible_to)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from forms_app.fields import DateInput
from lianxin_site.admin_helpers import MAX_ID, id_or_404
from lianxin_site.refusals import refused
from people.models import Member

from . import records, stats
from . import rules as station_rules
from .models import LogType, StationLog, StationMeeting

NOT_A_CONVENER = (
    "只有委员工作室的召集人可以记录季度例会和履职日志：这个账号没有对应的工作室。如有疑问，请联系委员联络室。"
)
LIST_LIMIT = 50


def convener_page(view):
    """login_required, never cached, and only for the 召集人 of a station (who may write its
    records); the view gets the station as its second argument."""

    @login_required
    @never_cache
    def wrapped(request, *args, **kwargs):
        station = station_rules.convener_station(request.user)
        if station is None or not station_rules.may_write_station_records(request.user, station):
            return refused(request, NOT_A_CONVENER)
        return view(request, station, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def own_record(user, model, pk):
    record = records.convener_records(user, model).filter(pk=id_or_404(pk)).first()
    if record is None:
        raise Http404("没有这条记录。")
    return record


# --- forms: the shape of the input; the rules in records.py decide the rest


class MemberIds(forms.MultipleChoiceField):
    """Chips posted as member ids. Any plain id passes here; records.check_* names a member who is
    not the station's, and an id that is no member at all is 「请重新选择」."""

    def valid_value(self, value):
        text = str(value)
        return text.isdecimal() and int(text) <= MAX_ID


def member_choices(station, instance=None, relation=None):
    ids = records.allowed_member_ids(station, instance, relation)
    return [(str(m.pk), m.name) for m in Member.objects.filter(pk__in=ids).order_by("code")]


def resolve(ids):
    """Members for posted ids, in order, and whether any id named nobody."""
    wanted = [int(i) for i in ids]
    found = Member.objects.in_bulk(wanted)
    return [found[i] for i in wanted if i in found], any(i not in found for i in wanted)


class RecordForm(forms.Form):
    date = forms.DateField(
        label="日期",
        widget=DateInput(),
        error_messages={"required": "「日期」：请填写日期", "invalid": "「日期」：请填写正确的日期，如 2026-03-05"},
    )

    def show_refusal(self, errors):
        for name, texts in errors.items():
            target = name if name in self.fields else None
            for text in texts:
                if target is None or text not in self.errors.get(target, []):
                    self.add_error(target, text)


class MeetingForm(RecordForm):
    attendees = MemberIds(label="出席委员", required=False, widget=forms.CheckboxSelectMultiple)
    absentees = MemberIds(label="缺席委员", required=False, widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label="附件",
        required=False,
        help_text="会议记录的照片或文件：PDF、Word、JPG、PNG，不超过 10 MB；只有本工作室、对口专委会工作室和委员联络室能看到。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
    )
    remove_attachment = forms.BooleanField(label="删除已上传的附件", required=False)

    def __init__(self, *args, station, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        self.instance = instance
        choices = member_choices(station, instance, "attendees")
        self.fields["attendees"].choices = choices
        self.fields["absentees"].choices = choices
        if instance is None or not instance.attachment:
            del self.fields["remove_attachment"]

    def reason_of(self, pk):
        source = self.data if self.is_bound else self.initial.get("reasons", {})
        return (source.get(f"reason_{pk}") or "").strip()

    def absence_rows(self):
        """[(checkbox, member name, reason field name, reason)] for the 缺席委员 rows."""
        return [
            (box, box.choice_label, f"reason_{box.data['value']}", self.reason_of(box.data["value"]))
            for box in self["absentees"]
        ]

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            problem = records.attachment_error(upload)
            if problem:
                raise forms.ValidationError(problem)
        return upload

    def meeting(self):
        data = self.cleaned_data
        attendees, unknown = resolve(data.get("attendees") or [])
        absent, unknown_absent = resolve(data.get("absentees") or [])
        if unknown:
            self.add_error("attendees", "「出席委员」：请重新选择")
        if unknown_absent:
            self.add_error("absentees", "「缺席委员」：请重新选择")
        return records.Meeting(
            date=data.get("date"),
            attendees=attendees,
            absences=[(m, self.reason_of(m.pk)) for m in absent],
            minutes=data.get("minutes") or "",
        )

    def clean(self):
        data = super().clean()
        self.show_refusal(records.check_meeting(self.station, self.meeting(), self.instance))
        return data

    def attachment_to_save(self):
        if self.cleaned_data.get("attachment"):
            return self.cleaned_data["attachment"]
        return False if self.cleaned_data.get("remove_attachment") else None


class LogForm(RecordForm):
    members = MemberIds(label="委员", required=False, widget=forms.CheckboxSelectMultiple)
    # Any text goes through: records.check_log names a bad one.
    type = forms.CharField(label="类型", required=False, widget=forms.RadioSelect(choices=LogType.choices))
    matter = forms.CharField(
        label="事项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="接待了谁、反映或商议了什么；请勿填写群众的手机号或身份证号。",
    )
    handling = forms.CharField(label="办理与反馈", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, station, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        self.instance = instance
        self.fields["members"].choices = member_choices(station, instance, "members")

    def log(self):
        data = self.cleaned_data
        members, unknown = resolve(data.get("members") or [])
        if unknown:
            self.add_error("members", "「委员」：请重新选择")
        return records.Log(
            date=data.get("date"),
            members=members,
            type=data.get("type") or "",
            matter=data.get("matter") or "",
            handling=data.get("handling") or "",
        )

    def clean(self):
        data = super().clean()
        self.show_refusal(records.check_log(self.station, self.log(), self.instance))
        return data


# --- views


def meeting_initial(meeting):
    absences = list(meeting.absences.all())
    return {
        "date": meeting.date,
        "attendees": [str(m.pk) for m in meeting.attendees.all()],
        "absentees": [str(a.member_id) for a in absences],
        "reasons": {f"reason_{a.member_id}": a.reason for a in absences},
        "minutes": meeting.minutes,
    }


def log_initial(log):
    return {
        "date": log.date,
        "members": [str(m.pk) for m in log.members.all()],
        "type": log.type,
        "matter": log.matter,
        "handling": log.handling,
    }


@convener_page
def meetings(request, station):
    """季度例会: this station's records, newest first, and 「记录季度例会」."""
    rows = (
        records.convener_records(request.user, StationMeeting)
        .prefetch_related("attendees", "absences__member")
        .order_by("-date", "-pk")[:LIST_LIMIT]
    )
    year = timezone.localdate().year
    held = sorted(stats.meeting_quarters([station.pk], year).get(station.pk, {}))
    return render(
        request,
        "stations/records/meetings.html",
        {"station": station, "meetings": rows, "year": year, "held": held},
    )


def meeting_form(request, station, instance=None):
    if request.method == "POST":
        form = MeetingForm(request.POST, request.FILES, station=station, instance=instance)
        if form.is_valid():
            try:
                saved = records.save_meeting(
                    request.user, station, form.meeting(), instance=instance, attachment=form.attachment_to_save()
                )
            except records.RecordError as exc:
                form.show_refusal(exc.errors)
            except station_rules.StationError as exc:
                return refused(request, str(exc))
            else:
                verb = "已修改" if instance else "已记录"
                messages.success(request, f"{verb}：{saved.date:%Y-%m-%d} 季度例会。")
                return redirect("station_meetings")
    elif instance is not None:
        form = MeetingForm(station=station, instance=instance, initial=meeting_initial(instance))
    else:
        form = MeetingForm(station=station, initial={"date": timezone.localdate()})
    return render(
        request, "stations/records/meeting_form.html", {"station": station, "form": form, "instance": instance}
    )


@convener_page
def meeting_add(request, station):
    return meeting_form(request, station)


@convener_page
def meeting_edit(request, station, pk):
    return meeting_form(request, station, own_record(request.user, StationMeeting, pk))


@convener_page
def logs(request, station):
    """履职日志: this station's entries, newest first, and 「记一条履职日志」."""
    rows = (
        records.convener_records(request.user, StationLog)
        .prefetch_related("members")
        .order_by("-date", "-pk")[:LIST_LIMIT]
    )
    return render(request, "stations/records/logs.html", {"station": station, "logs": rows})


def log_form(request, station, instance=None):
    if request.method == "POST":
        form = LogForm(request.POST, station=station, instance=instance)
        if form.is_valid():
            try:
                saved = records.save_log(request.user, station, form.log(), instance=instance)
            except records.RecordError as exc:
                form.show_refusal(exc.errors)
            except station_rules.StationError as exc:
                return refused(request, str(exc))
            else:
                verb = "已修改" if instance else "已记录"
                messages.success(request, f"{verb}：{saved.date:%Y-%m-%d} {saved.get_type_display()}。")
                return redirect("station_logs")
    elif instance is not None:
        form = LogForm(station=station, instance=instance, initial=log_initial(instance))
    else:
        form = LogForm(station=station, initial={"date": timezone.localdate()})
    return render(request, "stations/records/log_form.html", {"station": station, "form": form, "instance": instance})


@convener_page
def log_add(request, station):
    return log_form(request, station)


@convener_page
def log_edit(request, station, pk):
    return log_form(request, station, own_record(request.user, StationLog, pk))


@login_required
@never_cache
def meeting_attachment(request, pk):
    """A meeting's attachment, to whoever reads the station's records (others: 404)."""
    meeting = (
        records.records_visible_to(request.user, StationMeeting).exclude(attachment="").filter(pk=id_or_404(pk)).first()
    )
    if meeting is None:
        raise Http404("没有这个附件。")
    try:
        handle = meeting.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在。") from None
    response = FileResponse(handle)
    name = meeting.attachment_name or meeting.attachment.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


urlpatterns = [
    path("meetings/", meetings, name="station_meetings"),
    path("meetings/add/", meeting_add, name="station_meeting_add"),
    path("meetings/<str:pk>/edit/", meeting_edit, name="station_meeting_edit"),
    path("meetings/<str:pk>/attachment/", meeting_attachment, name="station_meeting_attachment"),
    path("logs/", logs, name="station_logs"),
    path("logs/add/", log_add, name="station_log_add"),
    path("logs/<str:pk>/edit/", log_edit, name="station_log_edit"),
]
