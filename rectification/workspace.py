"""What waits in rectification, on the staff and liaison inboxes (registered with
accounts.workspaces in RectificationConfig.ready). Every count is what the linked list shows."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.workspaces import InboxItem, workspace_inbox
from campaigns.workspace import campaign_item, inbox_campaigns

from . import selectors
from .status import AT_RISK_DAYS


@workspace_inbox("staff")
def staff_rectification_items(request: HttpRequest) -> list[InboxItem]:
    campaigns = inbox_campaigns(request)
    ids = [c.id for c in campaigns]
    pending = selectors.pending_updates_by_campaign(campaign_ids=ids)
    overdue = selectors.overdue_measures_by_campaign(campaign_ids=ids, today=timezone.localdate())
    items = []
    for c in campaigns:
        dashboard = reverse("rectification:dashboard", args=[c.slug])
        items += [
            campaign_item(
                c,
                key="pending_updates",
                label="待审核的整改进展",
                count=pending.get(c.id, 0),
                url=f"{dashboard}#pending",
                order=30,
            ),
            campaign_item(
                c,
                key="overdue_measures",
                label="逾期的整改措施",
                count=overdue.get(c.id, 0),
                url=f"{dashboard}#overdue",
                order=40,
                tone="danger",
            ),
        ]
    return items


@workspace_inbox("liaison")
def liaison_items(request: HttpRequest) -> list[InboxItem]:
    user, home = request.user, reverse("rectification:liaison")
    today = timezone.localdate()
    return [
        InboxItem(
            key="returned_updates",
            label="被退回、待重新报送的整改进展",
            count=selectors.liaison_returned_updates(user=user).count(),
            url=f"{home}?show=returned#inbox-list",
            order=10,
            tone="danger",
        ),
        InboxItem(
            key="due_measures",
            label=f"{AT_RISK_DAYS} 天内到期或已逾期的整改措施",
            count=selectors.liaison_due_measures(user=user, today=today).count(),
            url=f"{home}?show=due#inbox-list",
            order=20,
        ),
        InboxItem(
            key="unread_notices",
            label="未读的整改提醒",
            count=selectors.unread_notice_count(user=user),
            url=f"{home}#notices",
            order=30,
        ),
    ]
