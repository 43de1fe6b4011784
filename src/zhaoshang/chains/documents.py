"""The chain office's documents in the user's language: the 招商目标清单 (target list, XLSX and DOCX) and the firms
on a chain's nodes (XLSX).

Language: headers, titles, statuses, yes/no words, notes and the explanation of each assignment come through
gettext in the **active language** — the one the user chose with the language switch (the web request's
language), Chinese by default (``LANGUAGE_CODE``); the ``chains`` commands write Chinese. Data stays as it is:
firm, node and region names, the matched words, and the reasons of the target ranking (the analytic core writes
them as Chinese sentences).

Every cell is written as text or number through :mod:`zhaoshang.tabular` rules (a name that begins with ``=`` is
never a formula).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhaoshang.chains.analysis.evidence import COUNTING, matched_words
from zhaoshang.chains.analysis.gap import priorities
from zhaoshang.tabular.export import Bold, Sheet, write_workbook, write_xlsx


def no_candidate_hint() -> str:
    """What to do when a missing node has no target anywhere (the page and the documents)."""
    return _(
        "No firm elsewhere has product evidence for this node yet. Import lists of firms elsewhere into the registry (listed companies, specialised SME lists, industry association members…; imports take any region): they are placed on the chain's nodes at once; then come back here for targets."
    )


def status_word(status: str) -> str:
    return {"strong": _("Strong"), "weak": _("Weak"), "missing": _("Missing")}.get(status, status)


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def chain_name(chain) -> str:
    english = (get_language() or "").lower().startswith("en")
    return (chain.name_en or chain.name) if english else chain.name


def explain_reasons(reasons: list[dict]) -> str:
    """Why a firm is on a node, in the active language, from the assignment's stored reasons."""
    fields = {
        "name": _("firm name"),
        "scope": _("business scope"),
        "description": _("firm description"),
        "industry_code": _("industry code"),
    }
    parts = []
    for r in reasons or []:
        kind = r.get("kind")
        if kind == "industry_code":
            parts.append(_("industry code fits (%(code)s)") % {"code": r.get("word", "")})
        elif kind == "decisive_code":
            parts.append(_("industry code %(code)s decides the node") % {"code": r.get("word", "")})
        elif kind in ("keyword", "name"):
            what = _("the node name") if kind == "name" else _("the keyword")
            parts.append(
                _("%(field)s contains %(what)s «%(word)s» (character %(position)s)")
                % {
                    "field": fields.get(r.get("field", ""), r.get("field", "")),
                    "what": what,
                    "word": r.get("word", ""),
                    "position": int(r.get("position", 0) or 0) + 1,
                }
            )
        elif kind == "learned":
            parts.append(_("text model (probability %(p)s)") % {"p": f"{float(r.get('score', 0) or 0):.2f}"})
        elif kind == "manual":
            parts.append(_("placed by hand"))
        elif kind == "supply":
            parts.append(
                _("known supply relation: supplies «%(customer)s»") % {"customer": r.get("customer", "")}
            )
    return _("; ").join(parts)


def _money(wan: float) -> str:
    if wan >= 10_000:
        return _("%(n)s × 100m yuan") % {"n": f"{wan / 10_000:.1f}"}
    return _("%(n)s × 10k yuan") % {"n": f"{wan:,.0f}" if wan >= 100 else f"{wan:g}"}


def reason_text(code: str, params: dict[str, Any]) -> str:
    """One reason of a target (the ranking core's ``(code, params)``) in the active language; in Chinese it reads
    as the core's own sentence (``analysis.targets.reason_zh``)."""
    comma = _(", ")

    def quoted(words: list[str]) -> str:
        return comma.join(_("«%(word)s»") % {"word": w} for w in words)

    if code == "product":
        return _("product matches: %(words)s") % {"words": quoted(params["words"])}
    if code == "node_match":
        level = {"high": _("high"), "medium": _("medium"), "low": _("low")}.get(
            params["level"], params["level"]
        )
        return _("node match %(level)s (%(score)s)") % {"level": level, "score": f"{params['score']:.2f}"}
    if code == "size":
        words = {
            "capital_wan_cny": lambda v: _("registered capital %(money)s") % {"money": _money(v)},
            "employees": lambda v: _("employees %(n)s") % {"n": f"{v:,.0f}"},
            "revenue_wan": lambda v: _("revenue %(money)s") % {"money": _money(v)},
        }
        parts = comma.join(words[c](v) for c, v in params["parts"] if c in words)
        return _("%(parts)s, size in the top %(top)s%% of candidates") % {
            "parts": parts,
            "top": params["top"],
        }
    if code == "growth":
        rate = params["rate"]
        if rate >= 0:
            return _("revenue up %(rate)s") % {"rate": f"{rate:.0%}"}
        return _("revenue down %(rate)s") % {"rate": f"{-rate:.0%}"}
    if code == "listed":
        return _("listed company")
    if code == "distance":
        return _("%(km)s km from here") % {"km": f"{params['km']:,.0f}"}
    if code == "supplies":
        return _("already supplies local firms %(names)s") % {"names": quoted(params["names"])}
    return code


def target_reasons(row: dict[str, Any]) -> list[str]:
    """A target row's reasons in the active language (the stored Chinese sentences when it has no codes)."""
    codes = row.get("reason_codes")
    if not codes:
        return list(row.get("reasons") or [])
    return [reason_text(code, params) for code, params in codes]


