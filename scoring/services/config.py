"""Scoring settings of a campaign: read as formulas.ScoringSettings, validated on save."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import Campaign

from ..formulas import Component, InvalidSettings, Rating, ScoringSettings, SurveyGroup
from ..models import ScoringConfig
from .history import event_record

WEIGHT_FIELDS = {
    Component.RESEARCH: "weight_research",
    Component.HOTLINE: "weight_hotline",
    Component.SURVEY: "weight_survey",
    Component.PUBLIC_VOTE: "weight_public_vote",
    Component.COMMITTEE: "weight_committee",
}
POINT_FIELDS = {
    Rating.SATISFIED: "points_satisfied",
    Rating.BASIC: "points_basic",
    Rating.DISSATISFIED: "points_dissatisfied",
}
PLAIN_FIELDS = (
    "trim_threshold",
    "hotline_volume_flat_score",
    "hotline_change_factor",
    "hotline_s_weight",
    "hotline_t_weight",
    "hotline_low_sample_threshold",
)
# Every editable field, in form order.
CONFIG_FIELDS = (
    *WEIGHT_FIELDS.values(),
    *POINT_FIELDS.values(),
    *PLAIN_FIELDS,
    "survey_group_weights",
    "committee_named",
    "committee_quorum",
)


def config_get(*, campaign: Campaign) -> ScoringConfig:
    """The campaign's settings row; an unsaved row with the defaults when none exists."""
    try:
        return campaign.scoring_config
    except ScoringConfig.DoesNotExist:
        return ScoringConfig(campaign=campaign)


def settings_of(config: ScoringConfig) -> ScoringSettings:
    """The formulas' settings object of a config row (not validated)."""
    group_weights = {group.value: Decimal(1) for group in SurveyGroup}
    group_weights.update(
        {k: Decimal(str(v)) for k, v in (config.survey_group_weights or {}).items()}
    )
    return ScoringSettings(
        weights={c: Decimal(getattr(config, f)) for c, f in WEIGHT_FIELDS.items()},
        rating_points={r: Decimal(getattr(config, f)) for r, f in POINT_FIELDS.items()},
        trim_threshold=int(config.trim_threshold),
        hotline_volume_flat_score=Decimal(config.hotline_volume_flat_score),
        hotline_change_factor=Decimal(config.hotline_change_factor),
        hotline_s_weight=Decimal(config.hotline_s_weight),
        hotline_t_weight=Decimal(config.hotline_t_weight),
        hotline_low_sample_threshold=int(config.hotline_low_sample_threshold),
        survey_group_weights=group_weights,
        committee_quorum=config.committee_quorum,
    )


def settings_snapshot(settings: ScoringSettings) -> dict:
    return {
        "weights": {str(k): str(v) for k, v in settings.weights.items()},
        "rating_points": {str(k): str(v) for k, v in settings.rating_points.items()},
        "trim_threshold": settings.trim_threshold,
        "hotline_volume_flat_score": str(settings.hotline_volume_flat_score),
        "hotline_change_factor": str(settings.hotline_change_factor),
        "hotline_s_weight": str(settings.hotline_s_weight),
        "hotline_t_weight": str(settings.hotline_t_weight),
        "hotline_low_sample_threshold": settings.hotline_low_sample_threshold,
        "survey_group_weights": {str(k): str(v) for k, v in settings.survey_group_weights.items()},
        "committee_quorum": str(settings.committee_quorum),
    }


def _values(config: ScoringConfig) -> dict:
    return {
        f: (str(v) if isinstance(v := getattr(config, f), Decimal) else v) for f in CONFIG_FIELDS
    }


@transaction.atomic
def config_update(*, campaign: Campaign, actor, **values) -> ScoringConfig:
    """Save new settings after `validate_settings`; InvalidSettings (ValidationError) lists
    every problem in Chinese. Refused once a sheet of the campaign is published."""
    if campaign.score_sheets.filter(published_at__isnull=False).exists():
        raise ValidationError("评议结果已公布，评分设置不能再修改")
    config = config_get(campaign=campaign)
    before = _values(config) if config.pk else None
    unknown = set(values) - set(CONFIG_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    for name, value in values.items():
        setattr(config, name, value)
    # Field validation first (a weight typed as "abc"), then the rules of scoring.md.
    config.full_clean(exclude=["campaign"])
    try:
        settings_of(config).validated()
    except InvalidOperation:
        raise ValidationError("调查组别的权重必须是数字") from None
    except InvalidSettings as exc:
        raise ValidationError(exc.messages) from exc
    config.save()
    config.refresh_from_db()
    event_record(
        campaign=campaign,
        actor=actor,
        action="settings.update",
        summary="修改评分设置",
        before=before,
        after=_values(config),
    )
    return config


@transaction.atomic
def config_copy_last_year(*, campaign: Campaign, actor) -> ScoringConfig:
    """Copy the settings of the same organizer's previous campaign (复制上年设置)."""
    previous = (
        Campaign.objects.filter(organizer_id=campaign.organizer_id, year__lt=campaign.year)
        .order_by("-year")
        .select_related("scoring_config")
        .first()
    )
    if previous is None:
        raise ValidationError("没有上一年度的评议活动可以复制")
    source = config_get(campaign=previous)
    return config_update(
        campaign=campaign, actor=actor, **{f: getattr(source, f) for f in CONFIG_FIELDS}
    )
