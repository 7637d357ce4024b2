"""What was changed in the catalog, by whom and when (the `history` table), and which bound volumes no
longer match their records (the `rebind_needed` table: a volume counts while it is not superseded, so
binding the class again clears it)."""
from __future__ import annotations

import json

from archive.common.errors import NotFoundError
from archive.store import catalog

from .fields import LABELS

OTHER_LABELS = {"archival_code": "档号"}
SOURCES = {"cli": "命令行", "catalog import": "表格导入", "web": "网页"}


def _text(v) -> str | None:
    return None if v in (None, "") else str(v)


def write_change(conn, *, at: str, user: str, source: str, record_id: int, field: str, old, new,
                 action: str = "edit") -> None:
    conn.execute("INSERT INTO history(at, user_name, source, record_id, field, old_value, new_value, action) "
                 "VALUES (?,?,?,?,?,?,?,?)", (at, user, source, record_id, field, _text(old), _text(new), action))


def bound_volumes(conn, record_id: int) -> list[dict]:
    """The current (not superseded) volumes that hold the record."""
    rows = conn.execute("SELECT v.id, v.archival_code, v.version, v.office, v.year, v.category, v.retention "
                        "FROM volume_items vi JOIN volumes v "
                        "ON v.id = vi.volume_id WHERE vi.record_id=? AND v.superseded=0 ORDER BY v.id",
                        (record_id,)).fetchall()
    return [{"volume_id": r["id"], "archival_code": r["archival_code"], "version": r["version"], "office": r["office"],
             "year": r["year"], "category": r["category"], "retention": r["retention"]} for r in rows]


def flag_rebind(conn, *, at: str, user: str, volume: dict, record_id: int, fields: list[str]) -> None:
    conn.execute("INSERT INTO rebind_needed(volume_id, record_id, at, user_name, fields) VALUES (?,?,?,?,?)",
                 (volume["volume_id"], record_id, at, user, json.dumps(fields, ensure_ascii=False)))
    catalog.log_event(conn, "volume.needs_rebind", record_id, volume_id=volume["volume_id"],
                      volume=volume["archival_code"], fields=fields, user=user)


def record_history(conn, record_id: int) -> list[dict]:
    """Every change of the record, oldest first: {at, user, source, source_label, field, label, old, new, action}
    (source: cli / catalog import / web — or what the caller passed)."""
    rows = conn.execute("SELECT * FROM history WHERE record_id=? ORDER BY id", (record_id,)).fetchall()
    return [{"at": r["at"], "user": r["user_name"], "source": r["source"],
             "source_label": SOURCES.get(r["source"], r["source"]), "field": r["field"],
             "label": LABELS.get(r["field"]) or OTHER_LABELS.get(r["field"], r["field"]),
             "old": r["old_value"], "new": r["new_value"], "action": r["action"]} for r in rows]


def volumes_needing_rebind(conn, *, office: str | None = None, year: int | None = None) -> list[dict]:
    """Current volumes one of whose records changed after binding: {volume_id, archival_code, office, year,
    category, retention, version, records: [{record_id, at, user, fields}]}."""
    sql = ("SELECT v.id, v.archival_code, v.office, v.year, v.category, v.retention, v.version, "
           "n.record_id, n.at, n.user_name, n.fields FROM rebind_needed n JOIN volumes v ON v.id = n.volume_id "
           "WHERE v.superseded=0")
    args: list = []
    if office:
        sql += " AND v.office=?"
        args.append(office)
    if year:
        sql += " AND v.year=?"
        args.append(int(year))
    out: dict[int, dict] = {}
    for r in conn.execute(sql + " ORDER BY v.archival_code, n.id", args):
        v = out.setdefault(r["id"], {"volume_id": r["id"], "archival_code": r["archival_code"], "office": r["office"],
                                     "year": r["year"], "category": r["category"], "retention": r["retention"],
                                     "version": r["version"], "records": []})
        v["records"].append({"record_id": r["record_id"], "at": r["at"], "user": r["user_name"],
                             "fields": json.loads(r["fields"] or "[]")})
    return list(out.values())


def history_of(settings, key) -> list[dict]:
    """`record_history` for a record id or 档号 (NotFoundError when there is no such record)."""
    conn = catalog.connect(settings.catalog_url)
    try:
        rec = catalog.record(conn, str(key).strip())
        if rec is None:
            raise NotFoundError(f"找不到记录 {key}：请用记录号（数字）或档号，可先用 minzheng search 查找")
        return record_history(conn, rec["id"])
    finally:
        conn.close()


def stale_volumes(settings, *, office: str | None = None, year: int | None = None) -> list[dict]:
    """`volumes_needing_rebind` of the root."""
    conn = catalog.connect(settings.catalog_url)
    try:
        return volumes_needing_rebind(conn, office=office, year=year)
    finally:
        conn.close()
