"""Reads of the scoring app."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from campaigns.models import Campaign, EvaluatedDepartment
from campaigns.stages import ORDER, Stage
from hotline.selectors import campaign_comparison, hotline_counts

from .formulas import (
    Component,
    HotlineResult,
    SurveyGroup,
    department_score,
    hotline_component_of,
)
from .models import (
    CommitteeSession,
    PublicVote,
    PublicVoter,
    ScoreRow,
    ScoreSheet,
    ScoringEvent,
    Survey,
    SurveyRespondent,
)
from .services.config import config_get, settings_of
from .sources import collect_inputs_of

FIELD_LABELS = {
    **{str(c): c.label for c in Component},
    "composite": "综合得分",
    "rank_batch": "批次内排名",
    "rank_campaign": "排名",
}


def sheet_rows(*, sheet: ScoreSheet) -> QuerySet[ScoreRow]:
    return sheet.rows.select_related("evaluated__department", "evaluated__batch").order_by(
        "rank_campaign", "evaluated__batch__number", "evaluated__position"
    )


def sheet_get(*, campaign: Campaign, version: int | None = None) -> ScoreSheet | None:
    sheets = campaign.score_sheets.all()
    if version is not None:
        return sheets.filter(version=version).first()
    return sheets.order_by("-version").first()


def published_sheet(*, campaign: Campaign) -> ScoreSheet | None:
    """The newest published version: what the public sees."""
    return campaign.score_sheets.filter(published_at__isnull=False).order_by("-version").first()


def published_versions(*, campaign: Campaign) -> list[ScoreSheet]:
    """Every published version, newest first (the public page links to each)."""
    return list(
        campaign.score_sheets.filter(published_at__isnull=False)
        .select_related("published_by", "corrects")
        .order_by("-version")
    )


def correction_note(*, sheet: ScoreSheet) -> dict | None:
    """What the public reads about a correction: who published it, when, why, and which
    departments changed by how much against the version it corrects. None for a first
    publication."""
    if sheet.corrects_id is None or sheet.corrects is None:
        return None
    changes = sheet_diff(old=sheet.corrects, new=sheet)
    for change in changes:
        # (label, old, new, delta): delta for scores present in both versions, not ranks.
        change["deltas"] = [
            (
                FIELD_LABELS[field],
                old,
                new,
                f"{new - old:+.2f}"
                if old is not None and new is not None and not field.startswith("rank")
                else "",
            )
            for field, (old, new) in change["changes"].items()
        ]
    return {
        "version": sheet.version,
        "corrects": sheet.corrects.version,
        "by": sheet.published_by.display_name if sheet.published_by else "",
        "at": sheet.published_at,
        "reason": sheet.correction_reason,
        "changes": changes,
    }


def public_row(*, evaluated: EvaluatedDepartment) -> ScoreRow | None:
    sheet = published_sheet(campaign=evaluated.campaign)
    if sheet is None:
        return None
    return sheet.rows.filter(evaluated=evaluated).first()


def sheet_diff(*, old: ScoreSheet, new: ScoreSheet) -> list[dict]:
    """Departments whose component, composite or rank differ between two versions."""
    fields = [*ScoreRow.COMPONENTS, "composite", "rank_batch", "rank_campaign"]
    before = {r.evaluated_id: r for r in old.rows.all()}
    result = []
    for row in sheet_rows(sheet=new):
        prior = before.get(row.evaluated_id)
        changes = {
            f: (getattr(prior, f) if prior else None, getattr(row, f))
            for f in fields
            if prior is None or getattr(prior, f) != getattr(row, f)
        }
        if changes:
            result.append(
                {
                    "department": row.department_name,
                    "changes": changes,
                    "labelled": [(FIELD_LABELS[f], old, new) for f, (old, new) in changes.items()],
                }
            )
    return result


def sheets_of(*, campaign: Campaign) -> QuerySet[ScoreSheet]:
    return campaign.score_sheets.select_related("created_by", "published_by", "corrects").order_by(
        "-version"
    )


def events_of(*, campaign: Campaign, limit: int = 50) -> QuerySet[ScoringEvent]:
    return ScoringEvent.objects.filter(campaign=campaign).select_related("actor")[:limit]


def open_sessions_for_member(*, user) -> QuerySet[CommitteeSession]:
    if not user.organizer_id:
        return CommitteeSession.objects.none()
    return (
        CommitteeSession.objects.filter(
            closed_at__isnull=True, batch__campaign__organizer_id=user.organizer_id
        )
        # Only rounds whose roll (fixed at open) names the member; sessions opened before
        # rolls were stored have none and stay open to every member.
        .filter(
            Q(roll_size=0)
            | Exists(
                CommitteeSession.roll.through.objects.filter(
                    committeesession_id=OuterRef("pk"), user_id=user.pk
                )
            )
        )
        .select_related("batch__campaign")
        .annotate(
            mine=Count("participations", filter=Q(participations__member=user)),
        )
    )


def survey_response_rates(*, survey: Survey) -> list[dict]:
    """Invited and answered per group, one GROUP BY query."""
    rows = (
        SurveyRespondent.objects.filter(survey=survey)
        .values("group")
        .annotate(invited=Count("id"), answered=Count("participation"))
        .order_by("group")
    )
    return [
        {
            "group": SurveyGroup(r["group"]).label,
            "invited": r["invited"],
            "answered": r["answered"],
            "rate": round(100 * r["answered"] / r["invited"]) if r["invited"] else 0,
        }
        for r in rows
    ]


def surveys_of(*, campaign: Campaign) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(batch__campaign=campaign)
        .select_related("batch")
        .annotate(invited=Count("respondents"), answered=Count("respondents__participation"))
    )


def deputy_surveys(*, user) -> QuerySet[SurveyRespondent]:
    return SurveyRespondent.objects.filter(
        user=user, survey__is_open=True, participation__isnull=True
    ).select_related("survey__batch__campaign")


def public_vote_totals(*, vote: PublicVote) -> dict:
    voters = PublicVoter.objects.filter(vote=vote).aggregate(
        total=Count("id"), voided=Count("id", filter=Q(voided_at__isnull=False))
    )
    return {**voters, "valid": voters["total"] - voters["voided"]}


def batches_with_inputs(*, campaign: Campaign):
    """Batches with their departments, research scores, sessions, surveys and votes."""
    evaluated = EvaluatedDepartment.objects.select_related("department", "research_score").order_by(
        "position", "department__name"
    )
    return campaign.batches.order_by("number").prefetch_related(
        Prefetch("evaluated", queryset=evaluated),
        Prefetch(
            "committee_sessions",
            queryset=CommitteeSession.objects.annotate(n=Count("participations")).order_by(
                "-opened_at"
            ),
        ),
    )


def public_links(*, campaign: Campaign) -> dict:
    """What a public campaign page links to: published results and open public votes.
    One query (a UNION), as the campaign page has a pinned query budget."""
    votes = (
        PublicVote.objects.filter(campaign=campaign, is_open=True)
        .order_by()
        .values_list("batch__number", "batch__name")
    )
    published = (
        ScoreSheet.objects.filter(campaign=campaign, published_at__isnull=False).order_by()
    ).values_list(Value(0, output_field=IntegerField()), Value("", output_field=CharField()))
    rows = sorted(votes.union(published))
    return {
        "published": any(number == 0 for number, _ in rows),
        "votes": [{"number": n, "name": name} for n, name in rows if n != 0],
    }


def hotline_component_for(
    *,
    campaign: Campaign,
    department_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> HotlineResult:
    """The hotline component of scoring.md for one department, with the campaign's own
    settings, over the campaign's evaluation window unless another is given."""
    start, end = start or campaign.evaluation_start, end or campaign.evaluation_end
    counts = hotline_counts(department_ids=[department_id], start=start, end=end)
    return hotline_component_of(counts[department_id], settings_of(config_get(campaign=campaign)))


