"""The large data set, generated at 1/1000 of its size: every kept count equals a count of its rows, every foreign
key holds, every text is storable, a second run adds nothing, and the main pages answer."""

import pytest
from sqlalchemy import String, func, select

from community.accounts.models import User
from community.core.text import has_unstorable, markdown_fields, render_markdown, search_text, slugify
from community.demo import large_words as W
from community.demo.large import DOMAIN, sizes_for
from community.demo.large_threads import HEAVY_KEY, TYPICAL_KEY
from community.dialogues.models import DialogueSession, Question, QuestionVote, SessionLogEntry
from community.events.models import Event, Registration, RegistrationState
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import NEEDS_EVIDENCE, PLEDGE_MOVES, Deputy, Pledge, PledgeStatus, PledgeUpdate
from community.threads.models import Comment, CommentSupport, Thread, ThreadFollow, ThreadStateChange, ThreadSupport
from community.threads.services import add_comment
from tests.factories import create_thread, create_user

FACTOR = 0.001


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def large(app):
    """The demo and the large data set at a thousandth of its size, loaded by the command."""
    return run(app, "demo", "--scale", "large", "--factor", str(FACTOR))


def grouped(column, *where) -> dict:
    """COUNT(*) of a table's rows per value of a column."""
    return dict(db.session.execute(select(column, func.count()).where(*where).group_by(column)).all())


def kept(*columns) -> dict:
    """A table's kept values by id."""
    return {row[0]: tuple(row[1:]) for row in db.session.execute(select(*columns))}


def row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_generated_sizes_and_a_second_run_adds_nothing(app, large):
    sizes = sizes_for(FACTOR)
    assert "Large data added" in large and "comments" in large
    generated = Thread.submission_key.like("large-%")
    assert db.session.scalar(select(func.count()).where(generated)) == sizes["threads"]
    assert (
        db.session.scalar(select(func.count(Comment.id)).where(Comment.submission_key.like("large-%")))
        == (sizes["comments"])
    )
    assert (
        db.session.scalar(select(func.count(Pledge.id)).where(Pledge.submission_key.like("large-%")))
        == (sizes["pledges"])
    )
    updates = select(func.count(PledgeUpdate.id)).where(PledgeUpdate.submission_key.like("large-%"))
    assert db.session.scalar(updates) == sizes["updates"]
    assert (
        db.session.scalar(select(func.count(Question.id)).where(Question.submission_key.like("large-%")))
        == (sizes["questions"])
    )
    heavy = db.session.scalar(select(Thread).where(Thread.submission_key == HEAVY_KEY))
    assert (
        db.session.scalar(select(func.count(Comment.id)).where(Comment.thread_id == heavy.id))
        == (sizes["heavy_comments"])
    )
    residents = db.session.scalars(select(User).where(User.email.endswith("@" + DOMAIN))).all()
    assert len(residents) >= sizes["residents"]
    assert all(user.email_confirmed_at is not None and user.is_active for user in residents)
    counts = row_counts()
    again = run(app, "demo", "--scale", "large", "--factor", str(FACTOR))
    assert "already loaded" in again and "nothing added" in again
    assert row_counts() == counts


def test_every_kept_count_equals_its_rows(large):
    shown = grouped(Comment.thread_id, Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))
    supports, follows = grouped(ThreadSupport.thread_id), grouped(ThreadFollow.thread_id)
    threads = kept(Thread.id, Thread.comment_count, Thread.support_count, Thread.follower_count)
    assert threads == {i: (shown.get(i, 0), supports.get(i, 0), follows.get(i, 0)) for i in threads}

    replies, comment_supports = grouped(Comment.parent_id), grouped(CommentSupport.comment_id)
    comments = kept(Comment.id, Comment.reply_count, Comment.support_count)
    assert comments == {i: (replies.get(i, 0), comment_supports.get(i, 0)) for i in comments}

    updates = grouped(PledgeUpdate.pledge_id)
    assert kept(Pledge.id, Pledge.update_count) == {i: (updates.get(i, 0),) for i in kept(Pledge.id)}

    going = grouped(Registration.event_id, Registration.state == RegistrationState.GOING)
    waiting = grouped(Registration.event_id, Registration.state == RegistrationState.WAITING)
    for event in db.session.scalars(select(Event)):
        assert (event.going_count, event.waiting_count) == (going.get(event.id, 0), waiting.get(event.id, 0))
        assert event.going_count <= event.capacity
        assert event.waiting_count == 0 or event.going_count == event.capacity

    votes = grouped(QuestionVote.question_id)
    assert kept(Question.id, Question.vote_count) == {i: (votes.get(i, 0),) for i in kept(Question.id)}
    for session in db.session.scalars(select(DialogueSession)):
        states = grouped(Question.state, Question.session_id == session.id)
        states = {state.value: count for state, count in states.items()}
        assert session.pending_count == states.get("pending", 0)
        assert session.open_count == states.get("approved", 0)
        assert session.answered_count == states.get("answered", 0) + states.get("promised", 0)
        assert session.hidden_count == states.get("hidden", 0)


