"""The Japanese catalog: complete for the current source, placeholders kept, compiled, loaded."""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from app.core import i18n
from installer import catalogs

ROOT = catalogs.ROOT
HOW_TO_FIX = (
    "run: .venv/bin/python installer/catalogs.py extract && "
    ".venv/bin/python installer/catalogs.py update, translate the new msgids in "
    "resources/locale/ja/LC_MESSAGES/tsunagu.po, then "
    ".venv/bin/python installer/catalogs.py compile"
)


@pytest.fixture(scope="module")
def source() -> Catalog:
    """Every message in app/, ui/ and main.py as they are now (not the committed .pot)."""
    return catalogs.extract_catalog(ROOT)


@pytest.fixture(scope="module")
def japanese() -> Catalog:
    return catalogs.read_catalog(catalogs.po_path(ROOT), locale="ja")


def _python_files() -> Iterator[Path]:
    for folder in catalogs.SOURCE_DIRS:
        yield from sorted((ROOT / folder).rglob("*.py"))
    for name in catalogs.SOURCE_FILES:
        if (ROOT / name).is_file():
            yield ROOT / name


def _literal_messages(tree: ast.AST) -> Iterator[str]:
    """Literal msgids of `_`/`gettext`/`ngettext`/`N_` calls, found without Babel."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in catalogs.KEYWORDS:
            continue
        if node.args and isinstance(node.args[0], ast.Constant):
            if isinstance(node.args[0].value, str) and node.args[0].value:
                yield node.args[0].value


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- (a) every msgid of the current source is translated ----------------------------------


def test_every_message_in_the_source_has_a_japanese_translation(
    source: Catalog, japanese: Catalog
) -> None:
    missing = catalogs.untranslated(source, japanese)
    assert not missing, f"{len(missing)} msgid(s) without Japanese ({HOW_TO_FIX}):\n" + "\n".join(
        repr(m) for m in missing
    )


def test_extraction_sees_every_literal_message_the_ast_sees(source: Catalog) -> None:
    """Babel's tokenizer and Python's parser agree, so (a) cannot pass by missing calls."""
    extracted = {catalogs._text(m.id) for m in source if m.id}
    assert len(extracted) > 100  # the app's strings really were read
    locations = {location for m in source for location, _line in m.locations}
    assert any(loc.startswith("app/") for loc in locations)
    assert any(loc.startswith("ui/") for loc in locations)
    seen: set[str] = set()
    for path in _python_files():
        seen |= set(_literal_messages(ast.parse(path.read_text(encoding="utf-8"))))
    assert seen - extracted == set()


def test_a_new_untranslated_string_is_caught(tmp_path: Path, japanese: Catalog) -> None:
    _write(
        tmp_path,
        "app/new_feature.py",
        "from app.core.i18n import N_, gettext as _, ngettext\n"
        'LABEL = N_("Marked for later")\n'
        "def f(n: int) -> str:\n"
        '    return _("Brand new text {name}").format(name="x") + _("Save") + ngettext(\n'
        '        "{n} visit", "{n} visits", n).format(n=n)\n',
    )
    _write(
        tmp_path,
        "ui/page.py",
        "from app.core.i18n import gettext\nfrom app.core.i18n import gettext as _\n"
        'TITLE = gettext("New page")\n'
        "HTML = f\"<p>{_('Inside braces')}</p>\"\n",
    )
    _write(
        tmp_path,
        "main.py",
        "from app.core.i18n import gettext as _\n# Translators: a greeting on the console\n"
        'print(_("From main"))\n',
    )
    found = catalogs.extract_catalog(tmp_path)
    assert found["From main"].auto_comments == ["Translators: a greeting on the console"]
    missing = catalogs.untranslated(found, japanese)
    assert missing == sorted(
        [
            "Brand new text {name}",
            "From main",
            "Inside braces",  # Babel alone misses a call inside an f-string's braces
            "Marked for later",
            "New page",
            "{n} visit",
        ]
    )
    assert found["Inside braces"].locations == [("ui/page.py", 4)]
    assert ("app/new_feature.py", 4) in found["Save"].locations


def test_empty_and_fuzzy_translations_count_as_missing() -> None:
    source = Catalog(locale=None)
    translated = Catalog(locale="ja")
    for msgid, string, flags in [
        ("Done", "完了", ()),
        ("Empty", "", ()),
        ("Blank", "  ", ()),
        ("Guessed", "推測", ("fuzzy",)),
    ]:
        source.add(msgid)
        translated.add(msgid, string, flags=flags)
    source.add("Absent")
    assert catalogs.untranslated(source, translated) == ["Absent", "Blank", "Empty", "Guessed"]


# --- (b) placeholders ----------------------------------------------------------------------


def test_placeholders_match_in_every_translation(japanese: Catalog) -> None:
    assert catalogs.placeholder_problems(japanese) == []


class _Field:
    """A placeholder value that takes any format spec ({count:,} as well as {name})."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, spec: str) -> str:
        return f"<{self.name}>"


