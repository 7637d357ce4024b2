"""Office data in an archive root: import a county's files into ROOT/data and the catalog (all or
nothing), and load them back, validated."""
from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path

from archive.common.errors import DataError, NotFoundError
from archive.common.files import fsync_dir, new_temp_dir
from archive.store import catalog

from .county import read_county
from .model import County, Office

log = logging.getLogger(__name__)


def _write_dir_atomically(target: Path, files: list[Path]) -> None:
    """Replace `target` with a directory holding copies of `files`: temp dir, fsync, rename."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = new_temp_dir(parent, prefix=".data-new-")     # mode from the umask, like the files in it
    old: Path | None = None
    try:
        for f in files:
            dest = tmp / f.name
            with open(f, "rb") as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
        fsync_dir(tmp)
        if target.exists():
            old = parent / f".data-old-{uuid.uuid4().hex[:8]}"
            os.rename(target, old)
        os.rename(tmp, target)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _recover_data_dir(data_dir: Path) -> None:
    """A crash between the two renames leaves the old data as .data-old-*: put it back."""
    if data_dir.exists():
        return
    olds = sorted(data_dir.parent.glob(".data-old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        log.warning("上次导入被中断，恢复原来的数据 %s", olds[-1])
        os.rename(olds[-1], data_dir)


def import_office_data(settings, source_dir) -> County:
    """Validate a county's data files and, only when all are valid, put them in ROOT/data and the catalog."""
    source = Path(source_dir)
    county, problems, files = read_county(source, settings.county_name)
    if problems:
        raise DataError("办公室数据有误，未写入任何内容", problems=problems)
    conn = catalog.connect(settings.catalog_url)
    try:
        with catalog.transaction(conn):
            for o in county.offices:
                catalog.upsert_office(conn, o.code, o.name, o.kind, o.population, o.fonds or None)
            catalog.log_event(conn, "office.import", source=str(source), files=[f.name for f in files],
                              offices=[o.code for o in county.offices],
                              recipients=sum(len(o.recipients) for o in county.offices))
            _write_dir_atomically(settings.data_dir, files)
    finally:
        conn.close()
    return county


def load_county(settings) -> County:
    """The county's office data from ROOT/data, validated."""
    data_dir = settings.data_dir
    _recover_data_dir(data_dir)
    if not data_dir.is_dir() or not any(p for p in data_dir.iterdir() if p.suffix.lower() in (".csv", ".xlsx")):
        raise NotFoundError(
            f"{data_dir} 中还没有办公室数据。请运行 minzheng --root {settings.root} office import 数据目录或工作簿"
            f"（示例数据：minzheng --root 新目录 init --sample）"
        )
    county, problems, _ = read_county(data_dir, settings.county_name)
    if problems:
        raise DataError(f"{data_dir} 中的办公室数据有误，请改正后用 minzheng office import 重新导入", problems=problems)
    return county


def load_office(settings, code: str) -> Office:
    county = load_county(settings)
    office = county.office(code or "")
    if office is None:
        known = "、".join(f"{o.code}（{o.name}）" for o in county.offices)
        raise NotFoundError(f"没有机构代码为 “{code}” 的民政办。已有：{known}")
    return office
