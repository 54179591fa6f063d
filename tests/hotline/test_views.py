import datetime as dt
import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from departments.models import DepartmentAlias
from hotline.models import AliasChange, DailyStat, HotlineRecord, ImportBatch, ImportRowError
from hotline.services import (
    AliasError,
    alias_change_run,
    department_alias_add,
    department_alias_undo,
    import_batch_create,
    import_batch_run,
)
from tests.factories import (
    AdminFactory,
    DeputyFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    StaffFactory,
)
from tests.hotline.factories import HEADER, ticket, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated():
    return EvaluatedDepartmentFactory(
        department__name="淄博市公安局",
        department__short_name="市公安局",
        batch__campaign__year=2021,
    )


@pytest.fixture
def staff(evaluated):
    return StaffFactory(organizer=evaluated.campaign.organizer)


def _imported(tmp_path, rows):
    path = write_csv(tmp_path / "a.csv", rows)
    batch = import_batch_create(source_name="12345", path=str(path), file_name="a.csv")
    return import_batch_run(batch_id=batch.pk)


def _upload(client, content: bytes, name="a.csv"):
    return client.post(
        reverse("hotline:imports"),
        {"file": SimpleUploadedFile(name, content), "source": "12345热线", "sheet": ""},
    )


@pytest.mark.parametrize(
    "factory", [MemberFactory, LiaisonFactory, DeputyFactory], ids=["member", "liaison", "deputy"]
)
def test_only_staff_and_admins_may_import(client, tmp_path, factory):
    client.force_login(factory())
    path = write_csv(tmp_path / "a.csv", [ticket(1)])

    response = _upload(client, path.read_bytes())

    assert response.status_code == 403
    assert not ImportBatch.objects.exists() and not HotlineRecord.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("hotline:imports"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("factory", [StaffFactory, AdminFactory], ids=["staff", "admin"])
def test_upload_runs_the_import_and_shows_the_report(
    client, tmp_path, evaluated, factory, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(factory())
    path = write_csv(
        tmp_path / "a.csv", [ticket(1), ticket(2, dept="某某公司"), ticket("", when="")]
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client, path.read_bytes())

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("hotline:import", args=[batch.pk])
    assert len(callbacks) == 1  # the task is enqueued once the batch row is committed
    assert "等待后台任务开始" in client.get(response.url).content.decode()
    import_batch_run(batch_id=batch.pk)  # what the worker does
    page = client.get(response.url).content.decode()
    assert "导入报告" in page
    batch.refresh_from_db()
    assert (batch.state, batch.read, batch.inserted, batch.rejected) == ("done", 3, 2, 1)
    assert "某某公司" in page and "下载 CSV" in page
    progress = client.get(reverse("hotline:import-progress", args=[batch.pk])).content.decode()
    assert "hx-trigger" not in progress  # finished: the page stops polling


def test_progress_polls_while_running(client, staff, tmp_path):
    batch = import_batch_create(source_name="x", path=str(tmp_path / "none.csv"), file_name="a.csv")
    client.force_login(staff)

    html = client.get(reverse("hotline:import-progress", args=[batch.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in html and "<progress" in html


def test_rejected_rows_download_as_csv_and_xlsx(client, staff, tmp_path):
    batch = _imported(tmp_path, [ticket(1), ticket(2, when="明天"), ticket(3, satisfaction="还行")])
    client.force_login(staff)

    response = client.get(reverse("hotline:import-errors", args=[batch.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    # The file's own header follows row number and reason, so the fixed rows can be
    # imported again once the first two columns are deleted.
    assert text.splitlines()[0] == "行号,原因," + ",".join(HEADER)
    assert "3," in text and "明天" in text and "还行" in text
    xlsx = client.get(reverse("hotline:import-errors", args=[batch.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == ["行号", "原因", *HEADER]


def test_rejected_rows_keep_no_phone_number_and_cannot_run_formulas(client, staff, tmp_path):
    hostile = '=HYPERLINK("http://evil.example","点我")'
    batch = _imported(tmp_path, [ticket(1, when="明天", phone="13812345678", content=hostile)])
    client.force_login(staff)

    (error,) = batch.row_errors.all()
    assert "13812345678" not in str(error.raw) and "138****5678" in error.raw
    text = b"".join(
        client.get(reverse("hotline:import-errors", args=[batch.pk, "csv"])).streaming_content
    ).decode("utf-8-sig")
    assert "13812345678" not in text and "'=HYPERLINK" in text
    xlsx = client.get(reverse("hotline:import-errors", args=[batch.pk, "xlsx"]))
    # XLSX keeps the text as it was (so the corrected file imports the same text) in a
    # string cell with Excel's quote prefix: never a formula.
    (cell,) = [c for c in load_workbook(io.BytesIO(xlsx.content)).active[2] if c.value == hostile]
    assert cell.data_type == "s" and cell.quotePrefix


def test_rejected_rows_mask_mobile_numbers_typed_into_the_complaint_text(client, staff, tmp_path):
    content = "噪音扰民，请回电13987654321或15000001111（王先生）"
    batch = _imported(
        tmp_path,
        [ticket("13300001111", when="明天", phone="13812345678", content=content)],
    )
    # A row kept before typed-in numbers were masked is masked on the way out.
    ImportRowError.objects.create(
        batch=batch,
        row_number=9,
        reason="受理时间无效",
        raw=["T-9", "昨天", "淄博市公安局", "", "", "", "", "", "", "", "找18611112222", ""],
    )
    client.force_login(staff)

    error = batch.row_errors.get(row_number=2)
    masked = "噪音扰民，请回电139****4321或150****1111（王先生）"
    assert error.raw[HEADER.index("诉求内容")] == masked
    assert error.raw[HEADER.index("工单编号")] == "13300001111"  # staff look rows up by it
    csv_text = b"".join(
        client.get(reverse("hotline:import-errors", args=[batch.pk, "csv"])).streaming_content
    ).decode("utf-8-sig")
    xlsx = client.get(reverse("hotline:import-errors", args=[batch.pk, "xlsx"]))
    cells = [
        str(c.value)
        for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
        for c in row
    ]
    for text in (csv_text, " ".join(cells)):
        for number in ("13987654321", "15000001111", "13812345678", "18611112222"):
            assert number not in text, number
        assert "139****4321" in text and "138****5678" in text and "186****2222" in text
        assert "13300001111" in text


def test_an_uploaded_file_is_deleted_once_its_batch_finishes(
    client, staff, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff)
    content = write_csv(tmp_path / "a.csv", [ticket(1, phone="13812345678")]).read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        _upload(client, content)
    batch = ImportBatch.objects.get()
    uploaded = Path(batch.path)
    assert uploaded.is_file() and (tmp_path / "media" / "hotline") in uploaded.parents

    with django_capture_on_commit_callbacks(execute=True):
        import_batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.state == "done" and not uploaded.exists() and not uploaded.parent.exists()
    # A file given to the command line belongs to whoever ran it: kept.
    with django_capture_on_commit_callbacks(execute=True):
        assert _imported(tmp_path, [ticket(2)]).state == "done"
    assert (tmp_path / "a.csv").exists()


def test_a_refused_upload_is_deleted_too(
    client, staff, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False):
        _upload(client, "工单编号,受理时间\r\n1,2021-03-05\r\n".encode())
    batch = ImportBatch.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        import_batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.state == "failed" and "承办单位" in batch.message
    assert not Path(batch.path).exists()


def test_one_click_alias_answers_at_once_and_rematches_in_the_background(
    client, staff, evaluated, tmp_path, django_capture_on_commit_callbacks
):
    batch = _imported(tmp_path, [ticket(1, dept="张店交警"), ticket(2, dept="张店交警")])
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("hotline:alias-add", args=[batch.pk]),
            {"name": "张店交警", "department": evaluated.department.pk},
        )

    # Answered before any ticket moved: the re-match is a queued job with a progress card.
    change = AliasChange.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?alias={change.pk}")
    assert (change.state, change.done) == ("pending", 0) and len(queued) == 1
    assert HotlineRecord.objects.filter(department=evaluated.department).count() == 0
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="alias-progress"' in page and "hx-trigger" in page
    assert DepartmentAlias.objects.filter(name="张店交警", department=evaluated.department).exists()

    alias_change_run(change_id=change.pk)  # what the queued Celery job does

    change.refresh_from_db()
    assert (change.state, change.records, change.total) == ("done", 2, 2)
    assert HotlineRecord.objects.filter(department=evaluated.department).count() == 2
    card = client.get(reverse("hotline:alias-progress", args=[change.pk])).content.decode()
    assert "重新匹配了 2 条工单" in card and "hx-trigger" not in card  # polling stops
    page = client.get(reverse("hotline:import", args=[batch.pk])).content.decode()
    assert "已归入 市公安局" in page


def test_the_rematch_runs_in_chunks_resumes_and_is_idempotent(staff, evaluated, tmp_path):
    batch = _imported(tmp_path, [ticket(i, dept="张店交警") for i in range(7)])
    assert batch.unmatched == {"张店交警": 7}
    with TestCase.captureOnCommitCallbacks(execute=False):  # the job is run by hand below
        change = department_alias_add(department=evaluated.department, name="张店交警", actor=staff)

    alias_change_run(change_id=change.pk, chunk=3)
    alias_change_run(change_id=change.pk, chunk=3)  # delivered twice: nothing more

    change.refresh_from_db()
    assert (change.state, change.records, change.done, change.total) == ("done", 7, 7, 7)
    assert DailyStat.objects.get(department=evaluated.department).total == 7
    assert LogEntry.objects.get_for_object(change).count() == 2  # created, finished


def test_an_alias_cannot_be_undone_while_its_rematch_runs(staff, evaluated, tmp_path):
    _imported(tmp_path, [ticket(1, dept="张店交警")])
    with TestCase.captureOnCommitCallbacks(execute=False):
        change = department_alias_add(department=evaluated.department, name="张店交警", actor=staff)

    with pytest.raises(AliasError, match="尚未完成"):
        department_alias_undo(change=change, actor=staff)
    assert DepartmentAlias.objects.filter(name="张店交警").exists()


def test_analytics_pages_render_from_aggregates(
    client, staff, evaluated, tmp_path, django_assert_max_num_queries
):
    _imported(
        tmp_path,
        [ticket(i, when=f"2021-0{1 + i % 9}-03") for i in range(20)]
        + [ticket(f"p{i}", when=f"2020-0{1 + i % 9}-03") for i in range(25)],
    )
    client.force_login(staff)
    campaign = evaluated.campaign

    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("scoring:hotline-comparison", args=[campaign.slug])
        ).content.decode()
    assert "市公安局" in page and "-20.0%" in page and 'data-chart="comparison"' in page
    detail = client.get(
        reverse("hotline:department", args=[campaign.slug, evaluated.department.slug])
    ).content.decode()
    assert "公共安全&gt;交通管理" in detail or "公共安全>交通管理" in detail


def test_public_department_page_shows_figures_but_no_content_or_caller(
    client, evaluated, tmp_path, settings
):
    settings.HOTLINE_PHONE_SECRET = "k"
    _imported(
        tmp_path,
        [ticket(1, content="我家住在某某小区3号楼", phone="13912345678", when="2021-03-01")],
    )
    campaign = evaluated.campaign

    page = client.get(
        reverse("campaigns:department", args=[campaign.slug, evaluated.department.slug])
    ).content.decode()

    assert 'data-testid="hotline-total">1<' in page and "100.00%" in page
    assert "某某小区" not in page and "13912345678" not in page
    assert "echarts.min.js" in page
    record = HotlineRecord.objects.get()
    assert record.caller_hash not in page
    assert dt.date(2021, 3, 1) == record.received_day
