"""Gap analysis: a chain's assignments as a frame, local versus elsewhere, node status and completeness; regions
compared."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhaoshang.chains.analysis.errors import AnalysisInputError
from zhaoshang.chains.analysis.evidence import COUNTING
from zhaoshang.chains.analysis.gap import GapResult, Thresholds, analyse_gaps, compare_regions
from zhaoshang.chains.analysis.spec import ChainSpec
from zhaoshang.chains.models import Chain, NodeAssignment
from zhaoshang.chains.services.common import ChainServiceError, Status
from zhaoshang.chains.services.regions import Area, resolve_region, within_codes
from zhaoshang.chains.services.specs import spec_for
from zhaoshang.chains.services.thresholds import thresholds_for

#: Approximate exchange rates to CNY used to compare registered capital (documented in docs/CHAINS.md).
CNY_PER = {
    "": 1.0,
    "CNY": 1.0,
    "RMB": 1.0,
    "USD": 7.1,
    "HKD": 0.91,
    "EUR": 7.7,
    "JPY": 0.047,
    "GBP": 9.0,
    "TWD": 0.22,
}


#: The assignments of a chain that are not rejected, with their evidence: which of them make coverage and which
#: are candidates to verify is decided by the evidence kind (see chains/analysis/evidence.py).
def counted_assignments(chain: Chain) -> QuerySet:
    return NodeAssignment.objects.filter(node__chain=chain, enterprise__merged_into__isnull=True).exclude(
        status=Status.REJECTED
    )


_FIRM_FIELDS = (
    "enterprise_id",
    "node__key",
    "score",
    "status",
    "reasons",
    "enterprise__region_code",
    "enterprise__capital_wan",
    "enterprise__currency",
    "enterprise__employees",
    "enterprise__revenue_wan",
    "enterprise__listed",
    "enterprise__tags",
    "enterprise__name",
    "evidence",
    "id",
)


def _capital_cny(capital: Any, currency: str) -> float:
    if capital is None:
        return math.nan
    rate = CNY_PER.get((currency or "").upper())
    return float(capital) * rate if rate is not None else math.nan


def _assignment_frame(chain: Chain) -> pd.DataFrame:
    rows = list(counted_assignments(chain).values_list(*_FIRM_FIELDS))
    df = pd.DataFrame(
        rows,
        columns=[
            "firm_id",
            "node_key",
            "node_score",
            "status",
            "reasons",
            "region_code",
            "capital_wan",
            "currency",
            "employees",
            "revenue_wan",
            "listed",
            "tags",
            "name",
            "evidence",
            "assignment_id",
        ],
    )
    if len(df):
        df["capital_wan_cny"] = [
            _capital_cny(c, cur) for c, cur in zip(df["capital_wan"], df["currency"], strict=True)
        ]
        df["employees"] = pd.to_numeric(df["employees"], errors="coerce").astype(float)
        df["revenue_wan"] = pd.to_numeric(df["revenue_wan"], errors="coerce").astype(float)
        df.loc[df["status"] == Status.CONFIRMED, "node_score"] = 1.0
    else:
        df["capital_wan_cny"] = pd.Series(dtype=float)
    return df


@dataclass
class GapReport:
    chain: Chain
    spec: ChainSpec
    area: Area
    result: GapResult
    local: pd.DataFrame  # assignment rows of local firms
    others: pd.DataFrame  # assignment rows of firms elsewhere
    thresholds: Thresholds
    _targets: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def completeness(self) -> float:
        return self.result.completeness

    def local_firm_ids(self, key: str) -> list[int]:
        """Local firms that cover the node (its subtree) by evidence: product, confirmed, supply, deciding code."""
        return self._firms(key, counting=True)

    def candidate_firm_ids(self, key: str) -> list[int]:
        """Local firms on the node (its subtree) by industry code only: candidates to verify (待核实候选)."""
        covered = set(self._firms(key, counting=True))
        return [f for f in self._firms(key, counting=False) if f not in covered]

    def _firms(self, key: str, *, counting: bool) -> list[int]:
        if not len(self.local):
            return []
        sub = set(self.spec.subtree(key))
        rows = self.local[
            self.local["node_key"].isin(sub) & (self.local["evidence"].isin(COUNTING) == counting)
        ]
        return sorted(set(rows["firm_id"].tolist()))

    def local_rows(self, key: str) -> pd.DataFrame:
        """The local assignment rows on the node itself and below (all evidence kinds)."""
        if not len(self.local):
            return self.local
        return self.local[self.local["node_key"].isin(set(self.spec.subtree(key)))]


def gap_for_region(chain: Chain, region_code: str, thresholds: Thresholds | None = None) -> GapReport:
    """Per node the local firms, status strong/weak/missing and the weighted completeness (see docs/CHAINS.md)."""
    area = resolve_region(region_code)
    spec = spec_for(chain)
    thresholds = thresholds or thresholds_for(chain)
    df = _assignment_frame(chain)
    inside = within_codes(set(df["region_code"]), area.code) if len(df) else set()
    is_local = df["region_code"].isin(inside) if len(df) else pd.Series(dtype=bool)
    local, others = df[is_local].copy(), df[~is_local].copy()
    try:
        result = analyse_gaps(spec, local, thresholds)
    except AnalysisInputError as exc:
        raise ChainServiceError(exc.message, code=exc.code, **exc.params) from exc
    return GapReport(chain, spec, area, result, local, others, thresholds)


def compare(chain: Chain, region_codes: Sequence[str]) -> tuple[pd.DataFrame, list[Area]]:
    """Regions side by side on one chain (statuses, firm counts, completeness in `frame.attrs`)."""
    if not region_codes:
        raise ChainServiceError(_("Choose at least one region"))
    spec = spec_for(chain)
    df = _assignment_frame(chain)
    thresholds = thresholds_for(chain)
    areas = [resolve_region(c) for c in region_codes]
    tables = {}
    for area in areas:
        inside = within_codes(set(df["region_code"]), area.code) if len(df) else set()
        tables[area.code] = df[df["region_code"].isin(inside)] if len(df) else df
    return compare_regions(spec, tables, thresholds), areas
