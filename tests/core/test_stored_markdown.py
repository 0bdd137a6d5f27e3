"""Users' Markdown is rendered once, when it is written, and pages print the stored html: every page shows what
rendering the source on each read showed, an edit renders again, writes in SQL and bulk writes store it too,
`flask text render` repairs it, and migration 0010 fills it for rows stored before."""

import hashlib
import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import Text, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from community.accounts.models import User
from community.core.db import utcnow
from community.core.text import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_SCHEMES,
    ALLOWED_TAGS,
    MARKDOWN_VERSION,
    StoredMarkdown,
    excerpt,
    markdown_fields,
    render_markdown,
    stored_excerpt,
    stored_html,
)
from community.dialogues.models import DialogueSession
from community.events.models import Event
from community.extensions import db
from community.pledges.models import Deputy, Pledge
from community.threads.models import Comment, Thread
from tests.factories import create_comment, create_deputy, create_dialogue, create_event, create_thread, create_user

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0010_stored_markdown.py"
HTMX = {"HX-Request": "true"}

# Every kind of Markdown the allow-list keeps, and attempts it must defuse.
RICH = (
    "# Абай көшесі\n\n"
    "## Жағдай\n\n"
    'Үш айдан бері **шам жоқ**, *балалар* ~~қараңғыда~~ жүреді. [Әкімдік](https://almaty.gov.kz "сайт") '
    "жауап бермеді, <script>alert(1)</script> [басу](javascript:alert(1)) "
    '<a href="javascript:alert(2)">сілтеме</a> & "тырнақша".\n\n'
    "| Көше | Шам |\n|:-----|----:|\n| Абай | 0 |\n| Төле би | 3 |\n\n"
    "- бірінші\n- екінші\n\n"
    "3. үшінші\n4. төртінші\n\n"
    "> дәйексөз\n\n"
    "```\n<b>код</b>\n```\n"
)
# A fingerprint of what the renderer makes of RICH and of its allow-lists, per MARKDOWN_VERSION.
RENDERER_FINGERPRINTS = {1: "6ee83fb9f9e18841"}


def rich(name: str) -> str:
    """RICH with a last line of its own, so each field's text is told apart on a page."""
    return f"{RICH}\nПоле: {name}."


def shows(page: str, source: str) -> bool:
    """The page holds exactly what rendering the source on every read used to put there, and nothing unsafe."""
    return str(render_markdown(source)) in page and "<script>alert" not in page and '<a href="javascript' not in page


def body(response) -> str:
    assert response.status_code in (200, 303), response.status_code
    return response.get_data(as_text=True)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def stored_right(row) -> bool:
    """Every Markdown field of the row has the html its source renders to."""
    return all(getattr(row, f"{f}_html") == str(render_markdown(getattr(row, f))) for f in markdown_fields(row))


def test_markdown_version_names_the_renderer():
    fingerprint = hashlib.sha256(
        repr(
            (
                str(render_markdown(RICH)),
                sorted(ALLOWED_TAGS),
                sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items()),
                sorted(ALLOWED_SCHEMES),
            )
        ).encode()
    ).hexdigest()[:16]
    assert RENDERER_FINGERPRINTS.get(MARKDOWN_VERSION) == fingerprint, (
        "render_markdown now makes other HTML: bump MARKDOWN_VERSION (core/text.py), add "
        f"{{{MARKDOWN_VERSION + 1}: {fingerprint!r}}} here, and run `flask text render` after deploying"
    )


