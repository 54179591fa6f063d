"""Unlinkable secret ballots: rewrite the content rows of a closed vote, then vacuum.

A secret vote stores who took part (a participation row) apart from what they answered (a
content row: a ballot and its child rows). While a vote is open both are written in the
voter's transaction, so on PostgreSQL they share the system column `xmin` (or ballot and
savepoint xids in the same order), the same place in the heap files, and the same order of
arrival. When the vote closes, its service calls `ballots_rewrite` inside the closing
transaction: every ballot and child row is deleted and inserted again

* in an order drawn with `secrets.SystemRandom` (physical order, ctid, `pg_dump` order and
  SQLite rowids then say nothing about the order of voting);
* with fresh random UUIDs (no id carries over; content rows have no timestamps);
* all in the closing transaction, so every ballot of the vote has the same `xmin`.

Participation rows are not touched: they keep the xmin of their voting time. The old row
versions stay in the table files as dead tuples until VACUUM removes them, so
`vacuum_on_commit` runs `VACUUM` on the ballot tables after the close commits, on a
connection of its own (VACUUM cannot run inside a transaction block). On SQLite there is
nothing to do: it has no xmin, and the rewrite gives fresh rowids. See docs/security.md.

Domain-free: the callers name their models; nothing here knows what a vote is."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Sequence

from django.db import connections, transaction
from django.db.models import Model, QuerySet

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


def fresh_id() -> uuid.UUID:
    """A random (version 4) UUID from the operating system's CSPRNG."""
    return uuid.UUID(bytes=secrets.token_bytes(16), version=4)


def _values(model: type[Model], rows) -> list[dict]:
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return list(rows.values("pk", *fields))


def ballots_rewrite(*, ballots: QuerySet, children: Sequence[tuple[type[Model], str]]) -> int:
    """Delete the `ballots` and their child rows and insert them again, shuffled, with new
    random primary keys. `children` names each child model and its foreign key to the
    ballot (e.g. `[(BallotChoice, "ballot")]`); the ballot and child models must have UUID
    primary keys and no other rows may point at them. Call it inside the transaction that
    closes the vote, after every submission has been locked out. Returns the ballot count.
    Nothing maps old ids to new ones, here or in a log."""
    if not transaction.get_connection(ballots.db).in_atomic_block:
        raise RuntimeError("ballots_rewrite must run inside the closing transaction")
    model = ballots.model
    ballots = ballots.order_by()
    rng = secrets.SystemRandom()
    ballot_rows = _values(model, ballots)
    new_ids = {}
    for row in ballot_rows:
        new_ids[row["pk"]] = fresh_id()
        row["pk"] = new_ids[row["pk"]]
    child_rows = []
    for child, fk in children:
        attname = child._meta.get_field(fk).attname
        rows = _values(child, child.objects.filter(**{f"{fk}__in": ballots.values("pk")}))
        for row in rows:
            row["pk"] = fresh_id()
            row[attname] = new_ids[row[attname]]
        child_rows.append((child, rows))

    # Plain DELETEs (no signals: content rows are never audited), children first.
    for child, fk in children:
        child.objects.filter(**{f"{fk}__in": ballots.values("pk")})._raw_delete(ballots.db)
    ballots._raw_delete(ballots.db)

    rng.shuffle(ballot_rows)
    model.objects.bulk_create((model(**row) for row in ballot_rows), batch_size=BATCH_SIZE)
    for child, rows in child_rows:
        rng.shuffle(rows)
        child.objects.bulk_create((child(**row) for row in rows), batch_size=BATCH_SIZE)
    return len(ballot_rows)


def tables_vacuum(*, tables: Sequence[str], using: str = "default") -> None:
    """`VACUUM` the tables on a connection of their own, in autocommit mode (PostgreSQL
    only). Dead row versions are removed once no transaction can still see them."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    own = connection.copy()
    try:
        own.set_autocommit(True)
        with own.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM {own.ops.quote_name(table)}")
    finally:
        own.close()


def vacuum_on_commit(*models: type[Model], using: str = "default") -> None:
    """After the current transaction commits, VACUUM the models' tables. A failure is
    logged (the close has committed; an operator can run the VACUUM by hand), not raised."""
    tables = [m._meta.db_table for m in models]

    def run() -> None:
        try:
            tables_vacuum(tables=tables, using=using)
        except Exception:  # the close itself has committed; say so loudly and move on
            logger.exception("VACUUM after closing a vote failed: run VACUUM %s", tables)

    transaction.on_commit(run, using=using)
