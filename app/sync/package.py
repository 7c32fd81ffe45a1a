"""The sealed sync package: signed by its sender, encrypted to its recipient, refused if altered.

Byte layout, format 1 (integers big-endian):

    magic     b"TSUNAGU-PKG"                      11 bytes
    format    u8 (1)                               1 byte
    hlen      u32, length of the header            4 bytes
    header    canonical JSON, ASCII                hlen bytes (public: ids, dates, counts only)
    eph       ephemeral X25519 public key          32 bytes
    nonce     AES-GCM nonce                        12 bytes
    clen      u32, length of the ciphertext        4 bytes
    cipher    AES-256-GCM(zlib(payload)) + tag     clen bytes
    sig       Ed25519 signature                    64 bytes (last; nothing may follow)

key = HKDF-SHA256(X25519(eph, recipient box key), salt = eph || recipient box public,
info = b"tsunagu package v1"); the AES-GCM associated data is every byte before `eph`
(magic, format, hlen, header); the signature covers every byte before `sig`. Opening
checks, in order: structure, recipient, sender, signature, then decrypts. Nothing is
decrypted before the signature of a known sender has been verified.
"""

from __future__ import annotations

import json
import os
import re
import struct
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.sync.crypto import KEY_SIZE, PartyKeys, PartyPublic

MAGIC = b"TSUNAGU-PKG"
FORMAT_VERSION = 1
HKDF_INFO = b"tsunagu package v1"

NONCE_SIZE = 12
TAG_SIZE = 16
SIGNATURE_SIZE = 64
MAX_HEADER_BYTES = 64 * 1024
MAX_PAYLOAD_BYTES = 512 * 1024 * 1024
# zlib never grows data by more than ~0.03 % plus a few bytes; leave room for that.
MAX_CIPHERTEXT_BYTES = MAX_PAYLOAD_BYTES + MAX_PAYLOAD_BYTES // 256 + 1024 + TAG_SIZE
MAX_PACKAGE_BYTES = (
    len(MAGIC) + 1 + 4 + MAX_HEADER_BYTES + KEY_SIZE + NONCE_SIZE + 4
    + MAX_CIPHERTEXT_BYTES + SIGNATURE_SIZE
)  # fmt: skip

_U32 = struct.Struct(">I")
_HEADER_KEYS = frozenset(
    {
        "format",
        "package_id",
        "sender_id",
        "recipient_id",
        "created_at",
        "schema_version",
        "kind",
        "counts",
    }
)
_CALLER_REQUIRED = frozenset({"schema_version", "kind"})
_CALLER_OPTIONAL = frozenset({"counts", "package_id", "created_at"})
# Header words are identifiers, never free text, so no personal data can slip into the
# one part of the file that anybody can read.
_WORD = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
_MAX_COUNTS = 256
_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw


class PackageError(UserError):
    """A sync package refused; every subclass carries one translated line."""


class NotAPackage(PackageError):
    """The bytes do not start like a sync package."""

    def __init__(self) -> None:
        super().__init__(_("This file is not a Tsunagu sync package."))


class PackageTruncated(PackageError):
    """The file ends before its last field: cut short while copying."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This sync package is incomplete (it was cut short, perhaps while copying). "
                "Copy it again from the sender."
            )
        )


class PackageDamaged(PackageError):
    """The file starts like a package, but its fields do not make sense."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            _(
                "This sync package is damaged and cannot be read. "
                "Ask the sender to export it again."
            ),
            details=[detail],
        )


class NewerFormat(PackageError):
    """Made by a newer Tsunagu with a package format this one does not know."""

    def __init__(self, version: int) -> None:
        super().__init__(
            _(
                "This sync package was made by a newer version of Tsunagu. "
                "Update Tsunagu to import it."
            ),
            details=[f"package format {version}, this program reads up to {FORMAT_VERSION}"],
        )


class WrongRecipient(PackageError):
    """Addressed to another party (e.g. another chapter's file)."""

    def __init__(self, recipient_id: str, own_id: str) -> None:
        super().__init__(
            _("This sync package is addressed to someone else, not to this database."),
            details=[f"addressed to {recipient_id}; this database is {own_id}"],
        )


class UnknownSender(PackageError):
    """The sender id is not among the parties this database knows."""

    def __init__(self, sender_id: str) -> None:
        super().__init__(
            _("This sync package comes from a sender this database does not know; it was refused."),
            details=[f"sender {sender_id}"],
        )


class SignatureInvalid(PackageError):
    """Forged or altered: the signature does not match the sender's key."""

    def __init__(self) -> None:
        super().__init__(
            _("This sync package was altered or was not made by its sender; it was refused.")
        )


class DecryptionFailed(PackageError):
    """Signed by a known sender, yet this database's keys cannot decrypt it."""

    def __init__(self) -> None:
        super().__init__(_("This sync package could not be decrypted with this database's keys."))


