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


# --- bulk writes for imports of tens of thousands of rows
#
# bulk_create builds a model instance per row and prepares every value through its field's
# methods; bulk_update writes a CASE WHEN per field and row. Both cost some ten times the
# statement itself at 20,000 rows. These two take plain dicts {field attname: value} and send
# the values as they are, dates and times adapted, so they only write plain columns: text,
# numbers (decimals too), booleans, dates, times, foreign keys (sector_id), a file field's stored name.

PLAIN_FIELDS = ("CharField", "TextField", "IntegerField", "BooleanField", "ForeignKey", "FileField")


def _adapter(field, connection):
    """How a value of `field` goes to the database: None for as it is."""
    from django.db import models

    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, tuple(getattr(models, name) for name in PLAIN_FIELDS)):
        return None  # as Django sends them (TextChoices members are str)
    raise TypeError(f"{field.model._meta.label}.{field.name} ({type(field).__name__}) is not a plain column.")


def _value(row, name, default, adapt):
    value = row.get(name, MISSING)
    if value is MISSING:
        return default
    return adapt(value) if adapt and value is not None else value


MISSING = object()


def _connection(model):
    from django.db import connections, router

    return connections[router.db_for_write(model)]


def _array_type(field, connection):
    # varchar, not varchar(12): an array of the column's type, as Django's bulk_create does.
    return field.db_type(connection).split("(")[0] + "[]"


def _max_params(connection):
    if connection.vendor == "sqlite":  # Django assumes SQLite's old limit of 999
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65535


def bulk_insert(model, rows, *, returning=False):
    """INSERT `rows` (dicts {attname: value}) of `model` in a few large statements. A field left
    out takes its default, auto_now(_add) fields one timestamp for all. Returns the new primary
    keys in the order of `rows` when `returning` (from INSERT … RETURNING, as bulk_create), else
    None."""
    from django.db.models.fields import AutoFieldMixin
    from django.utils import timezone

    connection = _connection(model)
    quote = connection.ops.quote_name
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not (f.primary_key and isinstance(f, AutoFieldMixin))]
    now = timezone.now()
    keys = []
    for f in fields:
        adapt = _adapter(f, connection)
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if stamped else f.get_default()
        keys.append((f.attname, adapt(default) if adapt and default is not None else default, adapt))
    if not rows:
        return [] if returning else None
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        return [obj.pk for obj in model.objects.bulk_create([model(**row) for row in rows])]

    insert = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    suffix = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    pks = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: psycopg rewrites each %s of a statement in Python, so thirty
            # thousand placeholders would cost seconds.
            arrays = ", ".join(f"(%s)::{_array_type(f, connection)}" for f in fields)
            sql = f"{insert} SELECT * FROM UNNEST({arrays}){suffix}"
            for start in range(0, len(rows), 5000):
                batch = rows[start : start + 5000]
                cursor.execute(sql, [[_value(row, *key) for row in batch] for key in keys])
                if returning:
                    pks += [value for (value,) in cursor.fetchall()]
        else:
            size = max(1, min(1000, _max_params(connection) // len(fields)))
            row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
            statements = {}
            for start in range(0, len(rows), size):
                batch = rows[start : start + size]
                if len(batch) not in statements:
                    statements[len(batch)] = f"{insert} VALUES {', '.join([row_sql] * len(batch))}{suffix}"
                cursor.execute(statements[len(batch)], [_value(row, *key) for row in batch for key in keys])
                if returning:
                    pks += [value for (value,) in cursor.fetchall()]
    return pks if returning else None


def bulk_update_rows(model, rows, fields):
    """UPDATE the rows of `model` whose primary keys are rows[i]["pk"], setting `fields` (names)
    to rows[i][attname]: one statement per 5,000 rows on PostgreSQL, a prepared statement run
    for each row elsewhere (SQLite runs it in C)."""
    if not rows:
        return
    connection = _connection(model)
    quote = connection.ops.quote_name
    opts = model._meta
    targets = [opts.get_field(name) for name in fields]
    keys = [(f.attname, None, _adapter(f, connection)) for f in targets]
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"(%s)::{_array_type(f, connection)}" for f in [opts.pk, *targets])
            names = ", ".join(["pk", *(f"c{i}" for i in range(len(targets)))])
            assignments = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(targets))
            sql = f"UPDATE {table} SET {assignments} FROM UNNEST({arrays}) AS v({names}) WHERE {table}.{pk} = v.pk"
            for start in range(0, len(rows), 5000):
                batch = rows[start : start + 5000]
                cursor.execute(
                    sql, [[row["pk"] for row in batch], *([_value(row, *key) for row in batch] for key in keys)]
                )
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in targets)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [[*(_value(row, *key) for key in keys), row["pk"]] for row in rows],
            )


def delete_rows(queryset):
    """DELETE the queryset's rows in one statement, without loading them: for tables nothing
    refers to and no one listens to (Django's delete() selects the rows first and deletes them
    in chunks when any delete signal receiver is connected, as Wagtail's are)."""
    return queryset._raw_delete(queryset.db)
