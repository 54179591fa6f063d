"""Factories and helpers for scoring tests: inputs go in through the real services."""

from decimal import Decimal

import factory
from django.test import override_settings
from factory.django import DjangoModelFactory

from scoring import sms
from scoring.models import ScoringConfig
from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.config import config_update
from scoring.services.public_vote import code_request, public_ballot_submit, vote_set_open
from scoring.services.research import research_score_set
from scoring.services.surveys import respondents_add, survey_answer_submit, survey_create
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    MemberFactory,
    StaffFactory,
)

WORKED_HOTLINE = {"satisfied": 300, "basic": 60, "dissatisfied": 40, "n_window": 500}


class ScoringConfigFactory(DjangoModelFactory):
    class Meta:
        model = ScoringConfig

    campaign = factory.SubFactory(CampaignFactory)


def campaign_with_batch(n_departments: int = 1, *, staff=None):
    staff = staff or StaffFactory()
    campaign = CampaignFactory(organizer=staff.organizer)
    # Scoring inputs (surveys, the public vote) are taken while the batch is evaluated.
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", stage="evaluation")
    evaluated = [
        EvaluatedDepartmentFactory(batch=batch, position=i) for i in range(1, n_departments + 1)
    ]
    return staff, campaign, batch, evaluated


def no_hotline(campaign, staff):
    """Settings that weigh the hotline 0 (valid: the weights still sum to 1)."""
    return config_update(
        campaign=campaign,
        actor=staff,
        weight_research=Decimal("0.30"),
        weight_hotline=Decimal("0"),
        weight_survey=Decimal("0.30"),
        weight_public_vote=Decimal("0.20"),
        weight_committee=Decimal("0.20"),
    )


def committee_scores(batch, staff, per_member: list[dict]):
    """Open a session, let one new member submit each dict {evaluated: score}, close it."""
    session = session_open(batch=batch, actor=staff)
    for scores in per_member:
        member = MemberFactory(organizer=batch.campaign.organizer)
        committee_ballot_submit(
            session=session, member=member, scores={ev.id: s for ev, s in scores.items()}
        )
    session_close(session=session, actor=staff)
    return session


def survey_answers(batch, staff, group_ratings: dict[str, list[dict]]):
    """group -> list of {evaluated: rating}; one respondent per answer."""
    survey = survey_create(batch=batch, title="", actor=staff)
    for group, answers in group_ratings.items():
        respondents_add(survey=survey, group=group, count=len(answers), label="", actor=staff)
        for respondent, answer in zip(
            survey.respondents.filter(group=group).order_by("id"), answers, strict=True
        ):
            survey_answer_submit(
                respondent=respondent, answers={ev.id: (r, "") for ev, r in answer.items()}
            )
    return survey


def public_ballots(batch, staff, ratings: list[dict], *, first_phone: int = 13800000000):
    """One verified voter per dict {evaluated: rating}, through the SMS code flow."""
    vote = vote_set_open(batch=batch, is_open=True, actor=staff)
    with override_settings(SMS_BACKEND="scoring.sms.LocmemSmsBackend"):
        for n, answer in enumerate(ratings):
            phone = str(first_phone + n)
            ip = f"10.{n // 250}.{n % 250}.1"
            code_request(vote=vote, phone=phone, client_ip=ip)
            public_ballot_submit(
                vote=vote,
                phone=phone,
                code=sms.outbox[-1]["code"],
                ratings={ev.id: r for ev, r in answer.items()},
                client_ip=ip,
            )
    return vote


def research(evaluated, staff, score):
    return research_score_set(
        evaluated=evaluated, score=score, justification="实地调研", actor=staff
    )
