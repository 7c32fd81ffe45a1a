"""The import contracts of pyproject.toml hold (lint-imports), rooms and command groups included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONTRACTS = (
    "Layers: ui -> app -> db, one way",
    "Rooms: core < storage < accounts < backups < domain < sync < reports < printing < setup < cli",
    "Command groups: none imports another (each loads only when its command runs)",
    "Command groups never import the program or its table (no cycle through the parser)",
    "No cycles between the parts of a room or between rooms",
)


def test_every_import_contract_is_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    done = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in done.stdout, name


def test_the_program_imports_its_own_modules_by_name() -> None:
    # importlib hides an edge from the linters and skips a missing module in silence.
    found = []
    for folder in ("app", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "importlib.import_module" in text:
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_no_private_argparse_in_the_program() -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "app").rglob("*.py"))
        if "_SubParsersAction" in path.read_text(encoding="utf-8")
    ]
    assert found == []
