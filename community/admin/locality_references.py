"""Everything that points at a locality: every column holding its id by a foreign key, read from the metadata
(so a table added later follows without a change here), and the rows naming it by kind and id (follows); what the
pages call each, and how a merge repoints them without making a unique row twice."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, UniqueConstraint, and_, delete, exists, true, update

from community.extensions import db
from community.notifications.models import Follow, FollowTarget
from community.places.models import Locality

# What the pages call each column that points at a locality; a column added later is called by its table and name.
REFERENCE_LABELS = {
    "users.locality_id": _l("Accounts (home place)"),
    "threads.locality_id": _l("Issues"),
    "events.locality_id": _l("Events"),
    "appeals.locality_id": _l("Appeals"),
    "dialogue_sessions.locality_id": _l("Dialogue sessions"),
    "pledges.locality_id": _l("Pledges"),
    "deputies.district_id": _l("Deputy profiles (district)"),
    "deputy_localities.locality_id": _l("Deputies' constituency places"),
    "follows.target_id": _l("Follows"),
    "localities.parent_id": _l("Places directly within"),
}


# Rows that name a locality by kind and id rather than by a foreign key: (table, its id column, the condition on a
# table or an alias of it that the row is about a locality).
POLYMORPHIC = ((Follow.__table__, "target_id", lambda rows: rows.c.target == FollowTarget.LOCALITY),)


def references() -> list[tuple[Table, object]]:
    """Every column of every table that holds a locality's id by a foreign key, read from the metadata (so a table
    added later is not forgotten), the tree's own parent column aside."""
    parent = Locality.__table__.c.parent_id
    return [
        (table, key.parent)
        for table in db.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table is Locality.__table__ and key.parent is not parent
    ]


def reference_label(table: Table, column) -> str:
    """What a page calls the rows of a column pointing at places."""
    name = f"{table.name}.{column.name}"
    return str(REFERENCE_LABELS.get(name, name))


def repoint(table: Table, name: str, merged_id: int, kept_id: int, about=None) -> int:
    """Make the rows whose column `name` points at the merged place (and that are `about` a place, for a table
    naming things of several kinds) point at the kept one. Where the column is part of a unique key (a deputy's
    constituency places, a person's follows), a row the kept place has already is not made twice: the merged
    place's copy is deleted. How many rows pointed at the merged place."""
    column = table.c[name]

    def pointing(at, rows=table):
        return and_(rows.c[name] == at, about(rows) if about is not None else true())

    removed = 0
    for key in unique_keys(table, column):
        twin = table.alias()
        same = [twin.c[other.name] == other for other in key if other.name != name]
        already = exists().where(pointing(kept_id, twin), *same)
        removed += db.session.execute(
            delete(table).where(pointing(merged_id), already).execution_options(synchronize_session=False)
        ).rowcount
    repointed = db.session.execute(
        update(table).where(pointing(merged_id)).values({name: kept_id}).execution_options(synchronize_session=False)
    ).rowcount
    return removed + repointed


def unique_keys(table: Table, column) -> list[list]:
    """The table's unique keys (its primary key, unique constraints and unique indexes) that hold the column."""
    keys = [constraint.columns for constraint in table.constraints if isinstance(constraint, UniqueConstraint)]
    keys += [index.columns for index in table.indexes if index.unique]
    keys.append(table.primary_key.columns)
    return [list(key) for key in keys if key.contains_column(column)]
