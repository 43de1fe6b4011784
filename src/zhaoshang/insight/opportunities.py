"""What to attract next: a transparent ranking of the activities a location does not have yet (plain Python).

For the home location, every activity with ``mcp = 0`` is a candidate. Its score is a weighted sum of four
components, each turned into a z-score across the candidates so that the weights mean what they say:

* ``density`` — how close the activity is to what the location already does (feasibility);
* ``pci`` — how complex the activity is;
* ``cog`` — how much it would open up (complexity outlook gain);
* ``chain`` — the chain's own needs: 1 when the activity fills a missing key node of the city's chains (a
  fraction for a partial need), 0 otherwise.

Presets follow the Atlas of Economic Complexity's strategic approaches: ``low_hanging`` (mostly density),
``balanced`` and ``long_jumps`` (mostly complexity and outlook). User weights replace a preset. Every rank comes with
its explanation: the component contributions, the activities the location already has that make it close (the
largest proximities), what it adds (PCI against the location's ECI, COG) and the chain nodes it is linked to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from zhaoshang.insight.errors import InsightError

COMPONENTS: Final = ("density", "pci", "cog", "chain")
PRESETS: Final[dict[str, dict[str, float]]] = {
    "low_hanging": {"density": 0.6, "pci": 0.15, "cog": 0.15, "chain": 0.1},
    "balanced": {"density": 0.35, "pci": 0.25, "cog": 0.25, "chain": 0.15},
    "long_jumps": {"density": 0.15, "pci": 0.4, "cog": 0.35, "chain": 0.1},
}


@dataclass(frozen=True)
class Neighbour:
    activity: str
    proximity: float


@dataclass
class Opportunity:
    rank: int
    activity: str
    score: float
    values: dict[str, float]  # raw component values
    contributions: dict[str, float]  # weight × z-score, summing to the score
    neighbours: list[Neighbour]  # present activities that make this one close
    adds_complexity: bool  # PCI above the location's ECI
    chain_links: list = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # codes for the edges to translate


def resolve_weights(
    preset: str | None = "balanced", weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The weights to use: a preset, or user weights (non-negative, not all zero; missing components count 0)."""
    if weights:
        unknown = set(weights) - set(COMPONENTS)
        if unknown:
            raise InsightError(
                f"未知的权重项：{'、'.join(sorted(unknown))}（可选：{'、'.join(COMPONENTS)}）",
                code="opportunity_weight_unknown",
                names=", ".join(sorted(unknown)),
                choices=", ".join(COMPONENTS),
            )
        out = {c: float(weights.get(c, 0.0)) for c in COMPONENTS}
        if any(v < 0 or not np.isfinite(v) for v in out.values()):
            raise InsightError("权重不能为负数", code="opportunity_weight_negative")
        total = sum(out.values())
        if total <= 0:
            raise InsightError("权重不能全为0", code="opportunity_weights_all_zero")
        return {c: v / total for c, v in out.items()}
    if preset not in PRESETS:
        raise InsightError(
            f"未知的预设“{preset}”（可选：{'、'.join(PRESETS)}）",
            code="opportunity_preset_unknown",
            preset=preset,
            choices=", ".join(PRESETS),
        )
    return dict(PRESETS[preset])


def _z(values: np.ndarray) -> np.ndarray:
    std = values.std()
    if not np.isfinite(std) or std == 0:
        return np.zeros_like(values)
    return (values - values.mean()) / std


def rank_opportunities(
    *,
    activities: Sequence[str],
    mcp: np.ndarray,
    density: np.ndarray,
    pci: np.ndarray,
    cog: np.ndarray,
    proximity: np.ndarray,
    eci: float,
    chain_need: Mapping[str, float] | None = None,
    chain_links: Mapping[str, list] | None = None,
    preset: str | None = "balanced",
    weights: Mapping[str, float] | None = None,
    neighbours: int = 3,
    limit: int | None = None,
) -> list[Opportunity]:
    """Rank the activities the location lacks (``mcp`` = 0) for one location's row of the complexity results.

    ``mcp``, ``density``, ``cog``: the location's row; ``pci``: per activity; ``proximity``: activity × activity;
    ``eci``: the location's ECI. ``chain_need``: activity → need in [0, 1]; ``chain_links``: activity → the chain
    nodes (or targets) to show beside it.
    """
    w = resolve_weights(preset, weights)
    activities = [str(a) for a in activities]
    mcp = np.asarray(mcp).astype(bool)
    candidates = np.flatnonzero(~mcp & np.isfinite(np.asarray(density, dtype=float)))
    if len(candidates) == 0:
        return []
    need = chain_need or {}
    raw = {
        "density": np.asarray(density, dtype=float)[candidates],
        "pci": np.asarray(pci, dtype=float)[candidates],
        "cog": np.nan_to_num(np.asarray(cog, dtype=float)[candidates]),
        "chain": np.array([float(need.get(activities[j], 0.0)) for j in candidates]),
    }
    z = {c: _z(np.nan_to_num(raw[c])) for c in COMPONENTS}
    contributions = {c: w[c] * z[c] for c in COMPONENTS}
    score = np.sum([contributions[c] for c in COMPONENTS], axis=0)
    order = np.lexsort((np.arange(len(candidates)), -score))  # ties keep the activity order
    present = np.flatnonzero(mcp)
    prox = np.asarray(proximity, dtype=float)
    out: list[Opportunity] = []
    for rank, k in enumerate(order[: limit or len(order)], start=1):
        j = int(candidates[k])
        near = []
        if len(present):
            closeness = prox[present, j]
            for i in np.argsort(-closeness, kind="stable")[:neighbours]:
                if closeness[i] > 0:
                    near.append(Neighbour(activities[int(present[i])], float(closeness[i])))
        values = {c: float(raw[c][k]) for c in COMPONENTS}
        contrib = {c: float(contributions[c][k]) for c in COMPONENTS}
        reasons = [f"{c}_high" if z[c][k] >= 1 else f"{c}_low" for c in COMPONENTS if abs(z[c][k]) >= 1]
        if values["chain"] > 0:
            reasons.append("fills_chain_gap")
        out.append(
            Opportunity(
                rank=rank,
                activity=activities[j],
                score=float(score[k]),
                values=values,
                contributions=contrib,
                neighbours=near,
                adds_complexity=bool(values["pci"] > eci),
                chain_links=list((chain_links or {}).get(activities[j], [])),
                reasons=reasons,
            )
        )
    return out


#: How much a chain node's gap counts as the chain's own need (the ``chain`` component): a missing key node
#: (关键环节) is a full need, a weak key node or a missing ordinary node half of one, a weak ordinary node a
#: quarter; a strong node is no need.
CHAIN_NEED: Final[dict[tuple[str, bool], float]] = {
    ("missing", True): 1.0,
    ("weak", True): 0.5,
    ("missing", False): 0.5,
    ("weak", False): 0.25,
    ("strong", True): 0.0,
    ("strong", False): 0.0,
}


def chain_need(status: str, key_node: bool) -> float:
    """The need one chain node's gap status adds (see :data:`CHAIN_NEED`)."""
    return CHAIN_NEED.get((status, bool(key_node)), 0.0)
