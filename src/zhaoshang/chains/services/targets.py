"""招商 targets: firms elsewhere with evidence on a region's missing and weak nodes, ranked; the gap JSON document."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.urls import reverse
from django.utils.translation import gettext as _

from zhaoshang.chains.analysis.evidence import COUNTING, matched_words
from zhaoshang.chains.analysis.targets import Factors, rank_targets
from zhaoshang.chains.models import Chain, SupplyLink
from zhaoshang.chains.services.classification import evidence_label
from zhaoshang.chains.services.common import ChainServiceError, Evidence, enterprise_model
from zhaoshang.chains.services.gaps import GapReport, gap_for_region
from zhaoshang.chains.services.regions import centroid, within_codes


def target_url(chain: Chain | str, node_key: str, enterprise_id: int, region_code: str) -> str:
    slug = chain.slug if isinstance(chain, Chain) else chain
    return reverse("chains:target", args=[slug, node_key, enterprise_id]) + f"?region={region_code}"


TARGET_COLUMNS_EMPTY = [
    "firm_id",
    "name",
    "node_key",
    "node_path",
    "gap_status",
    "key_node",
    "total",
    "coverage",
    "rank",
    "reasons",
    "evidence",
    "matched_words",
    "target_id",
    "target_url",
]
_STATUS_ORDER = {"missing": 0, "weak": 1, "strong": 2}


def _local_buyers(report: GapReport, firm_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per firm elsewhere, the local firms it is known to supply (recorded supply relations)."""
    local_ids = set(report.local["firm_id"].tolist()) if len(report.local) else set()
    Enterprise = enterprise_model()
    inside = within_codes(
        set(
            Enterprise.objects.filter(supplied_by__supplier_id__in=list(firm_ids)).values_list(
                "region_code", flat=True
            )
        ),
        report.area.code,
    )
    out: dict[int, list[str]] = defaultdict(list)
    for supplier, customer, name, region in (
        SupplyLink.objects.filter(supplier_id__in=list(firm_ids))
        .values_list("supplier_id", "customer_id", "customer__name", "customer__region_code")
        .order_by("customer__name")
    ):
        if (customer in local_ids or region in inside) and name not in out[supplier]:
            out[supplier].append(name)
    return out


def targets_for(
    chain: Chain,
    region_code: str,
    node_key: str | None = None,
    *,
    report: GapReport | None = None,
    weights: Factors | None = None,
) -> pd.DataFrame:
    """Firms outside the region with evidence (product, confirmed, supply, deciding code) on its missing and weak
    nodes, ranked with reasons specific to each row.

    The score is computed once, over every gap of the chain, whatever `node_key` asks for: a node's panel, the
    exports and the API show the same figure for the same target. Rows are ordered as the 招商目标清单 lists them:
    missing key nodes first, then other missing nodes, weak key nodes, weak nodes (each by weight), best target
    first within a node; `rank` is the place within the node (1 = best).

    Columns: firm_id, name, node_key, node_path, gap_status, key_node, region_code, total, coverage, rank,
    reasons, evidence, matched_words, score_<factor>, target_id, target_url. One row per (node, firm).
    """
    report = report or gap_for_region(chain, region_code)
    spec = report.spec
    if node_key is not None and node_key not in spec.nodes:
        raise ChainServiceError(
            _("The node “%(node)s” is not in the chain “%(chain)s”") % {"node": node_key, "chain": chain.name}
        )
    ranked = report._targets
    if ranked is None or weights is not None:
        ranked = _rank_chain_targets(report, weights)
        if weights is None:
            report._targets = ranked
    if node_key is not None:
        ranked = ranked[ranked["node_key"].isin(set(spec.subtree(node_key)))]
    return ranked