def test_every_translation_formats_with_the_msgid_fields(japanese: Catalog) -> None:
    """What the program does at run time: `.format()` the msgstr with the msgid's names."""
    checked = 0
    for message in japanese:
        if not message.id or not message.string or not isinstance(message.id, str):
            continue
        fields = catalogs.placeholders(message.id)
        names = {field.strip("{}").split(":")[0].split("!")[0] for field in fields}
        if not names:
            continue
        values = {name: _Field(name) for name in names}
        text = str(message.string).format(**values)
        assert all(f"<{name}>" in text for name in names), message.id
        checked += 1
    assert checked > 20


def test_placeholder_problems_are_found() -> None:
    catalog = Catalog(locale="ja")
    catalog.add("Row {line}: {reason}", "{line}行目: {reason}")  # fine
    catalog.add("Kept {{braces}} {n}", "括弧 {{braces}} {n}")  # escaped braces are text
    catalog.add("Saved {name}", "{nmae} を保存しました")  # misspelt field
    catalog.add("Dropped {count}", "落としました")  # field lost
    catalog.add("Full-width {name}", "全角 ｛name｝")  # lost, and no lone brace error
    catalog.add("Spec {size:.1f} MB", "{size} MB")  # format spec changed
    catalog.add("Broken {name}", "壊れた {name")  # .format() would raise
    catalog.add(("{n} visit", "{n} visits"), ("訪問 {n}件",))  # one Japanese form for both
    catalog.add(("One visit", "{n} visits"), ("訪問 1件",))  # loses {n} for n > 1
    problems = catalogs.placeholder_problems(catalog)
    flagged = {line.split("'")[1] for line in problems}
    assert flagged == {
        "Saved {name}",
        "Dropped {count}",
        "Full-width {name}",
        "Spec {size:.1f} MB",
        "Broken {name}",
        "One visit",
    }


# --- (c) the committed .mo is the compiled .po ----------------------------------------------


def test_committed_mo_equals_a_fresh_compile_of_the_po(japanese: Catalog) -> None:
    committed = catalogs.parse_mo(catalogs.mo_path(ROOT).read_bytes())
    fresh = catalogs.parse_mo(catalogs.compile_bytes(japanese))
    assert committed == fresh, "stale .mo: run .venv/bin/python installer/catalogs.py compile"
    assert catalogs.mo_problems(ROOT) == []


def test_a_stale_mo_is_reported(tmp_path: Path, japanese: Catalog) -> None:
    po = catalogs.po_path(tmp_path)
    po.parent.mkdir(parents=True)
    po.write_bytes(catalogs.po_path(ROOT).read_bytes())
    assert catalogs.mo_problems(tmp_path) and "missing" in catalogs.mo_problems(tmp_path)[0]
    catalogs.compile_catalog(tmp_path)
    assert catalogs.mo_problems(tmp_path) == []
    japanese_copy = catalogs.read_catalog(po, locale="ja")
    japanese_copy["Save"].string = "保存する"
    buffer = io.BytesIO()
    write_po(buffer, japanese_copy)
    po.write_bytes(buffer.getvalue())
    problems = catalogs.mo_problems(tmp_path)
    assert len(problems) == 1 and "'Save'" in problems[0]


# --- (d) the program loads the catalog ------------------------------------------------------


def test_japanese_and_english_at_run_time(japanese: Catalog) -> None:
    i18n.set_language("ja")
    assert i18n.current_language() == "ja"
    assert i18n.gettext("Save") == "保存"
    assert i18n.gettext("Members") == "会員"
    assert i18n.gettext("Sync") == "本部との同期"
    assert i18n.N_("Save") == "Save"
    assert i18n.gettext("Row {line}: {reason}") == "Row {line}: {reason}"  # unknown: English
    # Every committed translation is what the program shows.
    for message in japanese:
        if message.id and isinstance(message.id, str) and message.string:
            assert i18n.gettext(message.id) == message.string
    i18n.set_language("en")
    assert i18n.current_language() == "en"
    assert i18n.gettext("Save") == "Save"
    assert i18n.ngettext("{n} visit", "{n} visits", 1) == "{n} visit"
    assert i18n.ngettext("{n} visit", "{n} visits", 2) == "{n} visits"


def test_plural_messages_use_the_one_japanese_form(japanese: Catalog) -> None:
    plurals = [m for m in japanese if m.id and isinstance(m.id, (list, tuple)) and m.string]
    i18n.set_language("ja")
    for message in plurals:
        singular, plural = message.id[0], message.id[1]
        for n in (0, 1, 2, 11):
            assert i18n.ngettext(singular, plural, n) == list(message.string or [""])[0]


# --- (e) no formatting inside _() -----------------------------------------------------------


