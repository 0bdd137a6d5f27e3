"""Load on a live dialogue session: many participants polling, a few asking and voting, against gunicorn.

300 simulated participants poll the session's live region every 2 seconds, as the page does (htmx with
If-None-Match); 20 signed-in residents ask questions and vote meanwhile. After the run the poll latencies
are printed, unchanged polls (304) and changed ones (200) apart, with every error. It runs against
127.0.0.1 only, for a fixed time, and stops on its own.

    .venv/bin/python bench/live_dialogue.py [--seconds 60] [--pollers 300] [--posters 20] [--pace 3]
                                            [--signed-in 0] [--workers 4]

The database is a fresh SQLite file unless DATABASE_URL names one (PostgreSQL: its contents are replaced).
"""

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-Halyk-2026"  # noqa: S105 - accounts made for the run
VOTE_URL = re.compile(r"/dialogues/questions/(\d+)/vote")
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def prepare(database_url: str, posters: int, watchers: int) -> int:
    """Build the schema, load the demo, add the posting residents and a live session; returns its id."""
    os.environ.update(DATABASE_URL=database_url, APP_ENV="development")
    from flask_migrate import upgrade

    from community import create_app
    from community.accounts.models import User
    from community.accounts.services import create_user
    from community.core.db import utcnow
    from community.demo import load_demo
    from community.dialogues.models import SessionState
    from community.dialogues.services import create_session
    from community.extensions import db
    from community.places.models import Locality

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_demo()
        moderator = db.session.scalar(db.select(User).filter_by(email="aigul.moderator@halyk-uni.kz"))
        place = db.session.scalar(db.select(Locality).filter_by(slug="kaskelen"))
        for number in range(posters):
            create_user(f"bench{number}@example.kz", f"Тұрғын {number}", PASSWORD)
        for number in range(watchers):
            create_user(f"watcher{number}@example.kz", f"Қатысушы {number}", PASSWORD)
        dialogue = create_session(
            moderator,
            title="Жүктеме сынағы: тікелей диалог",
            scheduled_at=utcnow(),
            locality_id=place.id,
            premoderation=False,
            state=SessionState.LIVE,
        )
        db.session.commit()
        return dialogue.id


async def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes = b"") -> tuple:
    """One HTTP/1.1 request on a new connection; returns (status, headers, body, seconds)."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
        f"Content-Length: {len(body)}",
    ] + [f"{name}: {value}" for name, value in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    elapsed = time.perf_counter() - started
    head, _, content = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    response_headers: dict[str, list[str]] = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        response_headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, response_headers, content, elapsed


class Resident:
    """A signed-in resident's cookies and CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, headers: dict) -> None:
        for value in headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]

    async def get(self, path: str, headers: dict | None = None) -> tuple:
        result = await request(self.port, "GET", path, {**self._cookie_header(), **(headers or {})})
        self._keep(result[1])
        return result

    async def post(self, path: str, fields: dict, headers: dict | None = None) -> tuple:
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        result = await request(
            self.port,
            "POST",
            path,
            {
                **self._cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.token,
                **(headers or {}),
            },
            body,
        )
        self._keep(result[1])
        return result

    async def sign_in(self, email: str) -> None:
        page = (await self.get("/auth/login"))[2].decode()
        self.token = CSRF_META.search(page).group(1)
        status = (await self.post("/auth/login", {"email": email, "password": PASSWORD}))[0]
        if status != 303:
            raise RuntimeError(f"sign-in of {email} answered {status}")
        page = (await self.get("/"))[2].decode()
        self.token = CSRF_META.search(page).group(1)


async def poll(
    port: int, path: str, interval: float, until: float, results: dict, resident: "Resident | None" = None
) -> None:
    """A participant's open page: the live region every interval, conditional on the copy it holds."""
    await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 - spreading the load, not security
    tag = None
    cookies = resident._cookie_header() if resident else {}
    while time.perf_counter() < until:
        headers = {"HX-Request": "true", **cookies, **({"If-None-Match": tag} if tag else {})}
        try:
            status, response_headers, _, elapsed = await request(port, "GET", path, headers)
        except OSError as error:
            results["errors"].append(repr(error))
        else:
            if status == 304:
                results["unchanged"].append(elapsed)
            elif status == 200:
                results["changed"].append(elapsed)
                tag = response_headers.get("etag", [None])[0]
            else:
                results["errors"].append(f"poll {status}")
        await asyncio.sleep(interval)


