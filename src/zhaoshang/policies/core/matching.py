"""Matching every clause against every firm at once (numpy/pandas), for the 免申即享 lists.

Plain Python. :class:`FirmTable` holds the registry as columns (categoricals for codes, float arrays with NaN
for missing numbers) plus three long tables: chain node paths, qualifications and projects, each keyed by the
firm's row. :func:`match_all` gives, per clause, one status per firm with the same meaning as
:func:`zhaoshang.policies.core.conditions.evaluate_clause` (a test checks that both agree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zhaoshang.policies.core.conditions import (
    CANNOT_JUDGE,
    MATCHED,
    NEARLY,
    NOT_MATCHED,
    Clause,
    ConditionError,
    FirmFacts,
    _industry_matches,
)

MET_C, NOT_MET_C, UNKNOWN_C = 0, 1, 2
STATUS_NAMES = {3: MATCHED, 2: CANNOT_JUDGE, 1: NEARLY, 0: NOT_MATCHED}
_EPOCH = dt.date(1970, 1, 1)
NUMERIC = ("capital_wan", "employees", "revenue_wan", "tax_wan", "rd_ratio")


def _days(d: dt.date | None) -> float:
    return float((d - _EPOCH).days) if d else np.nan


@dataclass
class FirmTable:
    ids: np.ndarray
    region: pd.Categorical
    industry: pd.Categorical
    founded_days: np.ndarray
    numbers: dict[str, np.ndarray]
    chain: pd.DataFrame  # row (int), path (categorical)
    qualifications: pd.DataFrame  # row, tag (categorical), obtained_days, expires_days (NaN = open)
    projects: pd.DataFrame  # row, stage (categorical), investment (float)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_frames(
        cls,
        firms: pd.DataFrame,
        chain: pd.DataFrame | None = None,
        qualifications: pd.DataFrame | None = None,
        projects: pd.DataFrame | None = None,
    ) -> FirmTable:
        """``firms``: columns id, region_code, industry_code, founded (datetime64 or date), capital_wan,
        employees, revenue_wan, tax_wan, rd_ratio. The long tables use ``firm_id``; they are re-keyed by row."""
        ids = firms["id"].to_numpy(dtype=np.int64)
        row_of = pd.Series(np.arange(len(ids)), index=ids)

        def cat(col: str) -> pd.Categorical:
            values = firms[col] if col in firms else pd.Series([None] * len(firms))
            return pd.Categorical(values.replace("", None))

        founded = (
            pd.to_datetime(firms["founded"], errors="coerce")
            if "founded" in firms
            else pd.Series(pd.NaT, index=firms.index)
        )
        founded_days = (founded - pd.Timestamp(_EPOCH)).dt.days.to_numpy(dtype=float)
        numbers = {
            n: pd.to_numeric(firms[n], errors="coerce").to_numpy(dtype=float)
            if n in firms
            else np.full(len(ids), np.nan)
            for n in NUMERIC
        }

        def rekey(frame: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
            if frame is None or frame.empty:
                return pd.DataFrame(
                    {c: pd.Series(dtype=float if c != "row" else np.int64) for c in ["row", *columns]}
                )
            out = frame[frame["firm_id"].isin(row_of.index)].copy()
            out["row"] = row_of.loc[out["firm_id"]].to_numpy()
            return out[["row", *columns]].reset_index(drop=True)

        chain_t = rekey(chain, ["path"])
        chain_t["path"] = pd.Categorical(chain_t["path"])
        quals = rekey(qualifications, ["tag", "obtained", "expires"])
        quals_t = pd.DataFrame(
            {
                "row": quals["row"].to_numpy(dtype=np.int64),
                "tag": pd.Categorical(quals["tag"]),
                "obtained_days": (
                    pd.to_datetime(quals["obtained"], errors="coerce") - pd.Timestamp(_EPOCH)
                ).dt.days.to_numpy(dtype=float),
                "expires_days": (
                    pd.to_datetime(quals["expires"], errors="coerce") - pd.Timestamp(_EPOCH)
                ).dt.days.to_numpy(dtype=float),
            }
        )
        proj = rekey(projects, ["stage", "investment"])
        proj_t = pd.DataFrame(
            {
                "row": proj["row"].to_numpy(dtype=np.int64),
                "stage": pd.Categorical(proj["stage"]),
                "investment": pd.to_numeric(proj["investment"], errors="coerce").to_numpy(dtype=float),
            }
        )
        return cls(
            ids, cat("region_code"), cat("industry_code"), founded_days, numbers, chain_t, quals_t, proj_t
        )

    @classmethod
    def from_facts(cls, facts: Iterable[FirmFacts]) -> FirmTable:
        facts = list(facts)
        firms = pd.DataFrame(
            {
                "id": [f.id for f in facts],
                "region_code": [f.region_code for f in facts],
                "industry_code": [f.industry_code for f in facts],
                "founded": [f.founded for f in facts],
                **{n: [getattr(f, n) for f in facts] for n in NUMERIC},
            }
        )
        chain = pd.DataFrame([(f.id, p) for f in facts for p in f.chain_paths], columns=["firm_id", "path"])
        quals = pd.DataFrame(
            [(f.id, q.tag, q.obtained, q.expires) for f in facts for q in f.qualifications],
            columns=["firm_id", "tag", "obtained", "expires"],
        )
        projects = pd.DataFrame(
            [(f.id, p.stage, p.investment_wan) for f in facts for p in f.projects],
            columns=["firm_id", "stage", "investment"],
        )
        return cls.from_frames(firms, chain, quals, projects)


def _from_categories(cat: pd.Categorical, predicate) -> tuple[np.ndarray, np.ndarray]:
    """(met, unknown) per row, the predicate evaluated once per distinct value."""
    categories = cat.categories
    hit = np.fromiter((bool(predicate(str(c))) for c in categories), dtype=bool, count=len(categories))
    codes = np.asarray(cat.codes)
    unknown = codes < 0
    met = np.zeros(len(codes), dtype=bool)
    met[~unknown] = hit[codes[~unknown]]
    return met, unknown


def _rows_where(n: int, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def condition_status(
    cond: Mapping, table: FirmTable, as_of: dt.date, section_of: Mapping[str, str] | None = None
) -> np.ndarray:
    """int8 per firm: 0 met, 1 not met, 2 unknown."""
    n = len(table)
    kind = cond["kind"]
    section_of = section_of or {}
    status = np.full(n, NOT_MET_C, dtype=np.int8)

    def apply(met: np.ndarray, unknown: np.ndarray) -> np.ndarray:
        status[met] = MET_C
        status[unknown & ~met] = UNKNOWN_C
        return status

    def in_range(values: np.ndarray) -> np.ndarray:
        unknown = np.isnan(values)
        ok = ~unknown
        with np.errstate(invalid="ignore"):
            if cond.get("min") is not None:
                ok &= values >= cond["min"]
            if cond.get("max") is not None:
                ok &= values <= cond["max"]
        return apply(ok, unknown)

    if kind == "region":
        wanted = tuple(cond["in"])
        return apply(*_from_categories(table.region, lambda c: c.startswith(wanted)))
    if kind == "industry":
        return apply(
            *_from_categories(
                table.industry, lambda c: any(_industry_matches(c, w, section_of) for w in cond["in"])
            )
        )
    if kind == "chain_node":
        wanted = [w.rstrip("/") for w in cond["in"]]
        hit, _ = _from_categories(
            table.chain["path"].array, lambda p: any(p == w or p.startswith(w + "/") for w in wanted)
        )
        rows = table.chain["row"].to_numpy()
        has_any = _rows_where(n, rows)
        return apply(_rows_where(n, rows[hit]), ~has_any)
    if kind == "firm_age":
        age = (_days(as_of) - table.founded_days) / 365.25
        return in_range(np.round(age, 2))
    if kind in ("capital", "employees", "revenue", "tax", "rd_ratio"):
        name = {
            "capital": "capital_wan",
            "employees": "employees",
            "revenue": "revenue_wan",
            "tax": "tax_wan",
            "rd_ratio": "rd_ratio",
        }[kind]
        return in_range(table.numbers[name])
    if kind == "qualification":
        q = table.qualifications
        day = _days(as_of)
        tag_hit, _ = _from_categories(q["tag"].array, lambda t: t in set(cond["any"]))
        valid = tag_hit & ~(q["obtained_days"].to_numpy() > day) & ~(q["expires_days"].to_numpy() < day)
        return apply(_rows_where(n, q["row"].to_numpy()[valid]), np.zeros(n, dtype=bool))
    if kind == "project_stage":
        p = table.projects
        hit, _ = _from_categories(p["stage"].array, lambda s: s in set(cond["in"]))
        return apply(_rows_where(n, p["row"].to_numpy()[hit]), np.zeros(n, dtype=bool))
    if kind == "project_investment":
        p = table.projects
        has_project = _rows_where(n, p["row"].to_numpy())
        best = np.full(n, np.nan)
        inv = p["investment"].to_numpy()
        known = ~np.isnan(inv)
        np.fmax.at(best, p["row"].to_numpy()[known], inv[known])
        in_range(best)
        status[~has_project] = NOT_MET_C
        return status
    raise ConditionError(f"未知的条件类型「{kind}」", code="condition_kind_not_evaluable", kind=kind)


@dataclass
class ClauseMatch:
    clause_id: int
    status: np.ndarray  # int8 per firm: 3 matched, 2 unknown, 1 nearly, 0 not matched

    def ids(self, table: FirmTable, status: str = MATCHED) -> np.ndarray:
        code = {v: k for k, v in STATUS_NAMES.items()}[status]
        return table.ids[self.status == code]

    def counts(self) -> dict[str, int]:
        values = np.bincount(self.status, minlength=4)
        return {STATUS_NAMES[i]: int(values[i]) for i in range(4)}


def match_clause(
    clause: Clause, table: FirmTable, as_of: dt.date, section_of: Mapping[str, str] | None = None
) -> ClauseMatch:
    n = len(table)
    fails = np.zeros(n, dtype=np.int8)
    unknown = np.zeros(n, dtype=bool)
    for cond in clause.conditions:
        s = condition_status(cond, table, as_of, section_of)
        fails += s == NOT_MET_C
        unknown |= s == UNKNOWN_C
    status = np.full(n, 3, dtype=np.int8)
    status[unknown] = 2
    status[fails == 1] = 1
    status[fails >= 2] = 0
    return ClauseMatch(clause.id, status)


def match_all(
    clauses: Sequence[Clause], table: FirmTable, as_of: dt.date, section_of: Mapping[str, str] | None = None
) -> list[ClauseMatch]:
    return [match_clause(c, table, as_of, section_of) for c in clauses]
