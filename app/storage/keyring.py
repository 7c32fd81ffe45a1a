"""The key file beside an encrypted database: the database key wrapped once per account.

Why a separate file: the wrapped keys cannot live inside the database they unlock.
`NAME.sqlite.keys` is JSON. Each account's record holds the scrypt parameters and salt
and the 256-bit database key sealed with AES-256-GCM under the key derived from the
account's passphrase; the record's lookup name, the key file's id and the KDF parameters
are the AES-GCM associated data, so a record moved to another name, another file or a
cheaper KDF no longer opens. Account names are stored only as a keyed hash (the file
shows no one's name). The whole file carries an HMAC under a key derived from the
database key: editing a role, adding a record or removing one without the database key
is detected at the next log-in. The roles that count are those in the encrypted
database's users table; the copies here exist so the file is complete on its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.fileio import read_file, write_atomically
from app.storage.outputs import Own

FORMAT = "tsunagu-keyring"
VERSION = 1
KEY_BYTES = 32
SUFFIX = ".keys"
# scrypt cost: 2**15 x 8 x 128 bytes = 32 MiB and about 0.1-0.25 s on a two-core laptop;
# strong enough against guessing a copied file's passphrases, quick enough at every log-in.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
# Only the test suite may lower the cost, and only by saying so explicitly.
FAST_KDF_ENV = "TSUNAGU_TEST_FAST_KDF"
_FAST_N = 2**10
_MIN_N = 2**10
_MAX_N = 2**20
# Recovery keys: 24 characters in 6 groups of 4, no 0/O, 1/I/L look-alikes (120 bits).
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LEN = 4
_MAX_FILE = 1024 * 1024


class WrongSecret(Exception):
    """The passphrase or recovery key does not open this record."""


def keyring_path(database: Path) -> Path:
    """Where the key file of `database` lives: beside it, with `.keys` added."""
    return database.with_name(database.name + SUFFIX)


def new_database_key() -> bytes:
    """A fresh random 256-bit database key."""
    return secrets.token_bytes(KEY_BYTES)


def normalise_name(name: str) -> str:
    """The form account names are compared in: full-width and case do not matter."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _normalise_passphrase(passphrase: str) -> bytes:
    # An IME may give composed or decomposed kana; both must give the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def normalise_recovery_key(text: str) -> str:
    """The recovery key as typed (any case, spaces, dashes, full-width) in its plain form."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(c for c in folded if c.isalnum())


def new_recovery_key() -> str:
    """A random recovery key shown once: six groups of four unambiguous characters."""
    chars = [secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LEN)]
    return "-".join(
        "".join(chars[i : i + RECOVERY_GROUP_LEN]) for i in range(0, len(chars), RECOVERY_GROUP_LEN)
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass(frozen=True)
class KdfParams:
    """scrypt's cost and salt for one wrap."""

    n: int
    r: int
    p: int
    salt: bytes

    @staticmethod
    def fresh() -> KdfParams:
        """New parameters at the configured cost, with a new salt."""
        fast = os.environ.get(FAST_KDF_ENV) == "1"
        return KdfParams(_FAST_N if fast else SCRYPT_N, SCRYPT_R, SCRYPT_P, secrets.token_bytes(16))

    def as_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p, "salt": _b64(self.salt)}

    @staticmethod
    def from_json(data: Any) -> KdfParams:
        """Read the stored form, refusing costs out of range (a crafted file)."""
        if not isinstance(data, dict) or data.get("name") != "scrypt":
            raise ValueError("unknown KDF")
        n, r, p = int(data["n"]), int(data["r"]), int(data["p"])
        if not (_MIN_N <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("KDF cost out of range")
        return KdfParams(n, r, p, _unb64(data["salt"]))

    def derive(self, secret: bytes) -> bytes:
        """The 256-bit key that wraps the database key."""
        kdf = Scrypt(salt=self.salt, length=KEY_BYTES, n=self.n, r=self.r, p=self.p)
        return kdf.derive(secret)


@dataclass(frozen=True)
class Wrap:
    """The database key sealed under one secret."""

    kdf: KdfParams
    nonce: bytes
    sealed: bytes

    def as_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"kdf": self.kdf.as_json(), "nonce": _b64(self.nonce), "wrapped": _b64(self.sealed)}

    @staticmethod
    def from_json(data: Any) -> Wrap:
        """Read the stored form."""
        if not isinstance(data, dict):
            raise ValueError("not a wrap")
        kdf = KdfParams.from_json(data["kdf"])
        return Wrap(kdf, _unb64(data["nonce"]), _unb64(data["wrapped"]))


def _wrap(secret: bytes, db_key: bytes, associated: dict[str, Any]) -> Wrap:
    kdf = KdfParams.fresh()
    nonce = secrets.token_bytes(12)
    aad = _canonical({**associated, "kdf": kdf.as_json()})
    return Wrap(kdf, nonce, AESGCM(kdf.derive(secret)).encrypt(nonce, db_key, aad))


def _unwrap(secret: bytes, wrap: Wrap, associated: dict[str, Any]) -> bytes:
    aad = _canonical({**associated, "kdf": wrap.kdf.as_json()})
    try:
        key = AESGCM(wrap.kdf.derive(secret)).decrypt(wrap.nonce, wrap.sealed, aad)
    except InvalidTag as exc:
        raise WrongSecret() from exc
    if len(key) != KEY_BYTES:
        raise WrongSecret()
    return key


@dataclass(frozen=True)
class AccountRecord:
    """One account in the key file: its role copy and its wrap of the database key."""

    role: str
    member_id: str | None
    wrap: Wrap


