"""What the large data set's generators share: the bulk writer (Core `insert()` executemany in batches, ids
given here so rows can point at each other without reading anything back, the stored html of Markdown rendered once
per distinct text, progress as it goes), the world they draw from (places, residents by when they joined, the seeded
random, the texts), and how counts are spread."""

import random
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from time import perf_counter

from sqlalchemy import Table, func, select

from community.core.text import markdown_fields, markdown_renderer, with_stored_html
from community.demo.large_texts import Texts
from community.extensions import db

BATCH = 5_000
DAY = 86_400.0
UTC = timezone.utc


def moment(seconds: float) -> datetime:
    """A timestamp (seconds since the epoch) as the timezone-aware UTC datetime the columns take."""
    return datetime.fromtimestamp(seconds, UTC)


def spread(rng: random.Random, total: int, count: int, cap: float = 150.0, shape: float = 1.2) -> list[int]:
    """Split `total` over `count` items with a long tail, as activity is: most get little, a few get much; the
    parts add up to `total` exactly."""
    if count <= 0:
        return []
    weights = [min(rng.paretovariate(shape) - 1.0, cap) for _ in range(count)]
    scale = total / (sum(weights) or 1.0)
    parts = [int(weight * scale) for weight in weights]
    for _ in range(total - sum(parts)):
        parts[rng.randrange(count)] += 1
    return parts


class Bulk:
    """Inserts rows in batches with executemany, in the caller's transaction; gives ids and reports progress."""

    def __init__(self, echo):
        self.connection = db.session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.echo = echo
        self.added: Counter = Counter()
        self.started = perf_counter()
        self._next: dict[str, int] = {}
        # The texts come from word lists, so many repeat (a reply of one sentence): each is rendered once.
        self.render = markdown_renderer()

    def next_id(self, table: Table) -> int:
        """A new id for a row of the table: one above the highest stored or given so far."""
        name = table.name
        if name not in self._next:
            self._next[name] = (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1
        given = self._next[name]
        self._next[name] = given + 1
        return given

    def insert(self, table: Table, rows: list[dict]) -> None:
        """Insert the rows in batches: by COPY on PostgreSQL when they give every column (nothing is left for a
        column's default to fill), else by executemany. Markdown fields get their stored html here."""
        if not rows:
            return
        if markdown_fields(table):
            rows = [with_stored_html(table, row, self.render) for row in rows]
        if self.postgres and set(rows[0]) >= set(table.c.keys()):
            self._copy(table, rows)
        else:
            for start in range(0, len(rows), BATCH):
                self.connection.execute(table.insert(), rows[start : start + BATCH])
        self.added[table.name] += len(rows)

    def _copy(self, table: Table, rows: list[dict]) -> None:
        from psycopg import sql

        columns = list(rows[0])
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.connection.connection.dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])

    def say(self, message: str) -> None:
        """Print a progress line with the time since the start."""
        self.echo(f"{perf_counter() - self.started:7.1f} s  {message}")

    def elapsed(self) -> float:
        """Seconds since the start."""
        return perf_counter() - self.started

    def finish(self) -> None:
        """On PostgreSQL, move each id sequence past the ids given here, so the site's own inserts go on from there."""
        if not self.postgres:
            return
        for name, following in self._next.items():
            self.connection.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), following - 1)))


@dataclass
class Place:
    """A locality as the generators need it: its id, short names, the locative for pledges, and its subtree."""

    id: int
    kk: str
    ru: str
    locative: str
    kind: str
    path: str
    depth: int


@dataclass
class World:
    """Everything the generators draw from; residents are numbered 0… in the order they joined."""

    rng: random.Random
    texts: Texts
    bulk: Bulk
    sizes: dict
    now: float
    start: float  # two years before now: the first local issue
    places: list[Place] = field(default_factory=list)
    place_weights: list[float] = field(default_factory=list)
    password_hash: str = ""
    first_resident: int = 0
    residents: int = 0
    joined_from: float = 0.0
    joined_until: float = 0.0
    russian: bytearray = field(default_factory=bytearray)
    homes: list[Place] = field(default_factory=list)
    moderators: list[int] = field(default_factory=list)
    deputies: list[dict] = field(default_factory=list)
    deputy_users: list[int] = field(default_factory=list)
    discussions: list[dict] = field(default_factory=list)
    _cumulative: list[float] = field(default_factory=list)

    def set_places(self, places: list[Place], weights: list[float]) -> None:
        """The localities content is spread over, with how much each one gets."""
        self.places, self.place_weights = places, weights
        total, self._cumulative = 0.0, []
        for weight in weights:
            total += weight
            self._cumulative.append(total)

    def place(self) -> Place:
        """A locality, the larger ones more often."""
        point = self.rng.random() * self._cumulative[-1]
        return self.places[min(bisect_right(self._cumulative, point), len(self.places) - 1)]

    def joined(self, number: int) -> float:
        """When resident `number` registered: residents joined one after another, evenly."""
        return self.joined_from + (self.joined_until - self.joined_from) * number / max(self.residents, 1)

    def members_at(self, moment_: float) -> int:
        """How many residents had registered by then (at least one)."""
        share = (moment_ - self.joined_from) / (self.joined_until - self.joined_from)
        return max(1, min(self.residents, int(share * self.residents) + 1))

    def resident_at(self, moment_: float) -> int:
        """A resident (by number) who had registered by then."""
        return self.rng.randrange(self.members_at(moment_))

    def residents_at(self, moment_: float, count: int) -> list[int]:
        """Up to `count` different residents who had registered by then."""
        members = self.members_at(moment_)
        return self.rng.sample(range(members), min(count, members))

    def user_id(self, number: int) -> int:
        """The account id of resident `number`."""
        return self.first_resident + number

    def between(self, earliest: float, latest: float) -> float:
        """A moment between two others (the first when they are the wrong way round)."""
        return earliest + max(latest - earliest, 0.0) * self.rng.random()
