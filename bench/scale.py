"""The hotline at scale: grow a PostgreSQL database to N records, then time what grows with it.

    python bench/scale.py grow 2000000          # idempotent: skips what is already there
    python bench/scale.py bench [--import-rows 1000000]

The database is `pingyi_scale` on 127.0.0.1 unless DATABASE_URL names another one; it must
hold the demo first (`manage.py migrate && manage.py load_demo` with that DATABASE_URL).

`grow N` adds records to the demo's 12345 source with SQL generate_series until the record
table holds N rows: departments, names (matched and unmatched), categories, districts and
towns drawn from the demo's own tickets, ratings 50% satisfied / 14% basic / 15%
dissatisfied / 21% none, times spread evenly over 2020-2024 and appended in time order
(as monthly imports would leave them), 1M rows a transaction. Then it recomputes every
aggregate cell (timed: the full refresh) and runs VACUUM ANALYZE.

`bench` prints, for the database as it is: the records API (first page, next page, a
filtered page), a 1M-row import into the grown source compared with the same import into
an empty table and with the COPY floor, the aggregate step of a file touching two months,
an alias re-match, the scoring recompute and the public pages (ms and queries). Imported
rows are deleted again afterwards, so the database keeps its N records.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEP = 1_000_000
SPAN_START = "2020-01-01 00:00:00+08"
SPAN_SECONDS = 5 * 365 * 86400 + 86400  # 2020-01-01 .. 2024-12-31 (2020 and 2024 are leap)


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pingyi_scale")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.local")
    os.environ.setdefault("HOTLINE_PHONE_SECRET", "bench-secret")
    os.environ.setdefault("CELERY_BROKER_URL", "")
    import django

    django.setup()


def record_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        # The planner's estimate first: an exact count of 20M rows takes seconds.
        cursor.execute("SELECT COUNT(*) FROM hotline_hotlinerecord")
        return cursor.fetchone()[0]


def grow(target: int) -> None:
    from django.db import connection, transaction

    from hotline.models import HotlineSource

    have = record_count()
    if have >= target:
        print(f"the record table already holds {have:,} rows (>= {target:,}): no growth")
        return
    source = HotlineSource.objects.order_by("pk").first()
    assert source is not None, "load the demo first (manage.py load_demo)"
    added = target - have
    print(f"growing from {have:,} to {target:,} records ({added:,} rows) ...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS scale_tpl AS SELECT "
            "row_number() OVER (ORDER BY id) - 1 AS k, department_id, department_name, "
            "request_type, category, district, town, status "
            "FROM hotline_hotlinerecord WHERE ticket_no NOT LIKE 'S%%' ORDER BY id LIMIT 20000"
        )
        cursor.execute("CREATE UNIQUE INDEX IF NOT EXISTS scale_tpl_k ON scale_tpl (k)")
        cursor.execute("ANALYZE scale_tpl")
        cursor.execute("SELECT COUNT(*) FROM scale_tpl")
        templates = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COALESCE(MAX(substr(ticket_no, 2)::bigint), 0) FROM hotline_hotlinerecord "
            "WHERE source_id = %s AND ticket_no LIKE 'S%%'",
            [source.pk],
        )
        first = cursor.fetchone()[0] + 1
    started = time.perf_counter()
    for lo in range(0, added, STEP):
        hi = min(lo + STEP, added)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Row g of this growth gets the time g/added of the way through 2020-2024 plus
            # up to an hour of jitter: the table is appended in time order.
            cursor.execute(
                """
                INSERT INTO hotline_hotlinerecord (source_id, ticket_no, received_at,
                    received_day, department_id, department_name, request_type, category,
                    district, town, status, closed_at, satisfaction, content, caller_hash)
                SELECT %(source)s, 'S' || lpad((%(first)s + g.n)::text, 10, '0'), g.at,
                       (g.at AT TIME ZONE 'Asia/Shanghai')::date, t.department_id,
                       t.department_name, t.request_type, t.category, t.district, t.town,
                       t.status, g.at + g.r * interval '5 days',
                       CASE WHEN g.r < 0.50 THEN 1 WHEN g.r < 0.64 THEN 2
                            WHEN g.r < 0.79 THEN 3 END,
                       '市民反映' || t.town || t.category || '问题，工单' || g.n
                           || '，请相关部门尽快核实处理并答复。',
                       substr(md5(g.n::text), 1, 32)
                FROM (SELECT n, random() AS r, floor(random() * %(templates)s)::int AS k,
                             %(start)s::timestamptz + make_interval(
                                 secs => n::float8 / %(added)s * %(span)s + random() * 3600
                             ) AS at
                      FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS n) g
                JOIN scale_tpl t ON t.k = g.k
                """,
                {
                    "source": source.pk, "first": first, "templates": templates,
                    "start": SPAN_START, "added": added, "span": SPAN_SECONDS - 3600,
                    "lo": lo, "hi": hi,
                },
            )  # fmt: skip
        rate = hi / (time.perf_counter() - started)
        print(f"  {have + hi:,} records ({rate:,.0f} rows/s)", flush=True)
    print(f"grown in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE ...", flush=True)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE hotline_hotlinerecord")


def full_refresh() -> float:
    """Every aggregate cell recomputed (the way a lost aggregate table is rebuilt)."""
    from django.db import connection, transaction

    from hotline.stats import stats_refresh_all

    started = time.perf_counter()
    with transaction.atomic():
        cells = stats_refresh_all()
    elapsed = time.perf_counter() - started
    connection.close()
    print(f"full aggregate refresh: {cells:,} cells in {elapsed:.1f} s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grow_parser = commands.add_parser("grow", help="grow the record table to N rows")
    grow_parser.add_argument("n", type=int)
    bench_parser = commands.add_parser("bench", help="time what grows with the table")
    bench_parser.add_argument("--import-rows", type=int, default=1_000_000)
    bench_parser.add_argument(
        "--import-only", action="store_true", help="only the 1M-row import and its comparisons"
    )
    commands.add_parser("refresh", help="time a full aggregate refresh")
    args = parser.parse_args()
    setup()
    if args.command == "grow":
        grow(args.n)
    elif args.command == "refresh":
        full_refresh()
    else:
        bench(import_rows=args.import_rows, import_only=args.import_only)


def timed(label: str, function, *args, **kwargs):
    """(result, seconds, queries) of one call, printed as a row of the table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        elapsed = time.perf_counter() - started
    print(f"{label:<58}{elapsed * 1000:>10.0f} ms{len(queries):>6} queries", flush=True)
    return result, elapsed


