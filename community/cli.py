"""Command-line tasks: `flask demo`, `flask users …`, `flask deputies …`, `flask translate …`, `flask mail …`,
`flask text …`, `flask notifications …`."""

import secrets
import subprocess  # nosec B404
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from community.core.permissions import Role
from community.extensions import db

ROLE_NAMES = [role.value for role in Role]
TRANSLATIONS = Path(__file__).parent / "translations"
ROOT = Path(__file__).parent.parent

users_cli = AppGroup("users", help="Manage accounts and roles.")
deputies_cli = AppGroup("deputies", help="Create and edit deputy profiles, link them to accounts.")
translate_cli = AppGroup("translate", help="Extract, update and compile the kk, ru and en catalogs.")
mail_cli = AppGroup("mail", help="Deliver queued e-mail.")
notifications_cli = AppGroup("notifications", help="Remind, mail notifications and digests, send the outbox.")
text_cli = AppGroup("text", help="Users' stored text.")


def _user_or_exit(email: str):
    from community.accounts.services import user_by_email

    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), default="resident", show_default=True)
@click.option("--name", "display_name", default=None, help="Name shown to others (default: the part before @).")
@click.option("--password", default=None, help="Password; a random one is made and printed when omitted.")
def create_user_command(email: str, role: str, display_name: str | None, password: str | None) -> None:
    """Create an account with a role; prints the password when one was generated."""
    from community.accounts.services import EmailTaken, create_user

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, display_name or email.split("@")[0], password, role=Role(role))
    except EmailTaken as error:
        raise click.ClickException(f"{email} already has an account.") from error
    db.session.commit()
    click.echo(f"Created {user.email} as {role}." + (f" Password: {password}" if generated else ""))


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLE_NAMES))
def set_role_command(email: str, role: str) -> None:
    """Give an existing account a role; written to the audit log as the command line's."""
    from community.admin.services import change_role

    changed = _administer(change_role, _user_or_exit(email), Role(role))
    click.echo(f"{email} is now {role}." if changed else f"{email} is {role} already.")


@users_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable an account and sign it out everywhere; written to the audit log."""
    from community.admin.services import disable_account

    changed = _administer(disable_account, _user_or_exit(email))
    click.echo(f"{email} is disabled and signed out everywhere." if changed else f"{email} is disabled already.")


@users_cli.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Let a disabled account sign in again; written to the audit log."""
    from community.admin.services import enable_account

    changed = _administer(enable_account, _user_or_exit(email))
    click.echo(f"{email} is enabled." if changed else f"{email} was not disabled.")


def _administer(action, *args, **kwargs):
    """Run an admin service as the command line (no actor), with its messages in English, and commit; returns
    what the service returned (whether it changed anything, or what it made); a refusal is the command's error."""
    from flask_babel import force_locale

    from community.admin.services import AdminRefused, LinkTaken

    with force_locale("en"):
        try:
            changed = action(None, *args, **kwargs)
        except AdminRefused as error:
            db.session.rollback()
            hint = " Add --force to take it." if isinstance(error, LinkTaken) else ""
            raise click.ClickException(str(error) + hint) from error
    db.session.commit()
    return changed


def _deputy_or_exit(deputy_id: int):
    from community.pledges.models import Deputy

    deputy = db.session.get(Deputy, deputy_id)
    if deputy is None:
        raise click.ClickException(f"No deputy with id {deputy_id}.")
    return deputy


@deputies_cli.command("link")
@click.argument("deputy_id", type=int)
@click.argument("email")
@click.option("--force", is_flag=True, help="Take the profile from the account it is linked to now.")
def link_deputy_command(deputy_id: int, email: str, force: bool) -> None:
    """Link a deputy profile to an account, which gets the deputy role; refuses to take it from another account
    without --force. Written to the audit log."""
    from community.admin.services import link_deputy

    deputy = _deputy_or_exit(deputy_id)
    changed = _administer(link_deputy, deputy, _user_or_exit(email), force=force)
    click.echo(f"{deputy.name} is linked to {email}." if changed else f"{deputy.name} is linked to {email} already.")


