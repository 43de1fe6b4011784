"""Exports of a gap report: the assignments table (XLSX) and the 招商目标清单 (XLSX or DOCX)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.utils import timezone

from zhaoshang.chains.analysis.evidence import COUNTING, matched_words
from zhaoshang.chains.analysis.gap import priorities
from zhaoshang.chains.models import NodeAssignment
from zhaoshang.chains.services.classification import evidence_label, explain
from zhaoshang.chains.services.common import ChainServiceError, Method, Status, enterprise_model
from zhaoshang.chains.services.gaps import GapReport
from zhaoshang.chains.services.regions import region_table
from zhaoshang.chains.services.targets import NO_CANDIDATE_HINT
from zhaoshang.tabular import Bold, Sheet, write_workbook, write_xlsx

# --------------------------------------------------------------------------------------------------------
# Assignments export: every firm on the chain's nodes with its evidence

ASSIGNMENT_COLUMNS = (
    "企业名称",
    "统一社会信用代码",
    "所在地区代码",
    "本地",
    "环节",
    "关键环节",
    "证据类型",
    "计入覆盖",
    "匹配词",
    "审核状态",
    "得分",
    "依据",
)


def assignment_table(report: GapReport) -> list[list[Any]]:
    """One row per (firm, node) of the chain, local firms first, with the evidence kind and the matched words."""
    Enterprise = enterprise_model()
    frame = (
        pd.concat([report.local.assign(local=True), report.others.assign(local=False)])
        if len(report.local) or len(report.others)
        else None
    )
    if frame is None or not len(frame):
        return []
    codes = dict(Enterprise.objects.filter(pk__in=set(frame["firm_id"])).values_list("pk", "uscc"))
    order = {k: i for i, k in enumerate(report.spec.nodes)}
    frame = frame.assign(_o=frame["node_key"].map(order)).sort_values(
        ["local", "_o", "name"], ascending=[False, True, True]
    )
    rows = []
    for r in frame.itertuples(index=False):
        node = report.spec.nodes[r.node_key]
        fake = NodeAssignment(reasons=r.reasons or [], method=Method.RULE)
        rows.append(
            [
                r.name,
                codes.get(r.firm_id) or "",
                r.region_code or "",
                "是" if r.local else "",
                node.path,
                "是" if node.key_node else "",
                evidence_label(r.evidence),
                "是" if r.evidence in COUNTING else "否（待核实）",
                "、".join(matched_words(r.reasons or [], r.node_key)),
                str(Status(r.status).label),
                round(float(r.node_score), 2),
                explain(fake),
            ]
        )
    return rows


def export_assignments(report: GapReport) -> bytes:
    """The chain's assignments as XLSX (Chinese headers), through the shared writer: a firm or node name beginning
    with ``= + - @`` is written as text, never as a formula; scores stay numbers."""
    buffer = io.BytesIO()
    write_xlsx(buffer, ASSIGNMENT_COLUMNS, assignment_table(report), sheet_name="环节企业")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------
# 招商目标清单 (target list) export

TARGET_COLUMNS = (
    ("rank", "序号"),
    ("node_path", "缺链/弱链环节"),
    ("gap_status", "环节状态"),
    ("key_node", "关键环节"),
    ("name", "目标企业"),
    ("region", "所在地"),
    ("score", "匹配度"),
    ("coverage", "依据完整度"),
    ("evidence", "证据类型"),
    ("words", "匹配词"),
    ("reasons", "推荐理由"),
    ("target_url", "链接"),
)
STATUS_ZH = {"strong": "强", "weak": "弱", "missing": "缺"}


def _target_table(report: GapReport, rows: list[dict[str, Any]]) -> list[list[Any]]:
    regions = region_table()
    table = []
    for i, r in enumerate(rows, start=1):
        try:
            where = regions.name_path(r["region_code"]) if r["region_code"] else ""
        except (KeyError, ValueError):
            where = r["region_code"]
        table.append(
            [
                i,
                r["node_path"],
                STATUS_ZH[r["gap_status"]],
                "是" if r["key_node"] else "",
                r["name"],
                where,
                "" if r["score"] is None else r["score"],
                f"{r['coverage']:.0%}",
                r["evidence_label"],
                "、".join(r["matched_words"]),
                "；".join(r["reasons"]),
                r["target_url"],
            ]
        )
    return table


def export_targets(report: GapReport, rows: list[dict[str, Any]], fmt: str, *, base_url: str = "") -> bytes:
    """The 招商目标清单 as XLSX or DOCX bytes: gaps first (key nodes, then weight), each target with its reasons."""
    rows = [r | {"target_url": base_url + r["target_url"]} for r in rows]
    title = f"{report.chain.name}产业链招商目标清单（{report.area.name}）"
    subtitle = f"产业链完整度 {report.completeness:.0%}；生成时间 {timezone.localtime():%Y-%m-%d %H:%M}"
    table = _target_table(report, rows)
    headers = [label for _, label in TARGET_COLUMNS]
    with_targets = {r["node_key"] for r in rows}
    empty = [n for n in priorities(report.result, statuses=("missing",)) if n.key not in with_targets]
    notes = [f"{n.path}{'（关键环节）' if n.key_node else ''}：{NO_CANDIDATE_HINT}" for n in empty]
    buffer = io.BytesIO()
    if fmt == "xlsx":  # the shared writer: a name beginning with = is text, never a formula
        sheet_rows: list[Sequence[Any]] = [Bold((title,)), (subtitle,), (), Bold(headers), *table]
        if notes:
            sheet_rows += [(), Bold(("暂无目标的缺失环节",)), *((note,) for note in notes)]
        write_workbook(
            buffer,
            [
                Sheet(
                    "招商目标清单",
                    rows=sheet_rows,
                    widths=(6, 30, 8, 8, 30, 24, 8, 10, 12, 20, 60, 40),
                    freeze=(4, 0),
                    wrap=True,
                )
            ],
        )
    elif fmt == "docx":
        import docx

        document = docx.Document()
        document.add_heading(title, level=1)
        document.add_paragraph(subtitle)
        grid = document.add_table(rows=1, cols=len(headers) - 1)
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, headers[:-1], strict=True):
            cell.text = text
        for row in table:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row[:-1], strict=True):
                cell.text = str(value)
        if notes:
            document.add_heading("暂无目标的缺失环节", level=2)
            for note in notes:
                document.add_paragraph(note)
        document.save(buffer)
    else:
        raise ChainServiceError(f"不支持的清单格式：{fmt}（可用 xlsx、docx）")
    return buffer.getvalue()
