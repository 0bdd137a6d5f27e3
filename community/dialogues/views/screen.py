"""The big screen for the hall: the current question, the next by votes, the count and a QR code to join."""

import segno
from flask_babel import get_locale
from markupsafe import Markup

from community.core.htmx import render
from community.core.urls import absolute_url
from community.dialogues import bp
from community.dialogues.queries import screen_lists, session_or_404
from community.dialogues.views import live


@bp.get("/dialogues/<int:session_id>/screen")
def screen(session_id: int):
    """The big screen for the hall: the current question, the next by votes, the count and a QR code to join;
    no sign-in; it refreshes itself like the participant's page."""
    # The same for every viewer but for their language; the address in the QR code is SITE_URL's.
    tag = live.tag("screen", session_id, str(get_locale()), personal=False)
    if unchanged := live.not_modified(tag):
        return unchanged
    if copy := live.shared_copy(tag):
        return copy
    dialogue = session_or_404(session_id)
    address = absolute_url("dialogues.show", session_id=session_id)
    qr = Markup(segno.make(address, error="m").svg_inline(scale=8, dark="#111", light="#fff", omitsize=True))  # noqa: S704 - made by segno from our own URL
    response = render(
        "dialogues/screen.html",
        block="screen",
        tag=tag,
        dialogue=dialogue,
        address=address,
        qr=qr,
        next_up=screen_lists(dialogue),
    )
    return live.send(response, tag, shared=True)
