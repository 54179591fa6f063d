"""Scoring pages through HTTP: permissions, the input pages, publication, public pages."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from scoring.models import CommitteeParticipation, PublicBallot, ResearchScore, ScoreSheet
from scoring.services.committee import session_open
from scoring.services.public_vote import vote_set_open
from scoring.services.sheets import sheet_publish, sheet_recompute
from scoring.services.surveys import respondents_add, survey_create
from tests.confirming import post_confirmed
from tests.factories import (
    ROLE_FACTORIES,
    DeputyFactory,
    MemberFactory,
    ResearcherFactory,
    StaffFactory,
)
from tests.scoring.factories import (
    campaign_with_batch,
    committee_scores,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)

pytestmark = pytest.mark.django_db
S = "satisfied"


def complete_campaign(n=2):
    staff, campaign, batch, evs = campaign_with_batch(n)
    no_hotline(campaign, staff)
    for i, ev in enumerate(evs):
        research(ev, staff, 90 - i)
    survey_answers(batch, staff, {"public": [dict.fromkeys(evs, S)]})
    public_ballots(batch, staff, [dict.fromkeys(evs, S)])
    committee_scores(batch, staff, [{ev: 95 - i for i, ev in enumerate(evs)}])
    return staff, campaign, batch, evs


@pytest.mark.parametrize("role", list(Role))
def test_only_staff_and_admins_open_the_scoring_page(client, role):
    staff, campaign, *_ = campaign_with_batch(1)
    user = ROLE_FACTORIES[role](
        **(
            {"organizer": campaign.organizer}
            if role in (Role.STAFF, Role.MEMBER, Role.RESEARCHER)
            else {}
        )
    )
    client.force_login(user)

    response = client.get(reverse("scoring:manage", args=[campaign.slug]))

    assert response.status_code == (200 if role in (Role.STAFF, Role.ADMIN) else 403)


def test_staff_of_another_committee_get_404_and_change_nothing(client):
    staff, campaign, *_ = complete_campaign()
    client.force_login(StaffFactory())

    assert client.get(reverse("scoring:manage", args=[campaign.slug])).status_code == 404
    assert client.post(reverse("scoring:recompute", args=[campaign.slug])).status_code == 404
    assert not ScoreSheet.objects.exists()


def test_staff_recompute_publish_and_download(client):
    staff, campaign, *_ = complete_campaign()
    client.force_login(staff)

    response = client.post(reverse("scoring:recompute", args=[campaign.slug]), follow=True)
    assert "成绩表第 1 版" in response.content.decode()
    publish = reverse("scoring:publish", args=[campaign.slug, 1])
    review = client.get(publish)
    assert review.status_code == 200 and "确认公布" in review.content.decode()
    client.post(publish)  # not reviewed: refused
    assert not ScoreSheet.objects.get().is_published
    client.post(publish, {"reviewed": ScoreSheet.objects.get().inputs_digest})
    download = client.get(reverse("scoring:export", args=[campaign.slug, 1]))

    assert ScoreSheet.objects.get().is_published
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"


def test_manage_page_query_count_does_not_grow_with_ballots(client, django_assert_max_num_queries):
    staff, campaign, batch, evs = complete_campaign(3)
    sheet_recompute(campaign=campaign, actor=staff)
    client.force_login(staff)
    client.get(reverse("scoring:manage", args=[campaign.slug]))  # warm session

    with django_assert_max_num_queries(16):
        assert client.get(reverse("scoring:manage", args=[campaign.slug])).status_code == 200


def test_settings_form_refuses_bad_weights(client):
    staff, campaign, *_ = campaign_with_batch(1)
    client.force_login(staff)
    data = {
        "weight_research": "0.5",
        "weight_hotline": "0.2",
        "weight_survey": "0.25",
        "weight_public_vote": "0.1",
        "weight_committee": "0.2",
        "points_satisfied": "100",
        "points_basic": "60",
        "points_dissatisfied": "0",
        "trim_threshold": "7",
        "hotline_volume_flat_score": "80",
        "hotline_change_factor": "100",
        "hotline_s_weight": "0.7",
        "hotline_t_weight": "0.3",
        "hotline_low_sample_threshold": "30",
    }

    response = client.post(reverse("scoring:settings", args=[campaign.slug]), data)

    assert "权重之和必须等于 1，当前为 1.25" in response.content.decode()


def test_researcher_enters_a_score(client):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    researcher = ResearcherFactory(organizer=campaign.organizer)
    client.force_login(researcher)

    client.post(
        reverse("scoring:research", args=[campaign.slug]),
        {"evaluated": a.pk, "score": "93.5", "justification": "四不两直走访 12 处"},
    )

    assert ResearchScore.objects.get().entered_by == researcher


def test_member_scores_from_the_workspace_once(client):
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    session = session_open(batch=batch, actor=staff)
    member = MemberFactory(organizer=campaign.organizer)
    client.force_login(member)

    workspace = client.get(reverse("accounts:workspace-member")).content.decode()
    assert reverse("scoring:ballot", args=[session.pk]) in workspace
    data = {f"score_{a.pk}": "95", f"score_{b.pk}": "88.5"}
    unconfirmed = client.post(reverse("scoring:ballot", args=[session.pk]), data)
    assert (
        "88.5" in unconfirmed.content.decode() and "确认提交测评票" in unconfirmed.content.decode()
    )
    assert not CommitteeParticipation.objects.filter(member=member).exists()
    post_confirmed(client, reverse("scoring:ballot", args=[session.pk]), data)
    again = client.post(reverse("scoring:ballot", args=[session.pk]), data)

    assert CommitteeParticipation.objects.filter(member=member).count() == 1
    assert "您已提交测评票" in again.content.decode()


def test_survey_link_answers_once_and_deputy_sees_invitation(client):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="第一批评价", actor=staff)
    respondents_add(survey=survey, group="enterprise", count=1, label="企业", actor=staff)
    token = survey.respondents.get().token
    url = reverse("scoring:answer", args=[token])

    client.post(url, {f"rating_{a.pk}": "basic", f"comment_{a.pk}": "=cmd"})
    second = client.get(url)

    assert "已提交过评价" in second.content.decode()
    deputy = DeputyFactory()
    from scoring.services.surveys import deputies_invite

    deputies_invite(survey=survey, actor=staff)
    client.force_login(deputy)
    assert "第一批评价" in client.get(reverse("accounts:workspace-deputy")).content.decode()
    invitations = client.get(reverse("scoring:invitations", args=[campaign.slug, survey.pk]))
    assert invitations.status_code == 403


def test_invitation_sheet_has_qr_codes(client):
    staff, campaign, batch, _ = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="", actor=staff)
    respondents_add(survey=survey, group="public", count=3, label="", actor=staff)
    client.force_login(staff)

    body = client.get(
        reverse("scoring:invitations", args=[campaign.slug, survey.pk])
    ).content.decode()

    assert body.count("<svg") == 3
    assert all(r.token in body for r in survey.respondents.all())


def test_citizen_votes_with_the_console_code(client, caplog):
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    url = reverse("scoring:public-vote", args=[campaign.slug, 1])

    with caplog.at_level("INFO", logger="pingyi.sms"):
        sent = client.post(url, {"action": "code", "phone": "13812345678"})
    assert "验证码已发送" in sent.content.decode()
    code = re.search(r"验证码为 (\d{6})", caplog.text).group(1)
    assert "13812345678" not in caplog.text  # the log masks the number
    done = client.post(
        url,
        {
            "action": "vote",
            "phone": "13812345678",
            "code": code,
            f"rating_{a.pk}": S,
            f"rating_{b.pk}": "basic",
        },
    )

    assert "投票成功" in done.content.decode()
    assert PublicBallot.objects.count() == 1


def test_public_scores_page_after_publication(client):
    staff, campaign, batch, evs = complete_campaign(2)
    assert (
        "评议结果尚未公布"
        in client.get(reverse("scoring:public-scores", args=[campaign.slug])).content.decode()
    )
    sheet = sheet_recompute(campaign=campaign, actor=staff)
    sheet_publish(sheet=sheet, actor=staff)

    page = client.get(reverse("scoring:public-scores", args=[campaign.slug])).content.decode()
    dept = client.get(
        reverse("campaigns:department", args=[campaign.slug, evs[0].department.slug])
    ).content.decode()

    first = sheet.rows.get(rank_campaign=1)
    assert first.department_name in page and str(first.composite) in page
    assert 'id="scores-data"' in page and "echarts.min.js" in page
    assert str(sheet.rows.get(evaluated=evs[0]).composite) in dept


def test_sheet_page_shows_the_diff_with_the_previous_version(client):
    staff, campaign, batch, evs = complete_campaign(2)
    sheet_recompute(campaign=campaign, actor=staff)
    research(evs[1], staff, "70")
    sheet_recompute(campaign=campaign, actor=staff)
    client.force_login(staff)

    body = client.get(reverse("scoring:sheet", args=[campaign.slug, 2])).content.decode()

    assert "与第 1 版相比" in body and "问题整改成效调研 89.00 → 70.00" in body


@pytest.mark.parametrize("n", [2, 6])
def test_public_scores_page_query_count_is_fixed(client, django_assert_max_num_queries, n):
    staff, campaign, batch, evs = complete_campaign(n)
    sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)

    with django_assert_max_num_queries(5):
        assert client.get(reverse("scoring:public-scores", args=[campaign.slug])).status_code == 200


def test_staff_see_vote_totals_and_void_a_ballot_with_a_reason(client):
    from scoring.models import PublicVoter, ScoringEvent

    staff, campaign, batch, (a,) = campaign_with_batch(1)
    public_ballots(batch, staff, [{a: S}, {a: "dissatisfied"}])
    voter = PublicVoter.objects.first()
    client.force_login(staff)
    url = reverse("scoring:vote", args=[campaign.slug, 1])

    refused = client.post(url, {"voter": voter.pk, "reason": ""}, follow=True)
    assert "请填写作废原因" in refused.content.decode()
    client.post(url, {"voter": voter.pk, "reason": "同一网络一分钟内 40 票"})
    assert not PublicBallot.objects.filter(voided=True).exists()  # reviewed, not confirmed
    post_confirmed(client, url, {"voter": voter.pk, "reason": "同一网络一分钟内 40 票"})
    page = client.get(url).content.decode()

    assert PublicBallot.objects.filter(voided=True).count() == 1
    assert "已作废：同一网络一分钟内 40 票" in page
    assert ScoringEvent.objects.filter(action="public_vote.void", actor=staff).exists()


@pytest.mark.parametrize("voter", ["a\x00b", "-1", "²", "a" * 100_000, ""])
def test_voiding_a_vote_that_is_no_uuid_is_a_404_not_a_500(client, voter):
    """Found by the malformed-input walk: the voter id went into a lookup on a UUID column,
    whose ValidationError for anything else was a server error."""
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    public_ballots(batch, staff, [{a: S}])
    client.force_login(staff)

    response = client.post(
        reverse("scoring:vote", args=[campaign.slug, 1]), {"voter": voter, "reason": "重复"}
    )

    assert response.status_code == 404
    assert not PublicBallot.objects.filter(voided=True).exists()


@pytest.mark.parametrize("evaluated", ["a\x00b", "²", str(2**70)])
def test_a_research_score_for_a_department_id_that_is_no_number_is_a_404(client, evaluated):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    client.force_login(ResearcherFactory(organizer=campaign.organizer))

    response = client.post(
        reverse("scoring:research", args=[campaign.slug]),
        {"evaluated": evaluated, "score": "90", "justification": "走访"},
    )

    assert response.status_code == 404
    assert not ResearchScore.objects.exists()


def test_staff_add_link_respondents_and_see_the_rate(client):
    staff, campaign, batch, _ = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="评价", actor=staff)
    client.force_login(staff)
    url = reverse("scoring:survey", args=[campaign.slug, survey.pk])

    client.post(url, {"action": "add", "group": "enterprise", "count": "4", "label": "企业"})
    page = client.get(url).content.decode()

    assert survey.respondents.filter(group="enterprise").count() == 4
    assert "企业" in page and "0%" in page


def test_live_turnout_shows_counts_never_scores(client):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    session = session_open(batch=batch, actor=staff)
    from scoring.services.committee import committee_ballot_submit

    committee_ballot_submit(
        session=session, member=MemberFactory(organizer=campaign.organizer), scores={a.id: "87.65"}
    )
    client.force_login(staff)

    manage = client.get(reverse("scoring:manage", args=[campaign.slug])).content.decode()
    fragment = client.get(
        reverse("scoring:turnout", args=[campaign.slug, session.pk])
    ).content.decode()

    assert (
        "hx-get" in manage
        and reverse("scoring:turnout", args=[campaign.slug, session.pk]) in manage
    )
    assert '<strong class="num">1</strong>/1' in fragment
    assert "87.65" not in manage and "87.65" not in fragment


def test_live_survey_rates_fragment(client):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="评价", actor=staff)
    respondents_add(survey=survey, group="public", count=2, label="", actor=staff)
    from scoring.services.surveys import survey_answer_submit

    survey_answer_submit(respondent=survey.respondents.first(), answers={a.id: ("satisfied", "")})
    client.force_login(staff)

    fragment = client.get(
        reverse("scoring:rates", args=[campaign.slug, survey.pk])
    ).content.decode()

    assert "社会公众" in fragment and "50%" in fragment


def test_staff_scoring_acts_change_nothing_until_confirmed(client):
    """Issue 14: opening and closing electronic scoring and the public vote go through a
    review page; the first POST writes nothing."""
    from scoring.models import CommitteeSession, PublicVote

    staff, campaign, batch, _ = campaign_with_batch(1)
    client.force_login(staff)
    session_url = reverse("scoring:session-toggle", args=[campaign.slug, batch.number])
    vote_url = reverse("scoring:vote-toggle", args=[campaign.slug, batch.number])

    review = client.post(session_url, {"action": "open"})
    assert review.status_code == 200 and "确认开始测评" in review.content.decode()
    assert not CommitteeSession.objects.filter(batch=batch).exists()
    post_confirmed(client, session_url, {"action": "open"})
    session = CommitteeSession.objects.get(batch=batch)
    assert session.closed_at is None

    assert "确认结束测评" in client.post(session_url, {"action": "close"}).content.decode()
    session.refresh_from_db()
    assert session.closed_at is None
    post_confirmed(client, session_url, {"action": "close"})
    session.refresh_from_db()
    assert session.closed_at is not None

    vote_open_before = PublicVote.objects.filter(batch=batch, is_open=True).exists()
    assert "确认开始投票" in client.post(vote_url, {"action": "open"}).content.decode()
    assert PublicVote.objects.filter(batch=batch, is_open=True).exists() == vote_open_before
    post_confirmed(client, vote_url, {"action": "open"})
    assert PublicVote.objects.get(batch=batch).is_open
