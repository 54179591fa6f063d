"""Median server time and query count of the public rectification pages on the demo data.

    python bench/pages.py [--runs 30]

Loads the demo into a fresh temporary SQLite database (and a temporary MEDIA_ROOT), then
renders the public key-issue page (the issue with the longest history: the transport
re-rectification) and the campaign board through the Django test client, which measures
the server side only (no network, no browser). Takes about a minute, mostly the demo load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pingyi-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["CELERY_BROKER_URL"] = ""
    # Server time of a render: the public page cache would answer every repeat from memory.
    os.environ["PUBLIC_CACHE_ENABLED"] = "0"
    # Static files from static/ without collectstatic, as in the tests.
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingyi.settings.test"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from issues.models import KeyIssue
    from rectification.models import ProgressUpdate

    settings.ALLOWED_HOSTS = ["testserver"]
    print(f"Loading the demo into {tmp} ...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-logins", verbosity=0)

    issue = KeyIssue.objects.get(title="公交整体服务水平与群众期盼还有差距")
    pages = {
        "public key-issue page": f"/2021/progress/{issue.pk}/",
        "campaign board": "/2021/progress/",
        "department page": "/2021/departments/transport/",
        "department education": "/2021/departments/education/",
    }
    n_updates = ProgressUpdate.objects.filter(state="published").count()
    print(f"demo: {KeyIssue.objects.count()} key issues, {n_updates} published updates\n")
    client = Client()
    print(f"{'page':<24}{'median ms':>10}{'p90 ms':>9}{'queries':>9}")
    for name, url in pages.items():
        client.get(url)  # warm up templates and caches
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:<24}{statistics.median(times):>10.1f}{p90:>9.1f}{len(ctx):>9}")


if __name__ == "__main__":
    main()
