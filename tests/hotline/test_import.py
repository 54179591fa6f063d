import json

import pytest
from django.core.management import call_command
from django.test import TestCase

from departments.models import DepartmentAlias
from hotline.models import DailyStat, HotlineRecord, ImportBatch, ImportRowError, StagedRow
from hotline.services import import_batch_create, import_batch_run
from tests.factories import DepartmentFactory
from tests.hotline.factories import HEADER, ticket, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    dept = DepartmentFactory(name="淄博市公安局", short_name="市公安局")
    DepartmentAlias.objects.create(department=dept, name="公安局交警支队")
    return dept


def run_import(path, source="12345热线", sheet=""):
    batch = import_batch_create(
        source_name=source, path=str(path), file_name=path.name, sheet=sheet
    )
    return import_batch_run(batch_id=batch.pk)


def assert_identity(batch):
    assert batch.read == batch.inserted + batch.updated + batch.unchanged + batch.rejected


def test_import_inserts_records_and_counts_add_up(tmp_path, police):
    path = write_csv(tmp_path / "a.csv", [ticket(1), ticket(2, dept="公安局交警支队"), ticket(3)])

    batch = run_import(path)

    assert batch.state == ImportBatch.State.DONE, batch.message
    assert (batch.read, batch.inserted, batch.updated, batch.unchanged, batch.rejected) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert HotlineRecord.objects.filter(department=police).count() == 3
    assert DailyStat.objects.get(department=police).total == 3
    assert not StagedRow.objects.exists()
    assert_identity(batch)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_each_encoding_is_detected(tmp_path, police, encoding):
    path = write_csv(
        tmp_path / "a.csv", [ticket(1, category="城乡建设>物业管理")], encoding=encoding
    )

    batch = run_import(path)

    assert batch.state == ImportBatch.State.DONE, batch.message
    record = HotlineRecord.objects.get()
    assert (record.department, record.category) == (police, "城乡建设>物业管理")


def test_tab_separated_file(tmp_path, police):
    path = write_csv(tmp_path / "a.tsv", [ticket(1), ticket(2)], delimiter="\t")

    assert run_import(path).inserted == 2


def test_xlsx_with_date_cells_and_text_dates(tmp_path, police):
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工单"
    sheet.append(["工单编号", "受理时间", "承办单位", "满意度", "办结时间"])
    sheet.append([20210001, dt.datetime(2021, 3, 5, 14, 22, 10), "淄博市公安局", "满意", None])
    sheet.append(["20210002", "2021年3月6日 9:05", "淄博市公安局", "基本满意", "2021/3/7 10:00"])
    path = tmp_path / "a.xlsx"
    workbook.save(path)

    batch = run_import(path, sheet="工单")

    assert batch.state == ImportBatch.State.DONE, batch.message
    records = {r.ticket_no: r for r in HotlineRecord.objects.all()}
    assert set(records) == {"20210001", "20210002"}
    assert records["20210001"].received_day == dt.date(2021, 3, 5)
    assert records["20210001"].received_at.isoformat() == "2021-03-05T06:22:10+00:00"
    assert records["20210002"].closed_at is not None
    assert records["20210002"].satisfaction == 2


def _alias_header(index):
    from hotline.importing.parsing import HEADER_ALIASES

    return [names[min(index, len(names) - 1)] for names in HEADER_ALIASES.values()]


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_every_alias_header_is_accepted(tmp_path, police, index):
    header = _alias_header(index)
    row = list(ticket(7).values())
    path = write_csv(tmp_path / "a.csv", [row], header=header)

    batch = run_import(path)

    assert batch.state == ImportBatch.State.DONE, batch.message
    record = HotlineRecord.objects.get()
    assert (record.ticket_no, record.district, record.town, record.status) == (
        "7", "张店区", "车站街道", "已办结",
    )  # fmt: skip
    assert batch.unknown_columns == []


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-05 14:22:10",
        "2021-03-05 14:22",
        "2021/3/5 14:22",
        "2021-03-05",
        "2021年3月5日 14:22",
    ],
)
def test_each_time_form(tmp_path, police, text):
    path = write_csv(tmp_path / "a.csv", [ticket(1, when=text)])

    run_import(path)

    record = HotlineRecord.objects.get()
    assert str(record.received_day) == "2021-03-05"


