"""Appeal pages: the public list and feed, writing one, one's own, an appeal with its exchange, and the moves on it;
a deputy's inbox with its count in the header, and naming an assistant."""

from flask import current_app, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.models import User
from community.appeals import bp
from community.appeals.forms import AnswerForm, AppealForm, AskForm, AssistantForm, CloseForm, DetailsForm, PassOnForm
from community.appeals.models import Appeal, AppealOutcome, AppealState
from community.appeals.queries import (
    INBOX_TABS,
    AppealFilters,
    appeal_or_404,
    appeal_page,
    appeals_found,
    appeals_of_author,
    deputies_with_accounts,
    deputy_for_inbox,
    feed_appeals,
    history,
    inbox_counts,
    inbox_page,
    representatives,
    unanswered_issues,
    viewer_marks,
)
from community.appeals.services import (
    acknowledge_appeal,
    add_details,
    answer_appeal,
    ask_for_details,
    close_appeal,
    follow_appeal,
    name_assistant,
    pass_on_appeal,
    send_appeal,
    support_appeal,
    unfollow_appeal,
    withdraw_appeal_support,
)
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.i18n import current_lang, format_day
from community.core.lists import choice_arg
from community.core.live import LiveRegion
from community.core.pagecache import shared_with_visitors
from community.core.permissions import (
    can_add_appeal_details,
    can_close_appeal,
    can_follow_appeal,
    can_handle_appeal,
    can_name_assistant,
    can_support_appeal,
    can_use_inbox,
    can_write_appeal,
    ensure,
)
from community.core.security import action_limit, made_new_post, user_or_address_key
from community.core.states import MoveRefused
from community.extensions import db, limiter
from community.places.services import all_localities, tree_order
from community.pledges.models import Deputy
from community.pledges.queries import deputy_for_user
from community.threads.models import Category

INBOX_COUNT = LiveRegion(Deputy.inbox_version)


@bp.get("/appeals/")
@shared_with_visitors
def index():
    """Public appeals with their state, filterable by deputy, locality, category and state; anyone may look."""
    filters = AppealFilters.from_args(request.args)
    return render(
        "appeals/index.html",
        block="results",
        filters=filters,
        pagination=appeal_page(filters, request.args),
        found=appeals_found(filters),
        deputies=deputies_with_accounts(),
        localities=tree_order(all_localities()),
        categories=list(Category),
        states=list(AppealState),
    )


@bp.get("/appeals.atom")
@shared_with_visitors
def feed():
    """The latest public appeals as an Atom feed, filterable like the list; private and hidden ones never."""
    filters = AppealFilters.from_args(request.args)
    response = render("appeals/feed.xml", filters=filters, appeals=feed_appeals(filters))
    response.mimetype = "application/atom+xml"
    return response


def _appeal_limit() -> str:
    return current_app.config["APPEAL_LIMIT"]


@bp.route("/appeals/new", methods=["GET", "POST"])
@limiter.limit(_appeal_limit, key_func=user_or_address_key, methods=["POST"], scope="appeal", deduct_when=made_new_post)
def new():
    """Write to a deputy who has an account on the site; signed-in residents who are not suspended."""
    ensure(can_write_appeal(current_user))
    deputies = deputies_with_accounts()
    form = AppealForm()
    form.load_choices(deputies)
    if not form.is_submitted():
        form.locality.data = current_user.locality_id
        asked = request.args.get("deputy", "")
        form.deputy.data = asked if asked in {choice.value for choice in form.deputy.choices} else ""
    if form.validate_on_submit():
        deputy = db.session.get(Deputy, form.deputy_id)
        try:
            appeal, g.new_post = send_appeal(
                current_user,
                deputy,
                form.submission_key.data,
                subject=form.subject.data,
                body=form.body.data,
                category=Category(form.category.data),
                locality_id=form.locality.data,
                public=form.public.data == "public",
                contact_phone=form.contact_phone.data or "",
                lang=current_lang(),
            )
        except MoveRefused:
            form.deputy.errors = [_("This deputy has no account on the site yet and cannot receive appeals.")]
        else:
            db.session.commit()
            flash(
                _("Your appeal is sent. The deputy is to answer by %(day)s.", day=format_day(appeal.due_on, "page")),
                "success",
            )
            return redirect_to(url_for("appeals.show", appeal_id=appeal.id))
    status = INVALID if form.is_submitted() else 200
    return render(
        "appeals/new.html",
        block="form",
        status=status,
        form=form,
        yours=representatives(current_user.locality),
    )


@bp.get("/appeals/mine")
def mine():
    """One's own appeals, public and private, with their state and deadline."""
    ensure(current_user.is_authenticated)
    return render(
        "appeals/mine.html",
        block="results",
        pagination=appeals_of_author(current_user, request.args),
        inbox_of=deputy_for_inbox(current_user),  # a deputy's, or the deputy's whose assistant this is
    )


