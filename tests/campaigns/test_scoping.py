import pytest
from django.http import Http404

from accounts.models import Role
from campaigns.selectors import campaign_for_user, campaigns_for_user
from tests.factories import (
    ROLE_FACTORIES,
    CampaignFactory,
    DistrictOrganizerFactory,
    OrganizerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_committees():
    city, district = OrganizerFactory(), DistrictOrganizerFactory()
    return city, district, CampaignFactory(organizer=city), CampaignFactory(organizer=district)


@pytest.mark.parametrize("role", [Role.STAFF, Role.MEMBER, Role.RESEARCHER])
def test_committee_roles_see_only_their_organizers_campaigns(two_committees, role):
    city, district, city_campaign, district_campaign = two_committees

    city_user = ROLE_FACTORIES[role](organizer=city)
    district_user = ROLE_FACTORIES[role](organizer=district)

    assert list(campaigns_for_user(user=city_user)) == [city_campaign]
    assert list(campaigns_for_user(user=district_user)) == [district_campaign]


def test_admin_sees_every_campaign(two_committees):
    *_, city_campaign, district_campaign = two_committees

    visible = set(campaigns_for_user(user=ROLE_FACTORIES[Role.ADMIN]()))

    assert visible == {city_campaign, district_campaign}


@pytest.mark.parametrize("role", [Role.LIAISON, Role.DEPUTY])
def test_roles_outside_a_committee_manage_no_campaign(two_committees, role):
    assert not campaigns_for_user(user=ROLE_FACTORIES[role]()).exists()


def test_a_campaign_outside_the_scope_is_not_found(two_committees):
    city, _, city_campaign, district_campaign = two_committees
    staff = ROLE_FACTORIES[Role.STAFF](organizer=city)

    assert campaign_for_user(user=staff, slug=city_campaign.slug) == city_campaign
    with pytest.raises(Http404):
        campaign_for_user(user=staff, slug=district_campaign.slug)
