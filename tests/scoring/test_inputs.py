"""The four scoring inputs through their services, and the settings."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from scoring import sms
from scoring.models import (
    CommitteeBallot,
    CommitteeParticipation,
    CommitteeScore,
    PhoneCode,
    PublicBallot,
    PublicVoter,
    ResearchScore,
    ScoringConfig,
    ScoringEvent,
    SurveyParticipation,
    SurveyResponse,
)
from scoring.services import public_vote as pv
from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.config import config_copy_last_year, config_update
from scoring.services.surveys import respondents_add, survey_answer_submit, survey_create
from scoring.sources import collect_inputs
from tests.factories import CampaignFactory, MemberFactory
from tests.scoring.factories import campaign_with_batch, public_ballots, research

pytestmark = pytest.mark.django_db
SMS = override_settings(SMS_BACKEND="scoring.sms.LocmemSmsBackend")


# --- settings ---------------------------------------------------------------------------------
def test_invalid_weights_are_refused_with_a_clear_message():
    staff, campaign, *_ = campaign_with_batch(1)

    with pytest.raises(ValidationError) as refused:
        config_update(campaign=campaign, actor=staff, weight_research=Decimal("0.30"))

    assert "权重之和必须等于 1，当前为 1.05" in refused.value.messages
    assert not ScoringConfig.objects.filter(campaign=campaign).exists()


def test_settings_changes_are_kept_in_history_and_copied_from_last_year():
    staff, campaign, *_ = campaign_with_batch(1)
    config_update(
        campaign=campaign,
        actor=staff,
        weight_research=Decimal("0.30"),
        weight_survey=Decimal("0.20"),
        committee_named=True,
    )
    next_year = CampaignFactory(organizer=campaign.organizer, year=campaign.year + 1)

    copied = config_copy_last_year(campaign=next_year, actor=staff)

    assert copied.weight_research == Decimal("0.30") and copied.committee_named
    events = ScoringEvent.objects.filter(action="settings.update")
    assert events.count() == 2
    assert events.filter(campaign=campaign).get().data["after"]["weight_research"] == "0.3000"


# --- research ---------------------------------------------------------------------------------
def test_research_score_keeps_history_and_needs_a_justification():
    staff, campaign, _, (a,) = campaign_with_batch(1)
    research(a, staff, "88")
    research(a, staff, "91.5")

    with pytest.raises(ValidationError, match="评分理由"):
        from scoring.services.research import research_score_set

        research_score_set(evaluated=a, score="90", justification=" ", actor=staff)
    with pytest.raises(ValidationError, match="0 到 100"):
        research(a, staff, "100.5")
    with pytest.raises(ValidationError, match="两位小数"):
        research(a, staff, "90.123")

    assert ResearchScore.objects.get(evaluated=a).score == Decimal("91.50")
    history = ScoringEvent.objects.filter(action="research.set").order_by("id")
    assert [(e.data["before"], e.data["after"]) for e in history] == [
        (None, "88.00"),
        ("88.00", "91.50"),
    ]


# --- committee --------------------------------------------------------------------------------
def test_committee_double_ballot_is_refused_and_ballots_are_secret():
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    session = session_open(batch=batch, actor=staff)
    member = MemberFactory(organizer=campaign.organizer)
    committee_ballot_submit(session=session, member=member, scores={a.id: "95.5", b.id: 90})

    with pytest.raises(ValidationError, match="已提交过"):
        committee_ballot_submit(session=session, member=member, scores={a.id: 10, b.id: 10})

    assert CommitteeParticipation.objects.count() == 1
    assert CommitteeBallot.objects.get().member is None  # secret: no link to the member
    assert sorted(CommitteeScore.objects.values_list("score", flat=True)) == [
        Decimal("90.00"),
        Decimal("95.50"),
    ]


def test_committee_scores_are_hidden_until_the_session_closes():
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    session = session_open(batch=batch, actor=staff)
    committee_ballot_submit(
        session=session, member=MemberFactory(organizer=campaign.organizer), scores={a.id: 90}
    )

    assert list(collect_inputs(campaign=campaign)[0].committee) == []
    session_close(session=session, actor=staff)
    assert list(collect_inputs(campaign=campaign)[0].committee) == [Decimal("90.00")]
    with pytest.raises(ValidationError, match="已经结束"):
        committee_ballot_submit(
            session=session, member=MemberFactory(organizer=campaign.organizer), scores={a.id: 1}
        )


def test_named_committee_scoring_records_the_member():
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    config_update(campaign=campaign, actor=staff, committee_named=True)
    session = session_open(batch=batch, actor=staff)
    member = MemberFactory(organizer=campaign.organizer)

    committee_ballot_submit(session=session, member=member, scores={a.id: 90})

    assert CommitteeBallot.objects.get().member == member


@pytest.mark.parametrize("scores", [{}, "missing-one", {"x": 1}])
def test_committee_ballot_must_score_every_department(scores):
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    session = session_open(batch=batch, actor=staff)
    given = {a.id: 90} if scores == "missing-one" else scores

    with pytest.raises(ValidationError):
        committee_ballot_submit(
            session=session, member=MemberFactory(organizer=campaign.organizer), scores=given
        )
    assert CommitteeParticipation.objects.count() == 0


def test_only_members_of_the_committee_may_score():
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    session = session_open(batch=batch, actor=staff)

    with pytest.raises(ValidationError, match="组成人员"):
        committee_ballot_submit(session=session, member=MemberFactory(), scores={a.id: 90})
    with pytest.raises(ValidationError, match="组成人员"):
        committee_ballot_submit(session=session, member=staff, scores={a.id: 90})


def _race(target, n=2):
    """Run target n times at once in threads; each returns its exception or None."""
    barrier = threading.Barrier(n)
    results = []

    def run():
        try:
            barrier.wait()
            target()
            results.append(None)
        except Exception as exc:  # noqa: BLE001
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_committee_ballots_of_one_member_count_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    session = session_open(batch=batch, actor=staff)
    member = MemberFactory(organizer=campaign.organizer)

    results = _race(
        lambda: committee_ballot_submit(session=session, member=member, scores={a.id: 90})
    )

    assert sorted(type(r).__name__ for r in results) == ["NoneType", "ValidationError"]
    assert CommitteeParticipation.objects.count() == 1
    assert CommitteeScore.objects.count() == 1


# --- surveys ----------------------------------------------------------------------------------
def test_survey_response_once_per_respondent_and_anonymous():
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="", actor=staff)
    respondents_add(survey=survey, group="public", count=2, label="", actor=staff)
    respondent = survey.respondents.first()
    survey_answer_submit(respondent=respondent, answers={a.id: ("satisfied", "很好")})

    with pytest.raises(ValidationError, match="只能提交一次"):
        survey_answer_submit(respondent=respondent, answers={a.id: ("dissatisfied", "")})

    assert SurveyParticipation.objects.count() == 1
    response = SurveyResponse.objects.get()
    assert response.group == "public"
    assert {f.name for f in SurveyResponse._meta.fields} == {"id", "survey", "group"}
    assert collect_inputs(campaign=campaign)[0].survey == {"public": {"satisfied": 1}}


def test_closed_survey_refuses_responses():
    from scoring.services.surveys import survey_set_open

    staff, campaign, batch, (a,) = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="", actor=staff)
    respondents_add(survey=survey, group="enterprise", count=1, label="企业", actor=staff)
    survey_set_open(survey=survey, is_open=False, actor=staff)

    with pytest.raises(ValidationError, match="已结束"):
        survey_answer_submit(respondent=survey.respondents.get(), answers={a.id: ("satisfied", "")})


# --- public vote ------------------------------------------------------------------------------
@pytest.fixture
def vote_setup(settings):
    # Through the same `settings` fixture the tests use, so the restore order stays right.
    settings.SMS_BACKEND = "scoring.sms.LocmemSmsBackend"
    sms.outbox.clear()
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    vote = pv.vote_set_open(batch=batch, is_open=True, actor=staff)
    return staff, campaign, vote, a


def test_public_vote_stores_only_a_hash_of_the_number(vote_setup):
    staff, campaign, vote, a = vote_setup
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]

    pv.public_ballot_submit(
        vote=vote, phone="139 1234 5678", code=code, ratings={a.id: "basic"}, client_ip="1.2.3.4"
    )

    voter = PublicVoter.objects.get()
    assert "13912345678" not in voter.voter_hash and len(voter.voter_hash) == 64
    assert voter.client_network == "1.2.3.0/24"
    assert code not in PhoneCode.objects.get().code_hash
    assert collect_inputs(campaign=campaign)[0].public_vote == {"basic": 1}


def test_public_double_vote_is_refused(vote_setup):
    staff, campaign, vote, a = vote_setup
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]
    pv.public_ballot_submit(
        vote=vote, phone="13912345678", code=code, ratings={a.id: "satisfied"}, client_ip="1.2.3.4"
    )

    with pytest.raises(ValidationError, match="已经投过票"):
        pv.code_request(vote=vote, phone="13912345678", client_ip="5.6.7.8")
    with pytest.raises(ValidationError):
        pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=code,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )
    assert PublicBallot.objects.count() == 1


def test_wrong_and_expired_codes_are_refused(vote_setup):
    staff, campaign, vote, a = vote_setup
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(ValidationError, match="不正确"):
        pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=wrong,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )
    assert PhoneCode.objects.get().attempts == 1

    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="失效"):
        pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=code,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )
    assert PublicBallot.objects.count() == 0


def test_too_many_wrong_codes_lock_the_code(vote_setup, settings):
    staff, campaign, vote, a = vote_setup
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.SMS_CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            pv.public_ballot_submit(
                vote=vote,
                phone="13912345678",
                code=wrong,
                ratings={a.id: "satisfied"},
                client_ip="1.2.3.4",
            )

    with pytest.raises(ValidationError, match="次数过多"):
        pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=code,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )


def test_codes_are_rate_limited_per_number_and_per_client(vote_setup, settings):
    staff, campaign, vote, a = vote_setup
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    with pytest.raises(ValidationError, match="1 分钟"):
        pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")

    settings.SMS_CODES_PER_CLIENT_HOUR = 3
    pv.code_request(vote=vote, phone="13912345670", client_ip="1.2.3.4")
    pv.code_request(vote=vote, phone="13912345671", client_ip="1.2.3.4")
    with pytest.raises(ValidationError, match="当前网络"):
        pv.code_request(vote=vote, phone="13912345672", client_ip="1.2.3.4")
    assert len(sms.outbox) == 3


def test_ballots_count_only_while_the_vote_is_open(vote_setup):
    staff, campaign, vote, a = vote_setup
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    pv.vote_set_open(batch=vote.batch, is_open=False, actor=staff)

    with pytest.raises(ValidationError, match="已结束"):
        pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=sms.outbox[-1]["code"],
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )
    assert PublicBallot.objects.count() == 0


def test_a_voided_ballot_leaves_the_count():
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    public_ballots(batch, staff, [{a: "satisfied"}, {a: "dissatisfied"}])
    voter = PublicVoter.objects.order_by("client_ip").last()

    pv.voter_void(voter=voter, reason="同一网络短时集中投票", actor=staff)

    assert sum(collect_inputs(campaign=campaign)[0].public_vote.values()) == 1
    assert PublicBallot.objects.filter(voided=True).count() == 1
    event = ScoringEvent.objects.get(action="public_vote.void")
    assert event.actor == staff and event.data["reason"] == "同一网络短时集中投票"


def test_anomalies_flag_bursts_and_many_numbers_per_client(vote_setup, settings):
    staff, campaign, vote, a = vote_setup
    settings.PUBLIC_VOTE_BURST_PER_MINUTE = 3
    settings.PUBLIC_VOTE_NUMBERS_PER_CLIENT = 3
    for n in range(3):
        phone = f"1390000000{n}"
        pv.code_request(vote=vote, phone=phone, client_ip=f"5.6.7.{n}")
        pv.public_ballot_submit(
            vote=vote,
            phone=phone,
            code=sms.outbox[-1]["code"],
            ratings={a.id: "satisfied"},
            client_ip=f"5.6.7.{n}",
        )
        pv.code_request(vote=vote, phone=f"1370000000{n}", client_ip="9.9.9.9")

    PublicVoter.objects.update(voted_at=timezone.now().replace(second=5))  # one minute

    kinds = {(x.kind, x.where, x.count) for x in pv.vote_anomalies(vote=vote)}

    assert kinds == {("numbers", "9.9.9.9", 3), ("burst", "5.6.7.0/24", 3)}


@pytest.mark.django_db(transaction=True)
@SMS
def test_concurrent_public_ballots_of_one_number_count_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    sms.outbox.clear()
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    vote = pv.vote_set_open(batch=batch, is_open=True, actor=staff)
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]

    results = _race(
        lambda: pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=code,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )
    )

    assert sorted(type(r).__name__ for r in results) == ["NoneType", "ValidationError"]
    assert PublicVoter.objects.count() == 1 and PublicBallot.objects.count() == 1


@pytest.mark.parametrize(
    "values",
    [{"weight_research": "abc"}, {"survey_group_weights": {"public": "x"}}, {"trim_threshold": 2}],
)
def test_malformed_settings_are_refused_not_crashing(values):
    staff, campaign, *_ = campaign_with_batch(1)

    with pytest.raises(ValidationError):
        config_update(campaign=campaign, actor=staff, **values)

    assert not ScoringConfig.objects.filter(campaign=campaign).exists()
