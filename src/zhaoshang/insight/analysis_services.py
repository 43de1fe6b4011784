"""What to attract next and the input-output supply gap: the services behind the insight analysis pages, API and
commands (they own writes and the audit record; the arithmetic is in the plain-Python cores).

* :func:`build_snapshot` — a registry-built complexity (firms or registered capital per county or city ×
  GB/T 4754 level or chain node) computed once by :func:`zhaoshang.insight.complexity.complexity_matrix` and
  stored (:class:`~zhaoshang.insight.models.ComplexitySnapshot`), so pages only read it.
* :func:`opportunities_for` — the home region's opportunity activities ranked by
  :func:`zhaoshang.insight.opportunities.rank_opportunities`, the ``chain`` component found automatically from
  the chains' gap analysis (missing and weak nodes, key nodes first), each linked to its chain nodes and the
  chain's target firms.
* :func:`supply_gap` — what a target IO sector buys (direct and Leontief) and how much of it the region supplies
  by location quotient (registry firms mapped through the sector table, or an output table), the leakage naming
  the supplier industries to attract, linked to chain nodes and targets.
* The IO sector mapping (:class:`~zhaoshang.insight.models.IOSectorMapping`): seeded from the shipped file,
  importable, exportable, editable in the admin.
"""

from __future__ import annotations

import io as _bytes_io
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.messages import is_chinese
from zhaoshang.insight.errors import InsightError
from zhaoshang.insight.io import (
    SECTOR_MAP_FILE,
    SectorRow,
    location_quotients,
    read_sector_map,
    requirements,
    sizes_by_sector,
)
from zhaoshang.insight.opportunities import PRESETS, chain_need, rank_opportunities, resolve_weights
from zhaoshang.insight.services import listing

ARRAY_NAMES = ("rca", "mcp", "density", "cog", "eci", "pci", "coi", "diversity", "ubiquity", "proximity")
#: The location × activity and activity × activity arrays are stored in single precision (a county × class snapshot
#: of the whole country is 2,800 × 1,380: half the bytes; pages show two decimals); the per-location and
#: per-activity measures keep double precision.
STORED_DTYPES = {
    "rca": np.float32,
    "mcp": np.int8,
    "density": np.float32,
    "cog": np.float32,
    "proximity": np.float32,
}


# --------------------------------------------------------------------------------------------- snapshots


def _regions():
    from zhaoshang.core.reference.regions import default_regions

    return default_regions()


def region_name(code: str) -> str:
    region = _regions().get(code)
    return region.name if region is not None else code


def _to_level(codes: pd.Series, level: str) -> pd.Series:
    if level == "city":
        return codes.astype(str).str.slice(0, 4) + "00"
    return codes.astype(str)


def _activity_labels(by: str, activities: list[str]) -> dict[str, str]:
    if by == "node":
        from zhaoshang.chains.models import ChainNode

        nodes = ChainNode.objects.filter(pk__in=[int(a) for a in activities if a.isdigit()]).select_related(
            "chain"
        )
        return {str(n.pk): f"{n.chain.name} / {n.path}" for n in nodes}
    from zhaoshang.core.models import Industry

    # the full GB/T 4754 table is imported by the user; the built-in one has the divisions: a class without its
    # own name is shown with its division's
    prefixes = {a[:n] for a in activities for n in (2, 3, 4)}
    names = dict(Industry.objects.filter(code__in=prefixes).values_list("code", "name"))
    out = {}
    for a in activities:
        if a in names:
            out[a] = names[a]
        elif a[:2] in names:
            out[a] = f"{a} · {names[a[:2]]}"
    return out


def _node_keys(by: str, activities: list[str]) -> dict[str, str]:
    if by != "node":
        return {}
    from zhaoshang.chains.models import ChainNode

    nodes = ChainNode.objects.filter(pk__in=[int(a) for a in activities if a.isdigit()]).select_related(
        "chain"
    )
    return {str(n.pk): f"{n.chain.slug}:{n.key}" for n in nodes}


def snapshot_name(by: str, measure: str, level: str, region_prefix: str, chain: str = "") -> str:
    parts = [region_prefix or "all", level, by, measure]
    if chain:
        parts.append(chain)
    return "-".join(parts)


