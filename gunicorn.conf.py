"""gunicorn's settings for the site: `gunicorn -c gunicorn.conf.py app:app` (gunicorn also reads this file by itself
when it is started in this folder).

Login limits count in the database. The other rate limits count in Redis when REDIS_URL is set, and otherwise in
each worker's memory, where several workers would each count only what they saw: so without REDIS_URL one worker
serves, and the app is told so (SINGLE_PROCESS=1); in production it refuses to start with counters in memory
without being told. WEB_CONCURRENCY sets the number of workers (4 with REDIS_URL, 1 without); more workers without
Redis are refused at start in production, and so is SINGLE_PROCESS=1 with more than one worker here.
"""

import os

TRUE = {"1", "true", "yes", "on"}

bind = "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY") or (4 if os.environ.get("REDIS_URL", "").strip() else 1))


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
