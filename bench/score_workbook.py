"""Time and peak memory of the score workbook (scoring.export.workbook_bytes): the demo's
published 2021 sheet and a large synthetic campaign.

    python bench/score_workbook.py [--departments 200] [--runs 3]
    PINGYI_TREE=/path/to/other/checkout python bench/score_workbook.py   # the same there

Builds, in a throwaway test database (SQLite by default, DATABASE_URL for PostgreSQL), the
demo (load_demo), then a synthetic campaign of `--departments` departments in 4 batches
whose rows are the demo's rows copied round (60 committee scores each with one highest and
one lowest struck, 4 survey groups, the public vote, the hotline, about 20 lines of 计算过程),
in three published versions, the third a correction of the second that changes a fifth of
the departments (so 版本说明 lists every change). Each workbook is written `--runs` times
timed (the best counts: wall and CPU time; the database reads of the export are in both)
and once more under tracemalloc for the peak of Python allocations. Rows are the rows of
every sheet together. The figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import logging
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(os.environ.get("PINGYI_TREE") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

BATCHES, VERSIONS = 4, 3


def synthetic(departments: int, demo_sheet):
    """A campaign of `departments` departments whose newest version (a correction) is
    returned, its rows the demo's rows copied round."""
    from campaigns.models import Batch, Campaign, EvaluatedDepartment
    from departments.models import Department
    from scoring.models import ScoreRow, ScoreSheet

    campaign = Campaign.objects.create(
        organizer=demo_sheet.campaign.organizer,
        year=2022,
        title="基准测试专项工作评议",
        slug="bench-scores",
        evaluation_start=datetime.date(2022, 1, 1),
        evaluation_end=datetime.date(2022, 10, 31),
    )
    batches = [
        Batch.objects.create(campaign=campaign, number=n, name=f"第{n}批") for n in range(1, 5)
    ]
    evaluated = [
        EvaluatedDepartment.objects.create(
            campaign=campaign,
            batch=batches[n % BATCHES],
            position=n,
            department=Department.objects.create(
                name=f"基准测试市第{n}局（市第{n}办公室）", short_name=f"第{n}局", slug=f"bs-{n}"
            ),
        )
        for n in range(departments)
    ]
    template = list(demo_sheet.rows.order_by("rank_campaign"))
    moment = datetime.datetime(2022, 11, 1, 10, 0, tzinfo=datetime.UTC)
    previous = None
    for version in range(1, VERSIONS + 1):
        sheet = ScoreSheet.objects.create(
            campaign=campaign,
            version=version,
            created_at=moment,
            settings_snapshot=demo_sheet.settings_snapshot,
            inputs_digest=f"{version:064x}",
            complete=True,
            corrects=previous if version == VERSIONS else None,
            correction_reason="补入缺席委员的测评票" if version == VERSIONS else "",
        )
        rows = []
        for n, ev in enumerate(evaluated):
            source = template[n % len(template)]
            changed = version == VERSIONS and n % 5 == 0
            rows.append(
                ScoreRow(
                    sheet=sheet,
                    evaluated=ev,
                    batch_name=ev.batch.name,
                    department_name=ev.department.name,
                    **{f: getattr(source, f) for f in ScoreRow.COMPONENTS},
                    composite=(source.composite or Decimal(0)) - (Decimal("0.5") if changed else 0),
                    rank_batch=n // BATCHES + 1,
                    rank_campaign=n + 1,
                    missing=source.missing,
                    low_sample=source.low_sample,
                    explanation=source.explanation,
                    inputs=source.inputs,
                    details=source.details,
                )
            )
        ScoreRow.objects.bulk_create(rows)
        ScoreSheet.objects.filter(pk=sheet.pk).update(
            published_at=moment + datetime.timedelta(days=version)
        )
        previous = sheet
    return ScoreSheet.objects.get(pk=previous.pk)


def measure(name: str, sheet, runs: int) -> None:
    from openpyxl import load_workbook

    from scoring.export import workbook_bytes

    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        body = workbook_bytes(sheet)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    tracemalloc.start()
    workbook_bytes(sheet)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    wb = load_workbook(io.BytesIO(body))
    rows = sum(ws.max_row for ws in wb.worksheets)
    Path(f"/tmp/pingyi-bench-score-{name}.xlsx").write_bytes(body)
    best, best_cpu = min(times), min(cpu)
    print(
        f"{name:10} {sheet.rows.count():>4} departments {rows:>6,} rows  "
        f"wall {best:6.3f} s = {rows / best:>7,.0f} rows/s  "
        f"cpu {best_cpu:6.3f} s = {rows / best_cpu:>7,.0f} rows/s  "
        f"peak {peak / 2**20:5.1f} MiB  file {len(body) / 2**10:,.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the best counts)")
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":  # not the test suite's file: both may run at once
        name = f"/tmp/pingyi-bench-score-{os.getpid()}.sqlite3"
        connection.settings_dict["TEST"]["NAME"] = name
    else:
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench_score"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    logging.disable(logging.INFO)  # the demo's notification tasks log a line each
    import scoring.export
    from scoring.models import ScoreSheet

    print(f"tree: {ROOT} (scoring.export from {scoring.export.__file__})")
    print(f"database: {connection.vendor} ({test_db})")
    try:
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
        ):
            call_command("load_demo", "--quiet-logins")
            demo = ScoreSheet.objects.get(campaign__slug="2021")
            measure("demo", demo, args.runs)
            measure("synthetic", synthetic(args.departments, demo), args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