def build_snapshot(
    actor: Actor,
    *,
    by: str = "class",
    measure: str = "firms",
    level: str = "county",
    region_prefix: str = "",
    chain: str = "",
    name: str | None = None,
):
    """(Re)build a registry complexity and store it under ``name`` (default from the parameters); audited.

    Locations are counties (``region_code``) or cities (the first four digits); ``region_prefix`` narrows to a
    province (``43``) or a city. Every firm counts (the registry is shared), whoever builds it.
    """
    from zhaoshang.insight.complexity import complexity_matrix
    from zhaoshang.insight.models import ComplexitySnapshot
    from zhaoshang.insight.services import registry_matrix

    if level not in ComplexitySnapshot.Level.values:
        raise InsightError(_("Unknown region level “%(level)s” (choices: county, city)") % {"level": level})
    if region_prefix and not (region_prefix.isdigit() and len(region_prefix) <= 6):
        raise InsightError(
            _("The region code prefix “%(prefix)s” should be 1 to 6 digits") % {"prefix": region_prefix}
        )
    started = time.perf_counter()
    data = registry_matrix(by=by, measure=measure, region_prefix=region_prefix, chain=chain or None)
    if data.empty:
        raise InsightError(
            _(
                "No firm of the register has both a county code and an industry of this level: nothing to compute"
            )
        )
    data["county"] = _to_level(data["county"], level)
    matrix = data.pivot_table(
        index="county", columns="activity", values="value", aggfunc="sum", fill_value=0.0
    )
    matrix = matrix.loc[matrix.sum(axis=1) > 0, matrix.sum(axis=0) > 0]
    if matrix.shape[0] < 2 or matrix.shape[1] < 2:
        raise InsightError(
            _(
                "Only %(regions)s regions and %(industries)s industries have data; complexity needs at least 2 of each"
            )
            % {"regions": matrix.shape[0], "industries": matrix.shape[1]}
        )
    result = complexity_matrix(matrix.to_numpy(dtype=float))
    locations = [str(v) for v in matrix.index]
    activities = [str(v) for v in matrix.columns]
    buffer = _bytes_io.BytesIO()
    np.savez_compressed(
        buffer,
        locations=np.array(locations),
        activities=np.array(activities),
        values=matrix.to_numpy(dtype=float),
        # (the numpy stub types **arrays as its allow_pickle flag)
        **{n: np.asarray(getattr(result, n), dtype=STORED_DTYPES.get(n, float)) for n in ARRAY_NAMES},  # type: ignore[arg-type]
    )
    seconds = time.perf_counter() - started
    labels = {
        "activities": _activity_labels(by, activities),
        "locations": {c: region_name(c) for c in locations},
        "nodes": _node_keys(by, activities),
    }
    name = name or snapshot_name(by, measure, level, region_prefix, chain)
    fields = {
        "by": by,
        "measure": measure,
        "level": level,
        "region_prefix": region_prefix,
        "chain": chain or "",
        "locations": len(locations),
        "activities": len(activities),
        "firms": int(round(float(matrix.to_numpy().sum()))),
        "seconds": seconds,
        "arrays": buffer.getvalue(),
        "labels": labels,
        "built_by": actor if getattr(actor, "pk", None) else None,
    }
    with transaction.atomic():
        existing = ComplexitySnapshot.objects.filter(name=name).first()
        if existing is None:
            snapshot = ComplexitySnapshot.objects.create(name=name, **fields)
            audit.record(
                actor,
                "create",
                snapshot,
                {
                    "name": [None, name],
                    "locations": [None, len(locations)],
                    "activities": [None, len(activities)],
                },
            )
        else:
            before = {"locations": existing.locations, "activities": existing.activities}
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            snapshot = existing
            audit.record(
                actor,
                "update",
                snapshot,
                {k: [v, fields[k]] for k, v in before.items()},
                note="rebuilt",
            )
    _CACHE.pop(snapshot.pk, None)
    return snapshot


