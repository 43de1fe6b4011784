"""Exports of a gap report: the assignments table (XLSX) and the 招商目标清单 (XLSX or DOCX)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from zhaoshang.chains.analysis.evidence import COUNTING, matched_words
from zhaoshang.chains.models import NodeAssignment
from zhaoshang.chains.services.classification import evidence_label, explain
from zhaoshang.chains.services.common import Method, Status, enterprise_model
from zhaoshang.chains.services.gaps import GapReport
from zhaoshang.tabular import write_xlsx

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
# status words of the command (the target list is in chains/documents.py, in the user's language)

STATUS_ZH = {"strong": "强", "weak": "弱", "missing": "缺"}  # the command's Chinese output