def _rank_chain_targets(report: GapReport, weights: Factors | None) -> pd.DataFrame:
    chain, spec = report.chain, report.spec
    wanted = {n.key: n for n in report.result.nodes if n.status in ("missing", "weak")}
    others = report.others
    cand = (
        others[others["node_key"].isin(list(wanted)) & others["evidence"].isin(COUNTING)].copy()
        if len(others)
        else others.copy()
    )
    if not len(cand):
        return pd.DataFrame(columns=TARGET_COLUMNS_EMPTY)
    cand["gap_status"] = cand["node_key"].map(lambda k: wanted[k].status)
    cand["key_node"] = cand["node_key"].map(lambda k: wanted[k].key_node)
    cand["node_path"] = cand["node_key"].map(lambda k: wanted[k].path)
    cand["matched_words"] = [
        matched_words(rs or [], k) for rs, k in zip(cand["reasons"], cand["node_key"], strict=True)
    ]
    # distance: region centroids (county, else its city or province)
    coords = {code: centroid(code) for code in set(cand["region_code"])}
    lat, lng = report.area.lat, report.area.lng
    origin = (lat, lng) if lat is not None and lng is not None else None
    cand["lat"] = [xy[0] if (xy := coords.get(c)) else math.nan for c in cand["region_code"]]
    cand["lon"] = [xy[1] if (xy := coords.get(c)) else math.nan for c in cand["region_code"]]
    # the local firms each candidate is known to supply (a recorded relation, never guessed from the chain)
    buyers = _local_buyers(report, set(cand["firm_id"]))
    cand["local_buyers"] = [buyers.get(f, []) for f in cand["firm_id"]]
    cand["leader_links"] = [float(len(b)) if b else math.nan for b in cand["local_buyers"]]
    cand["listed"] = (
        cand["listed"]
        .map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else bool(v))
        .astype(object)
    )
    ranked = rank_targets(cand.reset_index(drop=True), weights=weights, origin=origin)
    order = {k: i for i, k in enumerate(spec.nodes)}
    ranked["_group"] = [
        (_STATUS_ORDER[s], not kn, -wanted[k].weight, order[k])
        for s, kn, k in zip(ranked["gap_status"], ranked["key_node"], ranked["node_key"], strict=True)
    ]
    ranked["_pos"] = range(len(ranked))
    ranked = (
        ranked.sort_values(["_group", "_pos"], kind="stable")
        .drop(columns=["_group", "_pos"])
        .reset_index(drop=True)
    )
    ranked["rank"] = ranked.groupby("node_key", sort=False).cumcount() + 1
    ranked["target_id"] = [
        f"{chain.slug}/{k}/{f}" for k, f in zip(ranked["node_key"], ranked["firm_id"], strict=True)
    ]
    ranked["target_url"] = [
        target_url(chain, k, f, report.area.code)
        for k, f in zip(ranked["node_key"], ranked["firm_id"], strict=True)
    ]
    return ranked


def target_rows(ranked: pd.DataFrame) -> list[dict[str, Any]]:
    """Targets as plain dicts (JSON-ready). The score is rounded once, here, for every channel."""
    out = []
    for row in ranked.itertuples(index=False):
        out.append(
            {
                "id": row.target_id,
                "enterprise_id": int(row.firm_id),
                "name": row.name,
                "node_key": row.node_key,
                "node_path": row.node_path,
                "gap_status": row.gap_status,
                "key_node": bool(row.key_node),
                "region_code": row.region_code,
                "score": None if pd.isna(row.total) else round(float(row.total), 2),
                "coverage": round(float(row.coverage), 4),
                "rank": int(row.rank),
                "reasons": list(row.reasons),
                "reason_codes": [[c, p] for c, p in getattr(row, "reason_codes", None) or []],
                "evidence": row.evidence,
                "evidence_label": evidence_label(row.evidence),
                "matched_words": list(row.matched_words),
                "target_url": row.target_url,
            }
        )
    return out


#: What to do when a missing node has no candidate anywhere (said on the page, in the API and the export).
NO_CANDIDATE_HINT = (
    "暂无外地企业有该环节的产品证据。可通过企业名录导入外地企业名单（上市公司、专精特新企业名单、行业协会会员等，"
    "导入接受任何地区），导入后自动归入产业链环节，再回到此处查看目标。"
)


def gap_json(report: GapReport, targets: pd.DataFrame | None = None, *, per_node: int = 10) -> dict[str, Any]:
    """The `chains gap --json` document: chain, region, completeness and every node with its counts by evidence
    kind, its candidates to verify and its targets."""
    targets = targets if targets is not None else targets_for(report.chain, report.area.code, report=report)
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    all_by_node: dict[str, int] = defaultdict(int)
    for t in target_rows(targets):
        all_by_node[t["node_key"]] += 1
        if len(by_node[t["node_key"]]) < per_node:
            by_node[t["node_key"]].append(t)
    nodes = []
    for n in report.result.nodes:
        counts = {k: int(n.evidence_counts.get(k, 0)) for k in Evidence.values}
        item = {
            "node_key": n.key,
            "name": n.name,
            "path": n.path,
            "depth": n.depth,
            "parent": n.parent_key,
            "status": n.status,
            "local_firms": n.local_firms,
            "candidates": n.candidates,
            "evidence": counts,
            "strength": n.strength,
            "key": n.key_node,
            "key_node": n.key_node,
            "weight": round(n.weight, 6),
            "targets_total": all_by_node.get(n.key, 0),
            "targets": by_node.get(n.key, []),
        }
        if n.status == "missing" and not all_by_node.get(n.key):
            item["no_targets"] = NO_CANDIDATE_HINT
        nodes.append(item)
    return {
        "chain": {"slug": report.chain.slug, "name": report.chain.name},
        "region": {"code": report.area.code, "name": report.area.name},
        "completeness": round(report.completeness, 4),
        "candidates": len(set(report.local.loc[~report.local["evidence"].isin(COUNTING), "firm_id"]))
        if len(report.local)
        else 0,
        "nodes": nodes,
    }