@dataclass
class SnapshotArrays:
    locations: list[str]
    activities: list[str]
    values: np.ndarray
    arrays: dict[str, np.ndarray]

    def location_index(self, code: str) -> int:
        try:
            return self.locations.index(code)
        except ValueError:
            raise InsightError(
                _("The complexity snapshot has no region “%(region)s”") % {"region": code}
            ) from None


_CACHE: dict[int, tuple[Any, SnapshotArrays]] = {}


def arrays_of(snapshot) -> SnapshotArrays:
    """The snapshot's arrays, read once per process and version (pages do not decompress them each time)."""
    cached = _CACHE.get(snapshot.pk)
    if cached is not None and cached[0] == snapshot.built_at:
        return cached[1]
    with np.load(_bytes_io.BytesIO(bytes(snapshot.arrays)), allow_pickle=False) as npz:
        out = SnapshotArrays(
            locations=[str(v) for v in npz["locations"]],
            activities=[str(v) for v in npz["activities"]],
            values=npz["values"],
            arrays={n: npz[n] for n in ARRAY_NAMES},
        )
    _CACHE[snapshot.pk] = (snapshot.built_at, out)
    return out


def default_location(snapshot, region_code: str) -> str:
    """The home region as a location of the snapshot: itself, its city, or its largest county."""
    arrays = arrays_of(snapshot)
    code = region_code
    if snapshot.level == "city":
        code = region_code[:4] + "00"
    if code in arrays.locations:
        return code
    prefix = region_code.rstrip("0") if region_code.endswith("00") else region_code
    inside = [i for i, c in enumerate(arrays.locations) if c.startswith(prefix[:4])]
    if inside:
        best = max(inside, key=lambda i: arrays.arrays["diversity"][i])
        return arrays.locations[best]
    return arrays.locations[0]


def pick_snapshot(name: str | None, region_code: str):
    """The snapshot asked for by name, else the newest one that has the home region."""
    from zhaoshang.insight.models import ComplexitySnapshot

    if name:
        found = ComplexitySnapshot.objects.filter(name=name).first()
        if found is None:
            raise InsightError(_("No complexity snapshot is named “%(name)s”") % {"name": name})
        return found
    snapshots = list(ComplexitySnapshot.objects.order_by("-built_at"))
    for s in snapshots:
        if s.level == "city" and region_code[:4] + "00" in (s.labels or {}).get("locations", {}):
            return s
        if region_code in (s.labels or {}).get("locations", {}):
            return s
    return snapshots[0] if snapshots else None


# --------------------------------------------------------------------------------------------- chain needs


@dataclass
class NodeInfo:
    """A chain node as the insight pages show it: its gap in the home region and its target firms there."""

    chain_slug: str
    chain_name: str
    key: str
    name: str
    path: str
    status: str
    key_node: bool
    industry_codes: list[str]
    targets: int = 0
    top_targets: list[dict] = field(default_factory=list)
    need: float = 0.0

    @property
    def ref(self) -> str:
        return f"{self.chain_slug}:{self.key}"

    def as_dict(self, region_code: str) -> dict[str, Any]:
        return {
            "chain": self.chain_slug,
            "chain_name": self.chain_name,
            "node_key": self.key,
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "key_node": self.key_node,
            "need": self.need,
            "targets": self.targets,
            "top_targets": self.top_targets,
            "node_url": reverse("chains:detail", args=[self.chain_slug])
            + f"?region={region_code}&node={self.key}",
        }


