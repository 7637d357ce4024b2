"""A small, fast reader of PDF content streams for pdfcheck: (operands, operator) pairs.

pypdf's ContentStream parses every operand into objects and takes seconds for a 36-page report; the
checker needs only the text operators, so this reads tokens with one regular expression. Strings come
back as bytes, names as "/Name" strings, numbers as floats, arrays as lists; dictionaries (marked
content properties) as None. Inline images (BI … ID data EI) are skipped whole.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(rb"""
    (?P<ws>[\x00\t\n\x0c\r ]+|%[^\r\n]*)
  | (?P<str>\()
  | (?P<hex><[0-9A-Fa-f\x00\t\n\x0c\r ]*>)
  | (?P<dopen><<) | (?P<dclose>>>)
  | (?P<aopen>\[) | (?P<aclose>\])
  | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<op>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_ESC = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
        ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}
_EI = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)")


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """The string starting after the "(" at data[i - 1]; returns (bytes, index after the closing ")")."""
    out = bytearray()
    depth = 1
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x5C:                                       # backslash
            i += 1
            if i >= n:
                break
            e = data[i]
            if e in _ESC:
                out += _ESC[e]
                i += 1
            elif 0x30 <= e <= 0x37:                         # up to three octal digits
                j = i
                while j < n and j < i + 3 and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[i:j], 8) & 0xFF)
                i = j
            elif e in (0x0D, 0x0A):                         # line continuation
                i += 2 if e == 0x0D and i + 1 < n and data[i + 1] == 0x0A else 1
            else:
                out.append(e)
                i += 1
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    return bytes(out), n


def operations(data: bytes):
    """Yield (operands, operator bytes) for each operator of a content stream."""
    operands: list = []
    stack: list[list] = []                                  # open arrays
    i, n = 0, len(data)
    while i < n:
        m = _TOKEN.match(data, i)
        i = m.end()
        kind = m.lastgroup
        if kind == "ws" or kind == "other":
            continue
        if kind == "str":
            value, i = _literal(data, i)
        elif kind == "hex":
            digits = re.sub(rb"[^0-9A-Fa-f]", b"", m.group()[1:-1])
            value = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        elif kind == "name":
            value = m.group().decode("latin-1")
        elif kind == "num":
            value = float(m.group())
        elif kind == "aopen":
            stack.append([])
            continue
        elif kind == "aclose":
            value = stack.pop() if stack else []
        elif kind in ("dopen", "dclose"):                   # dictionary contents stay as loose operands
            continue
        else:                                               # an operator
            op = m.group()
            if op == b"BI":                                 # inline image: skip to EI
                end = _EI.search(data, i)
                i = end.end() if end else n
                operands = []
                continue
            if op in (b"true", b"false", b"null"):
                value = None
            else:
                yield operands, op
                operands = []
                continue
        (stack[-1] if stack else operands).append(value)
