"""Writes of the notifications app: emit an event (`notify`), attempt one delivery, send the
daily digests, sweep deferred deliveries, and what people and staff change on their pages.

How a message travels: `notify` runs inside the emitter's transaction and writes one
Delivery per recipient and channel (so an event rolled back sends nothing), then enqueues a
task per delivery on commit. A person's channels are tried in their order: the first that
can reach them gets the delivery, and if it fails for good (NOTIFY_MAX_ATTEMPTS, with
backoff) the next one takes over (Delivery.fallback). The unique key (event, recipient,
channel) makes a second emission of the same event, a retried task or a task delivered twice
by the broker send nothing more: a task first claims its row (pending -> sending) in one
UPDATE, and only the task that claimed it sends."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_actor

from . import events
from .channels import DeliveryError, get_channel
from .models import (
    ROBOT_CHANNELS,
    Channel,
    ContactOptIn,
    Delivery,
    Message,
    Preference,
    QuietHours,
    Robot,
)

logger = logging.getLogger("pingyi.notifications")

DIGEST_EVENT = "notifications.digest"
STALE_CLAIM = dt.timedelta(minutes=10)


# ------------------------------------------------------------------------ preferences
def preference_for(user, event: events.EventType) -> tuple[list[str], bool]:
    """The person's channels for the event, in order, and whether they wait for the digest;
    the event's defaults when the person never chose."""
    pref = Preference.objects.filter(user=user, event=event.code).first()
    if pref is None:
        return list(event.channels), event.digest
    return [c for c in pref.channels if c in Channel.values], pref.digest


def quiet_until(user, now: dt.datetime) -> dt.datetime | None:
    """End of the person's quiet hours if `now` falls inside them (Asia/Shanghai)."""
    quiet = QuietHours.objects.filter(user=user).first()
    if quiet is None or quiet.start is None or quiet.end is None:
        return None
    return window_end(quiet.start, quiet.end, now)


def window_end(start: dt.time, end: dt.time, now: dt.datetime) -> dt.datetime | None:
    """The end of the daily window start–end (local time, may wrap midnight) if `now` is
    inside it, else None."""
    if start == end:
        return None
    local = timezone.localtime(now)
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return until if until > local else until + dt.timedelta(days=1)


def robot_for(user, platform: str) -> Robot | None:
    """The group robot that speaks to this person's group: the department's for a liaison,
    the committee's for staff, members and researchers."""
    if getattr(user, "department_id", None):
        return Robot.objects.filter(
            platform=platform, department_id=user.department_id, is_active=True
        ).first()
    if getattr(user, "organizer_id", None):
        return Robot.objects.filter(
            platform=platform,
            organizer_id=user.organizer_id,
            department__isnull=True,
            is_active=True,
        ).first()
    return None


# --------------------------------------------------------------------------- emitting
@dataclass
class _Emission:
    event: events.EventType
    event_key: str
    title: str
    body: str
    robot_text: str
    url: str
    organizer_id: int | None
    now: dt.datetime
    rows: list[Delivery] = field(default_factory=list)
    robots: dict[tuple[str, int], Delivery] = field(default_factory=dict)

    def route(self, user, chain: list[str], *, digest: bool, fallback_of=None) -> None:
        """Give the person a delivery on the first channel of `chain` that reaches them."""
        for i, channel in enumerate(chain):
            rest = chain[i + 1 :]
            if channel in ROBOT_CHANNELS:
                if digest or not self.robot_text:
                    continue
                robot = robot_for(user, channel)
                if robot is None:
                    continue
                row = self.robots.get((channel, robot.pk))
                if row is None:
                    row = self.robots[(channel, robot.pk)] = Delivery(
                        recipient_key=f"robot:{robot.pk}",
                        channel=channel,
                        robot=robot,
                        body=self.robot_text,
                        fallback={},
                        fallback_of=fallback_of,
                        **self._common(),
                    )
                row.fallback[str(user.pk)] = {"channels": rest, "digest": digest}
                return
            if channel != Channel.INAPP and not get_channel(channel).address(user):
                continue
            held = digest and channel != Channel.INAPP
            not_before = None
            if channel in (Channel.SMS, Channel.EMAIL) and not held:
                not_before = quiet_until(user, self.now)
            self.rows.append(
                Delivery(
                    recipient_key=f"user:{user.pk}",
                    channel=channel,
                    user=user,
                    body=self.body,
                    state=Delivery.State.HELD if held else Delivery.State.PENDING,
                    not_before=not_before,
                    fallback={str(user.pk): {"channels": rest, "digest": digest}},
                    fallback_of=fallback_of,
                    **self._common(),
                )
            )
            return

    def _common(self) -> dict[str, Any]:
        return {
            "event": self.event.code,
            "event_key": self.event_key,
            "title": self.title,
            "url": self.url,
            "organizer_id": self.organizer_id,
        }

    def save(self) -> list[int]:
        created = []
        for row in self.rows + list(self.robots.values()):
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # sent (or being sent) before: the key is the memory
            created.append(row.pk)
        return created


