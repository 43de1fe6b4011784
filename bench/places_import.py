"""Importing a 1,000,000-node OSM extract: time and peak memory of `zhaoshang places import-osm`.

    .venv/bin/python bench/places_import.py                 # 1000 × 1000 grid = 1,000,000 nodes
    .venv/bin/python bench/places_import.py --side 300      # smaller

Writes a synthetic ``.osm.pbf`` with pyosmium (a street grid: one way per row and per column, every tenth
row a motorway that must not be walked, 1 % of the nodes tagged as POIs), then runs the real command in a
child process against a fresh SQLite database (or ``DATABASE_URL``) and reports wall time and the child's
peak resident memory (the project's goal: ≤ 1 GB for 1,000,000 nodes).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POI_TAGS = [
    ("amenity", "cafe"),
    ("amenity", "restaurant"),
    ("shop", "convenience"),
    ("highway", "bus_stop"),
    ("amenity", "school"),
]


def write_grid(path: Path, side: int) -> int:
    import osmium

    spacing = 0.0005  # about 50 m
    writer = osmium.SimpleWriter(str(path))
    try:
        for j in range(side):
            for i in range(side):
                nid = j * side + i + 1
                tags = {}
                if nid % 100 == 0:
                    k, v = POI_TAGS[(nid // 100) % len(POI_TAGS)]
                    tags = {k: v, "name": f"poi {nid}"}
                writer.add_node(
                    osmium.osm.mutable.Node(
                        id=nid, location=(113.0 + i * spacing, 27.8 + j * spacing), tags=tags
                    )
                )
        wid = 1
        for j in range(side):
            highway = "motorway" if j % 10 == 5 else "residential"
            writer.add_way(
                osmium.osm.mutable.Way(
                    id=wid, nodes=[j * side + i + 1 for i in range(side)], tags={"highway": highway}
                )
            )
            wid += 1
        for i in range(side):
            writer.add_way(
                osmium.osm.mutable.Way(
                    id=wid, nodes=[j * side + i + 1 for j in range(side)], tags={"highway": "footway"}
                )
            )
            wid += 1
    finally:
        writer.close()
    return side * side


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--side", type=int, default=1000)
    args = parser.parse_args()
    zhaoshang = str(ROOT / ".venv" / "bin" / "zhaoshang")
    with tempfile.TemporaryDirectory(prefix="places-bench-") as tmp:
        tmp_path = Path(tmp)
        pbf = tmp_path / "grid.osm.pbf"
        t = time.perf_counter()
        n = write_grid(pbf, args.side)
        print(
            f"wrote {pbf.name}: {n:,} nodes, {2 * args.side:,} ways, {pbf.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s"
        )
        env = {**os.environ, "ZHAOSHANG_VAR_DIR": str(tmp_path / "var")}
        subprocess.run([zhaoshang, "migrate", "-v0"], check=True, env=env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        out = subprocess.run(
            [zhaoshang, "places", "import-osm", str(pbf), "--json"],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(out.stdout.strip())
        print(f"import-osm: {elapsed:.1f} s ({n / elapsed:,.0f} nodes/s)")
        note = "" if peak > before else " (no higher than the migrate step)"
        print(f"peak RSS of the import process: {peak / 1024:.0f} MB{note}")


if __name__ == "__main__":
    sys.exit(main())
