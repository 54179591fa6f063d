"""The hotline aggregates (DailyStat, MonthlyStat), recomputed from the records for the
(department, month) cells an import or an alias touched.

Touched cells only: the records are selected by the touched departments and by range
conditions on received_day (one range per run of consecutive touched months), which the
(department, received_day) btree turns into one bitmap scan reading only those records'
pages; never by a condition on date_trunc() of the column (which no index can serve),
which made a large refresh read the whole table. New tickets of an import are added to
the aggregates without reading any other record (stats_add_new_records). See
docs/hotline.md, "规模 / At scale", for the measurements (BRIN and monthly partitions
were measured too, and not chosen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import connection

from core import publiccache

from .models import DailyStat, HotlineRecord, MonthlyStat

# The first day of a record's month (never a condition on the column: see stats_refresh).
_MONTH_PG = "date_trunc('month', r.received_day)::date"
_MONTH_SQLITE = "strftime('%%Y-%%m-01', r.received_day)"
# Cells per statement: bounds the VALUES list (and the parameters) of one statement.
_CELLS_PER_STATEMENT = 2000


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _spans(months: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive months as [first day, first day after) ranges."""
    spans: list[tuple[dt.date, dt.date]] = []
    for month in sorted(set(months)):
        if spans and spans[-1][1] == month:
            spans[-1] = (spans[-1][0], _next_month(month))
        else:
            spans.append((month, _next_month(month)))
    return spans


def _counts() -> str:
    """Volume and the count of each rating, named for the statements below."""
    return "COUNT(*) AS n, " + ", ".join(
        f"SUM(CASE WHEN r.satisfaction = {code} THEN 1 ELSE 0 END) AS {name}"
        for code, name in ((1, "satisfied"), (2, "basic"), (3, "dissatisfied"))
    )


def _adding(table: str, key: str) -> str:
    """ON CONFLICT clause that adds the new counts to an existing aggregate row."""
    return f" ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(
        f"{c} = {table}.{c} + EXCLUDED.{c}" for c in ("total", "satisfied", "basic", "dissatisfied")
    )


def _write(
    cursor, *, prefix: str, source: str, month: str, params: list, add: bool = False
) -> None:
    """Insert the daily and monthly rows of the records `source` selects (`r`, joined to
    whatever gives `month`), with `prefix` (a WITH clause or nothing) in front. `add`
    (PostgreSQL): add the counts to existing rows instead."""
    daily, monthly = DailyStat._meta.db_table, MonthlyStat._meta.db_table
    counts, totals = _counts(), "n, satisfied, basic, dissatisfied"
    add_daily = _adding(daily, "department_id, day") if add else ""
    add_monthly = _adding(monthly, "department_id, month, category, district") if add else ""
    if connection.vendor == "postgresql":
        # One pass over the records feeds both tables (GROUPING SETS): reading the
        # records is most of the cost of a large refresh.
        with_ = f"{prefix}, " if prefix else "WITH "
        cursor.execute(
            f"{with_}g AS MATERIALIZED (SELECT r.department_id AS d, r.received_day AS day, "  # noqa: S608
            f"{month} AS month, r.category, r.district, "
            f"GROUPING(r.received_day) AS monthly, {counts} {source} "
            "GROUP BY GROUPING SETS ((r.department_id, r.received_day), "
            f"(r.department_id, {month}, r.category, r.district))), "
            f"days AS (INSERT INTO {daily} (department_id, day, total, satisfied, basic, "
            f"dissatisfied) SELECT d, day, {totals} FROM g WHERE monthly = 0{add_daily}) "
            f"INSERT INTO {monthly} (department_id, month, category, district, total, "
            f"satisfied, basic, dissatisfied) SELECT d, month, category, district, {totals} "
            f"FROM g WHERE monthly = 1{add_monthly}",
            params,
        )
        return
    assert not add, "adding counts is for PostgreSQL imports only"
    cursor.execute(
        f"{prefix} INSERT INTO {daily} (department_id, day, total, satisfied, basic, "  # noqa: S608
        f"dissatisfied) SELECT r.department_id, r.received_day, {counts} {source} "
        "GROUP BY r.department_id, r.received_day",
        params,
    )
    cursor.execute(
        f"{prefix} INSERT INTO {monthly} (department_id, month, category, district, total, "  # noqa: S608
        f"satisfied, basic, dissatisfied) SELECT r.department_id, {month}, r.category, "
        f"r.district, {counts} {source} GROUP BY r.department_id, {month}, r.category, "
        "r.district",
        params,
    )


