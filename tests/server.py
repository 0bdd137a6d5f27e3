"""Run the real site in gunicorn worker processes on 127.0.0.1, for browser and multi-process tests."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_site(
    tmp_path: Path,
    workers: int | None = 1,
    env: dict | None = None,
    demo: bool = True,
    migrate: bool = True,
    args: tuple[str, ...] = (),
):
    """Migrate a database (a fresh SQLite file unless env names one), load the demo, serve, yield the base URL
    (which is also the site's SITE_URL). gunicorn reads gunicorn.conf.py; workers=None leaves the number to it,
    args are more of its options; a server that stops before it answers raises RuntimeError with its log."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "browser-and-process-tests-secret-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "SITE_URL": base,
        **(env or {}),
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in ((["db", "upgrade"], ["demo"]) if demo else (["db", "upgrade"],)) if migrate else ():
        subprocess.run(flask + command, cwd=ROOT, env=environment, check=True, capture_output=True, timeout=120)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *(["--workers", str(workers)] if workers else []),
            *("--bind", f"127.0.0.1:{port}", "--timeout", "60", *args, "app:app"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
