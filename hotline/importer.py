"""The hotline importer (called through services.import_batch_run).

An import runs in three resumable phases, each recorded on the batch row:

1. READ: stream the file through the pure parser into StagedRow (COPY on PostgreSQL,
   batched inserts on SQLite), row errors into ImportRowError, a chunk per transaction.
   A file error found anywhere (even deep in the file) deletes what was staged, so a
   refused file writes no record.
2. MERGE: `INSERT ... SELECT ... ON CONFLICT (source, ticket_no) DO UPDATE ... WHERE
   (columns) IS DISTINCT FROM (new columns)` from the staged rows, in chunks of rows. Each
   chunk commits together with the batch's counters and the next row to merge, so a
   re-run after a crash resumes exactly where the dead worker stopped and ends with the
   same records and the same counts as a clean run. A chunk of new tickets only (its
   ticket range overlaps no stored ticket of the source, PostgreSQL) is a plain INSERT
   instead, and adds its counts to the aggregates in the same transaction.
3. AGGREGATE: recompute the DailyStat/MonthlyStat cells (department x month) that the
   merged (updated, or inserted among stored tickets) rows touched, reading only those
   months; drop the staged rows, mark the batch done.
"""

from __future__ import annotations

import datetime as dt
import io
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from departments.models import Department, DepartmentAlias
from departments.naming import normalize_name

from . import conf
from .importing.copy_lines import CHINA, SATISFACTION_CODES, CopyLineParser, local_day
from .importing.parsing import FileError, RowError, RowParser, map_header, rejected_cells
from .importing.readers import open_table
from .models import HotlineRecord, ImportBatch, ImportRowError, StagedRow
from .stats import stats_add_new_records, stats_refresh

# Test seam: called after each committed merge chunk with (batch, chunks_done). A test sets
# it to raise, which is how "the worker died half-way" is simulated.
after_merge_chunk: Callable[[ImportBatch, int], None] | None = None

# Columns of a record that an import sets, in the order of the staged row's COPY text
# after (batch_id, row_number). The text columns come last so they can be escaped in one
# translate() call (see importing/copy_lines.py).
_VALUE_COLUMNS = (
    "received_at", "received_day", "department_id", "closed_at", "satisfaction",
    "caller_hash", "ticket_no", "department_name", "request_type", "category", "district",
    "town", "status", "content",
)  # fmt: skip
_STAGED_COLUMNS = tuple("department_ref" if c == "department_id" else c for c in _VALUE_COLUMNS)
# Columns compared to decide whether a re-imported ticket changed (ticket_no is the key).
_COMPARED = tuple(c for c in _VALUE_COLUMNS if c != "ticket_no")

# Advisory-lock namespace of import batches (an arbitrary constant: "hotline").
_LOCK_SPACE = 0x12345


