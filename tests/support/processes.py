"""Start and stop the long-running commands of docker-compose.yml in tests."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
WORKER_COMMAND = ["celery", "-A", "pingyi", "worker", "--loglevel=INFO"]


class Process:
    def __init__(self, argv: list[str], env: dict[str, str], log_name: str):
        self.log_path = ROOT / "artifacts" / "logs" / f"{log_name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.env = env
        self.popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_for(self, check, *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if not self.alive():
                raise AssertionError(f"{what}: the process exited early:\n{self.log()[-4000:]}")
            time.sleep(0.25)
        raise AssertionError(f"{what}: not ready after {timeout}s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.alive():
            # The whole process group: a prefork worker or gunicorn has children.
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def started(argv: list[str], env: dict[str, str], log_name: str) -> Iterator[Process]:
    process = Process(argv, env, log_name)
    try:
        yield process
    finally:
        process.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_worker(env: dict[str, str], argv: list[str] = WORKER_COMMAND) -> Iterator[Process]:
    env = {**env, "HOSTNAME": socket.gethostname()}
    with started(argv, env, "celery-worker") as worker:
        worker.wait_for(lambda: " ready." in worker.log(), timeout=60, what="celery worker")
        yield worker