class PackageTooLarge(PackageError):
    """Refused when sealing: the payload is over MAX_PAYLOAD_BYTES."""

    def __init__(self, size: int) -> None:
        mb = 1024 * 1024
        super().__init__(
            _(
                "The data is too large for one sync package ({size} MB; the limit is {limit} MB)."
            ).format(size=f"{size / mb:.1f}", limit=f"{MAX_PAYLOAD_BYTES / mb:.0f}")
        )


@dataclass(frozen=True)
class OpenedPackage:
    """A package whose signature was verified and whose payload was decrypted."""

    header: dict[str, Any]
    payload: bytes
    sender_id: str


@dataclass(frozen=True)
class _Parsed:
    header: dict[str, Any]
    associated: bytes  # magic, format, hlen, header
    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes
    signed: bytes  # everything the signature covers
    signature: bytes


# --- Sealing -----------------------------------------------------------------------------


def seal(
    payload: bytes, *, sender: PartyKeys, recipient: PartyPublic, header: Mapping[str, Any]
) -> bytes:
    """Compress, encrypt to `recipient` and sign as `sender`; return the package bytes.

    `header` gives the public fields: "schema_version" (int) and "kind" (a lower-case
    word such as "chapter-changes"), optionally "counts" ({table word: int}),
    "package_id" (UUID text; a fresh one otherwise) and "created_at" (ISO 8601 with a
    time zone; now otherwise). Anything else raises ValueError: the header is readable
    without keys, so data belongs in the payload. Raises PackageTooLarge over
    MAX_PAYLOAD_BYTES.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PackageTooLarge(len(payload))
    header_bytes = _build_header(header, sender.party_id, recipient.party_id)
    associated = MAGIC + bytes([FORMAT_VERSION]) + _U32.pack(len(header_bytes)) + header_bytes

    ephemeral_key = X25519PrivateKey.generate()
    ephemeral = ephemeral_key.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    shared = ephemeral_key.exchange(X25519PublicKey.from_public_bytes(recipient.box_public))
    key = _package_key(shared, ephemeral, recipient.box_public)
    nonce = os.urandom(NONCE_SIZE)
    ciphertext = AESGCM(key).encrypt(nonce, zlib.compress(payload, 6), associated)
    if len(ciphertext) > MAX_CIPHERTEXT_BYTES:  # cannot happen given zlib's bound; be sure
        raise PackageTooLarge(len(payload))

    signed = associated + ephemeral + nonce + _U32.pack(len(ciphertext)) + ciphertext
    return signed + sender.signing_key().sign(signed)


def _build_header(fields: Mapping[str, Any], sender_id: str, recipient_id: str) -> bytes:
    keys = set(fields)
    missing = _CALLER_REQUIRED - keys
    unexpected = keys - _CALLER_REQUIRED - _CALLER_OPTIONAL
    if missing or unexpected:
        raise ValueError(
            f"package header: missing {sorted(missing)}, not allowed {sorted(unexpected)} "
            "(the header is public; put data in the payload)"
        )
    header: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "package_id": fields.get("package_id", str(uuid.uuid4())),
        "sender_id": sender_id,
        "recipient_id": recipient_id,
        "created_at": fields.get(
            "created_at", datetime.now(UTC).isoformat(timespec="milliseconds")
        ),
        "schema_version": fields["schema_version"],
        "kind": fields["kind"],
        "counts": dict(fields.get("counts", {})),
    }
    problem = _header_problem(header)
    if problem:
        raise ValueError(f"package header: {problem}")
    data = _canonical(header)
    if len(data) > MAX_HEADER_BYTES:
        raise ValueError("package header: too large")
    return data


def _canonical(header: Mapping[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def _package_key(shared: bytes, ephemeral: bytes, recipient_box_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=ephemeral + recipient_box_public,
        info=HKDF_INFO,
    ).derive(shared)


# --- Opening -----------------------------------------------------------------------------


def peek_header(data: bytes) -> dict[str, Any]:
    """The public header, read without keys and NOT verified: for display only.

    The result carries "verified": False. Use it to show "from X, made on Y" before an
    import, never to decide anything; open_package is the only check. Raises the same
    structural PackageErrors as open_package (not a package, truncated, damaged, newer).
    """
    header = dict(_parse(data).header)
    header["verified"] = False
    return header


def open_package(
    data: bytes, *, recipient: PartyKeys, known_senders: Mapping[str, PartyPublic]
) -> OpenedPackage:
    """Verify and decrypt a package addressed to `recipient` from one of `known_senders`.

    `known_senders` maps party id to public keys. Raises one PackageError subclass:
    NotAPackage, PackageTruncated, PackageDamaged, NewerFormat, WrongRecipient,
    UnknownSender, SignatureInvalid or DecryptionFailed. Nothing else escapes for any
    input bytes.
    """
    parsed = _parse(data)
    header = parsed.header
    # Checked before any key is used, so another chapter's file gets the helpful message.
    if header["recipient_id"] != recipient.party_id:
        raise WrongRecipient(header["recipient_id"], recipient.party_id)
    sender_id: str = header["sender_id"]
    sender = known_senders.get(sender_id)
    if sender is None or sender.party_id != sender_id:
        raise UnknownSender(sender_id)
    try:
        Ed25519PublicKey.from_public_bytes(sender.sign_public).verify(
            parsed.signature, parsed.signed
        )
    except (InvalidSignature, ValueError) as exc:
        raise SignatureInvalid() from exc

    try:
        shared = recipient.box_key().exchange(X25519PublicKey.from_public_bytes(parsed.ephemeral))
        key = _package_key(shared, parsed.ephemeral, recipient.public().box_public)
        compressed = AESGCM(key).decrypt(parsed.nonce, parsed.ciphertext, parsed.associated)
    except (InvalidTag, ValueError) as exc:
        # ValueError: an all-zero shared secret from a small-order ephemeral key.
        raise DecryptionFailed() from exc
    return OpenedPackage(header=header, payload=_decompress(compressed), sender_id=sender_id)


def _decompress(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(compressed, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise PackageDamaged(f"payload: {exc}") from exc
    if len(payload) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise PackageDamaged("payload: larger than the limit")
    if not inflater.eof or inflater.unused_data:
        raise PackageDamaged("payload: compressed stream incomplete or followed by data")
    return payload


class _Reader:
    """Takes fields off the front; running out means the file was cut short."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise PackageTruncated()
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def u32(self) -> int:
        value: int = _U32.unpack(self.take(_U32.size))[0]
        return value


