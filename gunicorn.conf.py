"""gunicorn's settings for the site: `gunicorn -c gunicorn.conf.py app:app` (gunicorn also reads this file by itself
when it is started in this folder).

Login limits count in the database. The other rate limits count in Redis when REDIS_URL is set, and otherwise in
each worker's memory, where several workers would each count only what they saw: so without REDIS_URL one worker
serves, and the app is told so (SINGLE_PROCESS=1); in production it refuses to start with counters in memory
without being told. WEB_CONCURRENCY sets the number of workers (with REDIS_URL 2 × cores + 1, at most 8; 1
without); more workers without Redis are refused at start in production, and so is SINGLE_PROCESS=1 with more than
one worker here.

GUNICORN_THREADS (1 by default) runs that many threads in each worker (gunicorn's gthread worker). Each request has
its own database session (Flask-SQLAlchemy's scoped sessions), so threads are safe. They help when requests mostly
wait rather than compute (on PostgreSQL or Redis on another machine): a worker then serves several at once in less
memory than more workers would, and without Redis, where one worker serves, threads are the only way to serve more
than one request at a time. They do not help page rendering, which holds Python's GIL, nor SQLite writes, which
queue for one lock; each thread may hold a database connection, so mind PostgreSQL's max_connections. Slow clients
need no threads: nginx buffers their requests and answers.

nginx (deploy/nginx/halyk-uni.conf) stands in front: it keeps the access log, so gunicorn keeps none unless
GUNICORN_ACCESS_LOG=1; its proxy timeouts match the timeout here. BIND sets the address (127.0.0.1:8000).
"""

import multiprocessing
import os

TRUE = {"1", "true", "yes", "on"}
MAX_DEFAULT_WORKERS = 8  # each worker is a whole Python process with its own connections; beyond this, add machines
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn makes its heartbeat files there with mkstemp


def available_cores() -> int:
    """The CPU cores this process may run on (a container's or taskset's share), else all the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no sched_getaffinity outside Linux
        return multiprocessing.cpu_count()


def default_workers() -> int:
    """2 × cores + 1 workers (at most MAX_DEFAULT_WORKERS) with REDIS_URL; without it one, which alone may count
    rate limits in its memory."""
    if os.environ.get("REDIS_URL", "").strip():
        return min(2 * available_cores() + 1, MAX_DEFAULT_WORKERS)
    return 1


bind = os.environ.get("BIND", "").strip() or "127.0.0.1:8000"  # where nginx's upstream reaches gunicorn
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())  # WEB_CONCURRENCY wins; see the docstring
threads = int(os.environ.get("GUNICORN_THREADS") or 1)  # more than 1 switches to the gthread worker; see above
timeout = 30  # a worker silent this long (a stuck request) is killed and replaced; nginx's proxy_read_timeout too
graceful_timeout = 30  # on restart or HUP, workers finish their requests for at most this long
keepalive = 5  # seconds an idle keep-alive connection stays open (gthread only; the sync worker closes each one)
max_requests = 2000  # a worker is replaced after this many requests, so slow memory growth never builds up
max_requests_jitter = 1000  # ... plus up to this many: workers sharing the load evenly are replaced far apart
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None  # heartbeats in memory, not on a disk
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").strip().lower() in TRUE else None  # nginx logs
# The client as nginx forwarded it, the request line, status, size and the time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(D)s'
forwarded_allow_ips = "127.0.0.1"  # only nginx on this machine may say a request came over HTTPS
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}  # the one header nginx sets; others a client sent are ignored


def nworkers_changed(server, new_value, old_value):
    """Say SINGLE_PROCESS=1 when one worker serves without Redis; refuse that claim for more workers.

    gunicorn calls this with the final number of workers (the command line's --workers included) before any
    worker loads the app, and again when the number changes (TTIN, TTOU, a reload): the workers inherit the
    setting with the master's environment.
    """
    if os.environ.get("REDIS_URL", "").strip():
        return
    claimed = os.environ.get("SINGLE_PROCESS", "").strip().lower() in TRUE
    if new_value == 1 and old_value is None:
        os.environ["SINGLE_PROCESS"] = "1"
    elif new_value > 1 and claimed:
        if old_value is None:
            raise SystemExit(f"SINGLE_PROCESS=1 says one process serves the site, but {new_value} workers would.")
        server.log.error("Without REDIS_URL the site runs one worker; staying at %s.", old_value)
        server.num_workers = old_value
