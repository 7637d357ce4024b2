"""Correcting one record's description (著录): validate the new values, write only what changed, clear
their 待核 marks, keep each change in `history`, guard records already bound into a volume, and let the
full-text index follow. `apply_changes` is shared with the spreadsheet import (many records, one
transaction)."""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from archive.common.errors import DataError, MinzhengError, NotFoundError
from archive.intake.reindex import refresh_index
from archive.store import catalog

from .fields import CODE_FIELDS, KEYS, LABELS, FieldError, Rules, field_key, validate
from .history import bound_volumes, flag_rebind, write_change

log = logging.getLogger(__name__)


class EditError(DataError):
    """A value a field does not accept (problems: one Chinese line each). Exit code 2 from the command line."""

    exit_code = 2


class BoundRecordError(MinzhengError):
    """The record is already bound into a volume (or has its 档号) and the change needs `force`."""


@dataclass
class EditResult:
    record_id: int
    archival_code: str | None
    changes: list[dict] = field(default_factory=list)      # {field, label, old, new}
    confirmed: list[str] = field(default_factory=list)     # 待核 marks cleared without a new value
    needs_review: list[str] = field(default_factory=list)  # marks left
    rebind: list[dict] = field(default_factory=list)       # {volume_id, archival_code, version}
    code_withdrawn: str | None = None                      # the 档号 given up after a class field changed
    index_warning: str | None = None

    def to_dict(self) -> dict:
        return {"record_id": self.record_id, "archival_code": self.archival_code, "changes": self.changes,
                "confirmed": self.confirmed, "needs_review": self.needs_review, "rebind": self.rebind,
                "code_withdrawn": self.code_withdrawn, "index_warning": self.index_warning}

    def lines(self) -> list[str]:
        """Chinese lines saying what happened (for the command line and the page)."""
        who = f"记录 {self.record_id}" + (f"（{self.archival_code}）" if self.archival_code else "")
        out = []
        if not self.changes and not self.confirmed:
            out.append(f"{who}：没有变化（给出的值与目录中的相同）")
        for c in self.changes:
            out.append(f"{who} {c['label']}：{c['old'] or '（空）'} → {c['new'] or '（空）'}")
        if self.confirmed:
            out.append(f"{who} 已核对，取消待核：{'、'.join(LABELS[k] for k in self.confirmed)}")
        if self.needs_review:
            out.append(f"{who} 仍待核：{'、'.join(LABELS.get(k, k) for k in self.needs_review)}")
        if self.code_withdrawn:
            out.append(f"档号 {self.code_withdrawn} 已收回（机构/类别/年度/保管期限变了）；下次装订时重新编号，原来的件号作为缺号记入备考表")
        for v in self.rebind:
            out.append(f"案卷 {v['archival_code']}（第 {v['version']} 版）与目录不再一致，需要重新装订："
                       f"minzheng bind --office {v['office']} --year {v['year']} --category {v['category']}")
        if self.index_warning:
            out.append(self.index_warning)
        return out


def find_record(conn, key) -> dict:
    rec = catalog.record(conn, str(key).strip())
    if rec is None:
        raise NotFoundError(f"找不到记录 {key}：请用记录号（数字）或档号，可先用 minzheng search 查找")
    return rec


def check_values(changes: dict, rules: Rules, where=lambda key: f"{LABELS.get(key, key)}") -> tuple[dict, list[str]]:
    """Validate {key: raw value}; returns ({key: value}, problems) where each problem says where."""
    values, problems = {}, []
    for key, raw in changes.items():
        try:
            values[key] = validate(key, raw, rules)
        except FieldError as e:
            problems.append(f"{where(key)}：{e}")
    return values, problems


def _same(old, new) -> bool:
    return (old in (None, "") and new in (None, "")) or str(old) == str(new)


def plan(rec: dict, values: dict, confirm=()) -> tuple[dict, list[str]]:
    """({key: (old, new)} of the values that really change, [keys whose 待核 mark is cleared as they are])."""
    diff = {k: (rec.get(k), v) for k, v in values.items() if not _same(rec.get(k), v)}
    marks = set(rec["needs_review"])
    confirmed = [k for k in KEYS if k in marks and k not in diff and (k in values or k in confirm)]
    return diff, confirmed


def guard(rec: dict, diff: dict, conn, force: bool) -> tuple[list[dict], bool]:
    """(current volumes holding the record, whether its 档号 is withdrawn). Raises BoundRecordError
    when the change needs `force`."""
    if not diff:
        return [], False
    vols = bound_volumes(conn, rec["id"])
    withdraw = bool(rec.get("archival_code")) and any(k in diff for k in CODE_FIELDS)
    if force:
        return vols, withdraw
    who = f"记录 {rec['id']}" + (f"（{rec['archival_code']}）" if rec.get("archival_code") else "")
    if vols:
        names = "、".join(v["archival_code"] for v in vols)
        raise BoundRecordError(f"{who}已装订在案卷 {names} 中，修改后案卷与目录不一致。确要修改请加 --force，"
                               "之后重新装订该案卷")
    if withdraw:
        raise BoundRecordError(f"{who}已编档号，改机构/类别/年度/保管期限会收回这个档号（留下缺号，下次装订重新编号）。"
                               "确要修改请加 --force")
    return vols, withdraw


