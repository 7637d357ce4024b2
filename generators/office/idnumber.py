"""Resident identity numbers (公民身份号码, GB 11643-1999): validation and masking."""
from __future__ import annotations

import re
from datetime import date

# ISO 7064 MOD 11-2: weight of position i (0-based, left to right) is 2^(17-i) mod 11.
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARS = "10X98765432"

# 省级行政区划代码（前两位）
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83", "91",
})


def check_digit(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


# full-width digits and X as a Chinese input method types them
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def normalize_id(s: str) -> str:
    """Drop blanks (also the full-width and no-break ones), read full-width digits as digits and
    upper-case a trailing x (some systems store it in lower case)."""
    return "".join(str(s or "").translate(_FULL_WIDTH).split()).upper()


def validate_id_number(s: str, *, today: date | None = None) -> str | None:
    """A Chinese message saying what is wrong with the ID number, or None when it is valid.

    Checks: 18 characters, 17 digits then a digit or X (x accepted), a known province code,
    a real birth date not in the future and not before 1900, and the MOD 11-2 check character.
    """
    s = normalize_id(s)
    if not s:
        return "身份证号为空"
    if len(s) != 18:
        return f"长度应为 18 位，现为 {len(s)} 位"
    if not _SHAPE.fullmatch(s):          # ASCII digits only: str.isdigit() also takes ² and ١
        return "前 17 位应为数字，最后一位为数字或 X"
    if s[:2] not in PROVINCES:
        return f"前两位 “{s[:2]}” 不是有效的省级行政区划代码"
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return f"出生日期 {s[6:14]} 不是有效日期"
    today = today or date.today()
    if born > today:
        return f"出生日期 {born.isoformat()} 晚于今天"
    if born.year < 1900:
        return f"出生日期 {born.isoformat()} 早于 1900 年"
    expected = check_digit(s[:17])
    if s[17] != expected:
        return f"校验位错误（应为 {expected}）"
    return None


def birth_date(s: str) -> date:
    """Birth date of a valid ID number."""
    s = normalize_id(s)
    return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def gender(s: str) -> str:
    """男 / 女 from the 17th digit (odd = male)."""
    return "男" if int(normalize_id(s)[16]) % 2 else "女"


def mask_id(s: str) -> str:
    """Keep the first 6 and last 4 characters: 430103********1234. Short values are masked entirely."""
    s = normalize_id(s)
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]
