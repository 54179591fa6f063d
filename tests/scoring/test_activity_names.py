"""The scoring activity log names the member once (issue 14)."""

import pytest
from django.urls import reverse

from scoring.services import committee
from tests.factories import MemberFactory
from tests.scoring.factories import campaign_with_batch

pytestmark = pytest.mark.django_db


def test_activity_log_names_the_submitting_member_once(client):
    staff, campaign, batch, (ev,) = campaign_with_batch(1)
    member = MemberFactory(organizer=staff.organizer, name="周明亮")
    session = committee.session_open(batch=batch, actor=staff)
    committee.committee_ballot_submit(session=session, member=member, scores={ev.id: "90"})
    client.force_login(staff)

    page = client.get(reverse("scoring:manage", args=[campaign.slug])).content.decode()

    assert "提交了 第一批 的测评票" in page
    assert page.count("周明亮") == 1
