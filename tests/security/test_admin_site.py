"""Issue 17: /admin/ is for admins only, and it speaks Chinese."""

import re
from html.parser import HTMLParser

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


# ----------------------------------------------------------- no English on admin pages
# Proper nouns and formats an admin reads as they are.
ALLOWED_WORDS = {"IP", "API", "URL", "ID", "XLSX", "Excel", "HTTP", "Accept", "GET", "POST"}
# Attributes a screen reader reads out or a browser shows.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


class PageText(HTMLParser):
    """What a person sees or hears on a page: text outside scripts and styles, the read
    attributes, and the labels of buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        values = dict(attrs)
        self.texts.extend(values[a] for a in READ_ATTRIBUTES if values.get(a))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def english_on(html: str, data: set[str]) -> list[str]:
    """English words on the page that are neither an allowed name nor data: usernames,
    paths, axes' "<unknown>" for a missing browser name, the masked password hash."""
    data = {*data, "<unknown>"}
    parser = PageText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for datum in data:
            text = text.replace(datum, " ")
        for token in text.split():
            if token.startswith("/") or "*" in token:
                continue
            found.extend(w for w in ASCII_WORD.findall(token) if w not in ALLOWED_WORDS)
    return found


def test_the_pages_an_admin_walks_through_have_no_english_labels(client, settings):
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessLog

    from accounts import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = AdminFactory(username="guanli")
    member = ROLE_FACTORIES[Role.MEMBER](username="weiyuan", name="委员甲")
    services.user_password_reset(user=member, actor=admin)
    # An entry with no actor (a command's) and failed and successful sign-ins for axes.
    system_entry = LogEntry.objects.log_create(
        member, action=LogEntry.Action.UPDATE, changes={"name": ["甲", "乙"]}, force_log=True
    )
    client.post(reverse("accounts:login"), {"username": "weiyuan", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "guanli", "password": "wrong"})
    client.force_login(admin)
    AccessLog.objects.create(username="guanli", ip_address="127.0.0.1", user_agent="<unknown>")
    assert AccessAttempt.objects.exists()
    data = {"guanli", "weiyuan", "md5"}  # usernames, the hasher's name by the password

    pages = [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[member.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:auditlog_logentry_changelist"),
        reverse("admin:auditlog_logentry_change", args=[system_entry.pk]),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:axes_accessfailurelog_changelist"),
        reverse("admin:axes_accesslog_changelist"),
        reverse("admin:axes_accessattempt_change", args=[AccessAttempt.objects.first().pk]),
        reverse("admin:axes_accesslog_change", args=[AccessLog.objects.first().pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_on(response.content.decode(), data) == [], url

    audit = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "（系统）" in audit  # the entry without an actor, auditlog's "system"
    assert ">用户<" in audit  # the object-type filter by name, not auditlog's "user"
    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "登录失败：weiyuan" in attempts and ">状态<" in attempts


def test_english_on_finds_english_labels():
    html = '<h1>Model name</h1><img alt="Search"><td>guanli</td><td>/accounts/login/</td>'

    assert english_on(html, {"guanli"}) == ["Model", "name", "Search"]


@pytest.mark.django_db
@pytest.mark.parametrize("department", ["zz", "²", "1,zz"])
def test_an_add_form_prefilled_with_a_relation_that_is_no_id_starts_empty(client, department):
    """Found by the malformed-input walk as an admin: /admin/accounts/user/add/?department=zz
    made the department widget's lookup raise ValueError while the page was drawn."""
    client.force_login(AdminFactory())

    response = client.get(reverse("admin:accounts_user_add"), {"department": department})

    assert response.status_code == 200
