"""Run one action, or one form post, from many threads at once, as concurrent requests would arrive."""

import threading

from community.extensions import db


def run_at_once(app, action, count: int) -> list:
    """Start action(index) in count threads together and commit each; returns what each returned or raised."""
    outcomes: list = []
    start = threading.Barrier(count, timeout=30)

    def work(index):
        with app.app_context():
            start.wait()
            try:
                outcomes.append(action(index))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - handed to the test
                db.session.rollback()
                outcomes.append(error)

    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    workers = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


def post_at_once(clients: list, url: str, data: dict | None = None) -> list:
    """POST one form from every client together, each in its own thread; returns their responses in client order.

    Each client's CSRF token is fetched first, so only the posts themselves race. A client is anything with
    csrf_token() and post(url, data=...): the test Client, or tests/test_processes.py's Browser.
    """
    forms = [{**(data or {}), "csrf_token": client.csrf_token()} for client in clients]
    responses: list = [None] * len(clients)
    start = threading.Barrier(len(clients), timeout=60)

    def work(index):
        start.wait()
        try:
            responses[index] = clients[index].post(url, data=forms[index])
        except Exception as error:  # noqa: BLE001 - raised in the test's thread below
            responses[index] = error

    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    workers = [threading.Thread(target=work, args=(index,)) for index in range(len(clients))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for response in responses:
        if isinstance(response, Exception):
            raise response
    return responses
