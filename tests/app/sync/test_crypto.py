"""Party keys and the code-protected setup file."""

from __future__ import annotations

import json
import os
import re
import stat
import struct
import uuid
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.sync import crypto
from app.sync.crypto import (
    CODE_ALPHABET,
    SETUP_MAGIC,
    PartyKeys,
    PartyPublic,
    SetupFileError,
    WrongSetupCode,
    generate_party,
    new_setup_code,
    normalize_setup_code,
    read_setup,
    write_setup,
)
from app.sync.package import open_package, seal

# --- Party keys --------------------------------------------------------------------------


def test_generated_keys_round_trip_through_json(hq: PartyKeys) -> None:
    stored = json.loads(json.dumps(hq.to_dict()))
    assert PartyKeys.from_dict(stored) == hq
    public = json.loads(json.dumps(hq.public().to_dict()))
    assert PartyPublic.from_dict(public) == hq.public()
    assert len(hq.sign_private) == len(hq.box_private) == 32
    assert hq.public().sign_public != hq.public().box_public


def test_keys_restored_from_json_still_work(hq: PartyKeys, chapter: PartyKeys) -> None:
    restored_hq = PartyKeys.from_dict(json.loads(json.dumps(hq.to_dict())))
    restored_chapter = PartyPublic.from_dict(json.loads(json.dumps(chapter.public().to_dict())))
    header = {"schema_version": 1, "kind": "test"}
    data = seal(b"ok", sender=chapter, recipient=restored_hq.public(), header=header)
    opened = open_package(
        data, recipient=restored_hq, known_senders={chapter.party_id: restored_chapter}
    )
    assert opened.payload == b"ok"


def test_each_party_gets_fresh_keys() -> None:
    party_id = str(uuid.uuid4())
    first, second = generate_party(party_id), generate_party(party_id)
    assert first.sign_private != second.sign_private
    assert first.box_private != second.box_private


def test_repr_never_shows_private_keys(hq: PartyKeys) -> None:
    text = repr(hq)
    assert hq.party_id in text
    for secret in hq.to_dict()["sign_private"], hq.to_dict()["box_private"]:
        assert secret not in text
    assert repr(hq.sign_private) not in text


@pytest.mark.parametrize(
    "party_id",
    [
        "",
        "chapter-1",
        "6F9619FF-8B86-D011-B42D-00C04FC964FF",
        "{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
    ],
)
def test_party_ids_must_be_canonical_uuid_text(party_id: str) -> None:
    with pytest.raises(ValueError):
        generate_party(party_id)


def test_from_dict_refuses_malformed_keys(hq: PartyKeys) -> None:
    good = hq.to_dict()
    for broken in (
        {**good, "sign_private": "not base64!"},
        {**good, "box_private": "AAAA"},  # 3 bytes
        {**good, "party_id": "x"},
        {k: v for k, v in good.items() if k != "box_private"},
        ["not", "a", "dict"],
    ):
        with pytest.raises(ValueError):
            PartyKeys.from_dict(broken)
    with pytest.raises(ValueError):
        PartyPublic.from_dict({**hq.public().to_dict(), "sign_public": 123})


def test_fingerprint_is_short_stable_and_key_dependent(hq: PartyKeys, chapter: PartyKeys) -> None:
    fingerprint = hq.public().fingerprint()
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", fingerprint)
    assert fingerprint == PartyPublic.from_dict(hq.public().to_dict()).fingerprint()
    assert fingerprint != chapter.public().fingerprint()


# --- Setup code --------------------------------------------------------------------------


def test_setup_codes_use_the_unambiguous_alphabet() -> None:
    assert not set("0O1I") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == 32
    codes = {new_setup_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code)


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKLM-NPQR",
        "abcd efgh jklm npqr",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫＬＭ－ＮＰＱＲ",  # full width, from an IME left on
        "abcdーefghーjklmーnpqr",  # the long-vowel mark typed for a hyphen
        " ABCDEFGHJKLMNPQR\n",
    ],
)
def test_typed_codes_are_normalized(typed: str) -> None:
    assert normalize_setup_code(typed) == "ABCDEFGHJKLMNPQR"


@pytest.mark.parametrize(
    "typed", ["", "ABCD-EFGH-JKLM", "ABCD-EFGH-JKLM-NPQR-STUV", "ABCD-EFGH-JKLM-NPQ0"]
)
def test_malformed_codes_are_refused_with_an_example(typed: str, english: None) -> None:
    with pytest.raises(WrongSetupCode) as caught:
        normalize_setup_code(typed)
    assert "ABCD-EFGH-JKLM-NPQR" in caught.value.message


# --- Setup file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def setup_file(
    tmp_path_factory: pytest.TempPathFactory, hq: PartyKeys, chapter: PartyKeys
) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("setup") / "sakura.tsunagu-setup"
    code = write_setup(path, chapter, "さくら支部", hq.public(), schema_version=4)
    return path, code


def test_setup_round_trip(setup_file: tuple[Path, str], hq: PartyKeys, chapter: PartyKeys) -> None:
    path, code = setup_file
    info = read_setup(path, code.lower().replace("-", " "))
    assert info.chapter_keys == chapter
    assert info.hq_public == hq.public()
    assert info.chapter_name == "さくら支部"
    assert info.schema_version == 4
    assert info.created_at.endswith("+00:00")
    assert chapter.to_dict()["sign_private"] not in repr(info)


