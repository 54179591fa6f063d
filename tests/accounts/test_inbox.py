"""The workspace inboxes: every count equals the number of rows of the list it links to,
and the staff inbox reads in the same number of queries for 1 campaign as for 3."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectification import services as rectification
from rectification.models import Notice
from scoring.services.committee import committee_ballot_submit, session_open
from scoring.services.public_vote import vote_set_open
from tests.accounts.inbox_helpers import unmatched_tickets, waiting_campaign
from tests.campaigns.voting_helpers import cast, open_vote
from tests.factories import (
    BatchFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    ResearcherFactory,
    StaffFactory,
)
from tests.rectification.factories import MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db


def inbox(client, url: str) -> dict[tuple[str, str], object]:
    """(group title, item key) -> item, as the landing page got them."""
    response = client.get(url)
    assert response.status_code == 200
    return {(g.title, i.key): i for g in response.context["inbox"] for i in g.items}


def follow(client, item):
    """GET the list an item links to (the fragment is the browser's business)."""
    parts = urlsplit(item.url)
    response = client.get(parts.path, dict(parse_qsl(parts.query)))
    assert response.status_code == 200
    return response


def test_staff_inbox_counts_equal_the_lists_they_link_to(client):
    staff = StaffFactory()
    campaign = waiting_campaign(staff, ResearcherFactory(organizer=staff.organizer))
    unmatched_tickets(staff.organizer, ["某某街道办", "某某街道办", "旧称市容局"])
    client.force_login(staff)

    items = inbox(client, reverse("accounts:workspace-staff"))
    mine = {key: item for (group, key), item in items.items() if group == campaign.title}

    assert {k: i.count for k, i in mine.items()} == {
        "unmerged_suggestions": 3,
        "key_issue_bounds": 2,
        "pending_updates": 1,
        "overdue_measures": 2,
        "inputs_incomplete": 2,
    }
    triage = follow(client, mine["unmerged_suggestions"])
    assert triage.context["page"].paginator.count == 3
    board = follow(client, mine["key_issue_bounds"])
    assert board.context["page"].paginator.count == 2
    assert {ev.n_confirmed for ev in board.context["page"]} == {0, 4}
    dashboard = follow(client, mine["pending_updates"]).context["d"]
    assert len(dashboard.pending_updates) == mine["pending_updates"].count
    assert len(dashboard.overdue) == mine["overdue_measures"].count
    # Batch 2 is being evaluated with no input yet but one research score.
    assert mine["inputs_incomplete"].label.endswith("：调研 1 · 热线 2 · 问卷 2 · 投票 2 · 测评 2")
    manage = follow(client, mine["inputs_incomplete"])
    assert len(manage.context["incomplete"]) == 2
    assert manage.content.decode().count('class="inputs-row"') == 2

    hotline = items[("12345 热线数据", "unmatched_names")]
    assert hotline.count == 2
    listed = follow(client, hotline)
    names = [r["department_name"] for r in listed.context["unmatched"]]
    assert names == ["某某街道办", "旧称市容局"]
    assert listed.content.decode().count('class="unmatched-row"') == 2


def test_staff_inbox_shows_open_votes_and_scoring_sessions_with_their_turnout(client):
    staff, batch, voters, session, candidates = open_vote(candidates=4, slots=2, members=5)
    cast(session, voters, candidates, "AB", "C")
    scoring_batch = BatchFactory(campaign=batch.campaign, number=2, stage="evaluation")
    evaluated = EvaluatedDepartmentFactory(batch=scoring_batch)
    scoring = session_open(batch=scoring_batch, actor=staff)
    committee_ballot_submit(session=scoring, member=voters[0], scores={evaluated.id: 90})
    vote_set_open(batch=scoring_batch, is_open=True, actor=staff)
    client.force_login(staff)

    items = inbox(client, reverse("accounts:workspace-staff"))
    vote = items[(batch.campaign.title, "open_vote")]
    sitting = items[(batch.campaign.title, "open_session")]

    assert vote.detail == "已投票 2 / 5 人"
    assert "已投票 2 / 5 人" in follow(client, vote).content.decode()
    assert sitting.detail == "已提交 1 / 5 人"
    page = follow(client, sitting).content.decode()
    assert 'id="batch-2"' in page and '<strong class="num">1</strong>/5 人' in page
    online = items[(batch.campaign.title, "open_public_vote")]
    assert online.detail == "已投 0 票"
    assert '已投 <strong class="num">0</strong> 票' in follow(client, online).content.decode()


def test_staff_inbox_runs_the_same_queries_for_one_campaign_as_for_three(client):
    staff = StaffFactory()
    researcher = ResearcherFactory(organizer=staff.organizer)
    waiting_campaign(staff, researcher)
    client.force_login(staff)
    url = reverse("accounts:workspace-staff")
    client.get(url)  # sessions, content types: warm up what is cached once per process

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    waiting_campaign(staff, researcher)
    waiting_campaign(staff, researcher)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert len([g for g in response.context["inbox"] if g.title.endswith("评议")]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_liaison_inbox_counts_returned_updates_due_measures_and_unread_reminders(client):
    plan = PlanFactory()
    today = timezone.localdate()
    MeasureFactory(plan=plan, deadline=today - dt.timedelta(days=3))  # overdue
    MeasureFactory(plan=plan, deadline=today + dt.timedelta(days=10))  # due soon
    MeasureFactory(plan=plan, deadline=today + dt.timedelta(days=60))  # not yet
    ev = plan.key_issue.department
    liaison = LiaisonFactory(department=ev.department)
    staff = StaffFactory(organizer=ev.campaign.organizer)
    rectification.plan_submit(plan=plan, actor=liaison)
    rectification.plan_publish(plan=plan, actor=staff)
    update = rectification.update_create(plan=plan, actor=liaison, text="进展", percent=10)
    rectification.update_return(update=update, actor=staff, reason="请补充数据")
    for i, read in enumerate([None, None, timezone.now()]):
        Notice.objects.create(
            recipient=liaison,
            kind=Notice.Kind.DUE_SOON,
            object_id=i,
            condition_key="k",
            message=f"提醒{i}",
            created_at=timezone.now(),
            read_at=read,
        )
    client.force_login(liaison)

    items = inbox(client, reverse("accounts:workspace-liaison"))
    counts = {key: item.count for (_, key), item in items.items()}

    assert counts == {"returned_updates": 1, "due_measures": 2, "unread_notices": 2}
    returned = follow(client, items[("", "returned_updates")])
    assert list(returned.context["returned"]) == [update]
    due = follow(client, items[("", "due_measures")])
    assert len(due.context["due"]) == 2
    # The list says what the inbox line says: "14 天内到期或已逾期的整改措施".
    assert items[("", "due_measures")].label in due.content.decode()
    assert "请补充数据" in returned.content.decode()

    # A newer update answers the returned one: nothing waits any more.
    rectification.update_create(plan=plan, actor=liaison, text="补充后的进展", percent=20)
    assert inbox(client, reverse("accounts:workspace-liaison"))[("", "returned_updates")].count == 0


def test_member_inbox_counts_votes_and_scoring_sessions_still_to_cast(client):
    staff, batch, voters, session, candidates = open_vote(members=3)
    cast(session, voters, candidates, "A")  # voters[0] has voted, voters[1] has not
    scoring_batch = BatchFactory(campaign=batch.campaign, number=2, stage="evaluation")
    EvaluatedDepartmentFactory(batch=scoring_batch)
    session_open(batch=scoring_batch, actor=staff)

    client.force_login(voters[0])
    voted = inbox(client, reverse("accounts:workspace-member"))
    client.force_login(voters[1])
    waiting = inbox(client, reverse("accounts:workspace-member"))

    assert voted[("", "votes_to_cast")].count == 0
    assert waiting[("", "votes_to_cast")].count == 1
    assert waiting[("", "sessions_to_score")].count == 1


def test_researcher_inbox_counts_key_issues_to_propose_and_scores_to_enter(client):
    staff = StaffFactory()
    researcher = ResearcherFactory(organizer=staff.organizer)
    campaign = waiting_campaign(staff, researcher)
    MemberFactory(organizer=staff.organizer)
    client.force_login(researcher)

    items = inbox(client, reverse("accounts:workspace-researcher"))
    short = items[(campaign.title, "key_issues_to_propose")]
    scores = items[(campaign.title, "research_to_enter")]

    assert short.count == 1
    assert follow(client, short).context["page"].paginator.count == 1
    assert scores.count == 1
    page = follow(client, scores)
    assert sum(len(b.shown_evaluated) for b in page.context["batches"]) == 1


def test_unmatched_hotline_names_are_counted_for_the_staff_own_committee_only(client):
    staff, other = StaffFactory(), StaffFactory()
    unmatched_tickets(staff.organizer, ["某某街道办"])
    unmatched_tickets(other.organizer, ["别会的单位", "另一个单位"])
    client.force_login(staff)

    item = inbox(client, reverse("accounts:workspace-staff"))[("12345 热线数据", "unmatched_names")]
    listed = follow(client, item)

    assert item.count == 1
    assert [r["department_name"] for r in listed.context["unmatched"]] == ["某某街道办"]