def notify(
    *,
    event: str,
    key: str | int,
    users: Iterable,
    context: dict[str, Any],
    url: str = "",
    organizer_id: int | None = None,
) -> list[int]:
    """Emit `event` (registered in notifications.events) about the object `key` to `users`.
    Call it inside the transaction that changed the state: the deliveries are written with it
    and sent after it commits. Returns the ids of the deliveries written (none when this
    event and key were emitted before)."""
    etype = events.get(event)
    title, body, robot_text = etype.render(context)
    emission = _Emission(
        event=etype,
        event_key=f"{event}:{key}"[:200],
        title=title[:200],
        body=body,
        robot_text=robot_text,
        url=url,
        organizer_id=organizer_id,
        now=timezone.now(),
    )
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        channels, digest = preference_for(user, etype)
        if Channel.INAPP in channels:
            emission.route(user, [Channel.INAPP], digest=False)
        external = [c for c in channels if c != Channel.INAPP]
        # In-app is the last resort of a person who left it out: a message that every
        # chosen channel failed to carry still reaches their workspace.
        chain = external + ([] if Channel.INAPP in channels else [Channel.INAPP])
        if external or Channel.INAPP not in channels:
            emission.route(user, chain, digest=digest)
    ids = emission.save()
    _enqueue_on_commit(ids)
    return ids


def _enqueue_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(ids: Iterable[int]) -> None:
    from .tasks import deliver_task  # tasks import services: imported here, not at the top

    rows = Delivery.objects.filter(pk__in=list(ids), state=Delivery.State.PENDING)
    for pk, not_before in rows.values_list("pk", "not_before"):
        if not_before and not settings.CELERY_TASK_ALWAYS_EAGER:
            deliver_task.apply_async(args=[pk], eta=not_before)
        elif not_before is None or not_before <= timezone.now():
            deliver_task.delay(pk)
        # else: eager mode has no eta; notifications.sweep sends it when it is due


# ----------------------------------------------------------------- the public, opted in
PHONE = re.compile(r"^1[3-9]\d{9}$")


def contact_channel(contact: str) -> str | None:
    """SMS for a mainland mobile number, email for an address, None for anything else."""
    compact = re.sub(r"[\s-]", "", contact)
    if PHONE.match(compact):
        return Channel.SMS
    try:
        validate_email(contact.strip())
    except ValidationError:
        return None
    return Channel.EMAIL


def contact_opt_in(*, kind: str, object_id: int, contact: str) -> ContactOptIn:
    """Record that the person who submitted `kind` #object_id asked to hear about it at
    `contact` (the only use of a citizen's contact by notifications)."""
    channel = contact_channel(contact)
    if channel is None:
        raise ValidationError("接收办理进展须填写手机号码或电子邮箱。")
    address = re.sub(r"[\s-]", "", contact) if channel == Channel.SMS else contact.strip()
    optin, _ = ContactOptIn.objects.get_or_create(
        kind=kind, object_id=object_id, defaults={"channel": channel, "address": address}
    )
    return optin


