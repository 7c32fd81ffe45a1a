"""Estimate the Windows one-folder bundle's size: the Windows wheels, as tsunagu.spec keeps them.

Nothing here can build the Windows bundle, so this adds up what it would hold, measured where it
can be:
  - PySide6 and shiboken6: the Qt DLLs, .pyd and plugins that tsunagu.spec keeps (QT_USED,
    QT_PLUGINS_KEPT), followed through their import tables (and delay-load tables) to every DLL
    of the wheels they load, as PyInstaller's dependency analysis does; never opengl32sw.dll;
  - the other run-time packages: their native files (.pyd, .dll) from the win_amd64 wheels,
    less the modules the spec excludes, plus the DLLs of the wheels those load;
  - what is the same on every system, measured from the Linux build (installer/build.sh): the
    Python archive (PYZ, one copy inside each of the two .exe on Windows), base_library.zip,
    resources/, the Alembic scripts and the copied package metadata;
  - CPython 3.11's own files: python311.dll, python3.dll and vcruntime140(_1).dll by their sizes
    in the python.org 3.11.9 amd64 installer (5,800,216 / 67,352 / 119,192 / 49,528 bytes; no
    package registry reachable here carries the Windows CPython build), and the standard library's
    extension modules, sqlite3.dll and libffi by their Linux counterparts in the Linux bundle
    (the same modules; the Windows builds are of similar size).

    python installer/estimate_windows_size.py --download     # fetch the wheels, then estimate
    python installer/estimate_windows_size.py --wheels DIR   # wheels already downloaded
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "tsunagu.spec"
GOAL_MB = 150
MB = 2**20
# CPython 3.11.9 for Windows amd64 (python.org installer, 2024-04-02): file sizes in bytes.
CPYTHON_DLLS = {
    "python311.dll": 5_800_216,
    "python3.dll": 67_352,  # the stable ABI's forwarder, which PySide6's abi3 modules import
    "vcruntime140.dll": 119_192,
    "vcruntime140_1.dll": 49_528,
}
# Windows' own libraries (and the C runtime's API sets): on every Windows 10, never bundled.
SYSTEM_DLL_PREFIXES = ("api-ms-win-", "ext-ms-")
WINDOWS_MARKERS = {
    "os_name": "nt",
    "sys_platform": "win32",
    "platform_system": "Windows",
    "platform_machine": "AMD64",
    "python_version": "3.11",
    "python_full_version": "3.11.9",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


def spec_constants() -> dict[str, object]:
    """QT_USED, QT_PLUGINS_KEPT and EXCLUDES' literal part, read from tsunagu.spec's source."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("QT_USED", "QT_PLUGINS_KEPT", "QT_OTHERS"):
                found[name] = ast.literal_eval(node.value)
            elif name == "EXCLUDES" and isinstance(node.value, ast.BinOp):
                found[name] = ast.literal_eval(node.value.right)
    return found


def pe_imports(data: bytes) -> list[str]:
    """Names of the DLLs a PE file imports, normal and delay-loaded (empty if not PE32+)."""
    if data[:2] != b"MZ":
        return []
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        return []
    sections_count = struct.unpack_from("<H", data, pe + 6)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    if struct.unpack_from("<H", data, optional)[0] != 0x20B:
        return []
    directories = optional + 112
    sections = []
    for i in range(sections_count):
        at = optional + optional_size + 40 * i
        vsize, vaddr, raw_size, raw_ptr = struct.unpack_from("<IIII", data, at + 8)
        sections.append((vaddr, max(vsize, raw_size), raw_ptr))

    def offset(rva: int) -> int | None:
        for vaddr, size, raw in sections:
            if vaddr <= rva < vaddr + size:
                return raw + rva - vaddr
        return None

    def name_at(rva: int) -> str | None:
        at = offset(rva)
        return None if at is None else data[at : data.index(b"\0", at)].decode("ascii", "replace")

    names: list[str] = []
    for index, entry_size, name_field in ((1, 20, 12), (13, 32, 4)):
        rva = struct.unpack_from("<I", data, directories + 8 * index)[0]
        at = offset(rva) if rva else None
        while at is not None and at + entry_size <= len(data):
            entry = data[at : at + entry_size]
            if not any(entry):
                break
            name = name_at(struct.unpack_from("<I", entry, name_field)[0])
            if name:
                names.append(name)
            at += entry_size
    return names


