"""The services that change state emit their events on commit: liaisons, members, deputies
and researchers get the message, through the department's robot where they chose it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.stages import Stage
from core import sms
from issues import services as issue_services
from notifications import services
from notifications.models import Channel, Delivery, Message, Preference, Robot
from rectification import services as rect
from rectification.models import Verdict
from scoring.services.committee import session_close, session_open
from tests.campaigns.voting_helpers import cast, vote_setup
from tests.confirming import post_confirmed
from tests.factories import (
    DeputyFactory,
    LiaisonFactory,
    MemberFactory,
    ResearcherFactory,
    StaffFactory,
)
from tests.issues.factories import KeyIssueFactory, SuggestionFactory
from tests.rectification.factories import MeasureFactory, PlanFactory
from tests.scoring.factories import campaign_with_batch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    plan = PlanFactory()
    ev = plan.key_issue.department
    MeasureFactory(plan=plan, title="建立课后服务经费保障机制", deadline=dt.date(2021, 7, 15))
    plan.liaison = LiaisonFactory(department=ev.department, email="l@example.org")
    plan.staff = StaffFactory(organizer=ev.campaign.organizer)
    rect.plan_submit(plan=plan, actor=plan.liaison)
    with django_capture_on_commit_callbacks(execute=True):
        rect.plan_publish(plan=plan, actor=plan.staff)
    return plan


def titles(user) -> list[str]:
    return list(Message.objects.filter(recipient=user).values_list("title", flat=True))


def test_plan_publication_reaches_the_liaison(plan):
    assert titles(plan.liaison) == [
        f"【整改方案已公开】{plan.key_issue.department.department.name}"
    ]


def test_returned_update_tells_the_liaison_why_and_the_robot_only_that(
    plan, robot_server, django_capture_on_commit_callbacks
):
    Robot.objects.create(
        platform=Channel.WECOM,
        organizer=plan.staff.organizer,
        department=plan.liaison.department,
        name="部门群",
        url=f"{robot_server.url}/cgi-bin/webhook/send?key=k",
    )
    update = rect.update_create(plan=plan, actor=plan.liaison, text="已覆盖200所小学", percent=40)

    with django_capture_on_commit_callbacks(execute=True):
        rect.update_return(update=update, actor=plan.staff, reason="请附上覆盖学校名单")

    message = Message.objects.filter(recipient=plan.liaison).first()
    assert "退回理由：请附上覆盖学校名单" in message.body
    [robot_text] = robot_server.texts()
    assert "被退回" in robot_text and "覆盖学校名单" not in robot_text  # the reason stays private


def test_returned_plan_tells_the_liaison_why_each_time_and_the_robot_only_that(
    plan, robot_server, django_capture_on_commit_callbacks
):
    Robot.objects.create(
        platform=Channel.WECOM,
        organizer=plan.staff.organizer,
        department=plan.liaison.department,
        name="部门群",
        url=f"{robot_server.url}/cgi-bin/webhook/send?key=k",
    )
    for reason in ("请补充经费保障措施", "完成时限过晚"):
        rect.plan_update(plan=plan, actor=plan.liaison, goals=reason, deadline=plan.deadline)
        rect.plan_submit(plan=plan, actor=plan.liaison)
        with django_capture_on_commit_callbacks(execute=True):
            rect.plan_return(plan=plan, actor=plan.staff, reason=reason)

    returned = Message.objects.filter(recipient=plan.liaison, event="rectification.plan_returned")
    assert sorted("退回理由：请补充经费保障措施" in m.body for m in returned) == [False, True]
    assert "退回理由：完成时限过晚" in returned.first().body
    texts = robot_server.texts()
    assert len(texts) == 2 and all("被退回修改" in t for t in texts)
    assert not any("经费保障" in t or "过晚" in t for t in texts)


def test_not_satisfied_verdict_names_the_new_deadline(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rect.verdict_record(
            key_issue=plan.key_issue,
            actor=plan.staff,
            result=Verdict.Result.NOT_SATISFIED,
            new_deadline=dt.date(2021, 12, 31),
        )

    verdict = Message.objects.get(recipient=plan.liaison, event="rectification.verdict")
    assert "不满意" in verdict.title and "请于 2021年12月31日 前完成重新整改" in verdict.body


def test_rerectification_deadline_is_announced_once(plan, django_capture_on_commit_callbacks):
    from rectification.reminders import rerectification_send

    with django_capture_on_commit_callbacks(execute=True):
        rect.verdict_record(
            key_issue=plan.key_issue,
            actor=plan.staff,
            result=Verdict.Result.NOT_SATISFIED,
            new_deadline=dt.date(2021, 12, 31),
        )
        rerectification_send(today=dt.date(2021, 12, 29))
        rerectification_send(today=dt.date(2021, 12, 30))

    [due] = Message.objects.filter(event="rectification.rerectification_due")
    assert "2021年12月31日" in due.body and "还有 2 天" in due.body


def test_deputy_hears_of_the_merge_and_of_progress_on_the_key_issue_behind(
    plan, django_capture_on_commit_callbacks
):
    deputy = DeputyFactory(email="d@example.org")
    key_issue = plan.key_issue
    suggestion = SuggestionFactory(department=key_issue.department, submitted_by=deputy)
    SuggestionFactory(department=key_issue.department, contact="13900001111")  # the public's
    campaign = key_issue.department.campaign
    with django_capture_on_commit_callbacks(execute=True):
        theme = issue_services.suggestions_merge(
            campaign=campaign,
            ids=list(campaign.suggestions.values_list("pk", flat=True)),
            actor=plan.staff,
            title="课后服务",
        )
    key_issue.themes.add(theme)
    update = rect.update_create(plan=plan, actor=plan.liaison, text="进展", percent=70)
    with django_capture_on_commit_callbacks(execute=True):
        rect.update_publish(update=update, actor=plan.staff)

    events = set(Message.objects.filter(recipient=deputy).values_list("event", flat=True))
    assert events == {"issues.suggestion_merged", "rectification.deputy_progress"}
    merged = Message.objects.get(recipient=deputy, event="issues.suggestion_merged")
    assert suggestion.receipt in merged.body
    # One deputy; nobody else is written to (the public's contact has no consent to use).
    assert set(
        Delivery.objects.filter(event="issues.suggestion_merged").values_list("user", flat=True)
    ) == {deputy.pk}


def test_members_hear_when_a_selection_vote_opens_and_closes(django_capture_on_commit_callbacks):
    staff, batch, voters = vote_setup(members=3)
    MemberFactory(organizer=staff.organizer)  # not on the roll
    with django_capture_on_commit_callbacks(execute=True):
        session = campaign_services.vote_open(batch=batch, actor=staff, members=voters)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.vote_close(session=session, actor=staff)

    opened = Message.objects.filter(event="campaigns.vote_opened")
    assert {m.recipient for m in opened} == set(voters)
    assert Message.objects.filter(event="campaigns.vote_closed").count() == 3


def test_members_on_the_roll_hear_when_a_scoring_session_opens_and_closes(
    django_capture_on_commit_callbacks,
):
    staff, campaign, batch, _ = campaign_with_batch()
    members = [MemberFactory(organizer=staff.organizer) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        session = session_open(batch=batch, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        session_close(session=session, actor=staff)

    for member in members:
        assert titles(member) == [f"【测评结束】{campaign.title}", f"【测评开始】{campaign.title}"]


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_members_who_have_not_voted_hear_once_that_the_vote_closes_soon(
    client, django_capture_on_commit_callbacks
):
    from campaigns.models import VoteSession
    from campaigns.notify import vote_closing_soon_send

    staff, batch, voters = vote_setup(candidates=3, slots=1, members=3)
    url = reverse("campaigns-staff:vote-open", args=[batch.campaign.slug, batch.number])
    roll = [v.pk for v in voters]
    client.force_login(staff)
    with time_machine.travel(at(2026, 5, 4, 9, 0), tick=False):
        past = client.post(url, {"members": roll, "closes_at": "2026-05-03T18:00"}, follow=True)
        assert "计划截止时间须晚于现在" in past.content.decode()
        review = client.post(url, {"members": roll, "closes_at": "2026-05-06T18:00"})
        assert "2026-05-06 18:00" in review.content.decode()
        post_confirmed(client, url, {"members": roll, "closes_at": "2026-05-06T18:00"})
    session = VoteSession.objects.get()
    assert session.closes_at == at(2026, 5, 6, 18, 0)
    cast(session, voters[:1], list(session.candidates.order_by("position")), "A")
    client.force_login(voters[1])
    ballot = client.get(reverse("campaigns-staff:ballot", args=[session.pk]))
    assert "计划截止时间：2026年5月6日 18:00" in ballot.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        early = vote_closing_soon_send(now=at(2026, 5, 4, 10, 0))  # 56 hours before
        due = vote_closing_soon_send(now=at(2026, 5, 5, 19, 0))  # 23 hours before
        again = vote_closing_soon_send(now=at(2026, 5, 5, 20, 0))

    assert early == 0 and due > 0 and again == 0
    soon = Message.objects.filter(event="campaigns.vote_closing_soon")
    assert sorted(m.recipient_id for m in soon) == sorted(v.pk for v in voters[1:])
    assert "计划于 2026年5月6日 18:00 截止，您尚未投票" in soon[0].body


def test_members_who_have_not_scored_hear_once_that_the_session_closes_soon(
    client, settings, django_capture_on_commit_callbacks
):
    from scoring.models import CommitteeSession
    from scoring.notify import session_closing_soon_send
    from scoring.services.committee import committee_ballot_submit

    settings.NOTIFY_CLOSING_SOON_HOURS = 2
    staff, campaign, batch, evaluated = campaign_with_batch()
    members = [MemberFactory(organizer=staff.organizer) for _ in range(2)]
    url = reverse("scoring:session-toggle", args=[campaign.slug, batch.number])
    client.force_login(staff)
    with time_machine.travel(at(2026, 5, 4, 9, 0), tick=False):
        bad = client.post(url, {"action": "open", "closes_at": "明天中午"}, follow=True)
        assert "计划截止时间的格式不对" in bad.content.decode()
        post_confirmed(client, url, {"action": "open", "closes_at": "2026-05-04T12:00"})
    session = CommitteeSession.objects.get(batch=batch)
    assert session.closes_at == at(2026, 5, 4, 12, 0)
    committee_ballot_submit(
        session=session, member=members[0], scores={ev.pk: "90" for ev in evaluated}
    )
    client.force_login(members[1])
    ballot = client.get(reverse("scoring:ballot", args=[session.pk]))
    assert "计划截止时间：2026年5月4日 12:00" in ballot.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        early = session_closing_soon_send(now=at(2026, 5, 4, 9, 30))  # 2.5 hours before
        due = session_closing_soon_send(now=at(2026, 5, 4, 10, 30))
        again = session_closing_soon_send(now=at(2026, 5, 4, 11, 30))
        session_close(session=session, actor=staff)
        closed = session_closing_soon_send(now=at(2026, 5, 4, 11, 45))

    assert (early, again, closed) == (0, 0, 0) and due > 0
    [soon] = Message.objects.filter(event="scoring.session_closing_soon")
    assert soon.recipient == members[1] and "计划于 2026年5月4日 12:00 截止" in soon.body


def test_researchers_hear_of_key_issues_to_propose_once_a_week(
    django_capture_on_commit_callbacks,
):
    researcher = ResearcherFactory()
    staff, campaign, batch, evaluated = campaign_with_batch(
        2, staff=StaffFactory(organizer=researcher.organizer)
    )
    batch.stage = Stage.KEY_ISSUES
    batch.save()
    KeyIssueFactory(department=evaluated[0])
    Preference.objects.create(
        user=researcher, event="notifications.research_key_issues", channels=["inapp"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.inbox_reminders_send(today=dt.date(2026, 5, 4))
        again = services.inbox_reminders_send(today=dt.date(2026, 5, 6))  # same week
        next_week = services.inbox_reminders_send(today=dt.date(2026, 5, 11))

    assert (first, again, next_week) == (1, 0, 1)
    message = Message.objects.filter(recipient=researcher).first()
    assert message.title == "【调研组】待提出重点整改问题" and campaign.title in message.body


def test_the_public_hear_only_when_they_opted_in_and_never_at_night(
    plan, robot_server, django_capture_on_commit_callbacks
):
    from issues.models import SourceType
    from notifications.models import ContactOptIn

    key_issue = plan.key_issue
    campaign = key_issue.department.campaign
    daytime = timezone.make_aware(dt.datetime(2026, 5, 6, 10, 0))
    with time_machine.travel(daytime, tick=False):
        asked = issue_services.suggestion_submit_public(
            campaign=campaign,
            department=key_issue.department,
            source_type=SourceType.PUBLIC,
            text="希望延长课后服务时间",
            contact="138 0000 2222",
            notify_me=True,
        )
        issue_services.suggestion_submit_public(  # left a contact, did not ask
            campaign=campaign,
            department=key_issue.department,
            source_type=SourceType.PUBLIC,
            text="学校门口交通拥堵",
            contact="13900003333",
        )
        assert ContactOptIn.objects.get().address == "13800002222"
        with django_capture_on_commit_callbacks(execute=True):
            theme = issue_services.suggestions_merge(
                campaign=campaign,
                ids=list(campaign.suggestions.values_list("pk", flat=True)),
                actor=plan.staff,
                title="课后服务",
            )
    key_issue.themes.add(theme)
    [merged] = sms.outbox
    assert merged["phone"] == "13800002222" and asked.receipt in merged["text"]
    assert "延长课后服务" not in merged["text"]  # their own words are not echoed back

    night = timezone.make_aware(dt.datetime(2026, 5, 6, 22, 0))
    update = rect.update_create(plan=plan, actor=plan.liaison, text="进展", percent=80)
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        rect.update_publish(update=update, actor=plan.staff)
    assert len(sms.outbox) == 1  # held until 08:00
    with time_machine.travel(night + dt.timedelta(hours=10, minutes=5), tick=False):
        services.sweep()

    progress = sms.outbox[-1]
    assert progress["phone"] == "13800002222" and "完成进度 80%" in progress["text"]
    assert {m["phone"] for m in sms.outbox} == {"13800002222"}  # never the one who did not ask


def test_the_form_refuses_progress_notices_without_a_phone_or_email():
    from issues.forms import PublicSuggestionForm

    staff, campaign, batch, evaluated = campaign_with_batch()
    form = PublicSuggestionForm(
        {"source_type": "public", "text": "路灯不亮" * 5, "contact": "王先生", "notify": "on"},
        campaign=campaign,
    )

    assert not form.is_valid()
    assert form.errors["contact"] == ["接收办理进展须填写手机号码或电子邮箱。"]
