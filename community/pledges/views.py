"""The pledge tracker's pages: deputies and scorecards, pledges with their history, updates, checks, exports."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.appeals.responses import response_figures
from community.core.exports import csv_response, json_response
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.i18n import current_lang
from community.core.lists import id_arg
from community.core.pagecache import shared_with_visitors
from community.core.permissions import can_add_pledge, can_check_update, can_react_to_update, can_update_pledge, ensure
from community.core.security import action_limit, user_or_address_key
from community.core.urls import absolute_url
from community.extensions import db, limiter
from community.notifications.follow_views import answer_follow
from community.notifications.models import FollowTarget
from community.places.services import all_localities, tree_order
from community.pledges import bp
from community.pledges.forms import CheckForm, DisputeForm, PledgeForm, PledgeUpdateForm
from community.pledges.models import (
    Council,
    EvidenceMissing,
    PledgeCategory,
    PledgeStatus,
    PledgeUpdate,
)
from community.pledges.queries import (
    EXPORT_FIELDS,
    DeputyFilters,
    PledgeFilters,
    all_deputies,
    deputy_or_404,
    deputy_page,
    discussion_of,
    districts,
    export_rows,
    parties,
    pledge_or_404,
    pledge_page,
    recent_updates,
    timeline,
    update_by_key,
)
from community.pledges.scorecards import scorecard, scorecards
from community.pledges.services import add_pledge, check_update, latest_update_or_refuse, publish_update, react


@bp.get("/deputies/")
@shared_with_visitors
def deputies():
    """The deputy directory with filters by council, district, party and name, each deputy with their scorecard's
    figures; anyone may look."""
    filters = DeputyFilters.from_args(request.args)
    pagination = deputy_page(filters)
    return render(
        "pledges/deputies.html",
        block="results",
        filters=filters,
        pagination=pagination,
        cards=scorecards([person.id for person in pagination.items]),
        responses=response_figures([person.id for person in pagination.items]),
        councils=list(Council),
        districts=districts(),
        parties=parties(),
    )


@bp.get("/deputies/<int:deputy_id>")
@shared_with_visitors
def deputy(deputy_id: int):
    """A deputy's profile and scorecard, with their pledges; anyone may look."""
    person = deputy_or_404(deputy_id)
    filters = PledgeFilters(deputy=person, sort="due")
    filters.page = PledgeFilters.from_args(request.args).page
    return render(
        "pledges/deputy.html",
        deputy=person,
        card=scorecard(person),
        responses=response_figures([person.id], with_issues=True)[person.id],
        filters=filters,
        pagination=pledge_page(filters),
        statuses=list(PledgeStatus),
    )


@bp.get("/pledges/")
@shared_with_visitors
def index():
    """The pledge tracker: filter, sort and page through all pledges; anyone may look."""
    filters = PledgeFilters.from_args(request.args)
    return render(
        "pledges/index.html",
        block="results",
        filters=filters,
        pagination=pledge_page(filters),
        councils=list(Council),
        statuses=list(PledgeStatus),
        categories=list(PledgeCategory),
        localities=tree_order(all_localities()),
        deputies=all_deputies(),
    )


def _pledge_context(pledge, update_form=None, check_form=None, dispute_form=None) -> dict:
    form = update_form or PledgeUpdateForm(
        formdata=None, data={"status": pledge.status.value, "progress": pledge.progress}
    )
    from community.threads.marks import viewer_marks

    discussion = discussion_of(pledge)
    return {
        "pledge": pledge,
        "discussion": discussion,
        "marks": viewer_marks(current_user, discussion, []) if discussion else {},
        "history": timeline(pledge, current_user, request.args),
        "update_form": form,
        "check_form": check_form or CheckForm(formdata=None),
        "dispute_form": dispute_form or DisputeForm(formdata=None),
        "statuses": list(PledgeStatus),
    }


@bp.get("/pledges/<int:pledge_id>")
@shared_with_visitors
def show(pledge_id: int):
    """A pledge in the deputy's words, its source, status, progress and whole history; anyone may look."""
    pledge = pledge_or_404(pledge_id)
    return render("pledges/show.html", block="tracker", **_pledge_context(pledge))


@bp.post("/pledges/<int:pledge_id>/follow", endpoint="follow_pledge")
@bp.post("/pledges/<int:pledge_id>/unfollow", endpoint="unfollow_pledge")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def follow_pledge(pledge_id: int):
    """Follow a pledge (to hear of its updates, checks and disputes) or stop following it; signed-in users."""
    pledge = pledge_or_404(pledge_id)
    return answer_follow(FollowTarget.PLEDGE, pledge, url_for("pledges.show", pledge_id=pledge.id))


@bp.post("/deputies/<int:deputy_id>/follow", endpoint="follow_deputy")
@bp.post("/deputies/<int:deputy_id>/unfollow", endpoint="unfollow_deputy")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def follow_deputy(deputy_id: int):
    """Follow a deputy (to hear of every pledge's news) or stop following them; signed-in users."""
    person = deputy_or_404(deputy_id)
    return answer_follow(FollowTarget.DEPUTY, person, url_for("pledges.deputy", deputy_id=person.id), counted=True)


