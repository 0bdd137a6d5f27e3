"""Admin pages: the index, the audit log with its CSV export, and the deputy profiles (list, create, edit, link and
unlink an account); every route is for admins only (the accounts' pages are in account_views.py, the tree's in
locality_views.py)."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.services import user_by_email
from community.admin import bp
from community.admin.forms import DeputyForm, LinkForm, UnlinkForm
from community.admin.models import AuditKind, actions_of
from community.admin.queries import (
    EXPORT_FIELDS,
    AuditFilters,
    DeputyLink,
    DeputyListFilters,
    audit_page,
    deputies_found,
    deputy_entries,
    deputy_for_admin,
    deputy_list_page,
    entries_found,
    export_rows,
    subject_links,
)
from community.admin.services import (
    LinkTaken,
    create_deputy,
    edit_deputy,
    link_deputy,
    unlink_deputy,
)
from community.core.exports import csv_response
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.permissions import can_administer, ensure
from community.core.security import action_limit, user_or_address_key
from community.extensions import db, limiter
from community.places.models import Locality
from community.pledges.models import Council, Deputy


@bp.before_request
def admins_only() -> None:
    """Every admin page and action is for admins: visitors are sent to sign in, everyone else gets 403."""
    ensure(can_administer(current_user))


admin_action_limit = limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])


@bp.get("/")
def index():
    """The administration's index: links to its pages; admins only."""
    return render("admin/index.html")


@bp.get("/audit")
def audit():
    """The audit log, newest first, filtered by kind (administration or moderation), action, actor, subject and a
    text in the values, each subject linked to its page where it has one; admins only."""
    filters = AuditFilters.from_args(request.args)
    pagination = audit_page(filters, request.args)
    return render(
        "admin/audit.html",
        block="results",
        filters=filters,
        pagination=pagination,
        found=entries_found(filters),
        kinds=list(AuditKind),
        actions_of=actions_of,
        subject_links=subject_links(pagination.items),
    )


@bp.get("/audit.csv")
def audit_csv():
    """The filtered audit log as CSV, every cell spreadsheet-safe, streamed; admins only."""
    filters = AuditFilters.from_args(request.args)
    return csv_response(EXPORT_FIELDS, export_rows(filters), filename="audit-log.csv", stream=True)


@bp.get("/deputies")
def deputies():
    """Deputy profiles, newest first, searchable by name and filtered by council and link; admins only."""
    filters = DeputyListFilters.from_args(request.args)
    return render(
        "admin/deputies.html",
        block="results",
        filters=filters,
        pagination=deputy_list_page(filters, request.args),
        found=deputies_found(filters),
        councils=list(Council),
        links=list(DeputyLink),
    )


def _deputy_form_page(form: DeputyForm, deputy: Deputy | None = None, status: int = 200):
    """The form that creates a profile, or edits one, or its "deputy-form" block for htmx."""
    return render("admin/deputy_form.html", block="deputy_form", status=status, form=form, deputy=deputy)


def _profile_fields(form: DeputyForm) -> dict:
    """The profile's fields from a valid form, its places read in one query."""
    ids = form.locality_ids()
    localities = list(db.session.scalars(db.select(Locality).where(Locality.id.in_(ids)))) if ids else []
    district_id = form.district.data
    return {
        "name": form.name.data,
        "council": Council(form.council.data),
        "district": db.session.get(Locality, district_id) if district_id is not None else None,
        "constituency": form.constituency.data or "",
        "localities": localities,
        "party_kk": form.party_kk.data or "",
        "party_ru": form.party_ru.data or "",
        "party_en": form.party_en.data or "",
        "term_start": form.term_start.data,
        "term_end": form.term_end.data,
        "biography": form.biography.data or "",
        "reception_hours": form.reception_hours.data or "",
        "reception_place": form.reception_place.data or "",
    }


@bp.get("/deputies/new")
def new_deputy():
    """The form for a new deputy profile; admins only."""
    form = DeputyForm(formdata=None, council=Council.REGION.value)
    form.load_choices()
    return _deputy_form_page(form)


@bp.post("/deputies/new")
@admin_action_limit
def create_deputy_profile():
    """Add a deputy profile and write it to the audit log; admins only (422 with the form's mistakes)."""
    form = DeputyForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _deputy_form_page(form, status=INVALID)
    deputy = create_deputy(current_user, **_profile_fields(form))
    db.session.commit()
    flash(_("The profile of %(name)s is created.", name=deputy.name), "success")
    return redirect_to(url_for("admin.deputy", deputy_id=deputy.id))


