"""What waits in suggestions and key issues, on the staff and research-group inboxes
(registered with accounts.workspaces in IssuesConfig.ready). Every count is the number of
rows the linked list shows with the same filter, one query for all campaigns."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.workspaces import InboxItem, workspace_inbox, workspace_panel
from campaigns.workspace import campaign_item, inbox_campaigns

from .models import Suggestion
from .selectors import deputy_answers, key_issue_bounds_by_campaign, unmerged_by_campaign


@workspace_inbox("staff")
def staff_issue_items(request: HttpRequest) -> list[InboxItem]:
    campaigns = inbox_campaigns(request)
    ids = [c.id for c in campaigns]
    unmerged = unmerged_by_campaign(campaign_ids=ids)
    bounds = key_issue_bounds_by_campaign(campaign_ids=ids, kind="out")
    items = []
    for c in campaigns:
        triage = reverse("issues:triage", args=[c.slug])
        board = reverse("issues:key-issues", args=[c.slug])
        items += [
            campaign_item(
                c,
                key="unmerged_suggestions",
                label="待归并整理的意见建议",
                count=unmerged.get(c.id, 0),
                url=f"{triage}?status={Suggestion.Status.RECEIVED}",
                order=10,
            ),
            campaign_item(
                c,
                key="key_issue_bounds",
                label=(
                    f"重点整改问题数不在 {c.key_issues_min}–{c.key_issues_max} 个的部门（单位）"
                ),
                count=bounds.get(c.id, 0),
                url=f"{board}?bounds=out",
                order=20,
                tone="danger",
            ),
        ]
    return items


@workspace_inbox("researcher")
def researcher_issue_items(request: HttpRequest) -> list[InboxItem]:
    campaigns = inbox_campaigns(request)
    short = key_issue_bounds_by_campaign(campaign_ids=[c.id for c in campaigns], kind="short")
    return [
        campaign_item(
            c,
            key="key_issues_to_propose",
            label=f"重点整改问题不足 {c.key_issues_min} 个、待提出的部门（单位）",
            count=short.get(c.id, 0),
            url=reverse("issues:key-issues", args=[c.slug]) + "?bounds=short",
            order=10,
        )
        for c in campaigns
    ]


@workspace_panel("deputy")
def deputy_suggestion_answers(request: HttpRequest) -> dict:
    """The answers to the deputy's own suggestions (办理答复), latest version each."""
    return {"suggestion_answers": deputy_answers(deputy=request.user)}