@contextmanager
def _batch_lock(batch_id: int) -> Iterator[bool]:
    """On PostgreSQL, a session advisory lock on the batch: a task delivered twice while
    the first delivery still runs (a broker's visibility timeout) must not run it twice at
    once. A dead worker's session ends, which releases the lock for the re-run."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_SPACE, batch_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, batch_id])


def run(*, batch_id: int) -> ImportBatch:
    """Run (or resume) an import. Idempotent: a finished batch is returned as it is, and a
    batch another worker is running right now is left to it."""
    with _batch_lock(batch_id) as acquired:
        batch = ImportBatch.objects.select_related("source").get(pk=batch_id)
        if batch.finished or not acquired:
            return batch
        return _run(batch)


def _run(batch: ImportBatch) -> ImportBatch:
    batch.state = ImportBatch.State.RUNNING
    batch.started_at = batch.started_at or timezone.now()
    batch.save(update_fields=["state", "started_at"])
    if batch.phase == ImportBatch.Phase.READ:
        try:
            _read_phase(batch)
        except FileError as exc:
            _refuse(batch, str(exc))
            return batch
    if batch.phase == ImportBatch.Phase.MERGE:
        _merge_phase(batch)
    if batch.phase == ImportBatch.Phase.AGGREGATE:
        _aggregate_phase(batch)
    return batch


def _refuse(batch: ImportBatch, reason: str) -> None:
    with transaction.atomic():
        StagedRow.objects.filter(batch=batch).delete()
        ImportRowError.objects.filter(batch=batch).delete()
        batch.state = ImportBatch.State.FAILED
        batch.phase = ImportBatch.Phase.FINISHED
        batch.message = reason
        batch.read = batch.rejected = batch.done = 0
        batch.finished_at = timezone.now()
        batch.save()
        _finished(batch)


def _discard_upload(batch: ImportBatch) -> None:
    """An uploaded file holds the callers' phone numbers as given. Once its batch has
    finished, the records and row errors hold everything pingyi keeps, so the upload goes.
    Files outside MEDIA_ROOT/hotline/ (`import_hotline PATH`) belong to whoever ran the
    command and are left alone."""
    uploads = (Path(settings.MEDIA_ROOT) / "hotline").resolve()
    path = Path(batch.path).resolve()
    if uploads not in path.parents:
        return
    path.unlink(missing_ok=True)
    with suppress(OSError):  # the per-upload folder, if it is now empty
        if path.parent != uploads:
            path.parent.rmdir()


def _finished(batch: ImportBatch) -> None:
    transaction.on_commit(lambda: _discard_upload(batch))


def _progress(batch: ImportBatch, done: int, total: int | None, message: str) -> None:
    batch.done, batch.total, batch.message = done, total, message
    elapsed = (timezone.now() - batch.started_at).total_seconds() if batch.started_at else 0
    batch.rate = round(done / elapsed, 1) if elapsed > 0 else 0


def department_lookup() -> dict[str, int]:
    """Normalised department name or alias -> department id."""
    lookup = {normalize_name(name): pk for pk, name in Department.objects.values_list("id", "name")}
    for name, pk in DepartmentAlias.objects.values_list("name", "department_id"):
        lookup[normalize_name(name)] = pk
    return lookup


# --- phase 1: read ---------------------------------------------------------------------------


def _jsonable(cell: Any) -> Any:
    if cell is None or isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


def _sqlite_tuple(batch_id: int, number: int, row, dept: int | None) -> tuple:
    adapt = connection.ops.adapt_datetimefield_value
    return (
        batch_id, number, adapt(row.received_at), local_day(row.received_at).isoformat(),
        dept, adapt(row.closed_at) if row.closed_at else None,
        SATISFACTION_CODES[row.satisfaction], row.caller_hash, row.ticket_no,
        row.department_name, row.request_type, row.category, row.district, row.town,
        row.status, row.content,
    )  # fmt: skip


def _staged_table() -> str:
    return StagedRow._meta.db_table


def _fast_commit() -> None:
    """Within an import transaction on PostgreSQL: don't wait for the WAL flush at commit
    (measured 0.5 s a chunk). Safe here: a crash can lose only the last chunks, and their
    bookkeeping on the batch row goes with them, so the re-run redoes exactly those."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _copy_staged(data: bytes) -> None:
    columns = ", ".join(("batch_id", "row_number", *_STAGED_COLUMNS))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {_staged_table()} ({columns}) FROM STDIN", io.BytesIO(data), size=1 << 20
        )


def _insert_staged(rows: list) -> None:
    columns = ("batch_id", "row_number", *_STAGED_COLUMNS)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_staged_table()} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )


class _Chunk(NamedTuple):
    data: Any  # COPY text as bytes (PostgreSQL) or a list of row tuples (SQLite)
    errors: list[ImportRowError]
    read: int
    rejected: int


def _raw(cells: list, columns: Mapping[str, int]) -> list:
    """A rejected row's cells as kept for staff, with phone numbers masked."""
    return rejected_cells([_jsonable(c) for c in cells], columns)


