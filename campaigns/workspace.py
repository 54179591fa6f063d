"""The campaigns each signed-in role sees on its workspace landing page (registered with
accounts.workspaces in CampaignsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.workspaces import workspace_panel

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


@workspace_panel("member")
def member_campaigns(request: HttpRequest) -> dict[str, Any]:
    return {
        "campaigns": campaign_overviews(campaigns=campaigns_for_user(user=request.user)),
        "open_votes": open_votes_for_member(user=request.user),
    }


@workspace_panel("liaison")
def liaison_evaluations(request: HttpRequest) -> dict[str, Any]:
    return {"evaluations": campaigns_of_department(department_id=request.user.department_id)}


@workspace_panel("deputy")
def deputy_campaigns(request: HttpRequest) -> dict[str, Any]:
    return {"campaigns": public_campaigns()[:3]}