def joined_reasons(row: dict[str, Any]) -> str:
    return _("; ").join(target_reasons(row))


# --------------------------------------------------------------------------------------------------------
# Firms on nodes


def assignment_headers() -> list[str]:
    return [
        _("Firm name"),
        _("Unified social credit code"),
        _("Region code of the firm"),
        _("Local"),
        _("Chain node"),
        _("Key node"),
        _("Evidence"),
        _("Counts as coverage"),
        _("Matched words"),
        _("Review status"),
        _("Score"),
        _("Grounds"),
    ]


def assignment_rows(report) -> list[list[Any]]:
    """One row per (firm, node) of the chain, local firms first, in the active language."""
    import pandas as pd

    from zhaoshang.chains.models import NodeAssignment
    from zhaoshang.registry.models import Enterprise

    frames = [f for f in (report.local.assign(local=True), report.others.assign(local=False)) if len(f)]
    if not frames:
        return []
    frame = pd.concat(frames)
    codes = dict(Enterprise.objects.filter(pk__in=set(frame["firm_id"])).values_list("pk", "uscc"))
    order = {k: i for i, k in enumerate(report.spec.nodes)}
    frame = frame.assign(_o=frame["node_key"].map(order)).sort_values(
        ["local", "_o", "name"], ascending=[False, True, True]
    )
    evidence = dict(NodeAssignment.Evidence.choices)
    states = dict(NodeAssignment.Status.choices)
    rows = []
    for r in frame.itertuples(index=False):
        node = report.spec.nodes[r.node_key]
        rows.append(
            [
                r.name,
                codes.get(r.firm_id) or "",
                r.region_code or "",
                _yes(bool(r.local)),
                node.path,
                _yes(node.key_node),
                str(evidence.get(r.evidence, r.evidence)),
                _("yes") if r.evidence in COUNTING else _("no (to verify)"),
                "、".join(matched_words(r.reasons or [], r.node_key)),
                str(states.get(r.status, r.status)),
                round(float(r.node_score), 2),
                explain_reasons(r.reasons or []),
            ]
        )
    return rows


def assignments_xlsx(report) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(
        buffer,
        assignment_headers(),
        assignment_rows(report),
        sheet_name=_("Firms on nodes"),
        widths=(30, 22, 10, 6, 30, 8, 14, 12, 20, 10, 8, 60),
    )
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------
# 招商目标清单 (target list)


def target_headers() -> list[str]:
    return [
        _("No."),
        _("Missing or weak node"),
        _("Node status"),
        _("Key node"),
        _("Target firm"),
        _("Located in"),
        _("Match"),
        _("Completeness of the grounds"),
        _("Evidence"),
        _("Matched words"),
        _("Why recommended"),
        _("Link"),
    ]


def target_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    from zhaoshang.core.reference.regions import default_regions

    regions = default_regions()
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
                status_word(r["gap_status"]),
                _yes(r["key_node"]),
                r["name"],
                where,
                "" if r["score"] is None else r["score"],
                f"{r['coverage']:.0%}",
                r["evidence_label"],
                "、".join(r["matched_words"]),
                joined_reasons(r),
                r["target_url"],
            ]
        )
    return table


def target_list(report, rows: list[dict[str, Any]], fmt: str, *, base_url: str = "") -> bytes:
    """The target list as XLSX or DOCX bytes: gaps first (key nodes, then weight), each target with its reasons."""
    from zhaoshang.chains.services import ChainServiceError

    rows = [r | {"target_url": base_url + r["target_url"]} for r in rows]
    title = _("Investment target list for the %(chain)s chain (%(area)s)") % {
        "chain": chain_name(report.chain),
        "area": report.area.name,
    }
    subtitle = _("Chain completeness %(completeness)s; made %(when)s") % {
        "completeness": f"{report.completeness:.0%}",
        "when": f"{timezone.localtime():%Y-%m-%d %H:%M}",
    }
    table = target_table(rows)
    headers = target_headers()
    with_targets = {r["node_key"] for r in rows}
    hint = no_candidate_hint()
    empty = [n for n in priorities(report.result, statuses=("missing",)) if n.key not in with_targets]
    notes = [
        (_("%(path)s (key node): %(hint)s") if n.key_node else _("%(path)s: %(hint)s"))
        % {"path": n.path, "hint": hint}
        for n in empty
    ]
    no_targets = _("Missing nodes without a target")
    buffer = io.BytesIO()
    if fmt == "xlsx":  # the shared writer: a name beginning with = is text, never a formula
        sheet_rows: list[Sequence[Any]] = [Bold((title,)), (subtitle,), (), Bold(headers), *table]
        if notes:
            sheet_rows += [(), Bold((no_targets,)), *((note,) for note in notes)]
        write_workbook(
            buffer,
            [
                Sheet(
                    _("Target list"),
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
            document.add_heading(no_targets, level=2)
            for note in notes:
                document.add_paragraph(note)
        document.save(buffer)
    else:
        raise ChainServiceError(
            _("Unknown list format: %(fmt)s (use xlsx or docx)") % {"fmt": fmt}, "chain_export_format"
        )
    return buffer.getvalue()
