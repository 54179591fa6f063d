"""Hotline settings with their defaults. Each is a Django setting (`pingyi/settings/base.py`
reads it from the environment through django-environ); the defaults here only cover a
settings module that does not define it."""

from collections.abc import Mapping

from django.conf import settings

from .importing.parsing import DEFAULT_SATISFACTION_MAP


def chunk_rows() -> int:
    # 50,000 rows a chunk: about 12 MB of COPY text at a time, and a progress step every
    # half second on PostgreSQL.
    return int(getattr(settings, "HOTLINE_CHUNK_ROWS", None) or 50_000)


def phone_secret() -> bytes | None:
    secret = getattr(settings, "HOTLINE_PHONE_SECRET", None) or ""
    return secret.encode() if secret else None


def satisfaction_map() -> Mapping[str, str | None]:
    return getattr(settings, "HOTLINE_SATISFACTION_MAP", DEFAULT_SATISFACTION_MAP)


def upload_max_bytes() -> int:
    return int(getattr(settings, "HOTLINE_UPLOAD_MAX_MB", 200)) * 1024 * 1024


def low_sample_threshold() -> int:
    return int(getattr(settings, "HOTLINE_LOW_SAMPLE", 30))
