"""Batch stages, planned dates, nominations and slots."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Department

from ..models import Batch, EvaluatedDepartment, Nomination, StagePlan, StageTransition
from ..stages import Stage, transition_errors


def _locked_batch(batch: Batch) -> Batch:
    """Re-read the batch under a row lock: stage changes, nominations and vote opening
    serialise on it, so 'check then write' cannot race."""
    return Batch.objects.select_for_update().select_related("campaign").get(pk=batch.pk)


@transaction.atomic
def batch_stage_change(*, batch: Batch, target: str, actor, note: str = "") -> Batch:
    try:
        target_stage = Stage(target)
    except ValueError as exc:
        raise ValidationError("未知的阶段。") from exc
    locked = _locked_batch(batch)
    current = Stage(locked.stage)
    if current == target_stage:
        raise ValidationError(f"该批次已处于“{current.label}”阶段。")
    errors = transition_errors(locked, current, target_stage)
    if errors:
        raise ValidationError(errors)
    locked.stage = target_stage.value
    locked.save(update_fields=["stage"])
    StageTransition.objects.create(
        batch=locked,
        from_stage=current.value,
        to_stage=target_stage.value,
        actor=actor,
        note=note.strip()[:500],
    )
    batch.stage = locked.stage
    return locked


@transaction.atomic
def stage_plan_set(
    *,
    batch: Batch,
    stage: str,
    planned_start: dt.date | None,
    planned_end: dt.date | None,
    actor,
) -> StagePlan:
    try:
        stage_value = Stage(stage).value
    except ValueError as exc:
        raise ValidationError("未知的阶段。") from exc
    if planned_start and planned_end and planned_end < planned_start:
        raise ValidationError("计划结束日期不能早于计划开始日期。")
    plan, _ = StagePlan.objects.update_or_create(
        batch=batch,
        stage=stage_value,
        defaults={"planned_start": planned_start, "planned_end": planned_end},
    )
    return plan


def _refuse_if_vote_started(batch: Batch) -> None:
    if batch.vote_sessions.exists():
        raise ValidationError("票决已开始，候选部门、应选名额和票决规则已锁定，不能再修改。")


@transaction.atomic
def nomination_add(*, batch: Batch, department: Department, reason: str, actor) -> Nomination:
    locked = _locked_batch(batch)
    _refuse_if_vote_started(locked)
    if locked.stage != Stage.SELECTION:
        raise ValidationError("只有“确定评议对象”阶段的批次可以提名候选部门。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写提名理由。")
    organizer = locked.campaign.organizer
    if department.district_id != organizer.district_id:
        raise ValidationError(f"“{department.name}”不属于{organizer.name}的评议范围。")
    if EvaluatedDepartment.objects.filter(campaign=locked.campaign, department=department).exists():
        raise ValidationError(f"“{department.name}”已是本次评议的被评议部门（单位）。")
    try:
        with transaction.atomic():
            return Nomination.objects.create(
                batch=locked, department=department, reason=reason[:500], created_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(f"“{department.name}”已在候选名单中。") from exc


@transaction.atomic
def nomination_remove(*, nomination: Nomination, actor) -> None:
    _refuse_if_vote_started(_locked_batch(nomination.batch))
    nomination.delete()


@transaction.atomic
def batch_slots_set(*, batch: Batch, slots: int, actor) -> Batch:
    locked = _locked_batch(batch)
    _refuse_if_vote_started(locked)
    if slots < 1:
        raise ValidationError("应选名额必须至少为 1 个。")
    locked.slots = slots
    locked.save(update_fields=["slots"])
    batch.slots = slots
    return locked
