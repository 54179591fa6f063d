"""Bulk writes to audited models leave the same audit entries a save() would: mass triage
of suggestions, publishing vote results, counting votes, revoking API tokens. In a fixed
number of queries per chunk, not per row."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ApiClient
from campaigns import services as voting
from campaigns.models import VoteCandidate, VoteSession
from issues.models import Suggestion
from issues.services import suggestions_mark_spam, suggestions_restore
from tests.campaigns.voting_helpers import cast, open_vote
from tests.factories import AdminFactory
from tests.issues.factories import SuggestionFactory
from tests.scoring.factories import campaign_with_batch

pytestmark = pytest.mark.django_db


def updates_of(model):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action=LogEntry.Action.UPDATE
    )


def test_mass_spam_through_the_triage_page_audits_each_suggestion(client):
    staff, campaign, _batch, _evaluated = campaign_with_batch(1)
    suggestions = [SuggestionFactory(campaign=campaign) for _ in range(3)]
    client.force_login(staff)

    response = client.post(
        reverse("issues:triage", args=[campaign.slug]),
        {"action": "spam", "ids": [s.pk for s in suggestions]},
        REMOTE_ADDR="10.9.8.7",
    )

    assert response.status_code == 302
    entries = updates_of(Suggestion)
    assert sorted(int(e.object_pk) for e in entries) == sorted(s.pk for s in suggestions)
    for entry in entries:
        assert entry.actor == staff and entry.remote_addr == "10.9.8.7"
        assert entry.changes_dict["status"] == ["received", "spam"]
        assert entry.object_repr == Suggestion.objects.get(pk=entry.object_pk).receipt


def test_rows_the_bulk_write_does_not_change_get_no_entry():
    staff, campaign, _batch, _evaluated = campaign_with_batch(1)
    spam, kept = SuggestionFactory(campaign=campaign), SuggestionFactory(campaign=campaign)
    suggestions_mark_spam(campaign=campaign, ids=[spam.pk], actor=staff)

    restored = suggestions_restore(campaign=campaign, ids=[spam.pk, kept.pk], actor=staff)

    assert restored == 1
    assert [e.changes_dict["status"] for e in updates_of(Suggestion).order_by("pk")] == [
        ["received", "spam"],
        ["spam", "received"],
    ]


def test_bulk_audit_queries_do_not_grow_with_rows():
    staff, campaign, _batch, _evaluated = campaign_with_batch(1)
    few = [SuggestionFactory(campaign=campaign).pk for _ in range(2)]
    many = [SuggestionFactory(campaign=campaign).pk for _ in range(20)]
    suggestions_mark_spam(campaign=campaign, ids=[few[0]], actor=staff)  # warm caches

    with CaptureQueriesContext(connection) as small:
        suggestions_mark_spam(campaign=campaign, ids=few[1:], actor=staff)
    with CaptureQueriesContext(connection) as large:
        suggestions_mark_spam(campaign=campaign, ids=many, actor=staff)

    assert len(large.captured_queries) == len(small.captured_queries)
    assert updates_of(Suggestion).count() == 22


def test_counting_and_publishing_votes_are_audited_with_before_and_after():
    staff, _batch, voters, session, cands = open_vote(candidates=3, slots=1, members=3)
    cast(session, voters, cands, "A", "A", "B")

    voting.vote_close(session=session, actor=staff)
    voting.vote_publish(session=session, actor=staff)

    counted = updates_of(VoteCandidate).get(object_pk=str(cands[0].pk))
    assert counted.actor == staff and counted.changes_dict["votes"] == [None, 2]
    (published,) = [
        e
        for e in updates_of(VoteSession).filter(object_pk=str(session.pk))
        if e.changes_dict.get("state") == ["closed", "published"]
    ]
    assert published.actor == staff and published.changes_dict["published_by"][1]
    created = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(VoteCandidate),
        action=LogEntry.Action.CREATE,
    )
    assert created.count() == 3


def test_revoking_tokens_in_the_admin_is_audited(client):
    admin = AdminFactory()
    clients = []
    for name in ("a", "b"):
        c = ApiClient(name=name, user=admin, scopes=[])
        c.issue_key()
        c.save()
        clients.append(c)
    client.force_login(admin)

    response = client.post(
        reverse("admin:api_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [c.pk for c in clients]},
    )

    assert response.status_code == 302
    entries = updates_of(ApiClient)
    assert entries.count() == 2
    for entry in entries:
        before, after = entry.changes_dict["revoked_at"]
        assert entry.actor == admin and before is None and after
