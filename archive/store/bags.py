"""BagIt bags (RFC 8493): how a bound volume is packaged on disk, and how `verify` checks one.

A bag is a directory holding `bagit.txt`, the payload under `data/`, `manifest-sha256.txt` (one line per
payload file: `<sha256> <path>`), `bag-info.txt` (`Label: value` lines, UTF-8) and `tagmanifest-sha256.txt`
(the same for the tag files). Written by the binder after the payload is complete; read back by `verify`
without any third-party library (the tests check our bags with the Library of Congress's `bagit`).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .objects import sha256_file

BAGIT_TXT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
PAYLOAD = "data"
BAGIT_DECLARATION = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SOFTWARE = "minzheng bind"


def _encode_path(rel: str) -> str:
    """Manifest paths: %, CR and LF percent-encoded (RFC 8493 §2.1.3)."""
    return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0d", "\r").replace("%0A", "\n").replace("%0a", "\n") \
        .replace("%25", "%")


def _manifest_text(bag: Path, files: list[Path]) -> str:
    return "".join(f"{sha256_file(f)}  {_encode_path(f.relative_to(bag).as_posix())}\n"
                   for f in sorted(files, key=lambda p: p.relative_to(bag).as_posix()))


def _one_line(value) -> str:
    return " ".join(str(value).split())


def payload_files(bag: Path) -> list[Path]:
    return sorted(p for p in (bag / PAYLOAD).rglob("*") if p.is_file())


def write_bag(bag: Path, info: list[tuple[str, str]]) -> None:
    """Make `bag` (its payload already under data/) a complete bag. `info`: bag-info.txt's own labels and
    values in order; Bagging-Date, Bag-Software-Agent and Payload-Oxum are added."""
    bag = Path(bag)
    files = payload_files(bag)
    (bag / BAGIT_TXT).write_text(BAGIT_DECLARATION, encoding="utf-8")
    (bag / MANIFEST).write_text(_manifest_text(bag, files), encoding="utf-8")
    oxum = f"{sum(f.stat().st_size for f in files)}.{len(files)}"
    lines = [("Bagging-Date", date.today().isoformat()), ("Bag-Software-Agent", SOFTWARE), *info,
             ("Payload-Oxum", oxum)]
    (bag / BAG_INFO).write_text("".join(f"{label}: {_one_line(value)}\n" for label, value in lines), encoding="utf-8")
    tags = [bag / BAGIT_TXT, bag / BAG_INFO, bag / MANIFEST]
    (bag / TAGMANIFEST).write_text(_manifest_text(bag, tags), encoding="utf-8")


def is_bag(directory: Path) -> bool:
    return (Path(directory) / BAGIT_TXT).is_file()


def read_bag_info(bag: Path) -> dict[str, str]:
    """bag-info.txt as a dict (continuation lines joined; the last value of a repeated label)."""
    info: dict[str, str] = {}
    label = None
    for line in (Path(bag) / BAG_INFO).read_text(encoding="utf-8").splitlines():
        if line[:1] in (" ", "\t") and label:
            info[label] += " " + line.strip()
        elif ":" in line:
            label, value = line.split(":", 1)
            label = label.strip()
            info[label] = value.strip()
    return info


def _read_manifest(bag: Path, name: str, problems: list[str]) -> dict[str, str] | None:
    """path → sha256 of a (tag) manifest; a bad line or an unsafe path is a problem."""
    path = bag / name
    if not path.is_file():
        problems.append(f"缺少 {name}")
        return None
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.append(f"{name} 无法读取（{e.__class__.__name__}）")
        return None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = re.fullmatch(r"([0-9a-fA-F]{64})\s+(.+)", line)
        rel = _decode_path(m.group(2)) if m else ""
        if not m or rel.startswith("/") or ".." in Path(rel).parts:
            problems.append(f"{name} 第 {n} 行格式不对：{line[:80]}")
            continue
        out[rel] = m.group(1).lower()
    return out


def _check_files(bag: Path, name: str, listed: dict[str, str], problems: list[str]) -> None:
    for rel, sha in listed.items():
        f = bag / rel
        if not f.is_file():
            problems.append(f"{rel} 不见了（{name} 中有它）")
        elif sha256_file(f) != sha:
            problems.append(f"{rel} 已被改动或损坏（SHA-256 与 {name} 不符）")


def check_bag(bag: Path) -> list[str]:
    """What is wrong with the bag, in Chinese (empty: a complete, valid bag). Never raises for damage."""
    bag = Path(bag)
    problems: list[str] = []
    try:
        declared = (bag / BAGIT_TXT).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [f"缺少或无法读取 {BAGIT_TXT}"]
    fields = dict(line.split(":", 1) for line in declared.splitlines() if ":" in line)
    if fields.get("BagIt-Version", "").strip() not in ("1.0", "0.97") or \
            fields.get("Tag-File-Character-Encoding", "").strip().upper() != "UTF-8":
        problems.append(f"{BAGIT_TXT} 的内容不对（应为 BagIt-Version 1.0、Tag-File-Character-Encoding UTF-8）")
    if not (bag / PAYLOAD).is_dir():
        problems.append(f"缺少 {PAYLOAD}/ 目录（案卷文件）")
        return problems
    listed = _read_manifest(bag, MANIFEST, problems)
    if listed is not None:
        _check_files(bag, MANIFEST, listed, problems)
        for f in payload_files(bag):
            rel = f.relative_to(bag).as_posix()
            if rel not in listed:
                problems.append(f"{rel} 不在 {MANIFEST} 中（多出来的文件）")
        for rel in listed:
            if not rel.startswith(PAYLOAD + "/"):
                problems.append(f"{MANIFEST} 列出了 {PAYLOAD}/ 以外的文件 {rel}")
    tags = _read_manifest(bag, TAGMANIFEST, problems)
    if tags is not None:
        _check_files(bag, TAGMANIFEST, tags, problems)
    if not (bag / BAG_INFO).is_file():
        problems.append(f"缺少 {BAG_INFO}")
    else:
        try:
            oxum = read_bag_info(bag).get("Payload-Oxum", "")
        except (OSError, UnicodeDecodeError):
            problems.append(f"{BAG_INFO} 无法读取")
            oxum = ""
        files = payload_files(bag)
        actual = f"{sum(f.stat().st_size for f in files)}.{len(files)}"
        if oxum and oxum != actual:
            problems.append(f"{BAG_INFO} 的 Payload-Oxum 为 {oxum}，实际为 {actual}（案卷文件的字节数或个数变了）")
    return problems


def check_checksum_file(directory: Path, name: str = MANIFEST) -> list[str]:
    """The layout before bags: files beside a `<sha256>  <name>` list. What is damaged (empty: nothing)."""
    problems: list[str] = []
    listed = _read_manifest(Path(directory), name, problems)
    if listed is not None:
        _check_files(Path(directory), name, listed, problems)
    return problems
