"""End-to-end speed and memory of the hotline import.

    python bench/hotline_import.py --rows 1000000 [--file PATH] [--keep-file] [--profile]

Generates an N-row GBK CSV like a hotline centre's export (12 columns, several time forms,
full-width names, about 5% unmatched departments, 1% row errors), imports it with the real
importer (read + stage + merge + aggregates) into a throw-away test database, and prints
rows/s and peak memory. On PostgreSQL it then loads the same file with a plain
`COPY ... (FORMAT csv, ENCODING 'GBK')` into a bare 12-column text table and prints the
ratio import time / COPY time. The database is the one DATABASE_URL names (a `test_`
copy is created and dropped). --profile writes a cProfile of the import to
artifacts/hotline_import.prof.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEPARTMENTS = [
    "淄博市公安局", "市公安局", "公安局交警支队", "淄博市住房和城乡建设局", "市住建局",
    "淄博市教育局", "淄博市民政局", "淄博市交通运输局", "淄博市城市管理局", "市城管局",
    "淄博市文化和旅游局", "淄博市人力资源和社会保障局", "淄博市医疗保障局",
    "淄博市市场监督管理局", "淄博市卫生健康委员会", "淄博市生态环境局",
    "　淄博市自然资源局 ", "淄博市水利局",
]  # fmt: skip
UNMATCHED = ["张店区交警大队", "淄博热力有限公司", "某某物业公司"]
CATEGORIES = [
    "城乡建设>物业管理", "城乡建设>供暖", "交通运输>公交服务", "公共安全>交通管理",
    "劳动保障>欠薪", "教育>招生入学", "市场监管>食品安全", "医疗卫生>医保报销",
]  # fmt: skip
DISTRICTS = ["张店区", "淄川区", "博山区", "临淄区", "周村区", "桓台县", "高青县", "沂源县"]
SATISFACTION = ["满意", "满意", "非常满意", "基本满意", "一般", "不满意", "", "未回访"]
HEADER = (
    "工单编号,受理时间,承办单位,诉求类型,问题分类,所属区县,所属镇街,办理状态,"
    "办结时间,满意度,诉求内容,来电号码\r\n"
)


def generate(
    path: Path,
    rows: int,
    seed: int = 7,
    *,
    prefix: str = "GD",
    start: dt.datetime = dt.datetime(2020, 1, 1),  # noqa: B008
    step: int = 31,
) -> None:
    """`rows` tickets `prefix`2020000000000 ..., one every `step` seconds from `start`."""
    rnd = random.Random(seed)
    base = start
    with path.open("w", encoding="gbk", newline="") as file:
        file.write(HEADER)
        lines = []
        for i in range(rows):
            t = base + dt.timedelta(seconds=i * step)
            closed = t + dt.timedelta(days=2)
            if i % 5:
                received = t.strftime("%Y-%m-%d %H:%M:%S")
            else:
                received = f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
            dept = rnd.choice(UNMATCHED) if rnd.random() < 0.05 else rnd.choice(DEPARTMENTS)
            satisfaction = "还行" if rnd.random() < 0.01 else rnd.choice(SATISFACTION)
            lines.append(
                f"{prefix}{2020000000000 + i},{received},{dept},投诉,{rnd.choice(CATEGORIES)},"
                f"{rnd.choice(DISTRICTS)},车站街道,已办结,{closed:%Y-%m-%d %H:%M:%S},"
                f'{satisfaction},"市民反映小区物业管理问题，编号{i}，请尽快处理。",'
                f"138{rnd.randrange(10**8):08d}\r\n"
            )
            if len(lines) == 10_000:
                file.write("".join(lines))
                lines.clear()
        file.write("".join(lines))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, help="reuse (or keep) the generated file here")
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-reimport", action="store_true", help="skip the re-import")
    args = parser.parse_args()

    path = args.file or Path(tempfile.gettempdir()) / f"hotline-bench-{args.rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), cpus: {os.cpu_count()}")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.test")
    os.environ.setdefault("HOTLINE_PHONE_SECRET", "bench-secret")
    import django

    django.setup()
    from django.db import connection

    from departments.models import Department, DepartmentAlias
    from departments.naming import normalize_name
    from hotline.services import import_batch_create, import_batch_run

    # Its own throw-away database, so a test suite running on the same server is left alone.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"bench_{connection.settings_dict['NAME']}"
        if connection.vendor == "postgresql"
        else connection.settings_dict["TEST"].get("NAME")
    )
    test_db = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        names = {normalize_name(n) for n in DEPARTMENTS}
        for i, name in enumerate(sorted(n for n in names if n.startswith("淄博市"))):
            Department.objects.create(name=name, short_name=name[3:], slug=f"d{i}")
        police = Department.objects.get(name="淄博市公安局")
        for alias in ("市公安局", "公安局交警支队"):
            DepartmentAlias.objects.create(department=police, name=alias)
        DepartmentAlias.objects.create(
            department=Department.objects.get(name="淄博市住房和城乡建设局"), name="市住建局"
        )
        DepartmentAlias.objects.create(
            department=Department.objects.get(name="淄博市城市管理局"), name="市城管局"
        )
        from hotline import importer

        timings: dict[str, float] = {}

        def timed(name, function):
            def wrapper(*a, **k):
                started = time.perf_counter()
                try:
                    return function(*a, **k)
                finally:
                    timings[name] = timings.get(name, 0) + time.perf_counter() - started

            return wrapper

        # The three phases, and inside them the steps that run on the database server (the
        # read phase's parsing runs in a thread beside its COPY statements).
        for phase in (
            "_read_phase", "_copy_staged", "_reject_duplicates", "_unmatched_names",
            "_merge_phase", "_aggregate_phase",
        ):  # fmt: skip
            setattr(importer, phase, timed(phase.strip("_"), getattr(importer, phase)))

        batch = import_batch_create(source_name="bench", path=str(path), file_name=path.name)
        rss_before = peak_mb()
        started = time.perf_counter()
        if args.profile:
            import cProfile

            (ROOT / "artifacts").mkdir(exist_ok=True)
            cProfile.runctx(
                "import_batch_run(batch_id=batch.pk)",
                globals(),
                {"import_batch_run": import_batch_run, "batch": batch},
                str(ROOT / "artifacts" / "hotline_import.prof"),
            )
            batch.refresh_from_db()
        else:
            batch = import_batch_run(batch_id=batch.pk)
        elapsed = time.perf_counter() - started
        assert batch.state == "done", batch.message
        assert batch.read == batch.inserted + batch.updated + batch.unchanged + batch.rejected
        print(
            f"import ({connection.vendor}): {batch.read} rows read, {batch.inserted} inserted, "
            f"{batch.rejected} rejected, {len(batch.unmatched)} unmatched names in "
            f"{elapsed:.1f} s = {batch.read / elapsed:,.0f} rows/s; "
            f"peak RSS {peak_mb():.0f} MB (before import {rss_before:.0f} MB)"
        )
        print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        timings.clear()
        if not args.no_reimport:
            started = time.perf_counter()
            again = import_batch_run(
                batch_id=import_batch_create(
                    source_name="bench", path=str(path), file_name="again"
                ).pk
            )
            elapsed_again = time.perf_counter() - started
            print(
                f"re-import: {again.unchanged} unchanged in {elapsed_again:.1f} s = "
                f"{again.read / elapsed_again:,.0f} rows/s"
            )
            print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE bench_bare (" + ", ".join(f"c{i} text" for i in range(12)) + ")"
                )
                started = time.perf_counter()
                with path.open("rb") as file:
                    cursor.cursor.copy_expert(
                        "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'GBK')",
                        file,
                    )
                copy_elapsed = time.perf_counter() - started
            print(
                f"plain COPY into a bare table: {copy_elapsed:.1f} s = "
                f"{batch.read / copy_elapsed:,.0f} rows/s; import/COPY = "
                f"{elapsed / copy_elapsed:.1f}x"
            )
            # The floor of the design (COPY into staging, then INSERT into the record table
            # with its indexes), with no parsing, matching, merging or aggregates at all: the
            # bare rows cast and inserted into an empty copy of the record table.
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE bench_records (LIKE hotline_hotlinerecord INCLUDING ALL)"
                )
                started = time.perf_counter()
                cursor.execute(
                    "INSERT INTO bench_records (source_id, ticket_no, received_at, received_day, "
                    "department_name, request_type, category, district, town, status, "
                    "closed_at, content, caller_hash) SELECT 1, c0, c1::timestamptz, "
                    "c1::date, c2, c3, c4, c5, c6, c7, c8::timestamptz, c10, md5(c11) "
                    "FROM bench_bare"
                )
                insert_elapsed = time.perf_counter() - started
            floor = copy_elapsed + insert_elapsed
            print(
                f"floor of the design (that COPY, then a plain INSERT of its rows into an empty "
                f"copy of the record table): {floor:.1f} s = {batch.read / floor:,.0f} rows/s"
            )
            # The durable floor: the imported records themselves, COPY'd (binary, one
            # statement, synchronous commit) into an empty logged copy of the record table
            # with all its indexes. No store of these rows can be much faster.
            records = io.BytesIO()
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    "COPY (SELECT * FROM hotline_hotlinerecord WHERE source_id = "  # noqa: S608
                    f"{int(batch.source_id)}) TO STDOUT (FORMAT binary)",
                    records,
                )
                cursor.execute(
                    "CREATE TABLE bench_durable (LIKE hotline_hotlinerecord INCLUDING ALL)"
                )
            records.seek(0)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert("COPY bench_durable FROM STDIN (FORMAT binary)", records)
            durable = time.perf_counter() - started
            print(
                f"durable floor (COPY of the {batch.inserted:,} imported records into an empty "
                f"copy of the record table with its indexes): {durable:.1f} s = "
                f"{batch.inserted / durable:,.0f} rows/s; import/floor = {elapsed / durable:.2f}x"
            )
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
        if not args.keep_file and not args.file:
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
