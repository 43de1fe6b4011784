"""Insight services: the verbs the web, the API and the CLI call (they own transactions, writes and audit)."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from django.utils.translation import gettext as _

from zhaoshang.core.messages import is_chinese
from zhaoshang.insight.complexity import PROXIMITY_KINDS, complexity_table
from zhaoshang.insight.errors import InputFileError, InsightError
from zhaoshang.insight.tables import read_long_table

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.insight.complexity import Presence, ProximityKind


@dataclass
class ComplexityRun:
    """What ``zhaoshang insight complexity`` reports."""

    rows: int
    locations: int
    activities: int
    times: int
    compute_seconds: float
    read_seconds: float
    write_seconds: float
    output: str
    routes: list[str]
    compute_cpu_seconds: float = 0.0

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "locations": self.locations,
            "activities": self.activities,
            "times": self.times,
            "compute_seconds": self.compute_seconds,
            "compute_cpu_seconds": self.compute_cpu_seconds,
            "read_seconds": self.read_seconds,
            "write_seconds": self.write_seconds,
            "output": self.output,
        }


#: A (time ×) location × activity table is long by nature (2,800 locations × 1,200 activities are 3,360,000 cells a
#: year): ``insight complexity`` reads up to this many rows, not the 2,000,000 of a registry import, unless
#: ZHAOSHANG_IMPORT_MAX_ROWS is set (then that limit holds).
COMPLEXITY_MAX_ROWS = 50_000_000


@contextlib.contextmanager
def _long_table_rows():
    from zhaoshang.tabular.safety import ENV_MAX_ROWS

    if os.environ.get(ENV_MAX_ROWS, "").strip():
        yield
        return
    os.environ[ENV_MAX_ROWS] = str(COMPLEXITY_MAX_ROWS)
    try:
        yield
    finally:
        os.environ.pop(ENV_MAX_ROWS, None)


def compute_complexity_file(
    path: str | Path,
    *,
    location: str,
    activity: str,
    value: str,
    output: str | Path,
    time_column: str | None = None,
    population: str | Path | None = None,
    population_value: str | None = None,
    presence_test: str | None = None,
    rca_threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    proximity_kind: str = "symmetric",
) -> ComplexityRun:
    """Read a long table, compute every complexity measure per time, write the long result as CSV (or XLSX).

    Nothing is written when the input is bad. ``compute_seconds`` covers the long table in memory to the result
    table in memory (the span py-ecomplexity's own call covers).
    """
    if proximity_kind not in PROXIMITY_KINDS:
        raise InsightError(
            f"未知的邻近度类型“{proximity_kind}”（可选：{'、'.join(PROXIMITY_KINDS)}）",
            code="proximity_kind_unknown",
            kind=proximity_kind,
            choices=", ".join(PROXIMITY_KINDS),
        )
    started = time.perf_counter()
    keys = [c for c in (time_column, location, activity) if c is not None]
    with _long_table_rows():
        data = read_long_table(path, keys=keys, value=value)
        pop_frame = None
        if population is not None:
            pop_keys = [c for c in (time_column, location) if c is not None]
            pop_frame = _read_population(population, pop_keys, population_value)
            population_value = pop_frame.columns[-1]
    read_seconds = time.perf_counter() - started
    result = complexity_table(
        data,
        location=location,
        activity=activity,
        value=value,
        time=time_column,
        population=pop_frame,
        population_value=population_value,
        presence_test=cast("Presence | None", presence_test),  # complexity_table names an unknown one
        rca_threshold=rca_threshold,
        rpop_threshold=rpop_threshold,
        proximity_kind=cast("ProximityKind", proximity_kind),  # checked above
    )
    started = time.perf_counter()
    write_result(result.frame, output)
    return ComplexityRun(
        rows=result.rows,
        locations=result.locations,
        activities=result.activities,
        times=result.times,
        compute_seconds=result.seconds,
        read_seconds=read_seconds,
        write_seconds=time.perf_counter() - started,
        output=str(output),
        routes=result.methods,
        compute_cpu_seconds=result.cpu_seconds,
    )


def _read_population(path, keys: list[str], population_value: str | None) -> pd.DataFrame:
    from zhaoshang.tabular import open_table

    if population_value is None:
        header = open_table(path).header
        others = [h for h in header if h and h not in keys]
        if len(others) != 1:
            raise InputFileError(
                path,
                f"人口表除{'、'.join(keys)}外应恰有一列人口数（现有：{'、'.join(others) or '无'}），或用 --population-column 指定",
                code="population_column_unclear",
                keys=", ".join(keys),
                others=", ".join(others) or "none",
            )
        population_value = others[0]
    return read_long_table(path, keys=keys, value=population_value)


def write_result(frame: pd.DataFrame, output: str | Path) -> None:
    """CSV with full-precision numbers (shortest text that reads back to the same float); XLSX by suffix.

    Key cells that begin with = + - @ are written with a leading apostrophe so that no spreadsheet runs them.
    """
    from zhaoshang.tabular import neutralise

    output = Path(output)
    frame = frame.copy(deep=False)
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            cats = frame[name].cat.categories
            if cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype):
                fixed = [neutralise(str(c)) for c in cats]
                if fixed != [str(c) for c in cats]:
                    frame[name] = frame[name].cat.rename_categories(fixed)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".xlsx":
        from zhaoshang.tabular import write_xlsx

        if len(frame) > 1_000_000:
            raise InsightError(
                _("The result has more rows than XLSX allows (1,048,576 rows); write it as CSV")
            )
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
        write_xlsx(output, list(frame.columns), rows)
        return
    tmp = output.with_name(output.name + ".part")
    _write_csv_columns(frame, tmp)
    tmp.replace(output)


def _csv_field(text: str) -> str:
    """Quoted as the csv module's minimal quoting would (delimiter, quote or line break inside)."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _column_texts(column: pd.Series) -> list[str]:
    """Every cell of a column as CSV text: floats as ``repr`` (the shortest text that reads back to the same
    number), empty for missing; categorical keys formatted once per category."""
    import numpy as np

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        labels = np.array([_csv_field(str(c)) for c in dtype.categories] + [""], dtype=object)
        return labels[column.cat.codes.to_numpy()].tolist()  # code -1 (missing) takes the last, empty text
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = column.to_numpy()
        texts = list(map(repr, values.tolist()))
        missing = np.flatnonzero(np.isnan(values))
        for i in missing.tolist():
            texts[i] = ""
        return texts
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return list(map(str, column.to_numpy().tolist()))
    values = column.to_numpy(dtype=object, na_value=None)
    return ["" if v is None else _csv_field(repr(v) if isinstance(v, float) else str(v)) for v in values]


def _write_csv_columns(frame: pd.DataFrame, path: Path, chunk: int = 200_000) -> None:
    """The frame as UTF-8 CSV, column by column (several times faster than ``DataFrame.to_csv`` at full float
    precision: the numbers are formatted by ``map(repr, ...)`` instead of one Python call per cell)."""
    names = [str(c) for c in frame.columns]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(_csv_field(n) for n in names) + "\n")
        for start in range(0, len(frame), chunk):
            part = frame.iloc[start : start + chunk]
            columns = [_column_texts(part.iloc[:, j]) for j in range(part.shape[1])]
            handle.write("\n".join(map(",".join, zip(*columns, strict=True))))
            handle.write("\n")


