"""Multi-step paper forms that survive a closed browser. Every wizard of the platform
builds on DraftWizardView.

django-formtools' session wizard has three habits a leader filling a long form would
notice, and this module removes them:
- it keys its storage by the view's class name, so two wizards open in one browser share
  one slot and overwrite each other. Here the key names the document (form, year, filer).
- "back" (wizard_goto_step) drops what was typed on the current step. Here the current
  step's input is stored first, unvalidated, and validated when the form is submitted.
- a plain GET starts over, and the session is the only storage. Here the draft is a
  database row per user and document: after a closed browser, an expired session or
  another device, the leader resumes at the step they left.
"""

from abc import ABCMeta, abstractmethod
from datetime import timedelta
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import WizardView

from lianxin_site.storage import PrivateStorage, private_root

from .models import WizardDraft

# Files a wizard's step takes (a 履职成果 attachment) wait here, under PRIVATE_ROOT, until done()
# stores them where they belong; never under MEDIA_ROOT, which the web server serves.
DRAFT_UPLOADS = "draft-uploads"
# A file no draft holds is removed once it is this old: younger, it may belong to a draft
# being saved at this moment.
ORPHAN_GRACE = timedelta(days=1)


def draft_file_storage():
    return PrivateStorage(location=Path(private_root()) / DRAFT_UPLOADS)


class DraftStorage(BaseStorage):
    """formtools storage in a WizardDraft row (requires a logged-in user)."""

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.prefix = prefix  # the document key, not formtools' "wizard_<class name>"
        self._deleted = False
        self.keep = False  # set when done() refused the submission: the draft must survive
        self.draft = WizardDraft.objects.filter(user=request.user, key=prefix).first()
        if self.draft is None:
            self.draft = WizardDraft(user=request.user, key=prefix)
            self.init_data()

    def _get_data(self):
        return self.draft.data

    def _set_data(self, value):
        self.draft.data = value

    data = property(_get_data, _set_data)

    def reset(self):
        if self.keep:
            return
        super().reset()
        self._deleted = True

    def update_response(self, response):
        super().update_response(response)
        if self._deleted:
            WizardDraft.objects.filter(user=self.draft.user, key=self.prefix).delete()
        else:
            # Upsert by (user, document), not by the row read at the start: the same leader in
            # two tabs, or a double click, may have saved or deleted it meanwhile.
            self.draft, _created = WizardDraft.objects.update_or_create(
                user=self.draft.user, key=self.prefix, defaults={"data": self.draft.data}
            )


