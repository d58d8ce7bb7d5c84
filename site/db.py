"""Database helpers that know nothing about the domain."""


def locked(queryset):
    """The queryset's rows, locked until the transaction ends (call it inside atomic()).

    Only the rows themselves are locked (`of=("self",)`): select_related and default orderings
    bring in nullable outer joins, which PostgreSQL refuses to lock. Ordered by pk so that two
    transactions locking several rows take them in the same order. A write that changes state
    locks its row, checks the state again under the lock, then writes: of two people acting at
    once, exactly one wins and the other is told why."""
    return queryset.order_by("pk").select_for_update(of=("self",))


def locked_row(queryset, **lookup):
    """One row of the queryset, locked (see locked()); DoesNotExist if there is none."""
    return locked(queryset).get(**lookup)
