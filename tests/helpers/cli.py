"""The one command-line runner of the tests: a whole process, or in this one with captured output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from app.cli.program import run as run_program

ROOT = Path(__file__).resolve().parents[2]


def run_main(
    *args: str, lang: str = "en", cwd: Path = ROOT, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` with this process's environment (the test log-in of conftest)."""
    env = dict(os.environ, TSUNAGU_LANG=lang, PYTHONIOENCODING="utf-8")
    return _main(args, env, cwd=cwd, timeout=timeout, stdin=None)


def run_main_logged_out(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` with no log-in but what `env` gives, and no terminal to ask on."""
    full = dict(os.environ, TSUNAGU_LANG="en", PYTHONIOENCODING="utf-8")
    for name in ("TSUNAGU_USER", "TSUNAGU_PASSPHRASE"):
        full.pop(name, None)
    full.update(env)
    return _main(args, full, cwd=ROOT, timeout=180, stdin=subprocess.DEVNULL)


def _main(
    args: tuple[str, ...], env: dict[str, str], *, cwd: Path, timeout: float, stdin: int | None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        stdin=stdin,
        timeout=timeout,
        cwd=cwd,
    )


class _Captured(Protocol):
    out: str
    err: str


class _Capture(Protocol):
    def readouterr(self) -> _Captured: ...


def run_captured(capture: _Capture, *args: str) -> tuple[int, str, str]:
    """The command run in this process; (exit code, stdout, stderr) from capsys or capfd."""
    code = run_program(list(args))
    captured = capture.readouterr()
    return code, captured.out, captured.err
