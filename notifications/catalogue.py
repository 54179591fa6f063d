"""The events notifications itself owns: the daily digest, whose staff lines come from the
workspace inboxes (accounts/workspaces.py)."""

from accounts.models import Role
from accounts.workspaces import inbox_groups

from . import events
from .models import Channel

ALL_ROLES = tuple(r.value for r in Role)

events.register(
    events.EventType(
        code="notifications.digest",
        label="每日汇总",
        roles=ALL_ROLES,
        title="【每日汇总】{date}",
        body="{date}待您处理和关注的事项：\n{lines}",
        channels=(Channel.INAPP, Channel.EMAIL),
        group="汇总",
    )
)


@events.digest_provider
def staff_inbox(user) -> list[tuple[str, int, str]]:
    """The counts of the staff workspace inbox (待办事项), one line per item that waits."""
    if user.role != Role.STAFF:
        return []
    request = events.fake_request(user)
    lines = []
    for group in inbox_groups(Role.STAFF, request):
        for item in group.items:
            label = f"{group.title} · {item.label}" if group.title else item.label
            lines.append((label, item.count, item.url))
    return lines


# Researchers hear of what waits in their inbox (accounts/workspaces.py) without opening it:
# an inbox item (by its key) maps to an event, sent by the daily inbox run when its count is
# above zero, once per count and week (services.inbox_reminders_send).
RESEARCH = (Role.RESEARCHER,)
for code, label, item_key in (
    ("notifications.research_key_issues", "待提出重点整改问题", "key_issues_to_propose"),
    ("notifications.research_scores", "待录入调研评分", "research_to_enter"),
):
    events.register(
        events.EventType(
            code=code,
            label=label,
            roles=RESEARCH,
            title=f"【调研组】{label}",
            body="{group}：{label} {count} 个，请登录处理。",
            robot="{group}：{label} {count} 个。",
            channels=(Channel.INAPP, Channel.WECOM, Channel.DINGTALK, Channel.EMAIL),
            group="调研",
        )
    )
    events.inbox_event(Role.RESEARCHER, item_key, code)
