"""Writes: every change of state of a plan, measure, update, verdict or rebound, one function
per verb, each in a transaction with its history entry. `at` lets the demo loader write fixed
dates; pages leave it out and get now()."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from campaigns.stages import Stage
from issues.models import KeyIssue

from .files import RejectedFile, clean_upload
from .models import (
    Attachment,
    Event,
    IndicatorValue,
    Measure,
    Notice,
    Plan,
    PlanVersion,
    ProgressUpdate,
    Rebound,
    Verdict,
)
from .notify import to_liaisons, to_people_behind

MEASURE_FIELDS = (
    "title",
    "responsible_unit",
    "responsible_person",
    "deadline",
    "target_value",
    "target_unit",
)
FIELD_LABELS = {
    "title": "措施",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "deadline": "完成时限",
    "target_value": "目标值",
    "target_unit": "单位",
}


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def event_record(*, key_issue_id: int, actor, action: str, detail: str = "", at=None) -> Event:
    return Event.objects.create(
        key_issue_id=key_issue_id, actor=actor, action=action, detail=detail, at=_now(at)
    )


# ---------------------------------------------------------------------------- plans
def plan_get_or_create(*, key_issue: KeyIssue) -> Plan:
    if key_issue.status != KeyIssue.Status.CONFIRMED:
        raise ValidationError("只有已确定的重点整改问题才能制定整改方案。")
    plan, _ = Plan.objects.get_or_create(key_issue=key_issue)
    return plan


def _reopen(plan: Plan) -> None:
    """Any edit after submission or publication goes back to draft: the public keeps seeing
    the last published version until staff publish the next one."""
    if plan.state != Plan.State.DRAFT:
        plan.state = Plan.State.DRAFT
        plan.save(update_fields=["state", "updated_at"])


@transaction.atomic
def plan_update(*, plan: Plan, actor, goals: str, deadline: dt.date | None, at=None) -> Plan:
    plan.goals, plan.deadline = goals, deadline
    plan.save(update_fields=["goals", "deadline", "updated_at"])
    _reopen(plan)
    event_record(key_issue_id=plan.key_issue_id, actor=actor, action="plan.edit", at=at)
    return plan


@transaction.atomic
def plan_submit(*, plan: Plan, actor, at=None) -> Plan:
    if not plan.goals.strip() or plan.deadline is None:
        raise ValidationError("请先填写整改目标和完成时限。")
    if not plan.measures.exists():
        raise ValidationError("请至少填写一项整改措施。")
    plan.state, plan.return_reason = Plan.State.SUBMITTED, ""
    plan.save(update_fields=["state", "return_reason", "updated_at"])
    event_record(key_issue_id=plan.key_issue_id, actor=actor, action="plan.submit", at=at)
    return plan


@transaction.atomic
def plan_return(*, plan: Plan, actor, reason: str, at=None) -> Plan:
    """Staff send a submitted plan back to the liaisons for changes (退回修改): it is a draft
    again, with the reason shown on the liaison's page until they resubmit. The public keeps
    seeing the last published version."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != Plan.State.SUBMITTED:
        raise ValidationError("只能退回联络员已提交审核的整改方案。")
    reason = reason.strip()
    if not reason:
        raise ValidationError("退回时请写明理由。")
    plan.state, plan.return_reason = Plan.State.DRAFT, reason
    plan.save(update_fields=["state", "return_reason", "updated_at"])
    entry = event_record(
        key_issue_id=plan.key_issue_id, actor=actor, action="plan.return", detail=reason, at=at
    )
    # Keyed by this return's history entry: a plan returned twice is two messages.
    to_liaisons(
        event="rectification.plan_returned",
        key=entry.pk,
        key_issue=plan.key_issue,
        reason=reason.rstrip("。"),
    )
    return plan


def _snapshot(plan: Plan) -> list[dict]:
    return [
        {
            "id": m.id,
            "title": m.title,
            "responsible_unit": m.responsible_unit,
            "responsible_person": m.responsible_person,
            "deadline": m.deadline.isoformat(),
            "target_value": None if m.target_value is None else str(m.target_value.normalize()),
            "target_unit": m.target_unit,
            "round": m.round,
        }
        for m in plan.measures.order_by("position", "id")
    ]


