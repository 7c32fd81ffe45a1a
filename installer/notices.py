"""Write and check THIRD-PARTY-NOTICES for the bundle (the texts come from app/setup/notices.py).

    python installer/notices.py write OUTPUT --distributions NAME...   at build time (the spec)
    python installer/notices.py check dist/Tsunagu                      after the build (CI)

`write` refuses (exit 1) when a distribution has neither licence files nor a kept text in
resources/licenses/components.toml; `check` refuses when the bundle carries a file of an
installed distribution, or lists a distribution, that its THIRD-PARTY-NOTICES.txt lacks.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.setup import notices  # noqa: E402 - needs ROOT on sys.path when run as a script

# Where the bundle keeps them, relative to its data folder (_internal), as app/setup/notices.py
# looks for them.
NOTICES_IN_BUNDLE = Path("resources") / "licenses" / "THIRD-PARTY-NOTICES.txt"
LIST_IN_BUNDLE = Path("resources") / "licenses" / "bundled-distributions.json"


def write(output: Path, names: Iterable[str], version: str = "") -> list[str]:
    """Write the notices for `names` to `output` (and the list beside it); return the missing."""
    collected = notices.collect(names)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(notices.render(collected, version=version), encoding="utf-8")
    listed = sorted(notices.canonicalize_name(n.name) for n in collected.distributions)
    (output.parent / LIST_IN_BUNDLE.name).write_text(
        json.dumps({"distributions": listed}, indent=1) + "\n", encoding="utf-8"
    )
    return collected.missing


def named_in(text: str) -> set[str]:
    """Canonical names of the distributions a notices text has a section for."""
    found = set()
    for line in text.splitlines():
        if " — " in line and not line.startswith(" "):
            head = line.split(" — ", 1)[0].split()
            if len(head) == 2:
                found.add(notices.canonicalize_name(head[0]))
    return found


def data_dir(bundle: Path) -> Path:
    """The bundle's data folder (PyInstaller 6 puts everything but the programs in _internal)."""
    inner = bundle / "_internal"
    return inner if inner.is_dir() else bundle


def check(bundle: Path) -> list[str]:
    """Every distribution in `bundle` without a notice (empty when all are covered)."""
    inner = data_dir(bundle)
    notices_file = inner / NOTICES_IN_BUNDLE
    if not notices_file.is_file():
        return [f"{notices_file} is missing"]
    covered = named_in(notices_file.read_text(encoding="utf-8"))
    listed_file = inner / LIST_IN_BUNDLE
    listed = set(json.loads(listed_file.read_text(encoding="utf-8"))["distributions"])
    # Independent of the build's own list: any bundled file that an installed distribution's
    # RECORD names (extension modules, Qt libraries, data files) is that distribution's.
    shipped = notices.distributions_of_files(_bundle_sources(inner))
    return [f"{name}: bundled without a notice" for name in sorted((listed | shipped) - covered)]


def _bundle_sources(inner: Path) -> list[Path]:
    """Paths in the installed environment that correspond to the bundle's files."""
    site_dirs = [Path(p) for p in sys.path if p and Path(p).is_dir() and "site-packages" in p]
    found = []
    for path in inner.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(inner)
        for site in site_dirs:
            candidate = site / relative
            if candidate.is_file():
                found.append(candidate)
                break
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    w = commands.add_parser("write", help="write THIRD-PARTY-NOTICES.txt")
    w.add_argument("output", type=Path)
    w.add_argument(
        "--distributions",
        nargs="*",
        default=None,
        help="bundled distributions (default: what tsunagu needs to run)",
    )
    w.add_argument("--version", default=notices.project_version())
    c = commands.add_parser("check", help="every bundled distribution has a notice")
    c.add_argument("bundle", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        names = args.distributions
        if names is None:
            names = notices.runtime_distributions()
        missing = write(args.output, names, args.version)
        for name in missing:
            print(f"no licence text for {name}: add it to resources/licenses", file=sys.stderr)
        return 1 if missing else 0
    problems = check(args.bundle)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"every distribution in {args.bundle} has its notice")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
