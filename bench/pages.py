"""The site's pages on the large data set, each measured against the stack's own ceiling, on SQLite and PostgreSQL.

For each database: fill it with `flask demo --scale large` (after `flask db upgrade` on an emptied schema), serve
it with gunicorn and the production settings (`gunicorn -c gunicorn.conf.py app:app`, APP_ENV=production, Redis
for the rate limits, PROXY_COUNT=1: the requests arrive as from a reverse proxy that terminated HTTPS), and
measure every page with wrk. The ceiling is GET /robots.txt, a page of the same stack that reads no database;
each page is warmed up, then measured in turn with the ceiling (ceiling, page, ceiling, page, …, ceiling), and
its share is its req/s over the mean of the two ceiling runs around it. The result, with the targets met or
missed, is printed and written as Markdown (bench/results.md). Everything listens on 127.0.0.1, every step is
bounded in time, and gunicorn is always stopped.

    .venv/bin/python bench/pages.py [--databases sqlite,postgresql] [--seconds 10] [--rounds 2]
                                    [--connections 8] [--workers 4] [--factor 1] [--reuse]
                                    [--pages home,thread-5000,…] [--output bench/results.md]
                                    [--keep-max-requests]

or `make bench BENCH_ARGS="--factor 0.05 --seconds 3 --rounds 1"` for a quick try. Needs wrk, Redis (database 14
of 127.0.0.1:6379, emptied; BENCH_REDIS_URL to change) and, for PostgreSQL, the database BENCH_DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/bench_pages; its public schema is replaced; one named `test` is
refused). SQLite lives in bench/.data/. --reuse keeps a database filled before with the same factor and
migration head. A full run (factor 1, both databases, the defaults) takes about half an hour.
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess  # nosec B404 - the benchmark runs flask, gunicorn and wrk
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # the app, imported for the queries around the run
DATA = ROOT / "bench" / ".data"
SQLITE_FILE = DATA / "pages.sqlite3"
SQLITE_MARKER = DATA / "pages.sqlite3.json"  # what the file was filled with, for --reuse
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/bench_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
SEED = 2026  # flask demo's default seed; part of the reuse marker
CEILING = "/robots.txt"
WARM_UP = 2  # seconds
THREADS_PER_PAGE = 20
RESIDENT = ("asel@example.kz", "Resident-Halyk-2026")  # a demo resident (community/demo/accounts.py)
ADMIN = ("admin@halyk-uni.kz", "Admin-Halyk-2026")  # the demo admin, who signs in with the demo's two-factor key
# What nginx in front of the site (deploy/nginx/) adds after terminating HTTPS; with PROXY_COUNT=1 the app trusts
# one hop of them. X-Forwarded-Host is added per run, with the port.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
RAISED_LIMITS = {"COMMENT_LIMIT": "1000000 per hour", "COMMENT_LIMIT_NEW": "1000000 per hour"}
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
READ_PAGES = [
    "home",
    "threads",
    "threads-deepest",
    "search",
    "feed",
    "thread-50",
    "thread-5000",
    "pledges",
    "pledge",
    "deputies",
    "deputy",
    "place",
    "events",
    "calendar",
    "event",
    "dialogue",
    "data",
    "appeals",
]
SIGNED_IN_PAGES = ["notifications", "sessions"]  # read pages only an account has: asked signed in as RESIDENT
ADMIN_PAGES = ["admin-users", "admin-audit"]  # asked signed in as ADMIN, second factor passed
PAGES = READ_PAGES + SIGNED_IN_PAGES + ADMIN_PAGES + ["poll", "bell", "comment"]
READ_SHARE, POLL_SHARE, READ_P99_MS, SAME_WITHIN = 0.15, 0.40, 150.0, 0.20
TABLES = [
    "users",
    "localities",
    "threads",
    "comments",
    "deputies",
    "pledges",
    "pledge_updates",
    "events",
    "registrations",
    "dialogue_sessions",
    "dialogue_questions",
    "dialogue_votes",
]

# Counts the answers by status in every wrk thread; done() prints them for parse_wrk. Both scripts end with it.
COUNT_STATUSES_LUA = """
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\\n", status, count))
    end
  end
end
"""

STATUS_LUA = (
    """
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

"""
    + COUNT_STATUSES_LUA
)

# Posts a comment as the signed-in resident: a new submission key every time, and each post from another client
# address behind the proxy (X-Forwarded-For), since the per-address comment limit is not configurable.
COMMENT_LUA = (
    """
local threads = {}
local started = 0

function setup(thread)
  started = started + 1
  thread:set("number", started)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  sent = 0
  math.randomseed(os.time() * 100 + number)
  salt = string.format("%d-%d-%06d", os.time(), number, math.random(0, 999999))
  wrk.method = "POST"
  wrk.path = [==[PATH]==]
  wrk.headers["Cookie"] = [==[COOKIE]==]
  wrk.headers["X-CSRFToken"] = [==[TOKEN]==]
  wrk.headers["Referer"] = [==[REFERER]==]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["HX-Request"] = "true"
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["X-Forwarded-Host"] = [==[HOST]==]
end

function request()
  sent = sent + 1
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", number, math.floor(sent / 256) % 256, sent % 256)
  local body = [==[FORM]==] .. "&submission_key=b-" .. salt .. "-" .. sent
  return wrk.format(nil, nil, nil, body)
end

"""
    + COUNT_STATUSES_LUA
)


class BenchError(RuntimeError):
    """Something stopped the benchmark; the message says what and where."""


@dataclass
class Page:
    """One page to measure: its name, path, the headers wrk sends, the status it must answer, the wrk script."""

    name: str
    path: str
    expect: int = 200
    headers: dict = field(default_factory=dict)
    script: str = ""  # a Lua script's path; the status-counting one when empty
    note: str = ""


@dataclass
class Run:
    """One wrk run: throughput, latencies (ms), the answers by status and the socket errors."""

    rps: float
    p50: float | None
    p99: float | None
    requests: int
    bad_statuses: int
    socket_errors: dict
    statuses: dict

    @property
    def errors(self) -> int:
        """Answers that are not 2xx/3xx, and connect, read, write and timeout errors."""
        return self.bad_statuses + sum(self.socket_errors.values())


# ---------------------------------------------------------------------------------------------------------------
# Processes and the environment


def say(message: str) -> None:
    """Print a progress line at once, with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def site_environment(database_url: str, args, port: int | None = None) -> dict:
    """The environment of the flask commands and of gunicorn: production settings, nothing inherited but PATH and
    HOME, so no setting of the caller's shell changes what is measured."""
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only where HOME is unset
        "LC_ALL": "C.UTF-8",
        "APP_ENV": "production",
        "SECRET_KEY": args.secret_key,
        "SITE_URL": f"https://127.0.0.1:{port}" if port else "https://127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "RATELIMIT_KEY_PREFIX": "bench",
        "PROXY_COUNT": "1",
        "WEB_CONCURRENCY": str(args.workers),
        **RAISED_LIMITS,
    }