def plan_changes(previous: PlanVersion | None, goals, deadline, measures) -> list[str]:
    """What changed since the last published version, in words the public reads."""
    if previous is None:
        return []
    changes = []
    if previous.goals != goals:
        changes.append("整改目标有调整")
    if previous.deadline != deadline:
        changes.append(f"完成时限由 {previous.deadline} 调整为 {deadline}")
    old = {m["id"]: m for m in previous.measures}
    new = {m["id"]: m for m in measures}
    for mid, m in new.items():
        if mid not in old:
            changes.append(f"新增措施：{m['title']}")
            continue
        for field in MEASURE_FIELDS:
            if old[mid][field] != m[field]:
                before, after = old[mid][field] or "（无）", m[field] or "（无）"
                changes.append(f"措施“{m['title']}”{FIELD_LABELS[field]}：{before} → {after}")
    changes += [f"删除措施：{m['title']}" for mid, m in old.items() if mid not in new]
    return changes


@transaction.atomic
def plan_publish(*, plan: Plan, actor, at=None) -> PlanVersion:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != Plan.State.SUBMITTED:
        raise ValidationError("只能公开联络员已提交审核的整改方案。")
    previous = plan.versions.order_by("-number").first()
    measures = _snapshot(plan)
    changes = plan_changes(previous, plan.goals, plan.deadline, measures)
    if previous is not None and not changes:
        raise ValidationError("与已公开的承诺相比没有变化，无需再次公开。")
    version = PlanVersion.objects.create(
        plan=plan,
        number=(previous.number + 1) if previous else 1,
        goals=plan.goals,
        deadline=plan.deadline,
        measures=measures,
        changes=changes,
        published_by=actor,
        published_at=_now(at),
    )
    plan.state = Plan.State.PUBLISHED
    plan.save(update_fields=["state", "updated_at"])
    event_record(
        key_issue_id=plan.key_issue_id,
        actor=actor,
        action="plan.publish",
        detail=f"第{version.number}版" + ("：" + "；".join(changes) if changes else ""),
        at=at,
    )
    to_liaisons(
        event="rectification.plan_published",
        key=version.pk,
        key_issue=plan.key_issue,
        version=version.number,
    )
    return version


# --------------------------------------------------------------------------- measures
@transaction.atomic
def measure_save(
    *, plan: Plan, actor, measure: Measure | None = None, at=None, **fields
) -> Measure:
    created = measure is None
    if measure is not None and measure.state == Measure.State.WITHDRAWN:
        raise ValidationError("已撤回的整改措施不能修改。")
    if measure is None:
        measure = Measure(plan=plan, round=plan.round, position=plan.measures.count() + 1)
    for name in MEASURE_FIELDS:
        if name in fields:
            setattr(measure, name, fields[name])
    measure.full_clean(exclude=["plan", "closed_by"])
    measure.save()
    _reopen(plan)
    event_record(
        key_issue_id=plan.key_issue_id,
        actor=actor,
        action="measure.add" if created else "measure.edit",
        detail=measure.title,
        at=at,
    )
    return measure


# Stages in which a liaison may still delete or withdraw a measure: while the plan is
# written (确定重点整改问题) and while rectification is live. During the evaluation and once
# results are published the ledger is what was evaluated, and stays as it is.
MEASURE_REMOVAL_STAGES = (Stage.KEY_ISSUES, Stage.RECTIFICATION, Stage.FOLLOW_UP)


def measure_has_progress(measure: Measure) -> bool:
    """Progress is anything reported against the measure: a state past 未开始, a current
    value, or an indicator value in any update (pending ones too)."""
    return (
        measure.state != Measure.State.NOT_STARTED
        or measure.current_value is not None
        or measure.values.exists()
    )


def _check_removal_stage(measure: Measure) -> None:
    stage = Stage(measure.plan.key_issue.department.batch.stage)
    if stage not in MEASURE_REMOVAL_STAGES:
        raise ValidationError(
            f"批次处于“{stage.label}”阶段，整改台账已冻结，不能删除或撤回整改措施。"
        )


