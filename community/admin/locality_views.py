"""Admin pages for the locality tree: the tree with its filter, adding a place, and one place's page with the forms
that rename it, move it (with everything within it) and merge it into another, a move and a merge each asking to
confirm what they will do first. Every route is for admins only (the blueprint's before_request)."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from community.admin import bp
from community.admin.localities import (
    add_locality,
    merge_localities,
    move_locality,
    plan_merge,
    plan_move,
    rename_locality,
)
from community.admin.locality_queries import (
    LocalityFilters,
    listed_counts,
    locality_entries,
    places_within,
    pointing_at,
    tree_page,
)
from community.admin.locality_rules import NAME_LENGTH, NAMES, SLUG, SLUG_LENGTH, LocalityRefused
from community.admin.views import admin_action_limit
from community.core.forms import INVALID, at_most, length, required, strip
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.lists import id_arg
from community.extensions import db
from community.places.forms import LocalityField, locality_choices
from community.places.models import Locality, LocalityKind
from community.places.services import ancestors_of

# Forms: they check the shape of what was sent; the tree's rules are the services'.


def _slug_shape(form, field) -> None:
    """A slug is lower-case Latin letters, digits and single hyphens (an old one kept as it is passes)."""
    if field.data and field.data != getattr(form, "current_slug", None) and not SLUG.fullmatch(field.data):
        raise ValidationError(_l("Use lower-case Latin letters, digits and single hyphens only."))


def _lower(value):
    """A slug is written in lower case, whatever was typed."""
    return value.lower() if isinstance(value, str) else value


class NamesForm(FlaskForm):
    """A place's address name (slug) and its names in Kazakh, Russian and English."""

    current_slug: str | None = None

    slug = StringField(
        _l("Address name (slug)"),
        validators=[required(), length(2, SLUG_LENGTH), _slug_shape],
        filters=[strip, _lower],
        description=_l("Latin letters, digits and hyphens, as in /places/karasai-district; it must be unique."),
    )
    name_kk = StringField(_l("Name in Kazakh"), validators=[required(), length(1, NAME_LENGTH)], filters=[strip])
    name_ru = StringField(_l("Name in Russian"), validators=[required(), length(1, NAME_LENGTH)], filters=[strip])
    name_en = StringField(
        _l("Name in English (optional)"),
        validators=[at_most(NAME_LENGTH)],
        filters=[strip],
        description=_l("Spelled in Latin letters from the Kazakh name when left empty."),
    )

    def names(self) -> dict:
        """The slug and names as the services take them."""
        return {name: self[name].data or "" for name in ("slug", "name_kk", "name_ru", "name_en")}


class LocalityForm(NamesForm):
    """A new place: where it lies, its kind, its slug and names."""

    parent = LocalityField(_l("Within"), validators=[Optional()])
    kind = SelectField(
        _l("Kind of place"),
        choices=[SelectChoice(kind.value, kind.label) for kind in LocalityKind],
        validate_choice=False,
    )

    def load_choices(self) -> None:
        """Fill the parent from the tree, with "none" first for a region."""
        self.parent.choices = locality_choices(_l("— none: a region, at the top —"))

    def validate_kind(self, field) -> None:
        if field.data not in {kind.value for kind in LocalityKind}:
            raise ValidationError(_l("Choose a kind of place from the list."))


class MoveForm(FlaskForm):
    """Where a place moves to; `confirm` is sent by the confirmation the page shows first."""

    parent = LocalityField(_l("Move into"), validators=[DataRequired(message=_l("Choose the place to move it into."))])
    confirm = BooleanField(_l("Yes, move it"))


class MergeForm(FlaskForm):
    """The place kept when this one is merged into it; `confirm` is sent by the confirmation the page shows
    first."""

    into = LocalityField(
        _l("Merge into (the place that stays)"),
        validators=[DataRequired(message=_l("Choose the place to keep."))],
    )
    confirm = BooleanField(_l("Yes, merge them"))


def _refused(form: FlaskForm, refusal: LocalityRefused, fallback: str) -> None:
    """Put a service's refusal on the form field it is about."""
    field = form[refusal.field] if refusal.field in form else form[fallback]
    field.errors = [*field.errors, str(refusal.message)]


# The tree.


@bp.get("/localities")
def localities():
    """The locality tree in tree order, each place with its kind, slug, names and how many issues, events and
    accounts point at it, filtered by a name and a kind; admins only."""
    filters = LocalityFilters.from_args(request.args)
    page = tree_page(filters, request.args)
    return render(
        "admin/localities.html",
        block="results",
        filters=filters,
        pagination=page,
        counts=listed_counts([locality.id for locality in page.items]),
        kinds=list(LocalityKind),
    )


def _new_form_page(form: LocalityForm, status: int = 200):
    """The form that adds a place, or its "locality-form" block for htmx."""
    return render("admin/locality_form.html", block="locality_form", status=status, form=form)


@bp.get("/localities/new")
def new_locality():
    """The form for a new place, under the place named by ?parent= if any; admins only."""
    parent_id = id_arg(request.args.get("parent"))
    parent = db.session.get(Locality, parent_id) if parent_id is not None else None
    form = LocalityForm(formdata=None, parent=parent.id if parent else None, kind=LocalityKind.VILLAGE.value)
    form.load_choices()
    return _new_form_page(form)


