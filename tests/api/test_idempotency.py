"""`Idempotency-Key` on /api/v1/ writes: a retried POST gets the first answer, no second
write; the key is per user (api/idempotency.py)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from api.models import IdempotencyKey, Scope
from rectification.models import ProgressUpdate
from tests.api.test_rectification_api import media_root, plan, session, token  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/progress-updates/"


def _post(api, plan, key, text="已覆盖200所"):  # noqa: F811
    return api.post(
        URL, {"plan": plan.pk, "text": text, "percent": 40}, format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip


def test_same_key_same_user_returns_the_stored_first_answer(plan):  # noqa: F811
    liaison = session(plan.liaison)

    first = _post(liaison, plan, "retry-1")
    again = _post(liaison, plan, "retry-1", text="重发时改了内容也不会再写")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.count() == 1


def test_without_a_key_or_with_a_new_key_each_post_writes(plan):  # noqa: F811
    liaison = session(plan.liaison)

    _post(liaison, plan, "")
    _post(liaison, plan, "a")
    _post(liaison, plan, "b")

    assert ProgressUpdate.objects.count() == 3


def test_key_is_per_user_and_bound_to_its_request(plan):  # noqa: F811
    liaison = token(plan.liaison, [Scope.RECTIFICATION_WRITE, Scope.RECTIFICATION_READ])
    created = _post(liaison, plan, "k")
    update = created.json()["id"]

    staff = session(plan.staff)
    publish = f"/api/v1/progress-updates/{update}/publish/"
    other_request = liaison.post(
        "/api/v1/measures/",
        {"plan_id": plan.pk, "title": "新措施", "deadline": "2021-12-31"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    staff_publish = staff.post(publish, HTTP_IDEMPOTENCY_KEY="k")

    assert created.status_code == 201
    assert other_request.status_code == 422 and plan.measures.count() == 2
    assert other_request.json()["error"]["code"] == "idempotency_key_reused"
    assert staff_publish.status_code == 200
    assert IdempotencyKey.objects.count() == 2


def test_a_refused_write_is_answered_the_same_on_retry(plan):  # noqa: F811
    liaison = session(plan.liaison)

    first = liaison.post(
        URL,
        {"plan": plan.pk, "text": "", "percent": 400},
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad",
    )
    again = liaison.post(
        URL,
        {"plan": plan.pk, "text": "好", "percent": 40},
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad",
    )

    assert first.status_code == again.status_code == 400
    assert ProgressUpdate.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_with_one_key_write_once(plan):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (DATABASE_URL=postgres://…)")
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def post():
        api = APIClient()
        api.force_authenticate(plan.liaison)
        barrier.wait()
        try:
            codes.append(_post(api, plan, "same").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert ProgressUpdate.objects.count() == 1
    assert codes.count(201) >= 1 and set(codes) <= {201, 409}
