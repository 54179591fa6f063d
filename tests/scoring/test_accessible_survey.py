"""The survey answer page (public, by token) announces its errors (issue 19): after a failed
submit it is shown again (400) with an error summary that names each unanswered question by
its number and department and links to its first choice; what was chosen is kept."""

import pytest
from django.urls import reverse

from scoring.models import SurveyParticipation, SurveyResponse
from scoring.services.surveys import respondents_add, survey_create, survey_set_open
from tests.scoring.factories import campaign_with_batch
from tests.support.a11y import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    staff, _, batch, evaluated = campaign_with_batch(3)
    survey = survey_create(batch=batch, title="第一批整改成效评价", actor=staff)
    respondents_add(survey=survey, group="public", count=1, label="群众", actor=staff)
    survey.evaluated, survey.staff = evaluated, staff
    return survey


def _url(survey):
    return reverse("scoring:answer", args=[survey.respondents.get().token])


def test_unanswered_questions_are_named_by_number_and_linked(client, survey):
    a, b, c = survey.evaluated

    response = client.post(
        _url(survey),
        {
            f"rating_{a.pk}": "satisfied",
            f"comment_{a.pk}": "课后服务明显改善",
            f"comment_{c.pk}": "还需加强",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert page.summaries == 1 and page.dangling() == []
    assert page.summary_links == [
        (f"#rating_{b.pk}_0", f"请回答第2题：{b.department.name}"),
        (f"#rating_{c.pk}_0", f"请回答第3题：{c.department.name}"),
    ]
    assert {f"rating_{b.pk}_0", f"rating_{c.pk}_2"} <= page.invalid
    assert not any(i.startswith(f"rating_{a.pk}_") for i in page.invalid)
    assert ("fieldset", f"rating_{c.pk}_error") in page.described
    # What was chosen and typed is kept.
    assert f'id="rating_{a.pk}_0" name="rating_{a.pk}" value="satisfied" required checked' in html
    assert 'value="课后服务明显改善"' in html and 'value="还需加强"' in html
    assert not SurveyResponse.objects.exists() and not SurveyParticipation.objects.exists()


def test_a_rating_that_is_not_offered_is_named_at_its_question(client, survey):
    a, b, c = survey.evaluated
    data = {f"rating_{ev.pk}": "satisfied" for ev in survey.evaluated}
    data[f"rating_{b.pk}"] = "excellent"

    response = client.post(_url(survey), data)

    assert response.status_code == 400
    assert Page(response.content.decode()).summary_links == [
        (f"#rating_{b.pk}_0", f"第2题（{b.department.name}）：评价只能是满意、基本满意或不满意")
    ]
    assert not SurveyResponse.objects.exists()


def test_a_survey_closed_meanwhile_takes_no_answer(client, survey):
    url = _url(survey)
    page_open = client.get(url)
    assert page_open.status_code == 200 and Page(page_open.content.decode()).summaries == 0
    survey_set_open(survey=survey, is_open=False, actor=survey.staff)

    response = client.post(url, {f"rating_{ev.pk}": "basic" for ev in survey.evaluated})

    assert response.status_code == 400
    html = response.content.decode()
    assert "本次评价已结束" in html
    assert Page(html).summaries == 1 and "该调查已结束" in html
    assert not SurveyResponse.objects.exists()


def test_a_complete_answer_is_taken(client, survey):
    response = client.post(_url(survey), {f"rating_{ev.pk}": "basic" for ev in survey.evaluated})

    assert response.status_code == 200 and SurveyResponse.objects.count() == 1