def _locked_measure(measure: Measure) -> Measure:
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("plan__key_issue__department__batch")
        .get(pk=measure.pk)
    )


def measure_check_deletable(*, measure: Measure) -> None:
    """Raise the reason a measure may not be deleted (pages ask before the review)."""
    _check_removal_stage(measure)
    if measure_has_progress(measure):
        raise ValidationError("该措施已有整改进展，不能删除；如不再实施，请写明理由撤回。")


@transaction.atomic
def measure_delete(*, measure: Measure, actor, at=None) -> None:
    """Delete a measure added by mistake, only while nothing has been reported against it.
    A published commitment keeps its frozen version; the next publication lists the measure
    as removed (删除措施). The audit log keeps the deleted row."""
    measure = _locked_measure(measure)
    measure_check_deletable(measure=measure)
    plan, title = measure.plan, measure.title
    measure.delete()
    _reopen(plan)
    event_record(
        key_issue_id=plan.key_issue_id, actor=actor, action="measure.delete", detail=title, at=at
    )


def measure_check_withdrawable(*, measure: Measure, reason: str) -> None:
    _check_removal_stage(measure)
    if not measure.is_open:
        raise ValidationError("只能撤回未完成的整改措施（已完成、已销号或已撤回的不能撤回）。")
    if not reason.strip():
        raise ValidationError("撤回整改措施时请写明理由。")


@transaction.atomic
def measure_withdraw(*, measure: Measure, actor, reason: str, at=None) -> Measure:
    """Withdraw an open measure (已撤回) with a reason: it stays in the ledger, the history
    and on the public page with its reason; what was published about it stays published."""
    measure = _locked_measure(measure)
    measure_check_withdrawable(measure=measure, reason=reason)
    measure.state = Measure.State.WITHDRAWN
    measure.withdraw_reason = reason.strip()
    measure.withdrawn_by, measure.withdrawn_at = actor, _now(at)
    measure.save(update_fields=["state", "withdraw_reason", "withdrawn_by", "withdrawn_at"])
    event_record(
        key_issue_id=measure.plan.key_issue_id,
        actor=actor,
        action="measure.withdraw",
        detail=f"{measure.title}：{measure.withdraw_reason}",
        at=at,
    )
    return measure


@transaction.atomic
def measure_mark_done(*, measure: Measure, actor, evidence: str, at=None) -> Measure:
    if not measure.is_open:
        raise ValidationError("该措施已完成、已销号或已撤回。")
    if not evidence.strip():
        raise ValidationError("标记完成时请说明完成情况和佐证。")
    measure.state, measure.evidence, measure.done_at = Measure.State.DONE, evidence, _now(at)
    measure.save(update_fields=["state", "evidence", "done_at"])
    event_record(
        key_issue_id=measure.plan.key_issue_id,
        actor=actor,
        action="measure.done",
        detail=f"{measure.title}：{evidence}",
        at=at,
    )
    return measure


@transaction.atomic
def measure_close(*, measure: Measure, actor, at=None) -> Measure:
    if measure.state != Measure.State.DONE:
        raise ValidationError("只有部门标记为已完成的措施才能销号。")
    measure.state, measure.closed_by, measure.closed_at = Measure.State.CLOSED, actor, _now(at)
    measure.save(update_fields=["state", "closed_by", "closed_at"])
    event_record(
        key_issue_id=measure.plan.key_issue_id,
        actor=actor,
        action="measure.close",
        detail=measure.title,
        at=at,
    )
    return measure


# ---------------------------------------------------------------------------- updates
def attachment_max_bytes() -> int:
    """Per attachment; the upload handler stops keeping a file past it (core/upload_handlers)."""
    return settings.RECTIFICATION_MAX_UPLOAD_BYTES


def attachments_max_total() -> int:
    """All attachments of one progress update together."""
    return settings.RECTIFICATION_MAX_UPLOAD_BYTES * settings.DATA_UPLOAD_MAX_NUMBER_FILES


