"""Issue 13: a published selection-vote result is frozen: services, model, admin and API
refuse to change it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns import services
from campaigns.models import VoteCandidate, VoteSession
from tests.factories import AdminFactory

from .voting_helpers import cast, open_vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=3)
    cast(session, voters, cands, "A", "A", "B")
    services.vote_close(session=session, actor=staff)
    services.vote_publish(session=session, actor=staff)
    session.refresh_from_db()
    assert session.state == VoteSession.State.PUBLISHED
    return staff, session


def _result(session):
    return (
        VoteSession.objects.filter(pk=session.pk).values().first(),
        list(VoteCandidate.objects.filter(session=session).values().order_by("pk")),
    )


def test_services_refuse_closing_or_publishing_again(published):
    staff, session = published
    before = _result(session)
    with pytest.raises(ValidationError):
        services.vote_close(session=session, actor=staff)
    with pytest.raises(ValidationError):
        services.vote_publish(session=session, actor=staff)
    assert _result(session) == before


def test_a_published_session_and_its_candidates_refuse_save_and_delete(published):
    _, session = published
    before = _result(session)

    session.ballots_cast = 99
    with pytest.raises(ValidationError, match="已公布的票决结果不能修改或删除"):
        session.save()
    with pytest.raises(ValidationError):
        VoteSession.objects.get(pk=session.pk).delete()
    candidate = session.candidates.first()
    candidate.votes = 99
    with pytest.raises(ValidationError, match="已公布的票决结果"):
        candidate.save()
    with pytest.raises(ValidationError):
        candidate.delete()

    assert _result(session) == before


def test_a_closed_session_is_still_published_by_the_service(published):
    """The guard reads the stored state: open and closed sessions still save."""
    staff, batch, voters, session, cands = open_vote(candidates=2, slots=1, members=1)
    session.slots = 1
    session.save(update_fields=["slots"])
    cands[0].reason = "理由"
    cands[0].save(update_fields=["reason"])
    assert VoteCandidate.objects.get(pk=cands[0].pk).reason == "理由"


def test_the_admin_and_the_api_refuse_changing_a_published_result(published, client):
    staff, session = published
    before = _result(session)
    client.force_login(AdminFactory())
    change = reverse("admin:campaigns_votesession_change", args=[session.pk])
    assert client.post(change, {"ballots_cast": 99}).status_code == 403
    delete = reverse("admin:campaigns_votesession_delete", args=[session.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403

    api = APIClient()
    api.force_authenticate(staff)
    url = f"/api/v1/votes/{session.pk}/"
    assert api.get(url).status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(api, method)(url, {"ballots_cast": 99}, format="json").status_code in (
            403,
            405,
        )

    assert _result(session) == before
