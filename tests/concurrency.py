"""Run one action from many threads at once, each as its own request would: its own app context and session."""

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
