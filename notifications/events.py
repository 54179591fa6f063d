"""The registry of events worth a message. notifications sits below the domain apps and
never imports them: each app registers its event types (with their Chinese templates) in its
AppConfig.ready(), as it registers workspace cards, and calls `services.notify(...)`.

Templates are `str.format` strings over the context the emitter passes. `robot` is the text
posted to a group robot: it must carry no personal data of citizens (no names, phone
numbers or suggestion text from the public; counts and titles only); "" keeps the event out
of group chats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Channel

# The channels people work in (SMS and the work chats first), for events that ask for action.
WORK_CHANNELS = (Channel.INAPP, Channel.WECOM, Channel.DINGTALK, Channel.SMS, Channel.EMAIL)


@dataclass(frozen=True)
class EventType:
    code: str  # "rectification.update_returned"
    label: str  # shown on the preferences page
    roles: tuple[str, ...]  # who receives it: the preferences page shows it to them
    title: str
    body: str
    robot: str = ""
    # Default channels in order, for a person who never chose (in-app is always first).
    channels: tuple[str, ...] = (Channel.INAPP, Channel.EMAIL)
    digest: bool = False
    group: str = ""  # heading on the preferences page

    def render(self, context: dict[str, Any]) -> tuple[str, str, str]:
        values = _Defaults(context)
        return (
            self.title.format_map(values),
            self.body.format_map(values),
            self.robot.format_map(values) if self.robot else "",
        )


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


_EVENTS: dict[str, EventType] = {}


def register(event: EventType) -> EventType:
    _EVENTS[event.code] = event
    return event


def get(code: str) -> EventType:
    try:
        return _EVENTS[code]
    except KeyError:
        raise LookupError(f"unknown notification event {code!r}: register it first") from None


def for_role(role: str) -> list[EventType]:
    return [e for e in _EVENTS.values() if role in e.roles]


def all_events() -> list[EventType]:
    return list(_EVENTS.values())


# The staff digest's lines come from the workspace inboxes (accounts/workspaces.py) and
# from any other provider an app registers: provider(user) -> [(label, count, url)].
DigestProvider = Callable[[Any], list[tuple[str, int, str]]]
_DIGEST: list[DigestProvider] = []


def digest_provider(provider: DigestProvider) -> DigestProvider:
    if provider not in _DIGEST:
        _DIGEST.append(provider)
    return provider


def digest_providers() -> list[DigestProvider]:
    return list(_DIGEST)


# (workspace, inbox item key) -> event code: what the daily inbox run announces.
_INBOX_EVENTS: dict[tuple[str, str], str] = {}


def inbox_event(workspace: str, item_key: str, event: str) -> None:
    _INBOX_EVENTS[(workspace, item_key)] = event


def inbox_events() -> dict[tuple[str, str], str]:
    return dict(_INBOX_EVENTS)


def fake_request(user) -> HttpRequest:
    """A request for an inbox provider that is asked outside a page (the daily digest)."""
    request = HttpRequest()
    request.user = user
    request.method = "GET"
    return request
