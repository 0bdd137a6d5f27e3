"""Dialogue pages, in three parts: the participant's page with the list and minutes, the moderators' console,
and the hall's big screen. Their live regions poll through one LiveRegion on the session's version."""

from community.core.live import LiveRegion
from community.dialogues.models import DialogueSession

live = LiveRegion(DialogueSession.version)

from community.dialogues.views import console, follow_ups, participant, screen  # noqa: E402,F401 - registers the routes
