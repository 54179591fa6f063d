"""What waits in the effectiveness evaluation, on the staff, member and research-group
inboxes (registered with accounts.workspaces in ScoringConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.workspaces import InboxItem, workspace_inbox
from campaigns.workspace import campaign_item, inbox_campaigns

from . import selectors


@workspace_inbox("staff")
def staff_scoring_items(request: HttpRequest) -> list[InboxItem]:
    campaigns = inbox_campaigns(request)
    by_id = {c.id: c for c in campaigns}
    items = []
    for session in selectors.open_sessions_of(campaign_ids=list(by_id)):
        batch = session.batch
        campaign = by_id[batch.campaign_id]
        # The roll is fixed at open; sessions from before rolls were stored show "—".
        roll = session.roll_size or "—"
        items.append(
            campaign_item(
                campaign,
                key="open_session",
                label=f"{batch.name}电子表决测评进行中",
                count=session.n,
                detail=f"已提交 {session.n} / {roll} 人",
                url=reverse("scoring:manage", args=[campaign.slug]) + f"#batch-{batch.number}",
                order=60,
                tone="ok",
            )
        )
    for vote in selectors.open_public_votes_of(campaign_ids=list(by_id)):
        campaign = by_id[vote.campaign_id]
        items.append(
            campaign_item(
                campaign,
                key="open_public_vote",
                label=f"{vote.batch.name}网上社会投票进行中",
                count=vote.n,
                detail=f"已投 {vote.n} 票",
                url=reverse("scoring:manage", args=[campaign.slug]) + f"#batch-{vote.batch.number}",
                order=65,
                tone="ok",
            )
        )
    missing = selectors.research_missing_by_campaign(campaign_ids=list(by_id))
    for c in campaigns:
        items.append(
            campaign_item(
                c,
                key="research_missing",
                label="尚未录入调研评分的部门（单位）",
                count=missing.get(c.id, 0),
                url=reverse("scoring:manage", args=[c.slug]) + "?research=missing#research",
                order=70,
            )
        )
    return items


@workspace_inbox("member")
def member_scoring_items(request: HttpRequest) -> list[InboxItem]:
    sessions = selectors.open_sessions_for_member(user=request.user)
    waiting = sum(1 for s in sessions if not s.mine)
    return [
        InboxItem(
            key="sessions_to_score",
            label="待打分的电子表决测评",
            count=waiting,
            url="#committee-sessions",
            order=20,
        )
    ]


@workspace_inbox("researcher")
def researcher_scoring_items(request: HttpRequest) -> list[InboxItem]:
    campaigns = inbox_campaigns(request)
    missing = selectors.research_missing_by_campaign(campaign_ids=[c.id for c in campaigns])
    return [
        campaign_item(
            c,
            key="research_to_enter",
            label="待录入调研评分的部门（单位）",
            count=missing.get(c.id, 0),
            url=reverse("scoring:research", args=[c.slug]) + "?missing=1",
            order=20,
        )
        for c in campaigns
    ]
