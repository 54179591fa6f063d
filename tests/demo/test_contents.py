"""What the demo holds. Every test here only reads, so the demo is loaded once for the module
(about 8 s a load) inside a transaction that is rolled back when the module ends; each test
still runs in its own savepoint, as Django's TestCase.setUpTestData does it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import Role, User
from campaigns.models import (
    Ballot,
    Batch,
    Campaign,
    CommitmentStatement,
    EvaluatedDepartment,
    StageTransition,
    VoteCandidate,
    VoteParticipation,
    VoteSession,
)
from campaigns.stages import Stage
from departments.models import Department
from hotline.models import ImportBatch
from hotline.selectors import hotline_counts
from scoring.models import CommitteeBallot, PublicBallot, ScoreSheet, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        call_command("load_demo", "--quiet-logins")
        yield
        transaction.set_rollback(True)


def test_demo_is_the_2021_campaign_of_the_seeds():
    campaign = Campaign.objects.get(slug="2021")
    batches = {b.number: b for b in Batch.objects.filter(campaign=campaign)}
    assert [batches[n].evaluated.count() for n in (1, 2)] == [6, 11]
    batch2_kinds = EvaluatedDepartment.objects.filter(batch=batches[2]).values_list(
        "department__kind", flat=True
    )
    assert list(batch2_kinds).count(Department.Kind.INSTITUTION) == 2
    names = set(Department.objects.values_list("name", flat=True))
    assert {"淄博市教育局", "淄博市民政局", "淄博市文化和旅游局", "淄博市医疗保障局"} <= names
    assert batches[1].vote_date.month == 2 and batches[2].vote_date.month == 4
    assert batches[1].hearing_date.month == 8 and batches[2].hearing_date.month == 11


def test_demo_has_a_published_2021_sheet_echoing_the_seeds():
    sheet = ScoreSheet.objects.get(campaign__slug="2021")
    assert sheet.is_published and sheet.complete
    top = list(
        sheet.rows.order_by("rank_campaign")[:3].values_list(
            "evaluated__department__slug", "composite"
        )
    )
    assert top == [
        ("culture-tourism", Decimal("98.75")),
        ("human-resources", Decimal("97.50")),
        ("medical-insurance", Decimal("96.25")),
    ]
    # Reached through real inputs, not typed-in totals.
    assert CommitteeBallot.objects.count() == 34  # 17 of 30 members per batch: quorum
    assert PublicBallot.objects.count() == 80
    assert SurveyResponse.objects.count() == 64


def test_demo_batches_are_voted_and_both_went_through_to_results():
    batches = {b.number: b for b in Batch.objects.filter(campaign__slug="2021")}
    assert batches[1].stage == batches[2].stage == Stage.PUBLISHED
    assert User.objects.filter(role=Role.MEMBER, organizer__campaigns__slug="2021").count() == 30
    for number, (slots, voters) in {1: (6, 28), 2: (11, 29)}.items():
        batch = batches[number]
        session = VoteSession.objects.get(batch=batch)
        assert session.state == VoteSession.State.PUBLISHED and session.slots == slots
        assert (
            session.ballots_cast
            == voters
            == VoteParticipation.objects.filter(session=session).count()
        )
        assert Ballot.objects.filter(session=session).count() == voters
        selected = set(
            VoteCandidate.objects.filter(
                session=session, outcome=VoteCandidate.Outcome.SELECTED
            ).values_list("department_id", flat=True)
        )
        evaluated = set(
            EvaluatedDepartment.objects.filter(batch=batch).values_list("department_id", flat=True)
        )
        assert selected == evaluated and len(evaluated) == slots
        assert session.candidates.count() > slots  # 差额票决
        assert StageTransition.objects.filter(batch=batch).last().to_stage == batch.stage
        assert (
            CommitmentStatement.objects.filter(evaluated__batch=batch, is_published=True).count()
            == slots
        )


def test_demo_tickets_follow_the_seeds_figures():
    batch = ImportBatch.objects.get()
    assert batch.state == "done" and batch.read == batch.inserted + 3 > 5000
    # The demo's import belongs to the city committee, so its staff (and only they) see it.
    assert batch.organizer.name == "淄博市人大常委会" == batch.source.organizer.name
    assert batch.rejected == 3
    assert set(batch.unmatched) == {"张店区交警大队", "淄博市热力有限公司"}
    ids = dict(Department.objects.values_list("slug", "id"))
    counts = hotline_counts(
        department_ids=list(ids.values()), start=dt.date(2021, 1, 1), end=dt.date(2021, 10, 31)
    )
    police = counts[ids["public-security"]]
    assert 0.78 < (police.satisfied + police.basic) / police.rated < 0.88
    window = sum(c.n_window for c in counts.values())
    baseline = sum(c.n_baseline for c in counts.values())
    assert -0.35 < (window - baseline) / baseline < -0.2
    housing = counts[ids["housing"]]
    assert housing.n_window < housing.n_baseline


def test_demo_logins_follow_the_role_rule_for_the_admin_and_sign_in(client):
    from demo.users import DEMO_PASSWORD

    users = list(User.objects.filter(username__in=DEMO_USERNAMES))
    assert {u.username for u in users} == set(DEMO_USERNAMES)
    for user in users:
        admin = user.role == Role.ADMIN
        assert (user.is_staff, user.is_superuser) == (admin, admin), user.username
        assert not user.groups.exists(), user.username
        assert not user.must_change_password, user.username
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, user.username
        assert client.get("/admin/").status_code == (200 if admin else 403), user.username
        client.logout()


DEMO_USERNAMES = (
    "admin",
    "staff",
    "member",
    "research",
    "liaison",
    "liaison-transport",
    "deputy",
    "deputy-town",
    "boshan-staff",
)


def test_demo_has_answered_suggestions_one_of_them_corrected(client):
    from issues.models import SuggestionAnswer

    answered = set(SuggestionAnswer.objects.values_list("suggestion__receipt", flat=True))
    assert len(answered) == 5
    corrected = SuggestionAnswer.objects.get(version=2).suggestion
    page = client.get(f"/suggestions/receipt/{corrected.receipt}/").content.decode()
    assert "办理答复" in page and "已更正" in page and "2021年6月25日" in page
    call_command("load_demo", "--quiet-logins")  # a second load adds no answer
    assert SuggestionAnswer.objects.count() == 6
