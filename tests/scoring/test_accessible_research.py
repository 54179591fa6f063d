"""The research group's score form announces its errors (issue 19): a refused score is shown
again (400) in that department's row, with an error summary naming the department and each
field, linked to it; what was typed is kept; the other rows show what is stored."""

import pytest
from django.urls import reverse

from scoring.models import ResearchScore
from tests.factories import ResearcherFactory
from tests.scoring.factories import campaign_with_batch, research
from tests.support.a11y import Page

pytestmark = pytest.mark.django_db


def test_a_refused_research_score_is_named_in_its_row(client):
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    research(b, staff, "88")
    researcher = ResearcherFactory(organizer=campaign.organizer)
    client.force_login(researcher)
    before = list(ResearchScore.objects.values())

    response = client.post(
        reverse("scoring:research", args=[campaign.slug]),
        {"evaluated": a.pk, "score": "101", "justification": " "},
    )

    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert page.summaries == 1 and page.dangling() == []
    name = a.department.name
    assert [href for href, _ in page.summary_links] == [f"#score_{a.pk}", f"#justification_{a.pk}"]
    assert all(text.startswith(f"{name}：") for _, text in page.summary_links)
    assert page.summary_links[1][1] == f"{name}：请填写评分理由"
    assert page.invalid == {f"score_{a.pk}", f"justification_{a.pk}"}
    assert f'id="score_{a.pk}" name="score" value="101"' in html
    # The other department's row shows its stored score, under its own ids.
    assert f'id="score_{b.pk}" name="score" value="88.00"' in html
    assert list(ResearchScore.objects.values()) == before