def test_each_satisfaction_form(tmp_path, police):
    values = [
        "满意",
        "非常满意",
        "基本满意",
        "一般",
        "不满意",
        "非常不满意",
        "",
        "未评价",
        "未回访",
        "无法联系",
    ]
    path = write_csv(tmp_path / "a.csv", [ticket(i, satisfaction=v) for i, v in enumerate(values)])

    batch = run_import(path)

    assert batch.inserted == len(values)
    by_ticket = dict(HotlineRecord.objects.values_list("ticket_no", "satisfaction"))
    assert [by_ticket[str(i)] for i in range(len(values))] == [
        1,
        1,
        2,
        2,
        3,
        3,
        None,
        None,
        None,
        None,
    ]
    stat = DailyStat.objects.get()
    assert (stat.total, stat.satisfied, stat.basic, stat.dissatisfied) == (10, 2, 2, 2)


def test_full_width_and_spaced_department_names_match(tmp_path, police):
    DepartmentAlias.objects.create(department=police, name="淄博市公安局(交警)")
    path = write_csv(
        tmp_path / "a.csv",
        [
            ticket(1, dept="　淄博市公安局　"),
            ticket(2, dept="淄博市公安局（交警）"),
            ticket(3, dept=" 公安局交警支队"),
        ],
    )

    batch = run_import(path)

    assert batch.unmatched == {}
    assert HotlineRecord.objects.filter(department=police).count() == 3


def test_missing_required_column_refuses_file_and_writes_nothing(tmp_path, police):
    header = [h for h in HEADER if h != "受理时间"]
    path = write_csv(tmp_path / "a.csv", [ticket(1)], header=header)

    batch = run_import(path)

    assert batch.state == ImportBatch.State.FAILED
    assert "受理时间" in batch.message
    assert not HotlineRecord.objects.exists()
    assert not StagedRow.objects.exists() and not ImportRowError.objects.exists()


def test_file_error_deep_in_the_file_writes_nothing(tmp_path, police, settings):
    settings.HOTLINE_CHUNK_ROWS = 5
    path = write_csv(tmp_path / "a.csv", [ticket(i) for i in range(40)])
    path.write_bytes(path.read_bytes() + "99,2021-03-05,淄博市公安局\r\n".encode("gbk"))

    batch = run_import(path)

    assert batch.state == ImportBatch.State.FAILED, batch.message
    assert not HotlineRecord.objects.exists()
    assert not StagedRow.objects.exists() and not ImportRowError.objects.exists()


def test_reimport_changes_nothing(tmp_path, police):
    path = write_csv(tmp_path / "a.csv", [ticket(i) for i in range(20)])
    run_import(path)
    before = list(HotlineRecord.objects.order_by("id").values())

    batch = run_import(path)

    assert (batch.read, batch.inserted, batch.updated, batch.unchanged) == (20, 0, 0, 20)
    assert list(HotlineRecord.objects.order_by("id").values()) == before


def test_rating_added_later_updates_the_ticket(tmp_path, police):
    run_import(
        write_csv(tmp_path / "a.csv", [ticket(1, satisfaction=""), ticket(2, satisfaction="")])
    )

    batch = run_import(
        write_csv(
            tmp_path / "b.csv",
            [ticket(1, satisfaction="不满意"), ticket(2, satisfaction=""), ticket(3)],
        )
    )

    assert (batch.inserted, batch.updated, batch.unchanged) == (1, 1, 1)
    assert HotlineRecord.objects.get(ticket_no="1").satisfaction == 3
    stat = DailyStat.objects.get()
    assert (stat.total, stat.dissatisfied, stat.satisfied) == (3, 1, 1)
    assert_identity(batch)


