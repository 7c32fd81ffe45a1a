"""Keep the translation catalogs in step with the source: extract, update, fill, compile, check.

Run at development time (Babel's Python API; the program itself only reads the committed .mo):

    .venv/bin/python installer/catalogs.py extract   # app/, ui/, main.py -> tsunagu.pot
    .venv/bin/python installer/catalogs.py update    # .pot -> ja/LC_MESSAGES/tsunagu.po
    .venv/bin/python installer/catalogs.py fill NOTES.md ...  # "| msgid | Japanese |" tables
    .venv/bin/python installer/catalogs.py compile   # .po -> .mo (commit the .mo)
    .venv/bin/python installer/catalogs.py check     # exit 1 on any untranslated/mismatched/stale

After adding strings: extract, update, translate in the .po (or fill), compile, check.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import gettext as _gettext
import io
import re
import string
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "tsunagu"
LANGUAGE = "ja"

# Where `_()` calls live, relative to ROOT: package folders, then single files.
SOURCE_DIRS = ("app", "ui")
SOURCE_FILES = ("main.py",)

# The Babel mapping (what babel.cfg would hold), kept here so there is one place to read it.
METHOD_MAP = [("**.py", "python")]
# Only the names app/core/i18n.py provides; Babel's defaults would also pick up pgettext & co.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
}
# "# Translators..." comments just above a call reach the .po as notes for the translator.
COMMENT_TAGS = ("Translators",)

HEADER_COMMENT = (
    "# Translations for Tsunagu (つなぐ).\n"
    "# Source strings are English; edit translations in ja/LC_MESSAGES/tsunagu.po,\n"
    "# then run installer/catalogs.py compile.\n"
    "#"
)


def locale_dir(root: Path = ROOT) -> Path:
    """resources/locale under `root`."""
    return root / "resources" / "locale"


def pot_path(root: Path = ROOT) -> Path:
    """The extracted template."""
    return locale_dir(root) / f"{DOMAIN}.pot"


def po_path(root: Path = ROOT, language: str = LANGUAGE) -> Path:
    """The editable catalog of `language`."""
    return locale_dir(root) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(root: Path = ROOT, language: str = LANGUAGE) -> Path:
    """The compiled catalog the program loads."""
    return locale_dir(root) / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _project_version(root: Path) -> str:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        return str(data["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0"


# --- extract -------------------------------------------------------------------------------


def _extracted(root: Path) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str]]]:
    options = {"**.py": {"encoding": "utf-8"}}
    for folder in SOURCE_DIRS:
        if not (root / folder).is_dir():
            continue
        for filename, lineno, message, comments, _context in extract_from_dir(
            root / folder,
            method_map=METHOD_MAP,
            options_map=options,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=False,
        ):
            yield f"{folder}/{Path(filename).as_posix()}", lineno, message, comments
    for name in SOURCE_FILES:
        if not (root / name).is_file():
            continue
        for lineno, message, comments, _context in extract_from_file(
            "python",
            root / name,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=False,
            options={"encoding": "utf-8"},
        ):
            yield name, lineno, message, comments


def extract_catalog(root: Path = ROOT) -> Catalog:
    """Every `_`/`gettext`/`ngettext`/`N_` message in app/, ui/ and main.py, in memory."""
    catalog = _new_catalog(root, locale=None)
    for location, lineno, message, comments in _extracted(root):
        msgid: str | tuple[str, ...] = message
        if isinstance(message, tuple):
            # A non-literal argument comes back as None; such calls translate a variable
            # (marked elsewhere with N_), so there is nothing to extract here.
            if message[0] is None or any(part is None for part in message):
                continue
            msgid = tuple(message)
        if not msgid:
            continue
        catalog.add(msgid, None, [(location, lineno)], auto_comments=comments)
    # On Python 3.11 Babel's tokenizer sees an f-string as one token, so `_()` written inside
    # an f-string's braces is invisible to it; the parser finds those calls.
    for location, lineno, msgid in _literal_calls(root):
        known = catalog.get(msgid)
        if known is None or all(path != location for path, _line in known.locations):
            catalog.add(msgid, None, [(location, lineno)])
    return catalog


def _source_files(root: Path) -> Iterator[tuple[str, Path]]:
    for folder in SOURCE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root).parts
            if not any(part.startswith((".", "_")) and part != "__init__.py" for part in parts):
                yield path.relative_to(root).as_posix(), path
    for name in SOURCE_FILES:
        if (root / name).is_file():
            yield name, root / name


def _literal_calls(root: Path) -> Iterator[tuple[str, int, str | tuple[str, ...]]]:
    """(file, line, msgid) of every keyword call whose message arguments are string literals."""
    for location, path in _source_files(root):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError):
            continue  # Babel has already reported what it could read of this file
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in KEYWORDS:
                continue
            count = 2 if name == "ngettext" else 1
            args = node.args[:count]
            if len(args) < count or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value for a in args
            ):
                continue
            texts = tuple(str(a.value) for a in args if isinstance(a, ast.Constant))
            yield location, node.lineno, texts if count == 2 else texts[0]


def _new_catalog(root: Path, locale: str | None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        header_comment=HEADER_COMMENT,
        project="Tsunagu",
        version=_project_version(root),
        msgid_bugs_address=None,
        copyright_holder="Tsunagu contributors",
        last_translator="Tsunagu team",
        language_team="Japanese" if locale else None,
        charset="utf-8",
        fuzzy=False,
    )


def _render_po(catalog: Catalog, *, include_lineno: bool) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=include_lineno,
        width=100,
    )
    return buffer.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Parse a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def extract(root: Path = ROOT) -> tuple[bool, int]:
    """Write the .pot; (whether it changed, how many messages). The date moves only on change."""
    catalog = extract_catalog(root)
    target = pot_path(root)
    if target.is_file():
        # Render with the old date first: unchanged content keeps the file byte for byte.
        catalog.creation_date = read_catalog(target).creation_date
        if _render_po(catalog, include_lineno=True) == target.read_bytes():
            return False, len(catalog)
    catalog.creation_date = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    return _write_if_changed(target, _render_po(catalog, include_lineno=True)), len(catalog)


# --- update --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateResult:
    """What `update` did to the .po."""

    changed: bool
    added: list[str]
    removed: list[str]
    untranslated: int


def _text(msgid: str | Sequence[str]) -> str:
    return msgid if isinstance(msgid, str) else str(msgid[0])


def update(root: Path = ROOT, language: str = LANGUAGE) -> UpdateResult:
    """Merge the .pot into the .po: keep translations, add new msgids empty, drop obsolete ones.

    No fuzzy matching: a near-miss guess from another message is wrong more often than right,
    and an empty msgstr is caught by `check` whereas a fuzzy wrong one is easy to overlook.
    """
    template = read_catalog(pot_path(root))
    target = po_path(root, language)
    if target.is_file():
        catalog = read_catalog(target, locale=language)
    else:
        catalog = _new_catalog(root, locale=language)
        catalog.creation_date = template.creation_date
    before = {message.id for message in catalog if message.id}
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    after = {message.id for message in catalog if message.id}
    catalog.version = template.version
    # The .po records files, not line numbers, and keeps its own dates: it then changes only
    # when strings do, not whenever code moves.
    changed = _write_if_changed(target, _render_po(catalog, include_lineno=False))
    return UpdateResult(
        changed=changed,
        added=sorted(_text(key) for key in after - before),
        removed=sorted(_text(key) for key in catalog.obsolete),
        untranslated=sum(1 for message in catalog if message.id and not _translated(message)),
    )


# --- fill from "| msgid | Japanese |" tables -----------------------------------------------

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def read_tables(paths: Iterable[Path]) -> dict[str, str]:
    """msgid -> translation from Markdown tables whose rows are `| msgid | Japanese |`."""
    found: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line.startswith("|"):
                continue
            cells = [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line)[1:-1]]
            if len(cells) < 2 or set(cells[0]) <= set("-: ") or cells[0].lower() == "msgid":
                continue
            msgid, translation = (_unquote(cells[0]), _unquote(cells[1]))
            if msgid and translation:
                found[msgid] = translation
    return found


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == "`":
        return cell[1:-1]
    return cell


def fill(tables: dict[str, str], root: Path = ROOT, language: str = LANGUAGE) -> list[str]:
    """Put table translations into empty msgstrs (never overwrite); the msgids filled."""
    target = po_path(root, language)
    catalog = read_catalog(target, locale=language)
    filled: list[str] = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or message.id not in tables:
            continue
        if _translated(message):
            continue
        message.string = tables[message.id]
        message.flags.discard("fuzzy")
        filled.append(message.id)
    if filled:
        catalog.revision_date = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
        _write_if_changed(target, _render_po(catalog, include_lineno=False))
    return filled


# --- compile -------------------------------------------------------------------------------


def compile_bytes(catalog: Catalog) -> bytes:
    """The .mo for `catalog` (fuzzy and empty translations left out, so English shows)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalog(root: Path = ROOT, language: str = LANGUAGE) -> bool:
    """Write the .mo from the .po; whether the file changed."""
    catalog = read_catalog(po_path(root, language), locale=language)
    return _write_if_changed(mo_path(root, language), compile_bytes(catalog))


