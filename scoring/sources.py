"""Where the score inputs come from: one function gathers every department's inputs of a
campaign, each input aggregated in the database (GROUP BY), so the number of queries does
not grow with the number of ballots, responses or hotline records (bench/scoring.py)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count

from campaigns.models import Campaign, EvaluatedDepartment
from hotline.counts import HotlineCounts
from hotline.selectors import Window, hotline_counts_by_window

from .formulas import DepartmentInputs
from .models import CommitteeScore, CommitteeSession, PublicRating, ResearchScore, SurveyRating


def evaluated_departments(*, campaign: Campaign) -> list[EvaluatedDepartment]:
    return list(
        EvaluatedDepartment.objects.filter(campaign=campaign)
        .select_related("department", "batch")
        .order_by("batch__number", "position", "department__name")
    )


def closed_session_ids(*, campaign_ids: list[int]) -> list[int]:
    """Every closed, not voided electronic scoring session of the campaigns: a later round
    adds to the earlier ones (issue 13: taking only the last round dropped the published
    version's ballots). Scores of an open session stay hidden (and uncounted) until staff
    close it; only a named act (committee.session_void, with a reason) takes a round out."""
    return list(
        CommitteeSession.objects.filter(
            batch__campaign_id__in=campaign_ids, closed_at__isnull=False, voided_at__isnull=True
        ).values_list("id", flat=True)
    )


def batch_rolls(*, session_ids: list[int]) -> dict[int, int]:
    """Batch id -> members on the roll of its counted sessions (distinct, over every round).
    A batch whose sessions stored no roll (opened before rolls existed) is left out: its
    quorum cannot be checked."""
    through = CommitteeSession.roll.through
    rows = (
        through.objects.filter(committeesession_id__in=session_ids)
        .values("committeesession__batch_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    return {row["committeesession__batch_id"]: row["n"] for row in rows}


def collect_inputs(
    *, campaign: Campaign, evaluated: list[EvaluatedDepartment] | None = None
) -> list[DepartmentInputs]:
    """Every evaluated department's inputs, in batch order. Seven queries plus hotline's."""
    if evaluated is None:
        evaluated = evaluated_departments(campaign=campaign)
    return collect_inputs_of(evaluated=evaluated, campaigns=[campaign])


def collect_inputs_of(
    *, evaluated: list[EvaluatedDepartment], campaigns: list[Campaign]
) -> list[DepartmentInputs]:
    """The inputs of `evaluated` (departments of any of `campaigns`), in the order given:
    seven queries whatever the number of campaigns (the staff inbox reads all of them)."""
    ids = [ev.id for ev in evaluated]
    windows = {c.id: (c.evaluation_start, c.evaluation_end) for c in campaigns}

    research = dict(
        ResearchScore.objects.filter(evaluated_id__in=ids).values_list("evaluated_id", "score")
    )
    committee: dict[int, list[Decimal]] = defaultdict(list)
    session_ids = closed_session_ids(campaign_ids=list(windows))
    rolls = batch_rolls(session_ids=session_ids)
    scores = CommitteeScore.objects.filter(ballot__session_id__in=session_ids).values_list(
        "evaluated_id", "score"
    )
    for evaluated_id, score in scores:
        committee[evaluated_id].append(score)

    survey: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    survey_rows = (
        SurveyRating.objects.filter(evaluated_id__in=ids)
        .values("evaluated_id", "response__group", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in survey_rows:
        survey[row["evaluated_id"]][row["response__group"]][row["rating"]] = row["n"]

    public: dict[int, dict[str, int]] = defaultdict(dict)
    public_rows = (
        PublicRating.objects.filter(evaluated_id__in=ids, ballot__voided=False)
        .values("evaluated_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in public_rows:
        public[row["evaluated_id"]][row["rating"]] = row["n"]

    by_window: dict[Window, list[int]] = defaultdict(list)
    for ev in evaluated:
        by_window[windows[ev.campaign_id]].append(ev.department_id)
    hotline = hotline_counts_by_window(windows=dict(by_window))
    return [
        DepartmentInputs(
            key=ev.id,
            research=research.get(ev.id),
            hotline=hotline[windows[ev.campaign_id]].get(ev.department_id, HotlineCounts()),
            survey={group: dict(counts) for group, counts in survey[ev.id].items()},
            public_vote=dict(public[ev.id]),
            # Sorted: the order members voted in is not part of the input (nor secret-safe).
            committee=sorted(committee[ev.id]),
            committee_roll=rolls.get(ev.batch_id),
        )
        for ev in evaluated
    ]


def inputs_snapshot(inputs: DepartmentInputs) -> dict:
    """The inputs of one department as JSON (decimals as strings, exact)."""
    hotline = inputs.hotline
    return {
        "research": None if inputs.research is None else str(inputs.research),
        "hotline": {
            "satisfied": hotline.satisfied,
            "basic": hotline.basic,
            "dissatisfied": hotline.dissatisfied,
            "n_window": hotline.n_window,
            "n_baseline": hotline.n_baseline,
        },
        "survey": {g: dict(sorted(c.items())) for g, c in sorted(inputs.survey.items())},
        "public_vote": dict(sorted(inputs.public_vote.items())),
        "committee": [str(s) for s in inputs.committee],
        "committee_roll": inputs.committee_roll,
    }
