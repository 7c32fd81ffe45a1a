"""Accounts: log-in, the key file, roles, passphrases and the recovery key."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import accounts
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.roster.members import MemberInput, add_member
from app.storage import keyring as keys
from app.storage.chapter import set_up_chapter
from app.storage.database import key_opens, keyring_beside, open_database

PASS = "correct horse battery"


@pytest.fixture
def enc(db_path: Path) -> Iterator[tuple[Context, str]]:
    """A new encrypted database with coordinator 'hana'; (context, recovery key)."""
    ctx, recovery = accounts.create_database(db_path, "hana", PASS)
    set_up_chapter(ctx, "テスト町まちづくり")
    yield ctx, recovery
    ctx.db.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_wrong_passphrase_opens_nothing(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    ctx.db.close()
    before, files = digest(db_path), folder_listing(db_path.parent)
    for name, passphrase in (("hana", "wrong passphrase"), ("nobody", PASS), ("hana", "")):
        with pytest.raises(UserError, match="Wrong user name or passphrase") as info:
            accounts.login(db_path, name, passphrase)
        assert "Nothing was opened" in info.value.message
    assert digest(db_path) == before
    assert folder_listing(db_path.parent) == files
    # Nothing was left locked either: the right passphrase opens at once.
    again = accounts.login(db_path, "hana", PASS)
    assert again.actor.name == "hana" and again.actor.role == "coordinator"
    again.db.close()


def test_names_ignore_case_and_width(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    accounts.add_account(ctx, "Tanaka", "tanaka-pass", "viewer")
    ctx.db.close()
    for typed in ("tanaka", "ＴＡＮＡＫＡ", " Tanaka "):
        other = accounts.login(db_path, typed, "tanaka-pass")
        assert other.actor.name == "Tanaka" and other.actor.role == "viewer"
        other.db.close()


def test_keyring_reveals_no_key_and_no_name(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    key = ctx.db.key
    assert key is not None
    accounts.add_account(ctx, "山田花子", "yamada-pass", "viewer")
    raw = keyring_beside(db_path).read_bytes()
    for form in (key, key.hex().encode(), key.hex().upper().encode(), base64.b64encode(key)):
        assert form not in raw
    for name in ("hana", "山田花子"):
        assert name.encode() not in raw and json.dumps(name).encode() not in raw
    ring = keys.load(keyring_beside(db_path)).keyring
    with pytest.raises(keys.WrongSecret):
        ring.unlock("hana", "not the passphrase")
    with pytest.raises(keys.WrongSecret):
        ring.unlock_recovery("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    assert ring.unlock("hana", PASS) == key


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(guess=st.text(max_size=30))
def test_no_other_passphrase_unwraps(guess: str) -> None:
    ring = keys.Keyring.new()
    key = keys.new_database_key()
    ring.put_account("hana", PASS, key, "coordinator", None)
    if guess == PASS:
        return
    with pytest.raises(keys.WrongSecret):
        ring.unlock("hana", guess)


def _edit_keyring(db_path: Path, change: object) -> None:
    path = keyring_beside(db_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_role_edited_in_the_keyring_is_refused(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    accounts.add_account(ctx, "viewer1", "viewer-pass", "viewer")
    ctx.db.close()

    def promote(data: dict[str, dict[str, dict[str, str]]]) -> None:
        for record in data["accounts"].values():
            record["role"] = "coordinator"

    _edit_keyring(db_path, promote)
    before = digest(db_path)
    for name, passphrase in (("viewer1", "viewer-pass"), ("hana", PASS)):
        with pytest.raises(UserError, match="changed outside Tsunagu"):
            accounts.login(db_path, name, passphrase)
    assert digest(db_path) == before


def test_cheaper_kdf_in_the_keyring_does_not_unlock(
    enc: tuple[Context, str], db_path: Path
) -> None:
    ctx, _recovery = enc
    ctx.db.close()

    def cheapen(data: dict[str, dict[str, dict[str, dict[str, int]]]]) -> None:
        for record in data["accounts"].values():
            record["kdf"]["n"] = 2**11

    _edit_keyring(db_path, cheapen)
    with pytest.raises(UserError, match="Wrong user name or passphrase"):
        accounts.login(db_path, "hana", PASS)


def test_damaged_keyring_is_named(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    ctx.db.close()
    keyring_beside(db_path).write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="is damaged"):
        accounts.login(db_path, "hana", PASS)


def test_adding_and_removing_accounts_keeps_the_database_key(
    enc: tuple[Context, str], db_path: Path
) -> None:
    ctx, _recovery = enc
    key = ctx.db.key
    assert key is not None
    add_member(ctx, MemberInput(family_name="山田", given_name="太郎"))
    salt = db_path.read_bytes()[:16]
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    accounts.add_account(ctx, "jiro", "jiro-passphrase", "coordinator")
    accounts.remove_account(ctx, "kumi")
    ctx.db.close()
    assert db_path.read_bytes()[:16] == salt
    assert key_opens(db_path, key)
    jiro = accounts.login(db_path, "jiro", "jiro-passphrase")
    assert jiro.db.key == key
    jiro.db.close()
    with pytest.raises(UserError, match="Wrong user name or passphrase"):
        accounts.login(db_path, "kumi", "kumi-passphrase")


def test_account_rules(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    with pytest.raises(UserError, match="at least 8"):
        accounts.add_account(ctx, "short", "1234567", "viewer")
    with pytest.raises(UserError, match="already an account"):
        accounts.add_account(ctx, "HANA", "another-pass", "viewer")
    with pytest.raises(UserError, match="linked to the member"):
        accounts.add_account(ctx, "visit", "visit-pass", "visitor")
    with pytest.raises(UserError, match="own account"):
        accounts.remove_account(ctx, "hana")
    with pytest.raises(UserError, match="last coordinator"):
        accounts.change_role(ctx, "hana", "viewer")
    member = add_member(ctx, MemberInput(family_name="訪問", given_name="者"))
    accounts.add_account(ctx, "visit", "visit-pass", "visitor", member.id)
    viewer = Context(ctx.db, Actor("visit", "visitor", member.id))
    with pytest.raises(PermissionDenied):
        accounts.add_account(viewer, "x", "xxxxxxxxxx", "viewer")
    with pytest.raises(PermissionDenied):
        accounts.list_accounts(viewer)
    names = [(a.name, a.role, a.member_id) for a in accounts.list_accounts(ctx)]
    assert names == [("hana", "coordinator", None), ("visit", "visitor", member.id)]
    accounts.change_role(ctx, "visit", "coordinator")
    ctx.db.close()
    promoted = accounts.login(db_path, "visit", "visit-pass")
    assert promoted.actor.role == "coordinator" and promoted.actor.member_id is None
    promoted.db.close()


def test_recovery_key_resets_a_forgotten_passphrase(
    enc: tuple[Context, str], db_path: Path
) -> None:
    ctx, recovery = enc
    groups = recovery.split("-")
    assert len(groups) == 6 and all(len(g) == 4 for g in groups)
    assert not set(recovery) & set("01OIL")
    ctx.db.close()
    with pytest.raises(UserError, match="does not fit"):
        accounts.reset_passphrase_with_recovery(db_path, "hana", "ABCD-" * 5 + "ABCD", "new-pass1")
    # Typed loosely: lower case, spaces, full-width characters.
    typed = " ".join(groups).lower().replace("a", "ａ")
    accounts.reset_passphrase_with_recovery(db_path, "hana", typed, "brand-new-pass")
    with pytest.raises(UserError, match="Wrong user name or passphrase"):
        accounts.login(db_path, "hana", PASS)
    again = accounts.login(db_path, "hana", "brand-new-pass")
    fresh = accounts.new_recovery_key(again)
    again.db.close()
    with pytest.raises(UserError, match="does not fit"):
        accounts.reset_passphrase_with_recovery(db_path, "hana", recovery, "third-pass")
    accounts.reset_passphrase_with_recovery(db_path, "hana", fresh, "third-pass")
    accounts.login(db_path, "hana", "third-pass").db.close()


def test_change_own_passphrase_and_reset_another(enc: tuple[Context, str], db_path: Path) -> None:
    ctx, _recovery = enc
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    kumi = Context(ctx.db, Actor("kumi", "viewer"))
    with pytest.raises(UserError, match="current passphrase is not right"):
        accounts.change_passphrase(kumi, "guess-guess", "kumi-new-pass")
    accounts.change_passphrase(kumi, "kumi-passphrase", "kumi-new-pass")
    with pytest.raises(PermissionDenied):
        accounts.set_passphrase(kumi, "hana", "taken-over!")
    accounts.set_passphrase(ctx, "kumi", "set-by-hana")
    ctx.db.close()
    accounts.login(db_path, "kumi", "set-by-hana").db.close()
    with pytest.raises(UserError):
        accounts.login(db_path, "kumi", "kumi-new-pass")


def test_lock_screen_check_and_idle_setting(enc: tuple[Context, str]) -> None:
    ctx, _recovery = enc
    assert accounts.verify_login(ctx, "hana", PASS).role == "coordinator"
    with pytest.raises(UserError, match="Wrong user name"):
        accounts.verify_login(ctx, "hana", "nope-nope")
    assert accounts.idle_lock_minutes(ctx) == accounts.DEFAULT_IDLE_MINUTES == 10
    accounts.set_idle_lock_minutes(ctx, 3)
    assert accounts.idle_lock_minutes(ctx) == 3
    with pytest.raises(UserError, match="between 1 and"):
        accounts.set_idle_lock_minutes(ctx, 0)


def test_logins_and_account_changes_are_audited(enc: tuple[Context, str], db_path: Path) -> None:
    from app.storage.audit import read_audit

    ctx, _recovery = enc
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    ctx.db.close()
    again = accounts.login(db_path, "hana", PASS, via="test")
    entries = read_audit(again)
    again.db.close()
    assert [(e.user_name, e.action, e.detail) for e in entries[:3]] == [
        ("hana", "login", "test"),
        ("hana", "create", "viewer"),
        ("hana", "create", "coordinator"),
    ]


def test_real_kdf_cost_and_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.FAST_KDF_ENV)
    params = keys.KdfParams.fresh()
    assert (params.n, params.r, params.p) == (2**15, 8, 1)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        params.derive(b"passphrase")
        timings.append(time.perf_counter() - started)
    # The best of three: a busy machine must not fail the check, a slow KDF must.
    assert min(timings) < 0.5
    monkeypatch.setenv(keys.FAST_KDF_ENV, "yes")
    assert keys.KdfParams.fresh().n == 2**15
    assert os.environ.get(keys.FAST_KDF_ENV) == "yes"


def test_new_database_refuses_an_existing_file(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    with pytest.raises(UserError, match="already exists"):
        accounts.create_database(db_path, "hana", PASS)
    assert not keyring_beside(db_path).exists()


def test_demo_accounts(db_path: Path) -> None:
    from app.setup.demo import build_demo

    ctx, _recovery = accounts.create_database(db_path, *accounts.DEMO_COORDINATOR)
    build_demo(ctx)
    made = accounts.add_demo_accounts(ctx)
    visitor_member = accounts.demo_visitor_member(ctx)
    ctx.db.close()
    assert [(a.name, a.role) for a in made] == [
        ("demo", "coordinator"),
        ("visitor", "visitor"),
        ("viewer", "viewer"),
    ]
    for account in made:
        other = accounts.login(db_path, account.name, account.passphrase)
        assert other.actor.role == account.role
        other.db.close()
    assert made[1].member_id == visitor_member is not None
