"""The per-department official documents made from rectification records (registered in
apps.py): the committee's evaluation opinion (评议意见) and the department's rectification
report (整改情况报告), prefilled for the department to complete.

Every sentence's substance comes from the records (key issues, verdicts, plans, measures,
published progress); the only fixed text is headings and the formal frame of a 公文."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from campaigns.models import EvaluatedDepartment
from core.documents import document_kind
from core.officialdocs import FILL_IN, OfficialDocument, chinese_date
from issues.models import KeyIssue

from .models import Measure, ProgressUpdate, Verdict
from .status import overdue_days

NUMERALS = "一二三四五六七八九十"


def _numeral(index: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (headings never run past a few dozen)."""
    if index <= 10:
        return NUMERALS[index - 1]
    tens, units = divmod(index, 10)
    head = "十" if tens == 1 else f"{NUMERALS[tens - 1]}十"
    return head + (NUMERALS[units - 1] if units else "")


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "未定"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return chinese_date(value)


def _number(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}{unit}"


def _issues(evaluated: EvaluatedDepartment) -> QuerySet[KeyIssue]:
    """The department's confirmed key issues with everything both documents read, in a
    fixed number of queries."""
    published = ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED).order_by(
        "published_at", "id"
    )
    return (
        KeyIssue.objects.filter(department=evaluated, status=KeyIssue.Status.CONFIRMED)
        .select_related("plan")
        .prefetch_related(
            Prefetch("verdicts", queryset=Verdict.objects.order_by("round", "recorded_at")),
            Prefetch("plan__measures", queryset=Measure.objects.order_by("position", "id")),
            Prefetch("plan__updates", queryset=published, to_attr="published_updates"),
        )
        .order_by("position", "id")
    )


def _plan(issue: KeyIssue):
    try:
        return issue.plan
    except KeyIssue.plan.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def _head(evaluated: EvaluatedDepartment) -> tuple[str, str, str]:
    campaign = evaluated.campaign
    return campaign.organizer.name, evaluated.department.name, campaign.title


# ----------------------------------------------------------------------------- 评议意见
@document_kind(key="opinion", title="评议意见", per_department=True, order=10)
def opinion(evaluated: EvaluatedDepartment) -> OfficialDocument:
    organizer, department, campaign_title = _head(evaluated)
    issues = list(_issues(evaluated))
    doc = OfficialDocument(title=f"{organizer}关于{department}专项工作评议的意见", issuer=organizer)
    doc.addressee(department)
    doc.paragraph(
        f"根据{campaign_title}安排，{organizer}对你单位开展了专项工作评议。"
        "现将评议意见反馈如下，请认真研究，抓好整改落实。"
    )
    doc.heading1("一、重点整改问题")
    if not issues:
        doc.paragraph("尚未确定重点整改问题。")
    for index, issue in enumerate(issues, 1):
        doc.heading2(f"（{_numeral(index)}）{issue.title}")
        if issue.description:
            doc.paragraph(issue.description)

    doc.heading1("二、常委会评议意见")
    for index, issue in enumerate(issues, 1):
        doc.heading2(f"（{_numeral(index)}）{issue.title}")
        verdicts = list(issue.verdicts.all())
        if not verdicts:
            doc.paragraph("尚未作出评议意见。")
        for verdict in verdicts:
            line = f"第{verdict.round}轮整改：{verdict.get_result_display()}。"
            if verdict.remarks:
                line += verdict.remarks
            doc.paragraph(line)
            if verdict.result == Verdict.Result.NOT_SATISFIED:
                doc.paragraph(f"重新整改，完成时限：{_date(verdict.new_deadline)}。")

    doc.heading1("三、整改要求")
    for index, issue in enumerate(issues, 1):
        doc.heading2(f"（{_numeral(index)}）{issue.title}")
        plan = _plan(issue)
        reopened = [v for v in issue.verdicts.all() if v.result == Verdict.Result.NOT_SATISFIED]
        if plan is None:
            doc.paragraph("整改方案尚未报送。")
            continue
        if plan.goals:
            doc.paragraph(plan.goals, lead="整改目标：")
        doc.paragraph(_date(plan.deadline) + "。", lead="完成时限：")
        if reopened:
            doc.paragraph(_date(reopened[-1].new_deadline) + "。", lead="重新整改完成时限：")
        measures = list(plan.measures.all())
        if measures:
            doc.paragraph("", lead="整改措施：")
            for number, measure in enumerate(measures, 1):
                doc.paragraph(
                    f"{number}. {measure.title}（责任单位：{measure.responsible_unit}；"
                    f"完成时限：{_date(measure.deadline)}）"
                )
    doc.signature(organizer, chinese_date(timezone.localdate()))
    return doc


# ------------------------------------------------------------------------- 整改情况报告
@document_kind(key="report", title="整改情况报告", per_department=True, order=20)
def report(evaluated: EvaluatedDepartment) -> OfficialDocument:
    organizer, department, campaign_title = _head(evaluated)
    issues = list(_issues(evaluated))
    today = timezone.localdate()
    doc = OfficialDocument(title=f"{department}关于{campaign_title}整改情况的报告")
    doc.addressee(organizer)
    doc.fill_in()
    doc.heading1("一、重点整改问题整改情况")
    if not issues:
        doc.paragraph("尚未确定重点整改问题。")
    for index, issue in enumerate(issues, 1):
        doc.heading2(f"（{_numeral(index)}）{issue.title}")
        plan = _plan(issue)
        if plan is None:
            doc.paragraph("整改方案尚未报送。")
            doc.fill_in(lead="整改成效：")
            continue
        doc.paragraph(plan.goals or FILL_IN, lead="整改目标：")
        doc.paragraph(_date(plan.deadline) + "。", lead="完成时限：")
        measures = list(plan.measures.all())
        doc.paragraph("", lead="整改措施：")
        if measures:
            doc.table(
                ["序号", "整改措施", "责任单位", "责任人", "完成时限", "状态"],
                [
                    (
                        number,
                        measure.title,
                        measure.responsible_unit,
                        measure.responsible_person,
                        measure.deadline.isoformat(),
                        _measure_state(measure, today),
                    )
                    for number, measure in enumerate(measures, 1)
                ],
                widths_mm=(11, 54, 30, 17, 25, 19),
            )
        else:
            doc.fill_in()
        doc.paragraph("", lead="整改进展：")
        updates = plan.published_updates  # type: ignore[attr-defined]
        for update in updates:
            doc.paragraph(
                f"{_date(update.published_at)}：{update.text}（整体完成进度{update.percent}%）"
            )
        if not updates:
            doc.fill_in()
        indicators = [m for m in measures if m.target_value is not None]
        if indicators:
            doc.paragraph("", lead="指标完成情况：")
            for measure in indicators:
                doc.paragraph(
                    f"{measure.title}：目标值{_number(measure.target_value, measure.target_unit)}，"
                    f"当前值{_number(measure.current_value, measure.target_unit)}。"
                )
        doc.fill_in(lead="整改成效：")
    doc.heading1("二、存在的问题和不足")
    doc.fill_in()
    doc.heading1("三、下一步工作打算")
    doc.fill_in()
    doc.signature(department, "年    月    日")
    return doc


def _measure_state(measure: Measure, today: dt.date) -> str:
    label = measure.get_state_display()
    late = overdue_days(deadline=measure.deadline, state=measure.state, today=today)
    return f"{label}（逾期{late}天）" if late else label
