import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI") == "true"


def need_or_skip(condition: bool, reason: str) -> None:
    """Skip when a system tool is missing on a developer's machine; in CI it must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it: see scripts/ensure-system-deps.sh)")
    pytest.skip(reason)


# ---------------------------------------------------------------- database for subprocesses
def database_url() -> str:
    """The URL of the database the tests use right now (the test database), for subprocesses
    such as a Celery worker or gunicorn that must see the same rows."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    # Only the test process itself runs an event loop next to the ORM (see the top of file).
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(extra)
    return env


# ------------------------------------------------------------------------------ Celery
@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery -A pingyi worker` process against the configured Redis broker, sharing
    the test database. Skipped when no broker is configured (the embedded default)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured: set CELERY_BROKER_URL to run real-worker tests")
    from tests.support.processes import start_worker

    # The worker writes where this test reads: the files it builds (exports) and the ones it
    # reads (imports, attachments) live under the test's temporary MEDIA_ROOT (_media_root).
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="pingyi.settings.test", MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )
    with start_worker(env) as worker:
        yield worker


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the test process right after the commit, broker or not: for tests of what
    a task does, not of how it travels (tests/integration covers that with a real worker).
    On the PostgreSQL + Redis run a task would otherwise wait in Redis for a worker that this
    test does not start."""
    from celery import current_app

    conf = current_app.conf
    before = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before


# ----------------------------------------------------------------------------- browser
def ensure_system_deps() -> None:
    """Install Chromium, CJK fonts and docker-compose if missing (root only; see the script)."""
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure-system-deps.sh")], check=False)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        ensure_system_deps()
    need_or_skip(Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        screenshot(page, f"FAILED-{request.node.name}")
    context.close()


def screenshot(page, name: str) -> Path:
    """Screenshots land in artifacts/screenshots/ so a person can look at them."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ----------------------------------------------------------------------------- commands
@pytest.fixture
def docker_compose():
    if shutil.which("docker-compose") is None:
        ensure_system_deps()
    path = shutil.which("docker-compose")
    need_or_skip(path is not None, "docker-compose (Debian package) is not installed")
    return path


def run(argv: list[str], *, env: dict | None = None, timeout: int = 120, cwd: Path = ROOT):
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


# ------------------------------------------------------------------------------ media
@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded and generated files (demo photos, attachments) go to a temporary folder,
    never into the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


# ------------------------------------------------------------------------ public cache
@pytest.fixture(autouse=True)
def _public_cache():
    """Public pages are cached by campaign slug and generation (core/publiccache.py); the
    database starts over in every test, so must the cache."""
    from django.core.cache import caches

    caches["public"].clear()
    yield
    with contextlib.suppress(Exception):  # a test may point the alias at a dead server
        caches["public"].clear()