# --------------------------------------------------------------------------------------------- registry matrix

#: Digits of a GB/T 4754 code at each level (the registry stores the digits, e.g. ``3711``).
INDUSTRY_LEVELS = {"division": 2, "group": 3, "class": 4}
MEASURES = ("firms", "capital")


def registry_matrix(
    *, by: str = "class", measure: str = "firms", user=None, region_prefix: str = "", chain: str | None = None
) -> pd.DataFrame:
    """A long (county, activity, value) table built from the registry, for :func:`complexity_table`.

    ``by``: a GB/T 4754 level (``division`` 大类, ``group`` 中类, ``class`` 小类) of the firm's industry code, or
    ``node`` (the chain nodes firms are placed on; rejected placements are left out; ``chain`` narrows to one chain).
    ``measure``: number of firms or registered capital (万元). Merged duplicates, firms without a county code or
    without an industry code at that level are left out. With a ``user``, only the firms the user may see count.
    The aggregation runs in the database (one GROUP BY).
    """
    from django.db.models import Count, Sum
    from django.db.models.functions import Length, Substr

    from zhaoshang.accounts.scoping import visible
    from zhaoshang.registry.models import Enterprise

    if measure not in MEASURES:
        raise InsightError(
            _(
                "Unknown measure “%(measure)s” (choices: firms the number of firms, capital registered capital)"
            )
            % {"measure": measure}
        )
    firms = Enterprise.objects.filter(merged_into__isnull=True).exclude(region_code="")
    if region_prefix:
        firms = firms.filter(region_code__startswith=region_prefix)
    if user is not None:
        firms = visible(user, firms)
    rows: QuerySet[Any, Any]  # of firms or of node placements
    if by in INDUSTRY_LEVELS:
        digits = INDUSTRY_LEVELS[by]
        rows = (
            firms.exclude(industry_code="")
            .annotate(activity=Substr("industry_code", 1, digits), code_length=Length("industry_code"))
            .filter(code_length__gte=digits)
            .values("region_code", "activity")
        )
        names = ("region_code", "activity", "value")
        value_field = "capital_wan"
        count_field = "id"
    elif by == "node":
        from zhaoshang.chains.models import NodeAssignment

        rows = NodeAssignment.objects.filter(enterprise__in=firms).exclude(
            status=NodeAssignment.Status.REJECTED
        )
        if chain:
            rows = rows.filter(node__chain__slug=chain)
        rows = rows.values("enterprise__region_code", "node_id")
        names = ("enterprise__region_code", "node_id", "value")
        value_field = "enterprise__capital_wan"
        count_field = "enterprise_id"
    else:
        raise InsightError(
            _("Unknown industry level “%(by)s” (choices: %(choices)s)")
            % {"by": by, "choices": listing(["division", "group", "class", "node"])}
        )
    from django.db import connection

    if connection.vendor == "sqlite":
        # SQLite sorts a million rows for a GROUP BY slower than pandas groups them: fetch the two key columns
        # (and the capital) with one plain query and aggregate in memory
        key_names = names[:2]
        fetch = (
            rows.values_list(*key_names, value_field)
            if measure == "capital"
            else rows.values_list(*key_names)
        )
        sql, params = fetch.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        cols = ["county", "activity", *(["value"] if measure == "capital" else [])]
        raw = pd.DataFrame.from_records(fetched, columns=cols)
        if raw.empty:
            return pd.DataFrame({"county": [], "activity": [], "value": []})
        if measure == "capital":
            raw["value"] = pd.to_numeric(raw["value"], errors="coerce").fillna(0.0).astype(float)
            grouped = raw.groupby(["county", "activity"], sort=False)["value"].sum()
        else:  # one row per firm (per firm and node: a firm sits on a node once)
            grouped = raw.groupby(["county", "activity"], sort=False).size()
        data = grouped.rename("value").reset_index()
    else:
        if measure == "firms":
            rows = rows.annotate(value=Count(count_field, distinct=by == "node"))
        else:
            rows = rows.annotate(value=Sum(value_field))
        data = pd.DataFrame.from_records(
            list(rows.values_list(*names)), columns=["county", "activity", "value"]
        )
    data["value"] = pd.to_numeric(data["value"], errors="coerce").fillna(0.0).astype(float)
    data["activity"] = data["activity"].astype(str)
    return data


