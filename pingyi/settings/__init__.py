"""Settings: `base` holds everything, read from the environment; `local`, `test` and
`production` only change defaults. `manage.py` uses `local`, the WSGI entry and the Celery
app use `production` unless DJANGO_SETTINGS_MODULE says otherwise."""