def bench_file(path: Path, rows: int, *, prefix: str, start: str, step: int) -> Path:
    """A hotline centre's CSV export (bench/hotline_import.py's generator, whose department
    names the demo knows too), ticket numbers `prefix`..., one every `step` seconds."""
    import datetime as dt

    from bench import hotline_import

    if path.exists():
        return path
    hotline_import.generate(
        path, rows, prefix=prefix, start=dt.datetime.fromisoformat(start), step=step
    )
    return path


def run_import(path: Path, label: str):
    from hotline import importer
    from hotline.models import HotlineSource
    from hotline.services import import_batch_create, import_batch_run

    phases: dict[str, float] = {}
    originals = {}

    def timing(name: str, function):
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                phases[name] = phases.get(name, 0) + time.perf_counter() - started

        return wrapper

    for phase in ("_read_phase", "_merge_phase", "_aggregate_phase", "stats_add_new_records"):
        originals[phase] = getattr(importer, phase)
        name = "(of which adding new counts)" if phase[0] == "s" else phase.split("_")[1]
        setattr(importer, phase, timing(name, originals[phase]))
    try:
        source = HotlineSource.objects.order_by("pk").first()
        batch = import_batch_create(source_name=source.name, path=str(path), file_name=path.name)
        batch.source = source
        batch.organizer = source.organizer
        batch.save()
        started = time.perf_counter()
        batch = import_batch_run(batch_id=batch.pk)
        elapsed = time.perf_counter() - started
    finally:
        for phase, original in originals.items():
            setattr(importer, phase, original)
    assert batch.state == "done", batch.message
    months = sum(len(m) for m in batch.touched.values())
    print(
        f"{label}: {batch.read:,} rows in {elapsed:.1f} s = {batch.read / elapsed:,.0f} rows/s "
        f"({batch.inserted:,} inserted, {batch.updated:,} updated, {batch.unchanged:,} "
        f"unchanged; {months} cells) phases: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()),
        flush=True,
    )
    return batch, elapsed, phases


def remove_imported(prefix: str) -> None:
    """Delete the records a bench import added and put their aggregates back."""
    import datetime as dt

    from django.db import connection, transaction

    from hotline.stats import stats_refresh

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM hotline_hotlinerecord WHERE ticket_no LIKE %s "
            "RETURNING department_id, to_char(received_day, 'YYYY-MM')",
            [prefix + "%"],
        )
        cells: dict[int, set] = {}
        for department, month in cursor.fetchall():
            if department is not None:
                cells.setdefault(department, set()).add(dt.date.fromisoformat(month + "-01"))
        stats_refresh(cells=cells)
    # No VACUUM here: at 20M records it reads every index for minutes; autovacuum will.


