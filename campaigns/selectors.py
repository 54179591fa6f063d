"""Reads for campaigns. Every staff view scopes through `campaigns_for_user`, so a district
committee's staff never see the city's campaigns and the other way round."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import ORGANIZER_ROLES, Role
from departments.models import Department

from .models import (
    Batch,
    Campaign,
    CommitmentStatement,
    EvaluatedDepartment,
    Nomination,
    StageTransition,
    VoteCandidate,
    VoteEligibility,
    VoteParticipation,
    VoteSession,
)
from .stages import ORDER, Stage, Window, combined_window, stage_window


def campaigns_for_user(*, user) -> QuerySet[Campaign]:
    """The campaigns a signed-in user manages or takes part in as a committee member."""
    qs = Campaign.objects.select_related("organizer")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    if user.role in ORGANIZER_ROLES:
        return qs.filter(organizer_id=user.organizer_id)
    return qs.none()


def campaign_for_user(*, user, slug: str) -> Campaign:
    """One campaign within the user's scope; 404 (not 403) outside it, so staff of one
    committee cannot even learn which campaign slugs another committee has."""
    try:
        return campaigns_for_user(user=user).get(slug=slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("没有找到该评议活动") from exc


def _batches_with_departments() -> Prefetch:
    evaluated = EvaluatedDepartment.objects.select_related("department").order_by(
        "position", "department__name"
    )
    return Prefetch(
        "batches",
        queryset=Batch.objects.order_by("number").prefetch_related(
            Prefetch("evaluated", queryset=evaluated)
        ),
    )


def campaign_overviews(*, campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with their batches and evaluated departments, in a fixed number of queries."""
    return campaigns.select_related("organizer").prefetch_related(_batches_with_departments())


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns for the public home page, newest first, city before districts."""
    return campaign_overviews(campaigns=Campaign.objects.all()).annotate(
        department_count=Count("batches__evaluated")
    )


def public_campaign(*, slug: str) -> Campaign:
    try:
        return campaign_overviews(campaigns=Campaign.objects.all()).get(slug=slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("没有找到该评议活动") from exc


def latest_public_campaign() -> Campaign | None:
    """The campaign the home page features (newest, city before districts)."""
    return Campaign.objects.only("slug").first()


def campaigns_of_department(*, department_id: int) -> QuerySet[EvaluatedDepartment]:
    return (
        EvaluatedDepartment.objects.filter(department_id=department_id)
        .select_related("batch", "campaign", "campaign__organizer")
        .order_by("-campaign__year", "batch__number")
    )


def public_evaluated_department(*, campaign_slug: str, department_slug: str) -> EvaluatedDepartment:
    """A department's evaluation within a campaign, for its public page."""
    try:
        return EvaluatedDepartment.objects.select_related(
            "department", "batch", "campaign", "campaign__organizer", "statement"
        ).get(campaign__slug=campaign_slug, department__slug=department_slug)
    except EvaluatedDepartment.DoesNotExist as exc:
        raise Http404("该部门（单位）不在这次评议中") from exc


# ------------------------------------------------------------------ stages and timeline
@dataclass(frozen=True)
class TimelineRow:
    stage: Stage
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    is_current: bool
    is_done: bool

    @property
    def label(self) -> str:
        return self.stage.label


def batch_timeline(*, batch: Batch) -> list[TimelineRow]:
    """Planned and actual dates per stage, from the batch's prefetched `plans` and
    `transitions` (no queries of its own). Actual start is the last time the batch entered
    the stage; actual end the first time it left after that."""
    plans = {p.stage: p for p in batch.plans.all()}
    transitions = sorted(batch.transitions.all(), key=lambda t: (t.at, t.id))
    current = Stage(batch.stage)
    rows = []
    for stage in Stage:
        entered = [t.at for t in transitions if t.to_stage == stage]
        start = entered[-1] if entered else None
        left = [t.at for t in transitions if t.from_stage == stage and start and t.at >= start]
        end = left[0] if left and stage != current else None
        plan = plans.get(stage.value)
        rows.append(
            TimelineRow(
                stage=stage,
                planned_start=plan.planned_start if plan else None,
                planned_end=plan.planned_end if plan else None,
                actual_start=start,
                actual_end=end,
                is_current=stage == current,
                is_done=ORDER.index(stage) < ORDER.index(current),
            )
        )
    return rows


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def batch_window(*, batch: Batch, stage: Stage, today: dt.date) -> Window:
    """When the public action of `stage` is open for one batch. Uses `batch.timeline` when the
    page already built it, else builds it from the prefetched plans and transitions."""
    timeline = getattr(batch, "timeline", None) or batch_timeline(batch=batch)
    row = next(r for r in timeline if r.stage == stage)
    return stage_window(
        stage=stage,
        current=Stage(batch.stage),
        planned_start=row.planned_start,
        planned_end=row.planned_end,
        actual_start=_local_day(row.actual_start),
        actual_end=_local_day(row.actual_end),
        today=today,
    )


