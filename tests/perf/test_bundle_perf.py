"""The installed bundle (issue 6): its size, its self-test, and its cold start against python.

Build first (installer/build.sh), then run:
    .venv/bin/pytest tests/perf/test_bundle_perf.py -s -o addopts="" -p no:cacheprovider
Skips when dist/Tsunagu is not there. Prints the figures; asserts the size (150 MB goal on Windows) and
that every start succeeds, nothing about time.
Set TSUNAGU_BUNDLE to measure a bundle elsewhere.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("TSUNAGU_BUNDLE", ROOT / "dist" / "Tsunagu"))
WINDOWS = sys.platform == "win32"
WINDOW_EXE = BUNDLE / ("Tsunagu.exe" if WINDOWS else "Tsunagu")
CLI_EXE = BUNDLE / ("tsunagu-cli.exe" if WINDOWS else "Tsunagu")
GOAL_MB = 150
# The goal is the Windows folder's. On Linux the assertion is installer/ci_bundle.sh's guard
# (about 12 % above the 139 MB measured when it was set).
LIMIT_MB = GOAL_MB if WINDOWS else 155

pytestmark = pytest.mark.skipif(not CLI_EXE.exists(), reason="no bundle: run installer/build.sh")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
    )


def drop_caches() -> bool:
    """Empty the OS file cache so the next start reads from disk (root on Linux only)."""
    if WINDOWS or os.geteuid() != 0:
        return False
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def smoke(command: list[str], environ: dict[str, str]) -> tuple[float, float]:
    """(ms to first paint as the program reports it, wall ms until the process ended)."""
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=120
    )
    wall = (time.perf_counter() - started) * 1000
    assert done.returncode == 0, done.stderr
    match = re.search(r"first paint: (\d+) ms", done.stdout)
    assert match, done.stdout
    return float(match.group(1)), wall


def test_bundle_size() -> None:
    size = folder_size(BUNDLE)
    internal = BUNDLE / "_internal"
    parts = sorted(
        (
            (folder_size(p) if p.is_dir() else p.stat().st_size, p.name)
            for p in internal.iterdir()
            if not p.is_symlink()  # links to libraries counted where they live
        ),
        reverse=True,
    )[:8]
    verdict = "under" if size < GOAL_MB * 2**20 else "OVER"
    print(f"\nbundle: {size / 2**20:.1f} MB in {BUNDLE} ({verdict} the {GOAL_MB} MB goal)")
    for part_size, name in parts:
        print(f"  {part_size / 2**20:7.1f} MB  _internal/{name}")
    assert size < LIMIT_MB * 2**20


def test_bundle_self_test(tmp_path: Path) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [str(CLI_EXE), "--self-test"],
        capture_output=True,
        text=True,
        env=env(tmp_path),
        timeout=120,
    )
    print(f"\nbundle --self-test: {(time.perf_counter() - started) * 1000:.0f} ms wall")
    assert done.returncode == 0, done.stderr
    print(done.stdout.strip())


def test_cold_start_bundle_vs_python(tmp_path: Path) -> None:
    environ = env(tmp_path)
    figures: dict[str, list[tuple[float, float]]] = {}
    cold: dict[str, tuple[float, float] | None] = {}
    commands = {
        "bundle": [str(WINDOW_EXE), "--smoke"],
        "python main.py": [sys.executable, str(ROOT / "main.py"), "--smoke"],
    }
    for name, command in commands.items():
        cold[name] = smoke(command, environ) if drop_caches() else None
        figures[name] = [smoke(command, environ) for _ in range(5)]
    print()
    for name, runs in figures.items():
        paint = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        first = cold[name]
        cold_text = (
            f"cold (caches dropped): paint {first[0]:.0f} ms, wall {first[1]:.0f} ms; "
            if first
            else "cold: caches could not be dropped; "
        )
        print(f"{name:15s} {cold_text}warm median: paint {paint:.0f} ms, wall {wall:.0f} ms")