def compute_registry_complexity(
    *,
    by: str = "class",
    measure: str = "firms",
    output: str | Path,
    region_prefix: str = "",
    chain: str | None = None,
    user=None,
) -> ComplexityRun:
    """The registry-built matrix through :func:`complexity_table`, written like ``insight complexity``."""
    started = time.perf_counter()
    data = registry_matrix(by=by, measure=measure, region_prefix=region_prefix, chain=chain, user=user)
    read_seconds = time.perf_counter() - started
    if data.empty:
        raise InsightError(
            _(
                "No firm of the register has both a county code and an industry of this level: nothing to compute"
            )
        )
    result = complexity_table(data, location="county", activity="activity", value="value")
    started = time.perf_counter()
    write_result(result.frame, output)
    return ComplexityRun(
        rows=result.rows,
        locations=result.locations,
        activities=result.activities,
        times=result.times,
        compute_seconds=result.seconds,
        read_seconds=read_seconds,
        write_seconds=time.perf_counter() - started,
        output=str(output),
        routes=result.methods,
        compute_cpu_seconds=result.cpu_seconds,
    )


# --------------------------------------------------------------------------------------------- input-output


def import_io_table(actor, path: str | Path, *, name: str | None = None, year: int | None = None):
    """Read an NBS input-output table and store it (re-importing the same name replaces it); audited."""
    import re

    from django.db import transaction

    from zhaoshang.core import audit
    from zhaoshang.insight.io import read_io_table
    from zhaoshang.insight.models import InputOutputTable

    path = Path(path)
    table = read_io_table(path)
    if year is None:
        found = re.search(r"(19|20)\d\d", path.stem)
        year = int(found.group(0)) if found else None
    name = name or f"{year or ''}-{table.size}".strip("-")
    with transaction.atomic():
        existing = InputOutputTable.objects.filter(name=name).first()
        fields = {
            "year": year,
            "sectors": table.size,
            "noncompetitive": table.imported is not None,
            "source_file": path.name,
            "data": table.to_json(),
        }
        if existing is None:
            stored = InputOutputTable.objects.create(
                name=name, created_by=actor if getattr(actor, "pk", None) else None, **fields
            )
            audit.record(actor, "create", stored, {"name": [None, name], "sectors": [None, table.size]})
        else:
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            stored = existing
            audit.record(
                actor, "update", stored, {"sectors": [None, table.size]}, note=f"re-imported from {path.name}"
            )
    return stored


