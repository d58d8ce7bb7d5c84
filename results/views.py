"""/results/: the 委员's and 界别组长's side of the registry. 我的履职成果 (their own entries, as author
or co-author, with how each proposal is being handled), an entry's page and its attachment, the
registration wizard (new or editing), and 撤回.

Every page fetches through rules.my_results or rules.results_visible_to; every write is one call to
rules (register_front, withdraw)."""

import mimetypes
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from forms_app.wizard import DraftWizardView
from lianxin_site.downloads import file_response
from people.services import account_of

from . import rules
from .forms import AuthorsForm, ContentForm, HeadingForm, MyResultsFilter, ReviewForm
from .models import AuthorKind, HandlingStep, Kind, ProposalUnit, ResultAuthor, Status

STEPS = [
    ("heading", HeadingForm, "类别与标题"),
    ("authors", AuthorsForm, "作者与联名"),
    ("content", ContentForm, "内容与附件"),
    ("review", ReviewForm, "核对提交"),
]
STEP_OF_FIELD = {
    **dict.fromkeys(rules.HEADING_FIELDS, "heading"),
    **dict.fromkeys(("author_kind", "authors", "sector", "party"), "authors"),
    **dict.fromkeys(("summary", "attachment"), "content"),
}


def refused(request, exc):
    """403 that says why (PermissionDenied's message, e.g. 只能修改自己作为作者的成果)."""
    return render(request, "results/front/refused.html", {"reason": str(exc)}, status=403)


def entries_with_handling(results):
    """The entries with what their pages show, in a fixed number of queries."""
    return results.prefetch_related(
        Prefetch("author_rows", ResultAuthor.objects.select_related("member")),
        Prefetch("units", ProposalUnit.objects.select_related("unit")),
        Prefetch("steps", HandlingStep.objects.select_related("unit")),
    )


def collective_name(user):
    """“教育界” or “民盟”: the sector or party in whose name a 界别组长 registers, or ""."""
    account = account_of(user)
    if account.sector and rules.AuthorKind.SECTOR in rules.author_kinds_for(user):
        return account.sector.name
    if account.party and rules.AuthorKind.PARTY in rules.author_kinds_for(user):
        return account.party.name
    return ""


def managing_office(kind):
    return "提案委" if kind == Kind.PROPOSAL else "研究室"


@login_required
def my_results(request):
    """我的履职成果, newest year first, filterable by year, kind and status."""
    mine = rules.my_results(request.user)
    if not rules.may_register(request.user) and not mine.exists():
        return refused(request, PermissionDenied("只有委员和界别组长可以登记履职成果。"))
    years = sorted(set(mine.values_list("year", flat=True)), reverse=True)
    filter_form = MyResultsFilter(request.GET, years=years)
    results = list(
        entries_with_handling(mine.filter(**filter_form.filters())).order_by("-year", "-submitted_on", "-pk")
    )
    overdue = rules.overdue_ids(results)
    for result in results:
        result.overdue = result.pk in overdue
    return render(
        request,
        "results/front/list.html",
        {
            "groups": [(year, list(entries)) for year, entries in groupby(results, key=lambda r: r.year)],
            "filter_form": filter_form,
            "filtered": bool(filter_form.filters()),
            "may_register": rules.may_register(request.user),
            "count": len(results),
            "collective": collective_name(request.user),
        },
    )


def _visible(request, pk):
    return get_object_or_404(entries_with_handling(rules.results_visible_to(request.user)), pk=pk)


@login_required
def result_detail(request, pk):
    result = _visible(request, pk)
    mine = rules.owns(request.user, result)
    edit_refusal = rules.edit_refusal(request.user, result) if mine else ""
    return render(
        request,
        "results/front/detail.html",
        {
            "result": result,
            "authors": result.author_rows.all(),
            "units": result.units.all(),
            "steps": result.steps.all(),
            "overdue": rules.is_overdue(result),
            "answer_due": rules.answer_due(result),
            "mine": mine,
            "may_edit": mine and not edit_refusal,
            "edit_refusal": edit_refusal,
            "may_withdraw": rules.may_withdraw(request.user, result),
            "office": managing_office(result.kind),
        },
    )