def _locality_or_exit(slug: str):
    from community.places.models import Locality

    locality = db.session.scalar(db.select(Locality).filter_by(slug=slug))
    if locality is None:
        raise click.ClickException(f"No locality with the slug {slug}.")
    return locality


COUNCIL_NAMES = ["mazhilis", "region", "district"]


def _profile_options(command):
    """The options of `deputies create` and `deputies edit`: every field of a profile an admin writes."""
    texts = ("constituency", "party-kk", "party-ru", "party-en", "biography", "reception-hours", "reception-place")
    for name in reversed(texts):
        command = click.option(f"--{name}", default=None, help=f"The profile's {name.replace('-', ' ')}.")(command)
    command = click.option(
        "--locality", "localities", multiple=True, metavar="SLUG", help="A constituency locality (repeat for more)."
    )(command)
    command = click.option("--district", default=None, metavar="SLUG", help="The district's slug ('' for none).")(
        command
    )
    return command


def _profile_fields(given: dict) -> dict:
    """The fields the options gave, as the admin services take them (places looked up, texts made storable)."""
    from community.core.text import storable
    from community.pledges.models import Council

    fields = {}
    for name, value in given.items():
        if value is None or (name == "localities" and not value):
            continue
        if name == "council":
            fields[name] = Council(value)
        elif name == "district":
            fields[name] = _locality_or_exit(value) if value else None
        elif name == "localities":
            fields[name] = [_locality_or_exit(slug) for slug in dict.fromkeys(value)]
        else:
            fields[name] = storable(value).strip() if isinstance(value, str) else value
    return fields


@deputies_cli.command("create")
@click.argument("name")
@click.option("--council", type=click.Choice(COUNCIL_NAMES), required=True)
@click.option("--term-start", type=int, required=True, help="The year the term starts.")
@click.option("--term-end", type=int, required=True, help="The year the term ends.")
@_profile_options
def create_deputy_command(**given) -> None:
    """Add a deputy profile; written to the audit log, as the admin page's form does."""
    from community.admin.services import create_deputy

    deputy = _administer(create_deputy, **_profile_fields(given))
    click.echo(f"Created the profile of {deputy.name}: deputy {deputy.id}.")


@deputies_cli.command("edit")
@click.argument("deputy_id", type=int)
@click.option("--name", default=None)
@click.option("--council", type=click.Choice(COUNCIL_NAMES), default=None)
@click.option("--term-start", type=int, default=None, help="The year the term starts.")
@click.option("--term-end", type=int, default=None, help="The year the term ends.")
@_profile_options
def edit_deputy_command(deputy_id: int, **given) -> None:
    """Change the given fields of a deputy profile (--locality replaces the list); the changed ones are written to
    the audit log, as the admin page's form does."""
    from community.admin.services import edit_deputy

    deputy = _deputy_or_exit(deputy_id)
    changed = _administer(edit_deputy, deputy, **_profile_fields(given))
    click.echo(
        f"Saved the profile of {deputy.name}." if changed else f"Nothing changed in the profile of {deputy.name}."
    )


@deputies_cli.command("unlink")
@click.argument("deputy_id", type=int)
def unlink_deputy_command(deputy_id: int) -> None:
    """Remove the account link of a deputy profile; written to the audit log."""
    from community.admin.services import unlink_deputy

    deputy = _deputy_or_exit(deputy_id)
    changed = _administer(unlink_deputy, deputy)
    click.echo(f"{deputy.name} has no linked account." if changed else f"{deputy.name} had no linked account.")


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
                f"{done.reminded} reminded, {done.mailed} mailed at once, {done.digests} digests, {done.sent} sent"
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
    app.cli.add_command(users_cli)
    app.cli.add_command(deputies_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(text_cli)
