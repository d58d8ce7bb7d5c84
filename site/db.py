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


def bulk_insert(model, rows, *, returning=False):
    """INSERT `rows` of `model` in multi-row statements, as large as the database takes, for
    imports of tens of thousands of rows: bulk_create builds a model instance per row and
    prepares every value through its field's methods, some ten times the cost of the INSERT.

    `rows` are dicts {field attname: value} (sector_id, not sector); a field left out takes its
    default, auto_now(_add) fields one timestamp for all. Values go to the database as they
    are, dates and times adapted, so only plain columns are allowed (text, numbers, booleans,
    dates, times, foreign keys, a file field's stored name as text). Returns the new primary
    keys in the order of `rows` when `returning` (as bulk_create, from INSERT … RETURNING),
    else None."""
    from django.db import connections, models, router
    from django.db.models.fields import AutoFieldMixin
    from django.utils import timezone

    alias = router.db_for_write(model)
    connection = connections[alias]
    ops, quote = connection.ops, connection.ops.quote_name
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not (f.primary_key and isinstance(f, AutoFieldMixin))]
    plain = (
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.BooleanField,
        models.ForeignKey,
        models.FileField,
    )
    now = timezone.now()
    adapters, defaults = [], []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        elif isinstance(f, plain):
            adapters.append(None)  # as Django sends them (TextChoices members are str)
        else:
            raise TypeError(
                f"bulk_insert() cannot write {opts.label}.{f.name} ({type(f).__name__}): use bulk_create()."
            )
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if stamped else f.get_default()
        defaults.append(adapters[-1](default) if adapters[-1] and default is not None else default)
    if not rows:
        return [] if returning else None
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        return [obj.pk for obj in model.objects.bulk_create([model(**row) for row in rows])]

    limit = connection.features.max_query_params or 65535
    if connection.vendor == "sqlite":  # Django assumes SQLite's old limit of 999
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = max(1, min(1000, limit // len(fields)))
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    keys = [(f.attname, default, adapt) for f, default, adapt in zip(fields, defaults, adapters, strict=True)]
    pks, statements = [], {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            if len(batch) not in statements:
                values = ", ".join([row_sql] * len(batch))
                statements[len(batch)] = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES {values}{suffix}"
            params = [
                default if (value := row.get(name, MISSING)) is MISSING else adapt(value) if adapt else value
                for row in batch
                for name, default, adapt in keys
            ]
            cursor.execute(statements[len(batch)], params)
            if returning:
                pks += [value for (value,) in cursor.fetchall()]
    return pks if returning else None


MISSING = object()
