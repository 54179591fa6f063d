"""A complete, published 2021 score sheet reached through real inputs: research scores with
justifications, committee ballots (17 of the 30 members per batch: more than half of the
session's roll, the committee quorum), survey responses through one-time
links (32 respondents per batch in four groups) and verified public ballots (40 per batch).

Tuning. Survey, public vote and committee inputs follow a per-department profile below; the
research scores were then chosen (by solving composite = target for the research score and
checking the rounding) so that batch 2's top three land exactly on the seeds' published
totals: 文化和旅游局 98.75, 人力资源和社会保障局 97.5, 医保局 96.25.

Weights are scoring.md's defaults (0.25/0.20/0.25/0.10/0.20); the hotline component comes
from the demo's 12345 tickets (demo/hotline.py, loaded before this step), whose 2021
satisfaction rates for the top three (0.97, 0.96, 0.95) make the seeds' totals reachable
with research scores within 0-100. Change either file and re-solve RESEARCH for the three
targets: research = (target - 0.20 hotline - 0.25 survey - 0.10 vote - 0.20 committee) / 0.25,
rounded to 2 places, then check the composite rounds to the target.

Idempotent: the step does nothing once the campaign has a published sheet."""

import datetime as dt
from decimal import Decimal

from django.test import override_settings

from accounts.models import Role, User
from campaigns.models import Campaign, EvaluatedDepartment
from scoring import sms
from scoring.formulas import Rating, SurveyGroup
from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.config import config_update
from scoring.services.public_vote import code_request, public_ballot_submit, vote_set_open
from scoring.services.research import research_score_set
from scoring.services.sheets import sheet_publish, sheet_recompute
from scoring.services.surveys import respondents_add, survey_answer_submit, survey_create

from . import clock

WEIGHTS = {  # the defaults of scoring.md
    "weight_research": Decimal("0.25"),
    "weight_hotline": Decimal("0.20"),
    "weight_survey": Decimal("0.25"),
    "weight_public_vote": Decimal("0.10"),
    "weight_committee": Decimal("0.20"),
}
SURVEY_GROUPS = {
    SurveyGroup.CITY_DEPUTY: 8,
    SurveyGroup.DISTRICT_DEPUTY: 8,
    SurveyGroup.PUBLIC: 12,
    SurveyGroup.ENTERPRISE: 4,
}
VOTERS_PER_BATCH = 40
# 17 of 30: the quorum is more than half of the roll. The eight members added to the first
# nine (spread 0.5, then 0) keep every committee score as it was: trimmed mean offset
# 1.0/15 = 0.0667 instead of 0.5/7 = 0.0714, both rounding to +0.07.
MEMBERS = 17
COMMITTEE_SPREAD = [
    Decimal(x)
    for x in ("0", "0.5", "-0.5", "1", "-1", "1.5", "-2", "0.5", "0")
    + ("0.5", "0", "0", "0", "0", "0", "0", "0")
]

# slug: (share of "satisfied", share of "dissatisfied", committee centre score)
PROFILE = {
    "education": ("0.80", "0.05", "94"),
    "civil-affairs": ("0.78", "0.05", "93.5"),
    "public-security": ("0.75", "0.08", "93"),
    "transport": ("0.70", "0.10", "92"),
    "housing": ("0.65", "0.10", "91"),
    "urban-management": ("0.72", "0.08", "92.5"),
    "culture-tourism": ("1", "0", "98.5"),
    "human-resources": ("0.97", "0", "97.5"),
    "medical-insurance": ("0.93", "0", "96.5"),
    "water-resources": ("0.85", "0.03", "95"),
    "local-finance": ("0.82", "0.03", "94.5"),
    "market-regulation": ("0.80", "0.05", "94"),
    "health": ("0.78", "0.05", "93.5"),
    "ecology-environment": ("0.75", "0.05", "93"),
    "natural-resources": ("0.74", "0.06", "92.5"),
    "housing-fund": ("0.80", "0.04", "94"),
    "public-resources": ("0.78", "0.04", "93.5"),
}
# The research group's scores (see Tuning above).
RESEARCH = {
    "education": "83",
    "civil-affairs": "82.5",
    "public-security": "81.8",
    "transport": "80.5",
    "housing": "79.2",
    "urban-management": "81",
    "culture-tourism": "99.17",
    "human-resources": "95.62",
    "medical-insurance": "95.73",
    "water-resources": "84.2",
    "local-finance": "83.5",
    "market-regulation": "83",
    "health": "82.5",
    "ecology-environment": "81.8",
    "natural-resources": "81.5",
    "housing-fund": "83",
    "public-resources": "82.5",
}
JUSTIFICATION = "“四不两直”实地走访、座谈和问卷核实：重点整改问题已按承诺的时限和措施推进。"