@login_required
def result_attachment(request, pk):
    """The attachment, to whoever may see the entry (others get 404, as for the entry)."""
    result = get_object_or_404(rules.results_visible_to(request.user).exclude(attachment=""), pk=pk)
    try:
        with result.attachment.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在。") from exc
    name = result.attachment_name or Path(result.attachment.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return file_response(content, name, content_type)


@login_required
@require_POST
def result_withdraw(request, pk):
    _visible(request, pk)
    try:
        result = rules.withdraw(pk, request.user, request.POST.get("reason", "").strip())
    except PermissionDenied as exc:
        return refused(request, exc)
    except rules.ResultError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{result.title}”已撤回。")
    return redirect("my_result", pk=pk)


class ResultWizard(DraftWizardView):
    """/results/new/ registers an entry; /results/<pk>/edit/ changes one (same steps, prefilled)."""

    step_list = STEPS
    template_name = "results/front/wizard.html"

    def prepare(self, request):
        self.account = account_of(request.user)
        self.instance = None
        pk = self.kwargs.get("pk")
        if pk is not None:
            self.instance = get_object_or_404(entries_with_handling(rules.results_visible_to(request.user)), pk=pk)
            try:
                refusal = rules.edit_refusal(request.user, self.instance)
            except PermissionDenied as exc:
                return refused(request, exc)
            if refusal and request.method == "GET":
                messages.info(request, refusal)
                return redirect("my_result", pk=pk)
            # A POST goes on to done(), where the service refuses under the row's lock and
            # refuse() shows why beside everything typed (an office acted while the member typed).
        elif not rules.may_register(request.user):
            return refused(request, PermissionDenied("只有委员和界别组长可以登记履职成果。"))
        self.kinds = rules.front_author_kinds(request.user, self.instance)
        if not self.kinds:
            return refused(request, PermissionDenied("这个账号没有对应的委员、界别或党派，不能登记履职成果。"))
        return None

    def submitted_url(self):
        return reverse("my_result", args=[self.instance.pk]) if self.instance else reverse("my_results")

    def get_draft_key(self):
        if self.instance is not None:
            return f"result-{self.instance.pk}"
        return f"result-new-{self.request.user.pk}"

    @cached_property
    def collective(self):
        """(sector, party) shown for 界别/党派: fixed by the Profile, or kept from the entry."""
        instance = self.instance
        sector = instance.sector if instance and instance.sector_id else self.account.sector
        party = instance.party if instance and instance.party_id else self.account.party
        return sector, party

    def get_form_kwargs(self, step=None):
        if step == "heading":
            return {"years": rules.front_years(instance=self.instance), "instance": self.instance}
        if step == "authors":
            sector, party = self.collective
            return {"user": self.request.user, "kinds": self.kinds, "sector": sector, "party": party}
        if step == "content":
            return {"has_attachment": bool(self.instance and self.instance.attachment) or self.has_draft_upload()}
        return {}

    def has_draft_upload(self):
        return bool(self.storage.data.get(self.storage.step_files_key, {}).get("content"))

    def get_form_initial(self, step):
        result = self.instance
        if step == "heading":
            if result:
                return {name: getattr(result, name) for name in rules.HEADING_FIELDS}
            return {"year": timezone.localdate().year, "submitted_on": timezone.localdate()}
        if step == "authors":
            if result:
                members = [row.member for row in result.author_rows.all()]
                listed = rules.names_text(members)
                return {
                    "author_kind": result.author_kind,
                    "joint_authors": listed if result.author_kind == AuthorKind.JOINT else "",
                    "writers": listed if result.author_kind in (AuthorKind.SECTOR, AuthorKind.PARTY) else "",
                }
            me = self.account.member
            return {
                "author_kind": self.kinds[0],
                "joint_authors": rules.names_text([me]) if me else "",
            }
        if step == "content" and result:
            return {"summary": result.summary}
        return {}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        if self.instance is not None:
            # The entry as it stood when this edit began (kept in the draft).
            self.storage.extra_data.setdefault("version", rules.version_of(self.instance))
        sector, party = self.collective
        context.update(
            instance=self.instance,
            me=self.account.member,
            sector=sector,
            party=party,
            office=managing_office(self.instance.kind) if self.instance else "",
            max_bytes=settings.RESULT_ATTACHMENT_MAX_BYTES,
        )
        if self.steps.current == "content":
            context["draft_upload"] = self.draft_upload_name()
        if self.steps.current == "review":
            context["summary"] = self.summary()
        return context

    def draft_upload_name(self):
        files = self.storage.data.get(self.storage.step_files_key, {}).get("content", {})
        return next((f["name"] for f in files.values()), "")

    def summary(self):
        """Everything entered so far, step by step, for 核对提交."""
        sections = []
        for name, _form, title in STEPS[:-1]:
            cleaned = self.get_cleaned_data_for_step(name)
            rows = None
            if cleaned is not None and name == "heading":
                rows = self.describe(name, cleaned)
            elif cleaned is not None and name == "authors":
                rows = self.author_rows(cleaned)
            elif cleaned is not None and name == "content":
                rows = [("内容摘要", cleaned["summary"] or "（未填）"), ("附件", self.attachment_label(cleaned))]
            sections.append({"step": name, "title": title, "rows": rows})
        return sections

    def author_rows(self, cleaned):
        kind = cleaned["author_kind"]
        names = "、".join(m.name for m in cleaned["members"])
        sector, party = self.collective
        rows = [("作者类型", AuthorKind(kind).label)]
        if kind == AuthorKind.SECTOR:
            rows += [("界别", sector.name), ("执笔人", names or "（未填）")]
        elif kind == AuthorKind.PARTY:
            rows += [("党派", party.name), ("执笔人", names or "（未填）")]
        else:
            rows.append(("作者" if kind == AuthorKind.INDIVIDUAL else "联名委员（按排名）", names))
        return rows

    def attachment_label(self, cleaned):
        if cleaned.get("remove_attachment"):
            return "（不要附件）"
        if cleaned.get("attachment"):
            return cleaned["attachment"].name
        if self.instance and self.instance.attachment:
            return f"{self.instance.attachment_name}（原附件）"
        return "（无）"

    def attachment_to_save(self, content):
        """What save_entry is to do with the attachment: a new file, False (remove), None (keep)."""
        if content.get("remove_attachment"):
            return False if self.instance and self.instance.attachment else None
        return content.get("attachment") or None

    def done(self, form_list, form_dict, **kwargs):
        heading = form_dict["heading"].cleaned_data
        authors = form_dict["authors"].cleaned_data
        content = form_dict["content"].cleaned_data
        data = {**{name: heading[name] for name in rules.HEADING_FIELDS}, "summary": content["summary"]}
        data["author_kind"] = authors["author_kind"]
        was_confirmed = self.instance is not None and self.instance.status == Status.CONFIRMED
        try:
            result = rules.register_front(
                self.request.user,
                data,
                authors["members"],
                instance=self.instance,
                attachment=self.attachment_to_save(content),
                version=self.storage.extra_data.get("version") if self.instance else None,
            )
        except rules.ResultChanged as exc:
            # Told once: a second submission replaces the other's change knowingly.
            self.storage.extra_data["version"] = rules.version_of(self.instance)
            return self.refuse(str(exc), "review")
        except rules.ResultInvalid as exc:
            step = next((STEP_OF_FIELD.get(field) for field in exc.errors if STEP_OF_FIELD.get(field)), "review")
            return self.refuse(str(exc), step)
        except rules.ResultError as exc:
            return self.refuse(str(exc), "review")
        office = managing_office(result.kind)
        if self.instance is None:
            messages.success(self.request, f"“{result.title}”已登记，等待{office}确认。")
        elif was_confirmed:
            messages.success(self.request, f"修改已保存。这项成果重新变为“待确认”，等待{office}再次确认。")
        else:
            messages.success(self.request, "修改已保存。")
        return redirect("my_result", pk=result.pk)
