"""Regenerate the initial Alembic migration from the models (allowed until the first release).

Run after changing db/models.py: `python installer/regen_migration.py`. Once a release is out,
schema changes get a new revision instead (`alembic revision --autogenerate`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402

from db.engine import sqlite_engine  # noqa: E402
from db.migrate import HEAD_REVISION, MIGRATIONS_DIR  # noqa: E402

DOCSTRING = '"""Initial schema: every entity of DESIGN.md, with sync columns on travelling tables.'


def main() -> int:
    """Write db/migrations/versions/0001_initial.py afresh."""
    versions = MIGRATIONS_DIR / "versions"
    target = versions / "0001_initial.py"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = sqlite_engine(Path(tmp) / "empty.sqlite")
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message="initial", autogenerate=True, rev_id=HEAD_REVISION)
        engine.dispose()
    made = next(versions.glob(f"{HEAD_REVISION}_*.py"))
    text = made.read_text(encoding="utf-8").replace('"""initial', DOCSTRING, 1)
    # No creation date and no trailing blanks: regenerating an unchanged schema changes nothing.
    lines = [ln.rstrip() for ln in text.splitlines() if not ln.startswith("Create Date:")]
    text = "\n".join(lines) + "\n"
    made.unlink()
    target.write_text(text, encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run([str(ruff), "check", "--fix", "-q", str(target)], check=False)
    subprocess.run([str(ruff), "format", "-q", str(target)], check=False)
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
