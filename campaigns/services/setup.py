"""Creating a campaign from scratch or from last year's settings."""

import datetime as dt
from collections.abc import Callable
from typing import overload

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Organizer

from ..models import Batch, Campaign, StagePlan

# Other apps copy their per-campaign settings (scoring weights, survey groups) by
# registering `hook(source, target)` in AppConfig.ready(). Hooks copy settings, never data.
CopyHook = Callable[[Campaign, Campaign], None]
_COPY_HOOKS: list[CopyHook] = []


def register_copy_hook(hook: CopyHook) -> CopyHook:
    if hook not in _COPY_HOOKS:
        _COPY_HOOKS.append(hook)
    return hook


def _check_unique(*, organizer: Organizer, year: int, slug: str) -> None:
    if Campaign.objects.filter(organizer=organizer, year=year).exists():
        raise ValidationError(f"{organizer.name}已有{year}年度的评议活动。")
    if Campaign.objects.filter(slug=slug).exists():
        raise ValidationError(f"网址标识“{slug}”已被使用，请换一个。")


@transaction.atomic
def campaign_create(
    *,
    organizer: Organizer,
    actor,
    title: str,
    year: int,
    slug: str,
    evaluation_start: dt.date,
    evaluation_end: dt.date,
    batch_count: int = 1,
    key_issues_min: int = 2,
    key_issues_max: int = 3,
    decision_text: str = "",
) -> Campaign:
    if evaluation_end < evaluation_start:
        raise ValidationError("评价期结束日期不能早于开始日期。")
    if key_issues_max < key_issues_min:
        raise ValidationError("重点整改问题上限不能小于下限。")
    if not 1 <= batch_count <= 6:
        raise ValidationError("批次数应在 1 到 6 之间。")
    _check_unique(organizer=organizer, year=year, slug=slug)
    try:
        campaign = Campaign.objects.create(
            organizer=organizer,
            title=title,
            year=year,
            slug=slug,
            evaluation_start=evaluation_start,
            evaluation_end=evaluation_end,
            key_issues_min=key_issues_min,
            key_issues_max=key_issues_max,
            decision_text=decision_text,
        )
    except IntegrityError as exc:  # a concurrent create with the same year or slug
        raise ValidationError("该年度或网址标识的评议活动已存在。") from exc
    Batch.objects.bulk_create(
        Batch(campaign=campaign, number=n, name=BATCH_NAMES.get(n, f"第{n}批"))
        for n in range(1, batch_count + 1)
    )
    return campaign


BATCH_NAMES = {1: "第一批", 2: "第二批", 3: "第三批", 4: "第四批", 5: "第五批", 6: "第六批"}


@overload
def _shift(date: dt.date, years: int) -> dt.date: ...
@overload
def _shift(date: None, years: int) -> None: ...
@overload
def _shift(date: dt.date | None, years: int) -> dt.date | None: ...
def _shift(date: dt.date | None, years: int) -> dt.date | None:
    if date is None:
        return None
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


@transaction.atomic
def campaign_copy(*, source: Campaign, actor, year: int, title: str, slug: str) -> Campaign:
    """A new campaign with last year's settings: batches (names, slots, planned stage
    dates shifted by the years between), key-issue bounds and whatever registered hooks
    copy. No nominations, votes, departments, statements or history."""
    years = year - source.year
    campaign = campaign_create(
        organizer=source.organizer,
        actor=actor,
        title=title,
        year=year,
        slug=slug,
        evaluation_start=_shift(source.evaluation_start, years),
        evaluation_end=_shift(source.evaluation_end, years),
        batch_count=1,
        key_issues_min=source.key_issues_min,
        key_issues_max=source.key_issues_max,
    )
    campaign.batches.all().delete()
    old_batches = list(source.batches.prefetch_related("plans").order_by("number"))
    for old in old_batches:
        batch = Batch.objects.create(
            campaign=campaign, number=old.number, name=old.name, slots=old.slots
        )
        StagePlan.objects.bulk_create(
            StagePlan(
                batch=batch,
                stage=plan.stage,
                planned_start=_shift(plan.planned_start, years),
                planned_end=_shift(plan.planned_end, years),
            )
            for plan in old.plans.all()
        )
    if not old_batches:
        Batch.objects.create(campaign=campaign, number=1, name=BATCH_NAMES[1])
    for hook in _COPY_HOOKS:
        hook(source, campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    actor,
    title: str,
    evaluation_start: dt.date,
    evaluation_end: dt.date,
    decision_text: str,
) -> Campaign:
    if evaluation_end < evaluation_start:
        raise ValidationError("评价期结束日期不能早于开始日期。")
    campaign.title = title
    campaign.evaluation_start = evaluation_start
    campaign.evaluation_end = evaluation_end
    campaign.decision_text = decision_text
    campaign.save(update_fields=["title", "evaluation_start", "evaluation_end", "decision_text"])
    return campaign