def parse_mo(data: bytes) -> dict[object, str]:
    """A .mo as the program sees it (Python's gettext), header included."""
    return dict(_gettext.GNUTranslations(io.BytesIO(data))._catalog)  # type: ignore[attr-defined]


# --- check ---------------------------------------------------------------------------------

_FORMATTER = string.Formatter()


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a `.format()` string, spelled out with conversion and spec.

    Raises ValueError on a malformed field (a lone brace), which `.format()` would raise too.
    """
    fields: set[str] = set()
    for _literal, name, spec, conversion in _FORMATTER.parse(text):
        if name is None:
            continue
        conversion_part = f"!{conversion}" if conversion else ""
        spec_part = f":{spec}" if spec else ""
        fields.add("{" + name + conversion_part + spec_part + "}")
    return fields


def _translated(message: Message) -> bool:
    if "fuzzy" in message.flags:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(isinstance(s, str) and s.strip() for s in strings)


def untranslated(source: Catalog, translations: Catalog) -> list[str]:
    """msgids of `source` that `translations` lacks, or has empty or fuzzy."""
    missing: list[str] = []
    for message in source:
        if not message.id:
            continue
        found = translations.get(message.id)
        if found is None or not _translated(found) or _is_plural(found) != _is_plural(message):
            missing.append(_text(message.id))
    return sorted(missing)


def _is_plural(message: Message) -> bool:
    return isinstance(message.id, (list, tuple))


def placeholder_problems(catalog: Catalog) -> list[str]:
    """One line per translation whose `{fields}` differ from its msgid's, or are malformed."""
    problems: list[str] = []
    for message in catalog:
        if not message.id or not _translated(message):
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        raw = message.string
        strings = [raw] if isinstance(raw, str) else list(raw or ())
        try:
            # A plural's one Japanese form stands for every count, so it carries every field.
            expected: set[str] = set().union(*(placeholders(text) for text in ids))
        except ValueError as error:
            problems.append(f"msgid {ids[0]!r}: malformed placeholder ({error})")
            continue
        for text in strings:
            try:
                got = placeholders(text)
            except ValueError as error:
                problems.append(f"msgid {ids[0]!r}: msgstr has a malformed placeholder ({error})")
                continue
            if got != expected:
                problems.append(
                    f"msgid {ids[0]!r}: placeholders {sorted(expected)} but msgstr has "
                    f"{sorted(got)}"
                )
    return problems