def _chunks(
    table, make: Callable, batch_id: int, size: int, columns: Mapping[str, int]
) -> Iterator[_Chunk]:
    """The file's rows, parsed, in chunks of `size` rows (staged or rejected)."""
    read = rejected = 0
    rows: list = []
    errors: list[ImportRowError] = []
    for number, cells in table.rows:
        read += 1
        try:
            if type(cells) is str:  # a row over the reader's limits: the reason it is refused
                raise RowError(cells)
            rows.append(make(number, cells))
        except RowError as exc:
            rejected += 1
            errors.append(
                ImportRowError(
                    batch_id=batch_id,
                    row_number=number,
                    raw=[] if type(cells) is str else _raw(cells, columns),
                    reason=str(exc),
                )
            )
        if len(rows) + len(errors) >= size:
            yield _Chunk(rows, errors, read, rejected)
            rows, errors = [], []
    yield _Chunk(rows, errors, read, rejected)


def _encoded(chunks: Iterator[_Chunk]) -> Iterator[_Chunk]:
    for chunk in chunks:
        yield chunk._replace(data="".join(chunk.data).encode())


_DONE = object()


def _in_thread(items: Iterator[Any], depth: int = 1) -> Iterator[Any]:
    """Run a generator in a thread, `depth` items ahead of the consumer.

    On PostgreSQL the importer parses the next chunk while the database copies the
    previous one: the parsing (Python) and the COPY (the server process) each keep one of
    the machine's cores busy instead of taking turns. The thread touches no database
    connection. An exception in it is raised in the consumer; a consumer that stops early
    (an error, a test seam) stops the thread."""
    out: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.2)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 (handed over to the consumer)
            put((_DONE, exc))
        else:
            put((_DONE, None))

    thread = threading.Thread(target=produce, name="hotline-read", daemon=True)
    # The consumer's database calls each release and retake the GIL; at the default 5 ms
    # switch interval it waits that long for the busy producer every time, and the COPY
    # stalls (measured: half the read phase). A shorter interval while both run keeps the
    # COPY fed; the process's own setting is restored after.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, 0.0005))
    thread.start()
    try:
        while True:
            item, error = out.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
        sys.setswitchinterval(interval)


def _read_phase(batch: ImportBatch) -> None:
    # A re-run after a crash in this phase starts the file again from a clean slate.
    StagedRow.objects.filter(batch=batch).delete()
    ImportRowError.objects.filter(batch=batch).delete()
    pg = connection.vendor == "postgresql"
    size = conf.chunk_rows()

    with open_table(batch.path, sheet=batch.sheet or None) as table:
        header_map = map_header(table.header)
        batch.file_format = table.format
        batch.encoding = table.encoding or ""
        batch.header = table.header
        batch.unknown_columns = header_map.unknown + header_map.duplicates
        total = table.total_estimate
        lookup = department_lookup()
        if pg:
            parser = CopyLineParser(
                header_map,
                departments=lookup,
                batch_id=batch.pk,
                satisfaction_map=conf.satisfaction_map(),
                phone_secret=conf.phone_secret(),
            )
            make = parser.line if table.format == "csv" else parser.slow_line
            chunks = _in_thread(_encoded(_chunks(table, make, batch.pk, size, header_map.columns)))
            write: Callable[[Any], None] = _copy_staged
        else:
            parse = RowParser(
                header_map,
                satisfaction_map=conf.satisfaction_map(),
                phone_secret=conf.phone_secret(),
                tz=CHINA,
            ).parse

            def make(number: int, cells: list) -> tuple:
                row = parse(cells)
                return _sqlite_tuple(batch.pk, number, row, lookup.get(row.department_name))

            chunks = _chunks(table, make, batch.pk, size, header_map.columns)
            write = _insert_staged

        for chunk in chunks:
            with transaction.atomic():
                _fast_commit()
                if chunk.data:
                    write(chunk.data)
                ImportRowError.objects.bulk_create(chunk.errors)
                _progress(batch, chunk.read, max(total or 0, chunk.read), "第 1/3 步：读取文件")
                batch.read, batch.rejected = chunk.read, chunk.rejected
                batch.save()

    with transaction.atomic():
        duplicates = _reject_duplicates(batch)
        batch.rejected += duplicates
        batch.unmatched = _unmatched_names(batch)
        batch.phase = ImportBatch.Phase.MERGE
        batch.total = StagedRow.objects.filter(batch=batch).count()
        _progress(batch, 0, batch.total, "第 2/3 步：写入记录")
        batch.save()


