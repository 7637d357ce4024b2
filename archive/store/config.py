"""Settings: built-in defaults (templates/county-defaults.toml) < ROOT/minzheng.toml < options."""
from __future__ import annotations

import copy
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from archive.common.errors import ConfigError, RootError
from archive.common.files import atomic_write_text

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PROJECT_DIR / "templates"
SAMPLES_DIR = PROJECT_DIR / "samples"
DEFAULTS_FILE = TEMPLATES_DIR / "county-defaults.toml"
CONFIG_NAME = "minzheng.toml"
CATALOG_URL_ENV = "MINZHENG_CATALOG_URL"
DEFAULT_ROOT = "./minzheng-data"


def default_root() -> Path:
    return Path(os.environ.get("MINZHENG_ROOT") or DEFAULT_ROOT)


def read_toml(path: Path) -> dict:
    """Read a TOML file; a syntax error becomes a ConfigError naming the file and line."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {path}")
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} 格式错误：{e}。请按 TOML 语法修改后重试")


def merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


@dataclass
class Settings:
    """Everything a command needs to know about one archive root."""

    root: Path
    data: dict = field(default_factory=dict)

    # --- paths in the root (DESIGN.md "The archive root") ---
    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog.sqlite3"

    @property
    def catalog_url(self) -> str | Path:
        """Where the catalog lives: $MINZHENG_CATALOG_URL, else [catalog] url in minzheng.toml
        (`postgresql://user@host/db`), else the SQLite file in the root."""
        url = os.environ.get(CATALOG_URL_ENV) or self.data.get("catalog", {}).get("url")
        return url or self.catalog_path

    @property
    def objects_dir(self) -> Path:
        return self.root / "objects"

    @property
    def text_dir(self) -> Path:
        return self.root / "text"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def volumes_dir(self) -> Path:
        return self.root / "volumes"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    @property
    def data_dir(self) -> Path:
        """The county's office data files (CSV/XLSX)."""
        return self.root / "data"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    # --- frequently used values ---
    @property
    def county_name(self) -> str:
        return self.data["county"]["name"]

    @property
    def fonds(self) -> str:
        return self.data["county"]["fonds"]

    @property
    def index_backend(self) -> str:
        return self.data.get("index", {}).get("backend", "tantivy")

    @property
    def categories(self) -> dict[str, str]:
        return dict(self.data.get("categories", {}))

    @property
    def retentions(self) -> dict[str, str]:
        return dict(self.data.get("retention", {}))

    def get(self, section: str, key: str, default=None):
        return self.data.get(section, {}).get(key, default)

    def resource(self, kind: str, name: str, suffix: str = ".toml", office: str | None = None) -> Path:
        """Find a named resource (profile, rules, template): office override, then root, then built-in."""
        candidates = []
        if office:
            candidates.append(self.root / kind / office / f"{name}{suffix}")
        candidates.append(self.root / kind / f"{name}{suffix}")
        candidates.append(TEMPLATES_DIR / kind / f"{name}{suffix}")
        for c in candidates:
            if c.is_file():
                log.debug("使用 %s", c)
                return c
        known = sorted({p.name.removesuffix(suffix) for d in {c.parent for c in candidates} if d.is_dir()
                        for p in d.glob(f"*{suffix}")})
        hint = f"可用的有：{'、'.join(known)}" if known else "还没有任何可用的"
        raise ConfigError(f"找不到 {kind}/{name}{suffix}（查找过：{', '.join(str(c) for c in candidates)}）。{hint}")


def load_defaults() -> dict:
    return read_toml(DEFAULTS_FILE)


def load_settings(root: Path | str | None = None, *, require_init: bool = True, overrides: dict | None = None) -> Settings:
    root = Path(root) if root is not None else default_root()
    data = load_defaults()
    cfg = root / CONFIG_NAME
    if cfg.is_file():
        log.debug("读取 %s", cfg)
        data = merge(data, read_toml(cfg))
    elif require_init:
        raise RootError(
            f"{root} 不是已初始化的档案根目录（缺少 {CONFIG_NAME}）。"
            f"请先运行：minzheng --root {root} init"
        )
    if overrides:
        data = merge(data, overrides)
    _check(data)
    return Settings(root=root, data=data)


def _check(data: dict) -> None:
    fonds = str(data.get("county", {}).get("fonds", ""))
    if len(fonds) != 4:
        raise ConfigError(f"minzheng.toml 中 county.fonds（全宗号）应为 4 个字符，现为 “{fonds}”")
    backend = data.get("index", {}).get("backend", "tantivy")
    if backend not in ("tantivy", "whoosh", "postgres"):
        raise ConfigError(f"minzheng.toml 中 index.backend 只能是 tantivy、whoosh 或 postgres，现为 “{backend}”")


def set_setting(settings: Settings, section: str, key: str, value: str | None) -> None:
    """Rewrite `[section] key = "value"` in the root's minzheng.toml, other lines untouched; None removes it."""
    cfg = settings.config_file
    text = cfg.read_text(encoding="utf-8") if cfg.is_file() else ""
    line = "" if value is None else f'{key} = "{value}"'
    head = re.search(rf"(?m)^\[{re.escape(section)}\]\s*$", text)
    if head:
        end = re.search(r"(?m)^\[", text[head.end():])
        body_end = head.end() + (end.start() if end else len(text) - head.end())
        body = text[head.end():body_end]
        pattern = rf'(?m)^{re.escape(key)}\s*=.*\n?'
        if re.search(pattern, body):
            body = re.sub(pattern, (line + "\n") if line else "", body, count=1)
        elif line:
            body = "\n" + line + body
        text = text[:head.end()] + body + text[body_end:]
    elif line:
        text = text.rstrip("\n") + f"\n\n[{section}]\n{line}\n"
    atomic_write_text(cfg, text)
    sect = settings.data.setdefault(section, {})
    if value is None:
        sect.pop(key, None)
    else:
        sect[key] = value
