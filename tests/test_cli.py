"""Admin commands and the demo data loader."""

from community.accounts.models import LoginSession, User
from community.core.permissions import Role
from community.extensions import db
from community.places.models import Locality


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_users_create_and_set_role(app):
    output = run(app, "users", "create", "boss@example.kz", "--role", "admin")
    assert "Password:" in output
    user = db.session.scalar(db.select(User).filter_by(email="boss@example.kz"))
    assert user.role is Role.ADMIN
    run(app, "users", "set-role", "boss@example.kz", "moderator")
    db.session.expire_all()
    assert db.session.get(User, user.id).role is Role.MODERATOR


def test_users_create_refuses_a_taken_address(app, resident):
    result = app.test_cli_runner().invoke(args=["users", "create", resident.email])
    assert result.exit_code != 0 and "already" in result.output


def test_users_disable_ends_sessions(app, client, resident, login_as):
    login_as(resident)
    run(app, "users", "disable", resident.email)
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == 0
    assert client.get("/auth/settings").status_code != 200
    run(app, "users", "enable", resident.email)
    login_as(resident)


def row_counts() -> dict[str, int]:
    """How many rows every table holds."""
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_demo_loads_once(app):
    first = run(app, "demo")
    counts = row_counts()
    second = run(app, "demo")
    assert counts[Locality.__tablename__] >= 20 and counts[User.__tablename__] >= 10
    assert {user.role for user in db.session.scalars(db.select(User))} == set(Role)
    assert row_counts() == counts
    assert "admin@halyk-uni.kz" in first
    assert "0 localities, 0 accounts, 0 threads, 0 pledges, 0 events, 0 dialogue sessions and 0 appeals added" in second
    assert "3 dialogue sessions and 15 appeals added" in first


def test_demo_threads_show_every_part_of_the_feature(app):
    from community.moderation.models import Flag
    from community.threads.models import Comment, Thread, ThreadState

    run(app, "demo")
    threads = list(db.session.scalars(db.select(Thread).where(Thread.pledge_id.is_(None))))
    assert len(threads) == 30
    assert {thread.state for thread in threads} == set(ThreadState)
    assert db.session.scalar(db.select(db.func.count(Comment.id)).where(Comment.official.is_(True))) >= 4
    assert db.session.scalar(db.select(db.func.count(Comment.id)).where(Comment.parent_id.is_not(None))) >= 3
    assert db.session.scalar(db.select(db.func.count(Flag.id))) == 2
    assert sum(thread.support_count for thread in threads) > 30


def test_demo_residents_follow_things_and_have_a_few_days_of_notifications(app):
    from community.notifications.models import Follow, FollowTarget, Notification

    run(app, "demo")
    asel = db.session.scalar(db.select(User).where(User.email == "asel@example.kz"))
    mine = db.session.scalars(
        db.select(Notification).where(Notification.user_id == asel.id).order_by(Notification.id)
    ).all()
    assert any(item.read_at is None for item in mine) and any(item.read_at for item in mine)
    assert len({item.created_at.date() for item in mine}) >= 3
    assert [item.created_at for item in mine] == sorted(item.created_at for item in mine)  # the list's order is time's
    followed = {row.target for row in db.session.scalars(db.select(Follow).where(Follow.user_id == asel.id))}
    assert {FollowTarget.LOCALITY, FollowTarget.DEPUTY, FollowTarget.PLEDGE} <= followed


def test_linking_a_deputy_gives_the_account_the_deputy_role(app, resident):
    from tests.factories import create_deputy

    profile = create_deputy("Жаңа Депутат")
    run(app, "deputies", "link", str(profile.id), resident.email)
    db.session.expire_all()
    assert db.session.get(User, resident.id).role is Role.DEPUTY
    run(app, "deputies", "unlink", str(profile.id))