def _parse(data: bytes) -> _Parsed:
    data = bytes(data)
    head = data[: len(MAGIC)]
    if head != MAGIC:
        # A prefix of the magic is a file cut short in its first bytes, not a stranger.
        if head and len(head) < len(MAGIC) and MAGIC.startswith(head):
            raise PackageTruncated()
        raise NotAPackage()
    reader = _Reader(data)
    reader.take(len(MAGIC))
    version = reader.take(1)[0]
    if version > FORMAT_VERSION:
        raise NewerFormat(version)
    if version != FORMAT_VERSION:
        raise PackageDamaged(f"format byte {version}")

    header_length = reader.u32()
    if header_length > MAX_HEADER_BYTES:
        raise PackageDamaged(f"header length {header_length}")
    header_bytes = reader.take(header_length)
    associated = data[: reader.pos]
    header = _decode_header(header_bytes)

    ephemeral = reader.take(KEY_SIZE)
    nonce = reader.take(NONCE_SIZE)
    cipher_length = reader.u32()
    if not TAG_SIZE <= cipher_length <= MAX_CIPHERTEXT_BYTES:
        raise PackageDamaged(f"ciphertext length {cipher_length}")
    ciphertext = reader.take(cipher_length)
    signed = data[: reader.pos]
    signature = reader.take(SIGNATURE_SIZE)
    if reader.pos != len(data):
        raise PackageDamaged(f"{len(data) - reader.pos} bytes after the signature")
    return _Parsed(
        header=header,
        associated=associated,
        ephemeral=ephemeral,
        nonce=nonce,
        ciphertext=ciphertext,
        signed=signed,
        signature=signature,
    )


def _decode_header(header_bytes: bytes) -> dict[str, Any]:
    try:
        header = json.loads(header_bytes.decode("ascii"))
    except (ValueError, RecursionError) as exc:
        # ValueError covers bad UTF-8/ASCII, bad JSON and over-long integer literals.
        raise PackageDamaged(f"header: {type(exc).__name__}") from exc
    if not isinstance(header, dict):
        raise PackageDamaged("header: not an object")
    problem = _header_problem(header)
    if problem:
        raise PackageDamaged(f"header: {problem}")
    if header["format"] != FORMAT_VERSION:
        raise PackageDamaged("header: format differs from the format byte")
    # One spelling per header: what peek_header shows is exactly what was signed.
    if _canonical(header) != header_bytes:
        raise PackageDamaged("header: not in canonical form")
    return header


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_uuid_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _header_problem(header: Mapping[str, Any]) -> str | None:
    """Why `header` is not a valid format-1 header, or None if it is."""
    if set(header) != _HEADER_KEYS:
        return f"fields {sorted(header)}"
    if not _is_int(header["format"]):
        return "format"
    for name in ("package_id", "sender_id", "recipient_id"):
        if not _is_uuid_text(header[name]):
            return f"{name} is not canonical UUID text"
    created = header["created_at"]
    if not isinstance(created, str) or len(created) > 40:
        return "created_at"
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        return "created_at is not ISO 8601"
    if moment.tzinfo is None:
        return "created_at has no time zone"
    if not _is_int(header["schema_version"]) or not 0 <= header["schema_version"] < 2**31:
        return "schema_version"
    kind = header["kind"]
    if not isinstance(kind, str) or not _WORD.fullmatch(kind):
        return "kind must be a lower-case word"
    counts = header["counts"]
    if not isinstance(counts, dict) or len(counts) > _MAX_COUNTS:
        return "counts"
    for table, count in counts.items():
        if not isinstance(table, str) or not _WORD.fullmatch(table):
            return "counts keys must be lower-case words"
        if not _is_int(count) or not 0 <= count < 2**53:
            return "counts values must be non-negative integers"
    return None
