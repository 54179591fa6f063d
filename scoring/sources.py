"""Where the score inputs come from: one function gathers every department's inputs of a
campaign, each input aggregated in the database (GROUP BY), so the number of queries does
not grow with the number of ballots, responses or hotline records (bench/scoring.py)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max

from campaigns.models import Campaign, EvaluatedDepartment
from hotline.counts import HotlineCounts
from hotline.selectors import hotline_counts

from .formulas import DepartmentInputs
from .models import CommitteeScore, CommitteeSession, PublicRating, ResearchScore, SurveyRating


def evaluated_departments(*, campaign: Campaign) -> list[EvaluatedDepartment]:
    return list(
        EvaluatedDepartment.objects.filter(campaign=campaign)
        .select_related("department", "batch")
        .order_by("batch__number", "position", "department__name")
    )


def closed_session_ids(*, campaign: Campaign) -> list[int]:
    """The last closed electronic scoring session of each batch: scores of an open session
    stay hidden (and uncounted) until staff close it."""
    latest = (
        CommitteeSession.objects.filter(batch__campaign=campaign, closed_at__isnull=False)
        .values("batch_id")
        .annotate(last=Max("id"))
    )
    return [row["last"] for row in latest]


def collect_inputs(
    *, campaign: Campaign, evaluated: list[EvaluatedDepartment] | None = None
) -> list[DepartmentInputs]:
    """Every evaluated department's inputs, in batch order. Six queries plus hotline's."""
    if evaluated is None:
        evaluated = evaluated_departments(campaign=campaign)
    ids = [ev.id for ev in evaluated]

    research = dict(
        ResearchScore.objects.filter(evaluated_id__in=ids).values_list("evaluated_id", "score")
    )
    committee: dict[int, list[Decimal]] = defaultdict(list)
    scores = CommitteeScore.objects.filter(
        ballot__session_id__in=closed_session_ids(campaign=campaign)
    ).values_list("evaluated_id", "score")
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

    department_ids = [ev.department_id for ev in evaluated]
    hotline = hotline_counts(
        department_ids=department_ids, start=campaign.evaluation_start, end=campaign.evaluation_end
    )
    return [
        DepartmentInputs(
            key=ev.id,
            research=research.get(ev.id),
            hotline=hotline.get(ev.department_id, HotlineCounts()),
            survey={group: dict(counts) for group, counts in survey[ev.id].items()},
            public_vote=dict(public[ev.id]),
            # Sorted: the order members voted in is not part of the input (nor secret-safe).
            committee=sorted(committee[ev.id]),
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
    }
