"""Third-party notices: the licence of every distribution and component that Tsunagu ships.

The bundle carries THIRD-PARTY-NOTICES.txt, written at build time (installer/notices.py) from
the installed distributions' metadata and licence files plus the kept texts in
resources/licenses (components.toml: what the metadata misses). A checkout without a bundle
builds the same text from the distributions installed with it.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
import sysconfig
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LICENSES_DIR = ROOT / "resources" / "licenses"
COMPONENTS_FILE = LICENSES_DIR / "components.toml"
# Written by the build beside the kept texts; its presence means "this is a bundle".
NOTICES_FILE = LICENSES_DIR / "THIRD-PARTY-NOTICES.txt"
PROJECT = "tsunagu"

# Licence files a wheel's metadata folder may hold when METADATA names none (older wheels).
_LICENCE_NAME_RE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)", re.IGNORECASE)
_RULE = "=" * 78


@dataclass(frozen=True)
class Notice:
    """One distribution or component with its licence and the texts that go with it."""

    name: str
    version: str
    license: str
    texts: tuple[tuple[str, str], ...]
    where: str = ""
    covered_by: str = ""


@dataclass
class Notices:
    """Everything THIRD-PARTY-NOTICES says, and the distributions it could not cover."""

    distributions: list[Notice] = field(default_factory=list)
    components: list[Notice] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Component:
    """One entry of components.toml."""

    name: str
    license: str
    inside: tuple[str, ...]
    covers: tuple[str, ...]
    where: str
    files: tuple[str, ...]


def canonicalize_name(name: str) -> str:
    """A distribution's name as PEP 503 compares it (PySide6_Essentials: pyside6-essentials)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def load_components(path: Path = COMPONENTS_FILE) -> list[Component]:
    """The kept list of components whose texts the metadata lacks."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Component(
            name=entry["name"],
            license=entry["license"],
            inside=tuple(canonicalize_name(n) if n != "*" else n for n in entry["inside"]),
            covers=tuple(canonicalize_name(n) for n in entry.get("covers", ())),
            where=entry.get("where", ""),
            files=tuple(entry["files"]),
        )
        for entry in data["component"]
    ]


def load_license_names(path: Path = COMPONENTS_FILE) -> dict[str, str]:
    """Licence names that components.toml gives for distributions whose metadata has none."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {canonicalize_name(k): str(v) for k, v in data.get("license_names", {}).items()}


def _installed() -> dict[str, metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist)
    return found


def runtime_distributions(project: str = PROJECT) -> list[str]:
    """Canonical names of the distributions `project` needs to run (no extras), recursively."""
    # Only here: a bundle reads the notices written at build time and never gets this far.
    from packaging.requirements import Requirement

    installed = _installed()
    seen: set[str] = set()
    todo = [canonicalize_name(project)]
    while todo:
        name = todo.pop()
        dist = installed.get(name)
        if dist is None:
            continue
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            child = canonicalize_name(req.name)
            if child not in seen and child != canonicalize_name(project):
                seen.add(child)
                todo.append(child)
    return sorted(seen)


def distributions_of_files(paths: Iterable[str | Path]) -> set[str]:
    """Canonical names of the installed distributions that own any of `paths` (by RECORD)."""
    owners: dict[Path, str] = {}
    for name, dist in _installed().items():
        for file in dist.files or ():
            owners[Path(str(dist.locate_file(file))).resolve()] = name
    found: set[str] = set()
    for path in paths:
        owner = owners.get(Path(path).resolve())
        if owner is not None:
            found.add(owner)
    return found


def _license_name(dist: metadata.Distribution) -> str:
    meta: Any = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and "OSI Approved" != c.split("::")[-1].strip()
    ]
    return ", ".join(classifiers) or "see the licence text"