def chain_nodes(region_code: str, user=None, *, top: int = 3) -> dict[str, NodeInfo]:
    """Every chain node (``slug:key`` →) with its status in the region from the chains' gap analysis and its
    target firms (only firms the user may see are named)."""
    from zhaoshang.chains import services as chains
    from zhaoshang.chains.models import Chain

    out: dict[str, NodeInfo] = {}
    for chain in Chain.objects.all():
        report = chains.gap_for_region(chain, region_code)
        rows = chains.target_rows(chains.targets_for(chain, report.area.code, report=report))
        if user is not None and rows:
            from zhaoshang.accounts.scoping import visible
            from zhaoshang.registry.models import Enterprise

            seen = set(
                visible(
                    user, Enterprise.objects.filter(pk__in={r["enterprise_id"] for r in rows})
                ).values_list("pk", flat=True)
            )
            rows = [r for r in rows if r["enterprise_id"] in seen]
        per_node: dict[str, list[dict]] = {}
        for r in rows:
            per_node.setdefault(r["node_key"], []).append(r)
        for n in report.result.nodes:
            spec_node = report.spec.nodes[n.key]
            mine = per_node.get(n.key, [])
            info = NodeInfo(
                chain_slug=chain.slug,
                chain_name=chain.name,
                key=n.key,
                name=n.name,
                path=n.path,
                status=n.status,
                key_node=n.key_node,
                industry_codes=[str(c) for c in (spec_node.industry_codes or [])],
                targets=len(mine),
                top_targets=[
                    {
                        "name": t["name"],
                        "score": t["score"],
                        "url": t["target_url"],
                        "region_code": t["region_code"],
                    }
                    for t in mine[:top]
                ],
                need=chain_need(n.status, n.key_node),
            )
            out[info.ref] = info
    return out


def _codes_match(activity: str, codes: Iterable[str]) -> bool:
    return any(c.startswith(activity) or activity.startswith(c) for c in codes if c)


def activity_nodes(
    snapshot, arrays: SnapshotArrays, nodes: Mapping[str, NodeInfo]
) -> dict[str, list[NodeInfo]]:
    """Chain nodes of each activity: the node itself for a node snapshot; else the nodes whose GB/T 4754 codes
    fall under the activity's code (or contain it)."""
    out: dict[str, list[NodeInfo]] = {}
    if snapshot.by == "node":
        refs = (snapshot.labels or {}).get("nodes", {})
        for a in arrays.activities:
            info = nodes.get(refs.get(a, ""))
            if info is not None:
                out[a] = [info]
        return out
    for a in arrays.activities:
        linked = [n for n in nodes.values() if n.industry_codes and _codes_match(a, n.industry_codes)]
        if linked:
            linked.sort(key=lambda n: (-n.need, not n.key_node, n.chain_slug, n.path))
            out[a] = linked
    return out


# --------------------------------------------------------------------------------------------- opportunities


@dataclass
class OpportunityRow:
    rank: int
    activity: str
    label: str
    score: float
    values: dict[str, float]
    contributions: dict[str, float]
    neighbours: list[dict]
    adds_complexity: bool
    reasons: list[str]
    nodes: list[dict]
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class OpportunityResult:
    snapshot: Any
    location: str
    location_name: str
    eci: float
    weights: dict[str, float]
    preset: str | None
    rows: list[OpportunityRow]
    present: int
    node_keys: dict[str, list[str]]  # chain slug → node keys of the ranked activities (for the target list)
    chain_names: dict[str, str] = field(default_factory=dict)


def explain(row, label: dict[str, str], eci: float) -> str:
    """One paragraph in the active language: why it ranks there (neighbours, complexity, outlook, chain need)."""
    parts = []
    v = row.values
    if row.neighbours:
        near = listing(
            _("%(name)s (%(distance)s)")
            % {"name": label.get(n.activity, n.activity), "distance": f"{n.proximity:.2f}"}
            for n in row.neighbours
        )
        parts.append(
            _("Related local industries: %(near)s, density %(density).2f")
            % {"near": near, "density": v["density"]}
        )
    else:
        parts.append(_("No related local industry, density %(density).2f") % {"density": v["density"]})
    if row.adds_complexity:
        parts.append(
            _("complexity PCI %(pci).2f above the local ECI %(eci).2f: attracting it raises complexity")
            % {"pci": v["pci"], "eci": eci}
        )
    else:
        parts.append(
            _("complexity PCI %(pci).2f not above the local ECI %(eci).2f") % {"pci": v["pci"], "eci": eci}
        )
    parts.append(_("complexity outlook gain COG %(cog).2f") % {"cog": v["cog"]})
    if v["chain"] > 0:
        parts.append(_("fills a gap of the chain (need %(chain).2f)") % {"chain": v["chain"]})
    if is_chinese():
        return "；".join(parts) + "。"
    return "; ".join(parts) + "."


