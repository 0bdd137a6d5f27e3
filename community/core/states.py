"""One convention for status moves: the allowed moves written from → to, a guarded UPDATE per move, one refusal.

A model with a status keeps its moves in a `Moves` table and moves with `move_state`, which writes only while
the row is still in the state the request read (`WHERE state = was`); the history row is appended by the
model's own method. Whatever the domain, a refused move raises `MoveRefused`, which the site answers with 409
and a message in the user's language (core/errors.py) unless a view has a better page to show.
"""

from flask_babel import lazy_gettext as _l

from community.core.writes import update_row

NOT_NOW = _l("This cannot be done in the item's present state. Reload the page to see it.")


class MoveRefused(Exception):
    """A move the item cannot make from where it is, or one another request has just made first."""

    def __init__(self, message=None):
        self.message = NOT_NOW if message is None else message
        super().__init__(self.message)


class Moves:
    """The moves a status may make, written from → to."""

    def __init__(self, moves: dict):
        self.moves = {was: frozenset(to) for was, to in moves.items()}

    def allows(self, was, to) -> bool:
        """True when `to` may follow `was`."""
        return to in self.moves.get(was, ())

    def check(self, was, to, message=None) -> None:
        """Raise MoveRefused unless `to` may follow `was`."""
        if not self.allows(was, to):
            raise MoveRefused(message)

    def sources(self, to) -> tuple:
        """Every state from which `to` may be reached."""
        return tuple(was for was, targets in self.moves.items() if to in targets)


def move_state(
    row, moves: Moves, to, *conditions, column: str = "state", message=None, overtaken=None, from_any=False, **values
):
    """Move a row from the state it was read in to `to`, if the move is allowed (else MoveRefused with `message`)
    and nobody moved it meanwhile (else MoveRefused with `overtaken`, by default `message`), and any further
    conditions still hold; other columns change in the same UPDATE. With `from_any`, a move that may start from
    several states succeeds from whichever the row is in by then. Returns the state it was read in."""
    was = getattr(row, column)
    moves.check(was, to, message)
    model = type(row)
    state = getattr(model, column)
    guard = state.in_(moves.sources(to)) if from_any else state == was
    if not update_row(model, row.id, guard, *conditions, **{column: to}, **values):
        raise MoveRefused(message if overtaken is None else overtaken)
    return was