def test_row_errors_keep_row_numbers_raw_values_and_reasons(tmp_path, police):
    rows = [
        ticket(1),
        ticket("", when="2021-03-05"),  # row 3: no ticket number
        ticket(3, when="昨天下午"),  # row 4: unreadable time
        {},  # row 5: blank, skipped but counted
        ticket(5, satisfaction="还行吧"),  # row 6: unknown satisfaction
        ticket(1, satisfaction="不满意"),  # row 7: the same ticket again
    ]
    path = write_csv(tmp_path / "a.csv", rows)

    batch = run_import(path)

    errors = list(ImportRowError.objects.filter(batch=batch).order_by("row_number"))
    assert [e.row_number for e in errors] == [3, 4, 6, 7]
    assert "工单编号" in errors[0].reason
    assert "昨天下午" in errors[1].raw and "时间" in errors[1].reason
    assert "满意度" in errors[2].reason
    assert "第 2 行" in errors[3].reason
    assert (batch.read, batch.inserted, batch.rejected) == (5, 1, 4)
    assert_identity(batch)
    assert HotlineRecord.objects.get().satisfaction == 1


def test_unmatched_names_are_reported_and_an_alias_rematches_records(tmp_path, police):
    from hotline.services import alias_change_run, department_alias_add

    path = write_csv(
        tmp_path / "a.csv",
        [
            ticket(1, dept="张店区交警大队"),
            ticket(2, dept="张店区交警大队"),
            ticket(3, dept="某某公司"),
        ],
    )
    batch = run_import(path)
    assert batch.unmatched == {"张店区交警大队": 2, "某某公司": 1}
    assert HotlineRecord.objects.filter(department__isnull=True).count() == 3
    assert not DailyStat.objects.exists()

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        change = department_alias_add(department=police, name="张店区交警大队 ")
    assert len(queued) == 1
    alias_change_run(change_id=change.pk)  # what the queued job does

    change.refresh_from_db()
    assert (change.state, change.records, change.total) == ("done", 2, 2)
    assert HotlineRecord.objects.filter(department=police).count() == 2
    assert DailyStat.objects.get(department=police).total == 2
    # A later file with that name is matched at import.
    batch = run_import(write_csv(tmp_path / "b.csv", [ticket(4, dept="张店区交警大队")]))
    assert batch.unmatched == {}


def test_phone_number_is_never_stored_raw(tmp_path, police, settings):
    settings.HOTLINE_PHONE_SECRET = "s3cret"
    path = write_csv(
        tmp_path / "a.csv",
        [ticket(1, phone="138-0013-8000"), ticket(2, phone="13800138000"), ticket(3, phone="")],
    )

    run_import(path)

    hashes = dict(HotlineRecord.objects.values_list("ticket_no", "caller_hash"))
    assert hashes["1"] == hashes["2"] and len(hashes["1"]) == 32 and hashes["3"] is None
    dump = json.dumps(list(HotlineRecord.objects.values()), default=str)
    assert "13800138000" not in dump and "0013" not in dump

    settings.HOTLINE_PHONE_SECRET = ""
    run_import(write_csv(tmp_path / "b.csv", [ticket(9)]))
    assert HotlineRecord.objects.get(ticket_no="9").caller_hash is None


def test_command_prints_json_report(tmp_path, police, capsys):
    path = write_csv(
        tmp_path / "a.csv", [ticket(1), ticket(2, dept="某某公司"), ticket("", when="")]
    )

    call_command("import_hotline", str(path), "--json", "--source", "淄博12345")

    report = json.loads(capsys.readouterr().out)
    assert {k: report[k] for k in ("read", "inserted", "updated", "unchanged", "rejected")} == {
        "read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 1,
    }  # fmt: skip
    assert report["unmatched_departments"] == {"某某公司": 1}


