"""What the documents say comes from the records: the opinion's key issues, verdicts and
deadlines; the report's plan, measures, published progress (never a pending one) and
indicators with "（请填写）" where the department writes; the notice's ranking from the current
published sheet and its correction note."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document

from core.documents import DocumentUnavailable, document_kind_get
from rectification.models import ProgressUpdate, Verdict
from scoring.models import ScoreRow, ScoreSheet
from tests.factories import EvaluatedDepartmentFactory, StaffFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _text(doc) -> str:
    document = Document(io.BytesIO(doc.to_bytes()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def plan():
    plan = PlanFactory(
        key_issue__title="校外培训机构监管不到位",
        key_issue__description="部分机构无证办学、退费难。",
        goals="无证机构全部清理。",
        deadline=dt.date(2021, 8, 26),
    )
    MeasureFactory(
        plan=plan,
        title="开展专项排查",
        responsible_unit="政策法规科",
        responsible_person="张伟",
        deadline=dt.date(2021, 7, 10),
        target_value=Decimal("120"),
        target_unit="所",
        current_value=Decimal("80"),
    )
    staff = StaffFactory(organizer=plan.key_issue.department.campaign.organizer)
    now = timezone.now()
    ProgressUpdate.objects.create(
        plan=plan,
        text="已排查机构80所。",
        percent=60,
        state=ProgressUpdate.State.PUBLISHED,
        created_at=now,
        published_at=now,
    )
    ProgressUpdate.objects.create(plan=plan, text="尚未审核的进展", percent=70, created_at=now)
    Verdict.objects.create(
        key_issue=plan.key_issue,
        round=1,
        result=Verdict.Result.NOT_SATISFIED,
        remarks="退费难问题仍然突出。",
        new_deadline=dt.date(2021, 11, 30),
        recorded_by=staff,
        recorded_at=now,
    )
    return plan


def test_the_opinion_holds_key_issues_verdicts_and_deadlines_from_the_records(plan):
    ev = plan.key_issue.department

    text = _text(document_kind_get("opinion").make(ev))

    assert f"{ev.campaign.organizer.name}关于{ev.department.name}专项工作评议的意见" in text
    assert f"{ev.department.name}：" in text
    assert "校外培训机构监管不到位" in text and "部分机构无证办学、退费难。" in text
    assert "第1轮整改：不满意。退费难问题仍然突出。" in text
    assert "重新整改，完成时限：2021年11月30日。" in text
    assert "无证机构全部清理。" in text and "2021年8月26日" in text
    assert "开展专项排查（责任单位：政策法规科；完成时限：2021年7月10日）" in text


def test_the_report_is_prefilled_from_the_records_and_marks_what_to_write(plan):
    ev = plan.key_issue.department

    text = _text(document_kind_get("report").make(ev))

    assert f"{ev.department.name}关于{ev.campaign.title}整改情况的报告" in text
    assert "无证机构全部清理。" in text
    assert "开展专项排查 | 政策法规科 | 张伟 | 2021-07-10" in text
    assert "已排查机构80所。（整体完成进度60%）" in text
    assert "尚未审核的进展" not in text  # only published progress
    assert "开展专项排查：目标值120所，当前值80所。" in text
    assert text.count("（请填写）") >= 4  # opening, results, shortcomings, next steps


def test_a_proposed_key_issue_is_left_out():
    ev = EvaluatedDepartmentFactory()
    from tests.issues.factories import KeyIssueFactory

    KeyIssueFactory(department=ev, title="尚未确定的问题")

    text = _text(document_kind_get("opinion").make(ev))

    assert "尚未确定的问题" not in text
    assert "尚未确定重点整改问题。" in text


def _sheet(campaign, evs, version, scores, **extra):
    now = timezone.now()
    sheet = ScoreSheet.objects.create(
        campaign=campaign,
        version=version,
        created_at=now,
        inputs_digest="d" * 64,
        complete=True,
        settings_snapshot={
            "weights": {
                "research": "0.25",
                "hotline": "0.2",
                "survey": "0.25",
                "public_vote": "0.1",
                "committee": "0.2",
            }
        },
        **extra,
    )
    for rank, (ev, score) in enumerate(zip(evs, scores, strict=True), 1):
        ScoreRow.objects.create(
            sheet=sheet,
            evaluated=ev,
            batch_name=ev.batch.name,
            department_name=ev.department.name,
            research=Decimal(score),
            composite=Decimal(score),
            rank_batch=rank,
            rank_campaign=rank,
        )
    ScoreSheet.objects.filter(pk=sheet.pk).update(published_at=now)
    sheet.refresh_from_db()
    return sheet


def test_the_notice_is_refused_without_a_published_sheet(tmp_path):
    ev = EvaluatedDepartmentFactory()

    with pytest.raises(DocumentUnavailable, match="尚未公布成绩表"):
        document_kind_get("notice").make(ev.campaign)
    with pytest.raises(CommandError, match="1 份公文未生成"):
        call_command("export_documents", ev.campaign.slug, "--out", str(tmp_path))
    assert len(list(tmp_path.glob("*.docx"))) == 2  # the opinion and the report


def test_the_notice_ranks_the_current_published_version_and_explains_the_correction():
    first = EvaluatedDepartmentFactory(department__name="甲局")
    second = EvaluatedDepartmentFactory(batch=first.batch, department__name="乙局")
    campaign = first.campaign
    v1 = _sheet(campaign, [first, second], 1, ["90.00", "80.00"])
    _sheet(
        campaign,
        [second, first],
        2,
        ["91.50", "90.00"],
        corrects=v1,
        correction_reason="乙局调研评分录入有误。",
    )

    doc = document_kind_get("notice").make(campaign)
    text = _text(doc)

    assert "成绩表第2版" in text
    assert "1 | 第1批 | 乙局 | 91.50" in text.replace(first.batch.name, "第1批")
    assert "该版更正第1版。更正理由：乙局调研评分录入有误。" in text
    assert "乙局：" in text
    document = Document(io.BytesIO(doc.to_bytes()))
    assert len(document.inline_shapes) == 1  # the chart