def notify_contact(
    *,
    event: str,
    key: str | int,
    contact: ContactOptIn,
    context: dict[str, Any],
    url: str = "",
    organizer_id: int | None = None,
) -> list[int]:
    """Emit `event` to a member of the public who opted in. No fallback to another channel
    (they gave one address) and no SMS at night (NOTIFY_PUBLIC_QUIET_HOURS)."""
    etype = events.get(event)
    title, body, _robot = etype.render(context)
    now = timezone.now()
    start, end = (dt.time.fromisoformat(t) for t in settings.NOTIFY_PUBLIC_QUIET_HOURS)
    row = Delivery(
        event=etype.code,
        event_key=f"{event}:{key}"[:200],
        recipient_key=f"contact:{contact.pk}",
        channel=contact.channel,
        contact=contact,
        title=title[:200],
        body=body,
        url=url,
        organizer_id=organizer_id,
        not_before=window_end(start, end, now) if contact.channel == Channel.SMS else None,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return []
    _enqueue_on_commit([row.pk])
    return [row.pk]


# --------------------------------------------------------------------------- delivery
@dataclass
class Outcome:
    state: str  # sent, retry, failed, deferred, skipped
    retry_in: int | None = None


def _rate_limited(delivery: Delivery, now: dt.datetime) -> bool:
    """Count this send against the robot's per-minute allowance, atomically in the cache
    (INCR in Redis); True when the allowance of this minute is used up."""
    key = f"notify:rate:{delivery.robot_id}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        count = 1
    return count > settings.NOTIFY_ROBOT_PER_MINUTE


def delivery_attempt(*, delivery_id: int) -> Outcome:
    """Send one delivery if it is still to be sent; retry, defer or fall back as needed."""
    now = timezone.now()
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    claimable = (Q(state__in=[Delivery.State.PENDING, Delivery.State.RETRY]) & due) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(claimable)
        .update(state=Delivery.State.SENDING, claimed_at=now)
    )
    if not claimed:
        return Outcome("skipped")
    delivery = Delivery.objects.select_related("user", "robot", "contact").get(pk=delivery_id)
    if delivery.channel in ROBOT_CHANNELS and _rate_limited(delivery, now):
        delivery.state = Delivery.State.PENDING
        delivery.not_before = (now + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
        delivery.save(update_fields=["state", "not_before"])
        _enqueue_on_commit([delivery.pk])
        return Outcome("deferred")
    try:
        with transaction.atomic():
            answer = get_channel(delivery.channel).send(delivery)
            _finish(delivery, now, ok=True, response=answer)
        return Outcome("sent")
    except DeliveryError as exc:
        response = str(exc)[:1000]
    except Exception as exc:  # a backend's own bug: logged and retried like a refusal,
        # so the row never stays "sending" to be reclaimed and fail again every 10 minutes
        logger.exception("notification delivery %s failed", delivery_id)
        response = f"{type(exc).__name__}: {exc}"[:1000]
    if delivery.attempts + 1 < settings.NOTIFY_MAX_ATTEMPTS:
        _finish(delivery, now, ok=False, response=response, state=Delivery.State.RETRY)
        return Outcome(
            "retry", retry_in=settings.NOTIFY_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        )
    with transaction.atomic():
        _finish(delivery, now, ok=False, response=response, state=Delivery.State.FAILED)
        _fall_back(delivery)
    return Outcome("failed")


def _finish(
    delivery: Delivery, now: dt.datetime, *, ok: bool, response: str, state: str = ""
) -> None:
    delivery.attempts += 1
    delivery.response = response
    delivery.log = [
        *delivery.log,
        {"at": timezone.localtime(now).isoformat(), "ok": ok, "response": response},
    ]
    delivery.state = Delivery.State.SENT if ok else state
    if ok:
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["attempts", "response", "log", "state", "sent_at"])


def _fall_back(delivery: Delivery) -> None:
    """The channel failed for good: each person waiting on it gets their next channel."""
    from accounts.models import User

    waiting = {int(uid): spec for uid, spec in (delivery.fallback or {}).items()}
    if not waiting:
        return
    etype = events.get(delivery.event)
    source = delivery
    personal_body = delivery.body
    if delivery.robot_id:  # the robot carried the group's text; a person gets their own
        personal_body = (
            Delivery.objects.filter(event_key=delivery.event_key, user__isnull=False)
            .values_list("body", flat=True)
            .first()
            or delivery.body
        )
    emission = _Emission(
        event=etype,
        event_key=delivery.event_key,
        title=delivery.title,
        body=personal_body,
        robot_text=delivery.body if delivery.robot_id else "",
        url=delivery.url,
        organizer_id=delivery.organizer_id,
        now=timezone.now(),
    )
    for user in User.objects.filter(pk__in=waiting, is_active=True):
        spec = waiting[user.pk]
        emission.route(user, list(spec["channels"]), digest=spec["digest"], fallback_of=source)
    _enqueue_on_commit(emission.save())


