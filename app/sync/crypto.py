"""Party keys (Ed25519 + X25519) and the code-protected setup file headquarters gives a chapter."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import struct
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.fileio import read_file, write_atomically

KEY_SIZE = 32

_RAW = serialization.Encoding.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_NO_ENCRYPTION = serialization.NoEncryption()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what}: expected base64 text")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"{what}: not valid base64") from exc
    if len(raw) != KEY_SIZE:
        raise ValueError(f"{what}: expected {KEY_SIZE} bytes, got {len(raw)}")
    return raw


def _check_party_id(party_id: object) -> str:
    """Party ids are canonical lower-case UUID text, so the same party never has two spellings."""
    if not isinstance(party_id, str):
        raise ValueError("party_id: expected UUID text")
    try:
        canonical = str(uuid.UUID(party_id))
    except ValueError as exc:
        raise ValueError(f"party_id: not a UUID: {party_id!r}") from exc
    if canonical != party_id:
        raise ValueError(f"party_id: not canonical UUID text: {party_id!r}")
    return party_id


def _check_key(value: object, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != KEY_SIZE:
        raise ValueError(f"{what}: expected {KEY_SIZE} raw bytes")


@dataclass(frozen=True)
class PartyPublic:
    """What others need to know about a party: its id and its two public keys (raw 32 bytes)."""

    party_id: str
    sign_public: bytes
    box_public: bytes

    def __post_init__(self) -> None:
        _check_party_id(self.party_id)
        _check_key(self.sign_public, "sign_public")
        _check_key(self.box_public, "box_public")

    def fingerprint(self) -> str:
        """A short code people can read aloud to check they hold the same public keys."""
        digest = hashlib.sha256(b"tsunagu party v1" + self.sign_public + self.box_public)
        text = digest.hexdigest()[:16].upper()
        return "-".join(text[i : i + 4] for i in range(0, 16, 4))

    def to_dict(self) -> dict[str, str]:
        """JSON-able form (base64 keys) for a database column or a file."""
        return {
            "party_id": self.party_id,
            "sign_public": _b64(self.sign_public),
            "box_public": _b64(self.box_public),
        }

    @classmethod
    def from_dict(cls, data: object) -> PartyPublic:
        """Inverse of to_dict; raises ValueError on anything malformed."""
        if not isinstance(data, dict):
            raise ValueError("public keys: expected an object")
        return cls(
            party_id=_check_party_id(data.get("party_id")),
            sign_public=_unb64(data.get("sign_public"), "sign_public"),
            box_public=_unb64(data.get("box_public"), "box_public"),
        )


@dataclass(frozen=True)
class PartyKeys:
    """A party's private keys (raw 32 bytes each); repr never shows them."""

    party_id: str
    sign_private: bytes = field(repr=False)
    box_private: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_party_id(self.party_id)
        _check_key(self.sign_private, "sign_private")
        _check_key(self.box_private, "box_private")

    def public(self) -> PartyPublic:
        """The matching public half, to hand to the other side."""
        return PartyPublic(
            party_id=self.party_id,
            sign_public=self.signing_key().public_key().public_bytes(_RAW, _RAW_PUBLIC),
            box_public=self.box_key().public_key().public_bytes(_RAW, _RAW_PUBLIC),
        )

    def signing_key(self) -> Ed25519PrivateKey:
        """The Ed25519 key object for signing."""
        return Ed25519PrivateKey.from_private_bytes(self.sign_private)

    def box_key(self) -> X25519PrivateKey:
        """The X25519 key object for key agreement."""
        return X25519PrivateKey.from_private_bytes(self.box_private)

    def to_dict(self) -> dict[str, str]:
        """JSON-able form (base64 keys). It holds secrets: store it only where secrets belong."""
        return {
            "party_id": self.party_id,
            "sign_private": _b64(self.sign_private),
            "box_private": _b64(self.box_private),
        }

    @classmethod
    def from_dict(cls, data: object) -> PartyKeys:
        """Inverse of to_dict; raises ValueError on anything malformed."""
        if not isinstance(data, dict):
            raise ValueError("private keys: expected an object")
        return cls(
            party_id=_check_party_id(data.get("party_id")),
            sign_private=_unb64(data.get("sign_private"), "sign_private"),
            box_private=_unb64(data.get("box_private"), "box_private"),
        )


