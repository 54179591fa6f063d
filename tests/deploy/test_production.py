import secrets

from tests.conftest import ROOT, run, subprocess_env


def production_env(**extra: str) -> dict[str, str]:
    return subprocess_env(
        DJANGO_SETTINGS_MODULE="pingyi.settings.production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="pingyi.example.org",
        **extra,
    )


def test_check_deploy_reports_no_warnings_with_production_settings(db):
    result = run(
        ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_or_weak_secret(db):
    env = production_env()
    env["SECRET_KEY"] = "short"

    result = run(["python", "manage.py", "check"], env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_collectstatic_builds_the_manifest_the_production_storage_needs(db, tmp_path):
    result = run(
        ["python", "manage.py", "collectstatic", "--noinput"],
        env=production_env(STATIC_ROOT=str(tmp_path)),
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("css/pingyi.*.css"))


def test_no_page_asset_comes_from_a_cdn():
    """Intranets have no internet: templates reference only our own static files."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for marker in ("http://", "https://", "//cdn", "googleapis", "jsdelivr", "unpkg"):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker}")
    assert offenders == []