def _license_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of every licence file the distribution installed."""
    meta: Any = dist.metadata
    declared = meta.get_all("License-File") or []
    files = list(dist.files or ())
    chosen = []
    for entry in files:
        parts = entry.parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        inner = "/".join(parts[1:])
        if parts[1:2] == ("licenses",):
            inner = "/".join(parts[2:])
        if inner in declared or (
            not declared and len(parts) == 2 and _LICENCE_NAME_RE.match(parts[1])
        ):
            chosen.append((inner, entry))
    texts = []
    for inner, entry in sorted(chosen, key=lambda item: item[0]):
        try:
            texts.append((inner, Path(str(dist.locate_file(entry))).read_text("utf-8", "replace")))
        except OSError:
            continue
    return texts


def _python_license() -> str | None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        Path(sys.base_prefix) / "LICENSE.txt",
        Path(sys.base_prefix) / "lib" / version / "LICENSE.txt",
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path("/usr/share/doc") / version / "copyright",
    ]
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    return None


def _component_texts(component: Component, licenses_dir: Path) -> tuple[tuple[str, str], ...]:
    texts = []
    for name in component.files:
        if name == "@python":
            text = _python_license()
            if text is not None:
                texts.append(("LICENSE.txt", text))
            continue
        path = (licenses_dir / name).resolve()
        texts.append((path.name, path.read_text(encoding="utf-8")))
    return tuple(texts)


def collect(
    names: Iterable[str],
    *,
    components: list[Component] | None = None,
    licenses_dir: Path = LICENSES_DIR,
) -> Notices:
    """The notices for the distributions `names` (canonical or not) and their components.

    A distribution is covered by its own licence files, or by a component that `covers` it;
    one with neither is listed in `missing` (the build and a test refuse that).
    """
    installed = _installed()
    wanted = sorted({canonicalize_name(n) for n in names} - {canonicalize_name(PROJECT)})
    kept = load_components() if components is None else components
    names_given = load_license_names()
    result = Notices()
    for name in wanted:
        dist = installed.get(name)
        if dist is None:
            result.missing.append(f"{name} (not installed)")
            continue
        cover = next((c.name for c in kept if name in c.covers), "")
        texts = tuple(_license_files(dist))
        notice = Notice(
            name=str(dist.metadata["Name"]),
            version=dist.version,
            license=names_given.get(name) or _license_name(dist),
            texts=texts,
            covered_by=cover if not texts else "",
        )
        if not texts and not cover:
            result.missing.append(name)
        result.distributions.append(notice)
    for component in kept:
        if "*" not in component.inside and not set(component.inside) & set(wanted):
            continue
        texts = _component_texts(component, licenses_dir)
        if len(texts) < len(component.files):
            result.missing.append(f"{component.name} (licence text not found)")
        result.components.append(
            Notice(component.name, "", component.license, texts, where=component.where)
        )
    return result


def _section(notice: Notice) -> Iterator[str]:
    title = f"{notice.name} {notice.version}".strip()
    yield _RULE
    yield f"{title} — {notice.license}"
    if notice.where:
        yield notice.where
    if notice.covered_by:
        yield f"The licence text is the one given under “{notice.covered_by}” below."
    yield _RULE
    for filename, text in notice.texts:
        yield f"--- {filename} ---"
        yield text.rstrip()
        yield ""


QT_REPLACEMENT_NOTE = """\
Replacing the Qt libraries (LGPL-3.0)
Tsunagu uses Qt through PySide6 as shared libraries that it loads at start-up; it does not
link them statically. You may replace them with your own build of the same Qt version: on
Windows the Qt6*.dll files and the plugins folder in _internal\\PySide6\\, on Linux the
libQt6*.so.6 files in _internal/PySide6/Qt/lib/ and _internal/PySide6/Qt/plugins/. PySide6's
own Python files are inside the program's archive; to change them, rebuild the program from
its source (MIT licence) with installer/build.sh or installer/build.ps1, which use the
versions in uv.lock. The source of Qt and of PySide6 is published by the Qt Project at
https://download.qt.io/ (official_releases/qt and official_releases/QtForPython)."""


def render(notices: Notices, *, version: str = "") -> str:
    """THIRD-PARTY-NOTICES as plain text: a summary, then every licence text in full."""
    lines = [
        f"Tsunagu (つなぐ) {version}".rstrip() + " — third-party notices",
        "",
        "Tsunagu itself is under the MIT licence. It ships the software and data below, each",
        "under its own licence; every licence text follows in full.",
        "",
        "Distributions (Python packages):",
    ]
    width = max((len(n.name) for n in notices.distributions), default=10)
    for n in notices.distributions:
        lines.append(f"  {n.name.ljust(width)}  {n.version:<12} {n.license}")
    lines += ["", "Components inside them, and data:"]
    for n in notices.components:
        lines.append(f"  {n.name} — {n.license}")
    lines += ["", QT_REPLACEMENT_NOTE, ""]
    for notice in notices.distributions + notices.components:
        lines.extend(_section(notice))
    return "\n".join(lines).rstrip() + "\n"


def project_version() -> str:
    """Tsunagu's version as installed, or "" from a bundle without metadata."""
    try:
        return metadata.version(PROJECT)
    except metadata.PackageNotFoundError:
        return ""


def notices_text() -> str:
    """The third-party notices of this installation (the bundle's file, else built now)."""
    if NOTICES_FILE.is_file():
        return NOTICES_FILE.read_text(encoding="utf-8")
    return render(collect(runtime_distributions()), version=project_version())