def opportunities_for(
    snapshot,
    *,
    region_code: str,
    location: str | None = None,
    preset: str | None = "balanced",
    weights: Mapping[str, float] | None = None,
    user=None,
    limit: int | None = 50,
    neighbours: int = 3,
) -> OpportunityResult:
    """The location's opportunities in the snapshot, ranked and explained, with the chain component from the
    chains' gap analysis of ``region_code`` and links to each activity's chain nodes and targets."""
    arrays = arrays_of(snapshot)
    location = location or default_location(snapshot, region_code)
    i = arrays.location_index(location)
    nodes = chain_nodes(region_code, user)
    links = activity_nodes(snapshot, arrays, nodes)
    need = {a: max(n.need for n in ns) for a, ns in links.items()}
    a = arrays.arrays
    eci = float(np.nan_to_num(a["eci"][i]))
    w = resolve_weights(preset, weights)
    ranked = rank_opportunities(
        activities=arrays.activities,
        mcp=a["mcp"][i],
        density=a["density"][i],
        pci=a["pci"],
        cog=a["cog"][i],
        proximity=a["proximity"],
        eci=eci,
        chain_need=need,
        chain_links={k: [n.ref for n in v] for k, v in links.items()},
        preset=preset,
        weights=weights,
        neighbours=neighbours,
        limit=limit,
    )
    label = (snapshot.labels or {}).get("activities", {})
    rows = []
    node_keys: dict[str, list[str]] = {}
    for o in ranked:
        linked = links.get(o.activity, [])
        for n in linked:
            if n.status != "strong" and n.key not in node_keys.setdefault(n.chain_slug, []):
                node_keys[n.chain_slug].append(n.key)
        rows.append(
            OpportunityRow(
                rank=o.rank,
                activity=o.activity,
                label=label.get(o.activity, o.activity),
                score=o.score,
                values=o.values,
                contributions=o.contributions,
                neighbours=[
                    {
                        "activity": n.activity,
                        "label": label.get(n.activity, n.activity),
                        "proximity": n.proximity,
                    }
                    for n in o.neighbours
                ],
                adds_complexity=o.adds_complexity,
                reasons=o.reasons,
                nodes=[n.as_dict(region_code) for n in linked[:6]],
                explanation=explain(o, label, eci),
            )
        )
    return OpportunityResult(
        snapshot=snapshot,
        location=location,
        location_name=(snapshot.labels or {}).get("locations", {}).get(location, location),
        eci=eci,
        weights=w,
        preset=None if weights else preset,
        rows=rows,
        present=int(np.asarray(a["mcp"][i]).astype(bool).sum()),
        node_keys=node_keys,
        chain_names={n.chain_slug: n.chain_name for n in nodes.values()},
    )


def targets_link(chain_slug: str, node_keys: list[str], region_code: str, fmt: str = "xlsx") -> str:
    """The chain's 招商目标清单 filtered to the given nodes (what we can do next)."""
    return (
        reverse("chains:targets-export", args=[chain_slug, fmt])
        + f"?region={region_code}&nodes={','.join(node_keys)}"
    )


def space_graph(snapshot, location: str, *, max_edges: int = 4) -> dict[str, Any]:
    """The complexity space (product space style): every activity a node sized by its total value and placed by
    the force layout, each linked to its ``max_edges`` closest activities (the maximum spanning tree's spirit
    without its cost); the location's present activities flagged."""
    arrays = arrays_of(snapshot)
    i = arrays.location_index(location)
    prox = np.array(arrays.arrays["proximity"], dtype=float, copy=True)
    np.fill_diagonal(prox, 0.0)
    label = (snapshot.labels or {}).get("activities", {})
    mcp = np.asarray(arrays.arrays["mcp"][i]).astype(bool)
    pci = arrays.arrays["pci"]
    totals = arrays.values.sum(axis=0)
    scale = float(totals.max()) if len(totals) and totals.max() > 0 else 1.0
    nodes = [
        {
            "id": a,
            "name": label.get(a, a),
            "value": round(float(pci[j]), 3) if np.isfinite(pci[j]) else None,
            "symbolSize": round(6 + 18 * math.sqrt(float(totals[j]) / scale), 2),
            "present": bool(mcp[j]),
            "category": 0 if mcp[j] else 1,
        }
        for j, a in enumerate(arrays.activities)
    ]
    edges = set()
    n = len(arrays.activities)
    for j in range(n):
        for k in np.argsort(-prox[j], kind="stable")[:max_edges]:
            if prox[j, k] > 0:
                edges.add((min(j, int(k)), max(j, int(k))))
    links = [
        {"source": arrays.activities[j], "target": arrays.activities[k], "value": round(float(prox[j, k]), 3)}
        for j, k in sorted(edges)
    ]
    return {"nodes": nodes, "links": links}


