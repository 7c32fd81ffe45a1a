"""Every package that must be refused is refused with one clear line, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from app.core.context import Context
from app.core.errors import UserError
from app.sync.crypto import generate_party
from app.sync.exchange import SCHEMA_VERSION, own_keys
from app.sync.package import open_package, seal
from db.models import Member, SyncPeer
from tests.app.sync.conftest import World

SNAPSHOT_TABLES = (
    "members",
    "organisations",
    "chapters",
    "take_out_log",
    "conflicts",
    "settings",
    "sync_peers",
    "local_meta",
)


def snapshot(ctx: Context) -> dict[str, list[Any]]:
    with ctx.db.transaction() as s:
        return {
            name: sorted(map(repr, s.execute(text(f"SELECT * FROM {name}")).all()))
            for name in SNAPSHOT_TABLES
        }


def keys_of(ctx: Context) -> Any:
    with ctx.db.transaction() as s:
        keys = own_keys(s)
        assert keys is not None
        return keys


def hq_public(ctx: Context) -> Any:
    return keys_of(ctx).public()


def reseal(
    world: World, path: Path, change: Callable[[dict[str, Any], dict[str, Any]], None]
) -> Path:
    """Open a chapter's real package at HQ, change header and payload, seal it again properly."""
    arakawa = world.chapters["荒川"]
    hq_keys = keys_of(world.hq)
    chapter_keys = keys_of(arakawa)
    opened = open_package(
        path.read_bytes(),
        recipient=hq_keys,
        known_senders={chapter_keys.party_id: chapter_keys.public()},
    )
    header = {k: opened.header[k] for k in ("schema_version", "kind", "counts")}
    payload = json.loads(opened.payload)
    change(header, payload)
    out = path.with_name("resealed.tsync")
    out.write_bytes(
        seal(
            json.dumps(payload).encode(),
            sender=chapter_keys,
            recipient=hq_keys.public(),
            header=header,
        )
    )
    return out


@pytest.fixture
def package(world: World) -> Path:
    """A real package from 荒川 with one member in it."""
    arakawa = world.chapters["荒川"]
    with arakawa.db.transaction() as s:
        s.add(Member(family_name="山田"))
    return world.chapter_export("荒川")


def refused_at_hq(world: World, path: Path, match: str) -> str:
    before = snapshot(world.hq)
    with pytest.raises(UserError, match=match) as caught:
        world.hq_import(path)
    assert snapshot(world.hq) == before
    assert "\n" not in caught.value.message
    return caught.value.message


def refused_at(world: World, name: str, path: Path, match: str) -> None:
    ctx = world.chapters[name]
    before = snapshot(ctx)
    with pytest.raises(UserError, match=match) as caught:
        world.chapter_import(name, path)
    assert snapshot(ctx) == before
    assert "\n" not in caught.value.message


def test_newer_schema(world: World, package: Path) -> None:
    def newer(header: dict[str, Any], payload: dict[str, Any]) -> None:
        header["schema_version"] = payload["schema"] = SCHEMA_VERSION + 1

    refused_at_hq(world, reseal(world, package, newer), "newer version of Tsunagu")


def test_newer_package_format(world: World, package: Path) -> None:
    data = bytearray(package.read_bytes())
    data[len(b"TSUNAGU-PKG")] = 99
    package.write_bytes(bytes(data))
    refused_at_hq(world, package, "newer version of Tsunagu")


def test_forged(world: World, package: Path) -> None:
    chapter_id = world.ids["荒川"]
    impostor = generate_party(chapter_id)  # right id, wrong keys
    forged = package.with_name("forged.tsync")
    forged.write_bytes(
        seal(
            b"{}",
            sender=impostor,
            recipient=hq_public(world.hq),
            header={"schema_version": 1, "kind": "chapter-changes"},
        )
    )
    refused_at_hq(world, forged, "altered or was not made by its sender")


def test_altered(world: World, package: Path) -> None:
    data = bytearray(package.read_bytes())
    data[-100] ^= 0x01  # inside the ciphertext
    package.write_bytes(bytes(data))
    refused_at_hq(world, package, "altered")


def test_truncated(world: World, package: Path) -> None:
    package.write_bytes(package.read_bytes()[:-10])
    refused_at_hq(world, package, "incomplete")


def test_not_a_package(world: World, tmp_path: Path) -> None:
    stray = tmp_path / "名簿.xlsx"
    stray.write_bytes(b"PK\x03\x04 an Excel file")
    refused_at_hq(world, stray, "not a Tsunagu sync package")


def test_unknown_sender(world: World, tmp_path: Path) -> None:
    stranger = generate_party("6f1c1c3e-2a8b-4a53-9a55-0d3f1b2c9e77")
    path = tmp_path / "stranger.tsync"
    path.write_bytes(
        seal(
            b"{}",
            sender=stranger,
            recipient=hq_public(world.hq),
            header={"schema_version": 1, "kind": "chapter-changes"},
        )
    )
    refused_at_hq(world, path, "sender this database does not know")


def test_addressed_to_another_database(world: World) -> None:
    for_arakawa = world.hq_export("荒川")
    refused_at(world, "足立", for_arakawa, "addressed to someone else")


def test_from_this_same_database(world: World, package: Path) -> None:
    refused_at(world, "荒川", package, "made by this database itself")
    refused_at_hq(world, world.hq_export("荒川"), "made by this database itself")


def test_a_chapter_package_arriving_at_a_chapter(world: World) -> None:
    from_adachi = world.chapter_export("足立")
    refused_at(world, "荒川", from_adachi, "chapter's package for headquarters")


def test_a_package_for_a_chapter_arriving_at_headquarters_of_another_kind(world: World) -> None:
    # An HQ package is signed by HQ; at HQ it is its own, refused before anything else.
    refused_at_hq(world, world.hq_export("足立"), "this database itself")


def test_another_chapters_rows_inside(world: World, package: Path) -> None:
    other = world.ids["足立"]

    def smuggle(_header: dict[str, Any], payload: dict[str, Any]) -> None:
        block = payload["tables"]["members"]
        block["rows"][0][block["columns"].index("chapter_id")] = other

    refused_at_hq(world, reseal(world, package, smuggle), "another chapter's data")


def test_rows_that_do_not_fit_this_schema(world: World, package: Path) -> None:
    def damage(_header: dict[str, Any], payload: dict[str, Any]) -> None:
        block = payload["tables"]["members"]
        block["rows"][0][block["columns"].index("joined_on")] = "not a date"

    refused_at_hq(world, reseal(world, package, damage), "damaged")


def test_a_chapter_not_yet_joined_cannot_export(tmp_path: Path) -> None:
    from app.storage.database import open_database
    from app.sync.exchange import sync_export

    db = open_database(tmp_path / "alone.sqlite", create=True)
    try:
        with pytest.raises(UserError, match="not joined headquarters"):
            sync_export(Context(db), tmp_path / "x.tsync")
        assert not (tmp_path / "x.tsync").exists()
    finally:
        db.close()


def test_a_failed_write_records_nothing(world: World, tmp_path: Path) -> None:
    arakawa = world.chapters["荒川"]
    before = snapshot(arakawa)
    from app.sync.exchange import sync_export

    with pytest.raises(UserError, match="Could not write"):
        sync_export(arakawa, tmp_path)  # a folder, not a file
    assert snapshot(arakawa) == before
    with arakawa.db.transaction() as s:
        assert s.scalars(select(SyncPeer)).one().acked_seq == 0
