"""`zhaoshang places import-osm|parks import|access|networks` — places on the command line.

    zhaoshang places import-osm FILE [--area NAME] [--json]
    zhaoshang places parks import FILE.geojson [--json]
    zhaoshang places access PARK [--speed M_PER_MIN] [--network AREA] --json
    zhaoshang places networks [--json]

With ``--json`` standard output carries one JSON object and nothing else; progress goes to standard error.
Domain errors print one line and exit non-zero.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import User
from zhaoshang.core.messages import error_message
from zhaoshang.places import services
from zhaoshang.places.categories import CODES


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("The user “%(username)s” does not exist") % {"username": username})
    return user


def _gaps_line(park: str, gaps: list[str]) -> str:
    return _("%(park)s: %(gaps)s") % {"park": park, "gaps": _("; ").join(gaps) or _("No gaps")}


class Command(BaseCommand):
    help = "Places: import OSM street networks, POIs and parks; walking access from a park."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        osm = sub.add_parser(
            "import-osm", help="Import an OSM extract (.osm, .osm.bz2, .osm.pbf) as a walking network."
        )
        osm.add_argument("file")
        osm.add_argument(
            "--area", help="area name (default: the file name); re-importing an area replaces it"
        )
        osm.add_argument("--json", action="store_true", help="print only one JSON object with the counts")
        osm.add_argument("--user", help="username recorded as the actor (default: the system)")

        parks = sub.add_parser("parks", help="Parks on the map.")
        parks_sub = parks.add_subparsers(dest="parks_verb", required=True)
        parks_import = parks_sub.add_parser(
            "import", help="Import parks from GeoJSON (Point or Polygon features with a name)."
        )
        parks_import.add_argument("file")
        parks_import.add_argument("--json", action="store_true")
        parks_import.add_argument("--user", help="username recorded as the actor (default: the system)")
        parks_sub.add_parser("list", help="List the parks.").add_argument("--json", action="store_true")

        acc = sub.add_parser(
            "access", help="POIs of each category within 5, 10 and 15 minutes' walk of a park."
        )
        acc.add_argument("park", help="park name (or id)")
        acc.add_argument(
            "--speed",
            type=float,
            help="walking speed in metres per minute (default: ZHAOSHANG_WALK_SPEED, 80)",
        )
        acc.add_argument(
            "--network", help="area of the street network (default: the one containing the park)"
        )
        acc.add_argument("--json", action="store_true", help="print only the JSON result")

        pois = sub.add_parser(
            "import-pois", help="Import POIs from a CSV/XLSX export (Amap, Tianditu, Baidu, Tencent)."
        )
        pois.add_argument("file")
        pois.add_argument(
            "--crs", choices=["wgs84", "gcj02", "bd09"], required=True, help="coordinate system of the file"
        )
        pois.add_argument(
            "--dataset", help="dataset name (default: the file name); re-importing it replaces it"
        )
        pois.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        pois.add_argument(
            "--errors",
            metavar="OUT.xlsx",
            help="write the rejected rows (row, column, value as read, problem)",
        )
        pois.add_argument("--json", action="store_true")
        pois.add_argument("--user", help="username recorded as the actor (default: the system)")

        codes = sub.add_parser("type-codes", help="List the platform type code → category table.")
        codes.add_argument("--json", action="store_true")

        gaps = sub.add_parser(
            "gaps", help="A park's gaps against the life-circle standard (GB 50180-2018 defaults)."
        )
        gaps.add_argument("park")
        gaps.add_argument("--json", action="store_true")

        compare = sub.add_parser(
            "compare", help="Compare parks side by side; export to .xlsx, .docx or .pdf."
        )
        compare.add_argument("parks", nargs="+")
        compare.add_argument("-o", "--output", help="FILE.xlsx, FILE.docx or FILE.pdf")
        compare.add_argument("--json", action="store_true")

        nets = sub.add_parser("networks", help="List the imported street networks.")
        nets.add_argument("--json", action="store_true")

        heat = sub.add_parser(
            "heat", help="Export every node's (or grid cell's) counts within 5/10/15 minutes (the heat map)."
        )
        heat.add_argument("area", help="the street network's area name")
        heat.add_argument("-o", "--output", required=True, help="FILE.csv or FILE.xlsx")
        heat.add_argument("--level", choices=["node", "grid"], default="node")
        heat.add_argument("--cell", type=float, default=services.HEAT_CELL_M, help="grid cell side in metres")

    def handle(self, *args, **options):
        verb = options["verb"]
        try:
            if verb == "import-osm":
                return self._import_osm(options)
            if verb == "parks":
                return self._parks(options)
            if verb == "access":
                return self._access(options)
            if verb == "networks":
                return self._networks(options)
            if verb == "import-pois":
                return self._import_pois(options)
            if verb == "type-codes":
                return self._type_codes(options)
            if verb == "gaps":
                return self._gaps(options)
            if verb == "compare":
                return self._compare(options)
            if verb == "heat":
                return self._heat(options)
        except services.PlacesError as exc:
            raise CommandError(error_message(exc)) from None
        raise CommandError(f"unknown verb {verb}")

    def _heat(self, options) -> None:
        from pathlib import Path

        from zhaoshang.places.models import StreetNetwork
        from zhaoshang.tabular import write_csv, write_xlsx

        network = StreetNetwork.objects.defer("data").filter(name=options["area"]).first()
        if network is None:
            raise services.PlacesError(
                _("There is no street network area named “%(area)s”") % {"area": options["area"]},
                code="network_not_found",
            )
        if not options["cell"] > 0:
            raise services.PlacesError(_("The grid cell side must be a positive number"), code="bad_cell")
        out = Path(options["output"])
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise services.PlacesError(_("The export file must be .csv or .xlsx"), code="bad_format")
        headers, rows, n = services.heat_table(network, options["level"], cell_m=options["cell"])
        if out.suffix.lower() == ".xlsx" and n >= 1_048_576:
            raise services.PlacesError(
                _("More rows than one Excel sheet holds: export per grid cell, or as CSV"),
                code="too_many_rows",
            )
        written = (write_csv if out.suffix.lower() == ".csv" else write_xlsx)(out, headers, rows)
        text = (
            _("%(file)s: %(rows)s rows (nodes)")
            if options["level"] == "node"
            else _("%(file)s: %(rows)s rows (grid cells)")
        )
        self.stdout.write(text % {"file": out, "rows": written})

    def _out(self, data, as_json: bool, text: str) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(text)

    def _import_osm(self, options) -> None:
        from tqdm import tqdm

        bar = tqdm(
            desc=_("Reading OSM elements"),
            unit=" " + _("elements"),
            unit_scale=True,
            file=sys.stderr,
            disable=None,
        )
        last = [0]

        def progress(read: int) -> None:
            bar.update(read - last[0])
            last[0] = read

        try:
            summary = services.import_osm(
                options["file"],
                area=options.get("area"),
                actor=_actor(options.get("user")),
                progress=progress,
            )
        finally:
            bar.close()
        text = (
            _(
                "Area “%(area)s” replaced: %(nodes)s nodes, %(edges)s edges (%(km)s km), %(pois)s POIs; streets left out: %(excluded)s"
            )
            if summary["replaced"]
            else _(
                "Area “%(area)s” imported: %(nodes)s nodes, %(edges)s edges (%(km)s km), %(pois)s POIs; streets left out: %(excluded)s"
            )
        ) % {
            "area": summary["area"],
            "nodes": summary["nodes"],
            "edges": summary["edges"],
            "km": summary["length_km"],
            "pois": summary["pois"],
            "excluded": summary["ways_excluded"] or _("none"),
        }
        self._out(summary, options["json"], text)

    def _parks(self, options) -> None:
        if options["parks_verb"] == "import":
            summary = services.import_parks(options["file"], actor=_actor(options.get("user")))
            text = (
                _("%(parks)s parks: %(created)s new, %(updated)s updated, %(unchanged)s unchanged") % summary
            )
            return self._out(summary, options["json"], text)
        from zhaoshang.places.models import Park

        parks = [
            {"name": p.name, "kind": p.origin_kind, "origins": len(p.origins), "lon": p.lon, "lat": p.lat}
            for p in Park.objects.order_by("name")
        ]
        self._out(
            parks,
            options["json"],
            "\n".join(f"{p['name']}\t{p['kind']}\t{p['lon']:.6f},{p['lat']:.6f}" for p in parks),
        )

    def _access(self, options) -> None:
        park = services.find_park(options["park"])
        result = services.park_access(park, speed=options.get("speed"), network_name=options.get("network"))
        if options["json"]:
            return self._out(result.as_json(), True, "")
        lines = [
            _("%(park)s (%(network)s, %(speed)s m/min)")
            % {"park": park.name, "network": result.network.name, "speed": f"{result.speed:g}"},
            _("Category") + "\t" + "\t".join(_("%(minutes)s min") % {"minutes": m} for m in result.minutes),
        ]
        for code in CODES:
            lines.append(
                services.category_label(code)
                + "\t"
                + "\t".join(str(result.counts[str(m)][code]) for m in result.minutes)
            )
        self.stdout.write("\n".join(lines))

    def _networks(self, options) -> None:
        from zhaoshang.places.models import StreetNetwork

        rows = [
            {
                "area": n.name,
                "nodes": n.node_count,
                "edges": n.edge_count,
                "bbox": [n.min_lon, n.min_lat, n.max_lon, n.max_lat],
                "imported_at": n.imported_at.isoformat(),
            }
            for n in StreetNetwork.objects.defer("data").order_by("name")
        ]
        self._out(
            rows,
            options["json"],
            "\n".join(_("%(area)s\t%(nodes)s nodes\t%(edges)s edges") % r for r in rows),
        )

    def _import_pois(self, options) -> None:
        summary = services.import_pois(
            options["file"],
            crs=options["crs"],
            dataset=options.get("dataset"),
            actor=_actor(options.get("user")),
            dry_run=options["dry_run"],
            errors_path=options.get("errors"),
        )
        head = (
            _(
                "Dataset “%(dataset)s” (%(crs)s → WGS-84) (dry run, nothing written): imported %(imported)s, rejected %(rejected)s, skipped for an unmapped type %(skipped)s"
            )
            if summary["dry_run"]
            else _(
                "Dataset “%(dataset)s” (%(crs)s → WGS-84): imported %(imported)s, rejected %(rejected)s, skipped for an unmapped type %(skipped)s"
            )
        )
        lines = [
            head
            % {
                "dataset": summary["dataset"],
                "crs": summary["crs"],
                "imported": summary["imported"],
                "rejected": summary["rejected"],
                "skipped": summary["skipped_unmapped"],
            }
        ]
        lines += [_("  Row %(row)s %(field)s “%(value)s”: %(reason)s") % i for i in summary["issues"][:20]]
        self._out(summary, options["json"], "\n".join(lines))

    def _type_codes(self, options) -> None:
        from zhaoshang.places.models import PoiTypeCode

        services.ensure_type_codes()
        rows = [
            {"prefix": t.prefix, "category": t.category, "label": t.label} for t in PoiTypeCode.objects.all()
        ]
        text = "\n".join(
            f"{r['prefix']}\t{r['category']}\t{services.category_label(r['category'])}\t{r['label']}"
            for r in rows
        )
        self._out(rows, options["json"], text)

    def _gaps(self, options) -> None:
        park = services.find_park(options["park"])
        gaps = services.park_gaps(park)
        data = {
            "park": park.name,
            "gaps": [
                {
                    "minutes": g.requirement.minutes,
                    "category": g.requirement.category,
                    "distance_m": g.requirement.distance_m,
                    "required": g.requirement.min_count,
                    "found": g.found,
                    "source": g.requirement.source,
                    "message": services.gap_message(g),
                }
                for g in gaps
            ],
        }
        self._out(data, options["json"], _gaps_line(park.name, [g["message"] for g in data["gaps"]]))

    def _compare(self, options) -> None:
        parks = [services.find_park(name) for name in options["parks"]]
        rows = services.compare_parks(parks)
        if options.get("output"):
            services.export_comparison(rows, options["output"])
        data = [{**r.access.as_json(), "gaps": r.gap_messages} for r in rows]
        text = "\n".join(_gaps_line(d["park"], d["gaps"]) for d in data)
        if options.get("output"):
            text += "\n" + _("Exported %(file)s") % {"file": options["output"]}
        self._out(data, options["json"], text)
