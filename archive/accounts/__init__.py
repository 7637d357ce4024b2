"""Accounts of the county server: users and roles (clerk, archivist, inspector, admin), scrypt password
hashes, lock-out after failed logins, server-side sessions, the use log (利用登记), and who may see which
office's records and full identity numbers."""
from .manage import (
    add_account,
    change_password,
    disable_account,
    has_accounts,
    list_accounts,
)
from .model import READER, READER_ROLE, ROLE_NAMES, ROLES, User
from .passwords import MIN_LENGTH, check_strength, hash_password, verify_password
from .rights import (
    can_see_office,
    mask_deep,
    mask_ids,
    may_open_files,
    sees_full_ids,
    shown_ids,
)
from .sessions import (
    IDLE_SECONDS,
    csrf_for,
    csrf_ok,
    end_session,
    server_secret,
    session_user,
    start_session,
)
from .uselog import ACTIONS, UseFilter, export_xlsx, record_use, use_rows
from .users import (
    LOCK_SECONDS,
    MAX_FAILURES,
    Attempt,
    LoginRefused,
    add_user,
    any_accounts,
    authenticate,
    get_user,
    list_users,
    set_disabled,
    set_password,
)

__all__ = [
    "ACTIONS",
    "IDLE_SECONDS",
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "MIN_LENGTH",
    "READER",
    "READER_ROLE",
    "ROLES",
    "ROLE_NAMES",
    "Attempt",
    "LoginRefused",
    "UseFilter",
    "User",
    "add_account",
    "add_user",
    "any_accounts",
    "authenticate",
    "can_see_office",
    "change_password",
    "check_strength",
    "csrf_for",
    "csrf_ok",
    "disable_account",
    "end_session",
    "export_xlsx",
    "get_user",
    "has_accounts",
    "hash_password",
    "list_accounts",
    "list_users",
    "mask_deep",
    "mask_ids",
    "may_open_files",
    "record_use",
    "sees_full_ids",
    "server_secret",
    "session_user",
    "set_disabled",
    "set_password",
    "shown_ids",
    "start_session",
    "use_rows",
    "verify_password",
]
