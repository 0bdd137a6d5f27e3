"""The administration's commands, for scripts and the first admin: `flask users …`, `flask sessions …`,
`flask deputies …` and `flask localities …`. Each calls the same service as the admin pages, with the same rules
and the same audit row (no actor: the command line)."""

import secrets

import click
from flask.cli import AppGroup

from community.core.permissions import Role
from community.extensions import db

ROLE_NAMES = [role.value for role in Role]

users_cli = AppGroup("users", help="Manage accounts and roles.")
deputies_cli = AppGroup("deputies", help="Create and edit deputy profiles, link them to accounts.")
localities_cli = AppGroup("localities", help="List, add, rename, move and merge localities.")
sessions_cli = AppGroup("sessions", help="Signed-in sessions: list, end, prune.")


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
@click.option("--invite", is_flag=True, help="Mail a link to choose the password instead.")
def create_user_command(email: str, role: str, display_name: str | None, password: str | None, invite: bool) -> None:
    """Create an account with a role, written to the audit log; prints the password when one was generated, or
    mails a link to choose one with --invite."""
    from community.admin.services import create_account

    generated = password is None and not invite
    password = None if invite else password or secrets.token_urlsafe(12)
    user = _administer(create_account, email, display_name or email.split("@")[0], Role(role), password=password)
    if invite:
        click.echo(f"Created {user.email} as {role}; a link to choose the password is mailed.")
    else:
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


@users_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Reset an account's second factor (a lost phone): it sets it up again at its next sign-in; written to the
    audit log."""
    from community.admin.services import reset_two_factor

    changed = _administer(reset_two_factor, _user_or_exit(email))
    click.echo(f"{email}: two-factor sign-in is reset." if changed else f"{email} has no second factor.")


@sessions_cli.command("list")
@click.argument("email")
def list_sessions_command(email: str) -> None:
    """Print an account's sessions: browser, address, signed in, last seen, second factor passed, and the id
    `flask sessions end --session` takes."""
    from community.accounts.sessions import sessions_of

    for one in sessions_of(_user_or_exit(email)):
        passed = "two-factor" if one.second_factor_at else "password only"
        click.echo(
            f"{one.token_hash[:16]}  {one.browser}  {one.address or '-'}  signed in {one.created_at:%Y-%m-%d %H:%M}"
            f"  last seen {one.last_seen_at:%Y-%m-%d %H:%M} UTC  {passed}"
        )


@sessions_cli.command("end")
@click.argument("email")
@click.option("--session", "session_id", default=None, help="End only this session (its id from `sessions list`).")
def end_sessions_command(email: str, session_id: str | None) -> None:
    """Sign an account out everywhere, or of one session; written to the audit log."""
    from community.accounts.sessions import sessions_of
    from community.admin.services import end_sessions

    user = _user_or_exit(email)
    token_hash = None
    if session_id is not None:
        matching = [one.token_hash for one in sessions_of(user) if one.token_hash.startswith(session_id.lower())]
        if len(matching) != 1:
            raise click.ClickException(f"{email} has no session {session_id}.")
        token_hash = matching[0]
    ended = _administer(end_sessions, user, token_hash)
    click.echo(f"{email}: {ended} session(s) ended.")


@sessions_cli.command("prune")
def prune_sessions_command() -> None:
    """Delete sessions idle for longer than PERMANENT_SESSION_LIFETIME, expired remembered devices, old reset
    links and sign-in attempts outside the limit's window (each pass of the notifications job does it too)."""
    from community.accounts.sessions import prune_sessions

    pruned = prune_sessions()
    db.session.commit()
    click.echo(", ".join(f"{count} {name}" for name, count in pruned.items()) + " deleted.")


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


KIND_NAMES = ["region", "city", "district", "rural_district", "village"]


