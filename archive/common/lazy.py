"""Public names of a package imported on first use (PEP 562), so that `import archive` stays cheap and a
command loads only the modules it calls: a search does not import the PDF, OCR or Word libraries."""
from __future__ import annotations

import importlib
import sys
from typing import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable, Callable]:
    """Return `__getattr__` and `__dir__` for `package`, where `exports` maps each public name to the
    module (absolute, or relative to `package`) that defines it."""

    def __getattr__(name: str):
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
