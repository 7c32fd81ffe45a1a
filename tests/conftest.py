"""Shared fixtures: offscreen Qt, private user folders, real SQLite databases, language."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Before Qt or platformdirs are imported: no display, and no writes to the real home.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="tsunagu-test-home-"))
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_HOME / _var.lower())
os.environ["TSUNAGU_LANG"] = "en"
# Test-only: cheap scrypt for new passphrases, and the account every CLI test runs as.
os.environ["TSUNAGU_TEST_FAST_KDF"] = "1"
os.environ.setdefault("TSUNAGU_USER", "test-coordinator")
os.environ.setdefault("TSUNAGU_PASSPHRASE", "test-passphrase")

import pytest  # noqa: E402

from app.core import i18n  # noqa: E402
from app.core.context import Context  # noqa: E402


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Tests read English messages unless they switch to Japanese themselves."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database file goes."""
    return tmp_path / "chapter.sqlite"


@pytest.fixture
def ctx(db_path: Path) -> Iterator[Context]:
    """A fresh chapter database with its chapter set up, as a service Context."""
    from app.storage.chapter import set_up_chapter
    from app.storage.database import open_database

    db = open_database(db_path, create=True)
    context = Context(db)
    set_up_chapter(context, "テスト町まちづくり")
    yield context
    db.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database built per run; tests copy it rather than change it."""
    from app.setup.demo import build_demo
    from app.storage.database import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path, create=True)
    build_demo(Context(db))
    db.close()
    return path


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database, closed (the command line opens it itself)."""
    import shutil

    path = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, path)
    for suffix in ("-wal", "-shm"):
        extra = demo_file.with_name(demo_file.name + suffix)
        if extra.exists():
            shutil.copy2(extra, tmp_path / (path.name + suffix))
    return path


@pytest.fixture
def demo_ctx(demo_path: Path) -> Iterator[Context]:
    """A private copy of the demo database, open."""
    from app.storage.database import open_database

    db = open_database(demo_path)
    yield Context(db)
    db.close()