# --------------------------------------------------------------------------------------------- IO sector map


def ensure_mapping(layout: str) -> None:
    """Seed a layout's mapping from the shipped file the first time it is used."""
    from zhaoshang.insight.models import IOSectorMapping

    if IOSectorMapping.objects.filter(table=layout).exists():
        return
    rows = [r for r in read_sector_map(SECTOR_MAP_FILE) if r.table == layout]
    IOSectorMapping.objects.bulk_create(
        [
            IOSectorMapping(
                table=r.table,
                io_code=r.io_code,
                io_name=r.io_name,
                gbt4754=" ".join(r.gbt4754),
                chain_nodes=" ".join(r.chain_nodes),
            )
            for r in rows
        ],
        ignore_conflicts=True,
    )


def sector_rows(layout: str) -> list[SectorRow]:
    """The mapping of a layout (``"149"``, ``"153"``, ``"42"``) as stored (seeded from the shipped file)."""
    from zhaoshang.insight.models import IOSectorMapping

    ensure_mapping(layout)
    return [
        SectorRow(
            m.table,
            m.io_code,
            m.io_name,
            tuple(m.gbt4754.replace(",", " ").split()),
            tuple(m.chain_nodes.replace(",", " ").split()),
        )
        for m in IOSectorMapping.objects.filter(table=layout)
    ]


@transaction.atomic
def import_sector_map(actor: Actor, path: str | Path) -> dict[str, int]:
    """Replace the mapping of every layout the file has (checked whole first: a bad row changes nothing)."""
    from zhaoshang.insight.models import IOSectorMapping

    rows = read_sector_map(path)
    counts: dict[str, int] = {}
    for layout in sorted({r.table for r in rows}):
        mine = [r for r in rows if r.table == layout]
        existing = {m.io_code: m for m in IOSectorMapping.objects.filter(table=layout)}
        for r in mine:
            values = {
                "io_name": r.io_name,
                "gbt4754": " ".join(r.gbt4754),
                "chain_nodes": " ".join(r.chain_nodes),
            }
            current = existing.pop(r.io_code, None)
            if current is None:
                audit.create(actor, IOSectorMapping, table=layout, io_code=r.io_code, **values)
            elif any(getattr(current, k) != v for k, v in values.items()):
                audit.update(actor, current, **values)
        for stale in existing.values():
            audit.delete(actor, stale)
        counts[layout] = len(mine)
    return counts


def export_sector_map(layouts: Iterable[str] | None = None) -> tuple[list[str], list[list[str]]]:
    from zhaoshang.insight.models import IOSectorMapping

    layouts = list(layouts or ["149", "153", "42"])
    for layout in layouts:
        ensure_mapping(layout)
    rows = [
        [m.table, m.io_code, m.io_name, m.gbt4754, m.chain_nodes]
        for m in IOSectorMapping.objects.filter(table__in=layouts).order_by("table", "io_code")
    ]
    return ["table", "io_code", "io_name", "gbt4754", "chain_nodes"], rows


# --------------------------------------------------------------------------------------------- supply gap