def run_streaming(command: list[str], env: dict, prefix: str, timeout: float) -> list[str]:
    """Run a command in the repository, printing its output as it comes; returns the lines. Killed after timeout;
    a failure raises BenchError with the last lines."""
    process = subprocess.Popen(  # noqa: S603 - our own flask commands
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    lines = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip())
            say(f"{prefix}{line.rstrip()}")
        code = process.wait()
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    if code != 0:
        tail = "\n".join(lines[-20:])
        raise BenchError(f"`{' '.join(command[1:])}` failed with code {code} (killed after {timeout:g} s?):\n{tail}")
    return lines


def flask_command(*arguments: str) -> list[str]:
    """`flask --app app …` with this Python."""
    return [sys.executable, "-m", "flask", "--app", "app", *arguments]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flush_redis(url: str) -> None:
    """Empty the Redis database of the run (FLUSHDB on the database number in the URL), with a raw RESP exchange."""
    parts = urllib.parse.urlsplit(url)
    number = (parts.path or "/0").strip("/") or "0"
    commands = [["SELECT", number], ["FLUSHDB"]]
    payload = b"".join(
        f"*{len(c)}\r\n".encode() + b"".join(f"${len(a)}\r\n{a}\r\n".encode() for a in c) for c in commands
    )
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=5) as sock:
        sock.sendall(payload)
        answer = b""
        while answer.count(b"\r\n") < 2:
            chunk = sock.recv(1024)
            if not chunk:
                break
            answer += chunk
    if answer.count(b"+OK") < 2:
        raise BenchError(f"Redis at {parts.hostname}:{parts.port} did not empty database {number}: {answer!r}")


# ---------------------------------------------------------------------------------------------------------------
# The database: rebuilt and filled, or kept


def sqlalchemy_url(database_url: str) -> str:
    """The URL as the app's engine takes it (psycopg 3 for PostgreSQL), as community/config.py makes it."""
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


_APPS: dict = {}


def app_for(database_url: str):
    """The app, in this process, bound to a database: for the queries around the run (never while serving)."""
    if database_url not in _APPS:
        from community import create_app
        from community.config import Config

        # Config read the environment when it was imported; a development app with a throw-away key does here.
        settings = {
            "ENV": "development",
            "PRODUCTION": False,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SITE_URL": "http://127.0.0.1",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
        }
        _APPS[database_url] = create_app(type("BenchConfig", (Config,), settings))
    return _APPS[database_url]


def rows(database_url: str, sql: str, **params) -> list[tuple]:
    """The rows of one read query, run in a read-only transaction."""
    from sqlalchemy import text

    from community.extensions import db

    with app_for(database_url).app_context():
        try:
            connection = db.session.connection(execution_options={"readonly": True})
            return [tuple(row) for row in connection.execute(text(sql), params)]
        finally:
            db.session.remove()


def scalar(database_url: str, sql: str, **params):
    """The first column of the first row of a read query, or None."""
    found = rows(database_url, sql, **params)
    return found[0][0] if found else None


def execute(database_url: str, *statements: str, autocommit: bool = False) -> None:
    """Run statements that change the database (PostgreSQL schema, marker, VACUUM), committed."""
    from sqlalchemy import text

    from community.extensions import db

    with app_for(database_url).app_context():
        engine = db.engine
        with engine.connect() as connection:
            if autocommit:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                connection.execute(text(statement))
            if not autocommit:
                connection.commit()
        engine.dispose()


def close_database(database_url: str) -> None:
    """Close this process's connections to the database."""
    if database_url in _APPS:
        from community.extensions import db

        with _APPS[database_url].app_context():
            db.engine.dispose()


def postgres_url() -> str:
    """BENCH_DATABASE_URL or the default; a database named test (CI's) is refused."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_POSTGRES
    name = urllib.parse.urlsplit(url).path.strip("/")
    if not url.startswith(("postgresql://", "postgres://")) or not name:
        raise BenchError(f"BENCH_DATABASE_URL must be postgresql://…/<database>, not {url!r}.")
    if name == "test":
        raise BenchError("BENCH_DATABASE_URL names the database `test`, which CI owns; use another (bench_pages).")
    return url


def digest(*patterns: str) -> str:
    """A short SHA-256 of the repository's files matching the patterns (names and contents, in order)."""
    summed = hashlib.sha256()
    for path in sorted({path for pattern in patterns for path in ROOT.glob(pattern) if path.is_file()}):
        if "__pycache__" not in path.parts:
            summed.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return summed.hexdigest()[:12]


