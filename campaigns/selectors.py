"""Reads for campaigns. Every staff view scopes through `campaigns_for_user`, so a district
committee's staff never see the city's campaigns and the other way round."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from pingyi.accounts.models import ORGANIZER_ROLES, Role

from .models import Batch, Campaign, EvaluatedDepartment


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
            "department", "batch", "campaign", "campaign__organizer"
        ).get(campaign__slug=campaign_slug, department__slug=department_slug)
    except EvaluatedDepartment.DoesNotExist as exc:
        raise Http404("该部门（单位）不在这次评议中") from exc