def registry_code_sizes(region_prefix: str = "", measure: str = "firms") -> dict[str, float]:
    """Firms (or registered capital, 万元) per GB/T 4754 code of the registry (merged duplicates left out)."""
    from django.db.models import Count, Sum

    from zhaoshang.registry.models import Enterprise

    firms = Enterprise.objects.filter(merged_into__isnull=True).exclude(industry_code="")
    if region_prefix:
        firms = firms.filter(region_code__startswith=region_prefix)
    agg = Sum("capital_wan") if measure == "capital" else Count("id")
    return {
        str(code): float(value or 0)
        for code, value in firms.values("industry_code").annotate(v=agg).values_list("industry_code", "v")
    }


def region_prefix_of(region_code: str) -> str:
    from zhaoshang.core.reference.regions import region_prefix

    return region_prefix(region_code)


@dataclass
class SupplyGap:
    table: Any
    sector_code: str
    sector_name: str
    region_code: str
    source: str  # "registry", "output" or "none" (no mapping for the table's layout: no location quotients)
    rows: list[dict]
    leakage_total: float
    direct_total: float


def supply_gap(
    table,
    sector: str,
    *,
    region_code: str,
    user=None,
    regional_output: Mapping[str, float] | None = None,
    limit: int | None = None,
) -> SupplyGap:
    """What the target sector buys per unit of output (direct and total) and what the region supplies of it.

    Location quotients: from ``regional_output`` (the region's output per IO sector code, against the table's
    national output), else from the registry (the region's firms per sector over the whole registry's, through
    the sector mapping of the table's layout). Each row is linked to the chain nodes mapped to its sector, with
    their status in the region and their target firms.
    """
    io_table = table.table()
    layout = str(table.sectors)
    mapping = sector_rows(layout)
    if regional_output is not None:
        national = {c: float(x) for c, x in zip(io_table.codes, io_table.output, strict=True)}
        unknown = [c for c in regional_output if c not in national]
        if unknown:
            raise InsightError(
                _("Sector codes of the output table are not in the input-output table “%(table)s”: %(codes)s")
                % {"table": table.name, "codes": listing(unknown[:5])}
            )
        quotients = location_quotients(dict(regional_output), national)
        source = "output"
    elif not mapping:  # a layout without a mapping: the requirements alone, no location quotient
        quotients = None
        source = "none"
    else:
        prefix = region_prefix_of(region_code)
        regional = sizes_by_sector(registry_code_sizes(prefix), mapping)
        national = sizes_by_sector(registry_code_sizes(), mapping)
        if sum(national.values()) <= 0:
            raise InsightError(
                _("No firm of the register has an industry code: the location quotients cannot be computed")
            )
        quotients = location_quotients(regional, national)
        source = "registry"
    found = requirements(io_table, sector, location_quotients=quotients)
    target = io_table.index(sector)
    by_code = {r.io_code: r for r in mapping}
    nodes = chain_nodes(region_code, user)
    rows: list[dict[str, Any]] = []
    for r in found:
        m = by_code.get(r.code)
        linked = [nodes[ref] for ref in (m.chain_nodes if m else ()) if ref in nodes]
        linked.sort(key=lambda n: (n.status == "strong", not n.key_node, -n.targets, n.path))
        rows.append(
            {
                "code": r.code,
                "name": r.name,
                "gbt4754": list(m.gbt4754) if m else [],
                "direct": r.direct,
                "total": r.total,
                "lq": None if quotients is None else quotients.get(r.code),
                "supply_share": r.supply_share,
                "leakage": r.leakage,
                "total_leakage": r.total_leakage,
                "nodes": [n.as_dict(region_code) for n in linked if n.status != "strong"][:6],
                "targets": sum(n.targets for n in linked if n.status != "strong"),
            }
        )
    rows = [r for r in rows if r["direct"] > 0 or r["total"] > 1e-12]
    return SupplyGap(
        table=table,
        sector_code=io_table.codes[target],
        sector_name=io_table.names[target],
        region_code=region_code,
        source=source,
        rows=rows[:limit] if limit else rows,
        leakage_total=float(sum(r["leakage"] or 0.0 for r in rows)),
        direct_total=float(sum(r["direct"] for r in rows)),
    )


def read_regional_output(path: str | Path) -> dict[str, float]:
    """An output table of the region: columns ``code`` (IO sector) and ``output`` (any unit)."""
    from zhaoshang.insight.tables import read_long_table

    frame = read_long_table(path, keys=["code"], value="output")
    return {
        str(c): float(v) for c, v in zip(frame["code"].astype(str), frame["output"], strict=True) if v == v
    }


