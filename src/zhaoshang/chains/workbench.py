"""The chain office's (链长办) workbench: what needs it today, per chain it runs (registered from
`ChainsConfig.ready` through `web.workbench`).

- **Missing key nodes** of its chains in its region, each with how many targets elsewhere could fill it;
- **Candidates to verify** (待核实候选: local firms that fit a node by industry code only), counted per node,
  highest impact first: key nodes, then missing before weak before strong (one confirmation turns a missing node
  weak), then the node's weight in the chain; each row links to the review queue for that node;
- **New targets since the last visit**: targets (firms elsewhere with evidence on a gap) that were not on the
  list at the user's previous day of visits (kept per user, chain and region in :class:`TargetsSeen`).

Which chains are "its": those whose name the office's organisation name contains (轨道交通装备产业链链长办 →
轨道交通装备); an office whose name names no chain (a city-wide 链长办) sees every chain. Its region is the first
region code up its organisation tree, else the installation's home region.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.scoping import can
from zhaoshang.chains import services
from zhaoshang.chains.analysis.gap import priorities
from zhaoshang.chains.models import Chain, TargetsSeen
from zhaoshang.web.workbench import register_panel

MAX_ROWS = 8
_STATUS_ORDER = {"missing": 0, "weak": 1, "strong": 2}


def office_region(user) -> str:
    org = getattr(user, "organisation", None)
    while org is not None:
        if org.region_code:
            return org.region_code
        org = org.parent
    from zhaoshang.registry.services import home_region

    return home_region()


def office_chains(user) -> list[Chain]:
    chains = list(Chain.objects.order_by("name"))
    name = getattr(getattr(user, "organisation", None), "name", "") or ""
    own = [c for c in chains if c.name and c.name in name]
    return own or chains


@dataclass
class ChainToday:
    chain: Chain
    area: Any
    completeness: float
    missing_key: list[dict] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    candidates_total: int = 0
    new_targets: list[dict] = field(default_factory=list)
    new_total: int = 0
    first_visit: bool = False


def candidates_by_impact(result) -> list:
    """Nodes with candidates to verify on the node itself, highest impact first (key node, missing before weak
    before strong, then weight)."""
    rows = [n for n in result.nodes if n.evidence_counts.get("code_prior", 0)]
    rows.sort(key=lambda n: (not n.key_node, _STATUS_ORDER[n.status], -n.weight, n.path))
    return rows


def remember_targets(
    user, chain: Chain, region_code: str, ids: list[str], today: dt.date
) -> tuple[set, bool]:
    """The target ids known before today's first visit (the baseline), and whether this is the first visit ever.
    Today's ids become the next day's baseline."""
    with transaction.atomic():
        seen, created = TargetsSeen.objects.select_for_update().get_or_create(
            user=user,
            chain=chain,
            region_code=region_code,
            defaults={"day": today, "baseline": ids, "current": ids},
        )
        if created:
            return set(ids), True
        if seen.day != today:
            seen.baseline, seen.current, seen.day = seen.current, ids, today
        else:
            seen.current = sorted(set(seen.current) | set(ids))
        seen.save(update_fields=["baseline", "current", "day"])
        return set(seen.baseline), False


def chain_today(user, chain: Chain, region_code: str, today: dt.date) -> ChainToday:
    report = services.gap_for_region(chain, region_code)
    rows = services.target_rows(services.targets_for(chain, report.area.code, report=report))
    per_node: dict[str, int] = {}
    for r in rows:
        per_node[r["node_key"]] = per_node.get(r["node_key"], 0) + 1
    out = ChainToday(chain=chain, area=report.area, completeness=report.completeness)
    detail = reverse("chains:detail", args=[chain.slug])
    for n in priorities(report.result, statuses=("missing",)):
        if n.key_node:
            out.missing_key.append(
                {
                    "node": n,
                    "targets": per_node.get(n.key, 0),
                    "url": f"{detail}?region={report.area.code}&node={n.key}",
                }
            )
    review = reverse("chains:review")
    nodes = candidates_by_impact(report.result)
    out.candidates_total = sum(n.evidence_counts.get("code_prior", 0) for n in nodes)
    out.candidates = [
        {
            "node": n,
            "count": n.evidence_counts.get("code_prior", 0),
            "url": f"{review}?chain={chain.slug}&node={n.key}&evidence=code_prior",
        }
        for n in nodes[:MAX_ROWS]
    ]
    baseline, first = remember_targets(user, chain, report.area.code, [r["id"] for r in rows], today)
    new = [r for r in rows if r["id"] not in baseline]
    out.first_visit = first
    out.new_total = len(new)
    out.new_targets = new[:MAX_ROWS]
    return out


@register_panel(13)
def chain_office_panel(request):
    """Only the chain office's own workbench (a leader or an officer sees the chains panel, not this)."""
    user = request.user
    if getattr(user, "role", None) != Role.CHAIN_OFFICE or not can(user, "chain", "view"):
        return None
    today = timezone.localdate()
    region = office_region(user)
    try:
        chains = [chain_today(user, c, region, today) for c in office_chains(user)]
    except services.ChainServiceError:  # a region code the reference data does not know
        return None
    return {
        "template": "chains/panel_office.html",
        "chains": chains,
        "can_review": can(user, "chain_assignment", "change"),
    }
