"""Who a user is: the four roles of the county server and the built-in reader of the password-less mode."""
from __future__ import annotations

from dataclasses import dataclass

ROLES = {
    "clerk": "办事员",         # their own office only: its data, documents and records
    "archivist": "档案员",     # every office's records: upload, review and correct, bind
    "inspector": "检查人员",   # reports, and read-only records of every office
    "admin": "管理员",         # users and county settings
}
READER_ROLE = "reader"        # password-less, read-only mode on loopback (no accounts yet)
ROLE_NAMES = {**ROLES, READER_ROLE: "本机只读"}


@dataclass(frozen=True)
class User:
    id: int | None
    name: str
    role: str
    office: str | None = None
    disabled: bool = False

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    @property
    def is_reader(self) -> bool:
        return self.role == READER_ROLE


# The one user of the password-less loopback mode and of the old shared-password mode: reads, never writes.
READER = User(id=None, name="本机", role=READER_ROLE, office=None)
