"""Object rules (each app's permissions.py, django-rules): own department, own suggestions,
own ballot."""

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    AdminFactory,
    CampaignFactory,
    DeputyFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    StaffFactory,
)
from tests.issues.factories import KeyIssueFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def test_a_liaison_sees_only_key_issues_of_their_own_department():
    issue = KeyIssueFactory()
    own = LiaisonFactory(department=issue.department.department)
    other = LiaisonFactory()

    assert own.has_perm("issues.view_keyissue", issue)
    assert not other.has_perm("issues.view_keyissue", issue)


def test_a_deputy_sees_only_their_own_suggestions():
    deputy, other = DeputyFactory(), DeputyFactory()
    suggestion = SuggestionFactory(submitted_by=deputy)

    assert deputy.has_perm("issues.view_suggestion", suggestion)
    assert not other.has_perm("issues.view_suggestion", suggestion)


def test_staff_reach_only_their_own_committee_and_admins_all():
    evaluated = EvaluatedDepartmentFactory()
    issue = KeyIssueFactory(department=evaluated)
    own = StaffFactory(organizer=evaluated.campaign.organizer)
    foreign = StaffFactory()

    assert own.has_perm("issues.view_keyissue", issue)
    assert not foreign.has_perm("issues.view_keyissue", issue)
    assert AdminFactory().has_perm("issues.view_keyissue", issue)


def test_api_detail_applies_the_object_rule():
    campaign = CampaignFactory()
    staff = StaffFactory(organizer=campaign.organizer)
    api = APIClient()
    api.force_authenticate(StaffFactory())  # another committee

    assert api.get(f"/api/v1/campaigns/{campaign.slug}/").status_code == 404
    api.force_authenticate(staff)
    assert api.get(f"/api/v1/campaigns/{campaign.slug}/").status_code == 200


def test_rectification_rules_own_department_writes_committee_staff_review():
    from tests.rectification.factories import MeasureFactory

    measure = MeasureFactory()
    plan = measure.plan
    ev = plan.key_issue.department
    own, other = LiaisonFactory(department=ev.department), LiaisonFactory()
    staff, outsider = StaffFactory(organizer=ev.campaign.organizer), StaffFactory()

    for obj, model in ((plan, "plan"), (measure, "measure")):
        assert own.has_perm(f"rectification.view_{model}", obj)
        assert own.has_perm(f"rectification.report_{model}", obj)
        assert not own.has_perm(f"rectification.review_{model}", obj)
        assert not other.has_perm(f"rectification.view_{model}", obj)
        assert not other.has_perm(f"rectification.report_{model}", obj)
        assert staff.has_perm(f"rectification.review_{model}", obj)
        assert not staff.has_perm(f"rectification.report_{model}", obj)
        assert not outsider.has_perm(f"rectification.view_{model}", obj)
        assert AdminFactory().has_perm(f"rectification.review_{model}", obj)
