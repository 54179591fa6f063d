"""What rectification tells people (issue 20): the event types it registers with
notifications, and the emitters its services call inside their transactions.

Liaisons hear about their department's plan, updates, verdicts and deadlines; staff about
reminders of their committee. Group-robot texts name the department and the key issue (both
public once the plan is published) and never a citizen."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role, User
from notifications import events
from notifications.channels import link
from notifications.models import Channel, ContactOptIn
from notifications.services import notify, notify_contact

LIAISON = (Role.LIAISON,)
STAFF_AND_LIAISON = (Role.LIAISON, Role.STAFF)
# Work arrives by chat and SMS: the department's robot first, then SMS, then email.
WORK = events.WORK_CHANNELS
GROUP = "整改落实"

for event in (
    events.EventType(
        code="rectification.plan_published",
        label="整改方案已审核公开",
        roles=LIAISON,
        title="【整改方案已公开】{department}",
        body="{department}“{issue}”的整改方案（第{version}版）已由评议办审核公开，请按方案推进并按时报送进展。",
        robot="{department}“{issue}”的整改方案（第{version}版）已审核公开。",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.plan_returned",
        label="整改方案被退回修改",
        roles=LIAISON,
        title="【整改方案被退回】{department}",
        body="{department}“{issue}”提交的整改方案被评议办退回修改。退回理由：{reason}。请修改后重新提交审核。",
        robot="{department}“{issue}”提交的整改方案被退回修改，请联络员查看退回理由并重新提交。",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.update_returned",
        label="整改进展被退回",
        roles=LIAISON,
        title="【整改进展被退回】{department}",
        body="{department}“{issue}”报送的整改进展被评议办退回。退回理由：{reason}。请修改后重新报送。",
        robot="{department}“{issue}”报送的整改进展被退回，请联络员查看退回理由并重新报送。",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.update_published",
        label="整改进展已发布",
        roles=LIAISON,
        title="【整改进展已发布】{department}",
        body="{department}“{issue}”报送的整改进展（完成进度 {percent}%）已审核发布。",
        robot="{department}“{issue}”的整改进展（完成进度 {percent}%）已发布。",
        channels=(Channel.INAPP, Channel.EMAIL),
        group=GROUP,
    ),
    events.EventType(
        code="rectification.measure_due",
        label="整改措施即将到期",
        roles=STAFF_AND_LIAISON,
        title="【整改提醒】整改措施即将到期",
        body="{message}",
        robot="{message}",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.measure_overdue",
        label="整改措施已逾期",
        roles=STAFF_AND_LIAISON,
        title="【整改提醒】整改措施已逾期",
        body="{message}",
        robot="{message}",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.silent",
        label="部门长时间未报送进展",
        roles=STAFF_AND_LIAISON,
        title="【整改提醒】部门长时间未报送进展",
        body="{message}",
        robot="{message}",
        channels=(Channel.INAPP, Channel.EMAIL),
        group=GROUP,
    ),
    events.EventType(
        code="rectification.verdict",
        label="评议意见已作出",
        roles=LIAISON,
        title="【评议意见】{department}：{result}",
        body="常委会对{department}“{issue}”第{round}轮整改的评议意见：{result}。{remarks}{next}",
        robot="{department}“{issue}”第{round}轮整改评议意见：{result}。{next}",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.rerectification_due",
        label="重新整改时限临近",
        roles=LIAISON,
        title="【重新整改】完成时限临近",
        body="{department}“{issue}”重新整改的完成时限为 {deadline}，还有 {days} 天。",
        robot="{department}“{issue}”重新整改的完成时限为 {deadline}，还有 {days} 天。",
        channels=WORK,
        group=GROUP,
    ),
    events.EventType(
        code="rectification.public_progress",
        label="意见建议所涉问题有新进展（群众）",
        roles=(),  # the public: only by their own opt-in on the suggestion form
        title="【整改进展】{department}",
        body=(
            "您提交的意见建议（回执编号 {receipt}）涉及的重点整改问题“{issue}”"
            "发布了新的整改进展，完成进度 {percent}%。详见：{link}"
        ),
        group="意见建议",
    ),
    events.EventType(
        code="rectification.deputy_progress",
        label="我的意见建议所涉问题有新进展",
        roles=(Role.DEPUTY,),
        title="【整改进展】{department}",
        body=(
            "您提出的意见建议所涉及的重点整改问题“{issue}”（{department}）"
            "发布了新的整改进展，完成进度 {percent}%。"
        ),
        channels=(Channel.INAPP, Channel.EMAIL),
        group="意见建议",
    ),
):
    events.register(event)


def _liaisons(department_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.LIAISON, department_id=department_id, is_active=True))


def _issue_context(key_issue) -> dict:
    ev = key_issue.department
    return {
        "department": ev.department.name,
        "issue": key_issue.title,
        "organizer_id": ev.campaign.organizer_id,
        "department_id": ev.department_id,
    }


def to_liaisons(*, event: str, key: str | int, key_issue, **context) -> None:
    """Emit a rectification event about `key_issue` to its department's liaisons."""
    base = _issue_context(key_issue)
    notify(
        event=event,
        key=key,
        users=_liaisons(base["department_id"]),
        context={**base, **context},
        url=reverse("rectification:liaison-issue", args=[key_issue.pk]),
        organizer_id=base["organizer_id"],
    )


def to_people_behind(*, update) -> None:
    """Deputies whose own suggestions are merged into a theme behind the key issue, and
    members of the public who opted in on such a suggestion, hear that its progress was
    published (the public page is where they read it)."""
    from issues.models import Suggestion
    from issues.notify import OPT_IN_KIND

    key_issue = update.plan.key_issue
    behind = Suggestion.objects.filter(theme__key_issues=key_issue)
    base = _issue_context(key_issue)
    url = reverse("rectification:issue", args=[key_issue.department.campaign.slug, key_issue.pk])
    authors = behind.filter(submitted_by__isnull=False).values("submitted_by")
    deputies = list(User.objects.filter(pk__in=authors, role=Role.DEPUTY, is_active=True))
    if deputies:
        notify(
            event="rectification.deputy_progress",
            key=update.pk,
            users=deputies,
            context={**base, "percent": update.percent},
            url=url,
            organizer_id=base["organizer_id"],
        )
    receipts = dict(behind.values_list("pk", "receipt"))
    for optin in ContactOptIn.objects.filter(kind=OPT_IN_KIND, object_id__in=receipts):
        notify_contact(
            event="rectification.public_progress",
            key=update.pk,
            contact=optin,
            context={
                **base,
                "percent": update.percent,
                "receipt": receipts[optin.object_id],
                "link": link(url),
            },
            organizer_id=base["organizer_id"],
        )
