"""Code health that CI enforces: ruff, mypy, the layer contracts, module docstrings."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOURCES = ["app", "db", "ui", "main.py"]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_ruff() -> None:
    done = run_tool(str(BIN / "ruff"), "check", *SOURCES, "tests", "installer")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    done = run_tool(str(BIN / "mypy"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_layers() -> None:
    done = run_tool(str(BIN / "lint-imports"))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(ROOT).as_posix()
        for folder in ("app", "db", "ui", "installer")
        for p in (ROOT / folder).rglob("*.py")
    )
    + ["main.py"],
)
def test_every_module_opens_with_a_docstring(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    if (ROOT / path).stat().st_size == 0:
        return
    assert ast.get_docstring(tree), f"{path} has no module docstring"
