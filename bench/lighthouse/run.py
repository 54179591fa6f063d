"""Lighthouse scores of every public page of the demo, phone and desktop.

    python bench/lighthouse/run.py [--runs 1] [--only scores,login] [--app PATH] [--json FILE]

1. Installs Lighthouse from the npm registry into bench/lighthouse/node_modules (`npm ci`,
   versions pinned by package-lock.json here; skipped when already installed).
2. Starts the demo as it runs in production: a fresh SQLite database and MEDIA_ROOT in a
   temporary folder, `migrate`, `load_demo`, `collectstatic` (WhiteNoise's compressed,
   hashed files), then gunicorn with pingyi.settings.production (DEBUG off) on a loopback
   port, HTTPS-only settings relaxed for plain http://127.0.0.1.
3. Runs Lighthouse (Debian Chromium, CHROME_PATH=/usr/bin/chromium) on each public page,
   mobile (Lighthouse's default: Moto G power, simulated slow 4G, 4x CPU slowdown) and
   desktop (`--preset=desktop`), and prints a table of the four category scores plus total
   blocking time, cumulative layout shift and largest contentful paint. With --runs N each
   figure is the median of N runs.

--app serves another checkout of pingyi with this script and this virtualenv (e.g. the code
before a change: `git clone -q /work/main /tmp/lh-before` then `--app /tmp/lh-before`).
Takes about 30 s a page and form factor, plus a minute for the demo. Not part of the test
suite; a machine busy with other work lowers the performance scores (Lighthouse's simulated
throttling scales what it observes), so compare runs made side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HOST = "127.0.0.1"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
KEY_ISSUE = "公交整体服务水平与群众期盼还有差距"  # has a 12345 trend chart
SLUG = "2021"

# Python run inside the served checkout (after load_demo) to find the addresses that depend on
# database ids. Prints JSON.
LOOKUP = f"""
import json
from issues.models import KeyIssue
from scoring.models import PublicVote
issue = KeyIssue.objects.get(title={KEY_ISSUE!r})
vote = PublicVote.objects.filter(campaign__slug={SLUG!r}).order_by("batch__number").first()
print(json.dumps({{"issue": issue.pk, "vote": vote.batch.number if vote else 1}}))
"""

# The demo's suggestion window is closed, so its /2021/suggest/ shows a notice, not the form.
# Measured last, on a one-batch campaign made here in the suggestion stage (made after the
# other pages so the home page is measured as the demo has it). Prints the slug.
SUGGEST_SETUP = f"""
from campaigns.models import Batch, Campaign, EvaluatedDepartment
demo = Campaign.objects.get(slug={SLUG!r})
department = EvaluatedDepartment.objects.filter(campaign=demo).first().department
c = Campaign.objects.filter(slug="lighthouse").first()
if c is None:
    c = Campaign.objects.create(
        organizer=demo.organizer, year=demo.year - 20, title="意见建议征集（Lighthouse）",
        slug="lighthouse", evaluation_start=demo.evaluation_start,
        evaluation_end=demo.evaluation_end,
    )
    b = Batch.objects.create(campaign=c, number=1, name="第一批", stage="suggestions")
    EvaluatedDepartment.objects.create(campaign=c, batch=b, department=department, position=1)
print(c.slug)
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per page and form factor (1)")
    parser.add_argument("--port", type=int, default=8790, help="loopback port (8790)")
    parser.add_argument("--app", type=Path, default=ROOT, help="pingyi checkout to serve")
    parser.add_argument("--only", default="", help="comma-separated page keys (default: all)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep Lighthouse's JSON reports here")
    return parser.parse_args()


def ensure_lighthouse() -> Path:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if shutil.which("npm") is None:
            sys.exit("npm is not installed: apt-get install npm (Node.js 18.20 or newer)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    if not Path(CHROME).exists():
        sys.exit(f"{CHROME} is missing: apt-get install chromium")
    return binary


def server_env(app: Path, tmp: Path, port: int) -> dict[str, str]:
    python_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(app),
        "DJANGO_SETTINGS_MODULE": "pingyi.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": f"sqlite:///{tmp / 'lighthouse.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "CELERY_BROKER_URL": "",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "HOST": HOST,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
    }


def manage(app: Path, env: dict[str, str], *argv: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=app,
        env=env,
        check=True,
        timeout=900,
        stdout=subprocess.PIPE if capture else None,
        text=True,
    )
    return done.stdout or ""