def mo_problems(root: Path = ROOT, language: str = LANGUAGE) -> list[str]:
    """Why the committed .mo is not what compiling the .po gives now (empty when current)."""
    target = mo_path(root, language)
    if not target.is_file():
        return [f"{_relative(target, root)} is missing: run `installer/catalogs.py compile`."]
    expected = parse_mo(compile_bytes(read_catalog(po_path(root, language), locale=language)))
    try:
        actual = parse_mo(target.read_bytes())
    except OSError as error:
        return [f"{_relative(target, root)} cannot be read ({error}): run compile."]
    if actual == expected:
        return []
    differing = sorted(
        str(key) for key in set(actual) | set(expected) if actual.get(key) != expected.get(key)
    )
    shown = ", ".join(repr(key) for key in differing[:5])
    more = f" and {len(differing) - 5} more" if len(differing) > 5 else ""
    return [f"{_relative(target, root)} is out of date with the .po ({shown}{more}): run compile."]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def check(root: Path = ROOT, language: str = LANGUAGE) -> list[str]:
    """Every problem that should stop a commit; empty when the catalogs are complete."""
    problems: list[str] = []
    po = po_path(root, language)
    if not po.is_file():
        return [f"{_relative(po, root)} is missing: run extract, then update."]
    source = extract_catalog(root)
    translations = read_catalog(po, locale=language)
    for msgid in untranslated(source, translations):
        problems.append(f"no {language} translation: {msgid!r}")
    problems.extend(placeholder_problems(translations))
    problems.extend(mo_problems(root, language))
    template = pot_path(root)
    source_ids = {message.id for message in source if message.id}
    if not template.is_file():
        problems.append(f"{_relative(template, root)} is missing: run extract.")
    elif {message.id for message in read_catalog(template) if message.id} != source_ids:
        problems.append(f"{_relative(template, root)} is out of date with the source: run extract.")
    return problems