def appeal_context(appeal: Appeal, **forms) -> dict:
    """What the appeal page and its exchange block show."""
    deputies = deputies_with_accounts() if can_handle_appeal(current_user, appeal) else []
    pass_on = forms.get("pass_on_form") or PassOnForm(formdata=None)
    pass_on.load_choices(deputies, appeal.deputy_id)
    return {
        "appeal": appeal,
        "entries": history(appeal),
        "marks": viewer_marks(current_user, appeal),
        "answer_form": forms.get("answer_form") or AnswerForm(formdata=None),
        "ask_form": forms.get("ask_form") or AskForm(formdata=None, prefix="ask"),
        "details_form": forms.get("details_form") or DetailsForm(formdata=None, prefix="details"),
        "pass_on_form": pass_on,
        "close_form": forms.get("close_form") or CloseForm(formdata=None),
        "States": AppealState,
    }


@bp.get("/appeals/<int:appeal_id>")
def show(appeal_id: int):
    """An appeal with its whole exchange and history; a private one only for its author, addressee and admins."""
    appeal = appeal_or_404(appeal_id, current_user)
    return render("appeals/show.html", block="exchange", **appeal_context(appeal))


def _after_move(appeal_id: int, message):
    """The fresh exchange for htmx, else the message and the appeal page."""

    def exchange():
        # What the person wrote takes the focus; acknowledging on opening the page takes nothing.
        fresh = appeal_context(appeal_or_404(appeal_id, current_user))
        return render("appeals/show.html", block="exchange", focus_last=message is not None, **fresh)

    return fragment_or_redirect(exchange, url_for("appeals.show", appeal_id=appeal_id), message)


def _refused(appeal: Appeal, status: int = INVALID, **forms):
    """The appeal page again with a form's errors, as a page or the exchange block."""
    return render("appeals/show.html", block="exchange", status=status, **appeal_context(appeal, **forms))


@bp.post("/appeals/<int:appeal_id>/received")
def received(appeal_id: int):
    """The addressee (or their assistant) has opened a sent appeal: it is marked received; a repeat changes nothing."""
    appeal = appeal_or_404(appeal_id, current_user)
    ensure(can_handle_appeal(current_user, appeal))
    acknowledge_appeal(appeal, current_user)
    db.session.commit()
    return _after_move(appeal_id, None)


@bp.post("/appeals/<int:appeal_id>/answer", endpoint="answer")
@bp.post("/appeals/<int:appeal_id>/ask", endpoint="ask")
def respond(appeal_id: int):
    """The addressee or their assistant answers, or asks the author for more details (the clock stops)."""
    appeal = appeal_or_404(appeal_id, current_user)
    ensure(can_handle_appeal(current_user, appeal))
    asking = request.endpoint.endswith(".ask")
    form = AskForm(prefix="ask") if asking else AnswerForm()
    if not form.validate_on_submit():
        return _refused(appeal, **{"ask_form" if asking else "answer_form": form})
    if asking:
        ask_for_details(appeal, current_user, form.body.data)
        message = _("Your question is sent to the author. The clock stops until they answer.")
    else:
        answer_appeal(appeal, current_user, form.body.data)
        message = _("Your answer is sent.")
    db.session.commit()
    return _after_move(appeal_id, message)


@bp.post("/appeals/<int:appeal_id>/details")
def details(appeal_id: int):
    """The author adds the details the deputy asked for; the clock runs again."""
    appeal = appeal_or_404(appeal_id, current_user)
    ensure(can_add_appeal_details(current_user, appeal))
    form = DetailsForm(prefix="details")
    if not form.validate_on_submit():
        return _refused(appeal, details_form=form)
    add_details(appeal, current_user, form.body.data)
    db.session.commit()
    return _after_move(appeal_id, _("Your details are sent to the deputy."))


@bp.post("/appeals/<int:appeal_id>/pass-on")
def pass_on(appeal_id: int):
    """The addressee or their assistant passes the appeal on to another deputy, saying why."""
    appeal = appeal_or_404(appeal_id, current_user)
    ensure(can_handle_appeal(current_user, appeal))
    form = PassOnForm()
    form.load_choices(deputies_with_accounts(), appeal.deputy_id)
    if not form.validate_on_submit():
        return _refused(appeal, pass_on_form=form)
    to = db.session.get(Deputy, int(form.deputy.data))
    pass_on_appeal(appeal, current_user, to, form.note.data)
    db.session.commit()
    flash(_("The appeal is passed on to %(name)s.", name=to.name), "success")
    # The appeal may no longer be theirs to see (a private one): back to the inbox.
    return redirect_to(url_for("appeals.inbox"))


