"""/forms/workstation-application/: a member applies to found a 委员工作室, follows the six boxes,
edits and resubmits a returned application, and prints the 申请表."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lianxin_site.downloads import pdf_response
from people.models import Member

from ..wizard import DraftWizardView
from . import rules
from .forms import LeadForm, ParticipantFormSet, SignForm, StationForm, VenueForm
from .models import WorkingRule, WorkstationApplication
from .pdf import application_pdf_bytes

STEPS = [
    ("station", StationForm, "工作室信息"),
    ("lead", LeadForm, "负责人"),
    ("members", ParticipantFormSet, "参与委员"),
    ("venue", VenueForm, "场地与制度"),
    ("sign", SignForm, "核对与签名"),
]
STATION_FIELDS = ["kind", "station_kind", "name", "address", "mode", "basis", "sector", "street_group", "committee"]
LEAD_FIELDS = ["lead_member", "lead_employer_title", "lead_sector", "lead_specialties", "lead_contact"]


class WorkstationApplicationWizard(DraftWizardView):
    """A new application, or (?application=<pk>) a returned one being edited."""

    step_list = STEPS
    template_name = "forms_app/founding/wizard.html"

    def prepare(self, request):
        self.member = rules.applicant_member(request.user)
        self.sector = rules.applicant_sector(request.user)
        self.existing = None
        pk = request.GET.get("application")
        if pk:
            self.existing = get_object_or_404(
                WorkstationApplication.objects.filter(applicant=request.user), pk=pk if pk.isdecimal() else 0
            )
            if self.existing.status != WorkstationApplication.Status.RETURNED:
                messages.info(request, "这份申请正在审批或已经办结，不能修改。")
                return redirect("workstation_application_detail", pk=self.existing.pk)

    def get_draft_key(self):
        return f"workstation-application-{self.existing.pk if self.existing else 'new'}"

    def get_form_kwargs(self, step=None):
        if step == "station":
            return {"applicant_sector": self.sector, "application": self.existing}
        if step == "lead":
            station = self.get_cleaned_data_for_step("station") or {}
            return {"station_kind": station.get("station_kind")}
        if step == "members":
            station = self.get_cleaned_data_for_step("station") or {}
            lead = self.get_cleaned_data_for_step("lead") or {}
            return {"lead": lead.get("lead_member"), "kind": station.get("kind")}
        if step == "sign":
            return {"member": self.member}
        return {}

    def get_form_initial(self, step):
        app = self.existing
        if step == "station":
            return (
                {name: getattr(app, name) for name in STATION_FIELDS}
                if app
                else {"kind": "member", "station_kind": "station"}
            )
        if step == "lead":
            if app:
                return {name: getattr(app, name) for name in LEAD_FIELDS}
            m = self.member
            return {
                "lead_member": m,
                "lead_employer_title": m.employer_title,
                "lead_sector": m.sector,
                "lead_specialties": m.specialties,
                "lead_contact": m.phone,
            }
        if step == "members":
            if app:
                return [
                    {
                        "member": p.member_id,
                        "employer_title": p.employer_title,
                        "specialties": p.specialties,
                        "contact": p.contact,
                    }
                    for p in app.participants.all()
                ]
            return []
        if step == "venue" and app:
            initial = {"venue": app.venue}
            for value, _label in WorkingRule.choices:
                initial[f"rule_{value}"] = app.rules.get(value, "")
                initial[f"has_{value}"] = bool(app.rules.get(value))
            return initial
        return {}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.update(existing=self.existing, member=self.member)
        if self.existing:
            context["returned_by"] = self.existing.opinions.filter(decision="return").order_by("-at", "-pk").first()
        if self.steps.current in ("lead", "members"):
            context["roster_facts"] = {
                m.pk: {"title": m.employer_title, "sector": m.sector_id, "specialties": m.specialties}
                for m in Member.objects.only("pk", "employer_title", "sector_id", "specialties")
            }
        if self.steps.current == "sign":
            context["summary"] = self.summary()
            data = self.collected()
            context["conditions"] = rules.conditions(data) if data else None
        return context

    def collected(self):
        """The application's fields from the steps so far, or None while a step is incomplete."""
        station, lead, venue = (self.get_cleaned_data_for_step(s) for s in ("station", "lead", "venue"))
        if station is None or lead is None or venue is None:
            return None
        data = {**station, **lead, "venue": venue["venue"]}
        data["rules"] = {value: venue[f"rule_{value}"] for value, _label in WorkingRule.choices}
        return data

    def summary(self):
        """Everything entered so far, step by step, for the 核对与签名 page."""
        sections = []
        for name, _form, title in STEPS[:-1]:
            cleaned = self.get_cleaned_data_for_step(name)
            rows = None
            if cleaned is not None and name == "members":
                rows = [
                    (r["member"].name, f"{r['employer_title']} · 专长：{r['specialties'] or '—'} · {r['contact']}")
                    for r in cleaned
                    if r.get("member")
                ] or [("参与委员", "（未列出）")]
            elif cleaned is not None and name == "venue":
                rows = [("场地（载体）情况", cleaned["venue"])] + [
                    (f"{label}制度", cleaned[f"rule_{value}"] or "（未建立）") for value, label in WorkingRule.choices
                ]
            elif cleaned is not None:
                rows = self.describe(name, cleaned)
            sections.append({"step": name, "title": title, "rows": rows})
        return sections

    def done(self, form_list, form_dict, **kwargs):
        data = {**form_dict["station"].cleaned_data, **form_dict["lead"].cleaned_data}
        data["venue"] = form_dict["venue"].cleaned_data["venue"]
        data["rules"] = form_dict["venue"].rules()
        data["signature"] = form_dict["sign"].cleaned_data["signature"]
        data["signed_on"] = timezone.localdate()
        try:
            application = rules.submit_application(
                self.request.user, data, form_dict["members"].rows(), application=self.existing
            )
        except rules.ApplicationError as exc:
            return self.refuse(str(exc), "sign")
        office = f"{application.committee.office}（{application.committee.name}）"
        messages.success(self.request, f"申请已提交，先送{office}审查。")
        return redirect("workstation_application_detail", pk=application.pk)


def _visible(request, pk):
    return get_object_or_404(rules.applications_visible_to(request.user), pk=pk)


@login_required
def application_detail(request, pk):
    application = _visible(request, pk)
    return render(
        request,
        "forms_app/founding/detail.html",
        {
            "application": application,
            "participants": application.participants.select_related("member"),
            "boxes": rules.boxes(application),
            "opinions": application.opinions.all(),
            "is_applicant": application.applicant_id == request.user.pk,
            "conditions": rules.application_conditions(application),
        },
    )


@login_required
def application_pdf(request, pk):
    application = _visible(request, pk)
    return pdf_response(request, application_pdf_bytes(application), f"{application.name}建立申请表.pdf")
