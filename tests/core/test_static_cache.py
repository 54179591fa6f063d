"""Static files: hashed names (WhiteNoise's manifest storage in production) served with a
long max-age, so browsers never ask for them again on publication day."""

import json

from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.conftest import run
from tests.deploy.test_production import production_env

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_stores_static_files_under_hashed_names(db):
    shown = run(
        ["python", "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"],
        env=production_env(),
    )  # fmt: skip

    assert shown.stdout.strip().splitlines()[-1] == MANIFEST, shown.stderr


def test_a_hashed_static_file_is_served_with_a_long_max_age(db, tmp_path, settings):
    built = run(
        ["python", "manage.py", "collectstatic", "--noinput"],
        env=production_env(STATIC_ROOT=str(tmp_path)),
    )
    assert built.returncode == 0, built.stderr
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/pingyi.css"]
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    middleware = WhiteNoiseMiddleware(get_response=lambda request: None)

    response = middleware(RequestFactory().get(f"/static/{hashed}"))
    plain = middleware(RequestFactory().get("/static/css/pingyi.css"))

    assert hashed != "css/pingyi.css"
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    # The unhashed name (nothing links to it) is kept only briefly.
    assert "max-age=315360000" not in plain["Cache-Control"]
