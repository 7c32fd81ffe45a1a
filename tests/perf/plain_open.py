"""Baseline for the command-line benchmark: open the same SQLCipher database, one SELECT.

What `tsunagu events list` cannot avoid: Python, SQLAlchemy and sqlcipher3, the scrypt unwrap
of the database key with the key file's own parameters, and one query. Prints the row count.
Run: plain_open.py DATABASE ACCOUNT PASSPHRASE
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import unicodedata
from pathlib import Path

import sqlcipher3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import create_engine, text


def _canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def database_key(path: Path, name: str, passphrase: str) -> bytes:
    keys = json.loads(path.with_name(path.name + ".keys").read_text(encoding="utf-8"))
    folded = unicodedata.normalize("NFKC", name).strip().casefold()
    lookup = hmac.new(keys["id"].encode(), folded.encode("utf-8"), hashlib.sha256).hexdigest()
    record = keys["accounts"][lookup]
    kdf = record["kdf"]
    derived = Scrypt(
        salt=base64.b64decode(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]
    ).derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))
    associated = {"format": keys["format"], "keyring": keys["id"], "kind": "account"}
    aad = _canonical({**associated, "account": lookup, "kdf": kdf})
    return AESGCM(derived).decrypt(
        base64.b64decode(record["nonce"]), base64.b64decode(record["wrapped"]), aad
    )


def main() -> None:
    path, name, passphrase = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    key = database_key(path, name, passphrase)

    def connect() -> sqlcipher3.Connection:
        conn = sqlcipher3.connect(str(path))
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        return conn

    engine = create_engine("sqlite://", creator=connect)
    with engine.connect() as conn:
        print(conn.execute(text("SELECT count(*) FROM events")).scalar_one())


main()