@localities_cli.command("list")
@click.option("--q", "text", default="", help="Only the places whose name or slug holds this text.")
def list_localities_command(text: str) -> None:
    """Print the locality tree, indented, each place with its slug, kind and names in Kazakh, Russian and
    English."""
    from community.admin.locality_queries import LocalityFilters
    from community.places.services import all_localities, tree_order

    filters = LocalityFilters(q=text.strip())
    for place in tree_order(all_localities()):
        if filters.matches(place):
            names = f"{place.name_kk} | {place.name_ru} | {place.name_en}"
            click.echo(f"{'  ' * place.depth}{place.slug}  [{place.kind.value}]  {names}")


@localities_cli.command("add")
@click.argument("slug")
@click.option("--kind", type=click.Choice(KIND_NAMES), required=True)
@click.option("--parent", default=None, metavar="SLUG", help="The place it lies within (none for a region).")
@click.option("--kk", "name_kk", required=True, help="The name in Kazakh.")
@click.option("--ru", "name_ru", required=True, help="The name in Russian.")
@click.option("--en", "name_en", default="", help="The name in English (spelled from the Kazakh when omitted).")
def add_locality_command(slug: str, kind: str, parent: str | None, **names) -> None:
    """Add a locality, with the rules of the admin page's form; written to the audit log."""
    from community.admin.localities import add_locality
    from community.core.text import storable
    from community.places.models import LocalityKind

    within = _locality_or_exit(parent) if parent else None
    names = {name: storable(value) for name, value in names.items()}
    place = _administer(add_locality, within, LocalityKind(kind), storable(slug), **names)
    click.echo(f"Added {place.slug}: locality {place.id}.")


@localities_cli.command("rename")
@click.argument("slug")
@click.option("--kk", "name_kk", default=None, help="The new name in Kazakh.")
@click.option("--ru", "name_ru", default=None, help="The new name in Russian.")
@click.option("--en", "name_en", default=None, help="The new name in English ('' spells it from the Kazakh).")
@click.option("--slug", "new_slug", default=None, help="A new address name; no other place may have it.")
def rename_locality_command(slug: str, new_slug: str | None, **names) -> None:
    """Change a locality's names and slug (the options given; the others stay); the changed ones are written to
    the audit log."""
    from community.admin.localities import rename_locality
    from community.core.text import storable

    place = _locality_or_exit(slug)
    fields = {name: storable(value) for name, value in {**names, "slug": new_slug}.items() if value is not None}
    changed = _administer(rename_locality, place, **fields)
    click.echo(f"Saved {place.slug}." if changed else f"Nothing changed in {place.slug}.")


@localities_cli.command("move")
@click.argument("slug")
@click.argument("parent")
def move_locality_command(slug: str, parent: str) -> None:
    """Move a locality, with every place within it, under PARENT; refuses a move under itself or its own
    descendant and one against the kinds' rules. Written to the audit log."""
    from community.admin.localities import move_locality

    place = _locality_or_exit(slug)
    changed = _administer(move_locality, place, _locality_or_exit(parent))
    click.echo(f"{slug} now lies within {parent}." if changed else f"{slug} lies within {parent} already.")


@localities_cli.command("merge")
@click.argument("merged")
@click.argument("kept")
@click.option("--yes", is_flag=True, help="Merge without asking (for scripts).")
def merge_localities_command(merged: str, kept: str, yes: bool) -> None:
    """Merge the locality MERGED into KEPT: everything that points at MERGED points at KEPT, the places within it
    move under KEPT, and MERGED is deleted, in one transaction. Prints what will move and asks first (unless
    --yes); refuses a merge with its own ancestor or descendant. Written to the audit log."""
    from flask_babel import force_locale

    from community.admin.localities import merge_localities, plan_merge

    gone, stays = _locality_or_exit(merged), _locality_or_exit(kept)
    plan = _administer(lambda actor: plan_merge(gone, stays))
    with force_locale("en"):
        click.echo(f"Merging {merged} into {kept} moves {plan.total} rows:")
        for key, label, count in plan.moving:
            if count:
                click.echo(f"  {label} ({key}): {count}")
    if not yes:
        click.confirm(f"Merge {merged} into {kept} and delete {merged}?", abort=True)
    _administer(merge_localities, _locality_or_exit(merged), _locality_or_exit(kept))
    click.echo(f"Merged {merged} into {kept}.")