def test_command_exits_non_zero_on_file_error(tmp_path, capsys):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 not a table")

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_hotline", str(path))

    assert exit_info.value.code != 0
    assert "PDF" in capsys.readouterr().err
    assert not HotlineRecord.objects.exists()


def _big_xlsx(path):
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "说明"
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("工单")
    sheet.append(["工单编号", "受理时间", "承办单位", "满意度", "办结时间", "诉求内容"])
    for i in range(50):
        sheet.append([
            20210000 + i, dt.datetime(2021, 3, 1 + i % 28, 8, i % 60), "淄博市公安局",
            ("满意", "不满意", None)[i % 3], f"2021/4/{1 + i % 28} 10:00", f"内容 <{i}> & “引号”",
        ])  # fmt: skip
    sheet["A60"] = 20219999
    sheet["B60"] = 44300.5  # a serial number with a custom date format
    sheet["B60"].number_format = "yyyy年m月d日 h:mm"
    sheet["C60"] = "淄博市公安局"
    workbook.save(path)
    return path


def test_streaming_xlsx_reader_reads_what_calamine_reads(tmp_path):
    from hotline.importing.parsing import RowParser, map_header
    from hotline.importing.readers import open_table

    path = _big_xlsx(tmp_path / "big.xlsx")
    results = []
    for threshold in (10**12, 0):  # calamine, then the streaming reader
        with open_table(path, xlsx_stream_above=threshold) as table:
            parser = RowParser(map_header(table.header))
            results.append(
                (table.sheet, table.header, [(n, parser.parse(c)) for n, c in table.rows])
            )

    assert results[0] == results[1]
    sheet, header, rows = results[1]
    assert sheet == "工单" and len(rows) == 51 and rows[-1][0] == 60
    assert rows[-1][1].received_at.isoformat() == "2021-04-14T12:00:00+08:00"
    assert rows[0][1].content == "内容 <0> & “引号”"


def test_large_xlsx_sheets_import_through_the_streaming_reader(tmp_path, police, monkeypatch):
    from hotline.importing import readers

    monkeypatch.setattr(readers, "XLSX_STREAM_ABOVE_BYTES", 0)
    monkeypatch.setattr(
        readers.open_table, "__kwdefaults__", {"sheet": None, "xlsx_stream_above": 0}
    )

    batch = run_import(_big_xlsx(tmp_path / "big.xlsx"))

    assert (batch.state, batch.read, batch.inserted) == ("done", 51, 51)


def test_first_load_of_a_source_falls_back_to_upsert_on_a_concurrent_insert(
    tmp_path, police, monkeypatch
):
    """On PostgreSQL the first load of a source uses plain INSERT; a record of the same
    source written meanwhile by another import makes it fall back to the upsert."""
    import datetime as dt

    from django.db import connection

    from hotline import importer as services

    if connection.vendor != "postgresql":
        pytest.skip("the plain-INSERT path exists on PostgreSQL only")
    original = services._insert_chunk_pg

    def concurrent_then_insert(batch, lo, hi):
        HotlineRecord.objects.create(
            source_id=batch.source_id, ticket_no="2", department_name="淄博市公安局",
            received_at=dt.datetime(2021, 3, 5, 6, 22, 10, tzinfo=dt.UTC),
            received_day=dt.date(2021, 3, 5), department=police,
        )  # fmt: skip
        return original(batch, lo, hi)

    upserts = []
    upsert = services._merge_chunk_pg
    monkeypatch.setattr(services, "_insert_chunk_pg", concurrent_then_insert)
    monkeypatch.setattr(services, "_merge_chunk_pg", lambda *a: upserts.append(a) or upsert(*a))

    batch = run_import(write_csv(tmp_path / "a.csv", [ticket(1), ticket(2), ticket(3)]))

    # The failed INSERT's savepoint took the "concurrent" row with it; the upsert did the work.
    assert len(upserts) == 1
    assert (batch.inserted, batch.updated, batch.unchanged) == (3, 0, 0)
    assert HotlineRecord.objects.count() == 3
