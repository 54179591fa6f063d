"""Contact details in the suggestions export: left out by default; in the file only when
staff tick 包含联系方式 (a POST), and then an audit entry names who, when, which campaign,
how many rows and why. Whoever may not export suggestions gets neither file nor entry."""

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from campaigns.models import Campaign
from tests.factories import ROLE_FACTORIES, StaffFactory

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
COMMITTEE = (Role.STAFF, Role.MEMBER, Role.RESEARCHER)


@pytest.fixture
def suggestions():
    first = SuggestionFactory(contact=PHONE, text="路灯不亮。")
    SuggestionFactory(department=first.department, contact="zhang@example.com", text="公交慢。")
    SuggestionFactory(department=first.department, text="没有留下联系方式。")
    return first.campaign


def accesses(campaign):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Campaign),
        object_pk=str(campaign.pk),
        action=LogEntry.Action.ACCESS,
    )


def values(body: bytes) -> list:
    sheet = load_workbook(io.BytesIO(body))["意见建议"]
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


def test_default_export_has_no_contact_column_and_no_audit_entry(client, suggestions):
    client.force_login(StaffFactory(organizer=suggestions.organizer))

    response = client.get(reverse("issues:export", args=[suggestions.slug]))

    cells = values(response.content)
    assert "联系方式" not in cells
    assert PHONE not in cells and "zhang@example.com" not in cells
    assert not accesses(suggestions).exists()


def test_asking_for_contacts_exports_them_and_is_audited(client, suggestions):
    staff = StaffFactory(organizer=suggestions.organizer)
    client.force_login(staff)
    url = reverse("issues:export", args=[suggestions.slug]) + "?q=路灯"

    response = client.post(
        url, {"include_contact": "on", "reason": "回访核实", "form_token": "contacts-0001"}
    )

    assert response.status_code == 200
    assert "contacts" in response["Content-Disposition"]
    cells = values(response.content)
    assert "联系方式" in cells and PHONE in cells
    assert "zhang@example.com" not in cells  # the triage filter (q=路灯) still applies
    (entry,) = accesses(suggestions)
    assert entry.actor == staff
    assert entry.additional_data["条数"] == 1
    assert entry.additional_data["理由"] == "回访核实"
    assert "q=" in entry.additional_data["筛选条件"]
    assert entry.additional_data["读取"] == "导出意见建议（含联系方式）"
    assert entry.changes_dict["条数"] == ["", "1"]  # as the admin's audit pages show changes


def test_a_post_without_the_box_ticked_exports_no_contacts(client, suggestions):
    client.force_login(StaffFactory(organizer=suggestions.organizer))

    response = client.post(
        reverse("issues:export", args=[suggestions.slug]), {"reason": "x", "form_token": "t-0002"}
    )

    assert PHONE not in values(response.content)
    assert not accesses(suggestions).exists()


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.STAFF, Role.ADMIN)])
def test_roles_without_the_right_get_no_contacts_and_leave_no_entry(client, suggestions, role):
    kwargs = {"organizer": suggestions.organizer} if role in COMMITTEE else {}
    client.force_login(ROLE_FACTORIES[role](**kwargs))

    response = client.post(
        reverse("issues:export", args=[suggestions.slug]), {"include_contact": "on"}
    )

    assert response.status_code == 403
    assert PHONE.encode() not in response.content
    assert not accesses(suggestions).exists()


def test_staff_of_another_committee_cannot_ask(client, suggestions):
    client.force_login(StaffFactory())

    response = client.post(
        reverse("issues:export", args=[suggestions.slug]), {"include_contact": "on"}
    )

    assert response.status_code == 404
    assert not accesses(suggestions).exists()


def test_triage_page_offers_the_option_and_says_it_is_audited(client, suggestions):
    client.force_login(StaffFactory(organizer=suggestions.organizer))

    html = client.get(reverse("issues:triage", args=[suggestions.slug])).content.decode()

    assert "包含联系方式" in html and "审计日志" in html
    assert 'name="include_contact"' in html and 'name="form_token"' in html
