"""Places pages: parks compared side by side (table + radar), one park on an offline vector map."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.scoping import get_for_user, in_scope, require, visible
from zhaoshang.core.errors import DomainError
from zhaoshang.core.locking import StaleEdit
from zhaoshang.core.messages import error_message
from zhaoshang.pipeline.models import Carrier
from zhaoshang.places import access as core
from zhaoshang.places import services
from zhaoshang.places.categories import CATEGORIES, CODES
from zhaoshang.places.models import Park, StreetNetwork
from zhaoshang.web.exports import file_download

MINUTE_COLOURS = {5: "#2e7d32", 10: "#f9a825", 15: "#c62828"}


def tile_layer(west: float, south: float, east: float, north: float, frame: dict) -> list[dict]:
    """The intranet tiles (``ZHAOSHANG_MAP_TILE_URL``) under a map's box, placed in the map's metre frame:
    ``{"url", "x0", "y0", "x1", "y1"}`` (south-west and north-east corners). None when no tile URL is set."""
    from django.conf import settings

    from zhaoshang.places.coords import tiles_covering

    template = getattr(settings, "PLACES_MAP_TILE_URL", "")
    if not template:
        return []
    out = []
    for z, x, y, w, s, e, n in tiles_covering(west, south, east, north, crs=settings.PLACES_MAP_TILE_CRS):
        out.append(
            {
                "url": template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)),
                "x0": round((w - frame["lon0"]) * frame["kx"], 1),
                "y0": round((s - frame["lat0"]) * frame["ky"], 1),
                "x1": round((e - frame["lon0"]) * frame["kx"], 1),
                "y1": round((n - frame["lat0"]) * frame["ky"], 1),
            }
        )
    return out


def _allow_tiles(response):
    """The map pages may load images from the intranet tile server (only they, and only when it is set)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    from zhaoshang.web.security import POLICY

    template = getattr(settings, "PLACES_MAP_TILE_URL", "")
    if template:
        parts = urlsplit(template)
        origin = f"{parts.scheme}://{parts.netloc}"
        response.headers["Content-Security-Policy"] = POLICY.replace(
            "img-src 'self'", f"img-src 'self' {origin}"
        )
    return response


def _selected_parks(request, parks):
    ids = [int(x) for x in request.GET.getlist("park") if x.isdigit()]
    if ids:
        chosen = [p for p in parks if p.pk in ids]
        if not chosen:
            raise Http404
        return chosen
    return list(parks[:2])


def index(request):
    require(request.user, "park_site", "view")
    parks = list(visible(request.user, Park.objects.select_related("organisation")))
    selected = _selected_parks(request, parks) if parks else []
    rows, error = [], ""
    try:
        rows = services.compare_parks(selected)
    except services.PlacesError as exc:
        error = error_message(exc)
    table = [
        {
            "label": c.label_zh if request.LANGUAGE_CODE.startswith("zh") else c.label_en,
            "code": c.code,
            "values": [[r.access.counts[str(m)][c.code] for m in core.DEFAULT_MINUTES] for r in rows],
        }
        for c in CATEGORIES
    ]
    radar = {
        "indicators": [{"name": t["label"], "max": max([1] + [v[-1] for v in t["values"]])} for t in table],
        "series": [{"name": r.park.name, "value": [r.access.counts["15"][c] for c in CODES]} for r in rows],
    }
    return TemplateResponse(
        request,
        "places/index.html",
        {
            "parks": parks,
            "selected_ids": [p.pk for p in selected],
            "rows": rows,
            "table": table,
            "radar": radar,
            "minutes": core.DEFAULT_MINUTES,
            "speed": services.walk_speed(),
            "error": error,
            "query": request.GET.urlencode(),
        },
    )


def export_file(request, fmt: str):
    require(request.user, "park_site", "view")
    if fmt not in ("xlsx", "docx"):
        raise Http404
    parks = list(visible(request.user, Park.objects.all()))
    selected = _selected_parks(request, parks)
    if not selected:
        raise Http404
    rows = services.compare_parks(selected)
    return file_download(
        f"{_('Park amenities compared')}.{fmt}",
        f".{fmt}",
        lambda path: services.export_comparison(rows, path),
    )


