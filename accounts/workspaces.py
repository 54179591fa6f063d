"""What each workspace landing page shows, contributed by the apps that own the data.

accounts sits below the domain apps, so it cannot read campaigns itself: an app registers a
provider for a workspace (`@workspace_panel("staff")`) in its AppConfig.ready(), and the
landing view merges what the providers return into its template context.

The inbox (待办) works the same way: an app registers `@workspace_inbox("staff")` for a
provider returning `InboxItem`s (a count of what waits and the address of the list that shows
exactly those items); the landing page shows them grouped (per campaign for staff)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

Provider = Callable[[HttpRequest], dict[str, Any]]

_PROVIDERS: dict[str, list[Provider]] = defaultdict(list)


@dataclass(frozen=True)
class InboxItem:
    """One line of a workspace inbox: `count` things wait, `url` lists exactly them."""

    key: str  # stable name of the kind of item ("pending_updates"), for tests and styling
    label: str
    count: int
    url: str
    group: str = ""  # heading the item is shown under (a campaign's title); "" = general
    group_order: tuple = ()  # sorts the groups (campaigns: newest year first)
    order: int = 0  # place within its group
    detail: str = ""  # e.g. the turnout of an open vote: "已投票 12 / 30 人"
    tone: str = "warn"  # badge colour when count > 0: warn, danger, ok


@dataclass(frozen=True)
class InboxGroup:
    title: str
    items: list[InboxItem]

    @property
    def waiting(self) -> int:
        return sum(item.count for item in self.items)


InboxProvider = Callable[[HttpRequest], list[InboxItem]]

_INBOX: dict[str, list[InboxProvider]] = defaultdict(list)


def workspace_panel(workspace: str) -> Callable[[Provider], Provider]:
    """Register `provider(request) -> dict` for the landing page of `workspace`."""

    def decorator(provider: Provider) -> Provider:
        if provider not in _PROVIDERS[workspace]:
            _PROVIDERS[workspace].append(provider)
        return provider

    return decorator


def workspace_inbox(workspace: str) -> Callable[[InboxProvider], InboxProvider]:
    """Register `provider(request) -> list[InboxItem]` for the inbox of `workspace`."""

    def decorator(provider: InboxProvider) -> InboxProvider:
        if provider not in _INBOX[workspace]:
            _INBOX[workspace].append(provider)
        return provider

    return decorator


def inbox_groups(workspace: str, request: HttpRequest) -> list[InboxGroup]:
    """Every registered provider's items, grouped by `group` in `group_order`."""
    items = [item for provider in _INBOX[workspace] for item in provider(request)]
    keys: dict[str, tuple] = {}
    for item in items:
        keys.setdefault(item.group, item.group_order)
    ordered = sorted(keys, key=lambda g: (g != "", keys[g], g))
    return [
        InboxGroup(
            title=group,
            items=sorted((i for i in items if i.group == group), key=lambda i: i.order),
        )
        for group in ordered
    ]


def workspace_context(workspace: str, request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _PROVIDERS[workspace]:
        context.update(provider(request))
    if _INBOX[workspace]:
        context["inbox"] = inbox_groups(workspace, request)
    return context
