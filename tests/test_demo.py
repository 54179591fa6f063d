import re

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from accounts.models import Role, User
from campaigns.models import Batch

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


def test_demo_2021_is_coherent_with_its_stages_and_dated_in_2021():
    """Issue 14: no 2021 event carries the day the demo was loaded; both batches went
    through to results; the district campaign is still collecting suggestions."""
    import datetime as dt

    from django.utils import timezone

    from campaigns.stages import Stage
    from issues.models import Suggestion
    from rectification.models import Measure, ProgressUpdate
    from scoring.models import PublicVoter, ScoreSheet

    call_command("load_demo", "--quiet-logins")

    assert set(Batch.objects.filter(campaign__slug="2021").values_list("stage", flat=True)) == {
        Stage.PUBLISHED.value
    }
    assert Batch.objects.get(campaign__slug="boshan-2021").stage == Stage.SUGGESTIONS.value
    sheet = ScoreSheet.objects.get(campaign__slug="2021")
    assert timezone.localdate(sheet.published_at) == dt.date(2021, 11, 5)
    moments = [
        *ProgressUpdate.objects.values_list("created_at", flat=True),
        *ProgressUpdate.objects.exclude(published_at=None).values_list("published_at", flat=True),
        *Measure.objects.exclude(done_at=None).values_list("done_at", flat=True),
        *Measure.objects.exclude(closed_at=None).values_list("closed_at", flat=True),
        *PublicVoter.objects.values_list("voted_at", flat=True),
        *Suggestion.objects.values_list("created_at", flat=True),
        *User.objects.values_list("date_joined", flat=True),
    ]
    assert moments and {timezone.localdate(m).year for m in moments} == {2021}
    # Progress of batch 2 starts after it entered rectification (2021-07-16).
    first_batch2_update = (
        ProgressUpdate.objects.filter(plan__key_issue__department__batch__number=2)
        .order_by("created_at")
        .first()
    )
    assert timezone.localdate(first_batch2_update.created_at) >= dt.date(2021, 7, 16)


def test_demo_public_pages_tell_the_2021_story(client):
    """The finished campaign: its suggestion form is closed with the dates, lateness is the
    lateness at finish (not counted to today), the sheet's real publication date."""
    from issues.models import KeyIssue

    call_command("load_demo", "--quiet-logins")

    closed = client.get("/2021/suggest/")
    body = closed.content.decode()
    assert closed.status_code == 200 and "提出意见建议已经结束" in body
    assert "2021年5月11日" in body and "2021年6月15日" in body
    assert client.post("/2021/suggest/", {"text": "x"}).status_code == 403
    assert "提出意见建议" not in client.get("/2021/").content.decode().split("</header>")[1]
    assert 'name="altcha"' in client.get("/boshan-2021/suggest/").content.decode()

    finance = KeyIssue.objects.get(
        department__department__slug="local-finance", plan__measures__title__contains="预警平台"
    )
    page = client.get(f"/2021/progress/{finance.pk}/").content.decode()
    assert "整改阶段结束时未完成" in page
    # No day count up to today (the issue's "超过完成时限 1855 天").
    assert not re.search(r"已逾期 \d+ 天|超过完成时限 \d+ 天", page)
    assert "公布于 2021年11月5日" in client.get("/2021/scores/").content.decode()


def test_demo_published_sheet_survives_a_recompute_unchanged():
    from scoring.models import ScoreSheet
    from scoring.services.sheets import sheet_recompute

    call_command("load_demo", "--quiet-logins")
    published = ScoreSheet.objects.get(campaign__slug="2021")
    rows = list(published.rows.order_by("pk").values())

    again = sheet_recompute(campaign=published.campaign, actor=published.published_by)

    assert again.pk == published.pk and ScoreSheet.objects.count() == 1
    assert list(again.rows.order_by("pk").values()) == rows
    assert not any(row["missing"] for row in rows)