def stats_refresh(*, cells: Mapping[int, Iterable[dt.date]]) -> None:
    """Recompute the aggregates of the given cells (department id -> first days of
    months) from the records, reading only the records of the touched months. Idempotent;
    gives exactly what stats_refresh_all() gives for those cells. The one refresh that
    imports, alias re-matching and anything else that changes records call.

    Up to 2,000 cells a statement: one DELETE per aggregate table and one INSERT ...
    SELECT ... GROUP BY. The records are selected by `department_id IN (...) AND
    (received_day >= lo AND received_day < hi OR ...)`, one range for each run of
    consecutive touched months, then sorted into the cells by a hash join on (department,
    month)."""
    flat = [(dept, month) for dept, months in sorted(cells.items()) for month in sorted(months)]
    if not flat:
        return
    # Public pages show these figures in every campaign evaluating the department.
    publiccache.bump_all()
    pg = connection.vendor == "postgresql"
    value = "(%s, %s::date, %s::date)" if pg else "(%s, %s, %s)"
    day = "%s::date" if pg else "%s"
    month_of = _MONTH_PG if pg else _MONTH_SQLITE
    daily, monthly = DailyStat._meta.db_table, MonthlyStat._meta.db_table
    records = HotlineRecord._meta.db_table
    for start in range(0, len(flat), _CELLS_PER_STATEMENT):
        part = flat[start : start + _CELLS_PER_STATEMENT]
        cell_params: list = []
        for dept, month in part:
            cell_params += [dept, month.isoformat(), _next_month(month).isoformat()]
        spans = _spans(month for _, month in part)
        departments = sorted({dept for dept, _ in part})
        within = " OR ".join([f"(r.received_day >= {day} AND r.received_day < {day})"] * len(spans))
        where_params = [*departments, *(d.isoformat() for span in spans for d in span)]
        cte = f"WITH t(d, lo, hi) AS (VALUES {', '.join([value] * len(part))})"
        # The WHERE clause selects the records (ranges on the day: an index can use them);
        # the join only sorts them into cells, by equality on (department, month) so that
        # it is a plain hash join whatever the number of months. Table names and
        # placeholders only: every value goes through the parameters.
        source = (
            f"FROM {records} r JOIN t ON r.department_id = t.d AND {month_of} = t.lo "
            f"WHERE r.department_id IN ({', '.join(['%s'] * len(departments))}) "
            f"AND ({within})"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"{cte} DELETE FROM {daily} WHERE EXISTS (SELECT 1 FROM t "  # noqa: S608
                f"WHERE t.d = {daily}.department_id AND {daily}.day >= t.lo "
                f"AND {daily}.day < t.hi)",
                cell_params,
            )
            cursor.execute(
                f"{cte} DELETE FROM {monthly} WHERE EXISTS (SELECT 1 FROM t "  # noqa: S608
                f"WHERE t.d = {monthly}.department_id AND {monthly}.month = t.lo)",
                cell_params,
            )
            _write(
                cursor, prefix=cte, source=source, month="t.lo", params=cell_params + where_params
            )


def stats_refresh_all() -> int:
    """Recompute every aggregate from all the records (a rebuild; also what a touched-only
    refresh must agree with). Returns the number of (department, month) cells."""
    publiccache.bump_all()
    pg = connection.vendor == "postgresql"
    month = _MONTH_PG if pg else _MONTH_SQLITE
    records = HotlineRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DailyStat._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {MonthlyStat._meta.db_table}")  # noqa: S608
        _write(
            cursor,
            prefix="",
            source=f"FROM {records} r WHERE r.department_id IS NOT NULL",
            month=month,
            params=[],
        )
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT DISTINCT department_id, month "  # noqa: S608
            f"FROM {MonthlyStat._meta.db_table}) c"
        )
        return cursor.fetchone()[0]


def stats_add_new_records(*, source: str, params: list) -> None:
    """Add the counts of records that have just been inserted (new tickets, PostgreSQL) to
    the aggregates, reading only those records: `source` is a FROM clause whose rows `r`
    have department_id (not NULL), received_day, category, district and satisfaction. An
    import calls it in the transaction that inserts them, so the cost of its aggregate step
    follows the file, not the history; the result is what a refresh of the cells gives
    (tests/hotline/test_component.py)."""
    publiccache.bump_all()
    with connection.cursor() as cursor:
        _write(cursor, prefix="", source=source, month=_MONTH_PG, params=params, add=True)
