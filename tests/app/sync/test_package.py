"""The sealed sync package: round trip, and refusal of every altered, cut or stray file."""

from __future__ import annotations

import json
import struct
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import UserError
from app.sync import package as pkg
from app.sync.crypto import PartyKeys, generate_party
from app.sync.package import (
    MAGIC,
    DecryptionFailed,
    NewerFormat,
    NotAPackage,
    PackageDamaged,
    PackageError,
    PackageTooLarge,
    PackageTruncated,
    SignatureInvalid,
    UnknownSender,
    WrongRecipient,
    open_package,
    peek_header,
    seal,
)

HEADER = {"schema_version": 3, "kind": "chapter-changes", "counts": {"members": 2, "events": 1}}
PAYLOAD = json.dumps([{"id": 1, "name": "山田 花子"}, {"id": 2, "name": "佐藤 一郎"}]).encode()


def _seal(sender: PartyKeys, recipient: PartyKeys, payload: bytes = PAYLOAD) -> bytes:
    return seal(payload, sender=sender, recipient=recipient.public(), header=HEADER)


def _open(data: bytes, recipient: PartyKeys, *senders: PartyKeys) -> pkg.OpenedPackage:
    return open_package(
        data, recipient=recipient, known_senders={s.party_id: s.public() for s in senders}
    )


def _offsets(data: bytes) -> dict[str, int]:
    """Where each field starts, read from the length prefixes of a well-formed package."""
    header_start = len(MAGIC) + 1 + 4
    (header_length,) = struct.unpack(">I", data[len(MAGIC) + 1 : header_start])
    ephemeral = header_start + header_length
    nonce = ephemeral + 32
    clen = nonce + 12
    (cipher_length,) = struct.unpack(">I", data[clen : clen + 4])
    cipher = clen + 4
    signature = cipher + cipher_length
    assert signature + 64 == len(data)
    return {
        "header": header_start,
        "ephemeral": ephemeral,
        "nonce": nonce,
        "clen": clen,
        "cipher": cipher,
        "signature": signature,
    }


def _resign(body: bytes, signer: PartyKeys) -> bytes:
    return body + signer.signing_key().sign(body)


def _with_header(data: bytes, header: dict[str, Any]) -> bytes:
    """The package with its header replaced (length fixed up), signature left as it was."""
    offsets = _offsets(data)
    new = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return data[: len(MAGIC) + 1] + struct.pack(">I", len(new)) + new + data[offsets["ephemeral"] :]


# --- Round trip --------------------------------------------------------------------------


