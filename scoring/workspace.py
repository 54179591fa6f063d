"""What waits in the effectiveness evaluation, on the staff, member and research-group
inboxes (registered with accounts.workspaces in ScoringConfig.ready)."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest
from django.urls import reverse

from accounts.workspaces import InboxItem, workspace_inbox
from campaigns.workspace import campaign_item, inbox_campaigns

from . import selectors
from .formulas import Component

# What the inbox detail calls each component ("调研 2 · 问卷 1 · 投票 3").
SHORT_LABELS = {
    Component.RESEARCH: "调研",
    Component.HOTLINE: "热线",
    Component.SURVEY: "问卷",
    Component.PUBLIC_VOTE: "投票",
    Component.COMMITTEE: "测评",
}


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
    # One line for every component of the score (the research score among them), so a
    # department lacking two inputs counts once; the detail counts per component.
    incomplete: dict[int, list[selectors.IncompleteInputs]] = {c.id: [] for c in campaigns}
    for row in selectors.incomplete_inputs(campaign_ids=list(by_id)):
        incomplete[row.evaluated.campaign_id].append(row)
    for c in campaigns:
        rows = incomplete[c.id]
        per_component = Counter(component for row in rows for component in row.missing)
        breakdown = " · ".join(
            f"{SHORT_LABELS[component]} {per_component[component]}"
            for component in Component
            if per_component[component]
        )
        items.append(
            campaign_item(
                c,
                key="inputs_incomplete",
                # The breakdown goes in the label, not in `detail`: the inbox shows a detail
                # (a turnout) in place of the count badge, and this line needs its count.
                label="评分数据不完整的部门（单位）" + (f"：{breakdown}" if breakdown else ""),
                count=len(rows),
                url=reverse("scoring:manage", args=[c.slug]) + "?inputs=incomplete#inputs",
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
