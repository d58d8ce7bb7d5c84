"""The kinds of job the worker knows: `@job_kind("roster_preview", label="名册预览")` above a
function `run(job, progress) -> dict | None`. Apps declare theirs in a `job_kinds.py` module, which
jobs/apps.py imports at start-up in every process (the site and the worker alike)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: object


KINDS = {}


def job_kind(name, *, label):
    def register(run):
        if name in KINDS and KINDS[name].run is not run:
            raise ValueError(f"job kind {name!r} is registered twice")
        KINDS[name] = JobKind(name=name, label=label, run=run)
        return run

    return register


def kind_of(name):
    """The registered kind, or None (a job of a kind since removed)."""
    return KINDS.get(name)
