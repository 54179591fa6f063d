"""Development on a laptop: DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# runserver serves files from static/ directly; no collectstatic needed in development.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve files from static/ as they change; no collectstatic outside production.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