def generate_party(party_id: str) -> PartyKeys:
    """Fresh signing and key-agreement key pairs for `party_id` (canonical UUID text)."""
    _check_party_id(party_id)
    return PartyKeys(
        party_id=party_id,
        sign_private=Ed25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION),
        box_private=X25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION),
    )


# --- Setup code --------------------------------------------------------------------------

# No 0/O or 1/I: the code is read off paper or a screen and typed by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_SIZE = 4
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_SIZE  # 16 symbols of 5 bits: 80 bits
_CODE_EXAMPLE = "ABCD-EFGH-JKLM-NPQR"


def new_setup_code() -> str:
    """A random one-time code such as "7KQX-M2PD-HW9C-ZT4R"."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(
        symbols[i : i + CODE_GROUP_SIZE] for i in range(0, CODE_LENGTH, CODE_GROUP_SIZE)
    )


def normalize_setup_code(code: str) -> str:
    """The 16 code symbols, whatever the user typed around them.

    Full-width characters (an IME left on), lower case, spaces and hyphens of any width
    are accepted. Raises WrongSetupCode when what remains is not 16 symbols of the alphabet.
    """
    text = unicodedata.normalize("NFKC", code).upper()
    symbols = "".join(ch for ch in text if not ch.isspace() and ch not in "-‐‑‒–—―ー−_")
    if len(symbols) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in symbols):
        raise WrongSetupCode(
            _("A setup code has 16 letters and digits, like {example}.").format(
                example=_CODE_EXAMPLE
            )
        )
    return symbols


# --- Setup file --------------------------------------------------------------------------
#
# Layout (all integers big-endian):
#   magic  b"TSUNAGU-SETUP" | format u8 | log2(n) u8 | r u8 | p u8 | salt 16 | check 16
#   | nonce 12 | length u32 | AES-256-GCM ciphertext+tag (associated data: every byte before it)
# scrypt(code) gives 64 bytes: the first 32 are the AES key, the next 16 the stored check
# value, which lets a wrong code be told apart from an altered file. It gives an attacker
# nothing the GCM tag would not: either way each guess costs one scrypt.

SETUP_MAGIC = b"TSUNAGU-SETUP"
SETUP_FORMAT = 1
_SETUP_KIND = "tsunagu-setup"
SCRYPT_LOG2_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
# A file may ask for a costlier scrypt (later versions), but never one that would exhaust
# memory: 2**20 * 128 * 8 bytes is 1 GiB.
_SCRYPT_LOG2_N_RANGE = range(14, 21)
_SALT_SIZE = 16
_CHECK_SIZE = 16
_NONCE_SIZE = 12
_TAG_SIZE = 16
_SETUP_FIXED = struct.Struct(">13sBBBB16s16s12sI")
assert _SETUP_FIXED.size == len(SETUP_MAGIC) + 4 + _SALT_SIZE + _CHECK_SIZE + _NONCE_SIZE + 4
MAX_SETUP_BYTES = 1024 * 1024


class SetupFileError(UserError):
    """A setup file that cannot be used: not one, cut short, altered, or from a newer version."""


class WrongSetupCode(SetupFileError):
    """The code typed does not open this setup file (or is not shaped like a code)."""


@dataclass(frozen=True)
class SetupInfo:
    """What a chapter learns from its setup file."""

    chapter_keys: PartyKeys
    chapter_name: str
    hq_public: PartyPublic
    schema_version: int
    created_at: str


def _derive_setup_keys(symbols: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_SIZE + _CHECK_SIZE, n=2**log2_n, r=r, p=p)
    return kdf.derive(symbols.encode("ascii"))


def write_setup(
    path: str | os.PathLike[str],
    chapter_keys: PartyKeys,
    chapter_name: str,
    hq_public: PartyPublic,
    schema_version: int,
) -> str:
    """Write the encrypted setup file for a chapter and return its one-time code.

    Show or print the code once and send it apart from the file: whoever has both has the
    chapter's private keys. Raises UserError if the file cannot be written.
    """
    if not isinstance(schema_version, int) or schema_version < 0:
        raise ValueError("schema_version must be a non-negative int")
    if not isinstance(chapter_name, str) or not chapter_name.strip():
        raise ValueError("chapter_name must be non-empty text")
    code = new_setup_code()
    symbols = normalize_setup_code(code)
    body = {
        "kind": _SETUP_KIND,
        "format": SETUP_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "chapter_name": chapter_name,
        "schema_version": schema_version,
        "chapter": chapter_keys.to_dict(),
        "hq": hq_public.to_dict(),
    }
    plaintext = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    salt = os.urandom(_SALT_SIZE)
    nonce = os.urandom(_NONCE_SIZE)
    derived = _derive_setup_keys(symbols, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    key, check = derived[:KEY_SIZE], derived[KEY_SIZE:]
    prefix = _SETUP_FIXED.pack(
        SETUP_MAGIC,
        SETUP_FORMAT,
        SCRYPT_LOG2_N,
        SCRYPT_R,
        SCRYPT_P,
        salt,
        check,
        nonce,
        len(plaintext) + _TAG_SIZE,
    )
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, prefix)
    write_atomically(path, prefix + ciphertext)
    return code


def read_setup(path: str | os.PathLike[str], code: str) -> SetupInfo:
    """Open the setup file at `path` with the code headquarters gave alongside it.

    Raises WrongSetupCode for a code that does not fit the file, SetupFileError (a
    UserError) for a file that is not a setup file, is cut short, altered or from a newer
    Tsunagu, and UserError when the file cannot be read at all.
    """
    data = read_file(path, max_bytes=MAX_SETUP_BYTES)
    return parse_setup(data, code)


def parse_setup(data: bytes, code: str) -> SetupInfo:
    """read_setup on bytes already in memory."""
    not_setup = _("This file is not a Tsunagu setup file.")
    truncated = _(
        "This setup file is incomplete (it was cut short). Ask headquarters for the file again."
    )
    damaged = _("This setup file is damaged or was altered. Ask headquarters for a new one.")
    newer = _("This setup file was made by a newer version of Tsunagu. Update Tsunagu to use it.")

    head = data[: len(SETUP_MAGIC)]
    if head != SETUP_MAGIC:
        raise SetupFileError(truncated if head and SETUP_MAGIC.startswith(head) else not_setup)
    if len(data) <= len(SETUP_MAGIC):
        raise SetupFileError(truncated)
    version = data[len(SETUP_MAGIC)]
    if version > SETUP_FORMAT:
        raise SetupFileError(newer)
    if version != SETUP_FORMAT:
        raise SetupFileError(not_setup)
    if len(data) < _SETUP_FIXED.size:
        raise SetupFileError(truncated)
    _magic, _version, log2_n, r, p, salt, check, nonce, length = _SETUP_FIXED.unpack_from(data)
    if log2_n not in _SCRYPT_LOG2_N_RANGE or r != SCRYPT_R or p != SCRYPT_P:
        raise SetupFileError(damaged)
    ciphertext = data[_SETUP_FIXED.size :]
    if len(ciphertext) < length:
        raise SetupFileError(truncated)
    if len(ciphertext) > length or length < _TAG_SIZE:
        raise SetupFileError(damaged)

    symbols = normalize_setup_code(code)
    derived = _derive_setup_keys(symbols, salt, log2_n, r, p)
    key, expected_check = derived[:KEY_SIZE], derived[KEY_SIZE:]
    if not hmac.compare_digest(check, expected_check):
        raise WrongSetupCode(
            _(
                "The setup code does not match this setup file. "
                "Check the code that came with the file."
            )
        )
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, data[: _SETUP_FIXED.size])
    except InvalidTag as exc:
        raise SetupFileError(damaged) from exc
    try:
        return _setup_info_from_json(plaintext)
    except (ValueError, KeyError, TypeError) as exc:
        # Authenticated but not understood: only a buggy writer could make this.
        raise SetupFileError(damaged) from exc


def _setup_info_from_json(plaintext: bytes) -> SetupInfo:
    body: Any = json.loads(plaintext.decode("utf-8"))
    if not isinstance(body, dict) or body.get("kind") != _SETUP_KIND:
        raise ValueError("not a setup body")
    if body.get("format") != SETUP_FORMAT:
        raise ValueError("setup body format mismatch")
    name, schema, created = body["chapter_name"], body["schema_version"], body["created_at"]
    if not isinstance(name, str) or not isinstance(created, str):
        raise ValueError("chapter_name/created_at must be text")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 0:
        raise ValueError("schema_version must be a non-negative int")
    return SetupInfo(
        chapter_keys=PartyKeys.from_dict(body["chapter"]),
        chapter_name=name,
        hq_public=PartyPublic.from_dict(body["hq"]),
        schema_version=schema,
        created_at=created,
    )