def find_io_table(name: str):
    from zhaoshang.insight.models import InputOutputTable

    found = InputOutputTable.objects.filter(name=name).first()
    if found is None:
        names = listing(InputOutputTable.objects.values_list("name", flat=True)) or _("(none imported yet)")
        raise InsightError(
            _("No input-output table is named “%(name)s” (there are: %(names)s)")
            % {"name": name, "names": names}
        )
    return found


def registry_location_quotients(
    region_prefix: str, *, mapping_path=None, measure: str = "firms"
) -> dict[str, float]:
    """Location quotients per IO sector of a region (county/city code prefix) against the whole registry."""
    from zhaoshang.insight.io import load_sector_mapping, location_quotients, sector_sizes

    mapping = load_sector_mapping(mapping_path)
    everywhere = registry_matrix(by="division", measure=measure)
    if everywhere.empty:
        raise InsightError(
            _("No firm of the register has an industry code: the location quotients cannot be computed")
        )
    national = everywhere.groupby("activity")["value"].sum().to_dict()
    regional = (
        everywhere[everywhere["county"].str.startswith(region_prefix)].groupby("activity")["value"].sum()
    )
    return location_quotients(sector_sizes(regional.to_dict(), mapping), sector_sizes(national, mapping))


# --------------------------------------------------------------------------------------------- opportunities


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``density=0.5,pci=0.2`` → a dict (None for no text); bad text is a domain error."""
    if not text:
        return None
    out = {}
    for part in text.replace("，", ",").split(","):
        name, sep, number = part.partition("=")
        try:
            out[name.strip()] = float(number)
        except ValueError:
            raise InsightError(_weight_format(part)) from None
        if not sep:
            raise InsightError(_weight_format(part))
    return out


def _weight_format(part: str) -> str:
    return _("The weight “%(part)s” should be written name=number, such as density=0.5") % {"part": part}


def listing(items) -> str:
    """Items as the active language lists them (Chinese: separated by 、)."""
    return ("、" if is_chinese() else ", ").join(str(i) for i in items)


def rank_file_opportunities(
    path,
    *,
    location: str,
    activity: str,
    value: str,
    home: str,
    time_column: str | None = None,
    year: str | None = None,
    preset: str = "balanced",
    weights=None,
    top: int = 20,
    chain_need=None,
):
    """Complexity of one time of a long table, then the home location's opportunities (ranked, explained)."""
    import numpy as np

    from zhaoshang.insight.complexity import complexity_matrix
    from zhaoshang.insight.opportunities import rank_opportunities

    keys = [c for c in (time_column, location, activity) if c is not None]
    data = read_long_table(path, keys=keys, value=value)
    if time_column is not None:
        times = sorted(str(t) for t in data[time_column].cat.categories)
        chosen = str(year) if year is not None else times[-1]
        if chosen not in times:
            raise InsightError(
                _("No time “%(time)s” (there are: %(times)s)") % {"time": chosen, "times": listing(times)}
            )
        data = data[data[time_column].astype(str) == chosen]
    matrix = data.pivot_table(
        index=location, columns=activity, values=value, aggfunc="first", fill_value=0.0, observed=True
    )
    matrix = matrix.loc[matrix.sum(axis=1) != 0, matrix.sum(axis=0) != 0]
    locations = [str(v) for v in matrix.index]
    if str(home) not in locations:
        raise InsightError(
            _("The table has no region “%(region)s” (or all its values are 0)") % {"region": home}
        )
    res = complexity_matrix(matrix.to_numpy(dtype=float))
    i = locations.index(str(home))
    return rank_opportunities(
        activities=[str(v) for v in matrix.columns],
        mcp=res.mcp[i],
        density=res.density[i],
        pci=res.pci,
        cog=res.cog[i],
        proximity=res.proximity,
        eci=float(np.nan_to_num(res.eci[i])),
        chain_need=chain_need,
        preset=preset,
        weights=weights,
        limit=top,
    )
