"""Issue 17: /admin/ is for admins only, and it speaks Chinese."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Role
from tests.factories import ROLE_FACTORIES, AdminFactory, StaffFactory

pytestmark = pytest.mark.django_db

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def test_admin_index_names_every_app_and_model_in_chinese(client):
    client.force_login(AdminFactory())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    labels = []
    for app in response.context["app_list"]:
        labels.append(str(app["name"]))
        labels.extend(str(model["name"]) for model in app["models"])
    assert "审计日志" in labels and "登录失败记录" in labels
    english = [label for label in labels if ASCII_WORD.search(label)]
    assert english == []
    page = response.content.decode()
    for text in ("AUDIT LOG", "Log entries", "Access attempts", "Access failures", "Access logs"):
        assert text not in page


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_every_role_but_admin_gets_403_in_the_admin(client, role):
    user = ROLE_FACTORIES[role]()
    # Even with Django's staff flag and every model permission: the role decides.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)

    for url in (
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:departments_department_changelist"),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_staff_signing_in_on_the_admin_login_page_is_refused_the_admin(client):
    staff = StaffFactory()
    client.force_login(staff)

    assert client.get(reverse("admin:index")).status_code == 403


def test_user_admin_shows_the_role_and_hides_djangos_permission_flags(client):
    client.force_login(AdminFactory())
    member = ROLE_FACTORIES[Role.MEMBER]()

    page = client.get(reverse("admin:accounts_user_change", args=[member.pk])).content.decode()
    add = client.get(reverse("admin:accounts_user_add")).content.decode()

    assert 'name="role"' in page
    for field in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in page, field
    assert "After you" not in add and "创建后可以继续编辑" in add


def test_audit_log_and_login_records_pages_are_in_chinese(client):
    from accounts import services

    admin = AdminFactory()
    member = ROLE_FACTORIES[Role.MEMBER]()
    services.user_password_reset(user=member, actor=admin)
    client.force_login(admin)

    audit = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    axes = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()

    assert "对象类型" in audit and "1 项：密码" in audit and "下次登录须修改密码" in audit
    for english in ("Resource", "Correlation ID", "change:", ">update<", ">create<"):
        assert english not in audit, english
    for english in ("IP Address", "User Agent", "Failed Logins", "Attempt Time"):
        assert english not in axes, english
