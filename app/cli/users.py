"""users: the accounts that may open this database."""

from __future__ import annotations

import argparse
from typing import Any

from app import accounts
from app.cli.login import (
    RECOVERY_ENV,
    _ask_secret,
    _interactive,
    account_credentials,
    new_passphrase,
    show_recovery_key,
)
from app.cli.output import EXIT_OK, print_json, say
from app.core import argtypes
from app.core.context import ROLES, Context, Permission, role_label
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.audit import read_audit


def register(sub: Any) -> None:
    """users add|list|remove|passwd|role|recover|recovery-key, and audit."""
    u = sub.add_parser("users", help=_("accounts that may open this database"))
    usub = u.add_subparsers(dest="users_command")
    p = usub.add_parser("add", help=_("add an account (the first one encrypts the database)"))
    p.add_argument("name", type=argtypes.text)
    p.add_argument("--role", choices=ROLES, default="visitor")
    p.add_argument(
        "--member", type=argtypes.text, metavar="ID", help=_("the member a visitor account is")
    )
    p.add_argument(
        "--keep-plain-copy",
        action="store_true",
        help=_("when encrypting, keep the unencrypted file as a copy (not recommended)"),
    )
    p.set_defaults(handler=cmd_users_add)
    p = usub.add_parser("list", help=_("list the accounts"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_users_list)
    p = usub.add_parser("remove", help=_("take away an account's access"))
    p.add_argument("name", type=argtypes.text)
    p.set_defaults(handler=cmd_users_remove)
    p = usub.add_parser(
        "passwd", help=_("change your passphrase (or, for coordinators, another's)")
    )
    p.add_argument("name", type=argtypes.text, nargs="?", default=None)
    p.set_defaults(handler=cmd_users_passwd)
    p = usub.add_parser("role", help=_("give an account another role"))
    p.add_argument("name", type=argtypes.text)
    p.add_argument("role", choices=ROLES)
    p.add_argument(
        "--member", type=argtypes.text, metavar="ID", help=_("the member a visitor account is")
    )
    p.set_defaults(handler=cmd_users_role)
    p = usub.add_parser("recover", help=_("set a forgotten passphrase with the recovery key"))
    p.add_argument("name", type=argtypes.text)
    p.set_defaults(handler=cmd_users_recover)
    p = usub.add_parser("recovery-key", help=_("make a new recovery key (the old one stops)"))
    p.set_defaults(handler=cmd_users_recovery_key)

    p = sub.add_parser("audit", help=_("who viewed, changed, exported or printed what"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=argtypes.limit, default=500)
    p.add_argument("--entity-id", type=argtypes.text, default=None, metavar="ID")
    p.set_defaults(handler=cmd_audit)


def _member(ctx: Context, text: str | None) -> str | None:
    if not text:
        return None
    from app.roster.members import resolve_member

    return resolve_member(ctx, text)


def cmd_users_add(args: argparse.Namespace) -> int:
    """users add NAME [--role ROLE] [--member ID] [--keep-plain-copy]"""
    from app.cli.session import opened

    with opened(args) as ctx:
        if not ctx.db.encrypted:
            if args.role != "coordinator":
                raise UserError(
                    _("The first account must be a coordinator (use --role coordinator).")
                )
            ctx.require(Permission.ADMIN)
            path = ctx.db.path
            encrypted, recovery = accounts.set_up_accounts(
                ctx, args.name, new_passphrase(args.name), keep_plain_copy=args.keep_plain_copy
            )
            encrypted.db.close()  # `opened` closes the plain one it opened
            say(_("Added the coordinator account {name}.").format(name=args.name))
            say(_("{name} is now encrypted.").format(name=path.name if path else ""))
            if path is not None:
                for leftover in accounts.plain_leftovers(path):
                    say(
                        _(
                            "Still readable without a passphrase, delete it when you can: {path}"
                        ).format(path=leftover)
                    )
            show_recovery_key(recovery)
            return EXIT_OK
        member = _member(ctx, args.member)
        view = accounts.add_account(ctx, args.name, new_passphrase(args.name), args.role, member)
        say(_("Added the account {account}.").format(account=accounts.describe(view)))
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    """users list [--json]"""
    from app.cli.session import opened

    with opened(args) as ctx:
        views = accounts.list_accounts(ctx)
    if args.json:
        print_json(views)
        return EXIT_OK
    for v in views:
        say("\t".join([v.name, role_label(v.role), (v.member_id or "")[:8]]))
    return EXIT_OK


def cmd_users_remove(args: argparse.Namespace) -> int:
    """users remove NAME"""
    from app.cli.session import opened

    with opened(args) as ctx:
        accounts.remove_account(ctx, args.name)
    say(_("Removed the account {name}.").format(name=args.name))
    return EXIT_OK


def cmd_users_passwd(args: argparse.Namespace) -> int:
    """users passwd [NAME]"""
    location: str | None = args.db
    if not accounts.login_required(location):
        raise UserError(
            _("This database has no accounts yet. Create the first coordinator account first.")
        )
    name, passphrase = account_credentials()
    ctx = accounts.login(location, name, passphrase, via="command line")
    try:
        target = args.name or ctx.actor.name
        if accounts.same_name(target, ctx.actor.name):
            accounts.change_passphrase(ctx, passphrase, new_passphrase(target))
        else:
            ctx.require(Permission.ADMIN)
            accounts.set_passphrase(ctx, target, new_passphrase(target))
    finally:
        ctx.db.close()
    say(_("The passphrase of {name} was changed.").format(name=target))
    return EXIT_OK


def cmd_users_role(args: argparse.Namespace) -> int:
    """users role NAME ROLE [--member ID]"""
    from app.cli.session import opened

    with opened(args) as ctx:
        view = accounts.change_role(ctx, args.name, args.role, _member(ctx, args.member))
    say(_("{account} now.").format(account=accounts.describe(view)))
    return EXIT_OK


def cmd_users_recover(args: argparse.Namespace) -> int:
    """users recover NAME: a new passphrase through the recovery key"""
    location: str | None = args.db
    if not accounts.login_required(location):
        raise UserError(
            _("This database has no accounts yet. Create the first coordinator account first.")
        )
    recovery = argtypes.environment(RECOVERY_ENV)
    if not recovery:
        if not _interactive():
            raise UserError(
                _("No recovery key given: set TSUNAGU_RECOVERY_KEY, or run this in a terminal.")
            )
        recovery = _ask_secret(_("Recovery key: "))
    accounts.reset_passphrase_with_recovery(
        location, args.name, recovery, new_passphrase(args.name)
    )
    say(_("The passphrase of {name} was changed.").format(name=args.name))
    return EXIT_OK


def cmd_users_recovery_key(args: argparse.Namespace) -> int:
    """users recovery-key"""
    from app.cli.session import opened

    with opened(args) as ctx:
        recovery = accounts.new_recovery_key(ctx)
    show_recovery_key(recovery)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """audit [--json] [--limit N] [--entity-id ID]"""
    from app.cli.session import opened

    with opened(args) as ctx:
        entries = read_audit(ctx, limit=max(1, args.limit), entity_id=args.entity_id)
    if args.json:
        print_json(entries)
        return EXIT_OK
    for e in entries:
        say("\t".join([e.at.isoformat(sep=" "), e.user_name, e.action, e.entity, e.entity_id]))
    return EXIT_OK
