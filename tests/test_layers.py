"""The code's layout keeps its promises: dependencies run one way (plumbing at the bottom, the command
line at the top), no import of our own modules is tucked into a function to dodge a cycle, and no
module grows far past 400 lines."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
OURS = ("archive", "indexer", "generators", "commands", "cli")
SCRIPTS = ("tools", "benchmarks")      # not layered, but held to the same size rule

# lowest first; a module may import its own layer (same package) and every layer below it
LAYERS = [
    ("archive.common",),
    ("indexer",),
    ("archive.store",),
    ("generators.office",),
    ("archive.inspection",),
    ("archive.intake",),
    ("archive.access", "archive.binding", "archive.accounts"),
    ("archive.description",),   # 著录: correcting the catalog (edit, review, export/import, history)
    ("generators",),
    ("archive.jobs",),          # background jobs of the county server: ingest, bind, generate
    ("archive.rootdir",),
    ("archive.demo",),
    ("archive",),            # the public API (archive/__init__.py), used by the server and the command line
    ("archive.web",),
    ("commands",),
    ("cli",),
]
MAX_LINES = 420


def layer_of(module: str) -> tuple[int, str]:
    """(rank, package) of the longest matching prefix."""
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (best is None or len(p) > len(best[1])):
                best = (rank, p)
    assert best is not None, module
    return best


def modules():
    for path in sorted(PROJECT.glob("*.py")) + sorted(p for d in OURS for p in (PROJECT / d).rglob("*.py")):
        rel = path.relative_to(PROJECT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and parts[0] in OURS:
            yield ".".join(parts), path


def imports(module: str, path: Path):
    """(imported module, line, inside a function?) for each import of our own code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inside = {id(n) for f in funcs for n in ast.walk(f) if n is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            names = [base]
        else:
            continue
        for name in names:
            if name.split(".")[0] in OURS:
                yield name, node.lineno, id(node) in inside


ALL = list(modules())


@pytest.mark.parametrize("module,path", ALL, ids=[m for m, _ in ALL])
def test_imports_point_down(module, path):
    rank, package = layer_of(module)
    for target, line, _ in imports(module, path):
        t_rank, t_package = layer_of(target)
        assert t_rank < rank or t_package == package or (t_rank == rank and target == package), (
            f"{path.relative_to(PROJECT)}:{line} imports {target} (layer {t_package}) from layer {package}")


@pytest.mark.parametrize("module,path", ALL, ids=[m for m, _ in ALL])
def test_no_imports_of_our_code_inside_functions(module, path):
    inside = [(t, line) for t, line, fn in imports(module, path) if fn]
    assert not inside, f"{path.relative_to(PROJECT)}: imports inside functions: {inside}"


@pytest.mark.parametrize("module,path", ALL, ids=[m for m, _ in ALL])
def test_module_size(module, path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(PROJECT)} has {n} lines; split it by what the parts do"


@pytest.mark.parametrize("path", [p for d in SCRIPTS for p in sorted((PROJECT / d).glob("*.py"))],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_size(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(PROJECT)} has {n} lines; split it by what the parts do"


def test_office_data_loads_without_document_libraries():
    code = ("import sys, generators.office, archive.inspection; "
            "bad = [m for m in ('docxtpl', 'docx', 'reportlab', 'openpyxl.chart') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_search_path_loads_no_pdf_ocr_or_word_library():
    code = ("import sys, cli, archive; archive.search; "
            "bad = [m for m in ('pypdf', 'docx', 'docxtpl', 'reportlab', 'PIL', 'flask', 'lxml', 'whoosh') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_catalog_is_opened_through_its_url():
    """Every connection goes through settings.catalog_url, so a root on PostgreSQL works everywhere."""
    offenders = [f"{p.relative_to(PROJECT)}:{i}" for _, p in ALL
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "catalog.connect(" in line and "catalog_path" in line]
    assert not offenders, offenders
