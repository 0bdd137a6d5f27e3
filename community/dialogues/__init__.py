"""Live dialogue sessions: questions from the hall and from phones, votes, a big screen and minutes."""

from flask import Blueprint

bp = Blueprint("dialogues", __name__)

from community.dialogues import views  # noqa: E402,F401
