"""Password hashing: scrypt (memory-hard, in the standard library), a salt per user, constant-time compare.

Stored as `scrypt$n$r$p$salt$hash` (hex), so the cost can be raised later without breaking old hashes.
"""
from __future__ import annotations

import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1          # 16 MiB per hash; about 50 ms here
DKLEN = 32
MIN_LENGTH = 10
MAX_LENGTH = 256


def check_strength(password: str) -> str | None:
    """A Chinese reason why the password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码太短（{len(password)} 个字符），至少要 {MIN_LENGTH} 个字符"
    if len(password) > MAX_LENGTH:
        return f"密码太长，最多 {MAX_LENGTH} 个字符"
    if len(set(password)) < 4:
        return "密码太简单（几乎都是同一个字符），请换一个"
    return None


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=DKLEN,
                          maxmem=128 * r * (n + p + 2) + 1024 * 1024)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_derive(password, salt, N, R, P).hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = _derive(password[:MAX_LENGTH], bytes.fromhex(salt), int(n), int(r), int(p))
        return hmac.compare_digest(got, bytes.fromhex(digest))
    except (ValueError, MemoryError):
        return False


# Verified against when the name is unknown, so an unknown name costs the same time as a wrong password.
DUMMY_HASH = f"scrypt${N}${R}${P}${'00' * 16}${'00' * DKLEN}"
