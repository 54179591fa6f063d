"""Audit trail: each audited change leaves an entry with who, when, before/after and the
client address; entries cannot be changed or deleted through the app; admins read and
export them; secret ballots are never audited."""

import io
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from issues.services import key_issue_confirm, key_issue_update
from scoring.models import CommitteeBallot, CommitteeScore, PublicBallot, ResearchScore
from scoring.services.public_vote import vote_set_open
from scoring.services.research import research_score_set
from scoring.services.sheets import sheet_recompute
from tests.factories import AdminFactory, ResearcherFactory
from tests.issues.factories import KeyIssueFactory
from tests.scoring.factories import campaign_with_batch, committee_scores, no_hotline

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_score_settings_change_through_the_page_records_actor_address_and_before_after(client):
    staff, campaign, batch, _ = campaign_with_batch(1)
    no_hotline(campaign, staff)
    config = campaign.scoring_config
    client.force_login(staff)
    form = {
        "weight_research": "0.40",
        "weight_hotline": "0",
        "weight_survey": "0.20",
        "weight_public_vote": "0.20",
        "weight_committee": "0.20",
        "points_satisfied": "100",
        "points_basic": "60",
        "points_dissatisfied": "0",
    }
    from scoring.services.config import CONFIG_FIELDS

    current = {f: str(getattr(config, f)) for f in CONFIG_FIELDS if f not in form}
    response = client.post(
        reverse("scoring:settings", args=[campaign.slug]),
        {**current, **form},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    entry = entries_for(config).last()
    assert entry.actor == staff
    assert entry.remote_addr == "10.1.2.3"
    before, after = entry.changes_dict["weight_research"]
    assert Decimal(before) == Decimal("0.30") and Decimal(after) == Decimal("0.40")


def test_research_score_change_is_audited_with_before_and_after():
    staff, campaign, batch, (evaluated,) = campaign_with_batch(1)
    researcher = ResearcherFactory(organizer=staff.organizer)
    with set_actor(researcher):
        research_score_set(evaluated=evaluated, score="80", justification="初评", actor=researcher)
        research_score_set(evaluated=evaluated, score="85", justification="复核", actor=researcher)

    entry = entries_for(ResearchScore.objects.get()).last()
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == researcher
    assert [Decimal(v) for v in entry.changes_dict["score"]] == [Decimal("80"), Decimal("85")]


def test_key_issue_edit_and_confirm_are_audited():
    issue = KeyIssueFactory(title="旧标题")
    admin = AdminFactory()
    with set_actor(admin):
        key_issue_update(
            key_issue=issue,
            title="新标题",
            description="",
            hotline_categories="",
            themes=[],
            actor=admin,
        )
        key_issue_confirm(key_issue=issue, actor=admin)

    changes = [e.changes_dict for e in entries_for(issue).filter(action=LogEntry.Action.UPDATE)]
    assert changes[0]["title"] == ["旧标题", "新标题"]
    assert changes[-1]["status"][-1] == "confirmed"


def test_a_new_score_sheet_and_opening_a_public_vote_are_audited():
    staff, campaign, batch, _ = campaign_with_batch(1)
    with set_actor(staff):
        vote = vote_set_open(batch=batch, is_open=True, actor=staff)
        sheet = sheet_recompute(campaign=campaign, actor=staff)

    assert entries_for(vote).filter(actor=staff).exists()
    assert entries_for(sheet).filter(action=LogEntry.Action.CREATE).exists()


def test_a_role_change_is_audited():
    user = ResearcherFactory()
    admin = AdminFactory()
    with set_actor(admin):
        user.role = "staff"
        user.save()

    entry = entries_for(user).last()
    assert entry.actor == admin
    assert entry.changes_dict["role"] == ["researcher", "staff"]
    assert "password" not in entry.changes_dict


def test_secret_ballots_are_never_audited():
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    committee_scores(batch, staff, [{a: 90}])

    for model in (CommitteeBallot, CommitteeScore, PublicBallot):
        ct = ContentType.objects.get_for_model(model)
        assert not LogEntry.objects.filter(content_type=ct).exists()


@pytest.fixture
def superadmin_client(client):
    admin = AdminFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


def test_admins_read_the_trail_in_the_browser_but_cannot_change_or_delete_it(superadmin_client):
    client, admin = superadmin_client
    user = ResearcherFactory()
    with set_actor(admin):
        user.role = "staff"
        user.save()
    entry = entries_for(user).last()

    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code == 200
    response = client.post(
        reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"object_repr": "x"})
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()


def test_admins_export_the_trail_as_excel_with_formulas_neutralised(superadmin_client):
    client, admin = superadmin_client
    issue = KeyIssueFactory(title="普通标题")
    with set_actor(admin):
        issue.title = '=HYPERLINK("http://evil.example","点我")'
        issue.save()

    response = client.get(reverse("admin:auditlog_logentry_export"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert hostile and all(c.data_type == "s" for c in hostile)
