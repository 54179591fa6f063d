"""The research group's and the committee member's score forms announce their errors (issue
19): a refused research score is shown again (400) in that department's row, with an error
summary naming the department and each field, linked to it; what was typed is kept; the other
rows show what is stored. A committee ballot the service refuses says why in the summary."""

import pytest
from django.urls import reverse

from scoring.models import CommitteeParticipation, ResearchScore
from scoring.services.committee import session_close, session_open
from tests.factories import MemberFactory, ResearcherFactory
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


def test_a_committee_ballot_refused_by_the_service_says_why_in_the_summary(client):
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    session = session_open(batch=batch, actor=staff)
    member = MemberFactory(organizer=campaign.organizer)
    client.force_login(member)
    session_close(session=session, actor=staff)  # closed while the member was typing

    response = client.post(reverse("scoring:ballot", args=[session.pk]), {f"score_{a.pk}": "95"})

    assert response.status_code == 400
    html = response.content.decode()
    assert Page(html).summaries == 1 and "电子表决测评已经结束，不能再提交" in html
    assert not CommitteeParticipation.objects.exists()