@bp.post("/appeals/<int:appeal_id>/close")
def close(appeal_id: int):
    """The author closes their answered appeal as resolved or not, and may say whether the answer helped."""
    appeal = appeal_or_404(appeal_id, current_user)
    ensure(can_close_appeal(current_user, appeal))
    form = CloseForm()
    if not form.validate_on_submit():
        return _refused(appeal, close_form=form)
    helped = {"yes": True, "no": False}.get(form.helped.data or "")
    close_appeal(appeal, current_user, AppealOutcome(form.outcome.data), helped)
    db.session.commit()
    return _after_move(appeal_id, _("Your appeal is closed. Thank you for saying how it went."))


# The two marks a person puts on an appeal and takes back: (who may, put it on, take it off).
MARKS = {
    "support": (can_support_appeal, support_appeal, withdraw_appeal_support),
    "follow": (can_follow_appeal, follow_appeal, unfollow_appeal),
}


@bp.post("/appeals/<int:appeal_id>/support", endpoint="support")
@bp.post("/appeals/<int:appeal_id>/unsupport", endpoint="unsupport")
@bp.post("/appeals/<int:appeal_id>/follow", endpoint="follow")
@bp.post("/appeals/<int:appeal_id>/unfollow", endpoint="unfollow")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def mark(appeal_id: int):
    """Add one's "me too" to a public appeal or follow an appeal one may see (to hear of its answer), or take
    either back; the bar swaps in place with htmx."""
    appeal = appeal_or_404(appeal_id, current_user)
    action = request.endpoint.rsplit(".", 1)[1]
    allowed, put_on, take_off = MARKS[action.removeprefix("un")]
    ensure(allowed(current_user, appeal))
    (take_off if action.startswith("un") else put_on)(current_user, appeal)
    db.session.commit()
    return fragment_or_redirect(
        lambda: render("appeals/show.html", block="support", **appeal_context(appeal_or_404(appeal_id, current_user))),
        url_for("appeals.show", appeal_id=appeal_id),
    )


@bp.get("/appeals/inbox")
def inbox():
    """A deputy's inbox (also their assistant's): new, awaiting an answer, overdue, waiting for the author and
    answered appeals, and the local issues addressed to them without an official answer."""
    deputy = deputy_for_inbox(current_user)
    ensure(can_use_inbox(current_user, deputy))
    tab = choice_arg(request.args.get("tab"), INBOX_TABS, "waiting")
    issues, issue_count = unanswered_issues(deputy)
    return render(
        "appeals/inbox.html",
        block="results",
        deputy=deputy,
        tab=tab,
        counts=inbox_counts(deputy),
        pagination=inbox_page(deputy, tab, request.args),
        issues=issues,
        issue_count=issue_count,
    )


@bp.get("/appeals/inbox/count")
def inbox_count():
    """The header's count of what waits in the inbox, loaded and polled by htmx; 304 while nothing changed."""
    deputy = deputy_for_inbox(current_user)
    if deputy is None or not can_use_inbox(current_user, deputy):  # a deputy yet to pass the second factor too
        return render("appeals/_inbox_count.html", deputy=None, counts={})
    tag = INBOX_COUNT.tag("inbox", deputy.id, str(current_user.id))
    unchanged = INBOX_COUNT.not_modified(tag)
    if unchanged is not None:
        return unchanged
    return INBOX_COUNT.send(render("appeals/_inbox_count.html", deputy=deputy, counts=inbox_counts(deputy)), tag)


@bp.route("/appeals/inbox/assistant", methods=["GET", "POST"])
def assistant():
    """A deputy names the account that may answer appeals on their behalf, or nobody."""
    deputy = deputy_for_user(current_user)
    ensure(deputy is not None and can_name_assistant(current_user, deputy))
    form = AssistantForm()
    if form.validate_on_submit():
        chosen = None
        if not form.remove.data and form.email.data:
            chosen = db.session.scalar(
                db.select(User).where(User.email == form.email.data.lower(), User.deleted_at.is_(None))
            )
            if chosen is None or chosen.id == deputy.user_id:
                form.email.errors = [_("No other account has this e-mail address.")]
        if not form.email.errors:
            name_assistant(deputy, chosen)
            db.session.commit()
            flash(
                _("%(name)s may now answer on your behalf.", name=chosen.display_name)
                if chosen
                else _("Nobody answers on your behalf now."),
                "success",
            )
            return redirect_to(url_for("appeals.inbox"))
    status = INVALID if form.is_submitted() else 200
    return render("appeals/assistant.html", block="form", status=status, form=form, deputy=deputy)
