"""Reads of notifications: a person's messages and preferences, a committee's robots and
delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from . import events
from .models import Channel, Delivery, Message, Preference, QuietHours, Robot


def messages_for(*, user) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user)


def unread_count(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass
class PreferenceRow:
    event: events.EventType
    channels: list[str]
    digest: bool


def preference_rows(*, user) -> list[PreferenceRow]:
    """Every event the person's role receives, with their choice or the default."""
    chosen = {p.event: p for p in Preference.objects.filter(user=user)}
    rows = []
    for event in events.for_role(user.role):
        pref = chosen.get(event.code)
        rows.append(
            PreferenceRow(
                event=event,
                channels=list(pref.channels) if pref else list(event.channels),
                digest=pref.digest if pref else event.digest,
            )
        )
    return rows


def quiet_hours_for(*, user) -> QuietHours | None:
    return QuietHours.objects.filter(user=user).first()


def robots_for(*, user) -> QuerySet[Robot]:
    robots = Robot.objects.select_related("organizer", "department")
    if user.role == "admin":
        return robots
    return robots.filter(organizer_id=user.organizer_id)


def delivery_log(*, user, state: str = "", channel: str = "") -> QuerySet[Delivery]:
    """The committee's deliveries, newest first (admins: every committee's)."""
    rows = Delivery.objects.select_related("user", "robot")
    if user.role != "admin":
        rows = rows.filter(organizer_id=user.organizer_id)
    if state in Delivery.State.values:
        rows = rows.filter(state=state)
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    return rows.order_by("-created_at", "-id")
