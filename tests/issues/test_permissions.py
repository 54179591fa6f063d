"""Every view checks permission on the server; a refusal changes nothing."""

import pytest
from django.urls import reverse

from accounts.models import Role
from issues.models import KeyIssue, Suggestion, Theme
from tests.factories import ROLE_FACTORIES, EvaluatedDepartmentFactory, StaffFactory

from .factories import KeyIssueFactory, SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

COMMITTEE = (Role.STAFF, Role.MEMBER, Role.RESEARCHER)


@pytest.fixture
def world():
    ev = EvaluatedDepartmentFactory()
    suggestion = SuggestionFactory(department=ev)
    theme = ThemeFactory(department=ev)
    issue = KeyIssueFactory(department=ev)
    return ev, suggestion, theme, issue


def user_for(role, ev):
    kwargs = {"organizer": ev.campaign.organizer} if role in COMMITTEE else {}
    return ROLE_FACTORIES[role](**kwargs)


def state():
    return (
        list(Suggestion.objects.values_list("id", "department", "theme", "status")),
        list(Theme.objects.values_list("id", "title")),
        list(KeyIssue.objects.values_list("id", "title", "status")),
    )


STAFF_PAGES = ["triage", "funnel", "record", "import", "export", "export-funnel"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_are_for_staff_and_admins_only(client, world, role, name):
    ev, *_ = world
    client.force_login(user_for(role, ev))

    response = client.get(reverse(f"issues:{name}", args=[ev.campaign.slug]))

    assert response.status_code == (200 if role in (Role.STAFF, Role.ADMIN) else 403)


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.STAFF, Role.ADMIN)])
def test_bulk_actions_refused_change_nothing(client, world, role):
    ev, suggestion, theme, _ = world
    client.force_login(user_for(role, ev))
    before = state()

    for data in (
        {"ids": [suggestion.id], "action": "merge_new", "title": "x"},
        {"ids": [suggestion.id], "action": "spam"},
        {"ids": [suggestion.id], "action": "assign", "target_department": ""},
    ):
        response = client.post(reverse("issues:triage", args=[ev.campaign.slug]), data)
        assert response.status_code == 403

    assert state() == before


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LIAISON, Role.DEPUTY])
def test_key_issue_proposals_refused_change_nothing(client, world, role):
    ev, *_ = world
    client.force_login(user_for(role, ev))
    before = state()

    response = client.post(
        reverse("issues:key-issue-new", args=[ev.campaign.slug, ev.id]), {"title": "新问题"}
    )

    assert response.status_code == 403
    assert state() == before


def test_anonymous_visitors_are_sent_to_login(client, world):
    ev, *_ = world
    before = state()

    response = client.post(
        reverse("issues:triage", args=[ev.campaign.slug]), {"ids": [1], "action": "spam"}
    )

    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert state() == before


def test_staff_of_another_committee_get_404_and_change_nothing(client, world):
    ev, suggestion, theme, issue = world
    client.force_login(StaffFactory())  # a different organizer
    before = state()
    slug = ev.campaign.slug

    for url in (
        reverse("issues:triage", args=[slug]),
        reverse("issues:suggestion", args=[slug, suggestion.id]),
        reverse("issues:theme", args=[slug, theme.id]),
        reverse("issues:export", args=[slug]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("issues:triage", args=[slug]), {"ids": [suggestion.id], "action": "spam"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("issues:key-issue-confirm", args=[slug, issue.id])).status_code == 404
    )
    assert state() == before


def test_staff_cannot_touch_suggestions_of_their_other_campaign_through_a_campaign_url(client):
    mine = EvaluatedDepartmentFactory()
    staff = StaffFactory(organizer=mine.campaign.organizer)
    foreign = SuggestionFactory()  # another organizer's campaign
    client.force_login(staff)

    client.post(
        reverse("issues:triage", args=[mine.campaign.slug]), {"ids": [foreign.id], "action": "spam"}
    )

    foreign.refresh_from_db()
    assert foreign.status == Suggestion.Status.RECEIVED


@pytest.mark.parametrize("role", [r for r in Role if r != Role.DEPUTY])
def test_only_deputies_use_the_deputy_form(client, world, role):
    ev, *_ = world
    client.force_login(user_for(role, ev))
    count = Suggestion.objects.count()

    response = client.post(
        reverse("issues:deputy-suggest", args=[ev.campaign.slug]), {"text": "一条建议内容。"}
    )

    assert response.status_code == 403
    assert Suggestion.objects.count() == count


@pytest.mark.parametrize("role", list(Role))
def test_themes_are_read_by_staff_and_the_research_group(client, world, role):
    ev, _, theme, _ = world
    client.force_login(user_for(role, ev))
    readers = (Role.STAFF, Role.ADMIN, Role.RESEARCHER)

    listing = client.get(reverse("issues:themes", args=[ev.campaign.slug]))
    detail = client.get(reverse("issues:theme", args=[ev.campaign.slug, theme.id]))

    assert listing.status_code == detail.status_code == (200 if role in readers else 403)


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.STAFF, Role.ADMIN)])
def test_only_staff_change_themes(client, world, role):
    ev, _, theme, issue = world
    client.force_login(user_for(role, ev))
    before = state()
    url = reverse("issues:theme", args=[ev.campaign.slug, theme.id])

    edit = client.post(url, {"title": "改名", "summary": "", "department": ev.id})
    link = client.post(url, {"action": "link", "key_issue": issue.id})

    assert edit.status_code == link.status_code == 403
    assert state() == before and not issue.themes.exists()