def ratings_for(slug: str, n: int) -> list[str]:
    """n ratings for a department: satisfied first, then basic, then dissatisfied."""
    satisfied_share, dissatisfied_share, _ = PROFILE[slug]
    satisfied = int((Decimal(satisfied_share) * n).to_integral_value())
    dissatisfied = int((Decimal(dissatisfied_share) * n).to_integral_value())
    basic = n - satisfied - dissatisfied
    return (
        [Rating.SATISFIED] * satisfied
        + [Rating.BASIC] * basic
        + [Rating.DISSATISFIED] * dissatisfied
    )


def committee_for(slug: str) -> list[Decimal]:
    centre = Decimal(PROFILE[slug][2])
    return [min(Decimal(100), centre + d) for d in COMMITTEE_SPREAD]


def _members(city) -> list[User]:
    """The first MEMBERS committee members the selection demo created (member, member2, ...),
    in a fixed order, so the ballots are the same on every run."""
    members = sorted(
        User.objects.filter(role=Role.MEMBER, organizer=city, username__startswith="member"),
        key=lambda u: int(u.username.removeprefix("member") or 1),
    )[:MEMBERS]
    if len(members) < MEMBERS:
        raise RuntimeError("the scores demo needs the committee members of the selection demo")
    return members


def load() -> None:
    campaign = Campaign.objects.get(slug="2021")
    if campaign.score_sheets.filter(published_at__isnull=False).exists():
        return
    staff = User.objects.get(username="staff")
    researcher = User.objects.get(username="research")
    config_update(campaign=campaign, actor=staff, **WEIGHTS)
    members = _members(campaign.organizer)
    for batch in campaign.batches.order_by("number"):
        with clock.at(EVALUATED_ON[batch.number]):
            _evaluate(
                batch,
                staff,
                researcher,
                members,
                phone=13905330000 + VOTERS_PER_BATCH * (batch.number - 1),
            )
    with clock.at(clock.RESULTS_PUBLISHED):
        sheet = sheet_recompute(campaign=campaign, actor=staff)
        sheet_publish(sheet=sheet, actor=staff)


# The day each batch's evaluation inputs are taken, inside its 成效评价 stage
# (demo/selection.py: batch 1 from 2021-08-16, batch 2 from 2021-10-11).
EVALUATED_ON = {
    1: dt.datetime(2021, 8, 20, 10, 0, tzinfo=clock.TZ),
    2: dt.datetime(2021, 10, 20, 10, 0, tzinfo=clock.TZ),
}


def _evaluate(batch, staff, researcher, members, *, phone: int) -> None:
    """Research scores, the committee session, the survey and the public vote of a batch."""
    evaluated = list(
        EvaluatedDepartment.objects.filter(batch=batch).select_related("department", "campaign")
    )
    slugs = {ev.id: ev.department.slug for ev in evaluated}
    for ev in evaluated:
        research_score_set(
            evaluated=ev,
            score=RESEARCH[ev.department.slug],
            justification=JUSTIFICATION,
            actor=researcher,
        )
    session = session_open(batch=batch, actor=staff)
    for index, member in enumerate(members):
        scores = {ev.id: committee_for(slugs[ev.id])[index] for ev in evaluated}
        committee_ballot_submit(session=session, member=member, scores=scores)
    session_close(session=session, actor=staff)

    survey = survey_create(batch=batch, title=f"{batch.name}突出问题整改成效评价", actor=staff)
    for group, n in SURVEY_GROUPS.items():
        respondents_add(survey=survey, group=group, count=n, label="", actor=staff)
        ratings = {ev.id: ratings_for(slugs[ev.id], n) for ev in evaluated}
        for i, respondent in enumerate(survey.respondents.filter(group=group).order_by("id")):
            survey_answer_submit(
                respondent=respondent,
                answers={ev_id: (ratings[ev_id][i], "") for ev_id in ratings},
            )

    vote = vote_set_open(batch=batch, is_open=True, actor=staff)
    ratings = {ev.id: ratings_for(slugs[ev.id], VOTERS_PER_BATCH) for ev in evaluated}
    with override_settings(SMS_BACKEND="scoring.sms.LocmemSmsBackend"):
        for i in range(VOTERS_PER_BATCH):
            phone += 1
            ip = f"112.{batch.number}.{i}.8"
            code_request(vote=vote, phone=str(phone), client_ip=ip)
            public_ballot_submit(
                vote=vote,
                phone=str(phone),
                code=sms.outbox.pop()["code"],
                ratings={ev_id: r[i] for ev_id, r in ratings.items()},
                client_ip=ip,
            )
    vote_set_open(batch=batch, is_open=False, actor=staff)
