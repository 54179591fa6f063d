"""Peak memory of a gunicorn worker under very large uploads.

    python bench/upload_memory.py [--app-dir DIR] [--size-mb 200]

Starts the app under gunicorn (gunicorn.conf.py, the production settings, ONE worker so its
memory is the one measured) on a loopback port, with a throw-away SQLite database, static and
media folders in a temporary directory, and a Celery broker that no worker reads (so a hotline
upload is stored and queued, not imported inside the web worker). Then, each as a signed-in
user (a session made with Django's test client, so no password is involved):

1. one progress update of a liaison with 3 attachments of --size-mb each in ONE request,
2. the same with 3 attachments of 65 MB (under the request limit, over the per-file one),
3. the same with one attachment of --size-mb,
4. a hotline file of --size-mb (a valid CSV, just under the hotline limit) by a staff user.

Bodies are generated on the fly and streamed over a socket; the script never holds one.
For each it prints the HTTP status, how many bytes the server read before answering, the
time taken, and the worker's peak RSS (VmHWM in /proc) before and after the request.

`--app-dir` runs another checkout (e.g. `git archive <commit> | tar -x -C /tmp/base`) with
the same virtualenv, to measure before and after a change. Loopback only; needs /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import select
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MB = 1024 * 1024
BOUNDARY = "benchBoundary0d9f8a7c"

SETUP = r"""
import json
from django.test import Client
from rectification import services
from tests.factories import LiaisonFactory, StaffFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

plan = PlanFactory()
MeasureFactory(plan=plan)
ev = plan.key_issue.department
liaison = LiaisonFactory(department=ev.department)
staff = StaffFactory(organizer=ev.campaign.organizer)
services.plan_submit(plan=plan, actor=liaison)
services.plan_publish(plan=plan, actor=staff)

def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value

print("SETUP " + json.dumps({
    "issue": plan.key_issue_id,
    "liaison": session(liaison),
    "staff": session(staff),
}))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Peak RSS of a gunicorn worker under 3 x 200 MB uploads.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout to run")
    parser.add_argument("--size-mb", type=int, default=200, help="size of each file")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--log", type=Path, help="write gunicorn's log (and errors) here")
    return parser.parse_args()


def environment(app: Path, work: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(app),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "pingyi.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        # A broker nobody reads: the hotline task is queued, not run in the web worker.
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/1"),
        "CACHE_URL": "locmemcache://",
        "AXES_ENABLED": "0",
        "WEB_CONCURRENCY": "1",
        "HOST": HOST,
        "PORT": str(port),
        "TMPDIR": str(work),
    }


def setup(app: Path, env: dict[str, str]) -> dict:
    python = sys.executable
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [python, "manage.py", *command, "--noinput", "-v", "0"], cwd=app, env=env, check=True
        )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP],
        cwd=app,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"setup failed:\n{out.stderr[-3000:]}")
    out = out.stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("SETUP "))
    return json.loads(line[6:])


def worker_pid(master: int) -> int:
    for _ in range(300):
        children = Path(f"/proc/{master}/task/{master}/children")
        pids = children.read_text().split() if children.exists() else []
        if pids:
            return int(pids[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def memory(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def wait_until_up(port: int) -> None:
    for _ in range(300):
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def warm_up(port: int) -> None:
    with socket.create_connection((HOST, port), timeout=60) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n".encode())
        while sock.recv(65536):
            pass


def body(
    fields: dict[str, str], files: list[tuple[str, str, int, bytes]]
) -> tuple[Iterator[bytes], int]:
    """A multipart body made on the fly: (chunks, length)."""
    heads = [
        (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n').encode()
        for k, v in fields.items()
    ]
    parts = []
    for field, name, size, first in files:
        header = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        parts.append((header, size, first))
    end = f"--{BOUNDARY}--\r\n".encode()
    length = sum(map(len, heads)) + sum(len(h) + n + 2 for h, n, _ in parts) + len(end)

    def chunks() -> Iterator[bytes]:
        yield from heads
        for header, size, first in parts:
            yield header
            yield first
            left = size - len(first)
            line = b"1,2021-03-05 14:22:10,x\n" * 43690  # ~1 MB of CSV-looking lines
            while left > 0:
                piece = line[: min(len(line), left)]
                yield piece
                left -= len(piece)
            yield b"\r\n"
        yield end

    return chunks(), length


def post(port: int, path: str, cookie: str, chunks: Iterator[bytes], length: int):
    """Send the body until the server answers; (status, bytes sent, seconds)."""
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Cookie: sessionid={cookie}; csrftoken={token}\r\nX-CSRFToken: {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.monotonic()
    sent = 0
    with socket.create_connection((HOST, port)) as sock:
        sock.sendall(head)
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the server answered before reading everything
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        sock.settimeout(120)
        reply = b""
        try:
            while b"\r\n" not in reply and (data := sock.recv(65536)):
                reply += data
        except (ConnectionResetError, TimeoutError):
            pass
    status = reply.split(b" ", 2)[1].decode() if reply.startswith(b"HTTP/") else "reset"
    return status, sent, time.monotonic() - started


def main() -> None:
    args = parse_args()
    app = args.app_dir.resolve()
    size = args.size_mb * MB
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as tmp:
        work = Path(tmp)
        env = environment(app, work, args.port)
        ids = setup(app, env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = args.log.open("w") if args.log else subprocess.DEVNULL
        server = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "pingyi.wsgi:application"],
            cwd=app,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            wait_until_up(args.port)
            worker = worker_pid(server.pid)
            warm_up(args.port)  # the worker imports the app on its first request
            update = f"/workspace/liaison/rectification/{ids['issue']}/updates/"
            cases = [
                (
                    f"3 x {args.size_mb} MB attachments, one request",
                    update,
                    ids["liaison"],
                    {"text": "进展", "percent": "30"},
                    [("files", f"{n}.jpg", size, b"\xff\xd8\xff") for n in range(3)],
                ),
                (
                    # Under the request limit (210 MB): read, each file dropped past 10 MB.
                    "3 x 65 MB attachments, one request",
                    update,
                    ids["liaison"],
                    {"text": "进展", "percent": "30"},
                    [("files", f"{n}.jpg", 65 * MB, b"\xff\xd8\xff") for n in range(3)],
                ),
                (
                    f"1 x {args.size_mb} MB attachment",
                    update,
                    ids["liaison"],
                    {"text": "进展", "percent": "30"},
                    [("files", "a.jpg", size, b"\xff\xd8\xff")],
                ),
                (
                    f"hotline file of {args.size_mb} MB - 1 KB",
                    "/staff/hotline/imports/",
                    ids["staff"],
                    {"source": "12345热线", "sheet": ""},
                    [("file", "tickets.csv", size - 1024, "工单编号,受理时间,承办单位\n".encode())],
                ),
            ]
            print(f"app: {app}  worker pid {worker}")
            print(f"{'case':44} {'status':>6} {'read MB':>8} {'s':>6} {'RSS MB':>7} peak MB")
            for label, path, cookie, fields, files in cases:
                _, peak_before = memory(worker)
                chunks, length = body(fields, files)
                status, sent, seconds = post(args.port, path, cookie, chunks, length)
                time.sleep(0.5)
                rss, peak_after = memory(worker)
                print(
                    f"{label:44} {status:>6} {sent / MB:8.0f} {seconds:6.1f} {rss:7d} "
                    f"{peak_before} -> {peak_after}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
