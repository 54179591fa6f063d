import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

VOLATILE_FIELDS = {"last_login"}


def snapshot() -> dict[str, list]:
    """Every row of every model, serialised, so 'changes nothing' can be checked exactly."""
    state = {}
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session", "admin.LogEntry"}:
            continue
        rows = serializers.serialize("python", model.objects.order_by("pk"))
        for row in rows:
            for field in VOLATILE_FIELDS:
                row["fields"].pop(field, None)
        state[model._meta.label] = rows
    return state


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()

    call_command("load_demo")

    assert snapshot() == first
    assert sum(map(len, first.values())) > 100


def test_demo_has_a_login_for_every_role(capsys):
    call_command("load_demo")

    out = capsys.readouterr().out
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for username in ("staff", "liaison", "member", "research", "deputy", "admin"):
        assert username in out
    assert "pingyi2021" in out


def test_demo_logins_work(client):
    call_command("load_demo", "--quiet-logins")

    response = client.post("/accounts/login/", {"username": "liaison", "password": "pingyi2021"})
    assert response.status_code == 302
    assert client.get("/workspace/").url == "/workspace/liaison/"
