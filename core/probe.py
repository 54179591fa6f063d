"""Container health probe: `python -m core.probe` exits 0 when /healthz answers 200.

No curl in the slim image; Django is not set up here, so the port comes straight from the
environment through django-environ, as in gunicorn.conf.py."""

import sys
import urllib.error
import urllib.request

import environ


def main() -> int:
    url = f"http://127.0.0.1:{environ.Env().int('PORT', default=8000)}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - fixed local URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"probe: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
