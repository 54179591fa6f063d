"""Posting the same progress-update form twice (a double click, a resubmit, twenty
concurrent posts) creates one update: the one-time form token (core/formtokens.py)."""

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.formtokens import REPLAYED
from core.models import FormSubmission
from rectification.models import ProgressUpdate


def _update_url(plan):
    return reverse("rectification:liaison-update", args=[plan.key_issue_id])


def _page_tokens(client, plan) -> list[str]:
    page = client.get(reverse("rectification:liaison-issue", args=[plan.key_issue_id]))
    return re.findall(r'name="form_token" value="([^"]+)"', page.content.decode())


@pytest.mark.django_db
def test_every_form_on_the_liaison_page_gets_its_own_token(client, published_plan):
    client.force_login(published_plan.liaison)

    tokens = _page_tokens(client, published_plan)

    assert len(tokens) >= 3 and len(set(tokens)) == len(tokens)
    assert set(tokens).isdisjoint(_page_tokens(client, published_plan))


@pytest.mark.django_db
def test_double_submit_of_a_progress_update_creates_one(client, published_plan):
    plan = published_plan
    client.force_login(plan.liaison)
    token = _page_tokens(client, plan)[0]
    data = {"text": "已覆盖200所小学", "percent": "57", "form_token": token}

    first = client.post(_update_url(plan), data)
    second = client.post(_update_url(plan), data)

    assert ProgressUpdate.objects.filter(plan=plan).count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert REPLAYED in [str(m) for m in get_messages(second.wsgi_request)]


@pytest.mark.django_db
def test_a_form_without_token_still_works_and_a_fresh_token_posts_again(client, published_plan):
    plan = published_plan
    client.force_login(plan.liaison)
    data = {"text": "第二次进展", "percent": "60"}

    client.post(_update_url(plan), data)
    client.post(_update_url(plan), {**data, "form_token": _page_tokens(client, plan)[0]})

    assert ProgressUpdate.objects.filter(plan=plan).count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_updates_create_one(published_plan):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (DATABASE_URL=postgres://…)")
    plan = published_plan
    data = {"text": "同一条进展", "percent": "70", "form_token": "concurrent-token-0001"}
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def post():
        client = Client()
        client.force_login(plan.liaison)
        barrier.wait()
        try:
            statuses.append(client.post(_update_url(plan), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert statuses == [302] * 20
    assert ProgressUpdate.objects.filter(plan=plan, text="同一条进展").count() == 1
    assert FormSubmission.objects.filter(token=data["form_token"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["a\x00b" * 8, "短", "x" * 100_000])
def test_a_form_token_we_never_issued_is_ignored_not_stored(client, published_plan, token):
    """Found by the malformed-input walk on PostgreSQL: a token with a NUL reached the
    FormSubmission insert (ValueError, a 500). A token not of our shape is no token: the
    form is handled as one without it and nothing is claimed."""
    plan = published_plan
    client.force_login(plan.liaison)

    response = client.post(
        _update_url(plan), {"form_token": token, "text": "已完成排查。", "percent": "30"}
    )

    assert response.status_code in (200, 302)
    assert not FormSubmission.objects.exists()
