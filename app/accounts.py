"""Local accounts: log-in, roles, passphrases and the recovery key of an encrypted database.

Where things live, and which copy counts:
- The database key (random, 256 bits) is wrapped once per account in the key file beside
  the database (app/storage/keyring.py). The key file decides who can *unlock*: adding or removing
  an account rewrites only that small file; the database is never re-encrypted.
- The users table inside the encrypted database decides *roles*: it cannot be read or
  changed without the key. The key file keeps a copy of each role under an HMAC keyed by
  the database key, so a role edited in the key file is refused at the next log-in. Only
  for a name with no row at all (set-up cut short, an older copy of the database restored)
  is the checked key file's record taken as the row; a removed account keeps its row,
  marked removed, and stays refused even with an old copy of the key file.
- Every account that can log in unwraps the same database key, so roles are enforced by
  Tsunagu's services, not by cryptography; and removing an account does not change the
  key: someone who kept an old key file and knows that account's passphrase can still
  decrypt a copy of the file outside Tsunagu (changing the key would need every other
  account's passphrase).
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import COORDINATOR, ROLES, VISITOR, Actor, Context, Permission, role_label
from app.core.errors import PermissionDenied, UserError
from app.core.i18n import gettext as _
from app.core.text.safety import refuse_bad_name
from app.storage import keyring as keys
from app.storage.audit import record_audit
from app.storage.database import (
    Database,
    default_database_path,
    encrypt_in_place,
    is_plain_sqlite,
    keyring_beside,
    open_database,
)
from db.engine import is_url
from db.models import Member, Setting, User

MIN_PASSPHRASE = 8
MAX_NAME = 100
IDLE_SETTING = "idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
MAX_IDLE_MINUTES = 240

# The demo database's accounts, documented in README.md and printed by `demo`.
DEMO_COORDINATOR = ("demo", "demo-tsunagu")
DEMO_VISITOR = ("visitor", "demo-visitor")
DEMO_VIEWER = ("viewer", "demo-viewer")


@dataclass(frozen=True)
class AccountView:
    """One account as coordinators see it."""

    id: str
    name: str
    role: str
    member_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and its published passphrase."""

    name: str
    passphrase: str
    role: str
    member_id: str | None


def wrong_login() -> UserError:
    """The one refusal for an unknown name and a wrong passphrase alike."""
    return UserError(_("Wrong user name or passphrase. Nothing was opened."))


def database_path(location: str | Path | None) -> Path:
    """The absolute file a --db value (or the default) names."""
    path = Path(location) if location is not None else default_database_path()
    return path.expanduser().absolute()


def login_required(location: str | Path | None) -> bool:
    """True when the database at `location` has accounts (a key file beside it)."""
    if isinstance(location, str) and is_url(location):
        return False
    return keyring_beside(database_path(location)).exists()