@bp.get("/deputies/<int:deputy_id>/edit")
def edit_deputy_profile(deputy_id: int):
    """The form that edits a deputy profile, filled with its fields; admins only."""
    deputy = deputy_for_admin(deputy_id)
    plain = ("name", "constituency", "party_kk", "party_ru", "party_en", "term_start", "term_end", "biography")
    form = DeputyForm(
        formdata=None,
        **{name: getattr(deputy, name) for name in (*plain, "reception_hours", "reception_place")},
        council=deputy.council.value,
        district=deputy.district_id,
        localities=[str(locality.id) for locality in deputy.localities],
    )
    form.load_choices()
    return _deputy_form_page(form, deputy)


@bp.post("/deputies/<int:deputy_id>/edit")
@admin_action_limit
def update_deputy_profile(deputy_id: int):
    """Change a deputy profile and write the changed fields to the audit log; admins only (422 with the form's
    mistakes)."""
    deputy = deputy_for_admin(deputy_id)
    form = DeputyForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _deputy_form_page(form, deputy, status=INVALID)
    changed = edit_deputy(current_user, deputy, **_profile_fields(form))
    db.session.commit()
    message = _("The profile is saved.") if changed else _("Nothing was changed.")
    flash(message, "success" if changed else "info")
    return redirect_to(url_for("admin.deputy", deputy_id=deputy.id))


def _deputy_page(deputy: Deputy, status: int = 200, link_form: LinkForm | None = None, taking_from=None):
    """A profile's admin page, or its "deputy" block for htmx: its fields, its account link with the form that
    changes it (asking to confirm when `taking_from` would lose it) and its recent audit entries."""
    return render(
        "admin/deputy.html",
        block="deputy",
        status=status,
        deputy=deputy,
        link_form=link_form or LinkForm(formdata=None),
        taking_from=taking_from,
        entries=deputy_entries(deputy),
    )


@bp.get("/deputies/<int:deputy_id>")
def deputy(deputy_id: int):
    """A deputy profile as admins see it, with the forms that link and unlink its account; admins only."""
    return _deputy_page(deputy_for_admin(deputy_id))


def _after_link(deputy: Deputy, message, changed: bool):
    """After linking or unlinking: the fresh profile block (htmx) or the message and the profile's page."""
    return fragment_or_redirect(
        lambda: _deputy_page(deputy_for_admin(deputy.id)),
        url_for("admin.deputy", deputy_id=deputy.id),
        message,
        "success" if changed else "info",
    )


@bp.post("/deputies/<int:deputy_id>/link")
@admin_action_limit
def link_deputy_account(deputy_id: int):
    """Link a deputy profile to an account by e-mail and write it to the audit log; a profile linked to another
    account is only taken with the confirmation, after a page naming that account; admins only."""
    deputy = deputy_for_admin(deputy_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return _deputy_page(deputy, status=INVALID, link_form=form)
    user = user_by_email(form.email.data)
    if user is None:
        form.email.errors.append(_("No account uses this e-mail address."))
        return _deputy_page(deputy, status=INVALID, link_form=form)
    try:
        changed = link_deputy(current_user, deputy, user, force=form.force.data)
    except LinkTaken as taken:
        db.session.rollback()
        return _deputy_page(deputy_for_admin(deputy_id), link_form=form, taking_from=taken.holder)
    db.session.commit()
    return _after_link(
        deputy,
        _("%(deputy)s is linked to %(email)s.", deputy=deputy.name, email=user.email)
        if changed
        else _("%(deputy)s is linked to %(email)s already.", deputy=deputy.name, email=user.email),
        changed,
    )


@bp.post("/deputies/<int:deputy_id>/unlink")
@admin_action_limit
def unlink_deputy_account(deputy_id: int):
    """Remove a deputy profile's account link and write it to the audit log; the account keeps its role; admins
    only."""
    deputy = deputy_for_admin(deputy_id)
    if not UnlinkForm().validate_on_submit():
        return _deputy_page(deputy, status=INVALID)
    changed = unlink_deputy(current_user, deputy)
    db.session.commit()
    return _after_link(
        deputy,
        _("%(deputy)s has no linked account now.", deputy=deputy.name)
        if changed
        else _("%(deputy)s had no linked account.", deputy=deputy.name),
        changed,
    )
