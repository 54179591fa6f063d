"""What a walk through the workspaces in Chromium found (r2walk): every inbox line's anchor
exists on the page it opens, also when nothing waits; the staff find the official documents
from their home; every workspace home links the password change."""

import pytest
from django.urls import reverse

from core.audit import audit_event
from tests.factories import (
    AdminFactory,
    BatchFactory,
    CampaignFactory,
    DeputyFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    ResearcherFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def test_liaison_without_reminders_sees_that_none_wait_where_the_inbox_points(client):
    client.force_login(LiaisonFactory())

    html = client.get(reverse("rectification:liaison")).content.decode()

    assert 'id="notices"' in html and "暂无整改提醒。" in html


def test_liaison_empty_returned_list_has_a_grey_zero(client):
    client.force_login(LiaisonFactory())

    html = client.get(reverse("rectification:liaison"), {"show": "returned"}).content.decode()

    assert '<span class="badge badge-muted">0</span>' in html
    assert "没有被退回的进展。" in html


def test_member_without_open_sessions_sees_the_section_the_inbox_points_to(client):
    client.force_login(MemberFactory())

    html = client.get(reverse("accounts:workspace-member")).content.decode()

    assert 'id="committee-sessions"' in html
    assert "当前没有进行中的电子表决测评。" in html
    assert 'id="votes"' in html


def test_staff_home_links_the_campaigns_official_documents(client):
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer)
    EvaluatedDepartmentFactory(batch=batch)
    client.force_login(staff)

    html = client.get(reverse("accounts:workspace-staff")).content.decode()
    url = reverse("campaigns-staff:documents", args=[batch.campaign.slug])

    assert f'href="{url}">评议公文</a>' in html
    assert client.get(url).status_code == 200


def test_member_home_does_not_link_staff_pages(client):
    member = MemberFactory()
    BatchFactory(campaign__organizer=member.organizer)
    client.force_login(member)

    html = client.get(reverse("accounts:workspace-member")).content.decode()

    assert "评议公文" not in html


@pytest.mark.parametrize(
    ("factory", "home"),
    [
        (StaffFactory, "accounts:workspace-staff"),
        (LiaisonFactory, "accounts:workspace-liaison"),
        (MemberFactory, "accounts:workspace-member"),
        (ResearcherFactory, "accounts:workspace-researcher"),
        (DeputyFactory, "accounts:workspace-deputy"),
        (AdminFactory, "accounts:workspace-admin"),
    ],
)
def test_every_workspace_home_links_the_password_change(client, factory, home):
    client.force_login(factory())

    html = client.get(reverse(home)).content.decode()

    assert f'href="{reverse("accounts:password-change")}">修改密码</a>' in html


def test_a_reset_password_is_changed_at_the_next_sign_in_not_the_first(client):
    client.force_login(AdminFactory())
    member = MemberFactory()

    html = client.post(
        reverse("accounts:user-password", args=[member.pk]), {"password": ""}
    ).content.decode()

    assert "该用户下次登录时必须修改密码。" in html and "首次登录" not in html


def test_a_new_account_changes_its_password_at_the_first_sign_in(client):
    client.force_login(AdminFactory())
    organizer = MemberFactory().organizer

    html = client.post(
        reverse("accounts:user-new"),
        {"username": "new-member", "name": "新委员", "role": "member", "organizer": organizer.pk},
    ).content.decode()

    assert "该用户首次登录时必须修改密码。" in html


def test_user_form_empty_choices_read_as_not_chosen(client):
    client.force_login(AdminFactory())

    html = client.get(reverse("accounts:user-new")).content.decode()

    assert "---------" not in html
    assert html.count('<option value="" selected>（不选）</option>') == 5


def test_audit_log_filter_names_object_types_in_chinese(client):
    admin = AdminFactory()
    campaign = CampaignFactory()
    audit_event(target=campaign, actor=admin, changes={"title": ("", campaign.title)})
    client.force_login(admin)

    html = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()

    assert f">{campaign._meta.verbose_name}</a>" in html
    assert ">campaign</a>" not in html