def code_state() -> str:
    """The code gunicorn is about to load: the commit, whether the work tree differs from it, and a digest of the
    app's files, so that a report can tell when two databases were measured on different code."""
    try:
        commit = subprocess.run(  # noqa: S603 - read-only git
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        changed = subprocess.run(  # noqa: S603 - read-only git
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, changed = "?", ""
    code = digest(
        "app.py", "gunicorn.conf.py", "community/**/*.py", "community/**/*.po", "templates/**/*", "migrations/**/*.py"
    )
    return f"app files digest {code} (commit {commit}" + (" with uncommitted changes)" if changed else ")")


def migration_head(args) -> str:
    """The migration head of the code, from `flask db heads`."""
    env = site_environment("sqlite://", args)
    result = subprocess.run(  # noqa: S603 - our own flask command
        flask_command("db", "heads"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    heads = [line.split()[0] for line in result.stdout.splitlines() if "(head)" in line]
    if result.returncode != 0 or len(heads) != 1:
        raise BenchError(f"`flask db heads` gave {result.stdout!r} {result.stderr[-2000:]!r}; expected one head.")
    return heads[0]


def read_marker(kind: str, database_url: str) -> dict | None:
    """What the filled database says it was filled with (factor, seed, head) and its schema's migration, or None."""
    try:
        if kind == "sqlite":
            if not (SQLITE_MARKER.exists() and SQLITE_FILE.exists()):
                return None
            found = json.loads(SQLITE_MARKER.read_text())
        else:
            text = scalar(
                database_url,
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()",
            )
            found = json.loads(text) if text and text.startswith("{") else None
        if found:
            found["current"] = scalar(database_url, "SELECT version_num FROM alembic_version")
        return found
    except Exception:  # noqa: BLE001 - a database without the schema or a broken marker is simply not reusable
        return None


def write_marker(kind: str, database_url: str, marker: dict | None) -> None:
    """Record what the database was filled with: a file next to SQLite's, the database's comment on PostgreSQL
    (None forgets it, before the database is rebuilt)."""
    if kind == "sqlite":
        if marker is None:
            SQLITE_MARKER.unlink(missing_ok=True)
        else:
            SQLITE_MARKER.write_text(json.dumps(marker))
        return
    name = scalar(database_url, "SELECT current_database()").replace('"', '""')
    value = "NULL" if marker is None else "'" + json.dumps(marker).replace("'", "''") + "'"
    execute(database_url, f'COMMENT ON DATABASE "{name}" IS {value}')


def prepare_database(kind: str, args) -> dict:
    """Rebuild and fill the database (or keep it under --reuse when its marker matches); returns its URL, whether
    it was kept, and how long filling took."""
    DATA.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{SQLITE_FILE}" if kind == "sqlite" else postgres_url()
    head = migration_head(args)
    # The migrations' text too: an unreleased migration may be edited under the same revision.
    wanted = {"factor": args.factor, "seed": SEED, "head": head, "migrations": digest("migrations/**/*.py")}
    if args.reuse:
        marker = read_marker(kind, database_url)
        if marker and marker.get("current") == head and all(marker.get(k) == v for k, v in wanted.items()):
            say(f"{kind}: keeping the database filled with factor {args.factor:g} at migration {head} (--reuse)")
            return {"url": database_url, "reused": True, "seconds": 0.0, "head": head}
        say(f"{kind}: no reusable data (found {marker}); rebuilding")
    started = time.monotonic()
    if kind == "sqlite":
        close_database(database_url)
        write_marker(kind, database_url, None)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        say(f"sqlite: new database file {SQLITE_FILE.relative_to(ROOT)}")
    else:
        write_marker(kind, database_url, None)
        execute(database_url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
        say(f"postgresql: schema public dropped and made again in {urllib.parse.urlsplit(database_url).path[1:]}")
    env = site_environment(database_url, args)
    run_streaming(flask_command("db", "upgrade"), env, f"{kind}: ", timeout=300)
    demo = ["demo", "--scale", "large", "--factor", f"{args.factor:g}", "--seed", str(SEED)]
    run_streaming(flask_command(*demo), env, f"{kind}: ", timeout=3600)
    if kind == "postgresql":
        # What autovacuum does on its own soon after a bulk load; done now so no plan changes during the run.
        say("postgresql: VACUUM (ANALYZE) after loading, as autovacuum would")
        execute(database_url, "VACUUM (ANALYZE)", autocommit=True)
    write_marker(kind, database_url, wanted)
    return {"url": database_url, "reused": False, "seconds": time.monotonic() - started, "head": head}


def deepest_thread_list_path(database_url: str) -> str:
    """The thread list's deepest page in its default order: since the list pages by key (`?after=<cursor>`, commit
    77944b6), the page after the 21st-oldest visible thread, i.e. the oldest 20, with the cursor the list makes."""
    from community.core.lists import encode_cursor
    from community.extensions import db
    from community.threads.services import sort_keys, visible_threads

    with app_for(database_url).app_context():
        try:
            keys = sort_keys("activity")
            oldest = visible_threads().with_only_columns(*keys).order_by(*keys).offset(THREADS_PER_PAGE).limit(1)
            row = db.session.execute(oldest).first()
        finally:
            db.session.remove()
    return "/threads/?after=" + urllib.parse.quote(encode_cursor(row, keys)) if row else "/threads/"


def search_word(database_url: str) -> tuple[str, int]:
    """A word that occurs in many generated texts (in the most of a sample of visible threads, five letters or
    more), and how many visible threads the list's search finds for it."""
    sample = rows(database_url, f"SELECT search_text FROM threads WHERE {VISIBLE} ORDER BY id LIMIT 2000")  # noqa: S608
    counts = Counter()
    for (text,) in sample:
        counts.update({word for word in re.findall(r"\w{5,}", text or "") if not word.isdigit()})
    if not counts:
        raise BenchError("No thread texts to take a search word from.")
    word = counts.most_common(1)[0][0]
    found = scalar(
        database_url,
        f"SELECT count(*) FROM threads WHERE {VISIBLE} AND search_text LIKE :pattern",  # noqa: S608
        pattern=f"%{word}%",
    )
    return word, found or 0


VISIBLE = "hidden_at IS NULL AND pledge_id IS NULL"  # a local issue anyone may see: the thread list's rows
LANDMARKS = {
    "heavy": "SELECT id, comment_count FROM threads WHERE hidden_at IS NULL AND pledge_id IS NULL "
    "ORDER BY comment_count DESC, id LIMIT 1",
    "typical": "SELECT id, comment_count FROM threads WHERE hidden_at IS NULL AND pledge_id IS NULL "
    "ORDER BY abs(comment_count - 50), id LIMIT 1",
    "pledge": "SELECT id, update_count FROM pledges ORDER BY update_count DESC, id LIMIT 1",
    "deputy": "SELECT deputy_id, count(*) FROM pledges GROUP BY deputy_id ORDER BY count(*) DESC, deputy_id LIMIT 1",
    "event": "SELECT id, going_count + waiting_count FROM events WHERE published_at IS NOT NULL "
    "AND cancelled_at IS NULL ORDER BY going_count + waiting_count DESC, id LIMIT 1",
    "dialogue": "SELECT id, open_count + answered_count FROM dialogue_sessions WHERE state = 'live' "
    "ORDER BY open_count + answered_count DESC, id LIMIT 1",
    # The district with the most places: its overview page (/places/<slug>).
    "place": "SELECT l.slug, (SELECT count(*) FROM localities c WHERE c.parent_id = l.id) FROM localities l "
    "WHERE l.kind = 'district' ORDER BY 2 DESC, l.slug LIMIT 1",
    # Comments are posted to an open thread with few comments, none of the measured ones.
    "post_to": "SELECT id, comment_count FROM threads WHERE hidden_at IS NULL AND pledge_id IS NULL "
    "AND state IN ('open', 'answered') "
    "AND locked_at IS NULL AND comment_count BETWEEN 1 AND 10 ORDER BY comment_count, id LIMIT 3",
}


def landmarks(database_url: str) -> dict:
    """The ids (and sizes) the pages need, found in the loaded data: the thread with the most comments, one with
    about 50, the pledge with the most updates, the deputy with the most pledges, the event with the most
    registrations, the live dialogue session, and an open thread with few comments to post to."""
    found = {name: rows(database_url, sql) for name, sql in LANDMARKS.items()}
    measured = {row[0] for name in ("heavy", "typical") for row in found[name]}
    found["post_to"] = [row for row in found["post_to"] if row[0] not in measured]
    missing = [name for name, value in found.items() if not value]
    if missing:
        raise BenchError(f"The loaded data has no row for: {', '.join(missing)}.")
    return {name: value[0] for name, value in found.items()}


def database_facts(kind: str, database_url: str) -> dict:
    """The database's version and the row counts of the main tables."""
    if kind == "sqlite":
        version = f"SQLite {scalar(database_url, 'SELECT sqlite_version()')}"
        size = sum(Path(f"{SQLITE_FILE}{s}").stat().st_size for s in ("", "-wal") if Path(f"{SQLITE_FILE}{s}").exists())
    else:
        version = f"PostgreSQL {scalar(database_url, 'SHOW server_version')}"
        size = scalar(database_url, "SELECT pg_database_size(current_database())")
    counts = {table: scalar(database_url, f"SELECT count(*) FROM {table}") for table in TABLES}  # noqa: S608
    return {"version": version, "size": size, "counts": counts}


# ---------------------------------------------------------------------------------------------------------------
# The site


def fetch(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> tuple:
    """One request as the proxy would pass it on; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        forwarded = {**PROXY_HEADERS, "X-Forwarded-Host": f"127.0.0.1:{port}"}
        connection.request(method, path, body=body, headers={**forwarded, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def keep_cookies(cookies: dict, headers) -> None:
    """Keep the cookies a response sets (name=value only), as a browser would."""
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";")[0]


def _post_form(port: int, path: str, cookies: dict, values: dict) -> tuple[int, dict, bytes]:
    """POST a form as a browser would, with the cookies kept so far; the answer's cookies are kept too."""
    status, headers, body = fetch(
        port,
        "POST",
        path,
        {
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{port}{path}",
        },
        urllib.parse.urlencode(values).encode(),
    )
    keep_cookies(cookies, headers)
    return status, headers, body


def sign_in(port: int, thread_id: int, account: tuple[str, str] = RESIDENT) -> dict:
    """Sign a demo account in (the login page's CSRF token and cookie, then the form, then the second factor's code
    from the demo's key when the account has one) and open the thread the resident will comment on; returns the
    Cookie header and the CSRF token a comment needs."""
    import pyotp

    from community.demo.accounts import DEMO_TWO_FACTOR_KEY

    email, password = account
    cookies: dict = {}
    status, headers, body = fetch(port, "GET", "/auth/login")
    keep_cookies(cookies, headers)
    token = CSRF_META.search(body.decode())
    if status != 200 or not token:
        raise BenchError(f"GET /auth/login answered {status} without a CSRF token.")
    values = {"csrf_token": token.group(1), "email": email, "password": password}
    status, headers, body = _post_form(port, "/auth/login", cookies, values)
    if status == 303 and "/auth/two-factor/code" in headers.get("Location", ""):
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        status, headers, body = fetch(port, "GET", "/auth/two-factor/code", {"Cookie": cookie})
        keep_cookies(cookies, headers)
        token = CSRF_META.search(body.decode())  # the password step began a new session, with a new token
        if status != 200 or not token:
            raise BenchError(f"GET /auth/two-factor/code answered {status} without a CSRF token.")
        code = {"csrf_token": token.group(1), "code": pyotp.TOTP(DEMO_TWO_FACTOR_KEY).now()}
        status, headers, body = _post_form(port, "/auth/two-factor/code", cookies, code)
    if status != 303:
        raise BenchError(f"Signing in as {email} (POST /auth/login) answered {status}: {body[:300]!r}")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, headers, body = fetch(port, "GET", f"/threads/{thread_id}", {"Cookie": cookie})
    keep_cookies(cookies, headers)
    token = CSRF_META.search(body.decode())
    if status != 200 or not token or "logout" not in body.decode():
        raise BenchError(f"GET /threads/{thread_id} after signing in answered {status}, not signed in.")
    return {"cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "token": token.group(1)}


def worker_memory(master: int) -> dict:
    """VmRSS (kB) of the gunicorn master and of each of its workers (its children), read from /proc."""
    memory = {"master": None, "workers": {}}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss = int(fields.get("VmRSS", "0 kB").split()[0])
        if int(entry.name) == master:
            memory["master"] = rss
        elif int(fields.get("PPid", "0").strip()) == master:
            memory["workers"][int(entry.name)] = rss
    return memory


@contextlib.contextmanager
def serving(kind: str, database_url: str, args):
    """Serve the database with gunicorn and the production configuration on a free port of 127.0.0.1; yields
    (port, master pid, log path) once /healthz answers; stops gunicorn whatever happens."""
    flush_redis(args.redis_url)
    port = free_port()
    log = DATA / f"gunicorn-{kind}.log"
    env = site_environment(database_url, args, port)
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    if not args.keep_max_requests:
        # gunicorn.conf.py replaces a worker after ~2,000 requests; at the ceiling's rate all of them go within a
        # second of each other every few seconds, and nothing is served meanwhile: not what a page costs.
        command += ["--max-requests", "0"]
    command.append("app:app")
    with open(log, "w") as log_file:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"gunicorn did not answer /healthz; its log ({log}):\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        say(f"{kind}: gunicorn (pid {server.pid}, {args.workers} workers) serving on 127.0.0.1:{port}")
        yield port, server.pid, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        say(f"{kind}: gunicorn stopped")


def server_log_problems(log: Path) -> list[str]:
    """gunicorn's log in short: each kind of error (ERROR and CRITICAL entries, worker timeouts), told by its last
    line (the exception) and the last frame in the project's own code, with how often it came."""
    entries: list[list[str]] = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("[") or not entries:
            entries.append([])
        entries[-1].append(line)
    kinds: Counter = Counter()
    for entry in entries:
        if not any(mark in entry[0] for mark in ("ERROR", "CRITICAL", "WORKER TIMEOUT")):
            continue
        frames = [line.strip() for line in entry if line.strip().startswith(f'File "{ROOT}/') and "/.venv/" not in line]
        where = f" (last in our code: {frames[-1].replace(f'{ROOT}/', '')})" if frames else ""
        kinds[entry[-1].strip() + where] += 1
    return [f"{count} × {kind}" for kind, count in kinds.most_common()]


# ---------------------------------------------------------------------------------------------------------------
# wrk


def to_ms(value: str, unit: str) -> float:
    """wrk's latency (a number and us, ms, s or m) in milliseconds."""
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> Run:
    """Requests/sec, the 50% and 99% latencies, non-2xx/3xx answers, socket errors and the Lua status counts."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = {
        share: to_ms(value, unit)
        for share, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    }
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    statuses: Counter = Counter()
    for status, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.MULTILINE):
        statuses[int(status)] += int(count)
    if rps is None or total is None:
        raise BenchError(f"Could not read wrk's output:\n{output}")
    return Run(
        rps=float(rps.group(1)),
        p50=latency.get("50"),
        p99=latency.get("99"),
        requests=int(total.group(1)),
        bad_statuses=int(bad.group(1)) if bad else 0,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {},
        statuses=dict(statuses),
    )


def run_wrk(port: int, page: Page, seconds: float, args, status_script: str) -> Run:
    """Load one page with wrk for some seconds (-t2 -c<connections> --latency, a 10 s timeout per request)."""
    forwarded = {**PROXY_HEADERS, "X-Forwarded-Host": f"127.0.0.1:{port}"}
    headers = [] if page.script else [f"{name}: {value}" for name, value in {**forwarded, **page.headers}.items()]
    command = [
        args.wrk,
        f"-t{min(2, args.connections)}",
        f"-c{args.connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        page.script or status_script,
        *[part for header in headers for part in ("-H", header)],
        f"http://127.0.0.1:{port}{page.path}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603 - wrk
    if result.returncode != 0:
        raise BenchError(f"wrk failed on {page.path}: {result.stderr or result.stdout}")
    run = parse_wrk(result.stdout)
    # Requests wrk left in flight are still served after it stops: let them finish before the next run starts.
    time.sleep(min(5.0, 0.5 + 2 * (run.p99 or 0) / 1000))
    return run


THREAD_LINK = re.compile(r'href="/threads/(\d+)')


def check_page(port: int, page: Page) -> str:
    """Ask for the page once as wrk will, and say what is wrong if it does not answer as expected ('' if fine); the
    deepest page of the thread list must show other threads than the first (else the list ignored its URL)."""
    if page.name == "comment":
        return ""  # checked by the comment's own first post
    status, _, body = fetch(port, "GET", page.path, page.headers)
    if status != page.expect:
        return f"{page.path} answered {status}, not {page.expect} (see gunicorn's log below)"
    if page.name == "threads-deepest":
        first = set(THREAD_LINK.findall(fetch(port, "GET", "/threads/", page.headers)[2].decode()))
        if first == set(THREAD_LINK.findall(body.decode())):
            return "shows the same threads as the first page: deepest_thread_list_path() needs adapting"
    return ""


def build_pages(port: int, database_url: str, marks: dict, search: tuple, args, folder: Path) -> list[Page]:
    """The pages to measure, with their URLs found in the data; the poll's ETag and the signed-in comment's cookie
    are got from the running site."""
    word, matches = search
    deepest = deepest_thread_list_path(database_url)
    paths = {
        "home": "/",
        "threads": "/threads/",
        "threads-deepest": deepest,
        "search": "/threads/?q=" + urllib.parse.quote(word),
        "feed": "/threads.atom",
        "thread-50": f"/threads/{marks['typical'][0]}",
        "thread-5000": f"/threads/{marks['heavy'][0]}",
        "pledges": "/pledges/",
        "pledge": f"/pledges/{marks['pledge'][0]}",
        "deputies": "/deputies/",
        "deputy": f"/deputies/{marks['deputy'][0]}",
        "place": f"/places/{marks['place'][0]}",
        "events": "/events/",
        "calendar": "/events/calendar",
        "event": f"/events/{marks['event'][0]}",
        "dialogue": f"/dialogues/{marks['dialogue'][0]}",
        "data": "/data",
        "appeals": "/appeals/",
    }
    notes = {
        "threads-deepest": "the last page of the list (its oldest 20 threads)",
        "search": f"«{word}»: {matches:,} threads match",
        "thread-50": f"{marks['typical'][1]:,} comments",
        "thread-5000": f"{marks['heavy'][1]:,} comments",
        "pledge": f"{marks['pledge'][1]:,} updates",
        "deputy": f"{marks['deputy'][1]:,} pledges",
        "place": f"a district's overview, {marks['place'][1]:,} places within it",
        "event": f"{marks['event'][1]:,} registrations",
        "dialogue": f"{marks['dialogue'][1]:,} public questions",
        "appeals": "the public appeals (the large data set holds the demo's only)",
    }
    wants_account = args.signed_in or {"comment", "bell", *SIGNED_IN_PAGES} & set(args.pages)
    login = sign_in(port, marks["post_to"][0]) if wants_account else None
    reader = {"Cookie": login["cookie"]} if args.signed_in else {}
    pages = [
        Page(name, paths[name], headers=dict(reader), note=notes.get(name, ""))
        for name in READ_PAGES
        if name in args.pages
    ]
    if "poll" in args.pages:
        path = f"/dialogues/{marks['dialogue'][0]}?sort=votes"
        status, headers, _ = fetch(port, "GET", path, {"HX-Request": "true"})
        tag = headers.get("ETag")
        if status != 200 or not tag:
            raise BenchError(f"GET {path} (htmx) answered {status} with ETag {tag!r}; the poll needs one.")
        pages.append(
            Page(
                "poll",
                path,
                expect=304,
                headers={"HX-Request": "true", "If-None-Match": tag},
                note="htmx, If-None-Match, as a visitor",
            )
        )
    pages += notification_pages(port, database_url, login, args)
    pages += admin_pages(port, database_url, marks["post_to"][0], args)
    if "comment" in args.pages:
        thread_id, count = marks["post_to"]
        path = f"/threads/{thread_id}/comments"
        form = urllib.parse.urlencode({"csrf_token": login["token"], "body": "Жүктеме сынағы: пікір жазылды."})
        script = (
            COMMENT_LUA.replace("[==[PATH]==]", f"[==[{path}]==]")
            .replace("[==[COOKIE]==]", f"[==[{login['cookie']}]==]")
            .replace("[==[TOKEN]==]", f"[==[{login['token']}]==]")
            .replace("[==[REFERER]==]", f"[==[https://127.0.0.1:{port}/threads/{thread_id}]==]")
            .replace("[==[FORM]==]", f"[==[{form}]==]")
            .replace("[==[HOST]==]", f"[==[127.0.0.1:{port}]==]")
        )
        script_path = folder / "comment.lua"
        script_path.write_text(script)
        status, _, body = fetch(
            port,
            "POST",
            path,
            {
                "Cookie": login["cookie"],
                "X-CSRFToken": login["token"],
                "Referer": f"https://127.0.0.1:{port}/threads/{thread_id}",
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
            },
            (form + "&submission_key=check-" + secrets.token_hex(8)).encode(),
        )
        if status != 200:
            raise BenchError(f"POST {path} as {RESIDENT[0]} answered {status}: {body[:300]!r}")
        note = f"signed in as {RESIDENT[0]}, htmx, to a thread that had {count} comments"
        pages.append(Page("comment", path, script=str(script_path), note=note))
    return pages


def notification_pages(port: int, database_url: str, login: dict | None, args) -> list[Page]:
    """The resident's notifications page and their bell's poll (htmx, If-None-Match, answered 304), signed in."""
    pages = []
    if login is None:
        return pages
    count = scalar(
        database_url,
        "SELECT count(*) FROM notifications WHERE user_id = (SELECT id FROM users WHERE email = :email)",
        email=RESIDENT[0],
    )
    reader = {"Cookie": login["cookie"]}
    if "notifications" in args.pages:
        note = f"signed in as {RESIDENT[0]}, who has {count:,} notifications"
        pages.append(Page("notifications", "/notifications", headers=reader, note=note))
    if "sessions" in args.pages:
        pages.append(Page("sessions", "/auth/sessions", headers=reader, note=f"signed in as {RESIDENT[0]}"))
    if "bell" in args.pages:
        status, headers, _ = fetch(port, "GET", "/notifications/count", {**reader, "HX-Request": "true"})
        tag = headers.get("ETag")
        if status != 200 or not tag:
            raise BenchError(f"GET /notifications/count answered {status} with ETag {tag!r}; the bell needs one.")
        headers = {**reader, "HX-Request": "true", "If-None-Match": tag}
        note = f"signed in as {RESIDENT[0]} ({count:,} notifications), htmx, If-None-Match"
        pages.append(Page("bell", "/notifications/count", expect=304, headers=headers, note=note))
    return pages


def admin_pages(port: int, database_url: str, thread_id: int, args) -> list[Page]:
    """The administration's accounts list and audit log, signed in as the demo admin with the second factor."""
    wanted = [name for name in ADMIN_PAGES if name in args.pages]
    if not wanted:
        return []
    login = sign_in(port, thread_id, ADMIN)
    reader = {"Cookie": login["cookie"]}
    accounts = scalar(database_url, "SELECT count(*) FROM users")
    entries = scalar(database_url, "SELECT count(*) FROM audit_log")
    paths = {"admin-users": "/admin/users", "admin-audit": "/admin/audit"}
    notes = {
        "admin-users": f"signed in as {ADMIN[0]}, {accounts:,} accounts",
        "admin-audit": f"signed in as {ADMIN[0]}, {entries:,} audit entries",
    }
    return [Page(name, paths[name], headers=reader, note=notes[name]) for name in wanted]


def measure(port: int, pages: list[Page], args, status_script: str, kind: str) -> dict:
    """Measure every page in turn with the ceiling: warm-up, then page and ceiling for each round; the ceiling runs
    between two pages count for both. Returns the runs, the shares and what each page's check said."""
    ceiling_page = Page("ceiling", CEILING)
    ceilings = [run_wrk(port, ceiling_page, args.seconds, args, status_script)]
    say(f"{kind}: ceiling {ceilings[-1].rps:,.0f} req/s")
    results = {}
    for page in pages:
        problem = check_page(port, page)
        if problem:
            say(f"{kind}: {page.name}: {problem}")
        warm = run_wrk(port, page, WARM_UP, args, status_script)
        runs, shares = [], []
        for number in range(args.rounds):
            run = run_wrk(port, page, args.seconds, args, status_script)
            before = ceilings[-1]
            ceilings.append(run_wrk(port, ceiling_page, args.seconds, args, status_script))
            share = run.rps / statistics.mean([before.rps, ceilings[-1].rps])
            runs.append(run)
            shares.append(share)
            say(
                f"{kind}: {page.name} round {number + 1}/{args.rounds}: {run.rps:,.1f} req/s, p50 {fmt_ms(run.p50)}, "
                f"p99 {fmt_ms(run.p99)} ms, {share:.1%} of the ceiling ({before.rps:,.0f} / {ceilings[-1].rps:,.0f}), "
                f"errors {run.errors}"
            )
        results[page.name] = {"page": page, "runs": runs, "shares": shares, "warm": warm, "problem": problem}
    return {"ceilings": ceilings, "pages": results}


# ---------------------------------------------------------------------------------------------------------------
# The report


def fmt_ms(value: float | None) -> str:
    """Milliseconds with one decimal, or a dash."""
    return "–" if value is None else f"{value:.1f}"


def summary_of(runs: list[Run]) -> dict:
    """Mean req/s, mean p50, max p99 and the errors (by kind) over some runs."""
    statuses: Counter = Counter()
    sockets: Counter = Counter()
    for run in runs:
        statuses.update(run.statuses)
        sockets.update(run.socket_errors)
    p50s = [run.p50 for run in runs if run.p50 is not None]
    p99s = [run.p99 for run in runs if run.p99 is not None]
    return {
        "rps": statistics.mean(run.rps for run in runs),
        "p50": statistics.mean(p50s) if p50s else None,
        "p99": max(p99s) if p99s else None,
        "errors": sum(run.errors for run in runs),
        "statuses": dict(statuses),
        "sockets": {k: v for k, v in sockets.items() if v},
    }


def errors_cell(summary: dict, expect: int, warm: Run | None = None) -> str:
    """The errors column: their number, with the statuses and socket errors that make it up."""
    parts = [f"{status}×{count}" for status, count in sorted(summary["statuses"].items()) if status >= 400]
    parts += [f"{kind} {count}" for kind, count in summary["sockets"].items()]
    unexpected = [f"{s}×{c}" for s, c in sorted(summary["statuses"].items()) if s != expect and s < 400]
    cell = str(summary["errors"]) + (f" ({', '.join(parts)})" if parts else "")
    if unexpected:
        cell += f"; answered {', '.join(unexpected)}, not only {expect}"
    if warm is not None and warm.errors:
        cell += f"; {warm.errors} more in the warm-up"
    return cell


def target_of(name: str, share: float, p99: float | None) -> tuple[str, bool | None]:
    """The page's target and whether it was met (None: no target)."""
    if name in READ_PAGES or name in SIGNED_IN_PAGES:
        met = share >= READ_SHARE and p99 is not None and p99 < READ_P99_MS
        return f"≥ {READ_SHARE:.0%}, p99 < {READ_P99_MS:g} ms: {'met' if met else 'missed'}", met
    if name in ("poll", "bell"):
        met = share >= POLL_SHARE
        return f"≥ {POLL_SHARE:.0%}: {'met' if met else 'missed'}", met
    return "–", None


def compare_line(label: str, results: dict, base: str, other: str) -> str:
    """A comparison of two pages: the ratio of their req/s (other/base), and of their shares of the ceiling, which
    takes out what the machine's load did between the two; within 20% (0.8 to 1.2) is judged on the shares."""
    if base not in results or other not in results:
        return f"- {label}: not measured in this run."
    first, second = (summary_of(results[name]["runs"])["rps"] for name in (base, other))
    first_share, second_share = (statistics.mean(results[name]["shares"]) for name in (base, other))
    close = abs(second_share / first_share - 1) <= SAME_WITHIN
    return (
        f"- {label}: {second:,.1f} / {first:,.1f} req/s = {second / first:.2f}; shares of the ceiling "
        f"{second_share:.1%} / {first_share:.1%} = {second_share / first_share:.2f} "
        f"(target, on the shares: within {SAME_WITHIN:.0%}: {'met' if close else 'missed'})"
    )


def kb(value: int | None) -> str:
    """kB as MB."""
    return "–" if value is None else f"{value / 1024:,.0f} MB"


def database_section(kind: str, info: dict, args) -> list[str]:
    """The Markdown for one database: its facts, the table of pages, the comparisons, memory and the server log."""
    facts, measured = info["facts"], info["measured"]
    lines = [f"## {facts['version']}", ""]
    loaded = (
        "kept from an earlier run (--reuse)"
        if info["prepared"]["reused"]
        else f"generated in {info['prepared']['seconds']:.0f} s"
    )
    lines.append(
        f"Data: factor {args.factor:g}, seed {SEED}, migration {info['prepared']['head']}, {loaded}; "
        f"{facts['size'] / 2**20:,.0f} MB on disk."
        + (" After loading: `VACUUM (ANALYZE)`, as autovacuum would do." if kind == "postgresql" else "")
    )
    lines.append(f"Code: {info['code']}.")
    lines.append("Rows: " + ", ".join(f"{table} {count:,}" for table, count in facts["counts"].items()) + ".")
    lines.append(
        f"Measured {info['started']:%H:%M}–{info['ended']:%H:%M}, load average {info['load'][0]:.2f} before and "
        f"{info['load'][1]:.2f} after."
    )
    lines += [
        "",
        "| page | req/s | p50 ms | p99 ms | share of ceiling | errors | target |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    ceiling = summary_of(measured["ceilings"])
    lines.append(
        f"| ceiling `{CEILING}` ({len(measured['ceilings'])} runs) | {ceiling['rps']:,.0f} | {fmt_ms(ceiling['p50'])} "
        f"| {fmt_ms(ceiling['p99'])} | 100% | {errors_cell(ceiling, 200)} | – |"
    )
    met, missed = [], []
    for name, result in measured["pages"].items():
        page, summary = result["page"], summary_of(result["runs"])
        share = statistics.mean(result["shares"])
        target, ok = target_of(name, share, summary["p99"])
        (met if ok else missed if ok is False else []).append(name)
        lines.append(
            f"| {name} | {summary['rps']:,.1f} | {fmt_ms(summary['p50'])} | {fmt_ms(summary['p99'])} | {share:.1%} "
            f"| {errors_cell(summary, page.expect, result['warm'])} | {target} |"
        )
    lines += [
        "",
        f"req/s and p50: mean over the {args.rounds} round(s); p99: the highest of the rounds; share: the mean of "
        "each round's req/s over the mean of the two ceiling runs around it; errors: answers other than 2xx/3xx "
        "and socket errors in the measured runs.",
        "",
        compare_line("Thread list, deepest page vs page 1", measured["pages"], "threads", "threads-deepest"),
        compare_line("Thread of 5,000 comments vs of 50", measured["pages"], "thread-50", "thread-5000"),
        f"- Targets: {len(met)} met, {len(missed)} missed" + (f" ({', '.join(missed)})." if missed else "."),
        "",
        "Pages:",
        "",
    ]
    for name, result in measured["pages"].items():
        page = result["page"]
        lines.append(f"- {name}: `{page.path}`" + (f" — {page.note}" if page.note else ""))
        if result["problem"]:
            lines.append(f"  - check before measuring: {result['problem']}")
    workers = info["memory"]["workers"]
    lines += [
        "",
        f"Memory (VmRSS after the run): workers min {kb(min(workers.values(), default=None))}, "
        f"max {kb(max(workers.values(), default=None))} ({len(workers)} workers); "
        f"master {kb(info['memory']['master'])}.",
    ]
    problems = info["log_problems"]
    log_name = info["log"].relative_to(ROOT)
    if problems:
        lines.append(f"gunicorn's log (`{log_name}`) has errors; each kind with how often it came:")
        lines += ["", *[f"- {problem}" for problem in problems[:20]]]
    else:
        lines.append(f"gunicorn's log (`{log_name}`): no errors.")
    return lines + [""]


def report_head(args, started: datetime) -> list[str]:
    """The report's heading: date, machine, tools, the site's configuration and the run's settings."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    wrk = subprocess.run([args.wrk, "-v"], capture_output=True, text=True, timeout=10)  # noqa: S603
    wrk_version = (wrk.stdout or wrk.stderr).split("[")[0].strip()
    return [
        f"# Page benchmark, {started:%Y-%m-%d %H:%M}",
        "",
        f"- Machine: {os.cpu_count()} cores (`nproc`: {len(os.sched_getaffinity(0))}), {cpu}, {memory:.0f} GB RAM, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}. wrk and the site share it.",
        f"- Site: `gunicorn -c gunicorn.conf.py app:app`, {args.workers} workers (WEB_CONCURRENCY), "
        + (
            "its max_requests kept"
            if args.keep_max_requests
            else "`--max-requests 0` (gunicorn.conf.py's recycling replaces every worker within a second or two at "
            "the ceiling's rate, and nothing is served for 2–3 s; `--keep-max-requests` keeps it)"
        )
        + ", `--no-control-socket`; APP_ENV=production, Redis for the rate limits, PROXY_COUNT=1 with "
        "`X-Forwarded-Proto: https`, `X-Forwarded-For` and `X-Forwarded-Host` on every request (as nginx sends "
        "them after terminating HTTPS), SITE_URL https://127.0.0.1:<port>.",
        f"- Raised for the run: {', '.join(f'{k}={v!r}' for k, v in RAISED_LIMITS.items())}. The per-address comment "
        "limit (COMMENT_ADDRESS_LIMIT, 120 per hour) is not settable, so each comment comes from another "
        "`X-Forwarded-For` address.",
        f"- Read pages asked {'signed in as ' + RESIDENT[0] if args.signed_in else 'as a visitor (no cookie)'}; "
        "the poll as a visitor; comments signed in.",
        f"- Load: {wrk_version}, `-t{min(2, args.connections)} -c{args.connections} -d{args.seconds}s --latency "
        f"--timeout 10s`; per page a {WARM_UP} s warm-up, then {args.rounds} round(s) of page and ceiling "
        f"(`GET {CEILING}`: the same stack, no database) in turn.",
        f"- Data: `flask demo --scale large --factor {args.factor:g}`; targets: read pages ≥ {READ_SHARE:.0%} of the "
        f"ceiling and p99 < {READ_P99_MS:g} ms, the unchanged poll ≥ {POLL_SHARE:.0%}, thread list page 1 and the "
        f"deepest page within {SAME_WITHIN:.0%}, threads of 50 and 5,000 comments within {SAME_WITHIN:.0%}.",
        "",
    ]


# ---------------------------------------------------------------------------------------------------------------


def bench_database(kind: str, args, folder: Path, status_script: str) -> dict:
    """Prepare, serve and measure one database; returns what its section of the report needs."""
    prepared = prepare_database(kind, args)
    database_url = prepared["url"]
    say(f"{kind}: finding the pages' ids in the data")
    marks = landmarks(database_url)
    search = search_word(database_url)
    facts = database_facts(kind, database_url)
    close_database(database_url)
    say(f"{kind}: {facts['version']}, rows: " + ", ".join(f"{t} {c:,}" for t, c in facts["counts"].items()))
    code = code_state()
    say(f"{kind}: code: {code}")
    with serving(kind, database_url, args) as (port, master, log):
        pages = build_pages(port, database_url, marks, search, args, folder)
        started, load = datetime.now(), os.getloadavg()[0]
        per_page = WARM_UP + 2 * args.rounds * args.seconds
        say(f"{kind}: measuring {len(pages)} pages, about {(len(pages) * per_page + args.seconds) / 60:.0f} min")
        measured = measure(port, pages, args, status_script, kind)
        memory = worker_memory(master)
        ended = datetime.now()
    return {
        "prepared": prepared,
        "code": code,
        "facts": facts,
        "measured": measured,
        "memory": memory,
        "log": log,
        "log_problems": server_log_problems(log),
        "started": started,
        "ended": ended,
        "load": (load, os.getloadavg()[0]),
    }


def parse_args() -> argparse.Namespace:
    """The command line; see the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of each measurement")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each page, each between two ceilings")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--factor", type=float, default=1.0, help="flask demo --scale large --factor")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md", help="the Markdown report")
    parser.add_argument("--reuse", action="store_true", help="keep a database filled with the same factor and head")
    parser.add_argument(
        "--signed-in", action="store_true", help=f"ask the read pages as {RESIDENT[0]}, not as a visitor"
    )
    parser.add_argument(
        "--keep-max-requests", action="store_true", help="keep gunicorn.conf.py's worker recycling (off by default)"
    )
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of: {', '.join(PAGES)}")
    args = parser.parse_args()
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    args.pages = [name.strip() for name in args.pages.split(",") if name.strip()]
    unknown = [name for name in args.databases if name not in ("sqlite", "postgresql")]
    unknown += [name for name in args.pages if name not in PAGES]
    if unknown or not args.databases or not args.pages:
        parser.error(f"unknown or missing names: {unknown}; databases: sqlite, postgresql; pages: {', '.join(PAGES)}")
    if args.seconds < 1 or args.rounds < 1 or args.connections < 1 or args.workers < 1 or args.factor <= 0:
        parser.error("--seconds, --rounds, --connections, --workers and --factor must be positive")
    args.wrk = shutil.which("wrk") or parser.error("wrk is not installed (apt-get install wrk)")
    args.redis_url = os.environ.get("BENCH_REDIS_URL", "").strip() or DEFAULT_REDIS
    args.secret_key = secrets.token_urlsafe(48)
    return args


def main() -> None:
    """Run the benchmark on each database in turn and write the report after each."""
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so gunicorn is stopped on a kill too
    started = datetime.now()
    clock = time.monotonic()
    head = report_head(args, started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    sections: list[str] = []
    failed, codes = [], set()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        status_script = Path(folder) / "status.lua"
        status_script.write_text(STATUS_LUA)
        for kind in args.databases:
            try:
                info = bench_database(kind, args, Path(folder), str(status_script))
            except BenchError as error:
                say(f"{kind}: stopped: {error}")
                failed.append(kind)
                sections += [f"## {kind}: stopped", "", "```", str(error), "```", ""]
                continue
            sections += database_section(kind, info, args)
            codes.add(info["code"].split(" (")[0])  # the digest: a commit of the same files is the same code
            errors = sum(summary_of(r["runs"])["errors"] for r in info["measured"]["pages"].values())
            if errors or info["log_problems"]:
                failed.append(kind)
            args.output.write_text("\n".join(head + sections))
    minutes = (time.monotonic() - clock) / 60
    if len(codes) > 1:
        sections.append("**The code changed between the databases (see each one's Code line): compare with care.**")
    sections.append(f"The whole run took {minutes:.1f} min.")
    report = "\n".join(head + sections) + "\n"
    args.output.write_text(report)
    print("\n" + report, flush=True)
    say(f"written to {args.output}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
