"""Benchmark minzheng generate. Prints a table: seconds, documents/s, peak RSS.

    .venv/bin/python benchmarks/generate.py [--rows 5000] [--keep DIR]

Each scenario runs in its own Python process so its peak RSS is its own (LibreOffice's is shown
separately as the children's peak). Targets: docx set < 2 s; 5,000-row ledger < 5 s as
docx and as xlsx, < 30 s as PDF; PDF conversion of one office's set < 30 s.
"""
from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2025, 12, 31)
SCENARIOS = [
    ("docx-set", "一个民政办的全套 .docx（含 .xlsx 台账）", 2),
    ("ledger-docx", "大台账 .docx", 5),
    ("ledger-xlsx", "大台账 .xlsx", 5),
    ("ledger-pdf", "大台账 PDF（reportlab 直接绘制）", 30),
    ("pdf-set", "一个民政办全套 .docx → PDF（一个 LibreOffice 进程）", 30),
]


def big_office(office, rows: int):
    from generators.office.idnumber import check_digit

    big = copy.deepcopy(office)
    base = office.recipients_of("TK")[0]
    out = []
    for i in range(rows):
        first17 = f"4399211950{i // 1000 + 1:02d}01{i % 1000:03d}"[:17]
        r = copy.deepcopy(base)
        r.name, r.id_number, r.amount, r.village = f"测试{i:05d}", first17 + check_digit(first17), 900 + i % 7, \
            office.villages[i % len(office.villages)]
        out.append(r)
    big.recipients = [r for r in office.recipients if r.category != "TK"] + out
    return big


def run_scenario(name: str, root: Path, rows: int) -> dict:
    import archive
    import generators
    from generators.ledger import ledger_context, ledger_specs
    from generators.pdf import convert_with_soffice, ledger_pdf
    from generators.render import find_template, render_docx
    from generators.xlsx_ledger import write_ledger_xlsx

    settings = archive.load_settings(root)
    out = root / "bench" / name
    out.mkdir(parents=True, exist_ok=True)
    docs = 0
    if name in ("docx-set", "pdf-set"):
        t = time.perf_counter()
        report = generators.generate_documents(settings, "QSZ", ["all"], year=2025, out_dir=out, today=TODAY)
        elapsed = time.perf_counter() - t
        docs = len(report.files)
        if name == "pdf-set":
            docx = [p for p in report.files if p.suffix == ".docx"]
            t = time.perf_counter()
            docs = len(convert_with_soffice(docx))
            elapsed = time.perf_counter() - t
    else:
        office = big_office(generators.load_office(settings, "QSZ"), rows)
        spec = next(s for s in ledger_specs(office, 2025) if s.key == "TK")
        t = time.perf_counter()
        if name == "ledger-docx":
            render_docx(find_template(settings, "ledger.docx", office.code),
                        ledger_context(settings, office, spec, 2025, TODAY), out / "big.docx")
        elif name == "ledger-xlsx":
            write_ledger_xlsx(office, spec, 2025, TODAY, out / "big.xlsx")
        else:
            ledger_pdf(office, spec, 2025, TODAY, out / "big.pdf")
        elapsed = time.perf_counter() - t
        docs = 1
    return {"seconds": elapsed, "docs": docs,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5000, help="rows of the big ledger (default 5000)")
    ap.add_argument("--keep", type=Path, help="use/keep this directory for the sample root")
    ap.add_argument("--scenario", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario, args.root, args.rows)))
        return

    import archive

    base = args.keep or Path(tempfile.mkdtemp(prefix="minzheng-bench-"))
    root = base / "root"
    if not (root / "minzheng.toml").exists():
        archive.init_root(root, sample=True)
    print(f"样本：{root}（青山县 QSZ 青山镇；大台账 {args.rows} 行）", file=sys.stderr)
    header = f"{'scenario':<13} {'seconds':>8} {'docs':>5} {'docs/s':>8} {'peak RSS MB':>11} {'child RSS MB':>14} {'target s':>8}  说明"
    print(header)
    print("-" * len(header.encode("gbk", "replace")))
    for name, label, target in SCENARIOS:
        proc = subprocess.run([sys.executable, __file__, "--scenario", name, "--root", str(root),
                               "--rows", str(args.rows)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name:<13} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        rate = r["docs"] / r["seconds"] if r["seconds"] else float("inf")
        ok = "ok" if r["seconds"] < target else "SLOW"
        child = f"{r['child_rss_mb']:.0f}" if r["child_rss_mb"] else "-"
        print(f"{name:<13} {r['seconds']:>8.2f} {r['docs']:>5} {rate:>8.1f} {r['rss_mb']:>11.0f} {child:>14} "
              f"{'<' + str(target):>8}  {label} {ok}")
    if not args.keep:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
