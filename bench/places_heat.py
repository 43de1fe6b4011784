"""The walking heat map of a city-sized network: first view (all-node counts computed), cached views, exports.

    .venv/bin/python bench/places_heat.py                # 300 × 300 grid = 90,000 nodes (streets drawn as 200 m cells)
    .venv/bin/python bench/places_heat.py --side 200     # 40,000 nodes, ≤ 150,000 segments: drawn as streets

Writes the synthetic street grid of ``bench/places_import.py`` (1 % of the nodes tagged as POIs), imports it into
a fresh SQLite database with the real ``import-osm``, then in this process times ``GET /places/heat/`` through
Django's test client: the first view (which computes the all-node counts), the same view again and other
categories/minutes (cached), and the two exports. Baseline: ``services.node_counts`` alone (the uncached counts)
in the same process. Wall and CPU (``time.process_time``) times are printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from places_import import write_grid  # noqa: E402


def timed(label: str, fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label}: {time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} s CPU")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--side", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="places-heat-") as tmp:
        os.environ.update(
            {
                "ZHAOSHANG_VAR_DIR": tmp,
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "ZHAOSHANG_ENV": "test",
            }
        )
        sys.path.insert(0, str(ROOT / "src"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from zhaoshang.accounts.models import User
        from zhaoshang.places import services
        from zhaoshang.places.models import StreetNetwork

        call_command("migrate", verbosity=0)
        pbf = Path(tmp) / "grid.osm.pbf"
        n = write_grid(pbf, args.side)
        timed(f"import-osm of {n:,} nodes", lambda: services.import_osm(pbf, area="grid"))
        network = StreetNetwork.objects.defer("data").get(name="grid")
        print(f"network: {network.node_count:,} nodes, {network.edge_count:,} segments")
        services.load_network(network)  # the graph is loaded once per process, as a server has it
        timed(
            "baseline: services.node_counts (uncached all-node counts)", lambda: services.node_counts(network)
        )
        user = User.objects.create_superuser("bench", password="x")
        client = Client()
        client.force_login(user)
        url = f"/places/heat/?network={network.pk}"

        def get(query=""):
            response = client.get(url + query)
            assert response.status_code == 200, response.status_code
            return len(response.content)

        size = timed("first view (counts computed, layer drawn)", get)
        print(f"  page {size / 1e6:.2f} MB")
        timed("same view again (cached)", get)
        timed("another category and minutes, htmx (cached)", lambda: get("&category=school&minutes=5"))

        def export(fmt, level):
            response = client.get(f"/places/heat/export.{fmt}?network={network.pk}&level={level}")
            return sum(len(chunk) for chunk in response.streaming_content)

        size = timed("export per node, CSV", lambda: export("csv", "node"))
        print(f"  {size / 1e6:.1f} MB")
        size = timed("export per 200 m cell, XLSX", lambda: export("xlsx", "grid"))
        print(f"  {size / 1e6:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