def _reject_duplicates(batch: ImportBatch) -> int:
    """A ticket number twice in one file: the first row counts, later ones are rejected."""
    table = _staged_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT s.row_number, s.ticket_no, d.first_row FROM {table} s
                JOIN (SELECT ticket_no, MIN(row_number) AS first_row FROM {table}
                      WHERE batch_id = %s GROUP BY ticket_no HAVING COUNT(*) > 1) d
                  ON d.ticket_no = s.ticket_no
                WHERE s.batch_id = %s AND s.row_number > d.first_row""",  # noqa: S608
            [batch.pk, batch.pk],
        )
        duplicates = cursor.fetchall()
    if not duplicates:
        return 0
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                batch=batch,
                row_number=number,
                raw=[ticket],
                reason=f"工单编号与第 {first} 行重复，本行未导入",
            )
            for number, ticket, first in duplicates
        ],
        batch_size=5000,
    )
    numbers = [number for number, _, _ in duplicates]
    for start in range(0, len(numbers), 5000):
        StagedRow.objects.filter(batch=batch, row_number__in=numbers[start : start + 5000]).delete()
    return len(duplicates)


def _unmatched_names(batch: ImportBatch) -> dict[str, int]:
    rows = (
        StagedRow.objects.filter(batch=batch, department_ref__isnull=True)
        .values_list("department_name")
        .annotate(n=Count("row_number"))
        .order_by("-n", "department_name")
    )
    return dict(rows)


# --- phase 2: merge --------------------------------------------------------------------------


def _record_table() -> str:
    return HotlineRecord._meta.db_table


def _chunk_end(batch: ImportBatch, after: int, size: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row_number FROM {_staged_table()} WHERE batch_id = %s AND row_number > %s "  # noqa: S608
            "ORDER BY row_number LIMIT 1 OFFSET %s",
            [batch.pk, after, size - 1],
        )
        hit = cursor.fetchone()
        if hit:
            return hit[0]
        cursor.execute(
            f"SELECT MAX(row_number) FROM {_staged_table()} "  # noqa: S608
            "WHERE batch_id = %s AND row_number > %s",
            [batch.pk, after],
        )
        return cursor.fetchone()[0]


def _merge_chunk_pg(batch: ImportBatch, lo: int, hi: int) -> tuple[int, int, int, set[str]]:
    staged, records = _staged_table(), _record_table()
    select = ", ".join(f"s.{c}" for c in _STAGED_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COMPARED)
    current = ", ".join(f"r.{c}" for c in _COMPARED)
    new = ", ".join(f"EXCLUDED.{c}" for c in _COMPARED)
    # Unchanged rows (all of them when a file is imported again) are filtered out by a
    # plain join before the upsert: ON CONFLICT DO UPDATE locks the existing row even when
    # its WHERE says "no change", which rewrites every page of the table and its WAL.
    was = ", ".join(f"r.{c}" for c in _COMPARED)
    now = ", ".join(f"s.{c}" for c in _STAGED_COLUMNS if c != "ticket_no")
    sql = f"""
        WITH changed AS MATERIALIZED (
            SELECT s.*, r.department_id AS old_department, r.received_day AS old_day
            FROM {staged} s
            LEFT JOIN {records} r ON r.source_id = %(source)s AND r.ticket_no = s.ticket_no
            WHERE s.batch_id = %(batch)s AND s.row_number > %(lo)s AND s.row_number <= %(hi)s
              AND (r.id IS NULL OR ({was}) IS DISTINCT FROM ({now}))),
        old AS (
            SELECT old_department AS department_id, old_day AS received_day FROM changed
            WHERE old_department IS NOT NULL
              AND (old_department, old_day) IS DISTINCT FROM (department_ref, received_day)),
        up AS (
            INSERT INTO {records} AS r (source_id, {", ".join(_VALUE_COLUMNS)})
            SELECT %(source)s, {select} FROM changed s
            ON CONFLICT (source_id, ticket_no) DO UPDATE SET {updates}
            WHERE ({current}) IS DISTINCT FROM ({new})
            RETURNING (r.xmax = 0) AS inserted, r.department_id, r.received_day)
        SELECT (SELECT COUNT(*) FROM {staged} WHERE batch_id = %(batch)s
                  AND row_number > %(lo)s AND row_number <= %(hi)s),
               (SELECT COUNT(*) FILTER (WHERE inserted) FROM up),
               (SELECT COUNT(*) FILTER (WHERE NOT inserted) FROM up),
               (SELECT array_agg(DISTINCT
                       c.department_id || ' ' || to_char(c.received_day, 'YYYY-MM'))
                FROM (SELECT department_id, received_day FROM up WHERE department_id IS NOT NULL
                      UNION ALL SELECT department_id, received_day FROM old) c)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {"batch": batch.pk, "lo": lo, "hi": hi, "source": batch.source_id})
        total, inserted, updated, cells = cursor.fetchone()
    return total, inserted, updated, set(cells or ())


