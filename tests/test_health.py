import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["broker"]["ok"] is True
    expected_mode = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "broker"
    assert body["broker"]["mode"] == expected_mode


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_does_not_answer(client):
    # A port nothing listens on: the broker "is down".
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        HEALTHZ_TIMEOUT=0.5,
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True