def sweep(*, now: dt.datetime | None = None) -> int:
    """Enqueue what is due and not in flight: deferred by quiet hours or a rate limit,
    written while no worker ran, or claimed by a worker that died."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(
            Q(state=Delivery.State.PENDING, not_before__lte=now)
            | Q(
                state=Delivery.State.PENDING,
                not_before__isnull=True,
                created_at__lt=now - STALE_CLAIM,
            )
            | Q(state=Delivery.State.SENDING, claimed_at__lt=now - STALE_CLAIM)
        ).values_list("pk", flat=True)[:1000]
    )
    from .tasks import deliver_task

    for pk in ids:
        deliver_task.delay(pk)
    return len(ids)


# ---------------------------------------------------------------------------- digests
def digest_lines(user) -> list[str]:
    lines = []
    for provider in events.digest_providers():
        for label, count, _url in provider(user):
            if count:
                lines.append(f"- {label}：{count}")
    return lines


def digests_send(*, today: dt.date | None = None) -> int:
    """Once a day per person: what they asked to receive as a digest (held deliveries) and
    the counts of their workspace inbox. Returns how many digests were written."""
    from accounts.models import User

    today = today or timezone.localdate()
    held = Delivery.objects.filter(state=Delivery.State.HELD)
    user_ids = set(held.values_list("user_id", flat=True))
    user_ids |= set(
        User.objects.filter(is_active=True, role__in=["staff"]).values_list("pk", flat=True)
    )
    written = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        key = f"{today.isoformat()}:{user.pk}"
        if Delivery.objects.filter(event=DIGEST_EVENT, event_key=f"{DIGEST_EVENT}:{key}").exists():
            continue  # today's digest went out already: the next run waits for tomorrow
        with transaction.atomic():
            items = list(held.filter(user=user).select_for_update().order_by("created_at"))
            lines = [f"- {d.title}" for d in items] + digest_lines(user)
            if not lines:
                continue
            ids = notify(
                event=DIGEST_EVENT,
                key=key,
                users=[user],
                context={
                    "date": f"{today:%Y年%-m月%-d日}",
                    "lines": "\n".join(lines),
                    "count": len(items),
                },
                url="/workspace/notifications/",
                organizer_id=user.organizer_id,
            )
            if not ids:
                continue
            Delivery.objects.filter(pk__in=[d.pk for d in items]).update(
                state=Delivery.State.DIGESTED, digest_id=ids[0]
            )
            written += 1
    return written


def inbox_reminders_send(*, today: dt.date | None = None) -> int:
    """Announce the inbox items registered with `events.inbox_event` (researchers: key
    issues to propose, research scores to enter) to the people whose inbox shows them, once
    per item, count and ISO week. Returns how many deliveries were written."""
    from accounts.models import User
    from accounts.workspaces import inbox_groups

    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    mapping = events.inbox_events()
    workspaces = {workspace for workspace, _key in mapping}
    written = 0
    for user in User.objects.filter(role__in=workspaces, is_active=True).order_by("pk"):
        for group in inbox_groups(user.role, events.fake_request(user)):
            for item in group.items:
                code = mapping.get((user.role, item.key))
                if code is None or item.count <= 0:
                    continue
                written += len(
                    notify(
                        event=code,
                        key=f"{group.title}:{item.key}:{item.count}:{year}-W{week}",
                        users=[user],
                        context={"group": group.title, "label": item.label, "count": item.count},
                        url=item.url,
                        organizer_id=user.organizer_id,
                    )
                )
    return written


# ----------------------------------------------------------- in-app messages, settings
def message_mark_read(*, message: Message, actor) -> Message:
    if message.recipient_id != actor.pk:
        raise ValidationError("只能标记自己的消息。")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def messages_mark_all_read(*, actor) -> int:
    return Message.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_save(
    *,
    user,
    choices: dict[str, tuple[list[str], bool]],
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
) -> None:
    """Store the person's channels and digest choice per event, and their quiet hours."""
    allowed = {e.code for e in events.for_role(user.role)}
    unknown = set(choices) - allowed
    if unknown:
        raise ValidationError("无法设置这些事件：" + "、".join(sorted(unknown)))
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError("免打扰时段请同时填写开始和结束时间。")
    order = list(Channel.values)
    for code, (channels, digest) in choices.items():
        picked = sorted({c for c in channels if c in order}, key=order.index)
        Preference.objects.update_or_create(
            user=user, event=code, defaults={"channels": picked, "digest": digest}
        )
    QuietHours.objects.update_or_create(
        user=user, defaults={"start": quiet_start, "end": quiet_end}
    )


def robot_check_url(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or parts.hostname not in settings.NOTIFY_ROBOT_HOSTS:
        raise ValidationError(
            "推送地址（URL）须为企业微信或钉钉机器人的地址（"
            + "、".join(settings.NOTIFY_ROBOT_HOSTS)
            + "）。"
        )


@transaction.atomic
def robot_save(*, robot: Robot, actor) -> Robot:
    """Create or change a group robot of the actor's committee (audited, secrets masked)."""
    robot_check_url(robot.url)
    if actor.role != "admin" and robot.organizer_id != actor.organizer_id:
        raise ValidationError("只能配置本常委会的群机器人。")
    try:
        with transaction.atomic(), audit_actor(actor):
            robot.save()
    except IntegrityError:
        raise ValidationError(
            "该部门（或常委会）已配置过这个平台的群机器人，请修改原有的。"
        ) from None
    return robot


@transaction.atomic
def robot_delete(*, robot: Robot, actor) -> None:
    if actor.role != "admin" and robot.organizer_id != actor.organizer_id:
        raise ValidationError("只能删除本常委会的群机器人。")
    with audit_actor(actor):
        robot.delete()