@bp.post("/pledges/<int:pledge_id>/updates")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def post_update(pledge_id: int):
    """Append an update: the pledge's deputy, or a moderator or admin on their behalf."""
    pledge = pledge_or_404(pledge_id)
    ensure(can_update_pledge(current_user, pledge))
    form = PledgeUpdateForm()
    if form.validate_on_submit():
        if update_by_key(form.submission_key.data) is None:
            corrects_id = id_arg(form.corrects.data)
            corrects = db.session.get(PledgeUpdate, corrects_id) if corrects_id else None
            if corrects is not None and corrects.pledge_id != pledge.id:
                abort(404)
            status = PledgeStatus(form.status.data)
            if not pledge.may_move_to(status, correction=corrects is not None):
                form.status.errors.append(pledge.refusal(status))
            else:
                try:
                    publish_update(
                        pledge,
                        current_user,
                        status,
                        form.progress.data,
                        form.note.data,
                        form.links(),
                        form.submission_key.data,
                        on_behalf=pledge.deputy.user_id != current_user.id,
                        corrects=corrects,
                        lang=current_lang(),
                    )
                except EvidenceMissing:
                    form.evidence.errors.append(_("Give at least one evidence link for this status."))
        if not form.errors:
            db.session.commit()
            return fragment_or_redirect(
                lambda: render("pledges/show.html", block="tracker", **_pledge_context(pledge_or_404(pledge_id))),
                url_for("pledges.show", pledge_id=pledge.id) + "#timeline",
                _("The update is published."),
            )
    db.session.rollback()
    return render(
        "pledges/show.html",
        block="tracker",
        status=INVALID,
        **_pledge_context(pledge_or_404(pledge_id), update_form=form),
    )


@bp.route("/deputies/<int:deputy_id>/pledges/new", methods=["GET", "POST"])
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def new(deputy_id: int):
    """Add a pledge with its source: the deputy themself, or a moderator."""
    person = deputy_or_404(deputy_id)
    ensure(can_add_pledge(current_user, person))
    form = PledgeForm()
    form.locality.load_choices()
    if form.validate_on_submit():
        pledge, _created = add_pledge(
            person,
            current_user,
            form.submission_key.data,
            title=form.title.data,
            text=form.text.data,
            source_description=form.source_description.data,
            source_url=form.source_url.data or "",
            made_on=form.made_on.data,
            locality_id=form.locality.data,
            category=PledgeCategory(form.category.data),
            due_on=form.due_on.data,
        )
        db.session.commit()
        flash(_("The pledge is added."), "success")
        return redirect_to(url_for("pledges.show", pledge_id=pledge.id))
    status = INVALID if form.is_submitted() else 200
    return render("pledges/new.html", block="form", status=status, form=form, deputy=person)


@bp.post("/pledges/<int:pledge_id>/check")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def check(pledge_id: int):
    """Mark the latest update verified or not verified, with a note; moderators only."""
    pledge = pledge_or_404(pledge_id)
    ensure(can_check_update(current_user))
    latest = latest_update_or_refuse(pledge)
    form = CheckForm()
    if not form.validate_on_submit():
        return render("pledges/show.html", status=INVALID, **_pledge_context(pledge, check_form=form))
    check_update(current_user, latest, form.verified.data, form.note.data)
    db.session.commit()
    flash(_("Your check is recorded."), "success")
    return redirect_to(url_for("pledges.show", pledge_id=pledge.id) + "#timeline")


@bp.post("/pledges/<int:pledge_id>/confirm", endpoint="confirm")
@bp.post("/pledges/<int:pledge_id>/dispute", endpoint="dispute")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def reaction(pledge_id: int):
    """Confirm or dispute the latest update once; a dispute needs a reason. Signed-in residents."""
    pledge = pledge_or_404(pledge_id)
    ensure(can_react_to_update(current_user, pledge))
    latest = latest_update_or_refuse(pledge)
    disputing = request.endpoint.endswith(".dispute")
    form = DisputeForm()
    if disputing and not form.validate_on_submit():
        return render(
            "pledges/show.html", block="tracker", status=INVALID, **_pledge_context(pledge, dispute_form=form)
        )
    added = react(current_user, latest, not disputing, form.reason.data if disputing else "")
    db.session.commit()
    return fragment_or_redirect(
        lambda: render("pledges/show.html", block="tracker", **_pledge_context(pledge)),
        url_for("pledges.show", pledge_id=pledge.id) + "#checks",
        _("Thank you, your view is counted.") if added else _("You have already given your view on this update."),
        "success" if added else "info",
    )


def _pledge_url(pledge) -> str:
    return absolute_url("pledges.show", pledge_id=pledge.id)


@bp.get("/pledges.csv")
def export_csv():
    """The filtered pledges as UTF-8 CSV, streamed row by row; fields as in EXPORT_FIELDS; anyone may take it."""
    rows = export_rows(PledgeFilters.from_args(request.args), _pledge_url)
    return csv_response(EXPORT_FIELDS, rows, filename="pledges.csv", stream=True)


@bp.get("/pledges.json")
def export_json():
    """The filtered pledges as a UTF-8 JSON array, streamed; fields as in EXPORT_FIELDS; anyone may take it."""
    return json_response(export_rows(PledgeFilters.from_args(request.args), _pledge_url))


@bp.get("/pledges.atom")
@shared_with_visitors
def feed():
    """The newest pledge updates as an Atom feed, with the list's filters."""
    filters = PledgeFilters.from_args(request.args)
    response = render("pledges/feed.xml", filters=filters, updates=recent_updates(filters))
    response.mimetype = "application/atom+xml"
    return response
