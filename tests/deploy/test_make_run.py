"""`make run` as a user starts it: the same Makefile target, on a free port, with DEBUG left
to the Makefile's default. The demo database lives in artifacts/ and is kept between runs:
the first run migrates and loads the demo (about 20 s here), later runs find it loaded and
start in a few seconds (load_demo is idempotent and changes no row)."""

import os
import shutil
import urllib.error
import urllib.request

import pytest

from tests.conftest import ARTIFACTS, need_or_skip
from tests.support.processes import free_port, started

pytestmark = pytest.mark.integration


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http://127.0.0.1)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _make_run_env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS")}
    # The embedded default a user gets: SQLite, eager Celery, a per-process cache.
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
        env.pop(name, None)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own default (local settings)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ARTIFACTS.mkdir(exist_ok=True)
    env.update(
        PORT=str(port),
        HOST="127.0.0.1",
        DATABASE_URL=f"sqlite:///{ARTIFACTS / 'make-run.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    return env


def test_make_run_serves_chinese_error_pages_and_static_files_with_debug_off():
    need_or_skip(shutil.which("make") is not None, "make is not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    with started(["make", "run"], _make_run_env(port), "make-run") as server:
        server.wait_for(
            lambda: "Quit the server" in server.log() or "CONTROL-C" in server.log(),
            timeout=180,
            what="make run",
        )
        log = server.log()
        # The banner and the demo logins name the port the server listens on.
        assert f"评议 pingyi: {base}/" in log
        assert f"{base}/accounts/login/" in log
        assert "127.0.0.1:8000" not in log
        assert "staff" in log and "pingyi2021" in log
        assert "DEBUG=0" in log

        status, body = _get(f"{base}/no-such-page/at-all/")
        assert status == 404
        assert "页面不存在" in body
        for english in ("Page not found", "URLconf", "DEBUG = True", "Using the URLconf"):
            assert english not in body

        status, css = _get(f"{base}/static/css/pingyi.css")
        assert status == 200
        assert "{" in css

        status, home = _get(f"{base}/")
        assert status == 200
        assert "人大专项工作评议" in home