def check_new_passphrase(passphrase: str, again: str | None = None) -> None:
    """Refuse a passphrase too short to resist guessing, or two entries that differ."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(
            _("The passphrase needs at least {count} characters.").format(count=MIN_PASSPHRASE)
        )
    if again is not None and again != passphrase:
        raise UserError(_("The two passphrases are not the same."))


def _check_name(name: str) -> str:
    name = refuse_bad_name(name.strip())
    if not name:
        raise UserError(_("The account needs a name."))
    if len(name) > MAX_NAME:
        raise UserError(_("The account name is too long."))
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(_("Unknown role: {role}").format(role=role))


def _find_user(s: Session, name: str, *, include_removed: bool = False) -> User | None:
    wanted = keys.normalise_name(name)
    for user in s.scalars(select(User)):
        if keys.normalise_name(user.name) == wanted and (include_removed or not user.disabled):
            return user
    return None


def _view(user: User) -> AccountView:
    return AccountView(user.id, user.name, user.role, user.member_id, user.created_at)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _load_checked(db: Database) -> keys.LoadedKeyring:
    """The key file of an open encrypted database, refused if edited without the key."""
    if db.path is None or db.key is None:
        raise UserError(
            _("This database has no accounts yet. Create the first coordinator account first.")
        )
    loaded = keys.load(keyring_beside(db.path))
    loaded.check(db.key)
    return loaded


def _save(db: Database, ring: keys.Keyring) -> None:
    assert db.path is not None and db.key is not None
    keys.save(keyring_beside(db.path), ring, db.key)


def _check_member(s: Session, role: str, member_id: str | None) -> str | None:
    if role != VISITOR:
        return member_id or None
    if not member_id:
        raise UserError(_("A visitor account must be linked to the member who visits."))
    member = s.get(Member, member_id)
    if member is None or member.deleted:
        raise UserError(_("No member matches “{text}”.").format(text=member_id))
    return member_id


def _actor_for(
    db: Database, name: str, first: keys.AccountRecord | None = None
) -> tuple[Actor, str]:
    with db.transaction() as s:
        user = _find_user(s, name)
        if user is None and first is not None and _find_user(s, name, include_removed=True) is None:
            # No row at all (set-up cut short, or a restored older copy of the database):
            # the key file's record, checked with the database key, is as trustworthy as the
            # table. A removed account keeps its row, marked removed, and stays refused.
            user = User(
                id=str(uuid.uuid4()),
                name=name.strip(),
                role=first.role,
                member_id=first.member_id,
                created_at=_now(),
                kdf_params={},
            )
            s.add(user)
            s.flush()
        if user is None:
            raise wrong_login()
        return Actor(user.name, user.role, user.member_id), user.id


def _audit_login(ctx: Context, user_id: str, via: str) -> None:
    with ctx.db.transaction() as s:
        record_audit(s, ctx, "login", "account", user_id, via)


def _unlock(path: Path, name: str, passphrase: str) -> tuple[bytes, keys.AccountRecord]:
    loaded = keys.load(keyring_beside(path))
    try:
        key = loaded.keyring.unlock(name, passphrase)
    except keys.WrongSecret as exc:
        raise wrong_login() from exc
    loaded.check(key)
    return key, loaded.keyring.accounts[loaded.keyring.lookup(name)]


def unlock_key(path: Path, name: str, passphrase: str) -> bytes:
    """The database key for `name` from the key file beside `path` (nothing is opened)."""
    return _unlock(path, name, passphrase)[0]


def coordinator_key(location: str | Path | None, name: str, passphrase: str) -> bytes:
    """A coordinator's database key from the key file alone; the database is not opened.

    For restoring a database too damaged to open: the roles inside it cannot be read, so the
    role copy in the key file counts, checked with the database key like every log-in.
    """
    key, record = _unlock(database_path(location), name, passphrase)
    if record.role != COORDINATOR:
        raise PermissionDenied(
            _("Your account ({role}) may not do this.").format(role=role_label(record.role))
        )
    return key


def login(location: str | Path | None, name: str, passphrase: str, *, via: str = "") -> Context:
    """Open the database at `location` as account `name`; refuses before opening anything."""
    path = database_path(location)
    key, record = _unlock(path, name, passphrase)
    if path.exists() and is_plain_sqlite(path):
        # The key file was written but the conversion was interrupted: finish it now.
        db = encrypt_in_place(open_database(path), key)
    else:
        db = open_database(path, key=key)
    try:
        actor, user_id = _actor_for(db, name, record)
        ctx = Context(db, actor)
        _audit_login(ctx, user_id, via)
    except BaseException:
        db.close()
        raise
    return ctx


def verify_login(ctx: Context, name: str, passphrase: str) -> Actor:
    """Check an account against the open database (the window's lock screen); its Actor."""
    if ctx.db.path is None or ctx.db.key is None:
        raise wrong_login()
    key = unlock_key(ctx.db.path, name, passphrase)
    if not hmac.compare_digest(key, ctx.db.key):
        raise wrong_login()
    actor, user_id = _actor_for(ctx.db, name)
    _audit_login(Context(ctx.db, actor), user_id, "unlock")
    return actor


def _new_keyring(db_key: bytes, name: str, passphrase: str) -> tuple[keys.Keyring, str]:
    ring = keys.Keyring.new()
    ring.put_account(name, passphrase, db_key, COORDINATOR, None)
    recovery = keys.new_recovery_key()
    ring.set_recovery(recovery, db_key)
    return ring, recovery


def _add_first_user(ctx: Context, name: str) -> None:
    with ctx.db.transaction() as s:
        user = _find_user(s, name, include_removed=True)
        if user is None:
            user = User(id=str(uuid.uuid4()), name=name, created_at=_now(), kdf_params={})
            s.add(user)
        user.role, user.member_id, user.disabled = COORDINATOR, None, False
        s.flush()
        record_audit(s, ctx, "create", "account", user.id, COORDINATOR)


def _move_stale_keyring(path: Path) -> None:
    stale = keyring_beside(path)
    if stale.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        stale.rename(stale.with_name(f"{stale.name}.old-{stamp}"))


def create_database(location: str | Path | None, name: str, passphrase: str) -> tuple[Context, str]:
    """Make a new encrypted database with its first coordinator; (context, recovery key).

    The recovery key is returned once, to be shown once; only its wrap is stored.
    """
    name = _check_name(name)
    check_new_passphrase(passphrase)
    path = database_path(location)
    if path.exists():
        raise UserError(_("{path} already exists; nothing was changed.").format(path=path))
    if path.parent.exists():
        # A key file without its database opens nothing; keep it aside, never overwrite it.
        _move_stale_keyring(path)
    db_key = keys.new_database_key()
    ring, recovery = _new_keyring(db_key, name, passphrase)
    ring_file = keyring_beside(path)
    db: Database | None = None
    try:
        db = open_database(path, create=True, key=db_key)
        keys.save(ring_file, ring, db_key)
        ctx = Context(db, Actor(name, COORDINATOR))
        _add_first_user(ctx, name)
    except BaseException:
        if db is not None:
            db.close()
            path.unlink(missing_ok=True)
            for extra in ("-wal", "-shm"):
                path.with_name(path.name + extra).unlink(missing_ok=True)
        ring_file.unlink(missing_ok=True)
        raise
    return ctx, recovery


def set_up_accounts(
    ctx: Context, name: str, passphrase: str, *, keep_plain_copy: bool = False
) -> tuple[Context, str]:
    """Create the first coordinator of a plain database and encrypt it; (context, recovery key).

    The new Context is the encrypted database acted on by the new coordinator; `ctx` must not
    be used afterwards (its database was reopened encrypted). The plain original is wiped
    unless `keep_plain_copy`.
    """
    ctx.require(Permission.ADMIN)
    name = _check_name(name)
    check_new_passphrase(passphrase)
    path = ctx.db.path
    if path is None or ctx.db.key is not None or keyring_beside(path).exists():
        raise UserError(_("This database already has accounts."))
    db_key = keys.new_database_key()
    ring, recovery = _new_keyring(db_key, name, passphrase)
    ring_file = keyring_beside(path)
    # The key file goes first: if the conversion is cut short, the next log-in finishes it.
    keys.save(ring_file, ring, db_key)
    try:
        db = encrypt_in_place(ctx.db, db_key, keep_plain_copy=keep_plain_copy)
    except BaseException:
        if is_plain_sqlite(path):
            ring_file.unlink(missing_ok=True)
        raise
    encrypted = Context(db, Actor(name, COORDINATOR))
    try:
        _add_first_user(encrypted, name)
    except BaseException:
        db.close()
        raise
    return encrypted, recovery


def list_accounts(ctx: Context) -> list[AccountView]:
    """Every account that can log in, by name (coordinators only)."""
    ctx.require(Permission.ADMIN)
    with ctx.db.transaction() as s:
        users = [u for u in s.scalars(select(User)) if not u.disabled]
        return sorted((_view(u) for u in users), key=lambda v: keys.normalise_name(v.name))


def add_account(
    ctx: Context, name: str, passphrase: str, role: str, member_id: str | None = None
) -> AccountView:
    """A new account with its own passphrase; nothing is re-encrypted (coordinators only)."""
    ctx.require(Permission.ADMIN)
    name = _check_name(name)
    _check_role(role)
    check_new_passphrase(passphrase)
    loaded = _load_checked(ctx.db)
    assert ctx.db.key is not None
    with ctx.db.transaction() as s:
        if _find_user(s, name) is not None or loaded.keyring.has(name):
            raise UserError(_("There is already an account named {name}.").format(name=name))
        member_id = _check_member(s, role, member_id)
        user = _find_user(s, name, include_removed=True)
        if user is None:
            user = User(id=str(uuid.uuid4()), name=name, created_at=_now(), kdf_params={})
            s.add(user)
        user.role, user.member_id, user.disabled = role, member_id, False
        s.flush()
        record_audit(s, ctx, "create", "account", user.id, role)
        loaded.keyring.put_account(name, passphrase, ctx.db.key, role, member_id)
        # Written last inside the transaction: a failed write rolls the new row back.
        _save(ctx.db, loaded.keyring)
        return _view(user)


def _coordinators_left(s: Session, without: User) -> int:
    return sum(
        1
        for u in s.scalars(select(User))
        if not u.disabled and u.role == COORDINATOR and u.id != without.id
    )


def _require_user(s: Session, name: str) -> User:
    user = _find_user(s, name)
    if user is None:
        raise UserError(_("There is no account named {name}.").format(name=name))
    return user


def remove_account(ctx: Context, name: str) -> None:
    """Take away an account's access: its passphrase no longer opens the database."""
    ctx.require(Permission.ADMIN)
    loaded = _load_checked(ctx.db)
    with ctx.db.transaction() as s:
        user = _require_user(s, name)
        if keys.normalise_name(user.name) == keys.normalise_name(ctx.actor.name):
            raise UserError(_("You cannot remove your own account."))
        if user.role == COORDINATOR and _coordinators_left(s, user) == 0:
            raise UserError(_("The last coordinator account cannot be removed."))
        user.disabled = True
        record_audit(s, ctx, "delete", "account", user.id, user.role)
        loaded.keyring.remove_account(user.name)
        _save(ctx.db, loaded.keyring)


def change_role(ctx: Context, name: str, role: str, member_id: str | None = None) -> AccountView:
    """Give an account another role (and, for a visitor, the member it is)."""
    ctx.require(Permission.ADMIN)
    _check_role(role)
    loaded = _load_checked(ctx.db)
    with ctx.db.transaction() as s:
        user = _require_user(s, name)
        if user.role == COORDINATOR and role != COORDINATOR and _coordinators_left(s, user) == 0:
            raise UserError(_("The last coordinator account must stay a coordinator."))
        member_id = _check_member(s, role, member_id)
        user.role, user.member_id = role, member_id
        record_audit(s, ctx, "change", "account", user.id, role)
        if loaded.keyring.has(user.name):
            loaded.keyring.set_role(user.name, role, member_id)
        _save(ctx.db, loaded.keyring)
        return _view(user)


def acting_after(ctx: Context, view: AccountView) -> Context:
    """The context to go on with after `view`'s role changed: a new one when it is the
    acting account's own (its permissions changed), else `ctx` itself."""
    if keys.normalise_name(view.name) != keys.normalise_name(ctx.actor.name):
        return ctx
    return ctx.with_actor(Actor(view.name, view.role, view.member_id))


def _rewrap(ctx: Context, user: User, passphrase: str, s: Session, detail: str) -> None:
    loaded = _load_checked(ctx.db)
    assert ctx.db.key is not None
    loaded.keyring.put_account(user.name, passphrase, ctx.db.key, user.role, user.member_id)
    record_audit(s, ctx, "change", "account", user.id, detail)
    _save(ctx.db, loaded.keyring)


def change_passphrase(ctx: Context, old: str, new: str) -> None:
    """Change the acting account's own passphrase (anyone, knowing the old one)."""
    check_new_passphrase(new)
    if ctx.db.path is None or ctx.db.key is None:
        raise UserError(
            _("This database has no accounts yet. Create the first coordinator account first.")
        )
    try:
        key = keys.load(keyring_beside(ctx.db.path)).keyring.unlock(ctx.actor.name, old)
    except keys.WrongSecret as exc:
        raise UserError(_("The current passphrase is not right; nothing was changed.")) from exc
    if not hmac.compare_digest(key, ctx.db.key):
        raise UserError(_("The current passphrase is not right; nothing was changed."))
    with ctx.db.transaction() as s:
        _rewrap(ctx, _require_user(s, ctx.actor.name), new, s, "passphrase")


def set_passphrase(ctx: Context, name: str, new: str) -> None:
    """Give another account a new passphrase, for someone who forgot theirs (coordinators)."""
    ctx.require(Permission.ADMIN)
    check_new_passphrase(new)
    with ctx.db.transaction() as s:
        _rewrap(ctx, _require_user(s, name), new, s, "passphrase reset")


def reset_passphrase_with_recovery(
    location: str | Path | Database | None, name: str, recovery_key: str, new: str
) -> None:
    """Set `name`'s passphrase using the recovery key written down at set-up.

    `location` is the database file, or the Database already open (the lock screen).
    """
    check_new_passphrase(new)
    db: Database | None = None
    if isinstance(location, Database):
        db = location
        if db.path is None:
            raise wrong_recovery()
        path = db.path
    else:
        path = database_path(location)
    loaded = keys.load(keyring_beside(path))
    try:
        key = loaded.keyring.unlock_recovery(recovery_key)
    except keys.WrongSecret as exc:
        raise wrong_recovery() from exc
    loaded.check(key)
    opened_here = db is None
    if db is None:
        db = open_database(path, key=key)
    elif db.key is None or not hmac.compare_digest(key, db.key):
        raise wrong_recovery()
    try:
        with db.transaction() as s:
            user = _require_user(s, name)
            ctx = Context(db, Actor(user.name, user.role, user.member_id))
            loaded.keyring.put_account(user.name, new, key, user.role, user.member_id)
            record_audit(s, ctx, "change", "account", user.id, "passphrase recovery")
            keys.save(keyring_beside(path), loaded.keyring, key)
    finally:
        if opened_here:
            db.close()


def wrong_recovery() -> UserError:
    """The refusal for a recovery key that does not fit."""
    return UserError(_("That recovery key does not fit this database. Nothing was changed."))


def new_recovery_key(ctx: Context) -> str:
    """Replace the recovery key (the old one stops working); the new one, to show once."""
    ctx.require(Permission.ADMIN)
    loaded = _load_checked(ctx.db)
    assert ctx.db.key is not None
    recovery = keys.new_recovery_key()
    loaded.keyring.set_recovery(recovery, ctx.db.key)
    with ctx.db.transaction() as s:
        record_audit(s, ctx, "change", "account", "", "recovery key")
        _save(ctx.db, loaded.keyring)
    return recovery


def idle_lock_minutes(ctx: Context) -> int:
    """Minutes without use before the window locks itself."""
    with ctx.db.transaction() as s:
        row = s.get(Setting, IDLE_SETTING)
        value = DEFAULT_IDLE_MINUTES if row is None else row.value
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES
    return minutes if 1 <= minutes <= MAX_IDLE_MINUTES else DEFAULT_IDLE_MINUTES


def set_idle_lock_minutes(ctx: Context, minutes: int) -> None:
    """Change the idle time before the window locks (coordinators)."""
    ctx.require(Permission.ADMIN)
    if not 1 <= minutes <= MAX_IDLE_MINUTES:
        raise UserError(
            _("The idle time must be between 1 and {most} minutes.").format(most=MAX_IDLE_MINUTES)
        )
    with ctx.db.transaction() as s:
        row = s.get(Setting, IDLE_SETTING)
        if row is None:
            s.add(Setting(key=IDLE_SETTING, value=minutes))
        else:
            row.value = minutes


def demo_visitor_member(ctx: Context) -> str | None:
    """The demo member the demo visitor account is: the first volunteer who visits."""
    with ctx.db.transaction() as s:
        rows = s.execute(
            select(Member.id, Member.roles)
            .where(Member.deleted.is_(False))
            .order_by(Member.member_number, Member.id)
        ).all()
    for member_id, roles in rows:
        if VISITOR in (roles or []):
            return str(member_id)
    return str(rows[0][0]) if rows else None


def add_demo_accounts(ctx: Context) -> list[DemoAccount]:
    """The demo's visitor and viewer accounts (the coordinator "demo" exists already)."""
    ctx.require(Permission.ADMIN)
    made = [DemoAccount(*DEMO_COORDINATOR, COORDINATOR, None)]
    member = demo_visitor_member(ctx)
    wanted: list[tuple[str, str, str, str | None]] = [(*DEMO_VIEWER, "viewer", None)]
    if member is not None:
        wanted.insert(0, (*DEMO_VISITOR, VISITOR, member))
    for name, passphrase, role, member_id in wanted:
        add_account(ctx, name, passphrase, role, member_id)
        made.append(DemoAccount(name, passphrase, role, member_id))
    return made


def same_name(first: str, second: str) -> bool:
    """True when two account names are the same name (case and width do not matter)."""
    return keys.normalise_name(first) == keys.normalise_name(second)


def plain_leftovers(path: Path) -> list[Path]:
    """Unencrypted copies of this database beside it (such as backups made before upgrades)."""
    return [
        candidate
        for candidate in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}"))
        if candidate != path and is_plain_sqlite(candidate)
    ]


def describe(account: AccountView | DemoAccount) -> str:
    """One line naming an account and its role, for people."""
    return _("{name} ({role})").format(name=account.name, role=role_label(account.role))