def bench(*, import_rows: int, import_only: bool = False) -> None:
    import subprocess
    import tempfile

    from django.db import connection

    n = record_count()
    print(f"records: {n:,}; load {os.getloadavg()[0]:.1f}, cpus {os.cpu_count()}\n", flush=True)
    tmp = Path(tempfile.gettempdir())
    if not import_only:
        bench_reads()
        bench_aggregates(tmp)
    big = bench_file(tmp / f"scale-import-{import_rows}.csv", import_rows, prefix="GD",
                     start="2022-01-01 00:00:00", step=31)  # fmt: skip
    print("\n-- a 1M-row import")
    run_import(big, f"import into the {n:,}-record source")
    remove_imported("GD")
    connection.close()
    print("\n-- the same file into an empty table, the COPY floor (bench/hotline_import.py)",
          flush=True)  # fmt: skip
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "hotline_import.py"), "--file", str(big),
         "--rows", str(import_rows), "--no-reimport"],
        check=True,
    )  # fmt: skip


def bench_reads() -> None:
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from campaigns.models import Campaign
    from departments.models import Department, DepartmentAlias
    from hotline.models import AliasChange, HotlineRecord
    from hotline.services import department_alias_add, department_alias_undo
    from scoring.services.sheets import sheet_recompute

    settings.ALLOWED_HOSTS = ["*"]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.filter(role="admin").order_by("pk").first())

    def get(url: str):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    print("-- API and pages (second of two calls)")
    for label, url in (
        ("API records, first page", "/api/v1/hotline/records/"),
        ("API records, filtered (one department)",
         "/api/v1/hotline/records/?department=transport"),
        ("API aggregates", "/api/v1/hotline/aggregates/"),
        ("public department page", "/2021/departments/transport/"),
        ("public campaign board", "/2021/progress/"),
        ("staff hotline analytics page", "/staff/2021/hotline/departments/transport/"),
    ):  # fmt: skip
        get(url)
        response, _ = timed(label, get, url)
        if label.endswith("first page"):
            following = response.json().get("next")
            if following:
                get(following)
                timed("API records, next page", get, following)
    timed("scoring recompute (sheet_recompute)", sheet_recompute,
          campaign=Campaign.objects.get(slug="2021"))  # fmt: skip

    print("\n-- alias re-match (add, then undo): the request, then the background job")
    from hotline import services as hotline_services

    name = "张店区交警大队"
    DepartmentAlias.objects.filter(name=name).delete()
    police = Department.objects.get(slug="public-security")
    unmatched = HotlineRecord.objects.filter(department__isnull=True, department_name=name).count()
    queued: list[AliasChange] = []
    real_queue = hotline_services._queue_rematch
    hotline_services._queue_rematch = queued.append  # what the page does: queue, answer
    try:
        change, _ = timed("alias add, the request (queues the job)", department_alias_add,
                          department=police, name=name)  # fmt: skip
        done, _ = timed(f"alias add, the job ({unmatched:,} unmatched tickets)",
                        hotline_services.alias_change_run, change_id=change.pk)  # fmt: skip
        undo, _ = timed("alias undo, the request", department_alias_undo, change=done)
        timed(f"alias undo, the job ({done.records:,} tickets)",
              hotline_services.alias_change_run, change_id=undo.pk)  # fmt: skip
    finally:
        hotline_services._queue_rematch = real_queue


def bench_aggregates(tmp: Path) -> None:
    from django.db import transaction

    from hotline.models import HotlineRecord
    from hotline.stats import stats_refresh

    print("\n-- aggregates")
    full_refresh()
    two = bench_file(tmp / "scale-two-months.csv", 150_000, prefix="GT",
                     start="2023-05-01 00:00:00", step=35)  # fmt: skip
    batch, _, phases = run_import(two, "import of 150,000 rows touching two months")
    adding = phases.get("(of which adding new counts)", 0)
    print(
        f"aggregate step for two months: {phases['aggregate'] + adding:.2f} s "
        f"(new counts added in the merge chunks {adding:.2f} s, final step "
        f"{phases['aggregate']:.2f} s)"
    )
    cells: dict[int, set] = {}
    for department, day in (
        HotlineRecord.objects.filter(ticket_no__startswith="GT", department__isnull=False)
        .values_list("department_id", "received_day")
        .distinct()
    ):
        cells.setdefault(department, set()).add(day.replace(day=1))
    with transaction.atomic():
        timed(
            f"touched-only recompute of those {sum(map(len, cells.values()))} cells "
            "(merged rows, re-match)",
            stats_refresh,
            cells=cells,
        )
    remove_imported("GT")


if __name__ == "__main__":
    main()
