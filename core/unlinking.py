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
    connection = transaction.get_connection(ballots.db)
    if not connection.in_atomic_block:
        raise RuntimeError("ballots_rewrite must run inside the closing transaction")
    ballots = ballots.order_by()
    if connection.vendor == "postgresql":
        return _rewrite_postgresql(ballots=ballots, children=children, connection=connection)
    return _rewrite_orm(ballots=ballots, children=children)


def _rewrite_orm(*, ballots: QuerySet, children) -> int:
    """Any database: rows through Python (SQLite; fine for its sizes)."""
    model = ballots.model
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


def _rewrite_postgresql(*, ballots: QuerySet, children, connection) -> int:
    """PostgreSQL: the rows move in SQL (25,000 public ballots with 250,000 ratings in a few
    seconds instead of a minute through the ORM). Python draws the order (SystemRandom) and
    the new ballot ids; child rows get `gen_random_uuid()` (PostgreSQL's strong random
    source) and follow their ballot's shuffled position. The old rows are copied to
    temporary tables (never in a backup), deleted, and inserted again in that order."""
    model = ballots.model
    qn = connection.ops.quote_name
    rng = secrets.SystemRandom()
    old_ids = list(ballots.values_list("pk", flat=True))
    positions = list(range(len(old_ids)))
    rng.shuffle(positions)
    new_ids = [fresh_id() for _ in old_ids]

    def columns(m: type[Model], skip: str = "") -> list[str]:
        # A concrete field is one with a column (Django's own definition); the stubs say str | None.
        return [
            f.column
            for f in m._meta.concrete_fields
            if f.column is not None and not f.primary_key and f.column != skip
        ]

    ballot_table, ballot_pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    ballot_cols = columns(model)
    temps = ["pingyi_unlink_map", "pingyi_unlink_ballots"]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE pingyi_unlink_map (old uuid PRIMARY KEY, new uuid, pos int) "
            "ON COMMIT DROP"
        )
        cursor.execute(
            "INSERT INTO pingyi_unlink_map SELECT * FROM unnest(%s::uuid[], %s::uuid[], %s::int[])",
            [old_ids, new_ids, positions],
        )
        cursor.execute(
            f"CREATE TEMP TABLE pingyi_unlink_ballots ON COMMIT DROP AS SELECT t.* "  # noqa: S608
            f"FROM {ballot_table} t JOIN pingyi_unlink_map m ON m.old = t.{ballot_pk}"
        )
        child_plan = []
        for n, (child, fk) in enumerate(children):
            fk_col = child._meta.get_field(fk).column
            temp = f"pingyi_unlink_child_{n}"
            temps.append(temp)
            table = qn(child._meta.db_table)
            cursor.execute(
                f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT t.* FROM {table} t "  # noqa: S608
                f"JOIN pingyi_unlink_map m ON m.old = t.{qn(fk_col)}"
            )
            cursor.execute(
                f"DELETE FROM {table} WHERE {qn(fk_col)} IN (SELECT old FROM pingyi_unlink_map)"  # noqa: S608
            )
            child_plan.append(
                (table, qn(child._meta.pk.column), qn(fk_col), temp, columns(child, fk_col))
            )
        cursor.execute(
            f"DELETE FROM {ballot_table} WHERE {ballot_pk} IN (SELECT old FROM pingyi_unlink_map)"  # noqa: S608
        )
        cols = "".join(f", {qn(c)}" for c in ballot_cols)
        picked = "".join(f", t.{qn(c)}" for c in ballot_cols)
        cursor.execute(
            f"INSERT INTO {ballot_table} ({ballot_pk}{cols}) SELECT m.new{picked} "  # noqa: S608
            f"FROM pingyi_unlink_ballots t JOIN pingyi_unlink_map m ON m.old = t.{ballot_pk} "
            "ORDER BY m.pos"
        )
        for table, pk, fk_col, temp, child_cols in child_plan:
            cols = "".join(f", {qn(c)}" for c in child_cols)
            picked = "".join(f", t.{qn(c)}" for c in child_cols)
            cursor.execute(
                f"INSERT INTO {table} ({pk}, {fk_col}{cols}) "  # noqa: S608
                f"SELECT gen_random_uuid(), m.new{picked} FROM {temp} t "
                f"JOIN pingyi_unlink_map m ON m.old = t.{fk_col} ORDER BY m.pos"
            )
        # Dropped now, not at commit: one transaction may close several votes (the demo).
        cursor.execute(f"DROP TABLE {', '.join(temps)}")
    return len(old_ids)


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
