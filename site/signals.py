"""Signals any app may send without knowing who listens.

records_changed(sender=Model, years=[…]): rows of `Model` were written in bulk (an import), which
sends no model signals. The 履职档案 ledger (performance/signals.py) listens to bring its sources
up to date for those years."""

from django.dispatch import Signal

records_changed = Signal()