def test_a_thread_its_comments_and_official_answer_show_as_rendered_on_read(
    app, client, login_as, resident, deputy, village
):
    login_as(resident)
    created = client.submit(
        "/threads/new",
        {
            "title": "Абай көшесінде шам жоқ",
            "body": rich("thread"),
            "locality": str(village.id),
            "category": "roads",
            "addressed_to": str(deputy.id),
            "submission_key": "t1",
        },
    )
    assert created.status_code == 303
    thread = db.session.scalar(select(Thread))
    comment = {"body": rich("comment"), "submission_key": "c1"}
    assert client.submit(f"/threads/{thread.id}/comments", comment).status_code == 303
    comment = db.session.scalar(select(Comment))
    reply = {"body": rich("reply"), "parent_id": str(comment.id), "submission_key": "c2"}
    assert client.submit(f"/threads/{thread.id}/comments", reply).status_code == 303
    answering = login_as(deputy, with_client=app.test_client())
    answer = {"answer-body": rich("answer"), "answer-submission_key": "a1"}
    assert answering.submit(f"/threads/{thread.id}/answer", answer).status_code == 303
    page = body(client.get(f"/threads/{thread.id}"))
    for name in ("thread", "comment", "reply", "answer"):
        assert shows(page, rich(name)), name
    fragment = body(client.get(f"/threads/{thread.id}?page=1", headers=HTMX))
    assert shows(fragment, rich("comment"))
    for row in db.session.scalars(select(Comment)):
        assert stored_right(row)


def test_the_moderation_queue_shows_a_reported_comment_as_rendered(app, client, login_as, resident, moderator, village):
    thread = create_thread(resident, village)
    comment = create_comment(thread, resident, body=rich("reported"))
    reporter = login_as(create_user("resident"), with_client=app.test_client())
    assert reporter.submit(f"/comments/{comment.id}/flag", {"reason": "spam"}).status_code == 303
    login_as(moderator)
    assert shows(body(client.get("/moderation/")), rich("reported"))


def test_a_pledge_its_updates_and_the_deputy_show_as_rendered(app, client, login_as, deputy, village):
    profile = create_deputy(user=deputy, biography=rich("biography"))
    login_as(deputy)
    added = client.submit(
        f"/deputies/{profile.id}/pledges/new",
        {
            "title": "Абай көшесіне шам орнатамын",
            "text": rich("pledge"),
            "source_description": "Сайлауалды кездесу",
            "made_on": "2023-02-01",
            "locality": str(village.id),
            "category": "water",
            "submission_key": "p1",
        },
    )
    assert added.status_code == 303
    pledge = db.session.scalar(select(Pledge))
    for key, (status, note) in enumerate((("in_progress", rich("first update")), ("stalled", rich("second")))):
        update = {"status": status, "progress": "30", "note": note, "submission_key": f"u{key}"}
        assert client.submit(f"/pledges/{pledge.id}/updates", update).status_code == 303
    page = body(client.get(f"/pledges/{pledge.id}"))
    for name in ("pledge", "first update", "second"):
        assert shows(page, rich(name)), name
    assert shows(body(client.get(f"/deputies/{profile.id}")), rich("biography"))
    assert f"<summary>{escape(excerpt(rich('second'), 300))}</summary>" in body(client.get("/pledges.atom"))
    discussion = db.session.scalar(select(Thread).filter_by(pledge_id=pledge.id))
    assert stored_right(discussion) and discussion.body == pledge.text


def test_an_event_its_edit_and_report_show_as_rendered(app, client, login_as, moderator, village):
    login_as(moderator)
    fields = {
        "title": "Көше жарығы туралы кездесу",
        "kind": "seminar",
        "description": rich("description"),
        "starts_at": "2030-03-02T10:00",
        "ends_at": "2030-03-02T13:00",
        "locality": str(village.id),
        "capacity": "20",
        "publish": "y",
    }
    assert client.submit("/events/new", fields).status_code == 303
    event = db.session.scalar(select(Event))
    assert shows(body(client.get(f"/events/{event.id}")), rich("description"))
    assert client.submit(f"/events/{event.id}/edit", fields | {"description": rich("edited")}).status_code == 303
    page = body(client.get(f"/events/{event.id}"))
    assert shows(page, rich("edited")) and str(render_markdown(rich("description"))) not in page
    past = create_event(moderator, village, starts_at=utcnow() - timedelta(hours=3))
    assert client.submit(f"/events/{past.id}/report", {"report": rich("report")}).status_code == 303
    assert shows(body(client.get(f"/events/{past.id}")), rich("report"))
    assert stored_right(fresh(Event, past.id)) and fresh(Event, past.id).report_html