async def post(resident: Resident, session_id: int, pace: float, until: float, results: dict) -> None:
    """A resident who asks now and then and votes for what others asked."""
    number = 0
    while time.perf_counter() < until:
        await asyncio.sleep(random.uniform(0.5, 1.5) * pace)  # noqa: S311
        live = (await resident.get(f"/dialogues/{session_id}", {"HX-Request": "true"}))[2].decode()
        ids = VOTE_URL.findall(live)
        if ids and random.random() < 0.7:  # noqa: S311
            status, _, _, elapsed = await resident.post(
                f"/dialogues/questions/{random.choice(ids)}/vote",  # noqa: S311
                {"vote": random.choice("10")},
                {"HX-Request": "true"},
            )  # noqa: S311
        else:
            number += 1
            status, _, _, elapsed = await resident.post(
                f"/dialogues/{session_id}/questions",
                {
                    "body": f"Жүктеме сұрағы {number}: жол қашан жөнделеді?",
                    "submission_key": f"{id(resident)}-{number}",
                },
                {"HX-Request": "true"},
            )
        (results["writes"] if status == 200 else results["errors"]).append(
            elapsed if status == 200 else f"write {status}"
        )


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name}: {len(values)} requests, p50 {statistics.median(values) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


async def run(port: int, session_id: int, args) -> dict:
    results: dict = {"unchanged": [], "changed": [], "writes": [], "errors": []}
    residents = [Resident(port) for _ in range(args.posters)]
    for number, resident in enumerate(residents):
        await resident.sign_in(f"bench{number}@example.kz")
    watchers = [Resident(port) for _ in range(min(args.signed_in, args.pollers))]
    for number, watcher in enumerate(watchers):
        await watcher.sign_in(f"watcher{number}@example.kz")
    watchers += [None] * (args.pollers - len(watchers))
    until = time.perf_counter() + args.seconds
    path = f"/dialogues/{session_id}?sort=votes"
    await asyncio.gather(
        *[poll(port, path, args.interval, until, results, watcher) for watcher in watchers],
        *[post(resident, session_id, args.pace, until, results) for resident in residents],
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pollers", type=int, default=300)
    parser.add_argument("--posters", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between one page's polls")
    parser.add_argument("--signed-in", type=int, default=0, help="how many of the pollers are signed in")
    parser.add_argument("--pace", type=float, default=3.0, help="mean seconds between one resident's actions")
    args = parser.parse_args()
    from tests.server import running_site

    with tempfile.TemporaryDirectory() as folder:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        session_id = prepare(database_url, args.posters, args.signed_in)
        limits = {
            "QUESTION_LIMIT": "100000 per hour",
            "QUESTION_LIMIT_NEW": "100000 per hour",
            "ACTION_LIMIT": "100000 per hour",
            "DATABASE_URL": database_url,
        }
        with running_site(Path(folder), workers=args.workers, env=limits, demo=False) as base:
            port = int(base.rsplit(":", 1)[1])
            results = asyncio.run(run(port, session_id, args))
    database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"{args.pollers} participants ({args.signed_in} signed in) polling every {args.interval:g} s, "
        f"{args.posters} asking and voting, "
        f"one action each every {args.pace:g} s on average, {args.seconds:g} s, "
        f"gunicorn with {args.workers} workers, {database}:"
    )
    print(summary("  unchanged polls (304)", results["unchanged"]))
    print(summary("  changed polls (200)", results["changed"]))
    print(summary("  questions and votes", results["writes"]))
    print(f"  errors: {len(results['errors'])}" + (f" (first: {results['errors'][:5]})" if results["errors"] else ""))
    sys.exit(1 if results["errors"] else 0)


if __name__ == "__main__":
    main()
