"""A local HTTP server stands in for the 企业微信 and 钉钉 robot webhooks: it records every
POST and answers as the platforms do ({"errcode": 0, "errmsg": "ok"}), or with the failures
a test queues. It runs in a thread of the test process; a Celery worker process reaches it
over TCP like the real platforms."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from core import sms


class RobotServer:
    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.answers: list[tuple[int, dict]] = []  # queued (status, body); then ok
        self.always: tuple[int, dict] | None = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                parts = urlsplit(self.path)
                with server.lock:
                    server.posts.append(
                        {"path": parts.path, "query": parse_qs(parts.query), "json": body}
                    )
                    if server.always:
                        status, answer = server.always
                    elif server.answers:
                        status, answer = server.answers.pop(0)
                    else:
                        status, answer = 200, {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        with self.lock:
            self.posts.clear()
            self.answers.clear()
            self.always = None

    def texts(self) -> list[str]:
        out = []
        for post in self.posts:
            md = post["json"].get("markdown", {})
            out.append(md.get("content") or md.get("text") or "")
        return out


@pytest.fixture(scope="session")
def _robot_server():
    server = RobotServer()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def robot_server(_robot_server, settings):
    settings.NOTIFY_ROBOT_HOSTS = ["127.0.0.1"]
    settings.SMS_BACKEND = "core.sms.LocmemSmsBackend"
    sms.outbox.clear()
    cache.clear()  # the robots' per-minute counters
    _robot_server.reset()
    return _robot_server