def test_a_dialogue_its_edit_and_minutes_show_as_rendered(client, login_as, moderator, village):
    login_as(moderator)
    fields = {
        "title": "Жарық туралы ашық диалог",
        "topic": "Көше жарығы",
        "description": rich("description"),
        "scheduled_at": "2030-12-05T15:00",
        "locality": str(village.id),
        "premoderation": "y",
    }
    assert client.submit("/dialogues/new", fields).status_code == 303
    dialogue = db.session.scalar(select(DialogueSession))
    assert shows(body(client.get(f"/dialogues/{dialogue.id}")), rich("description"))
    assert client.submit(f"/dialogues/{dialogue.id}/edit", fields | {"description": rich("edited")}).status_code == 303
    assert shows(body(client.get(f"/dialogues/{dialogue.id}")), rich("edited"))
    assert client.submit(f"/dialogues/{dialogue.id}/open").status_code == 303
    # Closing writes the summary by a guarded UPDATE in SQL, not through the model's attributes.
    assert client.submit(f"/dialogues/{dialogue.id}/close", {"summary": rich("summary")}).status_code == 303
    minutes = body(client.get(f"/dialogues/{dialogue.id}"))
    assert shows(minutes, rich("summary"))
    assert stored_right(fresh(DialogueSession, dialogue.id))


def test_a_profile_bio_shows_as_rendered_and_an_edit_renders_it_again(client, login_as, resident, village):
    login_as(resident)
    for name in ("bio", "new bio"):
        settings = {"display_name": "Әсел", "locality": str(village.id), "locale": "kk", "bio": rich(name)}
        assert client.submit("/auth/settings", settings).status_code == 303
        assert shows(body(client.get(f"/users/{resident.id}")), rich(name))
    assert stored_right(fresh(User, resident.id))


def test_editing_a_thread_or_a_comment_renders_it_again(client, login_as, resident, village):
    thread = create_thread(resident, village, body=rich("before"))
    comment = create_comment(thread, resident, body=rich("comment before"))
    login_as(resident)
    edit = {"title": thread.title, "body": rich("after"), "locality": str(village.id), "category": "roads"}
    assert client.submit(f"/threads/{thread.id}/edit", edit).status_code == 303
    assert client.submit(f"/comments/{comment.id}/edit", {"body": rich("comment after")}).status_code == 303
    page = body(client.get(f"/threads/{thread.id}"))
    assert shows(page, rich("after")) and shows(page, rich("comment after"))
    assert str(render_markdown(rich("before"))) not in page
    assert stored_right(fresh(Thread, thread.id)) and stored_right(fresh(Comment, comment.id))


def test_a_deleted_comment_with_replies_keeps_no_html(resident, village):
    from community.threads.services import delete_comment

    thread = create_thread(resident, village)
    parent = create_comment(thread, resident, body=rich("parent"))
    create_comment(thread, resident, body="Жауап", parent=parent)
    delete_comment(fresh(Comment, parent.id))  # an UPDATE in SQL blanks the body
    db.session.commit()
    placeholder = fresh(Comment, parent.id)
    assert (placeholder.body, placeholder.body_html) == ("", "")


def test_rows_made_in_code_get_their_html_at_once(resident, village):
    thread = Thread(body=rich("constructed"))
    assert thread.body_html == str(render_markdown(rich("constructed")))
    thread.body = "*жаңа*"
    assert thread.body_html == "<p><em>жаңа</em></p>\n"
    with pytest.raises(TypeError):
        Thread(body=Thread.title)  # a source written as SQL could not be rendered
    assert stored_right(create_deputy(biography=rich("factory")))
    assert stored_right(create_thread(resident, village, body=rich("factory thread")))


def test_pages_print_only_declared_markdown_fields():
    thread = Thread(title="<b>тақырып</b>", body="**мәтін**")
    assert stored_html(thread, "body") == "<p><strong>мәтін</strong></p>\n"
    with pytest.raises(TypeError):
        stored_html(thread, "title")  # not Markdown: the template escapes it
    assert stored_excerpt(thread, "body") == "мәтін"


def test_a_stored_excerpt_is_the_excerpt_of_the_source():
    for source in (rich("excerpt"), "", "қысқа", "**а** " * 300, '> 1 < 2 & "3"\n\n```\n<x>\n```'):
        row = Thread(body=source)
        for length in (20, 200, 300, 1000):
            assert stored_excerpt(row, "body", length) == excerpt(source, length)


