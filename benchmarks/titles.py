"""Title-guess accuracy on documents laid out the way real ones are (tests/title_corpus.py: statutes,
公文, reports, minutes, notices, applications, ledgers, wall boards as .docx/.pdf/.txt/.ofd/.xlsx).

    .venv/bin/python benchmarks/titles.py [--n 160] [--seed 7] [--misses] [--md DIR --md-limit 180]

Each file is extracted with the ingest's own extract(); "before" is the title guess of the code as it was
before titles were read from the layout (indexer/docmeta.py at BASELINE, from git: normalised text only,
the file's name when it found nothing or failed), "after" is today's guess_metadata with the first page's
layout. A guess counts when it equals the true title (whitespace ignored). Prints one row per kind of
document and per layout. Not a test: tests/test_title_guess.py checks a smaller sample.

`--md DIR` adds real documents kept as Markdown whose first line is `# 题名` (for instance a checkout of the
public statute collection LawRefBook/Laws): each is written as a plain .docx (one paragraph per line, as a
text pasted into Word) and as a .txt, and measured the same way (rows "md").
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import types
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))

import title_corpus

from archive.common.tables import format_table
from indexer import extract, guess_metadata, normalize

BASELINE = "2b5f01a"          # the last commit before titles were guessed from the layout


def baseline_guess():
    """guess_metadata as it was at BASELINE, or None when git cannot show it."""
    try:
        src = subprocess.run(["git", "-C", str(PROJECT), "show", f"{BASELINE}:indexer/docmeta.py"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    mod = types.ModuleType("docmeta_before")
    exec(compile(src, "docmeta_before.py", "exec"), mod.__dict__)  # noqa: S102 - our own file at BASELINE
    return mod.guess_metadata


def same(guess: str | None, truth: str) -> bool:
    return bool(guess) and "".join(normalize(guess).split()) == "".join(normalize(truth).split())


def markdown_docs(folder: Path, limit: int, out: Path) -> list[title_corpus.TitleDoc]:
    """Real documents from Markdown files (`# 题名` first), as .docx and .txt in `out`."""
    import docx

    docs = []
    files = sorted(p for p in folder.rglob("*.md") if p.name.lower() != "readme.md")
    random.Random(5).shuffle(files)                      # a sample across the collection's folders
    for i, md in enumerate(files):
        lines = [ln.strip() for ln in md.read_text(encoding="utf-8", errors="replace").splitlines()]
        lines = [ln.lstrip("#").strip() if ln.startswith("#") else ln for ln in lines
                 if ln and not ln.startswith("<!--")]
        first = md.read_text(encoding="utf-8", errors="replace").lstrip().split("\n", 1)[0]
        if not lines or not first.startswith("# "):
            continue
        d = docx.Document()
        for ln in lines[:400]:
            d.add_paragraph(ln)
        d.save(out / f"md{i:04d}.docx")
        (out / f"md{i:04d}.txt").write_text("\n".join(lines), encoding="utf-8")
        docs += [title_corpus.TitleDoc(out / f"md{i:04d}.{x}", "md", lines[0], f"md-{x}") for x in ("docx", "txt")]
        if len(docs) >= 2 * limit:
            break
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=160, help="documents in the corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--misses", action="store_true", help="list the titles still guessed wrong")
    ap.add_argument("--md", type=Path, help="a folder of real documents as Markdown, first line `# 题名`")
    ap.add_argument("--md-limit", type=int, default=180, help="how many of them")
    args = ap.parse_args()
    before_fn = baseline_guess()
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])   # n, before, after, before crashed
    misses = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="minzheng-titles-") as tmp:
        docs = title_corpus.build(Path(tmp), args.n, args.seed)
        if args.md:
            (Path(tmp) / "md").mkdir()
            docs += markdown_docs(args.md, args.md_limit, Path(tmp) / "md")
        t_build = time.perf_counter() - t0
        for doc in docs:
            ex = extract(doc.path, title_corpus.FILE_KIND[doc.path.suffix[1:]])
            text = "\n".join(ex.pages)
            stem = doc.path.stem
            if before_fn is not None:
                try:
                    before = before_fn(text[:20000]).get("title") or stem
                    crashed = 0
                except Exception:  # noqa: BLE001 - the old code raised on some texts (ISO dates)
                    before, crashed = stem, 1
            else:
                before, crashed = None, 0
            after = guess_metadata(text[:20000], head=ex.head or None).get("title") or stem
            for key in ((doc.kind, "*"), ("*", doc.layout), ("*", "*")):
                r = rows[key]
                r[0] += 1
                r[1] += same(before, doc.title)
                r[2] += same(after, doc.title)
                r[3] += crashed
            if not same(after, doc.title):
                misses.append((doc.path.name, doc.kind, doc.layout, doc.title, after))
    seconds = time.perf_counter() - t0

    def pct(a: int, n: int) -> str:
        return f"{a}/{n} ({100 * a / n:.0f}%)" if n else "-"

    table = []
    for (kind, layout), (n, b, a, c) in sorted(rows.items(), key=lambda kv: (kv[0] == ("*", "*"), kv[0][0] == "*",
                                                                            kv[0])):
        table.append({"kind": kind if kind != "*" else "（全部）", "layout": layout if layout != "*" else "（全部）",
                      "n": n, "before": pct(b, n) if before_fn else "n/a", "crashed": c if before_fn else "n/a",
                      "after": pct(a, n)})
    print(format_table(table, [("kind", "文件种类"), ("layout", "版式"), ("n", "件数"), ("before", "修改前题名正确"),
                               ("crashed", "修改前出错"), ("after", "修改后题名正确")]))
    print(f"语料 {len(docs)} 件（种子 {args.seed}），生成 {t_build:.1f} 秒，共用时 {seconds:.1f} 秒；"
          f"修改前 = {BASELINE} 的 indexer/docmeta.py")
    if args.misses:
        for m in misses:
            print("  ", *m, sep=" | ")


if __name__ == "__main__":
    main()
