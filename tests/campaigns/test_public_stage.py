"""Issue 14: the stage (and its planned dates) governs the public actions: suggestions in
征集意见建议, surveys and the online public vote in 成效评价; outside it, GET explains when and
POST is refused on the server."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import StagePlan, StageTransition
from campaigns.stages import CLOSED, OPEN, UPCOMING, Stage, Window, combined_window, stage_window
from issues.models import SourceType, Suggestion
from scoring.models import PublicVoter, SurveyParticipation
from scoring.services.public_vote import vote_set_open
from scoring.services.surveys import respondents_add, survey_create
from tests.factories import BatchFactory, CampaignFactory, EvaluatedDepartmentFactory
from tests.scoring.factories import campaign_with_batch

D = dt.date
MAY_1 = D(2021, 5, 1)


def window(current, start=None, end=None, today=MAY_1, stage=Stage.SUGGESTIONS, **kw):
    return stage_window(
        stage=stage,
        current=Stage(current),
        planned_start=start,
        planned_end=end,
        actual_start=kw.get("actual_start"),
        actual_end=kw.get("actual_end"),
        today=today,
    )


# ----------------------------------------------------------------------- pure rules
def test_open_only_in_its_stage_and_dates():
    assert window("suggestions", D(2021, 3, 1), D(2021, 6, 15)).state == OPEN
    assert window("suggestions").state == OPEN  # no dates: the stage alone decides
    assert window("suggestions", D(2021, 5, 2), None).state == UPCOMING
    assert window("suggestions", None, D(2021, 4, 30)).state == CLOSED
    assert window("selection", D(2021, 3, 1), D(2021, 6, 15)).state == UPCOMING
    late = window("key_issues", D(2021, 3, 1), D(2021, 6, 15), actual_end=D(2021, 6, 14))
    assert late.state == CLOSED and late.end == D(2021, 6, 14)
    # 2026-11-30, the 2021 batch still (wrongly) in collection: closed by its planned end.
    assert window("suggestions", D(2021, 3, 1), D(2021, 6, 15), today=D(2026, 11, 30)).is_closed


def test_one_window_over_several_batches():
    s = Stage.SUGGESTIONS
    done = Window(s, CLOSED, D(2021, 3, 5), D(2021, 4, 16))
    later = Window(s, UPCOMING, D(2021, 5, 11), D(2021, 6, 15))
    now = Window(s, OPEN, D(2021, 5, 11), None)
    assert combined_window(s, [done, now]).is_open
    assert combined_window(s, [done, later]) == later
    assert combined_window(s, [done, Window(s, CLOSED, D(2021, 5, 11), D(2021, 6, 15))]).end == D(
        2021, 6, 15
    )
    assert combined_window(s, []).is_upcoming


# --------------------------------------------------------------------- suggestions
def collecting_campaign(stage="suggestions"):
    campaign = CampaignFactory(year=2021)
    batch = BatchFactory(campaign=campaign, number=1, stage=stage)
    ev = EvaluatedDepartmentFactory(batch=batch)
    StagePlan.objects.create(
        batch=batch, stage="suggestions", planned_start=D(2021, 3, 1), planned_end=D(2021, 6, 15)
    )
    return campaign, batch, ev


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC), tick=False)
def test_suggestions_outside_collection_are_refused_on_get_and_post(client):
    campaign, batch, ev = collecting_campaign(stage="rectification")
    StageTransition.objects.create(
        batch=batch,
        from_stage="suggestions",
        to_stage="key_issues",
        at=dt.datetime(2021, 6, 15, 1, tzinfo=dt.UTC),
    )
    url = reverse("issues:suggest", args=[campaign.slug])

    page = client.get(url)
    refused = client.post(
        url, {"department": ev.pk, "source_type": SourceType.PUBLIC, "text": "路灯不亮。"}
    )

    body = page.content.decode()
    assert page.status_code == 200 and "提出意见建议已经结束" in body
    assert "2021年6月15日" in body and reverse("issues:receipt") in body
    assert 'name="altcha"' not in body
    assert refused.status_code == 403 and not Suggestion.objects.exists()
    detail = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert url not in detail  # no "提出意见建议" button or header link


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2021, 2, 1, 10, tzinfo=dt.UTC), tick=False)
def test_suggestions_before_collection_say_when_it_opens(client):
    campaign, _, _ = collecting_campaign(stage="selection")

    response = client.get(reverse("issues:suggest", args=[campaign.slug]))

    body = response.content.decode()
    assert "提出意见建议尚未开始" in body and "2021年3月1日" in body


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2021, 4, 1, 10, tzinfo=dt.UTC), tick=False)
def test_suggestion_form_and_button_while_collecting(client):
    campaign, _, _ = collecting_campaign()
    url = reverse("issues:suggest", args=[campaign.slug])

    assert 'name="altcha"' in client.get(url).content.decode()
    detail = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert detail.count(f'href="{url}"') == 2  # the button and the header link
    assert 'aria-current="step"' in detail and "（当前阶段）" in detail


# ----------------------------------------------------------- surveys, public vote
@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["rectification", "published"])
def test_survey_answer_page_outside_evaluation_is_refused(client, stage):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    survey = survey_create(batch=batch, title="第一批评价", actor=staff)
    respondents_add(survey=survey, group="public", count=1, label="", actor=staff)
    batch.stage = stage
    batch.save(update_fields=["stage"])
    url = reverse("scoring:answer", args=[survey.respondents.get().token])

    page = client.get(url)
    refused = client.post(url, {f"rating_{a.pk}": "satisfied"})

    assert page.status_code == 200 and "问卷调查" in page.content.decode()
    assert "成效评价" in page.content.decode()
    assert refused.status_code == 403 and not SurveyParticipation.objects.exists()


@pytest.mark.django_db
def test_public_vote_outside_evaluation_is_refused(client, settings):
    from scoring import sms

    settings.SMS_BACKEND = "scoring.sms.LocmemSmsBackend"
    sms.outbox.clear()  # the locmem outbox is module-wide: earlier tests leave codes in it
    staff, campaign, batch, _ = campaign_with_batch(1)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    batch.stage = "published"
    batch.save(update_fields=["stage"])
    url = reverse("scoring:public-vote", args=[campaign.slug, 1])

    page = client.get(url)
    refused = client.post(url, {"action": "code", "phone": "13812345678"})

    assert page.status_code == 200 and "网上社会投票已经结束" in page.content.decode()
    assert refused.status_code == 403 and not PublicVoter.objects.exists()
    assert not sms.outbox