@bp.post("/localities/new", endpoint="create_locality")
@admin_action_limit
def create_place():
    """Add a place and write it to the audit log; admins only (422 with the form's mistakes or the rule broken)."""
    form = LocalityForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _new_form_page(form, status=INVALID)
    parent = db.session.get(Locality, form.parent.data) if form.parent.data is not None else None
    try:
        locality = add_locality(current_user, parent, LocalityKind(form.kind.data), **form.names())
    except LocalityRefused as refusal:
        db.session.rollback()
        form.load_choices()
        _refused(form, refusal, "parent")
        return _new_form_page(form, status=INVALID)
    db.session.commit()
    flash(_("%(name)s is added.", name=locality.name), "success")
    return redirect_to(url_for("admin.locality", locality_id=locality.id))


# One place.


def _locality_page(locality: Locality, status: int = 200, **forms):
    """A place's admin page, or its "locality" block for htmx: its facts, what points at it, the rename, move and
    merge forms (a form sent back with its mistakes, or a move or merge waiting to be confirmed) and its recent
    audit entries."""
    names = NamesForm(formdata=None, **{name: getattr(locality, name) for name in ("slug", *NAMES)})
    move, merge = MoveForm(formdata=None), MergeForm(formdata=None)
    for form in (move.parent, merge.into):
        form.load_choices()
    return render(
        "admin/locality.html",
        block="locality",
        status=status,
        locality=locality,
        ancestors=ancestors_of(locality),
        within=places_within(locality),
        pointing=pointing_at(locality),
        entries=locality_entries(locality),
        names_form=forms.get("names_form") or names,
        move_form=forms.get("move_form") or move,
        merge_form=forms.get("merge_form") or merge,
        moving=forms.get("moving"),
        merging=forms.get("merging"),
    )


@bp.get("/localities/<int:locality_id>")
def locality(locality_id: int):
    """A place as admins see it: where it lies, what points at it, and the forms that rename, move and merge it;
    admins only."""
    return _locality_page(db.get_or_404(Locality, locality_id))


def _after(locality_id: int, message, changed: bool):
    """After a rename or a move: the fresh place block (htmx) or the message and the place's page."""
    return fragment_or_redirect(
        lambda: _locality_page(db.get_or_404(Locality, locality_id)),
        url_for("admin.locality", locality_id=locality_id),
        message,
        "success" if changed else "info",
    )


@bp.post("/localities/<int:locality_id>/rename", endpoint="rename_locality")
@admin_action_limit
def rename_place(locality_id: int):
    """Change a place's names and slug and write the changed ones to the audit log; admins only (422 with the
    form's mistakes, a slug another place has included)."""
    locality = db.get_or_404(Locality, locality_id)
    form = NamesForm()
    form.current_slug = locality.slug
    if not form.validate_on_submit():
        return _locality_page(locality, status=INVALID, names_form=form)
    try:
        changed = rename_locality(current_user, locality, **form.names())
    except LocalityRefused as refusal:
        db.session.rollback()
        _refused(form, refusal, "slug")
        return _locality_page(db.get_or_404(Locality, locality_id), status=INVALID, names_form=form)
    db.session.commit()
    name = db.get_or_404(Locality, locality_id).name
    return _after(locality_id, _("%(name)s is saved.", name=name) if changed else _("Nothing was changed."), changed)


@bp.post("/localities/<int:locality_id>/move", endpoint="move_locality")
@admin_action_limit
def move_place(locality_id: int):
    """Move a place, with every place within it, under another: first the page says what moves where and asks to
    confirm, then it moves and is written to the audit log; admins only (422 for a move under itself, its own
    descendant, or against the kinds' rules)."""
    locality = db.get_or_404(Locality, locality_id)
    form = MoveForm()
    form.parent.load_choices()
    if not form.validate_on_submit():
        return _locality_page(locality, status=INVALID, move_form=form)
    parent = db.session.get(Locality, form.parent.data)
    try:
        plan = plan_move(locality, parent)
        if not form.confirm.data:
            return _locality_page(locality, move_form=form, moving=plan)
        changed = move_locality(current_user, locality, parent)
    except LocalityRefused as refusal:
        db.session.rollback()
        _refused(form, refusal, "parent")
        return _locality_page(db.get_or_404(Locality, locality_id), status=INVALID, move_form=form)
    db.session.commit()
    moved = db.get_or_404(Locality, locality_id)
    message = (
        _("%(name)s now lies within %(parent)s.", name=moved.name, parent=moved.parent.name)
        if changed
        else _("%(name)s lies there already.", name=moved.name)
    )
    return _after(locality_id, message, changed)


@bp.post("/localities/<int:locality_id>/merge", endpoint="merge_locality")
@admin_action_limit
def merge_place(locality_id: int):
    """Merge a place into another: first the page says what will move and how many rows, and asks to confirm; then
    everything that pointed at it points at the kept place, the places within it move there, it is deleted, and it
    is written to the audit log; admins only (422 for a merge into itself, its ancestor or its descendant)."""
    locality = db.get_or_404(Locality, locality_id)
    form = MergeForm()
    form.into.load_choices()
    if not form.validate_on_submit():
        return _locality_page(locality, status=INVALID, merge_form=form)
    kept = db.session.get(Locality, form.into.data)
    try:
        plan = plan_merge(locality, kept)
        if not form.confirm.data:
            return _locality_page(locality, merge_form=form, merging=plan)
        name = locality.name
        merge_localities(current_user, locality, kept)
    except LocalityRefused as refusal:
        db.session.rollback()
        _refused(form, refusal, "into")
        return _locality_page(db.get_or_404(Locality, locality_id), status=INVALID, merge_form=form)
    db.session.commit()
    kept = db.get_or_404(Locality, form.into.data)
    flash(_("%(name)s is merged into %(kept)s.", name=name, kept=kept.name), "success")
    return redirect_to(url_for("admin.locality", locality_id=kept.id))
