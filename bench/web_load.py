"""Requests per second and latency of the public pages under load (publication day).

    python bench/web_load.py [--duration 10] [--connections 16] [--no-cache]
    make bench-web

Starts gunicorn with the production settings (gunicorn.conf.py, 3 workers) on a loopback
port against PostgreSQL (its own database, `pingyi_bench`, created and loaded with the demo
when missing) and Redis (CACHE_URL, db 13 by default), then runs `wrk` (Debian package;
installed with apt-get when missing and possible) with 16 connections against:

- the bare view /bench/bare/ (core.health.bench_bare: returns "ok", no template, no query,
  behind the same middleware as every page; enabled only by BENCH_BARE_VIEW=1, which this
  script sets for its own server),
- every anonymous public page and public API endpoint of the demo campaign,
- a conditional GET (If-None-Match with the page's ETag), which must answer 304.

Prints req/s, p50/p95 latency and each page's share of the bare view's rate, the bare view
measured again right before each page (other processes' load drifts on a shared machine).
`--no-cache` runs the same with PUBLIC_CACHE_ENABLED=0 (cold renders; the anonymous API
throttle lifted).
Loopback addresses only; every run is bounded by --duration (two runs per URL: about 3.5
minutes in all with the defaults, plus the demo load on the first run).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# wrk reports latency in microseconds; this prints what the table needs on one line.
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.1f %.1f %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load-test the public pages (gunicorn + PostgreSQL + Redis, wrk).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument(
        "--duration", type=int, default=8, help="seconds per run: bare view, then page (8)"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--port", type=int, default=8765, help="loopback port (8765)")
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/pingyi_bench",
        help="PostgreSQL URL of the bench database (created and loaded when missing)",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="CACHE_URL")
    parser.add_argument(
        "--no-cache", action="store_true", help="PUBLIC_CACHE_ENABLED=0: cold renders only"
    )
    args = parser.parse_args()
    for url in (args.database, args.redis):
        if "127.0.0.1" not in url and "localhost" not in url:
            parser.error(f"loopback addresses only: {url}")
    return args


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    return found


def server_env(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    python_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "pingyi.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no redirect to HTTPS, no HSTS.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": args.database,
        "CACHE_URL": args.redis,
        "CELERY_BROKER_URL": "",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(static_root.parent / "media"),
        "HOST": HOST,
        "PORT": str(args.port),
        "WEB_CONCURRENCY": str(args.workers),
        "BENCH_BARE_VIEW": "1",
        "PUBLIC_CACHE_ENABLED": "0" if args.no_cache else "1",
        "LOG_LEVEL": "WARNING",
    }
    if args.no_cache:
        # Measure rendering, not the throttles (DRF's user throttle also counts anonymous
        # requests, by address).
        env["API_ANON_RATE"] = env["API_USER_RATE"] = "1000000/min"
    return env


def manage(env: dict[str, str], *argv: str) -> None:
    subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, check=True, timeout=900)


def prepare(env: dict[str, str]) -> None:
    """Database and demo (idempotent: load_demo twice changes nothing), static files."""
    import psycopg2

    url = env["DATABASE_URL"]
    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    print(f"database {name}: migrate, load_demo ...", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo", "--quiet-logins", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    from redis import Redis

    Redis.from_url(env["CACHE_URL"]).flushdb()  # the bench's own db: start cold


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"server did not answer {url} within {seconds:.0f} s")


def wrk(binary: str, script: Path, url: str, args, headers: dict | None = None) -> dict:
    argv = [binary, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv += ["-s", str(script), url]
    out = subprocess.run(
        argv, capture_output=True, text=True, timeout=args.duration + 60, check=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50, p95, bad_status, socket_errors = line.split()[1:]
    return {
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "errors": int(bad_status) + int(socket_errors),
    }


def pages(base: str) -> dict[str, str]:
    _, _, body = get(f"{base}/api/v1/public/campaigns/2021/progress/")
    issues = json.loads(body or b"{}").get("results") or []
    found = {
        "home /": "/",
        "campaign /2021/": "/2021/",
        "department page": "/2021/departments/education/",
        "progress board": "/2021/progress/",
        "key-issue progress": f"/2021/progress/{issues[0]['id']}/" if issues else None,
        "progress feed": "/2021/progress/feed/",
        "public scores": "/2021/scores/",
        "API campaigns": "/api/v1/public/campaigns/",
        "API scores": "/api/v1/public/campaigns/2021/scores/",
        "API progress": "/api/v1/public/campaigns/2021/progress/",
    }
    return {name: path for name, path in found.items() if path}


def main() -> None:
    args = parse_args()
    binary = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="pingyi-web-load-"))
    script = tmp / "report.lua"
    script.write_text(LUA)
    env = server_env(args, tmp / "static")
    prepare(env)
    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "pingyi.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{base}/bench/bare/")
        mode = "cold renders (PUBLIC_CACHE_ENABLED=0)" if args.no_cache else "public cache on"
        print(
            f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
            f"{args.duration} s per URL, {mode}\n"
        )
        print(
            f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'bare r/s':>9}{'of bare':>9}"
            "  status"
        )
        targets = pages(base)
        bare_rates = []
        for name, path in targets.items():
            get(base + path)  # warm: the first visitor renders
            status, headers, _ = get(base + path)
            # The bare view right before each page: on a shared machine the load of other
            # processes drifts, and the share compares two runs of the same minute.
            bare = wrk(binary, script, f"{base}/bench/bare/", args)
            bare_rates.append(bare["rps"])
            result = wrk(binary, script, base + path, args)
            share = result["rps"] / bare["rps"] * 100
            note = f"{status} {headers.get('X-Public-Cache', '-')}"
            if result["errors"]:
                note += f", {result['errors']} errors"
            print(
                f"{name:<22}{result['rps']:>9.0f}{result['p50']:>9.1f}{result['p95']:>9.1f}"
                f"{bare['rps']:>9.0f}{share:>8.0f}%  {note}"
            )
        status, headers, _ = get(f"{base}/2021/")
        etag = headers.get("ETag")
        if etag:
            answer = get(f"{base}/2021/", {"If-None-Match": etag})[0]
            bare = wrk(binary, script, f"{base}/bench/bare/", args)
            result = wrk(binary, script, f"{base}/2021/", args, {"If-None-Match": etag})
            share = result["rps"] / bare["rps"] * 100
            print(
                f"{'If-None-Match /2021/':<22}{result['rps']:>9.0f}{result['p50']:>9.1f}"
                f"{result['p95']:>9.1f}{bare['rps']:>9.0f}{share:>8.0f}%  {answer}"
            )
        else:
            print("conditional GET: no ETag (the public cache is off)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