def _batches_with_stages() -> QuerySet[Batch]:
    return Batch.objects.order_by("number").prefetch_related(
        "plans", Prefetch("transitions", queryset=StageTransition.objects.order_by("at", "id"))
    )


def public_window(*, campaign: Campaign, stage: Stage, today: dt.date) -> Window:
    """When the public action of `stage` is open for the campaign as a whole (any batch);
    three queries, or none when the campaign's batches carry their timeline already."""
    prefetched = getattr(campaign, "_prefetched_objects_cache", {})
    batches = list(prefetched.get("batches", []))
    if "batches" not in prefetched or not all(hasattr(b, "timeline") for b in batches):
        batches = list(_batches_with_stages().filter(campaign=campaign))
    return combined_window(
        stage, [batch_window(batch=b, stage=stage, today=today) for b in batches]
    )


def public_batch_window(*, batch_id: int, stage: Stage, today: dt.date) -> Window:
    """When the public action of `stage` is open for one batch (three queries)."""
    batch = _batches_with_stages().get(pk=batch_id)
    return batch_window(batch=batch, stage=stage, today=today)


def batch_timeline_of(*, batch: Batch) -> list[TimelineRow]:
    """The timeline of one batch loaded on its own (two queries: plans, transitions)."""
    prefetch_related_objects(
        [batch],
        "plans",
        Prefetch("transitions", queryset=StageTransition.objects.order_by("at", "id")),
    )
    return batch_timeline(batch=batch)


def ordered_candidates(candidates: QuerySet[VoteCandidate]) -> QuerySet[VoteCandidate]:
    """The one order of a tally, staff and public alike: by votes (most first), then in
    nomination order. While a vote is open nobody has votes, so it is nomination order."""
    return candidates.order_by(F("votes").desc(nulls_last=True), "position", "id")


def _published_votes() -> Prefetch:
    return Prefetch(
        "vote_sessions",
        queryset=VoteSession.objects.filter(state=VoteSession.State.PUBLISHED)
        .order_by("round")
        .prefetch_related(
            Prefetch(
                "candidates",
                queryset=ordered_candidates(VoteCandidate.objects.select_related("department")),
            )
        ),
        to_attr="published_votes",
    )


def public_campaign_page(*, slug: str) -> Campaign:
    """The public campaign page: batches with stage history, plans, evaluated departments
    and published vote results, in a fixed number of queries."""
    evaluated = EvaluatedDepartment.objects.select_related("department").order_by(
        "position", "department__name"
    )
    batches = Batch.objects.order_by("number").prefetch_related(
        Prefetch("evaluated", queryset=evaluated),
        "plans",
        Prefetch("transitions", queryset=StageTransition.objects.order_by("at", "id")),
        _published_votes(),
    )
    try:
        campaign = (
            Campaign.objects.select_related("organizer")
            .prefetch_related(Prefetch("batches", queryset=batches))
            .get(slug=slug)
        )
    except Campaign.DoesNotExist as exc:
        raise Http404("没有找到该评议活动") from exc
    today = timezone.localdate()
    for batch in campaign.batches.all():
        batch.timeline = batch_timeline(batch=batch)
        batch.evaluation_window = batch_window(batch=batch, stage=Stage.EVALUATION, today=today)
    campaign.suggestion_window = public_window(
        campaign=campaign, stage=Stage.SUGGESTIONS, today=today
    )
    return campaign


def public_statement(*, evaluated: EvaluatedDepartment) -> CommitmentStatement | None:
    statement = getattr(evaluated, "statement", None)
    return statement if statement and statement.is_published else None


# ------------------------------------------------------------------------ staff reads
def batch_for_user(*, user, slug: str, number: int) -> Batch:
    campaign = campaign_for_user(user=user, slug=slug)
    try:
        batch = Batch.objects.get(campaign=campaign, number=number)
    except Batch.DoesNotExist as exc:
        raise Http404("没有找到该批次") from exc
    batch.campaign = campaign
    return batch


def vote_session_for_staff(*, user, pk: int) -> VoteSession:
    try:
        return VoteSession.objects.select_related("batch", "batch__campaign").get(
            pk=pk, batch__campaign__in=campaigns_for_user(user=user)
        )
    except VoteSession.DoesNotExist as exc:
        raise Http404("没有找到该票决") from exc


def recent_evaluations(*, campaign: Campaign, department_ids) -> dict[int, list[int]]:
    """Years in which each department was evaluated in the organizer's last two campaigns
    before this one (one query)."""
    previous = list(
        Campaign.objects.filter(organizer_id=campaign.organizer_id, year__lt=campaign.year)
        .order_by("-year")
        .values_list("pk", flat=True)[:2]
    )
    years: dict[int, list[int]] = {}
    rows = (
        EvaluatedDepartment.objects.filter(
            campaign_id__in=previous, department_id__in=list(department_ids)
        )
        .order_by("-campaign__year")
        .values_list("department_id", "campaign__year")
    )
    for department_id, year in rows:
        years.setdefault(department_id, []).append(year)
    return years