def pages(ids: dict) -> dict[str, str]:
    return {
        "home": "/",
        "campaign": f"/{SLUG}/",
        "department": f"/{SLUG}/departments/education/",
        "progress": f"/{SLUG}/progress/",
        "key-issue": f"/{SLUG}/progress/{ids['issue']}/",
        "scores": f"/{SLUG}/scores/",
        "vote": f"/{SLUG}/vote/{ids['vote']}/",
        "receipt": "/suggestions/receipt/",
        "login": "/accounts/login/",
        "suggest": "/lighthouse/suggest/",  # see SUGGEST_SETUP
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.5)
    sys.exit(f"server did not answer {url} within {seconds:.0f} s")


def lighthouse(binary: Path, url: str, desktop: bool, out: Path) -> dict:
    argv = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    if desktop:
        argv.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROME}
    for attempt in range(3):  # Lighthouse sometimes loses the trace (NO_NAVSTART): retry
        done = subprocess.run(argv, env=env, check=False, timeout=300)
        if done.returncode == 0:
            break
        print(f"lighthouse failed on {url} (attempt {attempt + 1}), again ...", flush=True)
    else:
        raise SystemExit(f"lighthouse failed three times on {url}")
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "perf": report["categories"]["performance"]["score"],
        "a11y": report["categories"]["accessibility"]["score"],
        "best": report["categories"]["best-practices"]["score"],
        "seo": report["categories"]["seo"]["score"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
    }


def median(runs: list[dict]) -> dict:
    return {
        key: statistics.median(r[key] for r in runs if r[key] is not None)
        if any(r[key] is not None for r in runs)
        else None
        for key in runs[0]
    }


def score(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}"


def table(results: dict[str, dict[str, dict]], paths: dict[str, str]) -> str:
    lines = [
        "| page | mobile perf / a11y / best / SEO | mobile TBT ms / CLS / LCP s "
        "| desktop perf / a11y / best / SEO | desktop TBT ms / CLS / LCP s |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, by_factor in results.items():
        cells = [f"`{paths[key]}`"]
        for factor in ("mobile", "desktop"):
            r = by_factor[factor]
            cells.append(" / ".join(score(r[k]) for k in ("perf", "a11y", "best", "seo")))
            cells.append(f"{r['tbt']:.0f} / {r['cls']:.3f} / {r['lcp'] / 1000:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    app = args.app.resolve()
    binary = ensure_lighthouse()
    # Database, media, static files and (without --keep) the reports: removed at the end.
    tmp = Path(tempfile.mkdtemp(prefix="pingyi-lighthouse-"))
    try:
        results, paths = measure(args, app, binary, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(table(results, paths))
    if args.json:
        args.json.write_text(json.dumps({"paths": paths, "results": results}, indent=2))


def measure(args, app: Path, binary: Path, tmp: Path) -> tuple[dict, dict[str, str]]:
    env = server_env(app, tmp, args.port)
    print(f"demo in {tmp} (serving {app}): migrate, load_demo, collectstatic ...", flush=True)
    manage(app, env, "migrate", "--noinput", "-v0")
    manage(app, env, "load_demo", "--quiet-logins", "-v0")
    manage(app, env, "collectstatic", "--noinput", "-v0")
    ids = json.loads(manage(app, env, "shell", "-c", LOOKUP, capture=True).strip().splitlines()[-1])
    paths = pages(ids)
    if args.only:
        wanted = set(args.only.split(","))
        paths = {k: v for k, v in paths.items() if k in wanted}
    gunicorn = [sys.executable, "-m", "gunicorn", "pingyi.wsgi", "-c", "gunicorn.conf.py"]
    log = (tmp / "server.log").open("w")  # gunicorn's access log: one line per request
    server = subprocess.Popen(  # noqa: S603
        gunicorn, cwd=app, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://{HOST}:{args.port}"
    results: dict[str, dict[str, dict]] = {}
    try:
        wait_for(base + "/")
        reports = args.keep or tmp / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        for key, path in paths.items():
            if key == "suggest":
                manage(app, env, "shell", "-c", SUGGEST_SETUP, capture=True)
            results[key] = {}
            for factor in ("mobile", "desktop"):
                runs = []
                for n in range(args.runs):
                    out = reports / f"{key}-{factor}-{n + 1}.json"
                    runs.append(lighthouse(binary, base + path, factor == "desktop", out))
                results[key][factor] = median(runs)
                r = results[key][factor]
                print(
                    f"{key:<11}{factor:<8} perf {score(r['perf']):>3}  a11y {score(r['a11y']):>3}"
                    f"  best {score(r['best']):>3}  seo {score(r['seo']):>3}"
                    f"  TBT {r['tbt']:>5.0f} ms  CLS {r['cls']:.3f}  LCP {r['lcp'] / 1000:.1f} s",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    return results, paths


if __name__ == "__main__":
    main()