def _map_data(park: Park, carriers=()) -> dict:
    """Vector layers in local metres around the park: network, isochrone segments, POIs, the park."""
    network = services._network_with_data(services.network_for_point(park.lon, park.lat))
    data = services.load_network(network)
    origin_nodes, _offsets = services._origin_nodes(park, data)
    limits = core.limits_for(core.DEFAULT_MINUTES, services.walk_speed())
    lon0, lat0 = park.lon, park.lat
    kx, ky = core.metres_per_degree(lat0)

    def xy(lon, lat):
        return [round((lon - lon0) * kx, 1), round((lat - lat0) * ky, 1)]

    g = data.graph
    us, vs, ds = core.reachable_edges(g, origin_nodes, float(limits[-1]) * 1.6)
    background, bands = [], {m: [] for m in core.DEFAULT_MINUTES}
    for u, v, d in zip(us, vs, ds, strict=True):
        seg = [xy(g.lon[u], g.lat[u]), xy(g.lon[v], g.lat[v])]
        for m, limit in zip(core.DEFAULT_MINUTES, limits, strict=True):
            if d <= limit + core.EPSILON_M:
                bands[m].append(seg)
                break
        else:
            background.append(seg)
    lon, lat, cats = services.pois_for_network(network)
    radius = float(limits[-1]) * 1.6
    pois = []
    for x, y, c in zip(lon, lat, cats, strict=True):
        p = xy(x, y)
        if abs(p[0]) <= radius and abs(p[1]) <= radius:
            pois.append([p[0], p[1], CODES[c]])
    shape = []
    if park.geometry.get("type") == "Polygon":
        shape = [xy(x, y) for x, y in park.geometry["coordinates"][0]]
    placed = []
    for carrier in carriers:
        site = getattr(carrier, "site", None)
        if site is not None:
            placed.append({"name": carrier.name, "xy": xy(site.lon, site.lat)})
    frame = {"lon0": lon0, "lat0": lat0, "kx": kx, "ky": ky}
    return {
        # how the page turns a tap back into WGS-84: lon = lon0 + x / kx, lat = lat0 + y / ky
        "frame": frame,
        "tiles": tile_layer(
            lon0 - radius / kx, lat0 - radius / ky, lon0 + radius / kx, lat0 + radius / ky, frame
        ),
        "carriers": placed,
        "background": background,
        "bands": [
            {"minutes": m, "colour": MINUTE_COLOURS.get(m, "#555"), "segments": bands[m]}
            for m in core.DEFAULT_MINUTES
        ],
        "pois": pois,
        "park": {"name": park.name, "shape": shape, "origins": [xy(o[0], o[1]) for o in park.origins]},
        "categories": {c.code: services.category_label(c.code) for c in CATEGORIES},
    }


def park_detail(request, pk: int, *, error: str = "", status: int = 200, posted=None):
    park = get_for_user(request.user, Park.objects.select_related("organisation"), pk)
    result, gaps, map_data = None, [], None
    carriers = []
    if park.organisation_id:
        carriers = list(
            visible(request.user, Carrier.objects.filter(organisation=park.organisation)).select_related(
                "site"
            )
        )
    try:
        result = services.park_access(park)
        gaps = services.park_gaps(park)
        map_data = _map_data(park, carriers)
    except services.PlacesError as exc:
        error = error or error_message(exc)
    counts = []
    if result:
        counts = [
            {
                "label": c.label_zh if request.LANGUAGE_CODE.startswith("zh") else c.label_en,
                "values": [result.counts[str(m)][c.code] for m in result.minutes],
            }
            for c in CATEGORIES
        ]
    movable = set(
        visible(request.user, Carrier.objects.filter(pk__in=[c.pk for c in carriers]), "change").values_list(
            "pk", flat=True
        )
    )
    placeable = []
    for c in carriers:
        if c.pk in movable:
            site = getattr(c, "site", None)  # a carrier not yet placed has none
            placeable.append(
                {
                    "carrier": c,
                    "target": f"carrier:{c.pk}",
                    "site": site,
                    "version": (site.version or 0) if site else 0,
                }
            )
    can_place_park = in_scope(request.user, park, "change")
    response = TemplateResponse(
        request,
        "places/park.html",
        {
            "park": park,
            "result": result,
            "counts": counts,
            "gaps": [services.gap_message(g) for g in gaps],
            "map_data": map_data,
            "carriers": carriers,
            "placeable": placeable,
            "can_place_park": can_place_park,
            "can_place": bool(map_data) and (can_place_park or bool(placeable)),
            "is_polygon": park.geometry.get("type") in ("Polygon", "MultiPolygon"),
            "posted": posted or {},
            "error": error,
            "minutes": core.DEFAULT_MINUTES,
            "speed": services.walk_speed(),
            "title": _("Walking access"),
        },
        status=status,
    )
    return _allow_tiles(response)


def _version(value) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise services.PlacesError(
            _("The form's version is not a number; reload the page."), code="bad_version"
        )
    return int(text)


