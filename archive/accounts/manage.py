"""The accounts as the command line sees them: each function opens the root's catalog, does one thing
and closes it (`minzheng user add|list|passwd|disable|enable`)."""
from __future__ import annotations

from contextlib import closing

from archive.store import catalog

from . import users
from .model import User


def _conn(settings):
    return closing(catalog.connect(settings.catalog_url))


def add_account(settings, name: str, role: str, password: str, office: str | None = None) -> User:
    with _conn(settings) as conn:
        return users.add_user(conn, name, role, password, office)


def check_account(settings, name: str, role: str, office: str | None = None) -> None:
    """Raise the error `add_account` would raise for these, before anyone types a password."""
    with _conn(settings) as conn:
        users.check_new_user(conn, name, role, office)


def list_accounts(settings) -> list[dict]:
    with _conn(settings) as conn:
        return users.list_users(conn)


def change_password(settings, name: str, password: str) -> User:
    with _conn(settings) as conn:
        return users.set_password(conn, name, password)


def disable_account(settings, name: str, disabled: bool = True) -> User:
    with _conn(settings) as conn:
        return users.set_disabled(conn, name, disabled)


def has_accounts(settings) -> bool:
    """Any account at all (disabled ones count): then the server wants logins, not the read-only mode."""
    with _conn(settings) as conn:
        return users.any_accounts(conn)