def test_no_message_is_formatted_inside_the_call() -> None:
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in catalogs.formatted_message_calls(tree):
            offenders.append(f"{path.relative_to(ROOT).as_posix()}:{line}: {name}(...)")
    assert offenders == [], (
        'build the message after translating: _("Row {line}").format(line=n)\n'
        + "\n".join(offenders)
    )


def test_formatted_message_calls_are_found() -> None:
    bad = "\n".join(
        [
            '_(f"Row {n}")',
            '_("Row %d" % n)',
            'gettext("Row " + str(n))',
            'ngettext("one", f"{n} rows", n)',
            '_("Row {n}".format(n=n))',
            'i18n.gettext(f"{x}")',
            'N_("a" + "b")',
        ]
    )
    good = "\n".join(
        [
            '_("Row {n}").format(n=n)',
            'ngettext("{n} row", "{n} rows", n - 1)',
            "_(LABEL)",
            '_("a" "b")',
            'other(f"{x}")',
        ]
    )
    assert [line for line, _name in catalogs.formatted_message_calls(ast.parse(bad))] == list(
        range(1, 8)
    )
    assert catalogs.formatted_message_calls(ast.parse(good)) == []


# --- the command's steps on a small tree -----------------------------------------------------


def test_extract_update_fill_compile_check_round_trip(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "9.9"\n', encoding="utf-8")
    _write(
        tmp_path,
        "app/a.py",
        'from app.core.i18n import gettext as _\nA = _("Hello {name}")\nB = _("Goodbye")\n',
    )
    changed, count = catalogs.extract(tmp_path)
    assert changed and count == 2
    pot_bytes = catalogs.pot_path(tmp_path).read_bytes()
    assert catalogs.extract(tmp_path) == (False, 2)  # no date churn when nothing changed
    assert catalogs.pot_path(tmp_path).read_bytes() == pot_bytes
    assert b"#: app/a.py:2" in pot_bytes

    result = catalogs.update(tmp_path)
    assert result.added == ["Goodbye", "Hello {name}"] and result.untranslated == 2
    problems = catalogs.check(tmp_path)
    assert any("'Goodbye'" in p for p in problems) and any("missing" in p for p in problems)

    tables = tmp_path / "notes.md"
    tables.write_text(
        "| msgid | Japanese |\n|---|---|\n| Hello {name} | こんにちは、{name} さん |\n"
        "| Goodbye | さようなら |\n| Not in source | 使われない |\n",
        encoding="utf-8",
    )
    assert sorted(catalogs.fill(catalogs.read_tables([tables]), tmp_path)) == [
        "Goodbye",
        "Hello {name}",
    ]
    catalogs.compile_catalog(tmp_path)
    assert catalogs.check(tmp_path) == []
    po_bytes = catalogs.po_path(tmp_path).read_bytes()
    assert not catalogs.update(tmp_path).changed
    assert catalogs.po_path(tmp_path).read_bytes() == po_bytes

    # A string removed, one added: the old translation goes, the new one is reported missing.
    _write(
        tmp_path,
        "app/a.py",
        'from app.core.i18n import gettext as _\nA = _("Hello {name}")\nC = _("New text")\n',
    )
    assert any("out of date" in p and "pot" in p for p in catalogs.check(tmp_path))
    catalogs.extract(tmp_path)
    result = catalogs.update(tmp_path)
    assert result.added == ["New text"] and result.removed == ["Goodbye"]
    po_text = catalogs.po_path(tmp_path).read_text(encoding="utf-8")
    assert "Goodbye" not in po_text and "さようなら" not in po_text
    assert "こんにちは、{name} さん" in po_text
    assert 'msgid "New text"\nmsgstr ""' in po_text  # no fuzzy guess from a neighbour
    catalogs.compile_catalog(tmp_path)
    assert catalogs.check(tmp_path) == ["no ja translation: 'New text'"]


def test_fill_never_overwrites_a_translation(tmp_path: Path) -> None:
    _write(tmp_path, "app/a.py", 'from app.core.i18n import gettext as _\nA = _("Save")\n')
    catalogs.extract(tmp_path)
    catalogs.update(tmp_path)
    assert catalogs.fill({"Save": "保存"}, tmp_path) == ["Save"]
    assert catalogs.fill({"Save": "セーブ"}, tmp_path) == []
    assert catalogs.read_catalog(catalogs.po_path(tmp_path), "ja")["Save"].string == "保存"


def test_read_tables_handles_escapes_and_ignores_other_rows(tmp_path: Path) -> None:
    notes = tmp_path / "strings.md"
    notes.write_text(
        "# Strings\n\nSome prose | with a pipe.\n\n"
        "| msgid | Japanese |\n| --- | :--- |\n"
        "| `Yes \\| No` | はい \\| いいえ |\n| Only one cell |\n| Empty |  |\n",
        encoding="utf-8",
    )
    assert catalogs.read_tables([notes]) == {"Yes | No": "はい | いいえ"}


def test_check_command_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = catalogs.main(["check"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "catalogs complete" in out