def test_generated_rows_keep_what_the_services_would(large):
    """Latest update → pledge; last comment or move → thread's activity; one change per question, vote and step
    → the live session's version; slugs and search text as the services make them."""
    for pledge in db.session.scalars(select(Pledge).where(Pledge.submission_key.like("large-%"))):
        history = db.session.scalars(
            select(PledgeUpdate).where(PledgeUpdate.pledge_id == pledge.id).order_by(PledgeUpdate.created_at)
        ).all()
        status = PledgeStatus.NOT_RATED
        for entry in history:
            assert entry.old_status is status and PLEDGE_MOVES.allows(status, entry.new_status)
            assert bool(entry.evidence_links) == (entry.new_status in NEEDS_EVIDENCE)
            status = entry.new_status
        assert pledge.status is status
        if history:
            assert (pledge.progress, pledge.last_update_at) == (history[-1].progress, history[-1].created_at)
        discussion = db.session.scalar(select(Thread).where(Thread.pledge_id == pledge.id))
        assert discussion.submission_key == f"pledge-{pledge.id}" and discussion.locality_id == pledge.locality_id

    last_comment = dict(
        db.session.execute(select(Comment.thread_id, func.max(Comment.created_at)).group_by(Comment.thread_id)).all()
    )
    last_move = dict(
        db.session.execute(
            select(ThreadStateChange.thread_id, func.max(ThreadStateChange.created_at)).group_by(
                ThreadStateChange.thread_id
            )
        ).all()
    )
    for thread in db.session.scalars(select(Thread).where(Thread.submission_key.like("large-%"))):
        times = [thread.created_at, last_comment.get(thread.id), last_move.get(thread.id)]
        assert thread.last_activity_at == max(t for t in times if t is not None)
        assert thread.slug == slugify(thread.title)
        assert thread.search_text == search_text(thread.title, thread.body)

    session = db.session.scalar(
        select(DialogueSession)
        .join(Question, Question.session_id == DialogueSession.id)
        .where(Question.submission_key.like("large-%"))
    )
    questions = db.session.scalar(select(func.count(Question.id)).where(Question.session_id == session.id))
    votes = db.session.scalar(
        select(func.count(QuestionVote.id)).join(Question).where(Question.session_id == session.id)
    )
    steps = db.session.scalar(
        select(func.count(SessionLogEntry.id)).where(
            SessionLogEntry.session_id == session.id, SessionLogEntry.step != "ask_for"
        )
    )
    assert session.version == 1 + questions + votes + steps
    assert session.current_question.state.value == "approved"


def test_every_markdown_text_has_its_html(large):
    """The bulk inserts store each Markdown text's html as the site would (rendered once per distinct text)."""
    wrong = []
    for table in db.metadata.sorted_tables:
        for field in markdown_fields(table):
            columns = (table.c.id, table.c[field], table.c[f"{field}_html"])
            for row_id, source, html in db.session.execute(select(*columns)):
                if html != str(render_markdown(source)):
                    wrong.append(f"{table.name}.{field} #{row_id}")
    assert not wrong


def test_every_foreign_key_holds(large):
    dangling = {}
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            parent = key.column.table.alias("parent")
            target = parent.c[key.column.name]
            count = db.session.scalar(
                select(func.count())
                .select_from(table.outerjoin(parent, key.parent == target))
                .where(key.parent.is_not(None), target.is_(None))
            )
            if count:
                dangling[f"{table.name}.{key.parent.name}"] = count
    assert not dangling


def _strings(value):
    """Every string in a word list, however nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def test_every_text_is_storable(large):
    words = [text for name in dir(W) if name.isupper() for text in _strings(getattr(W, name))]
    assert words and not [text for text in words if has_unstorable(text)]
    unstorable = []
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, String)]
        for row in db.session.execute(select(*columns)) if columns else ():
            unstorable += [
                name for name, value in row._mapping.items() if isinstance(value, str) and has_unstorable(value)
            ]
    assert not unstorable


def test_main_pages_answer(client, large):
    heavy = db.session.scalar(select(Thread).where(Thread.submission_key == HEAVY_KEY))
    typical = db.session.scalar(select(Thread).where(Thread.submission_key == TYPICAL_KEY))
    pledge = db.session.scalar(select(Pledge).order_by(Pledge.update_count.desc()).limit(1))
    deputy = db.session.scalar(select(Deputy).join(Pledge).where(Pledge.submission_key.like("large-%")).limit(1))
    event = db.session.scalar(select(Event).order_by(Event.going_count.desc(), Event.id).limit(1))
    session = db.session.scalar(select(Question.session_id).where(Question.submission_key.like("large-%")))
    for url in [
        "/",
        "/threads/",
        "/threads/?page=2",
        f"/threads/{heavy.id}",
        f"/threads/{typical.id}",
        "/pledges/",
        f"/pledges/{pledge.id}",
        "/deputies/",
        f"/deputies/{deputy.id}",
        "/events/",
        "/events/?when=past",
        f"/events/{event.id}",
        "/dialogues/",
        f"/dialogues/{session}",
        "/moderation/log",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_site_numbers_new_rows_after_the_generated_ones(large):
    """The ids the command gave are past each sequence: the services' own inserts go on after them."""
    author = create_user("resident")
    thread = create_thread(author, db.session.scalar(select(Locality).order_by(Locality.id.desc()).limit(1)))
    comment, _ = add_comment(thread, author, "Келісемін.", "after-large")
    db.session.commit()
    assert comment.id > db.session.scalar(select(func.max(Comment.id)).where(Comment.id != comment.id))


def test_the_benchmarks_resident_has_a_long_history_of_notifications(app, large):
    from community.accounts.models import User
    from community.notifications.models import Notification

    asel = db.session.scalar(select(User).where(User.email == "asel@example.kz"))
    generated = Notification.comment_id.in_(select(Comment.id).where(Comment.submission_key.like("large-%")))
    mine = Notification.user_id == asel.id
    assert db.session.scalar(select(func.count()).where(mine, generated)) == sizes_for(FACTOR)["notifications"]
    assert db.session.scalar(select(func.count()).where(mine, generated, Notification.mailed_at.is_(None))) == 0
