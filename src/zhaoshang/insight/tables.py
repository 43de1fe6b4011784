"""Reading long tables (location × activity × value [× time]) for the complexity command; plain Python.

Files are read through the shared readers (:mod:`zhaoshang.tabular`: CSV with encoding and delimiter detection,
XLSX/XLS streamed). Key cells are kept as the text the user typed; values must be numbers (thousands separators
and surrounding spaces are accepted). An empty value is missing: it counts as 0 and its RCA stays empty, as in
py-ecomplexity. The first bad cell stops the read with one line naming the file, the row, the column and the reason.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from zhaoshang.insight.errors import InputFileError
from zhaoshang.tabular import UnreadableFileError, cell_text, open_table


def parse_number(text: str) -> float | None:
    """A finite number from a cell's text (``1,234.5``, `` 7 ``, ``1e3``), NaN for an empty cell, ``None`` when
    the text is not a number."""
    t = text.strip().replace(",", "").replace("，", "")
    if not t:
        return math.nan  # missing: counts as 0 in the computation
    try:
        number = float(t)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _text(cell) -> str:
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, date):
        return cell.isoformat()
    return cell_text(cell).strip()


def read_long_table(
    path: str | Path,
    *,
    keys: Sequence[str],
    value: str | None,
) -> pd.DataFrame:
    """The table as a DataFrame: the ``keys`` columns as categoricals of their text, ``value`` as float.

    Raises :class:`InputFileError` (file, row, column, reason) for a missing column, an empty key or a value that
    is not a number.
    """
    path = Path(path)
    try:
        table = open_table(path)
    except UnreadableFileError as exc:
        raise InputFileError.unreadable(path, exc) from None
    except FileNotFoundError:
        raise InputFileError(path, "文件不存在", code="insight_file_not_found") from None
    header = table.header
    wanted = [*keys, *([value] if value is not None else [])]
    positions = {}
    for name in wanted:
        if name not in header:
            shown = "、".join(h for h in header if h) or "（空）"
            raise InputFileError(
                path,
                f"缺少列“{name}”（表头有：{shown}）",
                row=table.header_row,
                code="table_column_missing",
                name=name,
                header=", ".join(h for h in header if h),
            )
        positions[name] = header.index(name)
    if len(set(wanted)) != len(wanted):
        raise InputFileError(
            path,
            "同一列被指定为多个角色（时间、地区、产业、数值应是不同的列）",
            code="table_column_roles_repeated",
        )

    key_pos = [positions[k] for k in keys]
    val_pos = positions[value] if value is not None else None
    lookups: list[dict[str, int]] = [{} for _ in keys]
    # typed arrays, not lists of Python numbers: 8 bytes a cell instead of ~36 (millions of rows)
    codes: list[array] = [array("q") for _ in keys]
    values = array("d")
    width = max(positions.values()) + 1
    try:
        for row_number, cells in table.rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            for j, pos in enumerate(key_pos):
                text = _text(cells[pos])
                if not text:
                    raise InputFileError(
                        path, "为空", row=row_number, column=keys[j], code="insight_cell_empty"
                    )
                lookup = lookups[j]
                code = lookup.get(text)
                if code is None:
                    code = lookup[text] = len(lookup)
                codes[j].append(code)
            if val_pos is not None:
                raw = cells[val_pos]
                if isinstance(raw, float | int) and not isinstance(raw, bool):
                    number = float(raw) if math.isfinite(raw) else None
                else:
                    number = parse_number(_text(raw))
                if number is None:
                    raise InputFileError(
                        path,
                        f"“{_text(raw)}”不是数值",
                        row=row_number,
                        column=value,
                        code="insight_value_not_a_number",
                        text=_text(raw),
                    )
                values.append(number)
    except UnreadableFileError as exc:
        raise InputFileError.unreadable(path, exc) from None
    frame: dict[str, object] = {}
    for j, name in enumerate(keys):
        categories = list(lookups[j])
        frame[name] = pd.Categorical.from_codes(
            np.frombuffer(codes[j], dtype=np.int64), categories=categories
        )
    if value is not None:
        frame[value] = np.frombuffer(values, dtype=np.float64).copy()
    return pd.DataFrame(frame)
