"""Rows per second and peak memory of the two large exports: the suggestions workbook and
one department's 12345 tickets.

    python bench/exports.py [--rows 50000] [--runs 2]
    PINGYI_TREE=/work/main python bench/exports.py     # the same on another checkout

Builds, in a throwaway test database (SQLite by default, DATABASE_URL for PostgreSQL), one
campaign with `--rows` suggestions (Chinese text of 20–200 characters, a district, a
department, tags on a third of them) and `--rows` hotline tickets of one department inside
its evaluation period, then writes each export into a file as the server would:

- suggestions: the staff export view (GET .../suggestions/export.xlsx), its direct path
  (EXPORT_DIRECT_ROWS raised above --rows, so the timing is the file, not a queue);
- tickets: `hotline.exports.department_records_export` (issue 21) where the tree has it;
  on a tree without it, the same rows read as model objects through
  `core.spreadsheets.workbook_bytes` (what an export written the old way costs).

Each export runs `--runs` times timed (the best run counts; wall time, and the process's CPU
time, which a busy shared machine does not inflate; SQLite runs in the process, so its
reads are in both) and once more under tracemalloc for the peak of Python allocations
(tracemalloc slows it, so that run is not timed). The figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(os.environ.get("PINGYI_TREE") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

CHUNK = 5_000
WORDS = "公交车站太远希望增加线路小区停车难垃圾分类投放点设置不合理学校门口交通拥堵夜间施工噪音扰民"


def text(rnd: random.Random) -> str:
    size = rnd.randint(20, 200)
    body = "".join(rnd.choice(WORDS) for _ in range(size))
    return body if rnd.random() > 0.02 else "=" + body  # a few formula-like texts


def setup(rows: int, rnd: random.Random) -> dict:
    from accounts.models import Role, User
    from campaigns.models import Batch, Campaign, EvaluatedDepartment
    from departments.models import Department, District, Organizer
    from hotline.models import HotlineRecord, HotlineSource
    from issues.models import Suggestion, Tag

    organizer = Organizer.objects.create(name="基准测试市人大常委会", level="city")
    campaign = Campaign.objects.create(
        organizer=organizer,
        year=2021,
        title="基准测试评议",
        slug="bench",
        evaluation_start=datetime.date(2021, 1, 1),
        evaluation_end=datetime.date(2021, 10, 31),
    )
    staff = User.objects.create(username="bench-staff", role=Role.STAFF, organizer=organizer)
    batch = Batch.objects.create(campaign=campaign, number=1, name="第一批")
    districts = [District.objects.create(name=f"基准{n}区", position=n) for n in range(8)]
    evaluated = [
        EvaluatedDepartment.objects.create(
            campaign=campaign,
            batch=batch,
            position=n,
            department=Department.objects.create(
                name=f"基准测试市第{n}局", short_name=f"第{n}局", slug=f"bench-{n}"
            ),
        )
        for n in range(10)
    ]
    tags = [Tag.objects.create(campaign=campaign, name=f"标签{n}") for n in range(6)]
    start = time.perf_counter()
    for offset in range(0, rows, CHUNK):
        made = Suggestion.objects.bulk_create(
            Suggestion(
                campaign=campaign,
                department=rnd.choice(evaluated),
                channel="online",
                source_type="public",
                district=rnd.choice(districts),
                text=text(rnd),
                submitted_on=datetime.date(2021, 3, 1) + datetime.timedelta(days=n % 200),
                contact="13800000000",
                receipt=f"B{offset + n:09d}",
            )
            for n in range(min(CHUNK, rows - offset))
        )
        Suggestion.tags.through.objects.bulk_create(
            Suggestion.tags.through(suggestion_id=s.pk, tag_id=rnd.choice(tags).pk)
            for s in made
            if rnd.random() < 0.33
        )
    source = HotlineSource.objects.create(name="基准12345", organizer=organizer)
    department = evaluated[0].department
    moment = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    for offset in range(0, rows, CHUNK):
        records = []
        for n in range(offset, min(offset + CHUNK, rows)):
            received = moment + datetime.timedelta(minutes=7 * n)
            records.append(
                HotlineRecord(
                    source=source,
                    ticket_no=f"T{n:010d}",
                    received_at=received,
                    received_day=received.date(),
                    department=department,
                    department_name=department.name,
                    request_type="投诉",
                    category="交通管理",
                    district=rnd.choice(districts).name,
                    town="基准街道",
                    status="已办结",
                    closed_at=received + datetime.timedelta(days=2),
                    satisfaction=rnd.choice([1, 2, 3, None]),
                    content=text(rnd),
                )
            )
        HotlineRecord.objects.bulk_create(records)
    print(f"(data built in {time.perf_counter() - start:.0f} s)")
    return {"campaign": campaign, "staff": staff, "evaluated": evaluated[0]}


def suggestions_export(ctx: dict, out: Path) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(ctx["staff"])
    with override_settings(EXPORT_DIRECT_ROWS=10**9):
        response = client.get(reverse("issues:export", args=[ctx["campaign"].slug]))
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    out.write_bytes(body)


def records_export(ctx: dict, out: Path) -> None:
    from hotline import exports

    evaluated = ctx["evaluated"]
    if hasattr(exports, "department_records_export"):
        from core.exports import export_write

        export = exports.department_records_export(evaluated_id=evaluated.pk, fmt="xlsx")
        with out.open("wb") as target:
            export_write(export, target)
        return
    # A tree without the streamed export: the same columns from model objects, written by
    # that tree's workbook_bytes.
    from django.utils import timezone

    from core.spreadsheets import Sheet, workbook_bytes
    from hotline.models import HotlineRecord

    records = HotlineRecord.objects.filter(department_id=evaluated.department_id).order_by(
        "received_at", "id"
    )
    rows = (
        [
            r.ticket_no,
            timezone.localtime(r.received_at).replace(tzinfo=None),
            r.request_type,
            r.category,
            r.district,
            r.town,
            r.status,
            timezone.localtime(r.closed_at).replace(tzinfo=None) if r.closed_at else None,
            r.get_satisfaction_display() if r.satisfaction else "",
            r.content,
            r.department_name,
            r.source.name,
        ]
        for r in records.select_related("source").iterator(chunk_size=2000)
    )
    headers = ["工单编号", "受理时间", "诉求类型", "问题分类", "所属区县", "所属镇街", "办理状态",
               "办结时间", "满意度", "诉求内容", "承办单位（原文）", "数据来源"]  # fmt: skip
    widths = [0] * 9 + [60, 0, 0]
    out.write_bytes(workbook_bytes([Sheet("工单明细", headers, rows, widths)]))


def measure(name: str, run, ctx: dict, rows: int, runs: int) -> None:
    out = Path(f"/tmp/pingyi-bench-export-{name}.xlsx")
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        run(ctx, out)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    tracemalloc.start()
    run(ctx, out)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    best, best_cpu = min(times), min(cpu)
    print(
        f"{name:12} {rows:>7,} rows  wall {best:6.2f} s = {rows / best:>7,.0f} rows/s  "
        f"cpu {best_cpu:6.2f} s = {rows / best_cpu:>7,.0f} rows/s  "
        f"peak {peak / 2**20:5.1f} MiB  file {out.stat().st_size / 2**20:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows of each export")
    parser.add_argument("--runs", type=int, default=2, help="timed runs (the best counts)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":  # not the test suite's file: both may run at once
        name = f"/tmp/pingyi-bench-exports-{os.getpid()}.sqlite3"
        connection.settings_dict["TEST"]["NAME"] = name
    else:
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench_exports"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    import core.spreadsheets

    print(f"tree: {ROOT} (core.spreadsheets from {core.spreadsheets.__file__})")
    print(f"database: {connection.vendor} ({test_db})")
    try:
        ctx = setup(args.rows, random.Random(args.seed))
        measure("suggestions", suggestions_export, ctx, args.rows, args.runs)
        measure("tickets", records_export, ctx, args.rows, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