# --- no formatting inside _() -----------------------------------------------------------


def formatted_message_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, call name) of each `_()`/`gettext`/`ngettext`/`N_` whose message is built in place.

    An f-string, `%`/`+` expression or `.format()` inside the call makes a msgid that no
    catalog can hold; the fields must be filled by `.format()` after the translation.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            name = func.id
        elif isinstance(func, ast.Attribute):
            name = func.attr
        else:
            continue
        if name not in KEYWORDS:
            continue
        message_args = node.args[:2] if name == "ngettext" else node.args[:1]
        for arg in message_args:
            if isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Attribute)
                and arg.func.attr == "format"
            ):
                found.append((node.lineno, name))
    return found


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; 0 on success, 1 when `check` finds problems."""
    parser = argparse.ArgumentParser(prog="catalogs.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="source -> resources/locale/tsunagu.pot")
    commands.add_parser("update", help="tsunagu.pot -> ja/LC_MESSAGES/tsunagu.po")
    fill_parser = commands.add_parser("fill", help="fill empty msgstrs from Markdown tables")
    fill_parser.add_argument("tables", nargs="+", type=Path)
    commands.add_parser("compile", help="tsunagu.po -> tsunagu.mo")
    commands.add_parser("check", help="exit 1 on untranslated, mismatched or stale catalogs")
    args = parser.parse_args(argv)

    if args.command == "extract":
        changed, count = extract()
        state = "written" if changed else "unchanged"
        print(f"{_relative(pot_path(), ROOT)}: {count} messages, {state}")
    elif args.command == "update":
        result = update()
        for msgid in result.added:
            print(f"+ {msgid!r}")
        for msgid in result.removed:
            print(f"- {msgid!r} (obsolete, removed)")
        state = "written" if result.changed else "unchanged"
        print(f"{_relative(po_path(), ROOT)}: {state}, {result.untranslated} untranslated")
    elif args.command == "fill":
        filled = fill(read_tables(args.tables))
        print(f"{_relative(po_path(), ROOT)}: filled {len(filled)} translations")
    elif args.command == "compile":
        changed = compile_catalog()
        print(f"{_relative(mo_path(), ROOT)}: {'written' if changed else 'unchanged'}")
    else:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) in the catalogs.", file=sys.stderr)
            return 1
        print("catalogs complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