@dataclass
class Wheels:
    """Every file of the unpacked wheels by its path inside site-packages."""

    files: dict[str, tuple[zipfile.ZipFile, zipfile.ZipInfo]] = field(default_factory=dict)
    by_dll_name: dict[str, list[str]] = field(default_factory=dict)

    def add(self, wheel: Path) -> None:
        archive = zipfile.ZipFile(wheel)
        for info in archive.infolist():
            if info.is_dir():
                continue
            self.files[info.filename] = (archive, info)
            if info.filename.lower().endswith(".dll"):
                self.by_dll_name.setdefault(Path(info.filename).name.lower(), []).append(
                    info.filename
                )

    def size(self, path: str) -> int:
        return self.files[path][1].file_size

    def imports(self, path: str) -> list[str]:
        archive, info = self.files[path]
        return pe_imports(archive.read(info))

    def closure(self, roots: Iterable[str]) -> set[str]:
        """The roots and every wheel DLL they load, directly or through one another."""
        kept: set[str] = set()
        todo = list(roots)
        while todo:
            path = todo.pop()
            if path in kept:
                continue
            kept.add(path)
            folder = str(Path(path).parent)
            for name in self.imports(path):
                lower = name.lower()
                if lower.startswith(SYSTEM_DLL_PREFIXES) or lower in CPYTHON_DLLS:
                    continue
                candidates = self.by_dll_name.get(lower, [])
                # The DLL beside the importer first (PySide6's folder), else any wheel's copy.
                same = [c for c in candidates if str(Path(c).parent) == folder]
                chosen = (same or candidates)[:1]
                todo.extend(c for c in chosen if not c.lower().endswith("opengl32sw.dll"))
        return kept


def runtime_distributions(excluded_modules: set[str]) -> dict[str, str]:
    """Name -> version of every run-time dependency on Windows, from the installed metadata."""
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    import tomllib

    todo = [Requirement(r) for r in tomllib.loads(pyproject)["project"]["dependencies"]]
    found: dict[str, str] = {}
    while todo:
        requirement = todo.pop()
        marker: Marker | None = requirement.marker
        if marker is not None and not marker.evaluate(WINDOWS_MARKERS):
            continue
        name = requirement.name
        if name.lower() in {n.lower() for n in found}:
            continue
        dist = importlib.metadata.distribution(name)
        tops = (dist.read_text("top_level.txt") or name.replace("-", "_")).split()
        if tops and all(top in excluded_modules for top in tops):
            continue  # excluded by the spec (babel: the catalogs are compiled at build time)
        found[dist.metadata["Name"]] = dist.version
        todo.extend(Requirement(r) for r in (dist.requires or []))
    return found


