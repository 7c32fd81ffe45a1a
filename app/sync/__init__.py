"""Sync by file: party keys, the setup file, and the sealed package (merge lives beside them)."""

from __future__ import annotations

from app.sync.crypto import (
    PartyKeys,
    PartyPublic,
    SetupFileError,
    SetupInfo,
    WrongSetupCode,
    generate_party,
    read_setup,
    write_setup,
)
from app.sync.package import (
    DecryptionFailed,
    NewerFormat,
    NotAPackage,
    OpenedPackage,
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

__all__ = [
    "DecryptionFailed",
    "NewerFormat",
    "NotAPackage",
    "OpenedPackage",
    "PackageDamaged",
    "PackageError",
    "PackageTooLarge",
    "PackageTruncated",
    "PartyKeys",
    "PartyPublic",
    "SetupFileError",
    "SetupInfo",
    "SignatureInvalid",
    "UnknownSender",
    "WrongRecipient",
    "WrongSetupCode",
    "generate_party",
    "open_package",
    "peek_header",
    "read_setup",
    "seal",
    "write_setup",
]