@dataclass
class Keyring:
    """The parsed key file."""

    id: str
    accounts: dict[str, AccountRecord] = field(default_factory=dict)
    recovery: Wrap | None = None

    @staticmethod
    def new() -> Keyring:
        """An empty key file for a new encrypted database."""
        return Keyring(secrets.token_hex(16))

    def lookup(self, name: str) -> str:
        """The keyed hash an account is filed under (its name is never stored)."""
        digest = hmac.new(self.id.encode(), normalise_name(name).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()

    def _associated(self, lookup: str) -> dict[str, Any]:
        return {"format": FORMAT, "keyring": self.id, "kind": "account", "account": lookup}

    def has(self, name: str) -> bool:
        """True when an account of this name has a record."""
        return self.lookup(name) in self.accounts

    def put_account(
        self, name: str, passphrase: str, db_key: bytes, role: str, member_id: str | None
    ) -> None:
        """File (or replace) `name`'s record: the database key sealed under its passphrase."""
        lookup = self.lookup(name)
        wrap = _wrap(_normalise_passphrase(passphrase), db_key, self._associated(lookup))
        self.accounts[lookup] = AccountRecord(role, member_id, wrap)

    def set_role(self, name: str, role: str, member_id: str | None) -> None:
        """Change the role copy of `name` (the wrap stays: the passphrase is not needed)."""
        lookup = self.lookup(name)
        self.accounts[lookup] = replace(self.accounts[lookup], role=role, member_id=member_id)

    def remove_account(self, name: str) -> None:
        """Drop `name`'s record: that passphrase no longer opens anything."""
        self.accounts.pop(self.lookup(name), None)

    def unlock(self, name: str, passphrase: str) -> bytes:
        """The database key, or WrongSecret for an unknown name or a wrong passphrase."""
        lookup = self.lookup(name)
        record = self.accounts.get(lookup)
        if record is None:
            # Spend the same time as a real attempt so names cannot be probed by timing.
            KdfParams.fresh().derive(_normalise_passphrase(passphrase))
            raise WrongSecret()
        return _unwrap(_normalise_passphrase(passphrase), record.wrap, self._associated(lookup))

    def _recovery_associated(self) -> dict[str, Any]:
        return {"format": FORMAT, "keyring": self.id, "kind": "recovery"}

    def set_recovery(self, recovery_key: str, db_key: bytes) -> None:
        """Seal the database key under a recovery key (replacing any earlier one)."""
        secret = normalise_recovery_key(recovery_key).encode("ascii")
        self.recovery = _wrap(secret, db_key, self._recovery_associated())

    def unlock_recovery(self, recovery_key: str) -> bytes:
        """The database key from the recovery key, or WrongSecret."""
        if self.recovery is None:
            raise WrongSecret()
        secret = normalise_recovery_key(recovery_key).encode("ascii", errors="replace")
        return _unwrap(secret, self.recovery, self._recovery_associated())

    def body(self) -> dict[str, Any]:
        """Everything the MAC covers."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "id": self.id,
            "accounts": {
                lookup: {"role": r.role, "member_id": r.member_id, **r.wrap.as_json()}
                for lookup, r in sorted(self.accounts.items())
            },
            "recovery": self.recovery.as_json() if self.recovery else None,
        }

    def seal(self, db_key: bytes) -> bytes:
        """The file's bytes, with the MAC under the database key."""
        body = self.body()
        body["mac"] = _mac(db_key, body)
        return json.dumps(body, indent=1, sort_keys=True).encode("utf-8") + b"\n"

    def verify(self, raw: dict[str, Any], db_key: bytes) -> bool:
        """True when the file's MAC is the one `db_key` gives."""
        mac = raw.get("mac")
        expected = _mac(db_key, self.body()).encode("ascii")
        return isinstance(mac, str) and hmac.compare_digest(mac.encode("utf-8"), expected)


def _mac(db_key: bytes, body: dict[str, Any]) -> str:
    mac_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"tsunagu keyring mac"
    ).derive(db_key)
    return hmac.new(mac_key, _canonical(body), hashlib.sha256).hexdigest()


@dataclass
class LoadedKeyring:
    """A key file as read, with its raw JSON kept for checking the MAC."""

    keyring: Keyring
    raw: dict[str, Any]
    path: Path

    def check(self, db_key: bytes) -> None:
        """Refuse a key file edited without the database key."""
        if not self.keyring.verify(self.raw, db_key):
            raise UserError(
                _(
                    "The key file {name} was changed outside Tsunagu, so it is not trusted. "
                    "Nothing was opened. Put back the key file from a backup."
                ).format(name=self.path.name)
            )


def load(path: Path) -> LoadedKeyring:
    """Read and parse a key file, refusing a damaged one with a clear message."""
    data = read_file(path, max_bytes=_MAX_FILE)
    try:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a key file")
        if raw.get("version") != VERSION:
            raise ValueError("unknown version")
        ring = Keyring(str(raw["id"]))
        for lookup, rec in dict(raw["accounts"]).items():
            member = rec.get("member_id")
            ring.accounts[str(lookup)] = AccountRecord(
                str(rec["role"]), None if member is None else str(member), Wrap.from_json(rec)
            )
        if raw.get("recovery") is not None:
            ring.recovery = Wrap.from_json(raw["recovery"])
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise UserError(
            _("The key file {name} is damaged. Nothing was opened.").format(name=path.name)
        ) from exc
    return LoadedKeyring(ring, raw, path)


def save(path: Path, ring: Keyring, db_key: bytes) -> None:
    """Write the key file atomically (old or new, never half); only onto a key file."""
    write_atomically(path, ring.seal(db_key), own=Own.KEY_FILE)
