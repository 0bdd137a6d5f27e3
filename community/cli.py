"""Command-line tasks: `flask demo`, `flask translate …`, `flask mail …`, `flask text …`, `flask notifications …`;
and the administration's `flask users …`, `flask sessions …`, `flask deputies …` and `flask localities …`
(community/admin/commands.py)."""

import subprocess  # nosec B404
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from community.extensions import db

TRANSLATIONS = Path(__file__).parent / "translations"
ROOT = Path(__file__).parent.parent

translate_cli = AppGroup("translate", help="Extract, update and compile the kk, ru and en catalogs.")
mail_cli = AppGroup("mail", help="Deliver queued e-mail.")
notifications_cli = AppGroup("notifications", help="Remind, mail notifications and digests, send the outbox.")
text_cli = AppGroup("text", help="Users' stored text.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603  # nosec B603


@translate_cli.command("update")
def translate_update() -> None:
    """Extract the strings from code and templates and merge them into every catalog."""
    # Templates in templates/_macros count too: babel skips "_" folders unless told otherwise.
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--ignore-dirs",
        ".* __pycache__",
        "--width",
        "120",
        "-o",
        str(TRANSLATIONS / "messages.pot"),
        ".",
    )
    _pybabel(
        "update",
        "-i",
        str(TRANSLATIONS / "messages.pot"),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--width",
        "120",
    )


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogs into the .mo files the site reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@click.command("demo")
@click.option(
    "--scale",
    type=click.Choice(["demo", "large", "small"]),
    default="demo",
    show_default=True,
    help="demo: the curated demo only; large: then a region's worth of generated data (README); "
    "small: the same generated data at 1/1000 of the sizes.",
)
@click.option(
    "--factor",
    type=click.FloatRange(min=0.0001, max=10),
    default=1.0,
    show_default=True,
    help="Scale the generated data's sizes (with --scale large or small).",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed of the generated data.")
def demo_command(scale: str, factor: float, seed: int) -> None:
    """Load the demo localities and accounts, and with --scale large a region's worth of generated data; running
    it again adds nothing twice."""
    from community.demo import load_demo

    for line in load_demo():
        click.echo(line)
    if scale != "demo":
        from community.demo.large import load_large

        for line in load_large(factor / 1000 if scale == "small" else factor, seed, echo=click.echo):
            click.echo(line)


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, a pass every --every seconds (a small always-on job).")
@click.option("--every", type=float, default=60, show_default=True, help="Seconds between passes with --loop.")
def send_notifications(loop: bool, every: float) -> None:
    """One pass of the notifications job (for cron), or passes forever: reminders, overdue appeals, e-mails due
    at once, digests due, then the outbox. Any number may run at once; each e-mail leaves once."""
    import time

    from community.notifications.delivery import run_pass

    while True:
        try:
            done = run_pass()
            click.echo(
                f"{done.reminded} reminded, {done.mailed} mailed at once, {done.digests} digests, {done.sent} sent, "
                f"{done.pruned} lapsed sessions and sign-in records pruned"
            )
        except Exception as error:  # noqa: BLE001 - a failed pass (the database restarting) must not end the loop
            click.echo(f"notifications pass failed: {error}", err=True)
            if not loop:
                raise
        finally:
            db.session.remove()  # hold no transaction (on SQLite, no lock) while waiting
        if not loop:
            return
        time.sleep(every)


@notifications_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (for tests and one-off runs).")
def notifications_worker(burst: bool) -> None:
    """Run the notifications job from the Redis queue (REDIS_URL): a pass every minute and soon after each
    request that wrote notifications."""
    from flask import current_app

    from community.notifications.jobs import work

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set; run `flask notifications send --loop` instead.")
    work(burst=burst)


@mail_cli.command("deliver")
@click.option("--every", type=float, default=0, help="Keep running, looking for mail every so many seconds.")
def deliver_mail(every: float) -> None:
    """Send the queued messages (pages send theirs after answering; this retries what failed)."""
    import time

    from community.core.mail import deliver_queued

    while True:
        try:
            click.echo(f"{deliver_queued()} sent")
        except Exception as error:  # noqa: BLE001 - a failed pass (the database restarting) must not end the loop
            click.echo(f"delivery failed: {error}", err=True)
            if not every:
                raise
        finally:
            db.session.remove()  # hold no transaction (on SQLite, no lock) while waiting
        if not every:
            return
        time.sleep(every)


@text_cli.command("render")
@click.option("--only", "only", metavar="TABLE", default=None, help="Render one table's text only (e.g. comments).")
def render_text(only: str | None) -> None:
    """Render the stored HTML of every user's Markdown again from its source, after MARKDOWN_VERSION changed
    (core/text.py); in batches with progress, writing only the rows whose HTML changes. The site may keep running."""
    from time import perf_counter

    from community.core.text import MARKDOWN_VERSION, markdown_fields, render_stored

    tables = {table.name: markdown_fields(table) for table in db.metadata.sorted_tables if markdown_fields(table)}
    if only is not None and only not in tables:
        raise click.ClickException(f"{only} has no Markdown; choose one of {', '.join(tables)}.")
    started = perf_counter()
    click.echo(f"Rendering the stored Markdown with version {MARKDOWN_VERSION} …")
    for name, fields in tables.items():
        if only not in (None, name):
            continue
        total = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 1
        db.session.commit()
        read = written = tenths = 0
        # Through the site's session, so its commits count as the site's writes (shared page copies move on).
        for rows, changed in render_stored(db.session, name, fields, commit=True):
            read, written = read + rows, written + changed
            if read * 10 // total > tenths or read == total:
                tenths = read * 10 // total
                elapsed = perf_counter() - started
                click.echo(f"{elapsed:7.1f} s  {name}: {read:,} of {total:,} rows, {written:,} changed")
    click.echo(f"Done in {perf_counter() - started:.1f} s.")


def register_commands(app: Flask) -> None:
    """Add the commands to `flask`."""
    from community.admin.commands import deputies_cli, localities_cli, sessions_cli, users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(deputies_cli)
    app.cli.add_command(localities_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(text_cli)
