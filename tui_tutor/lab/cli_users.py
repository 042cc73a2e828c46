"""`tui-tutor lab user …`: the class list — add, list, remove and import students."""

from __future__ import annotations

import getpass
import sys

from .cli_common import lab_data_dir, lab_database_url


def _read_password() -> str:
    from .names import AccountError

    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Same password again: ") != first:
            raise AccountError("the two passwords differ; nothing was changed")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if len(first) < 8:
        raise AccountError("a password needs at least 8 characters; nothing was changed")
    return first


def run_user(args) -> int:
    from .accounts import Accounts

    url = lab_database_url(args)
    if url:
        from .accounts_db import DatabaseAccounts

        accounts = DatabaseAccounts(url)
    else:
        accounts = Accounts(lab_data_dir(args, make=args.user_command != "list"))
    try:
        return _user_command(args, accounts)
    finally:
        if url:
            accounts.close()


def _user_command(args, accounts) -> int:
    from .accounts import fingerprint, hash_password, keys_to_import, read_key_file
    from .names import GUEST_PREFIX, AccountError, validate_name

    if args.user_command == "list":
        if not accounts.users:
            print("no students yet: add them with `tui-tutor lab user add NAME --key FILE` or `lab user import`")
        for name, account in sorted(accounts.users.items()):
            keys = account.public_keys()
            prints = ", ".join(fingerprint(k) for k in keys)
            print(f"{name}\t{len(keys)} key{'s' if len(keys) != 1 else ''}{' (' + prints + ')' if keys else ''}"
                  f"\t{'password' if account.password else 'no password'}\t{account.role}")
        return 0
    if args.user_command == "remove":
        with accounts.editing():
            accounts.remove(args.name)
        print(f"removed {args.name} (their progress stays in the database)")
        return 0
    if args.user_command == "add":
        name = validate_name(args.name)
        if name.startswith(GUEST_PREFIX):
            raise AccountError(f"names starting with {GUEST_PREFIX} are kept for --guest logins")
        if not args.key and not args.password and not (args.instructor and name in accounts.users):
            raise AccountError("give --key FILE or --password: a student with neither could never log in")
        keys = [k for path in args.key for k in read_key_file(path)]  # all read before anything is changed
        password = hash_password(_read_password()) if args.password else None
        with accounts.editing():
            account = accounts.account(name, create=True)
            new = account.add_keys(keys)
            if password:
                account.password = password
            if args.instructor:
                account.role = "instructor"
        print(f"{name}: {new} new key{'s' if new != 1 else ''}, {len(account.keys)} in all"
              f"{', password set' if password else ''}{', instructor' if args.instructor else ''}")
        return 0
    if args.user_command == "import":
        found = keys_to_import(args.path)
        for name in found:
            if name.startswith(GUEST_PREFIX):
                raise AccountError(f"{name}: names starting with {GUEST_PREFIX} are kept for --guest logins")
        added = new_keys = 0
        with accounts.editing():
            for name, keys in found.items():
                added += name not in accounts.users
                new_keys += accounts.account(name, create=True).add_keys(keys)
        print(f"imported {len(found)} student(s) ({added} new) with {new_keys} new key(s)")
        return 0
    raise AccountError(f"unknown user command {args.user_command!r}")
