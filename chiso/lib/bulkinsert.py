"""Inserting many plain rows at once, the fastest way each database offers.

Building model instances for `bulk_create` costs more than the inserts themselves when
there are 100,000 rows whose values are already clean, so imports and score writes hand
plain tuples to this function:

- PostgreSQL: COPY … FROM STDIN (psycopg's `copy`), several times faster than
  `executemany`, which sends rows one by one;
- SQLite: INSERT statements of many rows each (about a third faster than `executemany`
  for the same rows), within its limit of 32,766 parameters per statement.

It runs on the current connection, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

SQLITE_PARAMETERS = 30_000  # SQLite allows 32,766 per statement (since 3.32)


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert `rows` (values in the order of `fields`, model field names or attnames,
    already as the database takes them) into `model`'s table."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        batch = max(1, SQLITE_PARAMETERS // len(fields))
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * len(chunk)),
                           [value for row in chunk for value in row])
