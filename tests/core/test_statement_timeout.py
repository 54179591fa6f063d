"""A web request whose query runs past the statement timeout is cancelled by PostgreSQL and
answers a clear 503 (a Chinese page, or the API's JSON error) at once; the worker and its
database connection then serve the next request. Workers and commands have their own limits."""

import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from core.database import statement_timeout_apply, statement_timeout_ms
from tests.conftest import ROOT, subprocess_env
from tests.support.processes import free_port, started

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)
pytestmark = [needs_postgres, pytest.mark.django_db]


@pytest.fixture
def web_timeout(settings, client):
    """The test's connection with a 300 ms limit, as a web worker's with
    DB_STATEMENT_TIMEOUT_WEB=300 (inside the test's transaction: rolled back after)."""
    settings.ROOT_URLCONF = "tests.support.urls_slow"
    settings.DB_STATEMENT_TIMEOUT_WEB = 300
    assert client.get("/api/v1/slow/?seconds=0").status_code == 200  # URLconf, middleware
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 300")


def test_a_query_past_the_limit_answers_a_json_503_fast_and_the_connection_serves_on(
    client, web_timeout
):
    started_at = time.monotonic()
    response = client.get("/api/v1/slow/?seconds=5")
    elapsed = time.monotonic() - started_at

    assert response.status_code == 503
    assert elapsed < 2
    error = response.json()["error"]
    assert error["code"] == "query_timeout" and "时限" in error["message"]
    assert response["Retry-After"]
    # the same connection, still open, serves the next requests
    backend = connection.connection.info.backend_pid
    assert client.get("/api/v1/slow/?seconds=0.01").status_code == 200
    assert client.get("/api/v1/public/campaigns/").status_code == 200
    assert connection.connection.info.backend_pid == backend


def test_a_page_past_the_limit_answers_the_chinese_503_page(client, web_timeout):
    response = client.get("/slow/?seconds=5")

    assert response.status_code == 503
    text = response.content.decode()
    assert "查询超时" in text and "请缩小范围" in text
    assert "Traceback" not in text


def test_commands_and_this_test_process_have_no_limit(settings):
    # PINGYI_PROCESS is unset here, as for manage.py; gunicorn.conf.py sets it to "web" (the
    # gunicorn test below shows its limit at work).
    options = settings.DATABASES["default"].get("OPTIONS", {}).get("options", "")

    assert "statement_timeout" not in options
    assert statement_timeout_ms("command") == 0


def test_a_celery_worker_gets_the_worker_limit(settings):
    settings.DB_STATEMENT_TIMEOUT_WORKER = 600_000
    saved = dict(connection.settings_dict.get("OPTIONS", {}))
    try:
        statement_timeout_apply(kind="worker", close=False)
        options = connection.settings_dict["OPTIONS"]["options"]
    finally:
        connection.settings_dict["OPTIONS"] = saved

    assert options.endswith("-c statement_timeout=600000")


def test_gunicorn_cancels_the_query_and_the_same_worker_answers_the_next_request():
    """The real thing: gunicorn with the project's config and one worker. The slow request
    answers 503 long before gunicorn's 60 s timeout, and the next request is served by the
    same worker process (it was never killed)."""
    port = free_port()
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="tests.support.settings_slow",
        WEB_CONCURRENCY="1",
        HOST="127.0.0.1",
        PORT=str(port),
        DB_STATEMENT_TIMEOUT_WEB="500",
        ALLOWED_HOSTS="127.0.0.1",
    )
    base = f"http://127.0.0.1:{port}"

    def get(path):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 - http://127.0.0.1
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def up():
        try:
            return get("/api/v1/slow/?seconds=0")[0] == 200
        except OSError:
            return False

    argv = ["gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "pingyi.wsgi"]
    with started(argv, env, "gunicorn-statement-timeout") as server:
        server.wait_for(up, timeout=60, what="gunicorn")
        _, before = get("/api/v1/slow/?seconds=0")

        started_at = time.monotonic()
        status, body = get("/api/v1/slow/?seconds=20")
        elapsed = time.monotonic() - started_at
        after_status, after = get("/api/v1/slow/?seconds=0")

    assert status == 503 and "query_timeout" in body
    assert elapsed < 5
    assert after_status == 200
    assert '"pid"' in after and after.split('"pid":')[1] == before.split('"pid":')[1]