@transaction.atomic
def update_create(
    *,
    plan: Plan,
    actor,
    text: str,
    percent: int,
    values: dict[int, Decimal] | None = None,
    files: Sequence[tuple[str, bytes | IO[bytes]]] = (),
    caption: str = "",
    at=None,
) -> ProgressUpdate:
    """A liaison's progress update, pending review. Every file is checked before anything is
    written, so a refused file leaves no half-saved update behind. `files`: (name, bytes or
    an uploaded file); an upload is judged by its size before it is read (files.py).
    `caption` says what the photos show; it becomes part of each photo's alt text."""
    if plan.state != Plan.State.PUBLISHED and not plan.versions.exists():
        raise ValidationError("整改方案公开后才能报送整改进展。")
    if not 0 <= percent <= 100:
        raise ValidationError("整体完成进度应在 0 到 100 之间。")
    limit = settings.RECTIFICATION_MAX_UPLOAD_BYTES
    try:
        cleaned = [(name, clean_upload(data, name=name, max_bytes=limit)) for name, data in files]
    except RejectedFile as exc:
        raise ValidationError(str(exc)) from exc
    measure_ids = set(
        plan.measures.exclude(state=Measure.State.WITHDRAWN).values_list("id", flat=True)
    )
    values = {mid: v for mid, v in (values or {}).items() if v is not None}
    if set(values) - measure_ids:
        raise ValidationError("指标数值只能填写本方案未撤回的整改措施。")
    update = ProgressUpdate.objects.create(
        plan=plan, text=text, percent=percent, author=actor, created_at=_now(at)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(update=update, measure_id=mid, value=v) for mid, v in values.items()
    )
    for n, (name, clean) in enumerate(cleaned, start=1):
        stem = f"u{update.pk}-{n}"
        att = Attachment(
            update=update,
            kind=clean.kind,
            original_name=name[:200],
            caption=caption.strip()[:200] if clean.kind == Attachment.Kind.IMAGE else "",
            size=clean.size,
            width=clean.width,
            height=clean.height,
        )
        content = (
            ContentFile(clean.content) if isinstance(clean.content, bytes) else File(clean.content)
        )
        # The stored name carries the extension of the sniffed kind, whatever it was called.
        att.file.save(f"{stem}.{clean.extension}", content, save=False)
        if clean.thumbnail:
            att.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
        att.save()
    event_record(
        key_issue_id=plan.key_issue_id,
        actor=actor,
        action="update.submit",
        detail=text[:200],
        at=at,
    )
    return update


@transaction.atomic
def update_publish(*, update: ProgressUpdate, actor, at=None) -> ProgressUpdate:
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state != ProgressUpdate.State.PENDING:
        raise ValidationError("只能发布待审核的进展。")
    now = _now(at)
    update.state = ProgressUpdate.State.PUBLISHED
    update.reviewed_by, update.reviewed_at, update.published_at = actor, now, now
    update.save(update_fields=["state", "reviewed_by", "reviewed_at", "published_at"])
    # The ledger follows what was published: indicator values become current, and a measure
    # with reported progress is no longer "not started".
    for value in update.values.select_related("measure"):
        measure = value.measure
        measure.current_value = value.value
        if measure.state == Measure.State.NOT_STARTED:
            measure.state = Measure.State.IN_PROGRESS
        measure.save(update_fields=["current_value", "state"])
    event_record(
        key_issue_id=update.plan.key_issue_id,
        actor=actor,
        action="update.publish",
        detail=f"完成进度 {update.percent}%",
        at=at,
    )
    to_liaisons(
        event="rectification.update_published",
        key=update.pk,
        key_issue=update.plan.key_issue,
        percent=update.percent,
    )
    to_people_behind(update=update)
    return update


@transaction.atomic
def update_return(*, update: ProgressUpdate, actor, reason: str, at=None) -> ProgressUpdate:
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state != ProgressUpdate.State.PENDING:
        raise ValidationError("只能退回待审核的进展。")
    if not reason.strip():
        raise ValidationError("退回时请写明理由。")
    update.state, update.return_reason = ProgressUpdate.State.RETURNED, reason
    update.reviewed_by, update.reviewed_at = actor, _now(at)
    update.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"])
    event_record(
        key_issue_id=update.plan.key_issue_id,
        actor=actor,
        action="update.return",
        detail=reason,
        at=at,
    )
    to_liaisons(
        event="rectification.update_returned",
        key=update.pk,
        key_issue=update.plan.key_issue,
        reason=reason.strip().rstrip("。"),
    )
    return update


