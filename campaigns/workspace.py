"""The campaigns each signed-in role sees on its workspace landing page (registered with
accounts.workspaces in CampaignsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from accounts.workspaces import InboxItem, workspace_inbox, workspace_panel

from .models import Campaign, VoteSession
from .selectors import (
    campaign_overviews,
    campaigns_for_user,
    campaigns_of_department,
    open_votes_for_member,
    public_campaigns,
)


@workspace_panel("staff")
@workspace_panel("researcher")
def committee_campaigns(request: HttpRequest) -> dict[str, Any]:
    return {"campaigns": campaign_overviews(campaigns=campaigns_for_user(user=request.user))}


def _member_open_votes(request: HttpRequest) -> list[VoteSession]:
    """The panel and the inbox both show them: read once per request."""
    cached = getattr(request, "_member_open_votes", None)
    if cached is None:
        cached = open_votes_for_member(user=request.user)
        request._member_open_votes = cached  # type: ignore[attr-defined]
    return cached


@workspace_panel("member")
def member_campaigns(request: HttpRequest) -> dict[str, Any]:
    return {
        "campaigns": campaign_overviews(campaigns=campaigns_for_user(user=request.user)),
        "open_votes": _member_open_votes(request),
    }


@workspace_panel("liaison")
def liaison_evaluations(request: HttpRequest) -> dict[str, Any]:
    return {"evaluations": campaigns_of_department(department_id=request.user.department_id)}


@workspace_panel("deputy")
def deputy_campaigns(request: HttpRequest) -> dict[str, Any]:
    return {"campaigns": public_campaigns()[:3]}


# ------------------------------------------------------------------------------- inbox
def inbox_campaigns(request: HttpRequest) -> list[Campaign]:
    """The campaigns a staff inbox counts for, read once per request whatever the number
    of apps adding items (each counts all campaigns in one query of its own)."""
    cached = getattr(request, "_inbox_campaigns", None)
    if cached is None:
        cached = list(campaigns_for_user(user=request.user).order_by("-year", "title"))
        request._inbox_campaigns = cached  # type: ignore[attr-defined]
    return cached


def campaign_item(campaign: Campaign, **kwargs: Any) -> InboxItem:
    """An inbox item shown under its campaign's heading (newest year first)."""
    return InboxItem(
        group=campaign.title, group_order=(0, -campaign.year, campaign.title), **kwargs
    )


@workspace_inbox("staff")
def staff_open_votes(request: HttpRequest) -> list[InboxItem]:
    """Open selection votes (票决) with their turnout: members who voted of the roll."""
    campaigns = {c.id: c for c in inbox_campaigns(request)}
    sessions = (
        VoteSession.objects.filter(state=VoteSession.State.OPEN, batch__campaign_id__in=campaigns)
        .select_related("batch")
        .annotate(voted=Count("participations"))
        .order_by("batch__number")
    )
    items = []
    for session in sessions:
        batch = session.batch
        campaign = campaigns[batch.campaign_id]
        items.append(
            campaign_item(
                campaign,
                key="open_vote",
                label=f"{batch.name}票决进行中"
                + (f"（第{session.round}轮）" if session.round > 1 else ""),
                count=session.voted,
                detail=f"已投票 {session.voted} / {session.eligible_count} 人",
                url=reverse("campaigns-staff:batch", args=[campaign.slug, batch.number]),
                order=50,
                tone="ok",
            )
        )
    return items


@workspace_inbox("member")
def member_votes_to_cast(request: HttpRequest) -> list[InboxItem]:
    waiting = [v for v in _member_open_votes(request) if not v.has_voted]
    return [
        InboxItem(
            key="votes_to_cast",
            label="待投票的票决",
            count=len(waiting),
            url="#votes",
            order=10,
        )
    ]