def download(folder: Path, distributions: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, version in sorted(distributions.items()):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--only-binary=:all:",
                "--platform",
                "win_amd64",
                "--python-version",
                "3.11",
                "--no-deps",
                "-d",
                str(folder),
                f"{name}=={version}",
            ],
            check=True,
        )


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def estimate(wheel_folder: Path, linux_bundle: Path, pyz: Path) -> list[tuple[str, int, str]]:
    """Rows of (part, bytes, how it was measured)."""
    constants = spec_constants()
    qt_used = set(constants["QT_USED"])  # type: ignore[call-overload]
    plugins_kept: dict[str, set[str] | None] = constants["QT_PLUGINS_KEPT"]  # type: ignore[assignment]
    excludes = set(constants.get("EXCLUDES", []))  # type: ignore[call-overload]

    wheels = Wheels()
    names = []
    for wheel in sorted(wheel_folder.glob("*.whl")):
        wheels.add(wheel)
        names.append(wheel.name.split("-")[0].lower())
    rows: list[tuple[str, int, str]] = []

    # PySide6: the kept modules' .pyd, the kept plugins, and what they load.
    roots = [f"PySide6/{module}.pyd" for module in sorted(qt_used)]
    missing = [r for r in roots if r not in wheels.files]
    if missing:
        raise SystemExit(f"not in the wheels: {missing}")
    plugins = []
    for path in wheels.files:
        if path.startswith("PySide6/plugins/") and path.lower().endswith(".dll"):
            folder, _, leaf = path[len("PySide6/plugins/") :].partition("/")
            stem = leaf.rsplit(".", 1)[0]
            kept = plugins_kept.get(folder, set())
            if folder in plugins_kept and (kept is None or stem in kept):
                plugins.append(path)
    roots += plugins + ["shiboken6/Shiboken.pyd"]
    qt = wheels.closure(roots)
    # A DLL found in two wheels (msvcp140.dll in PySide6 and shiboken6) is loaded, and
    # counted, once: the first copy by path.
    by_name: dict[str, str] = {}
    for path in sorted(p for p in qt if p.lower().endswith(".dll") and "/plugins/" not in p):
        by_name.setdefault(Path(path).name.lower(), path)
    qt_dlls = sorted(by_name.values())
    rows.append(
        (
            "Qt and PySide6 DLLs (" + ", ".join(Path(p).name for p in qt_dlls) + ")",
            sum(wheels.size(p) for p in qt_dlls),
            "wheels, import closure",
        )
    )
    rows.append(
        (
            "PySide6/shiboken6 .pyd ("
            + ", ".join(sorted(Path(p).stem for p in qt if p.endswith(".pyd")))
            + ")",
            sum(wheels.size(p) for p in qt if p.endswith(".pyd")),
            "wheels",
        )
    )
    rows.append(
        (
            "Qt plugins (" + ", ".join(sorted(p[len("PySide6/plugins/") :] for p in plugins)) + ")",
            sum(wheels.size(p) for p in plugins),
            "wheels",
        )
    )

    # Every other package: native modules not excluded, and the wheel DLLs they load.
    others: dict[str, set[str]] = {}
    for path in wheels.files:
        top = path.split("/", 1)[0]
        if top.startswith(("PySide6", "shiboken6")) or not path.lower().endswith(".pyd"):
            continue
        module = path.rsplit(".", 2)[0].replace("/", ".")
        if any(module == e or module.startswith(e + ".") for e in excludes):
            continue
        others.setdefault(top, set()).update(wheels.closure([path]))
    for top, paths in sorted(
        others.items(), key=lambda item: -sum(wheels.size(p) for p in item[1])
    ):
        rows.append((f"{top}: native modules", sum(wheels.size(p) for p in paths), "wheels"))

    # The same on every system: measured in the Linux bundle.
    internal = linux_bundle / "_internal"
    exe_size = pyz.stat().st_size
    rows.append(
        (
            "Tsunagu.exe + tsunagu-cli.exe (each: the Python archive PYZ and a loader)",
            2 * exe_size,
            "PYZ of the Linux build, twice",
        )
    )
    for name in ("base_library.zip", "resources", "db"):
        rows.append((name, folder_size(internal / name), "Linux build (same files)"))
    metadata = sum(folder_size(p) for p in internal.glob("*.dist-info"))
    rows.append(("package metadata (*.dist-info)", metadata, "Linux build (same files)"))

    # CPython itself.
    rows.append(
        (", ".join(CPYTHON_DLLS), sum(CPYTHON_DLLS.values()), "python.org 3.11.9 amd64 file sizes")
    )
    dynload = internal / "python3.11" / "lib-dynload"
    stdlib = (
        folder_size(dynload)
        + sum(folder_size(p) for p in internal.glob("libsqlite3.so*") if not p.is_symlink())
        + sum(folder_size(p) for p in internal.glob("libffi.so*") if not p.is_symlink())
    )
    rows.append(
        (
            f"standard library extension modules ({len(list(dynload.iterdir()))}), "
            "sqlite3.dll, libffi",
            stdlib,
            "their Linux builds as stand-in",
        )
    )
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--wheels", type=Path, default=Path("build/winwheels"))
    parser.add_argument("--download", action="store_true", help="pip download the wheels first")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "Tsunagu")
    parser.add_argument(
        "--pyz", type=Path, default=ROOT / "build" / "pyinstaller" / "tsunagu" / "PYZ-00.pyz"
    )
    args = parser.parse_args(argv)
    excludes = set(spec_constants().get("EXCLUDES", []))  # type: ignore[call-overload]
    distributions = runtime_distributions(excludes)
    if args.download:
        download(args.wheels, distributions)
    if not args.bundle.is_dir() or not args.pyz.is_file():
        parser.error(
            "build the Linux bundle first (installer/build.sh): its shared files are measured"
        )
    rows = estimate(args.wheels, args.bundle, args.pyz)
    print(
        "Runtime packages (Windows):",
        ", ".join(f"{n} {v}" for n, v in sorted(distributions.items())),
    )
    width = max(len(r[0]) for r in rows)
    width = min(width, 90)
    print(f"{'part':{width}}  {'MB':>7}  measured from")
    for part, size, how in rows:
        print(f"{part[:width]:{width}}  {size / MB:7.1f}  {how}")
    total = sum(r[1] for r in rows)
    verdict = "under" if total < GOAL_MB * MB else "OVER"
    print(f"{'total':{width}}  {total / MB:7.1f}  ({verdict} the {GOAL_MB} MB goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