def _merge_chunk_sqlite(batch: ImportBatch, lo: int, hi: int) -> tuple[int, int, int, set[str]]:
    staged, records = _staged_table(), _record_table()
    pairs = list(zip(_COMPARED, tuple(s for s in _STAGED_COLUMNS if s != "ticket_no"), strict=True))
    differs = " OR ".join(f"r.{c} IS NOT s.{sc}" for c, sc in pairs)
    join = (
        f"FROM {staged} s LEFT JOIN {records} r ON r.source_id = %s AND r.ticket_no = s.ticket_no "
        "WHERE s.batch_id = %s AND s.row_number > %s AND s.row_number <= %s"
    )
    params = [batch.source_id, batch.pk, lo, hi]
    month = "strftime('%%Y-%%m', {})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(r.id IS NULL), 0), "  # noqa: S608
            f"COALESCE(SUM(r.id IS NOT NULL AND ({differs})), 0) {join}",
            params,
        )
        total, inserted, updated = cursor.fetchone()
        cursor.execute(
            f"SELECT DISTINCT s.department_ref || ' ' || {month.format('s.received_day')} {join} "  # noqa: S608
            f"AND s.department_ref IS NOT NULL AND (r.id IS NULL OR {differs}) "
            f"UNION SELECT DISTINCT r.department_id || ' ' || {month.format('r.received_day')} "
            f"{join} AND r.department_id IS NOT NULL "
            "AND (r.department_id IS NOT s.department_ref OR r.received_day IS NOT s.received_day)",
            params + params,
        )
        cells = {cell for (cell,) in cursor.fetchall()}
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COMPARED)
        differs_excluded = " OR ".join(f"{records}.{c} IS NOT excluded.{c}" for c in _COMPARED)
        cursor.execute(
            f"INSERT INTO {records} (source_id, {', '.join(_VALUE_COLUMNS)}) "  # noqa: S608
            f"SELECT %s, {', '.join('s.' + c for c in _STAGED_COLUMNS)} FROM {staged} s "
            "WHERE s.batch_id = %s AND s.row_number > %s AND s.row_number <= %s "
            f"ON CONFLICT (source_id, ticket_no) DO UPDATE SET {updates} WHERE {differs_excluded}",
            params,
        )
    return total, inserted, updated, cells


def _add_cells(touched: dict[str, list[str]], cells: Iterable[str]) -> dict[str, list[str]]:
    merged = {key: set(months) for key, months in touched.items()}
    for cell in cells:
        department, month = cell.split(" ")
        merged.setdefault(department, set()).add(month)
    return {key: sorted(months) for key, months in sorted(merged.items())}


