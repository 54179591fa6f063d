"""Issue 17: admins manage users and roles at /workspace/admin/users/; every change audited;
a new or reset password must be changed at the next sign-in."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts import services
from accounts.models import DeputyLevel, Role, User
from tests.confirming import review_form
from tests.factories import (
    PASSWORD,
    ROLE_FACTORIES,
    AdminFactory,
    DepartmentFactory,
    DeputyFactory,
    LiaisonFactory,
    MemberFactory,
    OrganizerFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

USER_URLS = ["accounts:users", "accounts:user-new", "accounts:users-import"]


def _entries(user):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk)
    ).order_by("pk")


def _profile(**overrides):
    data = {
        "username": "new-liaison",
        "name": "赵联络",
        "phone": "13900000000",
        "email": "",
        "role": Role.LIAISON,
        "organizer": "",
        "department": "",
        "deputy_level": "",
        "district": "",
        "town": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------- access
@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_admins_open_the_user_pages(client, role):
    user = ROLE_FACTORIES[role]()
    other = DeputyFactory()
    client.force_login(user)

    for name in USER_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("accounts:user", args=[other.pk])).status_code == 403
    client.post(reverse("accounts:user-active", args=[other.pk]), {"active": "0"})
    client.post(reverse("accounts:user-password", args=[other.pk]), {"password": "x" * 12})
    other.refresh_from_db()
    assert other.is_active and other.check_password(PASSWORD)


# ------------------------------------------------------------------------------ list
def test_list_searches_username_name_and_phone_and_filters(client, django_assert_max_num_queries):
    admin = AdminFactory()
    organizer = OrganizerFactory(name="淄博市人大常委会")
    department = DepartmentFactory(short_name="市住建局")
    MemberFactory(username="wang", name="王常委", phone="13811112222", organizer=organizer)
    LiaisonFactory(username="li", name="李联络", department=department)
    DeputyFactory(username="zhao", name="赵代表", is_active=False)
    for n in range(30):
        DeputyFactory(username=f"dep{n:02}", name=f"代表{n}")
    client.force_login(admin)
    url = reverse("accounts:users")

    with django_assert_max_num_queries(8):  # the same for 30 rows as for 3: no N+1
        page = client.get(url).content.decode()
    assert "王常委" in page and "淄博市人大常委会" in page and "市住建局" in page

    def names(**params):
        response = client.get(url, params)
        return {u.username for u in response.context["page"]}

    assert names(q="1111") == {"wang"}
    assert names(q="李联") == {"li"}
    assert names(q="zha") == {"zhao"}
    assert names(role=Role.LIAISON) == {"li"}
    assert names(organizer=organizer.pk) == {"wang"}
    assert names(department=department.pk) == {"li"}
    assert names(active="0") == {"zhao"}
    assert len(names(role=Role.DEPUTY)) == 31


def test_list_is_paginated(client):
    client.force_login(AdminFactory())
    for n in range(55):
        DeputyFactory(username=f"p{n:03}")
    url = reverse("accounts:users")

    first = client.get(url, {"role": Role.DEPUTY})
    second = client.get(url, {"role": Role.DEPUTY, "page": 2})

    assert first.context["page"].paginator.count == 55
    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 5
    assert "role=deputy&amp;page=2" in first.content.decode()


# ---------------------------------------------------------------------------- create
def test_admin_creates_a_liaison_who_must_change_the_password(client):
    admin = AdminFactory()
    department = DepartmentFactory()
    client.force_login(admin)

    response = client.post(
        reverse("accounts:user-new"), _profile(department=department.pk, password="")
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(username="new-liaison")
    password = response.context["password"]
    assert password in response.content.decode()
    assert user.check_password(password) and user.must_change_password
    assert (user.role, user.department, user.is_staff) == (Role.LIAISON, department, False)
    created = _entries(user).get(action=LogEntry.Action.CREATE)
    assert created.actor == admin
    assert "password" not in created.changes


def test_admin_may_set_the_initial_password(client):
    client.force_login(AdminFactory())
    department = DepartmentFactory()

    client.post(
        reverse("accounts:user-new"),
        _profile(department=department.pk, password="Chosen-pass-2026"),
    )

    assert User.objects.get(username="new-liaison").check_password("Chosen-pass-2026")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": Role.LIAISON}, "department", "部门联络员须选择所属部门"),
        ({"role": Role.MEMBER}, "organizer", "须选择所属人大常委会"),
        ({"role": Role.STAFF}, "organizer", "须选择所属人大常委会"),
        ({"role": Role.DEPUTY}, "deputy_level", "人大代表须选择代表层级"),
    ],
)
def test_role_requirements_are_refused_in_chinese(client, overrides, field, message):
    client.force_login(AdminFactory())

    response = client.post(reverse("accounts:user-new"), _profile(**overrides))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(username="new-liaison").exists()


def test_a_weak_initial_password_is_refused(client):
    client.force_login(AdminFactory())
    department = DepartmentFactory()

    response = client.post(
        reverse("accounts:user-new"), _profile(department=department.pk, password="123")
    )

    assert response.status_code == 400
    assert not User.objects.filter(username="new-liaison").exists()


# ------------------------------------------------------------------------------ edit
def test_admin_changes_role_organizer_and_department_audited(client):
    admin = AdminFactory()
    liaison = LiaisonFactory()
    organizer = OrganizerFactory()
    client.force_login(admin)

    response = client.post(
        reverse("accounts:user", args=[liaison.pk]),
        _profile(
            username=liaison.username, role=Role.MEMBER, organizer=organizer.pk, name="新姓名"
        ),
    )

    assert response.status_code == 302
    liaison.refresh_from_db()
    assert (liaison.role, liaison.organizer, liaison.department) == (
        Role.MEMBER,
        organizer,
        None,
    )
    entry = _entries(liaison).filter(action=LogEntry.Action.UPDATE).last()
    assert entry.actor == admin
    assert {"role", "organizer", "department", "name"} <= set(entry.changes)


def test_making_someone_admin_opens_django_admin_and_taking_it_away_closes_it(client):
    admin = AdminFactory()
    staff = StaffFactory()
    client.force_login(admin)
    url = reverse("accounts:user", args=[staff.pk])

    client.post(url, _profile(username=staff.username, role=Role.ADMIN))
    staff.refresh_from_db()
    assert (staff.role, staff.is_staff, staff.is_superuser) == (Role.ADMIN, True, True)

    client.post(url, _profile(username=staff.username, role=Role.DEPUTY, deputy_level="city"))
    staff.refresh_from_db()
    assert (staff.is_staff, staff.is_superuser) == (False, False)


def test_an_admin_cannot_drop_their_own_admin_role(client):
    admin = AdminFactory()
    client.force_login(admin)

    response = client.post(
        reverse("accounts:user", args=[admin.pk]),
        _profile(username=admin.username, role=Role.DEPUTY, deputy_level=DeputyLevel.CITY),
    )

    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_edit_page_has_no_delete_button(client):
    client.force_login(AdminFactory())
    member = MemberFactory()

    page = client.get(reverse("accounts:user", args=[member.pk])).content.decode()

    assert "停用账号" in page and "重置密码" in page
    assert "delete" not in page and ">删除<" not in page and "删除账号" not in page


# ---------------------------------------------------------------- deactivate / reactivate
def test_deactivation_goes_through_a_review_and_is_audited(client):
    admin = AdminFactory()
    member = MemberFactory()
    client.force_login(admin)
    url = reverse("accounts:user-active", args=[member.pk])

    review = client.post(url, {"active": "0"})
    assert review.status_code == 200 and "确认停用" in review.content.decode()
    member.refresh_from_db()
    assert member.is_active  # nothing written by the review

    action, fields = review_form(review)
    client.post(action or url, fields)
    member.refresh_from_db()
    assert not member.is_active
    assert User.objects.filter(pk=member.pk).exists()  # never deleted
    entry = _entries(member).last()
    assert entry.actor == admin and entry.changes["is_active"] == [True, False]

    client.post(url, {"active": "1"})
    member.refresh_from_db()
    assert member.is_active


def test_a_deactivated_account_cannot_sign_in(client):
    member = MemberFactory(is_active=False)

    response = client.post(
        reverse("accounts:login"), {"username": member.username, "password": PASSWORD}
    )

    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_an_admin_cannot_deactivate_themselves():
    admin = AdminFactory()
    with pytest.raises(services.ValidationError):
        services.user_set_active(user=admin, actor=admin, active=False)
    admin.refresh_from_db()
    assert admin.is_active


# -------------------------------------------------------------------- password reset
def test_password_reset_generates_a_temporary_password_shown_once_and_audited(client):
    admin = AdminFactory()
    member = MemberFactory()
    client.force_login(admin)

    response = client.post(reverse("accounts:user-password", args=[member.pk]), {"password": ""})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["password"]
    member.refresh_from_db()
    assert member.check_password(password) and member.must_change_password
    entries = list(_entries(member))
    assert any(
        e.actor == admin and "password" in e.changes and "重置" in e.changes["password"][1]
        for e in entries
    )
    for entry in entries:
        text = str(entry.changes)
        assert member.password not in text and password not in text  # no hash, no password


# ------------------------------------------------------------- forced password change
def test_a_user_who_must_change_the_password_is_held_on_the_change_page(client):
    department = DepartmentFactory()
    user, password = services.user_create(
        actor=AdminFactory(),
        data={"username": "lia", "name": "联络员", "role": Role.LIAISON, "department": department},
    )
    login = client.post(reverse("accounts:login"), {"username": "lia", "password": password})
    assert login.status_code == 302

    for url in (
        reverse("accounts:workspace-liaison"),
        reverse("accounts:workspace"),
        reverse("rectification:liaison"),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse(
            "accounts:password-change"
        ), url

    page = client.get(reverse("accounts:password-change"))
    assert page.status_code == 200 and "旧密码" in page.content.decode()

    changed = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": password,
            "new_password1": "My-own-pass-2026",
            "new_password2": "My-own-pass-2026",
        },
    )
    assert changed.status_code == 302 and changed.url == reverse("accounts:workspace-liaison")
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("My-own-pass-2026")
    assert client.get(reverse("accounts:workspace-liaison")).status_code == 200
    entry = _entries(user).last()
    assert entry.actor == user and entry.changes["must_change_password"] == [True, False]


def test_a_wrong_old_password_keeps_the_block(client):
    user = MemberFactory(must_change_password=True)
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "Xy-pass-20261",
            "new_password2": "Xy-pass-20261",
        },
    )

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.must_change_password


def test_the_admin_workspace_links_to_the_user_pages(client):
    client.force_login(AdminFactory())

    page = client.get(reverse("accounts:workspace-admin")).content.decode()

    assert reverse("accounts:users") in page and reverse("accounts:users-import") in page
    assert "/admin/accounts/user/" not in page


def test_the_staff_workspace_offers_no_admin_links_to_staff(client):
    client.force_login(StaffFactory())

    page = client.get(reverse("accounts:workspace-staff")).content.decode()

    assert "/admin/" not in page