def test_a_model_naming_a_markdown_field_without_its_html_column_is_refused():
    class Base(DeclarativeBase):
        pass

    with pytest.raises(TypeError, match="note_html"):

        class Note(StoredMarkdown, Base):
            __tablename__ = "notes"
            markdown_fields = ("note",)
            id: Mapped[int] = mapped_column(primary_key=True)
            note: Mapped[str] = mapped_column(Text)


def run(app, *args) -> str:
    db.session.commit()  # the command writes on connections of its own; on SQLite the test's must let go first
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_text_render_restores_blanked_and_outdated_html(app, resident, village):
    thread = create_thread(resident, village, body=rich("thread"))
    comments = [create_comment(thread, resident, body=rich(f"comment {n}")) for n in range(3)]
    profile = create_deputy(biography=rich("biography"))
    ids = [c.id for c in comments]
    db.session.execute(update(Comment).where(Comment.id == ids[0]).values(body_html=""))
    db.session.execute(update(Comment).where(Comment.id == ids[1]).values(body_html="<p>an older version</p>"))
    db.session.execute(update(Thread).values(body_html=""))
    db.session.execute(update(Deputy).values(biography_html=""))
    db.session.commit()
    only = run(app, "text", "render", "--only", "comments")
    assert "comments: 3 of 3 rows, 2 changed" in only and "threads" not in only
    assert all(stored_right(fresh(Comment, i)) for i in ids)
    assert fresh(Thread, thread.id).body_html == ""
    everything = run(app, "text", "render")
    assert f"version {MARKDOWN_VERSION}" in everything and "comments: 3 of 3 rows, 0 changed" in everything
    assert stored_right(fresh(Thread, thread.id)) and stored_right(fresh(Deputy, profile.id))
    result = app.test_cli_runner().invoke(args=["text", "render", "--only", "localities"])
    assert result.exit_code != 0 and "has no Markdown" in result.output


def load_migration():
    spec = importlib.util.spec_from_file_location("migration_0010", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_renders_every_stored_text(resident, moderator, village):
    migration = load_migration()
    born_rendered = {"appeals", "appeal_entries"}  # created by migration 0015, their html written from the start
    assert {table: tuple(fields) for table, fields in migration.MARKDOWN_FIELDS.items()} == {
        table.name: markdown_fields(table)
        for table in db.metadata.sorted_tables
        if markdown_fields(table) and table.name not in born_rendered
    }
    thread = create_thread(resident, village, body=rich("thread"))
    db.session.execute(
        Comment.__table__.insert(),
        [
            {"thread_id": thread.id, "author_id": resident.id, "body": f"Пікір **{n}**", "submission_key": f"m{n}"}
            for n in range(2_500)
        ],
    )
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    event = create_event(moderator, village, description=rich("event"))
    dialogue = create_dialogue(moderator, village, description=rich("dialogue"), summary=rich("summary"))
    resident.bio = rich("bio")
    db.session.commit()
    for table, fields in migration.MARKDOWN_FIELDS.items():  # as the rows were before the migration
        db.session.execute(update(db.metadata.tables[table]).values({f"{field}_html": "" for field in fields}))
    db.session.commit()
    rows = [(Thread, thread.id), (Event, event.id), (DialogueSession, dialogue.id), (User, resident.id)]
    rows += [(Comment, comment.id) for comment in (comments[0], comments[1_000], comments[-1])]
    lines = []
    db.session.remove()
    with db.engine.begin() as connection:
        migration.render_existing(connection, echo=lines.append)
    assert "  comments: 2,500 rows, 2,500 rendered" in lines
    for model, row_id in rows:
        assert stored_right(fresh(model, row_id)), model
    assert fresh(Event, rows[1][1]).report_html == ""  # no text, no html


def test_every_demo_row_has_its_html(app):
    run(app, "demo")
    checked = 0
    for table in db.metadata.sorted_tables:
        fields = markdown_fields(table)
        for field in fields:
            rows = db.session.execute(select(table.c[field], table.c[f"{field}_html"])).all()
            assert all(html == str(render_markdown(source)) for source, html in rows), f"{table.name}.{field}"
            checked += sum(1 for source, _ in rows if source)
    assert checked > 100
