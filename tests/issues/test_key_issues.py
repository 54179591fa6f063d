"""Key issues: researchers propose, staff confirm, within the campaign's bounds; the stage
guard refuses to leave the key-issues stage while a department is outside them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from campaigns.stages import Stage, transition_errors
from issues import services
from issues.models import KeyIssue
from tests.factories import (
    ROLE_FACTORIES,
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    ResearcherFactory,
    StaffFactory,
)

from .factories import ConfirmedKeyIssueFactory, KeyIssueFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    campaign = CampaignFactory(key_issues_min=2, key_issues_max=3)
    return BatchFactory(campaign=campaign)


def department(batch, name):
    return EvaluatedDepartmentFactory(batch=batch, department__name=name)


def test_guard_names_each_department_outside_the_bounds(batch):
    education = department(batch, "淄博市教育局")
    civil = department(batch, "淄博市民政局")
    transport = department(batch, "淄博市交通运输局")
    ConfirmedKeyIssueFactory.create_batch(1, department=education)
    ConfirmedKeyIssueFactory.create_batch(2, department=civil)
    ConfirmedKeyIssueFactory.create_batch(4, department=transport)
    KeyIssueFactory.create_batch(3, department=education)  # proposals do not count

    errors = transition_errors(batch, Stage.KEY_ISSUES, Stage.RECTIFICATION)

    assert sorted(errors) == sorted(
        [
            "淄博市教育局已确定重点整改问题 1 个，应为 2–3 个。",
            "淄博市交通运输局已确定重点整改问题 4 个，应为 2–3 个。",
        ]
    )


def test_guard_allows_the_stage_when_every_department_is_within_bounds(batch):
    for name, n in (("淄博市教育局", 2), ("淄博市民政局", 3)):
        ConfirmedKeyIssueFactory.create_batch(n, department=department(batch, name))

    assert transition_errors(batch, Stage.KEY_ISSUES, Stage.RECTIFICATION) == []


def test_bounds_are_a_campaign_setting(batch):
    batch.campaign.key_issues_min = batch.campaign.key_issues_max = 1
    batch.campaign.save()
    ConfirmedKeyIssueFactory.create_batch(1, department=department(batch, "淄博市教育局"))

    assert transition_errors(batch, Stage.KEY_ISSUES, Stage.RECTIFICATION) == []


def test_confirming_beyond_the_upper_bound_is_refused(batch):
    ev = department(batch, "淄博市教育局")
    ConfirmedKeyIssueFactory.create_batch(3, department=ev)
    fourth = KeyIssueFactory(department=ev)
    staff = StaffFactory(organizer=batch.campaign.organizer)

    with pytest.raises(ValidationError, match="达到上限"):
        services.key_issue_confirm(key_issue=fourth, actor=staff)

    fourth.refresh_from_db()
    assert fourth.status == KeyIssue.Status.PROPOSED


def test_researcher_proposes_with_themes_and_hotline_categories(client, batch):
    ev = department(batch, "淄博市教育局")
    theme = ThemeFactory(department=ev, title="放学早无人看管")
    researcher = ResearcherFactory(organizer=batch.campaign.organizer)
    client.force_login(researcher)

    response = client.post(
        reverse("issues:key-issue-new", args=[batch.campaign.slug, ev.id]),
        {
            "title": "学校课后服务不能满足群众需求",
            "description": "放学时间与家长下班时间不衔接。",
            "hotline_categories": "教育培训/课后服务\n教育培训/校外托管",
            "themes": [theme.id],
        },
    )

    assert response.status_code == 302
    issue = KeyIssue.objects.get()
    assert issue.status == KeyIssue.Status.PROPOSED and issue.proposed_by == researcher
    assert list(issue.themes.all()) == [theme]
    assert issue.hotline_category_list == ["教育培训/课后服务", "教育培训/校外托管"]


@pytest.mark.parametrize(
    "role,allowed",
    [
        (Role.STAFF, True),
        (Role.ADMIN, True),
        (Role.RESEARCHER, False),
        (Role.MEMBER, False),
        (Role.LIAISON, False),
        (Role.DEPUTY, False),
    ],
)
def test_only_staff_confirm_key_issues(client, batch, role, allowed):
    issue = KeyIssueFactory(department=department(batch, "淄博市教育局"))
    kwargs = (
        {"organizer": batch.campaign.organizer}
        if role in (Role.STAFF, Role.RESEARCHER, Role.MEMBER)
        else {}
    )
    client.force_login(ROLE_FACTORIES[role](**kwargs))

    response = client.post(
        reverse("issues:key-issue-confirm", args=[batch.campaign.slug, issue.id])
    )

    issue.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert issue.status == KeyIssue.Status.CONFIRMED
    else:
        assert response.status_code == 403
        assert issue.status == KeyIssue.Status.PROPOSED and issue.confirmed_by is None


def test_staff_of_another_committee_cannot_see_the_board(client, batch):
    department(batch, "淄博市教育局")
    client.force_login(StaffFactory())  # another organizer

    response = client.get(reverse("issues:key-issues", args=[batch.campaign.slug]))

    assert response.status_code == 404


@pytest.mark.parametrize("key_issue", ["a\x00b", "²", str(2**70), ""])
def test_linking_a_theme_to_a_key_issue_id_that_is_no_number_is_a_404_not_a_500(
    client, batch, key_issue
):
    """Found by the malformed-input walk: the id went straight into the lookup, which raised
    ValueError for text and OverflowError for 2**70."""
    ev = department(batch, "淄博市教育局")
    theme = ThemeFactory(department=ev)
    client.force_login(StaffFactory(organizer=batch.campaign.organizer))

    response = client.post(
        reverse("issues:theme", args=[batch.campaign.slug, theme.id]),
        {"action": "link", "key_issue": key_issue},
    )

    assert response.status_code == 404
    assert not theme.key_issues.exists()


def test_staff_link_a_theme_to_a_key_issue(client, batch):
    ev = department(batch, "淄博市教育局")
    theme = ThemeFactory(department=ev)
    issue = KeyIssueFactory(department=ev)
    client.force_login(StaffFactory(organizer=batch.campaign.organizer))

    client.post(
        reverse("issues:theme", args=[batch.campaign.slug, theme.id]),
        {"action": "link", "key_issue": issue.id},
    )

    assert list(issue.themes.all()) == [theme]
