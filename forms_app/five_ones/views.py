"""/forms/five-ones/: the 界别组长's 五个一活动备案表 wizard, the filing's page, its PDF and the
出勤登记 of its grassroots activity."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lianxin_site.dates import year_param
from lianxin_site.downloads import pdf_response
from people.services import account_of
from results.rules import results_visible_to

from ..wizard import DraftWizardView
from . import rules
from .forms import (
    ActivityForm,
    InfoForm,
    ReflectionFormSet,
    ResultForm,
    ReviewForm,
    ShowcaseForm,
    ThemeForm,
)
from .models import Attendance
from .pdf import filing_pdf

STEPS = [
    ("info", InfoForm, "基本信息"),
    ("theme", ThemeForm, "明确一个活动主题"),
    ("activity", ActivityForm, "组织一次走进基层活动"),
    ("result", ResultForm, "提交一篇履职成果"),
    ("showcase", ShowcaseForm, "展示一名委员履职风采"),
    ("reflections", ReflectionFormSet, "提交一批履职心语"),
    ("review", ReviewForm, "核对提交"),
]
FILING_FIELDS = [
    "leader_name",
    "filled_on",
    "theme",
    "theme_reason",
    "activity_date",
    "activity_place",
    "activity_kind",
    "activity_plan",
    "result_kind",
    "result_title",
    "result_summary",
    "showcase_member",
    "showcase_reason",
]


class FiveOnesWizard(DraftWizardView):
    """/forms/five-ones/?year=2026 — the 界别组长's 五个一活动备案表, one per sector per year."""

    step_list = STEPS
    template_name = "forms_app/five_ones/wizard.html"

    def prepare(self, request):
        self.sector, self.party = rules.filer_of(request.user)
        for key, mine in (("sector", self.sector), ("party", self.party)):
            asked = request.GET.get(key)
            if asked and (mine is None or asked != str(mine.pk)):
                raise PermissionDenied("你只能填报本界别（党派）的备案表。")
        self.year = year_param(request.GET.get("year"))
        self.existing = rules.existing_filing(self.year, self.sector, self.party)
        if not rules.may_file(self.existing):
            messages.info(request, rules.already_filed(self.existing))
            return redirect("five_ones_detail", pk=self.existing.pk)
        self.members = rules.members_of(self.sector, self.party)
        self.registers = rules.registers_results(self.year)
        self.offered = list(rules.offered_results(self.year, self.sector, self.party)) if self.registers else []

    @property
    def filer(self):
        return self.sector or self.party

    def get_draft_key(self):
        kind = "sector" if self.sector else "party"
        return f"five-ones-{self.year}-{kind}-{self.filer.pk}"

    def get_form_kwargs(self, step=None):
        scope = {"members": self.members, "year": self.year}
        if step == "reflections":
            return {"form_kwargs": scope}
        if step == "result":
            return {**scope, "offered": self.offered, "registers": self.registers}
        return scope

    def get_form_initial(self, step):
        filing = self.existing  # a returned filing: start from what was filed
        if step == "reflections":
            if filing:
                return [{"member": r.member_id, "text": r.text} for r in filing.reflections.current()]
            return []
        if filing:
            initial = {name: getattr(filing, name) for name in FILING_FIELDS}
            initial["showcase_member"] = filing.showcase_member_id
            initial["participants"] = list(filing.participants.values_list("pk", flat=True))
            if filing.result_id in {r.pk for r in self.offered}:
                initial["result_entry"] = str(filing.result_id)
            initial["result_submitted_on"] = timezone.localdate()
            return initial
        if step == "result":
            return {"result_submitted_on": timezone.localdate()}
        if step == "info":
            account = account_of(self.request.user)
            name = account.member.name if account.member else self.request.user.get_full_name()
            return {"leader_name": name, "filled_on": timezone.localdate()}
        return {}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.update(filer=self.filer, year=self.year, existing=self.existing, registers=self.registers)
        if self.steps.current == "review":
            context["summary"] = self.summary()
        return context

    def summary(self):
        """Everything entered so far, step by step, for the 核对提交 page."""
        sections = []
        for name, _form, title in STEPS[:-1]:
            cleaned = self.get_cleaned_data_for_step(name)
            rows = []
            if cleaned is None:
                rows = None
            elif name == "reflections":
                rows = [(f"{entry['member'].name}", entry["text"]) for entry in cleaned if entry.get("member")]
            elif name == "result":
                rows = self.result_rows(cleaned)
            else:
                rows = self.describe(name, cleaned)
            sections.append({"step": name, "title": title, "rows": rows})
        return sections

    def result_rows(self, cleaned):
        entry = cleaned.get("result_entry")
        if entry not in (rules.NEW_RESULT, None):
            chosen = next((r for r in self.offered if str(r.pk) == entry), None)
            if chosen is None:
                return None
            return [
                ("履职成果", f"{chosen.get_kind_display()}：{chosen.title}"),
                ("作者", chosen.author_label),
                ("成果登记", chosen.get_status_display()),
            ]
        rows = self.describe("result", {k: v for k, v in cleaned.items() if k != "result_entry"})
        if entry == rules.NEW_RESULT:
            rows.append(("成果登记", "提交备案表时以本界别（党派）名义登记，待确认"))
        else:
            rows.append(("成果登记", rules.UNLINKED))
        return rows

    def done(self, form_list, form_dict, **kwargs):
        data = {}
        for name in ("info", "theme", "activity", "showcase"):
            data.update(form_dict[name].cleaned_data)
        data.update(form_dict["result"].filing_fields())
        participants = data.pop("participants")
        try:
            filing = rules.submit_filing(
                self.request.user,
                self.year,
                self.sector,
                self.party,
                data,
                participants,
                form_dict["reflections"].entries(),
                result=form_dict["result"].link(),
            )
        except rules.ResultLinkError as exc:
            # The chosen entry was withdrawn meanwhile, or the new one breaks a registry rule.
            return self.refuse(str(exc), "result")
        except rules.RouteError as exc:
            # Someone filed first: say so, and keep every step the leader typed.
            return self.refuse(str(exc), "review")
        messages.success(self.request, f"备案表已提交，请等待{rules.route_office(filing)}接收。")
        return redirect("five_ones_detail", pk=filing.pk)