@require_POST
def place(request, pk: int):
    """A park's point (or gate) or one of its carriers placed by hand on the map; the park's access is redone."""
    park = get_for_user(request.user, Park.objects.select_related("organisation"), pk)
    post = request.POST
    target = post.get("target", "")
    lon, lat = post.get("lon", ""), post.get("lat", "")
    try:
        if target in ("park", "park_boundary"):
            park = get_for_user(request.user, Park.objects.select_related("organisation"), pk, "change")
            polygon = park.geometry.get("type") in ("Polygon", "MultiPolygon")
            mode = "boundary" if target == "park_boundary" else ("gate" if polygon else "point")
            services.place_park(
                request.user, park, lon, lat, mode=mode, expected_version=_version(post.get("version_park"))
            )
            messages.success(request, _("The park's location is saved and its walking access recomputed."))
        elif target.startswith("carrier:"):
            carrier = get_for_user(request.user, Carrier.objects.all(), target.split(":", 1)[1], "change")
            services.place_carrier(
                request.user,
                carrier,
                lon,
                lat,
                park=park,
                expected_version=_version(post.get(f"version_carrier_{carrier.pk}")),
            )
            messages.success(request, _("The carrier's location is saved."))
        else:
            raise services.PlacesError(
                _("Choose what to place: the park or one of its carriers."), code="no_target"
            )
    except StaleEdit as exc:
        return park_detail(request, pk, error=error_message(exc), status=409, posted=post)
    except DomainError as exc:
        return park_detail(request, pk, error=error_message(exc), status=400, posted=post)
    return redirect("places:park", pk)


def _heat_choice(request):
    """The network, category and minutes asked for (defaults: the newest network, coffee, 15 minutes)."""
    networks = list(StreetNetwork.objects.defer("data").order_by("-imported_at", "-pk"))
    if not networks:
        raise services.PlacesError(
            _("No street network yet: import one with zhaoshang places import-osm FILE.")
        )
    raw = request.GET.get("network", "")
    network = networks[0]
    if raw:
        chosen = [n for n in networks if str(n.pk) == raw]
        if not chosen:
            raise services.PlacesError(
                _("No such street network."), code="network_not_found", field="network"
            )
        network = chosen[0]
    category = request.GET.get("category") or "coffee"
    raw_minutes = request.GET.get("minutes") or "15"
    if not raw_minutes.isdigit() or int(raw_minutes) not in core.DEFAULT_MINUTES:
        raise services.PlacesError(_("Minutes must be 5, 10 or 15."), code="bad_minutes", field="minutes")
    if category not in CODES:
        raise services.PlacesError(_("Unknown category."), code="bad_category", field="category")
    return networks, network, category, int(raw_minutes)


def heat(request):
    """Every street coloured by how many facilities of a category lie within 5/10/15 walking minutes."""
    require(request.user, "place_data", "view")
    networks, network, category, minutes, layer, error, status = [], None, "coffee", 15, None, "", 200
    try:
        networks, network, category, minutes = _heat_choice(request)
        layer = services.heat_layer(network, category, minutes)
        layer["tiles"] = tile_layer(
            network.min_lon, network.min_lat, network.max_lon, network.max_lat, layer["frame"]
        )
    except services.PlacesError as exc:
        error, status = error_message(exc), 400
    zh = request.LANGUAGE_CODE.startswith("zh")
    context = {
        "networks": networks,
        "network": network,
        "category": category,
        "minutes": minutes,
        "minute_choices": core.DEFAULT_MINUTES,
        "categories": [(c.code, c.label_zh if zh else c.label_en) for c in CATEGORIES],
        "category_label": next((c.label_zh if zh else c.label_en) for c in CATEGORIES if c.code == category)
        if category in CODES
        else category,
        "layer": layer,
        "error": error,
        "speed": services.walk_speed(),
        "max_edges": services.HEAT_MAX_EDGES,
    }
    template = "places/heat.html#panel" if request.htmx else "places/heat.html"
    return _allow_tiles(TemplateResponse(request, template, context, status=status))


def heat_export(request, fmt: str):
    """The counts per node or per grid cell as CSV or XLSX (zhaoshang.tabular)."""
    from zhaoshang.tabular import write_csv, write_xlsx

    require(request.user, "place_data", "view")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _networks, network, _category, _minutes = _heat_choice(request)
    level = request.GET.get("level") or "node"
    headers, rows, n_rows = services.heat_table(network, level)
    if fmt == "xlsx" and n_rows >= 1_048_576:
        raise services.PlacesError(
            _("Too many rows for one Excel sheet: export per grid cell, or as CSV."), code="too_many_rows"
        )
    title = _("Walking access counts")
    name = f"{title}_{network.name}_{_('per node') if level == 'node' else _('per grid cell')}.{fmt}"
    if fmt == "csv":
        return file_download(name, ".csv", lambda path: write_csv(path, headers, rows))
    return file_download(name, ".xlsx", lambda path: write_xlsx(path, headers, rows, sheet_name=title))