def nominable_departments(*, campaign: Campaign) -> QuerySet[Department]:
    """Departments of the organizer's level not yet evaluated in this campaign."""
    # district_id=None is Django's IS NULL (a city-level organizer); the stubs refuse None.
    district_id = campaign.organizer.district_id
    return Department.objects.filter(district_id=district_id).exclude(  # type: ignore[misc]
        pk__in=EvaluatedDepartment.objects.filter(campaign=campaign).values("department_id")
    )


def turnout(*, session: VoteSession) -> dict:
    voted = session.participations.count()
    eligible = session.eligible_count
    return {
        "voted": voted,
        "eligible": eligible,
        "percent": round(100 * voted / eligible) if eligible else 0,
    }


def batch_workspace(*, batch: Batch) -> dict:
    """Everything the staff batch page shows, in a fixed number of queries."""
    batch = (
        Batch.objects.select_related("campaign", "campaign__organizer")
        .prefetch_related(
            "plans",
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related("actor").order_by("at", "id"),
            ),
            Prefetch(
                "evaluated",
                queryset=EvaluatedDepartment.objects.select_related(
                    "department", "statement"
                ).order_by("position"),
            ),
            Prefetch(
                "nominations",
                queryset=Nomination.objects.select_related("department").order_by("id"),
            ),
            Prefetch(
                "vote_sessions",
                queryset=VoteSession.objects.select_related(
                    "opened_by", "closed_by", "published_by"
                )
                .annotate(voted=Count("participations", distinct=True))
                .prefetch_related(
                    Prefetch(
                        "candidates",
                        queryset=ordered_candidates(
                            VoteCandidate.objects.select_related("department")
                        ),
                    )
                )
                .order_by("round"),
            ),
        )
        .get(pk=batch.pk)
    )
    nominations = list(batch.nominations.all())
    flags = recent_evaluations(
        campaign=batch.campaign, department_ids=[n.department_id for n in nominations]
    )
    for nomination in nominations:
        nomination.recent_years = flags.get(nomination.department_id, [])
    sessions = list(batch.vote_sessions.all())
    for session in sessions:
        eligible = session.eligible_count
        voted: int = session.voted  # type: ignore[attr-defined]  # Prefetch annotate()
        session.turnout = {
            "voted": voted,
            "eligible": eligible,
            "percent": round(100 * voted / eligible) if eligible else 0,
        }
        session.has_tie = any(
            c.outcome == VoteCandidate.Outcome.TIED for c in session.candidates.all()
        )
    return {
        "batch": batch,
        "campaign": batch.campaign,
        "timeline": batch_timeline(batch=batch),
        "transitions": list(batch.transitions.all()),
        "nominations": nominations,
        "sessions": sessions,
        "latest_session": sessions[-1] if sessions else None,
        "evaluated": list(batch.evaluated.all()),
        "locked": bool(sessions),
    }


def committee_members(*, organizer_id: int) -> QuerySet:
    from accounts.models import User

    return User.objects.filter(
        role=Role.MEMBER, organizer_id=organizer_id, is_active=True
    ).order_by("username")


# ----------------------------------------------------------------------- member reads
def open_votes_for_member(*, user) -> list[VoteSession]:
    """Open sessions the member is on the roll of, with `has_voted`."""
    if not user.is_authenticated:
        return []
    return list(
        VoteSession.objects.filter(state=VoteSession.State.OPEN, eligible__member=user)
        .select_related("batch", "batch__campaign")
        .annotate(
            has_voted=Exists(VoteParticipation.objects.filter(session=OuterRef("pk"), member=user))
        )
        .order_by("opened_at")
    )


def vote_session_for_member(*, user, pk: int) -> VoteSession:
    """A session of the member's own committee (404 otherwise). Eligibility is checked
    by the service, so that a member off the roll gets a clear refusal, not a 404."""
    try:
        session = (
            VoteSession.objects.select_related("batch", "batch__campaign")
            .prefetch_related(
                Prefetch(
                    "candidates",
                    queryset=VoteCandidate.objects.select_related("department").order_by(
                        "position"
                    ),
                )
            )
            .get(pk=pk, batch__campaign__in=campaigns_for_user(user=user))
        )
    except VoteSession.DoesNotExist as exc:
        raise Http404("没有找到该票决") from exc
    session.is_eligible = VoteEligibility.objects.filter(session=session, member=user).exists()
    # member_open_sessions annotates the same name; a model attribute would clash with that.
    session.has_voted = VoteParticipation.objects.filter(  # type: ignore[attr-defined]
        session=session, member=user
    ).exists()
    return session
