"""The last free time of a reception day, asked for by twenty residents at once through four gunicorn workers: one
booking, nineteen clear refusals, no 500, on SQLite and on PostgreSQL alike."""

from community.events.models import ReceptionSlot
from community.extensions import db
from tests.concurrency import post_at_once
from tests.factories import book_for, create_reception, create_user
from tests.server import running_site
from tests.test_processes import Browser

RESIDENTS = 20


def test_twenty_residents_booking_the_last_free_time_through_4_workers_leave_one(app, tmp_path, deputy, village):
    from werkzeug.security import generate_password_hash

    from community.accounts.models import User
    from community.core.db import utcnow

    event = create_reception(deputy, village)
    slots = list(db.session.scalars(db.select(ReceptionSlot).filter_by(event_id=event.id).order_by("starts_at")))
    for slot in slots[:-1]:
        book_for(create_user("resident"), slot)
    last = slots[-1]
    password_hash = generate_password_hash("Qabyldau-Kuni-2026", method="scrypt:1024:8:1")  # quick to check
    db.session.add_all(
        User(
            email=f"visitor{n}@example.kz",
            display_name=f"Келуші {n}",
            password_hash=password_hash,
            email_confirmed_at=utcnow(),
        )
        for n in range(RESIDENTS)
    )
    db.session.commit()
    event_id, last_id = event.id, last.id
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.close()  # hold no transaction (and on SQLite no lock) while the server works
    with running_site(tmp_path, workers=4, env={"DATABASE_URL": database}, demo=False) as base:
        browsers = []
        for n in range(RESIDENTS):
            browser = Browser(base)
            status, _ = browser.post(
                "/auth/login", {"email": f"visitor{n}@example.kz", "password": "Qabyldau-Kuni-2026"}
            )
            assert status == 200
            browsers.append(browser)
        answers = post_at_once(
            browsers, f"/events/{event_id}/slots/{last_id}/book?lang=en", {"topic": "Соңғы бос уақытқа жазылу"}
        )
    statuses = [status for status, _ in answers]
    assert sorted(statuses) == [200] + [409] * (RESIDENTS - 1), statuses  # the one booked followed the 303
    assert all("Someone has just booked this time" in body for status, body in answers if status == 409)
    db.session.expire_all()
    booked = db.session.get(ReceptionSlot, last_id)
    winner = next(n for n, (status, _) in enumerate(answers) if status == 200)
    assert booked.user.email == f"visitor{winner}@example.kz"
    holders = db.session.scalars(db.select(ReceptionSlot.user_id).filter_by(event_id=event_id)).all()
    assert len(holders) == len(set(holders)) == len(slots)
