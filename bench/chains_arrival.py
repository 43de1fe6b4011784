"""Benchmark: firms classified on arrival — a registry import that places its new firms on chain nodes.

    .venv/bin/python bench/chains_arrival.py --rows 100000

Writes a seeded CSV of firms (the generator of bench/chains_classify.py: ~200-character scopes, 40 % naming chain
products, 30 % with a chain industry code), then imports it twice, each in its own process on a fresh SQLite
database with the three shipped chains loaded: once with the chains' firms-changed hook (the product: the import
reports done when every new firm is on its nodes) and once without it (baseline: the registry import alone).
Reports time, rows/s, the assignments written, the classification's own cost (the difference) and peak memory
(ru_maxrss of the importing process; the limit is 1 GB at 1,000,000 rows).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _django(var_dir: str) -> None:
    os.environ["ZHAOSHANG_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()


def _child(task: str, var_dir: str, path: str) -> dict:
    _django(var_dir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zhaoshang.accounts.services import ensure_organisation
    from zhaoshang.chains import services as chains
    from zhaoshang.chains.models import NodeAssignment
    from zhaoshang.core import hooks
    from zhaoshang.registry.services import import_enterprises

    org = ensure_organisation(None, code="bench-city", name="基准测试市", kind="city", region_code="430200")
    chains.load_builtin_chains(None)
    if task == "without":
        hooks._firms_changed.clear()  # the baseline: the registry import alone
    progress = {"calls": 0}

    def tick(done: int, total: int) -> None:
        progress["calls"] += 1

    started = time.perf_counter()
    result = import_enterprises(None, Path(path), org, progress=tick)
    seconds = time.perf_counter() - started
    return {
        "rows": result.counts["read"],
        "created": result.counts["created"],
        "assignments": NodeAssignment.objects.count(),
        "seconds": round(seconds, 1),
        "rows_per_second": round(result.counts["read"] / seconds),
        "progress_calls": progress["calls"],
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _write_csv(rows: int, path: Path) -> None:
    from chains_classify import chain_words, generate

    from zhaoshang.chains.analysis.spec import load_directory

    words, codes = chain_words(load_directory())
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["企业名称", "经营范围", "简介", "行业代码", "行政区划代码"])
        for i, (name, scope, desc, code) in enumerate(generate(rows, words, codes)):
            out.writerow([f"{name}{i}", scope, desc, code, "430211" if i % 3 else "430104"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "firms.csv"
        t0 = time.perf_counter()
        _write_csv(args.rows, path)
        print(f"generated {args.rows:,} firms in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        results = {}
        for task in ("with", "without"):
            var = Path(tmp) / task
            var.mkdir()
            done = subprocess.run(
                [sys.executable, __file__, "--child", task, str(var), str(path)],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if done.returncode:
                raise SystemExit(done.stderr[-3000:])
            results[task] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{task} classification: {results[task]}", file=sys.stderr)
    w, wo = results["with"], results["without"]
    cost = w["seconds"] - wo["seconds"]
    print(
        json.dumps(
            {
                "rows": args.rows,
                "import_with_classification": w,
                "import_alone": wo,
                "classification_seconds": round(cost, 1),
                "classified_firms_per_second": round(w["created"] / cost) if cost > 0 else None,
                "ratio_with_vs_alone": round(w["seconds"] / wo["seconds"], 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
