import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import WORKSPACE_ROLES
from tests.factories import PASSWORD, ROLE_FACTORIES, CampaignFactory, OrganizerFactory

pytestmark = pytest.mark.django_db

WORKSPACE_URLS = {
    "staff": "accounts:workspace-staff",
    "member": "accounts:workspace-member",
    "researcher": "accounts:workspace-researcher",
    "liaison": "accounts:workspace-liaison",
    "deputy": "accounts:workspace-deputy",
    "admin": "accounts:workspace-admin",
}
LANDING = {
    Role.STAFF: "accounts:workspace-staff",
    Role.MEMBER: "accounts:workspace-member",
    Role.RESEARCHER: "accounts:workspace-researcher",
    Role.LIAISON: "accounts:workspace-liaison",
    Role.DEPUTY: "accounts:workspace-deputy",
    Role.ADMIN: "accounts:workspace-admin",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_workspace_after_login(client, role):
    user = ROLE_FACTORIES[role]()

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse(LANDING[role])
    page = client.get(response.url)
    assert page.status_code == 200
    assert user.display_name in page.content.decode()


@pytest.mark.parametrize("workspace", WORKSPACE_URLS)
@pytest.mark.parametrize("role", list(Role))
def test_workspace_access_follows_the_role_table(client, role, workspace):
    client.force_login(ROLE_FACTORIES[role]())

    response = client.get(reverse(WORKSPACE_URLS[workspace]))

    expected = 200 if role in WORKSPACE_ROLES[workspace] else 403
    assert response.status_code == expected


def test_liaison_cannot_open_the_staff_workspace(client):
    client.force_login(ROLE_FACTORIES[Role.LIAISON]())

    response = client.get(reverse("accounts:workspace-staff"))

    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问" in body
    assert "Traceback" not in body


@pytest.mark.parametrize("workspace", WORKSPACE_URLS)
def test_anonymous_visitor_is_sent_to_login(client, workspace):
    url = reverse(WORKSPACE_URLS[workspace])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_wrong_password_shows_a_chinese_message(client):
    user = ROLE_FACTORIES[Role.STAFF]()

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "wrong"}
    )

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client):
    client.force_login(ROLE_FACTORIES[Role.STAFF]())

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert client.get(reverse("accounts:workspace-staff")).status_code == 302


def test_staff_workspace_lists_only_its_own_committees_campaigns(client):
    city, district = OrganizerFactory(), OrganizerFactory()
    own = CampaignFactory(organizer=city, title="本会评议")
    CampaignFactory(organizer=district, title="他会评议")
    client.force_login(ROLE_FACTORIES[Role.STAFF](organizer=city))

    body = client.get(reverse("accounts:workspace-staff")).content.decode()

    assert own.title in body
    assert "他会评议" not in body


def test_staff_workspace_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    from tests.factories import BatchFactory, EvaluatedDepartmentFactory

    staff = ROLE_FACTORIES[Role.STAFF]()
    campaign = CampaignFactory(organizer=staff.organizer)
    for number in (1, 2):
        batch = BatchFactory(campaign=campaign, number=number)
        EvaluatedDepartmentFactory.create_batch(15, batch=batch)
    client.force_login(staff)

    # 8 for the page and the campaign table, 8 for the inbox (one per kind of waiting item,
    # whatever the number of campaigns: tests/accounts/test_inbox.py compares 1 and 3).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("accounts:workspace-staff"))

    assert response.content.decode().count('class="chip"') == 30
