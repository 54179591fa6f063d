"""docker-compose.yml is validated with Debian's docker-compose (no Docker engine here), and
every command and health check it runs is run by this module too, from the resolved config,
so the file cannot drift from what the suite proves."""

import secrets
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.conftest import ROOT, run, subprocess_env
from tests.support.processes import free_port, started

SERVICES = {"postgres", "redis", "web", "worker", "beat"}


def resolved_config(docker_compose: str, workdir: Path) -> dict:
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, workdir / name)
    shutil.copy(ROOT / ".env.example", workdir / ".env")
    result = run([docker_compose, "-f", "docker-compose.yml", "config"], cwd=workdir)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture
def config(docker_compose, tmp_path):
    return resolved_config(docker_compose, tmp_path)


def test_compose_config_is_accepted(config):
    assert set(config["services"]) == SERVICES
    for name, service in config["services"].items():
        assert "healthcheck" in service, f"{name} has no health check"
    for name in ("web", "worker", "beat"):
        env = config["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "pingyi.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert env["CACHE_URL"].startswith("redis://")


def test_env_example_documents_every_variable_the_settings_read():
    documented = {
        line.lstrip("# ").split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and line.lstrip("# ")[:1].isupper()
    }
    sources = [ROOT / "pingyi" / "settings" / n for n in ("base.py", "production.py")]
    sources += [ROOT / "gunicorn.conf.py", ROOT / "core" / "probe.py"]
    import re

    read = set()
    for source in sources:
        read |= set(re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', source.read_text()))
        read |= set(re.findall(r"environ\.get\('([A-Z_]+)'", source.read_text()))
    assert read - documented == set()


# ------------------------------------------------------------------ running the commands
def healthcheck_argv(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if test[0] == "CMD-SHELL":
        return ["sh", "-c", test[1].replace("$$", "$")]
    assert test[0] == "CMD"
    return test[1:]


def service_env(service: dict, **extra: str) -> dict[str, str]:
    """The service's environment from the compose file, pointed at this machine's test
    database and broker instead of the compose network's hostnames."""
    env = {k: str(v) for k, v in service.get("environment", {}).items()}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost")
    env.pop("DATABASE_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    base = subprocess_env()
    if settings.CELERY_BROKER_URL:
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env.pop("STATIC_ROOT", None)
    return {**base, **env, **extra}


def check_healthy(argv: list[str], env: dict[str, str], process=None) -> None:
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    log = process.log()[-3000:] if process else ""
    assert result.returncode == 0, f"{argv}: {result.stdout}{result.stderr}\n{log}"


@pytest.mark.integration
def test_web_service_command_and_health_check(config, transactional_db):
    service = config["services"]["web"]
    port = free_port()
    env = service_env(service, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2")
    # Without a broker the app runs tasks eagerly; the web command itself does not need one.
    env.setdefault("CELERY_BROKER_URL", "")
    argv = service["command"]
    assert argv[:2] == ["sh", "-c"], "web runs migrate then gunicorn in one shell line"

    with started(argv, env, "compose-web") as web:
        health = healthcheck_argv(service)
        web.wait_for(
            lambda: subprocess.run(health, cwd=ROOT, env=env, capture_output=True).returncode == 0,
            timeout=60,
            what="gunicorn /healthz",
        )
        check_healthy(health, env, web)
        assert "Booting worker" in web.log()


@pytest.mark.integration
@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_service_command_and_health_check(config, transactional_db, name):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured: set CELERY_BROKER_URL to run the Celery services")
    service = config["services"][name]
    import socket

    env = service_env(service, HOSTNAME=socket.gethostname())
    ready = {"worker": " ready.", "beat": "beat: Starting"}[name]

    with started(service["command"], env, f"compose-{name}") as process:
        process.wait_for(lambda: ready in process.log(), timeout=60, what=name)
        check_healthy(healthcheck_argv(service), env, process)


@pytest.mark.integration
@pytest.mark.parametrize("name", ["postgres", "redis"])
def test_backing_service_health_checks(config, name):
    uses = {
        "postgres": "postgres" in subprocess_env()["DATABASE_URL"],
        "redis": str(settings.CELERY_BROKER_URL).startswith("redis://"),
    }
    if not uses[name]:
        pytest.skip(f"this run does not use {name}")
    argv = healthcheck_argv(config["services"][name])
    # Inside the container the check talks to the local socket; here, to the machine's server.
    assert shlex.join(argv).startswith(("sh -c 'pg_isready", "redis-cli ping"))
    check_healthy(argv, subprocess_env())