# ------------------------------------------------------------------ verdicts, follow-up
@transaction.atomic
def verdict_record(
    *,
    key_issue: KeyIssue,
    actor,
    result: str,
    remarks: str = "",
    new_deadline: dt.date | None = None,
    at=None,
) -> Verdict:
    """Not satisfied orders re-rectification (重新整改): the plan enters its next round with
    the new deadline, and the new deadline is published as a new version of the commitment."""
    plan = Plan.objects.select_for_update().get(key_issue=key_issue)
    if not plan.versions.exists():
        raise ValidationError("整改方案尚未公开，不能作出评议意见。")
    if key_issue.verdicts.filter(result=Verdict.Result.SATISFIED).exists():
        raise ValidationError("该问题已评为满意。")
    if result == Verdict.Result.NOT_SATISFIED and new_deadline is None:
        raise ValidationError("不满意的，请确定重新整改的完成时限。")
    verdict = Verdict.objects.create(
        key_issue=key_issue,
        round=plan.round,
        result=result,
        remarks=remarks,
        new_deadline=new_deadline if result == Verdict.Result.NOT_SATISFIED else None,
        recorded_by=actor,
        recorded_at=_now(at),
    )
    event_record(
        key_issue_id=key_issue.pk,
        actor=actor,
        action="verdict",
        detail=f"第{verdict.round}轮：{verdict.get_result_display()}。{remarks}",
        at=at,
    )
    if result == Verdict.Result.NOT_SATISFIED:
        plan.round += 1
        plan.deadline = new_deadline
        plan.state = Plan.State.SUBMITTED
        plan.save(update_fields=["round", "deadline", "state", "updated_at"])
        plan_publish(plan=plan, actor=actor, at=at)
    to_liaisons(
        event="rectification.verdict",
        key=verdict.pk,
        key_issue=key_issue,
        result=verdict.get_result_display(),
        round=verdict.round,
        remarks=remarks.strip(),
        next=(
            f"请于 {new_deadline:%Y年%-m月%-d日} 前完成重新整改。" if verdict.new_deadline else ""
        ),
    )
    return verdict


@transaction.atomic
def rebound_flag(*, key_issue: KeyIssue, actor, evidence: str, at=None) -> Rebound:
    stage = key_issue.department.batch.stage
    if stage not in (Stage.PUBLISHED, Stage.FOLLOW_UP):
        raise ValidationError("批次评议结果公布后才能标记问题反弹。")
    if not evidence.strip():
        raise ValidationError("请写明反弹依据。")
    if key_issue.rebounds.filter(resolved_at__isnull=True).exists():
        raise ValidationError("该问题已在跟踪问效中。")
    rebound = Rebound.objects.create(
        key_issue=key_issue, evidence=evidence, flagged_by=actor, flagged_at=_now(at)
    )
    event_record(
        key_issue_id=key_issue.pk, actor=actor, action="rebound.flag", detail=evidence, at=at
    )
    return rebound


@transaction.atomic
def rebound_resolve(*, rebound: Rebound, actor, resolution: str, at=None) -> Rebound:
    if rebound.resolved_at is not None:
        raise ValidationError("该反弹已解决。")
    if not resolution.strip():
        raise ValidationError("请写明解决情况。")
    rebound.resolution, rebound.resolved_by, rebound.resolved_at = resolution, actor, _now(at)
    rebound.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    event_record(
        key_issue_id=rebound.key_issue_id,
        actor=actor,
        action="rebound.resolve",
        detail=resolution,
        at=at,
    )
    return rebound


# --------------------------------------------------------------------------- notices
def notice_mark_read(*, notice: Notice, actor) -> Notice:
    """Mark one of the actor's own reminders read (again: keeps the first time)."""
    if notice.recipient_id != actor.pk:
        raise ValidationError("只能标记自己的提醒。")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_mark_all_read(*, actor) -> int:
    """Mark every unread reminder of the actor read; returns how many were unread."""
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