def apply_changes(conn, rec: dict, diff: dict, confirmed: list[str], *, user: str, source: str, at: str,
                  vols: list[dict], withdraw: bool) -> EditResult:
    """Write one record's changes inside the caller's transaction."""
    res = EditResult(rec["id"], rec.get("archival_code"))
    marks = [k for k in rec["needs_review"] if k not in diff and k not in confirmed]
    sets = {k: new for k, (_, new) in diff.items()}
    for k, (old, new) in diff.items():
        write_change(conn, at=at, user=user, source=source, record_id=rec["id"], field=k, old=old, new=new)
        res.changes.append({"field": k, "label": LABELS[k], "old": old, "new": new})
    for k in confirmed:
        write_change(conn, at=at, user=user, source=source, record_id=rec["id"], field=k, old=rec.get(k),
                     new=rec.get(k), action="confirm")
    if withdraw:
        write_change(conn, at=at, user=user, source=source, record_id=rec["id"], field="archival_code",
                     old=rec["archival_code"], new=None, action="withdraw")
        sets.update(archival_code=None, item_no=None)
        res.code_withdrawn = rec["archival_code"]
        res.archival_code = None
    if sets or confirmed:
        sets["needs_review"] = json.dumps(marks, ensure_ascii=False)
        conn.execute(f"UPDATE records SET {', '.join(f'{k}=?' for k in sets)} WHERE id=?", (*sets.values(), rec["id"]))
        catalog.log_event(conn, "edit", rec["id"], user=user, source=source, fields=sorted(diff),
                          confirmed=confirmed, withdrawn=res.code_withdrawn)
    for v in vols:
        flag_rebind(conn, at=at, user=user, volume=v, record_id=rec["id"], fields=sorted(diff))
    res.confirmed = confirmed
    res.needs_review = marks
    res.rebind = vols
    return res


def follow_index(settings, record_ids: list[int]) -> str | None:
    """Re-index the changed records; a Chinese warning when the index could not follow (the catalog holds
    the change either way, and `minzheng reindex` rebuilds the index)."""
    if not record_ids:
        return None
    try:
        refresh_index(settings, record_ids)
    except Exception as e:      # noqa: BLE001 - any index failure: the catalog change stands
        log.warning("index refresh failed: %s", e)
        return f"目录已修改，但检索索引未能更新（{e}）；请运行 minzheng reindex"
    return None


def confirm_keys(names) -> list[str]:
    """Field names to confirm as keys: 'title', '题名', 'title,doc_date', 'all'/'全部'."""
    keys: list[str] = []
    for name in names or ():
        for part in filter(None, re.split(r"[、,，;；\s]+", str(name))):
            if part.lower() in ("all", "全部"):
                keys += [k for k in KEYS if k not in keys]
                continue
            k = field_key(part)
            if k is None:
                raise EditError(f"--confirm “{part}” 不是著录项（可写：{'、'.join(LABELS.values())}，或 all）")
            keys += [k] if k not in keys else []
    return keys


def edit_record(settings, key, changes: dict, *, user: str, force: bool = False, confirm=(),
                source: str = "cli") -> EditResult:
    """Change fields of one record ({key: raw value}, keys from fields.KEYS) after validating them with the
    manifest's rules; `confirm` names fields whose guessed value is right as it is (待核 cleared)."""
    confirm = confirm_keys(confirm)
    unknown = [k for k in changes if k not in LABELS]
    if unknown:
        raise EditError(f"不能修改的著录项：{'、'.join(map(str, unknown))}（可改：{'、'.join(LABELS.values())}）")
    if not changes and not confirm:
        raise EditError("请至少给出一个要修改的著录项，例如 --title 新题名（minzheng edit --help 列出全部）")
    conn = catalog.connect(settings.catalog_url)
    try:
        rules = Rules.load(settings, conn)
        values, problems = check_values(changes, rules)
        if problems:
            raise EditError("没有修改任何内容：", problems)
        with catalog.transaction(conn):
            rec = find_record(conn, key)
            diff, confirmed = plan(rec, values, confirm)
            vols, withdraw = guard(rec, diff, conn, force)
            res = apply_changes(conn, rec, diff, confirmed, user=user, source=source, at=catalog.now(), vols=vols,
                                withdraw=withdraw)
    finally:
        conn.close()
    if res.changes:
        res.index_warning = follow_index(settings, [res.record_id])
    return res