def _visible_filing(request, pk):
    return get_object_or_404(rules.filings_visible_to(request.user), pk=pk)


@login_required
def five_ones_detail(request, pk):
    filing = _visible_filing(request, pk)
    return render(
        request,
        "forms_app/five_ones/detail.html",
        {
            "filing": filing,
            "events": filing.events.select_related("actor"),
            "reflections": filing.reflections.current().select_related("member"),
            "participants": filing.participants.all(),
            "is_filer": rules.files_for(request.user, filing),
            "route_office": rules.route_office(filing),
            "attendance": filing.attendance.select_related("member"),
            "registry_mark": rules.registry_mark(filing),
            "result_url": result_url(request.user, filing),
        },
    )


def result_url(user, filing):
    """The linked entry's page on the front end, for those who may see it."""
    if filing.result_id and results_visible_to(user).filter(pk=filing.result_id).exists():
        return reverse("my_result", args=[filing.result_id])
    return ""


@login_required
def five_ones_pdf(request, pk):
    filing = _visible_filing(request, pk)
    return pdf_response(request, filing_pdf(filing), f"{filing.year}年{filing.filer_name}五个一活动备案表.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def five_ones_attendance(request, pk):
    """出勤登记: who attended the grassroots activity and what role each played."""
    filing = _visible_filing(request, pk)
    if not rules.files_for(request.user, filing):
        raise PermissionDenied("只有本界别（党派）的界别组长可以登记出勤。")
    members = list(rules.members_of(filing.sector, filing.party).order_by("name"))
    participant_ids = set(filing.participants.values_list("pk", flat=True))
    members.sort(key=lambda m: (m.pk not in participant_ids, m.name))
    recorded = {a.member_id: a for a in Attendance.objects.filter(filing=filing)}
    rows, errors = [], []
    for member in members:
        if request.method == "POST":
            attended = request.POST.get(f"attended-{member.pk}") == "on"
            role = request.POST.get(f"role-{member.pk}", "").strip()
        else:
            record = recorded.get(member.pk)
            attended, role = (record.attended, record.role) if record else (False, "")
        error = ""
        if role and not attended:
            error = "未出勤的委员不填写发挥的作用。"
        elif len(role) > 200:
            error = "发挥的作用请控制在 200 字以内。"
        if error:
            errors.append(f"{member.name}：{error}")
        rows.append(
            {
                "member": member,
                "attended": attended,
                "role": role,
                "error": error,
                "participant": member.pk in participant_ids,
            }
        )
    if request.method == "POST" and not errors:
        rules.record_attendance(filing, request.user, [(r["member"], r["attended"], r["role"]) for r in rows])
        messages.success(request, f"出勤登记已保存：{sum(r['attended'] for r in rows)} 人出勤。")
        return redirect("five_ones_detail", pk=filing.pk)
    return render(request, "forms_app/five_ones/attendance.html", {"filing": filing, "rows": rows, "errors": errors})