def _insert_chunk_pg(batch: ImportBatch, lo: int, hi: int) -> tuple[int, int, int, set[str]]:
    """Plain INSERT for a chunk of new tickets only (see _all_new: a source's first load,
    or a new period's file): no conflict is possible, so neither the ON CONFLICT probe nor
    the old-cell join is needed. A concurrent import of the same source makes it raise
    IntegrityError, and the caller falls back to the upsert."""
    staged, records = _staged_table(), _record_table()
    select = ", ".join(f"s.{c}" for c in _STAGED_COLUMNS)
    params = {"batch": batch.pk, "lo": lo, "hi": hi, "source": batch.source_id}
    within = "s.batch_id = %(batch)s AND s.row_number > %(lo)s AND s.row_number <= %(hi)s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {records} (source_id, {', '.join(_VALUE_COLUMNS)}) "  # noqa: S608
            f"SELECT %(source)s, {select} FROM {staged} s WHERE {within}",
            params,
        )
        inserted = cursor.rowcount
    # Every staged row was inserted: their counts are added to the aggregates right here,
    # read off the staged rows, in the chunk's transaction (so a re-run after a crash
    # neither loses nor adds them twice). No cell is left for the aggregate phase: its
    # cost follows the file, not the history of the record table.
    new = (
        f"FROM (SELECT s.department_ref AS department_id, s.received_day, s.category, "  # noqa: S608
        f"s.district, s.satisfaction FROM {staged} s WHERE {within} "
        "AND s.department_ref IS NOT NULL) r"
    )
    stats_add_new_records(source=new, params=params)
    return inserted, inserted, 0, set()


def _all_new(batch: ImportBatch, lo: int, hi: int) -> bool:
    """Whether no record of the source has a ticket number between the smallest and the
    largest of the chunk's: then none of its rows can conflict, and the chunk is a plain
    INSERT. One range probe of the unique index, however large the history: ticket
    numbers grow with time, so a new period's file sorts after (or apart from) the
    tickets already stored. A chunk whose range overlaps stored tickets is merged."""
    staged, records = _staged_table(), _record_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(ticket_no), MAX(ticket_no) FROM {staged} "  # noqa: S608
            "WHERE batch_id = %s AND row_number > %s AND row_number <= %s",
            [batch.pk, lo, hi],
        )
        first, last = cursor.fetchone()
        # The first stored ticket from `first` on, in index order: ORDER BY ... LIMIT 1
        # makes it one probe of the unique index whatever the planner's estimates (an
        # EXISTS over the range was planned as a sequential scan of 20M records).
        cursor.execute(
            f"SELECT ticket_no <= %s FROM {records} WHERE source_id = %s "  # noqa: S608
            "AND ticket_no >= %s ORDER BY source_id, ticket_no LIMIT 1",
            [last, batch.source_id, first],
        )
        hit = cursor.fetchone()
    return hit is None or not hit[0]


def _merge_phase(batch: ImportBatch) -> None:
    pg = connection.vendor == "postgresql"
    merge = _merge_chunk_pg if pg else _merge_chunk_sqlite
    size = conf.chunk_rows()
    chunks = 0
    while True:
        hi = _chunk_end(batch, batch.merged_upto, size)
        if hi is None:
            break
        with transaction.atomic():
            _fast_commit()
            result = None
            if pg and _all_new(batch, batch.merged_upto, hi):
                try:
                    with transaction.atomic():
                        result = _insert_chunk_pg(batch, batch.merged_upto, hi)
                except IntegrityError:  # a concurrent import of the same source
                    result = None
            total, inserted, updated, cells = result or merge(batch, batch.merged_upto, hi)
            batch.inserted += inserted
            batch.updated += updated
            batch.unchanged += total - inserted - updated
            batch.merged_upto = hi
            batch.touched = _add_cells(batch.touched, cells)
            merged = batch.inserted + batch.updated + batch.unchanged
            _progress(batch, merged, batch.total, "第 2/3 步：写入记录")
            batch.save()
        chunks += 1
        if after_merge_chunk is not None:
            after_merge_chunk(batch, chunks)
    batch.phase = ImportBatch.Phase.AGGREGATE
    _progress(batch, batch.done, batch.total, "第 3/3 步：更新统计")
    batch.save()


# --- phase 3: aggregates ---------------------------------------------------------------------


def _aggregate_phase(batch: ImportBatch) -> None:
    with transaction.atomic():
        stats_refresh(
            cells={
                int(dept): {dt.date.fromisoformat(f"{m}-01") for m in months}
                for dept, months in batch.touched.items()
            }
        )
        StagedRow.objects.filter(batch=batch).delete()
        batch.state = ImportBatch.State.DONE
        batch.phase = ImportBatch.Phase.FINISHED
        batch.finished_at = timezone.now()
        _progress(batch, batch.read, batch.read, "导入完成")
        batch.save()
        _finished(batch)