def hotline_comparison(*, campaign: Campaign) -> list[dict]:
    """Every evaluated department's hotline figures side by side (hotline's selector), plus
    the hotline component computed with the campaign's own settings."""
    evaluated = (
        EvaluatedDepartment.objects.filter(campaign=campaign)
        .select_related("department", "batch")
        .order_by("batch__number", "position")
    )
    rows = campaign_comparison(
        departments=[e.department for e in evaluated],
        start=campaign.evaluation_start,
        end=campaign.evaluation_end,
    )
    settings = settings_of(config_get(campaign=campaign))
    for row in rows:
        result = hotline_component_of(row["counts"], settings)
        row["score"], row["low_sample"] = result.score, result.low_sample
    return rows


# ---------------------------------------------------------------------------- inboxes
def research_missing(ev: EvaluatedDepartment) -> bool:
    """A department of a batch being evaluated that has no research score yet (what the
    inboxes count and `?research=missing` / `?missing=1` list)."""
    return ev.batch.stage == Stage.EVALUATION and not hasattr(ev, "research_score")


def research_missing_by_campaign(*, campaign_ids: list[int]) -> dict[int, int]:
    rows = (
        EvaluatedDepartment.objects.filter(
            campaign_id__in=campaign_ids,
            batch__stage=Stage.EVALUATION,
            research_score__isnull=True,
        )
        .values("campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["campaign_id"]: r["n"] for r in rows}


# Batches whose departments are scored now or were: 成效评价, 结果公布, 跟踪问效.
SCORED_STAGES = tuple(ORDER[ORDER.index(Stage.EVALUATION) :])


@dataclass(frozen=True)
class IncompleteInputs:
    """An evaluated department some needed component of its score has no input for."""

    evaluated: EvaluatedDepartment
    missing: dict[Component, str]  # component -> why it has no score, in Component order


def incomplete_inputs(*, campaign_ids: list[int]) -> list[IncompleteInputs]:
    """Departments of batches at the stage 成效评价 or later that lack the input of at least
    one component with a non-zero weight, by campaign, batch and position.

    Computed from the live inputs with the sheet's own rule (sources.collect_inputs_of and
    formulas.department_score, as sheets.sheet_recompute does): exactly the departments a
    recompute now would mark incomplete, whatever the latest computed sheet says. At most eight
    queries whatever the number of campaigns and departments (the staff inbox and
    `?inputs=incomplete` both read it)."""
    evaluated = list(
        EvaluatedDepartment.objects.filter(
            campaign_id__in=campaign_ids, batch__stage__in=SCORED_STAGES
        )
        .select_related("department", "batch", "campaign__scoring_config")
        .order_by("campaign_id", "batch__number", "position", "department__name")
    )
    if not evaluated:
        return []
    campaigns = {ev.campaign_id: ev.campaign for ev in evaluated}
    settings = {pk: settings_of(config_get(campaign=c)) for pk, c in campaigns.items()}
    inputs = collect_inputs_of(evaluated=evaluated, campaigns=list(campaigns.values()))
    result = []
    for ev, department_inputs in zip(evaluated, inputs, strict=True):
        score = department_score(department_inputs, settings[ev.campaign_id])
        if score.missing:
            reasons = score.missing_reasons()
            result.append(IncompleteInputs(ev, {c: reasons[c] for c in score.missing}))
    return result


def open_public_votes_of(*, campaign_ids: list[int]) -> QuerySet[PublicVote]:
    """Open online public votes with `n` ballots, counted as the scoring page counts them."""
    return (
        PublicVote.objects.filter(is_open=True, campaign_id__in=campaign_ids)
        .select_related("batch")
        .annotate(n=Count("voters"))
        .order_by("batch__number")
    )


def open_sessions_of(*, campaign_ids: list[int]) -> QuerySet[CommitteeSession]:
    """Open electronic scoring sessions with `n` ballots submitted."""
    return (
        CommitteeSession.objects.filter(closed_at__isnull=True, batch__campaign_id__in=campaign_ids)
        .select_related("batch")
        .annotate(n=Count("participations"))
        .order_by("batch__number")
    )