class DraftWizardView(LoginRequiredMixin, WizardView, metaclass=ABCMeta):
    """A wizard whose draft lives on the server under `get_draft_key()`, for logged-in users.

    Subclasses set `step_list` [(name, form class, title)], implement get_draft_key() and done(),
    and may check who is asking in prepare(). Templates get `wizard.steps` plus `step_titles`
    [(name, title, is_current)].
    """

    storage_name = "forms_app.wizard.DraftStorage"
    step_list = ()
    step_titles = {}

    @property
    def file_storage(self):
        return draft_file_storage()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("step_list"):
            cls.form_list = [(name, form) for name, form, _title in cls.step_list]
            cls.step_titles = {name: title for name, _form, title in cls.step_list}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        response = self.prepare(request)
        return response or super().dispatch(request, *args, **kwargs)

    def prepare(self, request):
        """Who is asking, for which document: set what get_draft_key() needs, raise
        PermissionDenied, or return a response (e.g. a redirect) instead of the wizard."""

    def describe(self, step, cleaned):
        """[(label, value as text)] of a plain form step's cleaned data, for the review page."""
        form = self.get_form(step=step)
        rows = []
        for name, value in cleaned.items():
            field = form.fields[name]
            if value in (None, ""):
                continue
            if isinstance(field, forms.ModelMultipleChoiceField):
                value = "、".join(m.name for m in value)
            elif isinstance(field, forms.ModelChoiceField):
                value = value.name
            elif isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            rows.append((field.label, value))
        return rows

    @abstractmethod
    def get_draft_key(self):
        """The document this draft belongs to, e.g. "five-ones-2026-sector-3"; it also prefixes
        the wizard's management form."""

    def get_prefix(self, request, *args, **kwargs):
        return self.get_draft_key()

    # A step shown because the user moved to it (下一步 from the step before, 上一步, resuming a
    # draft) is bound to what was kept for it, which may be unfinished input kept on a move back:
    # it shows that input without errors. Errors show once the user submits that step, or when
    # done() finds a step no longer valid.
    quiet = False

    def render_next_step(self, form, **kwargs):
        self.quiet = True
        return super().render_next_step(form, **kwargs)

    def render_goto_step(self, goto_step, **kwargs):
        self.quiet = True
        return super().render_goto_step(goto_step, **kwargs)

    def render(self, form=None, **kwargs):
        if self.quiet and form is not None:
            silence(form)
        return super().render(form, **kwargs)

    def get(self, request, *args, **kwargs):
        self.quiet = True
        if "restart" in request.GET:
            self.storage.reset()
            self.storage._deleted = False
        step = self.storage.current_step
        if step not in self.get_form_list():
            self.storage.current_step = self.steps.first
            return self.render(self.get_form())
        return self.render(self.get_form(data=self.storage.get_step_data(step)))

    def post(self, *args, **kwargs):
        step = self.request.POST.get(f"{self.prefix}-current_step")
        if self.storage.draft.pk is None and step and step != self.steps.first:
            # A later step posted with no draft left: it was submitted already (a resent request,
            # a second tab), or cleared as abandoned; not a new document typed from that step on.
            return self.already_submitted("这份草稿已经提交或已失效，没有重复提交。请查看后再决定是否重新填写。")
        goto = self.request.POST.get("wizard_goto_step")
        if goto and goto in self.get_form_list():
            # Keep what was typed on this step, valid or not; it is validated on submit.
            self.storage.set_step_data(self.steps.current, self.request.POST)
        return super().post(*args, **kwargs)

    def render_done(self, form, **kwargs):
        """Submit once. The draft row is claimed (deleted) first, in the transaction that writes
        the document: of two submissions of one draft at once, the second deletes nothing,
        writes nothing and is told, on SQLite (which queues the second write) and PostgreSQL
        (which makes it wait for the first's row lock) alike. A refusal or a revalidation
        failure keeps the draft: update_response() writes it back."""
        with transaction.atomic():
            claimed, _ = WizardDraft.objects.filter(user=self.request.user, key=self.storage.prefix).delete()
            if not claimed:
                return self.already_submitted()
            return super().render_done(form, **kwargs)

    def already_submitted(self, message="这份表格已经提交过了，没有重复提交。"):
        self.storage._deleted = True  # nothing to write back
        messages.info(self.request, message)
        return redirect(self.submitted_url())

    def submitted_url(self):
        """Where a repeated submission is sent: the wizard's own address by default."""
        return self.request.path

    def refuse(self, message, step):
        """From done(): the service refused the submission (a rule only it can check, or someone
        else acted first). Say why, keep the draft, and show `step` with what was typed."""
        messages.error(self.request, message)
        self.storage.keep = True
        self.storage.current_step = step
        return self.render(self.get_form(step=step, data=self.storage.get_step_data(step)))

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        current = self.steps.current
        context["step_titles"] = [
            (name, self.step_titles.get(name, name), name == current) for name in self.get_form_list()
        ]
        return context


def silence(form):
    """Validate `form` (a form or a formset) but keep its errors from showing."""
    from django.forms.formsets import BaseFormSet
    from django.forms.utils import ErrorDict, ErrorList

    if not form.is_bound:
        return
    if isinstance(form, BaseFormSet):
        form.errors  # noqa: B018  (runs full_clean on the formset and its forms)
        for each in form.forms:
            each._errors = ErrorDict()
        form._non_form_errors = ErrorList()
        form._errors = [ErrorDict() for _ in form.forms]
    else:
        form.errors  # noqa: B018
        form._errors = ErrorDict()


def held_files(data):
    """The uploads a draft's data holds (formtools' step_files: step → field → tmp_name)."""
    for step_files in (data or {}).get("step_files", {}).values():
        for info in step_files.values():
            yield info["tmp_name"]


def purge_drafts(days, now=None):
    """Delete the drafts nobody has touched for `days` days, then every waiting upload that no
    draft holds any more (an abandoned draft's, or one replaced by a second upload on its step)
    once it is ORPHAN_GRACE old. Returns (drafts deleted, files deleted)."""
    now = now or timezone.now()
    stale = WizardDraft.objects.filter(updated_at__lt=now - timedelta(days=days))
    drafts = stale.delete()[1].get(WizardDraft._meta.label, 0)
    held = {name for data in WizardDraft.objects.values_list("data", flat=True) for name in held_files(data)}
    storage = draft_file_storage()
    if not Path(storage.location).is_dir():
        return drafts, 0
    files = 0
    for name in storage.listdir("")[1]:
        if name not in held and storage.get_modified_time(name) < now - ORPHAN_GRACE:
            storage.delete(name)
            files += 1
    return drafts, files
