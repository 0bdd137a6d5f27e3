"""The notifications job on a Redis queue, when REDIS_URL is set: `flask notifications worker` runs an RQ worker
that takes the same pass as `flask notifications send`, a tick of it every minute (reminders, digests, retries)
and one soon after each request that wrote notifications. Without REDIS_URL nothing here runs: cron or
`flask notifications send --loop` does the job. A job run twice mails nothing twice: each pass claims its rows."""

from datetime import timedelta

from flask import current_app, g
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker

from community.extensions import db

QUEUE_NAME = "notifications"
TICK_JOB_ID = "notifications-tick"
SOON_JOB_ID = "notifications-soon"
SOON_ASKED = "notifications-soon-asked"  # set while a "soon" pass waits, so a busy minute queues one pass, not many
SOON_WITHIN = 60  # seconds; should the pass be lost, the next request may ask again after this
TICK_EVERY = timedelta(minutes=1)


def _queue() -> Queue:
    """The notifications queue on REDIS_URL's server."""
    return Queue(QUEUE_NAME, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def run_pass_job() -> dict:
    """One pass of the notifications job, as RQ runs it in the worker's app context; from its start, a request that
    writes notifications may ask for the next one."""
    from community.notifications.delivery import run_pass

    _queue().connection.delete(SOON_ASKED)
    try:
        return vars(run_pass())
    finally:
        db.session.remove()


def tick_job() -> dict:
    """The periodic pass: run it, then schedule the next (one tick at a time: its job id is fixed)."""
    try:
        return run_pass_job()
    finally:
        _queue().enqueue_in(TICK_EVERY, tick_job, job_id=TICK_JOB_ID)


def mark_written() -> None:
    """Note that this request wrote notifications, so the queue is told once the response has gone."""
    g.notifications_written = True


def enqueue_after_response(response):
    """After a request that wrote notifications, with REDIS_URL set, ask the worker for a pass soon; a Redis that
    cannot be reached is logged, and the next tick mails what waits."""
    if g.get("notifications_written") and current_app.config.get("REDIS_URL") and response.status_code < 400:
        try:
            queue = _queue()
            if queue.connection.set(SOON_ASKED, 1, nx=True, ex=SOON_WITHIN):  # one waiting pass serves them all
                queue.enqueue(run_pass_job, job_id=SOON_JOB_ID)
        except RedisError as error:
            current_app.logger.warning("Could not queue the notifications job: %s", error)
    return response


def work(burst: bool = False) -> None:
    """Run the RQ worker in this process (and this app context) with its scheduler, ticking from the start;
    `burst` stops it once the queue is empty."""
    queue = _queue()
    queue.enqueue(tick_job, job_id=TICK_JOB_ID)
    SimpleWorker([queue], connection=queue.connection).work(with_scheduler=not burst, burst=burst)
