"""City-wide figures over many cases: per item and per department, median working days against the legal
limit, trips and stamps per project, trips saved against the baseline, the slowest items, and which
department holds which projects today. Plain Python (pandas for the grouping)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd


@dataclass(slots=True)
class ItemRecord:
    """One item of one case, flattened."""

    case_id: int
    project: str
    project_type: str
    code: str
    name: str
    department: str
    limit_days: int
    state: str
    working_days_taken: int | None  # done items only
    late: bool
    trips: int
    stamps: int
    baseline_trips: int
    baseline_stamps: int
    started_on: dt.date | None = None


COLUMNS = list(ItemRecord.__dataclass_fields__)


def frame(records: Iterable[ItemRecord] | pd.DataFrame) -> pd.DataFrame:
    """The records as one DataFrame (build it once when several figures are wanted)."""
    if isinstance(records, pd.DataFrame):
        return records
    records = list(records)
    data = {c: [getattr(r, c) for r in records] for c in COLUMNS}
    out = pd.DataFrame(data, columns=COLUMNS)
    out["working_days_taken"] = pd.to_numeric(out["working_days_taken"], errors="coerce")
    return out


_frame = frame


def per_item(records: Iterable[ItemRecord] | pd.DataFrame) -> list[dict]:
    """Per item name: cases, done, median working days taken, legal limit, ratio, late share; slowest first."""
    frame = _frame(records)
    if frame.empty:
        return []
    rows = []
    for (code, name), group in frame.groupby(["code", "name"], sort=False):
        done = group["working_days_taken"].dropna()
        limit = int(group["limit_days"].median())
        median = float(done.median()) if len(done) else None
        rows.append(
            {
                "code": code,
                "name": name,
                "department": group["department"].mode().iat[0],
                "cases": int(group["case_id"].nunique()),
                "done": int(len(done)),
                "median_days": median,
                "limit_days": limit,
                "ratio": (median / limit) if (median is not None and limit) else None,
                "late": int(group["late"].sum()),
                "late_share": float(group["late"].mean()),
            }
        )
    rows.sort(key=lambda r: (-(r["ratio"] if r["ratio"] is not None else -1), r["name"]))
    return rows


def per_department(records: Iterable[ItemRecord] | pd.DataFrame) -> list[dict]:
    frame = _frame(records)
    if frame.empty:
        return []
    rows = []
    for dept, group in frame.groupby("department", sort=True):
        done = group.dropna(subset=["working_days_taken"])
        ratio = (done["working_days_taken"] / done["limit_days"].where(done["limit_days"] > 0)).dropna()
        rows.append(
            {
                "department": dept,
                "items": int(len(group)),
                "done": int(len(done)),
                "median_days": float(done["working_days_taken"].median()) if len(done) else None,
                "median_ratio": float(ratio.median()) if len(ratio) else None,
                "late": int(group["late"].sum()),
                "open": int((~group["state"].isin(["done", "not_needed"])).sum()),
            }
        )
    rows.sort(key=lambda r: (-r["late"], r["department"]))
    return rows


def per_project_type(records: Iterable[ItemRecord] | pd.DataFrame) -> list[dict]:
    """Per project type: cases, trips and stamps per project, trips and stamps saved against the baseline."""
    frame = _frame(records)
    if frame.empty:
        return []
    rows = []
    for ptype, group in frame.groupby("project_type", sort=True):
        cases = group.groupby("case_id").agg(
            trips=("trips", "sum"),
            stamps=("stamps", "sum"),
            baseline_trips=("baseline_trips", "sum"),
            baseline_stamps=("baseline_stamps", "sum"),
        )
        rows.append(
            {
                "project_type": ptype,
                "cases": int(len(cases)),
                "trips_per_project": float(cases["trips"].mean()),
                "stamps_per_project": float(cases["stamps"].mean()),
                "baseline_trips_per_project": float(cases["baseline_trips"].mean()),
                "trips_saved": int((cases["baseline_trips"] - cases["trips"]).sum()),
                "stamps_saved": int((cases["baseline_stamps"] - cases["stamps"]).sum()),
            }
        )
    return rows


def trips_and_stamps(records: Iterable[ItemRecord] | pd.DataFrame) -> dict:
    """One case (or any set): trips and stamps made, the baseline, and what was saved."""
    frame = _frame(records)
    trips, stamps = int(frame["trips"].sum()), int(frame["stamps"].sum())
    bt, bs = int(frame["baseline_trips"].sum()), int(frame["baseline_stamps"].sum())
    return {
        "trips": trips,
        "stamps": stamps,
        "baseline_trips": bt,
        "baseline_stamps": bs,
        "trips_saved": bt - trips,
        "stamps_saved": bs - stamps,
    }


def held_by_department(records: Iterable[ItemRecord] | pd.DataFrame, today: dt.date) -> list[dict]:
    """Which department holds which projects today: items in progress, grouped by department, oldest first."""
    frame = _frame(records)
    frame = frame[frame["state"] == "in_progress"]
    rows = []
    for dept, group in frame.groupby("department", sort=True):
        items = [
            {
                "case_id": int(r.case_id),
                "project": r.project,
                "item": r.name,
                "late": bool(r.late),
                "days_held": (today - r.started_on).days if r.started_on else None,
            }
            for r in group.itertuples()
        ]
        items.sort(key=lambda i: -(i["days_held"] or 0))
        rows.append(
            {
                "department": dept,
                "projects": int(group["case_id"].nunique()),
                "late": int(group["late"].sum()),
                "items": items,
            }
        )
    rows.sort(key=lambda r: (-r["late"], -r["projects"], r["department"]))
    return rows