def test_round_trip_returns_payload_header_and_sender(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    opened = _open(data, hq, chapter)
    assert opened.payload == PAYLOAD
    assert opened.sender_id == chapter.party_id
    header = opened.header
    assert header["sender_id"] == chapter.party_id
    assert header["recipient_id"] == hq.party_id
    assert header["schema_version"] == 3
    assert header["kind"] == "chapter-changes"
    assert header["counts"] == {"members": 2, "events": 1}
    assert header["format"] == 1
    assert str(uuid.UUID(header["package_id"])) == header["package_id"]
    assert "verified" not in header


def test_payload_is_not_readable_in_the_file(hq: PartyKeys, chapter: PartyKeys) -> None:
    payload = ("山田 花子 見守り" * 200).encode()
    data = _seal(chapter, hq, payload)
    assert "山田".encode() not in data
    assert len(data) < len(payload)  # compressed before encryption
    assert _open(data, hq, chapter).payload == payload


@pytest.mark.parametrize("size", [0, 1, 100_000])
def test_round_trip_sizes(hq: PartyKeys, chapter: PartyKeys, size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert _open(_seal(hq, chapter, payload), chapter, hq).payload == payload


def test_two_seals_of_the_same_data_differ(hq: PartyKeys, chapter: PartyKeys) -> None:
    first, second = _seal(hq, chapter), _seal(hq, chapter)
    assert first != second
    assert peek_header(first)["package_id"] != peek_header(second)["package_id"]


def test_caller_may_fix_package_id_and_created_at(hq: PartyKeys, chapter: PartyKeys) -> None:
    package_id = str(uuid.uuid4())
    header = dict(HEADER, package_id=package_id, created_at="2026-04-01T09:30:00+09:00")
    data = seal(b"x", sender=hq, recipient=chapter.public(), header=header)
    opened = _open(data, chapter, hq)
    assert opened.header["package_id"] == package_id
    assert opened.header["created_at"] == "2026-04-01T09:30:00+09:00"


def test_peek_header_reads_without_keys_and_says_unverified(
    hq: PartyKeys, chapter: PartyKeys
) -> None:
    data = _seal(chapter, hq)
    peeked = peek_header(data)
    assert peeked.pop("verified") is False
    assert peeked == _open(data, hq, chapter).header


@pytest.mark.parametrize(
    "header",
    [
        {"kind": "x"},  # schema_version missing
        {"schema_version": 1},  # kind missing
        dict(HEADER, chapter_name="さくら支部"),  # unknown field: would be public
        dict(HEADER, kind="Sakura chapter"),  # free text
        dict(HEADER, kind="さくら"),
        dict(HEADER, counts={"山田": 1}),
        dict(HEADER, counts={"members": -1}),
        dict(HEADER, counts={"members": True}),
        dict(HEADER, schema_version="3"),
        dict(HEADER, created_at="2026-04-01T09:30:00"),  # no time zone
        dict(HEADER, package_id="not-a-uuid"),
        dict(HEADER, sender_id=str(uuid.uuid4())),  # set by seal, not the caller
    ],
)
def test_seal_refuses_headers_that_could_carry_data(
    hq: PartyKeys, chapter: PartyKeys, header: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        seal(b"x", sender=hq, recipient=chapter.public(), header=header)


def test_seal_refuses_payload_over_the_limit(
    hq: PartyKeys, chapter: PartyKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pkg, "MAX_PAYLOAD_BYTES", 10)
    seal(b"x" * 10, sender=hq, recipient=chapter.public(), header=HEADER)
    with pytest.raises(PackageTooLarge):
        seal(b"x" * 11, sender=hq, recipient=chapter.public(), header=HEADER)


def test_open_refuses_payload_inflating_over_the_limit(
    hq: PartyKeys, chapter: PartyKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _seal(hq, chapter, b"\0" * 10_000)  # compresses to a few bytes
    monkeypatch.setattr(pkg, "MAX_PAYLOAD_BYTES", 9_999)
    with pytest.raises(PackageDamaged):
        _open(data, chapter, hq)


# --- Refusals ----------------------------------------------------------------------------


def test_every_single_byte_flip_is_refused(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    offsets = _offsets(data)
    assert len(data) < 600  # small, so the loop below stays quick
    for position in range(len(data)):
        for mask in (0x01, 0x80, 0xFF):
            altered = bytearray(data)
            altered[position] ^= mask
            with pytest.raises(PackageError) as caught:
                _open(bytes(altered), hq, chapter)
            inside_signed_binary = (
                offsets["ephemeral"] <= position < offsets["clen"] or position >= offsets["cipher"]
            )
            if inside_signed_binary:
                assert type(caught.value) is SignatureInvalid, (position, mask)


def test_truncation_at_every_length_is_refused(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    with pytest.raises(NotAPackage):
        _open(b"", hq, chapter)
    for length in range(1, len(data)):
        with pytest.raises(PackageTruncated):
            _open(data[:length], hq, chapter)
        with pytest.raises(PackageTruncated):
            peek_header(data[:length])


def test_bytes_after_the_signature_are_refused(hq: PartyKeys, chapter: PartyKeys) -> None:
    with pytest.raises(PackageDamaged):
        _open(_seal(chapter, hq) + b"\0", hq, chapter)


def test_wrong_recipient_is_refused_before_any_key_is_used(
    hq: PartyKeys, chapter: PartyKeys, other_chapter: PartyKeys
) -> None:
    data = _seal(hq, chapter)
    # With no known senders, reaching the signature check (and decryption after it) would
    # give UnknownSender; WrongRecipient proves the recipient id was checked first.
    with pytest.raises(WrongRecipient):
        open_package(data, recipient=other_chapter, known_senders={})
    with pytest.raises(WrongRecipient):
        _open(data, other_chapter, hq)


def test_same_id_but_other_keys_cannot_decrypt(hq: PartyKeys, chapter: PartyKeys) -> None:
    impostor = generate_party(chapter.party_id)
    with pytest.raises(DecryptionFailed):
        _open(_seal(hq, chapter), impostor, hq)


def test_unknown_sender_is_refused(
    hq: PartyKeys, chapter: PartyKeys, other_chapter: PartyKeys
) -> None:
    data = _seal(chapter, hq)
    with pytest.raises(UnknownSender):
        _open(data, hq, other_chapter)
    with pytest.raises(UnknownSender):  # a mapping entry filed under the wrong id
        open_package(data, recipient=hq, known_senders={chapter.party_id: other_chapter.public()})


def test_forgery_with_another_key_pair_under_the_same_id(hq: PartyKeys, chapter: PartyKeys) -> None:
    forger = generate_party(chapter.party_id)
    forged = seal(b"[]", sender=forger, recipient=hq.public(), header=HEADER)
    assert peek_header(forged)["sender_id"] == chapter.party_id
    with pytest.raises(SignatureInvalid):
        _open(forged, hq, chapter)


def test_newer_format_asks_to_update(hq: PartyKeys, chapter: PartyKeys, english: None) -> None:
    data = bytearray(_seal(chapter, hq))
    data[len(MAGIC)] = 2
    with pytest.raises(NewerFormat) as caught:
        _open(bytes(data), hq, chapter)
    assert "Update Tsunagu" in caught.value.message
    with pytest.raises(NewerFormat):
        peek_header(bytes(data))
    # A newer format may change everything after the version byte: it is not parsed.
    with pytest.raises(NewerFormat):
        _open(MAGIC + bytes([7]) + b"anything at all", hq, chapter)


def test_format_zero_is_damaged(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = bytearray(_seal(chapter, hq))
    data[len(MAGIC)] = 0
    with pytest.raises(PackageDamaged):
        _open(bytes(data), hq, chapter)


def test_header_tampering_is_refused(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    header = peek_header(data)
    del header["verified"]
    for change in (
        {"counts": {"members": 3, "events": 1}},
        {"kind": "full-export"},
        {"schema_version": 2},
        {"created_at": "2020-01-01T00:00:00+00:00"},
        {"package_id": str(uuid.uuid4())},
    ):
        with pytest.raises(SignatureInvalid):
            _open(_with_header(data, {**header, **change}), hq, chapter)


def test_header_is_bound_to_the_ciphertext(hq: PartyKeys, chapter: PartyKeys) -> None:
    """Even re-signed by the real sender, a header moved onto other ciphertext will not decrypt."""
    data = _seal(chapter, hq)
    header = peek_header(data)
    del header["verified"]
    header["counts"] = {"members": 99}
    moved = _with_header(data, header)
    body = moved[: _offsets(moved)["signature"]]
    with pytest.raises(DecryptionFailed):
        _open(_resign(body, chapter), hq, chapter)


def test_small_order_ephemeral_key_fails_cleanly(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    offsets = _offsets(data)
    body = data[: offsets["ephemeral"]] + bytes(32) + data[offsets["nonce"] : offsets["signature"]]
    with pytest.raises(DecryptionFailed):
        _open(_resign(body, chapter), hq, chapter)


def test_non_canonical_header_is_damaged(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    header = peek_header(data)
    del header["verified"]
    spaced = json.dumps(header, sort_keys=True).encode()  # ", " and ": " separators
    offsets = _offsets(data)
    altered = (
        MAGIC + b"\x01" + struct.pack(">I", len(spaced)) + spaced + data[offsets["ephemeral"] :]
    )
    with pytest.raises(PackageDamaged):
        peek_header(altered)


@pytest.mark.parametrize(
    "header_bytes",
    [b"", b"null", b"[1]", b"{", b"\xff\xfe", b"[" * 60_000, b'{"a":' + b"9" * 5000 + b"}"],
)
def test_malformed_headers_are_damaged(hq: PartyKeys, header_bytes: bytes) -> None:
    data = (
        MAGIC
        + b"\x01"
        + struct.pack(">I", len(header_bytes))
        + header_bytes
        + bytes(32 + 12)
        + struct.pack(">I", 16)
        + bytes(16 + 64)
    )
    with pytest.raises(PackageDamaged):
        open_package(data, recipient=hq, known_senders={})


def test_oversized_length_fields_are_damaged(hq: PartyKeys, chapter: PartyKeys) -> None:
    data = _seal(chapter, hq)
    huge_header = MAGIC + b"\x01" + struct.pack(">I", pkg.MAX_HEADER_BYTES + 1) + data[16:]
    with pytest.raises(PackageDamaged):
        peek_header(huge_header)
    clen = _offsets(data)["clen"]
    huge_cipher = data[:clen] + struct.pack(">I", 2**32 - 1) + data[clen + 4 :]
    with pytest.raises(PackageDamaged):
        peek_header(huge_cipher)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04zipfile", b"TSUNAGU-SETUP\x01" + bytes(80)])
def test_other_files_are_not_packages(hq: PartyKeys, data: bytes) -> None:
    with pytest.raises(NotAPackage):
        open_package(data, recipient=hq, known_senders={})


def test_every_refusal_is_one_distinct_translated_line(
    hq: PartyKeys, chapter: PartyKeys, english: None
) -> None:
    errors: list[PackageError] = [
        NotAPackage(),
        PackageTruncated(),
        PackageDamaged("x"),
        NewerFormat(2),
        WrongRecipient(hq.party_id, chapter.party_id),
        UnknownSender(hq.party_id),
        SignatureInvalid(),
        DecryptionFailed(),
        PackageTooLarge(10),
    ]
    messages = [error.message for error in errors]
    assert all(isinstance(error, UserError) for error in errors)
    assert all(message and "\n" not in message for message in messages)
    assert len(set(messages)) == len(messages)
    assert all(hq.party_id not in message for message in messages)  # ids go in details


# --- Properties --------------------------------------------------------------------------

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_raise_only_package_errors(
    hq: PartyKeys, chapter: PartyKeys, data: bytes
) -> None:
    for candidate in (data, MAGIC + data, MAGIC + b"\x01" + data):
        with pytest.raises(PackageError):
            _open(candidate, hq, chapter)
        with pytest.raises(PackageError):
            peek_header(candidate)


@_SETTINGS
@given(
    cut=st.integers(min_value=0, max_value=10_000),
    length=st.integers(min_value=0, max_value=40),
    insert=st.binary(max_size=40),
)
def test_spliced_packages_are_refused_or_unchanged(
    hq: PartyKeys, chapter: PartyKeys, cut: int, length: int, insert: bytes
) -> None:
    data = _seal(chapter, hq)
    cut %= len(data) + 1
    spliced = data[:cut] + insert + data[cut + length :]
    if spliced == data:
        assert _open(spliced, hq, chapter).payload == PAYLOAD
        return
    with pytest.raises(PackageError):
        _open(spliced, hq, chapter)
