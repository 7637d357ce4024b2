"""minzheng demo: build the sample county's archive from scratch and run every job on it."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .errors import RootError


def run_demo(root: Path | str) -> Iterator[str]:
    """Yields progress lines (Chinese) as each step finishes."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise RootError(f"{root} 不是空目录。demo 只在新目录上运行，请换一个 --root，或先删除该目录")
    from .rootdir import init_root

    settings = init_root(root, sample=True)
    yield f"1. 已创建示例县“{settings.county_name}”的档案根目录：{settings.root}"
    # --- step: generate (issue 3) ---
    # --- step: ingest historic files + searches (issue 4) ---
    # --- step: ingest household files (issue 6) ---
    # --- step: bind (issue 5) ---
    # --- step: completeness report (issue 6) ---
    # --- step: search page hint (issue 7) ---
    import shlex

    yield "在浏览器中检索（只读，只在本机访问）：运行"
    yield f"    minzheng --root {shlex.quote(str(settings.root))} serve"
    yield "  然后打开 http://127.0.0.1:8080/ ，例如 http://127.0.0.1:8080/?q=低保 ；按 Ctrl+C 停止。"
