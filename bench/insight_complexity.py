"""Economic complexity: zhaoshang.insight.complexity against py-ecomplexity 0.5.x, same input, same process.

    .venv/bin/pip install -e '.[bench]'          # installs ecomplexity==0.5.3
    .venv/bin/python bench/insight_complexity.py --locations 2800 --activities 1200

Generates a seeded location × activity table (lognormal sizes, a nested capability structure so that the
presence matrix looks like real export data — about 28 % ones — and 35 % of the cells absent from the long table),
runs ``complexity_table(...)`` ``--repeat`` times and ``ecomplexity(...)`` (its default call, log-supermodularity
check included, ``verbose=False``; or without the check with ``--no-logsupermodularity``) on the same DataFrame in
the same process, prints wall and CPU times (median, best, worst; CPU time counts every thread of the process),
the load average, the ratios and the largest absolute difference of every result column. The machine is shared:
compare wall times of runs made under the same load, and the CPU times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd


def generate(n_loc: int, n_act: int, *, seed: int = 14, absent: float = 0.35, times=(2020,)) -> pd.DataFrame:
    """A long table (year, county, industry, value) with ``n_loc`` × ``n_act`` cells, ``absent`` of them missing."""
    rng = np.random.default_rng(seed)
    frames = []
    for year in times:
        size_loc = rng.lognormal(0, 1.5, n_loc)
        size_act = rng.lognormal(0, 1.0, n_act)
        capability = rng.uniform(0, 1, n_loc)
        complexity = rng.uniform(0, 1, n_act)
        gap = np.maximum(0, complexity[None, :] - capability[:, None])
        x = np.outer(size_loc, size_act) * np.exp(-4 * gap) * rng.lognormal(0, 1, (n_loc, n_act))
        x = np.round(x * 1000, 0)
        x[rng.uniform(size=x.shape) < absent] = 0
        li, ai = np.nonzero(x)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "county": np.char.add("L", np.char.zfill(li.astype(str), 5)),
                    "industry": np.char.add("A", np.char.zfill(ai.astype(str), 5)),
                    "value": x[li, ai],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not Unix
        return "n/a"


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s, best {min(values):.3f} s, worst {max(values):.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=2800)
    parser.add_argument("--activities", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=5, help="runs of ours (median and best reported)")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="runs of py-ecomplexity")
    parser.add_argument("--no-logsupermodularity", action="store_true", help="baseline without its check")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)

    from zhaoshang.insight.complexity import complexity_table

    data = generate(args.locations, args.activities)
    print(
        f"input: {len(data):,} rows, {args.locations:,} locations × {args.activities:,} activities, 1 time; "
        f"{os.cpu_count()} cores; load average at start {_load()}",
        flush=True,
    )
    cols = {"time": "year", "loc": "county", "prod": "industry", "val": "value"}

    ours_wall: list[float] = []
    ours_cpu: list[float] = []
    result = None
    for _ in range(max(1, args.repeat)):
        cpu = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = complexity_table(
                data, location="county", activity="industry", value="value", time="year"
            )
        ours_cpu.append(time.process_time() - cpu)
        ours_wall.append(result.seconds)
    share = float(result.frame["mcp"].mean())
    print(
        f"zhaoshang.insight.complexity, {len(ours_wall)} runs: wall {_spread(ours_wall)} (first run in this "
        f"process {ours_wall[0]:.3f} s); CPU {_spread(ours_cpu)}; route {result.methods}; "
        f"{result.rows:,} result rows; presence matrix {share:.1%} ones; load average {_load()}",
        flush=True,
    )
    if args.skip_baseline:
        return 0
    try:
        from ecomplexity import ecomplexity
    except ImportError:
        print("py-ecomplexity is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    import importlib.metadata

    version = importlib.metadata.version("ecomplexity")
    base_wall: list[float] = []
    base_cpu: list[float] = []
    reference = None
    for _ in range(max(1, args.baseline_repeat)):
        started, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = ecomplexity(
                data, cols, verbose=False, check_logsupermodularity=not args.no_logsupermodularity
            )
        base_wall.append(time.perf_counter() - started)
        base_cpu.append(time.process_time() - cpu)
    check = "without" if args.no_logsupermodularity else "with"
    print(
        f"py-ecomplexity {version} ({check} its log-supermodularity check), {len(base_wall)} runs: wall "
        f"{_spread(base_wall)}; CPU {_spread(base_cpu)}; load average {_load()}",
        flush=True,
    )
    bw, bc = statistics.median(base_wall), statistics.median(base_cpu)
    print(
        f"ratio (baseline median / ours): wall {bw / statistics.median(ours_wall):.1f}× against our median, "
        f"{bw / min(ours_wall):.1f}× against our best; CPU {bc / statistics.median(ours_cpu):.1f}× against our "
        f"median, {bc / min(ours_cpu):.1f}× against our best"
    )

    mine = result.frame.astype({"county": str, "industry": str, "year": int})
    merged = reference.merge(mine, on=["year", "county", "industry"], suffixes=("_ref", "_ours"))
    assert len(merged) == len(reference) == len(mine), (len(merged), len(reference), len(mine))
    worst = {}
    for col in ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"):
        a = merged[f"{col}_ref"].to_numpy(dtype=float)
        b = merged[f"{col}_ours"].to_numpy(dtype=float)
        worst[col] = float(np.nanmax(np.abs(a - b)))
    print("largest absolute difference: " + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))
    return 0 if max(worst.values()) <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
