"""The daily reminder run: measures due soon, overdue measures, silent departments.

Each reminder is a Notice row; the unique constraint on (recipient, kind, object, condition
key) means a condition is announced once, however many times the job runs. The condition key
is the date that defines it (the deadline, or the day of the last update), so a new deadline
or a new silence after an update is a new condition and is announced again.

Each new reminder is also sent through notifications (the person's channels: the group
robot, SMS, email), and liaisons hear when a re-rectification deadline comes near."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from campaigns.models import EvaluatedDepartment
from campaigns.stages import Stage
from notifications.services import notify

from .models import Measure, Notice, Plan

EVENTS = {
    Notice.Kind.DUE_SOON: "rectification.measure_due",
    Notice.Kind.OVERDUE: "rectification.measure_overdue",
    Notice.Kind.SILENT: "rectification.silent",
}


@dataclass
class Condition:
    kind: str
    object_id: int
    key: str
    message: str
    department_id: int  # departments.Department, for the liaisons
    organizer_id: int  # for the staff
    staff_url: str
    liaison_url: str


def _recipients(cond: Condition, liaisons: dict, staff: dict) -> list[tuple[User, str]]:
    return [(u, cond.liaison_url) for u in liaisons.get(cond.department_id, [])] + [
        (u, cond.staff_url) for u in staff.get(cond.organizer_id, [])
    ]


def find_conditions(*, today: dt.date) -> list[Condition]:
    due_days = settings.RECTIFICATION_DUE_SOON_DAYS
    silent_days = settings.RECTIFICATION_SILENT_DAYS
    active = Plan.objects.filter(
        key_issue__department__batch__stage=Stage.RECTIFICATION, versions__isnull=False
    ).distinct()
    conditions: list[Condition] = []
    measures = Measure.objects.filter(
        plan__in=active, state__in=Measure.OPEN_STATES, deadline__lte=today + dt.timedelta(due_days)
    ).select_related(
        "plan__key_issue__department__department", "plan__key_issue__department__campaign"
    )
    for m in measures:
        ev = m.plan.key_issue.department
        urls = _urls(ev.campaign.slug, m.plan.key_issue_id)
        if m.deadline < today:
            kind, text = Notice.Kind.OVERDUE, f"已逾期 {(today - m.deadline).days} 天"
        else:
            kind, text = Notice.Kind.DUE_SOON, f"将于 {m.deadline:%Y-%m-%d} 到期"
        conditions.append(
            Condition(
                kind=kind,
                object_id=m.pk,
                key=m.deadline.isoformat(),
                message=f"{ev.department.name}：整改措施“{m.title[:60]}”{text}。",
                department_id=ev.department_id,
                organizer_id=ev.campaign.organizer_id,
                **urls,
            )
        )
    departments = (
        EvaluatedDepartment.objects.filter(
            key_issues__plan__in=active,
            key_issues__plan__measures__state__in=Measure.OPEN_STATES,
        )
        .distinct()
        .select_related("department", "campaign")
        .annotate(
            last_update=Max("key_issues__plan__updates__created_at"),
            first_published=Max("key_issues__plan__versions__published_at"),
        )
    )
    for ev in departments:
        since = timezone.localdate(ev.last_update or ev.first_published)
        if (today - since).days < silent_days:
            continue
        conditions.append(
            Condition(
                kind=Notice.Kind.SILENT,
                object_id=ev.pk,
                key=since.isoformat(),
                message=(
                    f"{ev.department.name}自 {since:%Y-%m-%d} 起"
                    f"已 {(today - since).days} 天未报送整改进展。"
                ),
                department_id=ev.department_id,
                organizer_id=ev.campaign.organizer_id,
                staff_url=reverse("rectification:dashboard", args=[ev.campaign.slug]),
                liaison_url=reverse("rectification:liaison"),
            )
        )
    return conditions


def _urls(slug: str, key_issue_id: int) -> dict[str, str]:
    return {
        "staff_url": reverse("rectification:staff-issue", args=[slug, key_issue_id]),
        "liaison_url": reverse("rectification:liaison-issue", args=[key_issue_id]),
    }


def reminders_send(*, today: dt.date | None = None) -> int:
    """Create the notices not sent yet and email them; returns how many were new."""
    today = today or timezone.localdate()
    conditions = find_conditions(today=today)
    liaisons: dict[int, list[User]] = {}
    staff: dict[int, list[User]] = {}
    for user in User.objects.filter(is_active=True, role__in=[Role.LIAISON, Role.STAFF]):
        if user.role == Role.LIAISON:
            liaisons.setdefault(user.department_id, []).append(user)
        else:
            staff.setdefault(user.organizer_id, []).append(user)
    sent = 0
    now = timezone.now()
    for cond in conditions:
        for user, url in _recipients(cond, liaisons, staff):
            try:
                with transaction.atomic():
                    Notice.objects.create(
                        recipient=user,
                        kind=cond.kind,
                        object_id=cond.object_id,
                        condition_key=cond.key,
                        message=cond.message,
                        url=url,
                        created_at=now,
                    )
            except IntegrityError:
                continue  # announced before: the constraint is the memory of the job
            sent += 1
            notify(
                event=EVENTS[Notice.Kind(cond.kind)],
                key=f"{cond.object_id}:{cond.key}",
                users=[user],
                context={"message": cond.message},
                url=url,
                organizer_id=cond.organizer_id,
            )
    rerectification_send(today=today)
    return sent


def rerectification_send(*, today: dt.date) -> None:
    """Liaisons of a plan in re-rectification (round > 1) hear when its new deadline is
    NOTIFY_DUE_DAYS away or nearer; once per deadline (the delivery key holds it)."""
    from .notify import to_liaisons

    soon = today + dt.timedelta(days=settings.NOTIFY_DUE_DAYS)
    plans = (
        Plan.objects.filter(
            round__gt=1,
            deadline__gte=today,
            deadline__lte=soon,
        )
        .exclude(key_issue__verdicts__result="satisfied")
        .select_related("key_issue__department__department", "key_issue__department__campaign")
    )
    for plan in plans:
        assert plan.deadline is not None
        to_liaisons(
            event="rectification.rerectification_due",
            key=f"{plan.pk}:{plan.deadline.isoformat()}",
            key_issue=plan.key_issue,
            deadline=f"{plan.deadline:%Y年%-m月%-d日}",
            days=(plan.deadline - today).days,
        )
