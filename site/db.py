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

    insert = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    suffix = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    keys = [(f.attname, default, adapt) for f, default, adapt in zip(fields, defaults, adapters, strict=True)]

    pks = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column (as Django's bulk_create does there): psycopg rewrites every
            # %s of a statement in Python, so thirty thousand placeholders would cost seconds.
            arrays = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
            sql = f"{insert} SELECT * FROM UNNEST({arrays}){suffix}"
            for start in range(0, len(rows), 5000):
                batch = rows[start : start + 5000]
                columns = [[_value(row, name, default, adapt) for row in batch] for name, default, adapt in keys]
                cursor.execute(sql, columns)
                if returning:
                    pks += [value for (value,) in cursor.fetchall()]
        else:
            limit = connection.features.max_query_params or 65535
            if connection.vendor == "sqlite":  # Django assumes SQLite's old limit of 999
                import sqlite3

                connection.ensure_connection()
                limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            size = max(1, min(1000, limit // len(fields)))
            row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
            statements = {}
            for start in range(0, len(rows), size):
                batch = rows[start : start + size]
                if len(batch) not in statements:
                    statements[len(batch)] = f"{insert} VALUES {', '.join([row_sql] * len(batch))}{suffix}"
                params = [_value(row, name, default, adapt) for row in batch for name, default, adapt in keys]
                cursor.execute(statements[len(batch)], params)
                if returning:
                    pks += [value for (value,) in cursor.fetchall()]
    return pks if returning else None


def _value(row, name, default, adapt):
    value = row.get(name, MISSING)
    if value is MISSING:
        return default
    return adapt(value) if adapt else value


MISSING = object()