# --------------------------------------------------------------------------------------------- exports

# The exports say headers, titles and words in the active language: the user's for a web download, the
# installation's (LANGUAGE_CODE, Chinese by default) for a command. Names (industries, sectors, firms) are data.
COMPONENT_LABELS = {
    "density": _lazy("Density"),
    "pci": _lazy("Complexity PCI"),
    "cog": _lazy("Opportunity gain COG"),
    "chain": _lazy("Chain need"),
}


def _semicolons(items: Iterable[str]) -> str:
    return ("；" if is_chinese() else "; ").join(items)


def opportunity_table(result: OpportunityResult) -> tuple[list[str], list[list[Any]]]:
    header = [
        pgettext("insight export", "Rank"),
        pgettext("insight export", "Industry"),
        _("Code"),
        _("Score"),
        *[str(COMPONENT_LABELS[c]) for c in COMPONENT_LABELS],
        *[_("%(component)s contribution") % {"component": COMPONENT_LABELS[c]} for c in COMPONENT_LABELS],
        _("Raises complexity"),
        _("Related local industries"),
        pgettext("insight export", "Chain nodes"),
        _("Target firms"),
        _("Explanation"),
    ]
    rows = []
    for r in result.rows:
        rows.append(
            [
                r.rank,
                r.label,
                r.activity,
                round(r.score, 4),
                *[round(r.values[c], 4) for c in COMPONENT_LABELS],
                *[round(r.contributions[c], 4) for c in COMPONENT_LABELS],
                _("yes") if r.adds_complexity else _("no"),
                listing(f"{n['label']}({n['proximity']:.2f})" for n in r.neighbours),
                _semicolons(
                    _("%(chain)s/%(path)s (%(status)s)")
                    % {"chain": n["chain_name"], "path": n["path"], "status": n["status"]}
                    for n in r.nodes
                ),
                _semicolons(t["name"] for n in r.nodes for t in n["top_targets"]),
                r.explanation,
            ]
        )
    return header, rows


def supply_gap_table(gap: SupplyGap) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Sector code"),
        _("Sector"),
        _("Industry codes (GB/T 4754)"),
        _("Direct input coefficient"),
        _("Total requirement coefficient"),
        _("Location quotient"),
        _("Local supply share"),
        _("Bought outside (direct)"),
        _("Bought outside (total)"),
        pgettext("insight export", "Chain nodes"),
        _("Number of target firms"),
    ]
    rows = [
        [
            r["code"],
            r["name"],
            " ".join(r["gbt4754"]),
            r["direct"],
            r["total"],
            r["lq"],
            r["supply_share"],
            r["leakage"],
            r["total_leakage"],
            _semicolons(f"{n['chain_name']}/{n['path']}" for n in r["nodes"]),
            r["targets"],
        ]
        for r in gap.rows
    ]
    return header, rows


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    from zhaoshang.tabular import write_xlsx

    buffer = _bytes_io.BytesIO()
    write_xlsx(buffer, header, rows)
    return buffer.getvalue()


def docx_bytes(
    title: str, intro: list[str], header: list[str], rows: list[list[Any]], *, subtitle: str = ""
) -> bytes:
    """A one-section DOCX report (its page foot in the active language)."""
    import tempfile

    from zhaoshang.reports.document import Paragraph, Report, Section, Table, render

    def cell(v: Any):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return round(v, 4) if isinstance(v, float) else v

    report = Report(
        title=title,
        subtitle=subtitle,
        page_label=_("Page {page}"),
        sections=(
            Section(
                heading=title,
                blocks=(
                    *[Paragraph(line) for line in intro],
                    Table(
                        headers=tuple(header),
                        rows=tuple(tuple(cell(v) for v in row) for row in rows),
                        empty_text=_("(none)"),
                    ),
                ),
            ),
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = render(report, Path(tmp) / "report.docx")
        return path.read_bytes()


def preset_names() -> list[str]:
    return list(PRESETS)
