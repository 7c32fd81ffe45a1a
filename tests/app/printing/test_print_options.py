"""Print options that reach the user from the command line: the database's language (never the
system locale), name-tag printer offset, test outline and blank tags, blank visit forms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.core import i18n
from tests.app.printing.pdfcheck import page_texts, reader, rules
from tests.app.printing.test_event_print import EIGHTEEN


@pytest.fixture
def system_locale_c(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TSUNAGU_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C")
    yield
    i18n.set_language("en")


def test_lang_c_prints_the_japanese_flyer_of_a_japanese_database(
    demo_path: Path, tmp_path: Path, system_locale_c: None
) -> None:
    out = tmp_path / "flyer.pdf"
    assert cli.run(["--db", str(demo_path), "print", "flyer", EIGHTEEN, "-o", str(out)]) == 0
    text = "".join(page_texts(out))
    # The old code printed "Fee" and "Free" here: LANG=C chose English.
    assert "参加費" in text and "無料" in text and "Fee" not in text


def test_name_tag_offset_outline_and_blank_tags(demo_path: Path, tmp_path: Path) -> None:
    plain, tuned = tmp_path / "plain.pdf", tmp_path / "tuned.pdf"
    base = ["--db", str(demo_path), "print", "name-tags", EIGHTEEN]
    assert cli.run([*base, "-o", str(plain)]) == 0
    assert cli.run([*base, "-o", str(tuned), "--offset", "2,-1", "--outline", "--blank", "3"]) == 0
    assert len(rules(tuned)) > len(rules(plain))  # the label edges of the test print
    assert len(reader(tuned).pages) >= len(reader(plain).pages)
    # Three more tags carry the chapter's name alone.
    chapter_count = [t.count("まちづくり") for t in page_texts(tuned)]
    assert sum(chapter_count) >= sum(t.count("まちづくり") for t in page_texts(plain)) + 3
    assert cli.run([*base, "-o", str(tuned), "--offset", "30,0"]) == 2


def test_number_of_blank_visit_forms(demo_path: Path, tmp_path: Path) -> None:
    four, one = tmp_path / "four.pdf", tmp_path / "one.pdf"
    base = ["--db", str(demo_path), "print", "visit-forms"]
    assert cli.run([*base, "-o", str(four)]) == 0
    assert cli.run([*base, "-o", str(one), "--blank-forms", "1"]) == 0
    sheets = len(reader(four).pages) - len(reader(one).pages)
    assert sheets > 0 and sheets % 3 == 0