def test_setup_file_hides_its_content(setup_file: tuple[Path, str], chapter: PartyKeys) -> None:
    path, _code = setup_file
    data = path.read_bytes()
    assert data.startswith(SETUP_MAGIC)
    for secret in (*chapter.to_dict().values(), "さくら支部"):
        assert secret.encode() not in data
    assert chapter.sign_private not in data
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_setup_wrong_code(setup_file: tuple[Path, str], english: None) -> None:
    path, code = setup_file
    wrong = "2222-2222-2222-2222" if code != "2222-2222-2222-2222" else "3333-3333-3333-3333"
    with pytest.raises(WrongSetupCode) as caught:
        read_setup(path, wrong)
    assert "does not match" in caught.value.message


def _altered(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def test_setup_altered_anywhere_is_refused(setup_file: tuple[Path, str]) -> None:
    path, code = setup_file
    data = path.read_bytes()
    fixed = crypto._SETUP_FIXED.size
    # One byte in each field of the fixed part, then spread over the ciphertext and its tag
    # (each try costs one scrypt, so not every byte).
    # magic 0-12, format 13, log2(n) 14, r 15, p 16, salt 17-32, check 33-48, nonce 49-60,
    # length 61-64.
    positions = [0, 12, 13, 14, 15, 16, 17, 32, 33, 48, 49, 60, 61, 64]
    assert fixed == 65
    positions += list(range(fixed, len(data), 37)) + [len(data) - 1]
    for position in positions:
        with pytest.raises(SetupFileError):
            crypto.parse_setup(_altered(data, position), code)


def test_setup_ciphertext_alteration_reads_as_damage(
    setup_file: tuple[Path, str], english: None
) -> None:
    path, code = setup_file
    data = path.read_bytes()
    with pytest.raises(SetupFileError) as caught:
        crypto.parse_setup(_altered(data, len(data) - 20), code)
    assert not isinstance(caught.value, WrongSetupCode)
    assert "damaged or was altered" in caught.value.message


def test_setup_truncated_at_every_length(setup_file: tuple[Path, str], english: None) -> None:
    path, code = setup_file
    data = path.read_bytes()
    for length in range(1, len(data)):
        with pytest.raises(SetupFileError) as caught:
            crypto.parse_setup(data[:length], code)
        assert "incomplete" in caught.value.message, length


def test_setup_extra_bytes_are_refused(setup_file: tuple[Path, str]) -> None:
    path, code = setup_file
    with pytest.raises(SetupFileError):
        crypto.parse_setup(path.read_bytes() + b"\0", code)


def test_setup_newer_format(setup_file: tuple[Path, str], english: None) -> None:
    path, code = setup_file
    data = bytearray(path.read_bytes())
    data[len(SETUP_MAGIC)] = 2
    with pytest.raises(SetupFileError) as caught:
        crypto.parse_setup(bytes(data), code)
    assert "Update Tsunagu" in caught.value.message


def test_setup_refuses_a_costly_scrypt_request(setup_file: tuple[Path, str]) -> None:
    path, code = setup_file
    data = bytearray(path.read_bytes())
    data[len(SETUP_MAGIC) + 1] = 30  # 2**30 * 1 KiB: would need a terabyte
    with pytest.raises(SetupFileError):
        crypto.parse_setup(bytes(data), code)


@pytest.mark.parametrize(
    "content", [b"", b"hello", b"TSUNAGU-PKG\x01" + bytes(200), b"\x89PNG\r\n" + bytes(100)]
)
def test_non_setup_files_are_refused(tmp_path: Path, content: bytes, english: None) -> None:
    path = tmp_path / "file.bin"
    path.write_bytes(content)
    with pytest.raises(SetupFileError) as caught:
        read_setup(path, "ABCD-EFGH-JKLM-NPQR")
    assert "not a Tsunagu setup file" in caught.value.message


def test_missing_setup_file(tmp_path: Path, english: None) -> None:
    with pytest.raises(UserError) as caught:
        read_setup(tmp_path / "absent.tsunagu-setup", "ABCD-EFGH-JKLM-NPQR")
    assert caught.value.message.startswith("Could not read absent.tsunagu-setup")


def test_setup_written_by_a_bad_writer_is_damaged(hq: PartyKeys, chapter: PartyKeys) -> None:
    """Authenticated but not a setup body (a writer bug): refused, not a traceback."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    code = "ABCD-EFGH-JKLM-NPQR"
    salt, nonce = bytes(16), bytes(12)
    derived = crypto._derive_setup_keys(normalize_setup_code(code), salt, 15, 8, 1)
    plaintext = b'{"kind":"tsunagu-setup","format":1}'
    prefix = crypto._SETUP_FIXED.pack(
        SETUP_MAGIC, 1, 15, 8, 1, salt, derived[32:], nonce, len(plaintext) + 16
    )
    data = prefix + AESGCM(derived[:32]).encrypt(nonce, plaintext, prefix)
    with pytest.raises(SetupFileError):
        crypto.parse_setup(data, code)
    assert struct.unpack(">I", prefix[-4:])[0] == len(data) - len(prefix)
