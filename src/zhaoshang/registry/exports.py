"""The registry list export (XLSX through the shared writer, :func:`zhaoshang.tabular.write_xlsx`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

from django.db import (
    models,
)

from zhaoshang.core.messages import is_chinese, issue_message
from zhaoshang.registry.firms import is_local, region_name
from zhaoshang.registry.models import Enterprise
from zhaoshang.tabular import write_xlsx

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------- export

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("short_name", "企业简称"),
    ("legal_rep", "法定代表人"),
    ("founded", "成立日期"),
    ("capital_wan", "注册资本（万）"),
    ("currency", "币种"),
    ("company_type", "企业类型"),
    ("status", "登记状态"),
    ("address", "地址"),
    ("region_code", "行政区划代码"),
    ("region", "所在地区"),
    ("local", "本地企业"),
    ("industry_code", "行业代码"),
    ("scope", "经营范围"),
    ("employees", "从业人数"),
    ("revenue_wan", "营业收入（万元）"),
    ("tax_wan", "纳税额（万元）"),
    ("website", "网址"),
    ("tags", "标签"),
    ("flags", "待核实"),
    ("source", "来源"),
)


def export_enterprises_xlsx(
    queryset: models.QuerySet[Enterprise],
    out: str | Path | IO[bytes],
    *,
    labels: dict[str, str] | None = None,
    sheet_name: str = "企业名录",
    yes_no: tuple[str, str] = ("是", "否"),
) -> int:
    """Write the firms of ``queryset`` (already filtered, scoped and ordered) to an XLSX; returns the row count.
    Chinese headers unless the caller (the web, in the user's language) passes ``labels`` by column name.

    Through the shared writer (:func:`zhaoshang.tabular.write_xlsx`): a name, address or scope beginning with
    ``= + - @`` is written as text, never as a formula; amounts and counts stay numbers, dates stay dates."""
    fields = [f for f, _ in EXPORT_COLUMNS if f not in {"region", "local"}]
    rows = (
        queryset if queryset.ordered else queryset.order_by("name", "id")
    )  # the list's order, when it has one

    flag_separator = "；" if is_chinese() else "; "

    def cells(row: dict[str, Any]) -> list[Any]:
        out: list[Any] = []
        for name, _label in EXPORT_COLUMNS:
            if name == "region":
                value: Any = region_name(row["region_code"])
            elif name == "local":
                value = yes_no[0] if is_local(row["region_code"]) else yes_no[1]
            elif name == "tags":
                value = "、".join(row["tags"] or [])
            elif name == "flags":
                value = flag_separator.join(issue_message(f) for f in row["flags"] or [])
            else:
                value = row[name]
            out.append(None if value == "" else value)
        return out

    widths = [22, 36] + [12] * 12 + [60]
    return write_xlsx(
        out,
        [(labels or {}).get(name, label) for name, label in EXPORT_COLUMNS],
        (cells(row) for row in rows.values(*fields).iterator(chunk_size=2000)),
        sheet_name=sheet_name[:31],
        widths=widths,
        freeze=(1, 2),
    )
