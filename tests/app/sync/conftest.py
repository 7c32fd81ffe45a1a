"""Parties and language for the sync tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.context import Context
from app.core.i18n import current_language, set_language
from app.sync.crypto import PartyKeys, generate_party


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in the source language, so assertions can read them."""
    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


@pytest.fixture(scope="session")
def hq() -> PartyKeys:
    return generate_party(str(uuid.uuid4()))


@pytest.fixture(scope="session")
def chapter() -> PartyKeys:
    return generate_party(str(uuid.uuid4()))


@pytest.fixture(scope="session")
def other_chapter() -> PartyKeys:
    return generate_party(str(uuid.uuid4()))


# --- databases for the sync exchange tests ---------------------------------------------------

PG_VARIABLE = "TSUNAGU_TEST_PG_URL"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards.

    Skips when TSUNAGU_TEST_PG_URL is unset (a developer machine without a server); .ci/run
    starts a throwaway server and sets it, so in CI these tests always run.
    """
    import os

    base = os.environ.get(PG_VARIABLE, "")
    if not base:
        pytest.skip(f"{PG_VARIABLE} is not set: no PostgreSQL server to test against")
    yield from fresh_postgres(base)


def fresh_postgres(base: str) -> Iterator[str]:
    """Create a uniquely named database beside the one in `base`, yield its URL, drop it."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"tsunagu_t_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hq_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where headquarters lives: a SQLite file, or a database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield str(tmp_path / "hq.sqlite")
    else:
        yield request.getfixturevalue("postgres_url")


class World:
    """One headquarters and its chapters, each a real database, exchanging real package files."""

    def __init__(self, folder: Path, hq_location: str | None = None) -> None:
        from app.storage.database import open_database
        from app.sync.hq import hq_init

        self.folder = folder
        self.hq = Context(open_database(hq_location or str(folder / "hq.sqlite"), create=True))
        hq_init(self.hq)
        self.chapters: dict[str, Context] = {}
        self.ids: dict[str, str] = {}
        self._n = 0

    def add_chapter(self, name: str, location: Path | None = None) -> Context:
        from app.storage.database import open_database
        from app.sync.exchange import join
        from app.sync.hq import add_chapter

        new = add_chapter(self.hq, name, self.folder / f"{name}.setup")
        db = open_database(location or self.folder / f"{name}.sqlite", create=True)
        ctx = Context(db)
        join(ctx, new.setup_path, new.code)
        self.chapters[name] = ctx
        self.ids[name] = new.id
        return ctx

    def path(self, stem: str) -> Path:
        self._n += 1
        return self.folder / f"{self._n:04d}-{stem}.tsync"

    def chapter_export(self, name: str, *, full: bool = False) -> Path:
        from app.sync.exchange import sync_export

        path = self.path(f"from-{name}")
        sync_export(self.chapters[name], path, full=full)
        return path

    def hq_export(self, name: str, *, full: bool = False) -> Path:
        from app.sync.hq import hq_export

        path = self.path(f"to-{name}")
        hq_export(self.hq, name, path, full=full)
        return path

    def hq_import(self, *paths: Path) -> Any:
        from app.sync.hq import hq_import

        return hq_import(self.hq, list(paths))

    def chapter_import(self, name: str, path: Path) -> Any:
        from app.sync.exchange import sync_import

        return sync_import(self.chapters[name], path)

    def sync(self, name: str) -> None:
        """A round trip: the chapter's changes to HQ, HQ's package back."""
        self.hq_import(self.chapter_export(name))
        self.chapter_import(name, self.hq_export(name))

    def close(self) -> None:
        for ctx in self.chapters.values():
            ctx.db.close()
        self.hq.db.close()


def add(ctx: Context, model: Any, **values: Any) -> str:
    """Insert one row as a user action would (stamped, in its own transaction); its id."""
    with ctx.db.transaction() as s:
        row = model(**values)
        s.add(row)
        s.flush()
        return str(row.id)


def edit(ctx: Context, model: Any, row_id: str, **values: Any) -> None:
    """Change one row's columns as a user action would."""
    with ctx.db.transaction() as s:
        row = s.get(model, row_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """Headquarters on SQLite with two chapters, 荒川 and 足立."""
    w = World(tmp_path)
    w.add_chapter("荒川")
    w.add_chapter("足立")
    yield w
    w.close()
