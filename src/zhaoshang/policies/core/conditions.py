"""Structured conditions of a policy clause (条款条件) over a firm's data, and their evaluation for one firm.

Plain Python. A condition is a mapping with a ``kind`` and the kind's parameters:

=====================  ==========================================================  =======================
kind                   parameters                                                  firm data used
=====================  ==========================================================  =======================
region                 ``in``: GB/T 2260 codes at any level (43, 4302, 430211)     region_code
industry               ``in``: GB/T 4754 codes at any level (C, 38, 383, 3831)     industry_code
chain_node             ``in``: chain node paths ("rail/traction"); descendants too  chain_paths
firm_age               ``min`` / ``max`` years since founding (on ``as_of``)        founded
capital                ``min`` / ``max`` registered capital, 10k CNY               capital_wan
employees              ``min`` / ``max``                                          employees
revenue                ``min`` / ``max`` annual revenue, 10k CNY                  revenue_wan
tax                    ``min`` / ``max`` annual tax paid, 10k CNY                 tax_wan
rd_ratio               ``min`` / ``max`` R&D spending / revenue, percent          rd_ratio
qualification          ``any``: tags (高新技术企业, 专精特新, 规上 …), valid on as_of  qualifications
project_investment     ``min`` / ``max`` planned investment of a project, 10k CNY  projects
project_stage          ``in``: pipeline stage codes (signed, construction …)      projects
=====================  ==========================================================  =======================

Each evaluates to a :class:`Verdict`: ``met``, ``not_met`` (with ``gap``: by how much a bound is missed, in
the condition's unit) or ``unknown`` (with ``missing``: the firm field that is empty). Codes and parameters
only — the web and the CLI turn them into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhaoshang.core.errors import DomainError

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"

RANGE_KINDS = {
    # kind: (firm field, unit)
    "firm_age": ("founded", "年"),
    "capital": ("capital_wan", "万元"),
    "employees": ("employees", "人"),
    "revenue": ("revenue_wan", "万元"),
    "tax": ("tax_wan", "万元"),
    "rd_ratio": ("rd_ratio", "%"),
    "project_investment": ("projects", "万元"),
}
SET_KINDS = {
    "region": "region_code",
    "industry": "industry_code",
    "chain_node": "chain_paths",
    "project_stage": "projects",
}
KINDS = (*SET_KINDS, *RANGE_KINDS, "qualification")

KIND_LABELS = {
    "region": "注册地区",
    "industry": "所属行业",
    "chain_node": "产业链环节",
    "firm_age": "成立年限",
    "capital": "注册资本",
    "employees": "从业人数",
    "revenue": "营业收入",
    "tax": "纳税额",
    "rd_ratio": "研发投入占比",
    "qualification": "资质",
    "project_investment": "项目计划投资",
    "project_stage": "项目阶段",
}


class ConditionError(DomainError):
    """A condition the core cannot use: a Chinese message, a code and its parameters (the edge says it in the
    user's language, see ``zhaoshang.policies.messages``)."""

    code = "condition_invalid"


@dataclass(frozen=True)
class Qualification:
    tag: str
    obtained: dt.date | None = None
    expires: dt.date | None = None
    source: str = ""

    def valid_on(self, day: dt.date) -> bool:
        return (self.obtained is None or self.obtained <= day) and (
            self.expires is None or day <= self.expires
        )


@dataclass(frozen=True)
class ProjectFacts:
    stage: str
    investment_wan: float | None = None


@dataclass(frozen=True)
class FirmFacts:
    id: int
    name: str = ""
    region_code: str = ""
    industry_code: str = ""
    chain_paths: tuple[str, ...] = ()
    founded: dt.date | None = None
    capital_wan: float | None = None
    employees: float | None = None
    revenue_wan: float | None = None
    tax_wan: float | None = None
    rd_ratio: float | None = None
    qualifications: tuple[Qualification, ...] = ()
    projects: tuple[ProjectFacts, ...] = ()


@dataclass(frozen=True)
class Verdict:
    kind: str
    status: str
    value: Any = None  # the firm value used
    gap: float | None = None  # not met: how far from the bound (positive, the condition's unit)
    missing: str | None = None  # unknown: the firm field without data
    reason: str = ""  # a code: below_min, above_max, not_in, no_project, no_qualification, expired


def validate_condition(cond: Mapping[str, Any]) -> dict[str, Any]:
    """A clean copy of the condition, or ConditionError naming what is wrong (Chinese)."""
    if not isinstance(cond, Mapping):
        raise ConditionError("条件必须是一个映射（kind 和参数）", code="condition_not_a_mapping")
    kind = cond.get("kind")
    if kind not in KINDS:
        raise _unknown_kind(kind)
    out: dict[str, Any] = {"kind": kind}
    if kind in RANGE_KINDS:
        for bound in ("min", "max"):
            if cond.get(bound) not in (None, ""):
                try:
                    out[bound] = float(cond[bound])
                except (TypeError, ValueError):
                    raise ConditionError(
                        f"条件「{KIND_LABELS[kind]}」的{bound}不是数字：{cond[bound]!r}",
                        code="condition_bound_not_a_number",
                        condition=kind,
                        bound=bound,
                        value=repr(cond[bound]),
                    ) from None
        if "min" not in out and "max" not in out:
            raise ConditionError(
                f"条件「{KIND_LABELS[kind]}」需要下限或上限", code="condition_bound_missing", condition=kind
            )
        if "min" in out and "max" in out and out["min"] > out["max"]:
            raise ConditionError(
                f"条件「{KIND_LABELS[kind]}」的下限大于上限", code="condition_bounds_reversed", condition=kind
            )
    else:
        key = "any" if kind == "qualification" else "in"
        values = cond.get(key) or cond.get("in") or cond.get("any")
        if isinstance(values, str):
            values = [v for v in values.replace("，", ",").replace("、", ",").split(",")]
        values = [str(v).strip() for v in (values or []) if str(v).strip()]
        if not values:
            raise ConditionError(
                f"条件「{KIND_LABELS[kind]}」需要至少一个取值",
                code="condition_values_missing",
                condition=kind,
            )
        if kind == "industry":
            values = [v.upper() for v in values]
        out[key] = values
    if cond.get("text"):
        out["text"] = str(cond["text"])
    return out


def _unknown_kind(kind: object) -> ConditionError:
    return ConditionError(
        f"未知的条件类型「{kind}」；可用：{'、'.join(KINDS)}",
        code="condition_kind_unknown",
        kind=kind,
        kinds=", ".join(KINDS),
    )


def firm_age_years(founded: dt.date, as_of: dt.date) -> float:
    return (as_of - founded).days / 365.25


def _industry_matches(code: str, wanted: str, section_of: Mapping[str, str]) -> bool:
    code = code.strip().upper()
    letter = code[0] if code[:1].isalpha() else section_of.get(code[:2], "")
    digits = code[1:] if code[:1].isalpha() else code
    if wanted[:1].isalpha():
        if len(wanted) == 1:
            return letter == wanted
        return letter == wanted[0] and digits.startswith(wanted[1:])
    return digits.startswith(wanted)


def _range(kind: str, value: float | None, cond: Mapping[str, Any], missing: str) -> Verdict:
    if value is None:
        return Verdict(kind, UNKNOWN, None, missing=missing)
    lo, hi = cond.get("min"), cond.get("max")
    if lo is not None and value < lo:
        return Verdict(kind, NOT_MET, value, gap=lo - value, reason="below_min")
    if hi is not None and value > hi:
        return Verdict(kind, NOT_MET, value, gap=value - hi, reason="above_max")
    return Verdict(kind, MET, value)


def evaluate(
    cond: Mapping[str, Any], firm: FirmFacts, as_of: dt.date, section_of: Mapping[str, str] | None = None
) -> Verdict:
    """One condition against one firm (``cond`` already validated)."""
    kind = cond["kind"]
    section_of = section_of or {}
    if kind == "region":
        if not firm.region_code:
            return Verdict(kind, UNKNOWN, missing="region_code")
        ok = any(firm.region_code.startswith(p) for p in cond["in"])
        return Verdict(kind, MET if ok else NOT_MET, firm.region_code, reason="" if ok else "not_in")
    if kind == "industry":
        if not firm.industry_code:
            return Verdict(kind, UNKNOWN, missing="industry_code")
        ok = any(_industry_matches(firm.industry_code, w, section_of) for w in cond["in"])
        return Verdict(kind, MET if ok else NOT_MET, firm.industry_code, reason="" if ok else "not_in")
    if kind == "chain_node":
        if not firm.chain_paths:
            return Verdict(kind, UNKNOWN, missing="chain_paths")
        hits = [
            p
            for p in firm.chain_paths
            if any(p == w or p.startswith(w.rstrip("/") + "/") for w in cond["in"])
        ]
        return Verdict(
            kind,
            MET if hits else NOT_MET,
            hits[0] if hits else list(firm.chain_paths),
            reason="" if hits else "not_in",
        )
    if kind == "firm_age":
        if firm.founded is None:
            return Verdict(kind, UNKNOWN, missing="founded")
        return _range(kind, round(firm_age_years(firm.founded, as_of), 2), cond, "founded")
    if kind in ("capital", "employees", "revenue", "tax", "rd_ratio"):
        name = RANGE_KINDS[kind][0]
        return _range(kind, getattr(firm, name), cond, name)
    if kind == "qualification":
        wanted = set(cond["any"])
        held = [q for q in firm.qualifications if q.tag in wanted]
        valid = [q for q in held if q.valid_on(as_of)]
        if valid:
            return Verdict(kind, MET, valid[0].tag)
        if held:
            return Verdict(kind, NOT_MET, held[0].tag, reason="expired")
        return Verdict(kind, NOT_MET, None, reason="no_qualification")
    if kind == "project_stage":
        if not firm.projects:
            return Verdict(kind, NOT_MET, None, reason="no_project")
        stages = [p.stage for p in firm.projects]
        ok = any(s in cond["in"] for s in stages)
        return Verdict(
            kind,
            MET if ok else NOT_MET,
            next((s for s in stages if s in cond["in"]), stages[0]),
            reason="" if ok else "not_in",
        )
    if kind == "project_investment":
        if not firm.projects:
            return Verdict(kind, NOT_MET, None, reason="no_project")
        amounts = [p.investment_wan for p in firm.projects if p.investment_wan is not None]
        return _range(kind, max(amounts) if amounts else None, cond, "project_investment")
    raise ConditionError(f"未知的条件类型「{kind}」", code="condition_kind_not_evaluable", kind=kind)


# ---------------------------------------------------------------------------------------------------------
# Clauses

MATCHED, NEARLY, CANNOT_JUDGE, NOT_MATCHED = "matched", "nearly", "unknown", "not_matched"
STATUS_RANK = {MATCHED: 3, CANNOT_JUDGE: 2, NEARLY: 1, NOT_MATCHED: 0}


@dataclass(frozen=True)
class Clause:
    id: int
    conditions: tuple[dict, ...]
    title: str = ""
    policy: str = ""


@dataclass
class ClauseResult:
    clause_id: int
    status: str
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def failing(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == NOT_MET]

    @property
    def missing(self) -> list[str]:
        return [v.missing for v in self.verdicts if v.status == UNKNOWN and v.missing]


def combine(statuses: Sequence[str]) -> str:
    """A clause from its conditions: every one met → matched; one not met → nearly; none failing but some
    unknown → unknown (cannot be judged); two or more not met → not matched."""
    fails = sum(s == NOT_MET for s in statuses)
    if fails >= 2:
        return NOT_MATCHED
    if fails == 1:
        return NEARLY
    if any(s == UNKNOWN for s in statuses):
        return CANNOT_JUDGE
    return MATCHED


def evaluate_clause(
    clause: Clause, firm: FirmFacts, as_of: dt.date, section_of: Mapping[str, str] | None = None
) -> ClauseResult:
    verdicts = [evaluate(c, firm, as_of, section_of) for c in clause.conditions]
    return ClauseResult(clause.id, combine([v.status for v in verdicts]), verdicts)


def match_firm(
    clauses: Sequence[Clause], firm: FirmFacts, as_of: dt.date, section_of: Mapping[str, str] | None = None
) -> dict[str, list[ClauseResult]]:
    """The clauses a firm meets, nearly meets, and cannot be judged on (clauses it misses twice are left out)."""
    out: dict[str, list[ClauseResult]] = {MATCHED: [], NEARLY: [], CANNOT_JUDGE: []}
    for clause in clauses:
        result = evaluate_clause(clause, firm, as_of, section_of)
        if result.status in out:
            out[result.status].append(result)
    return out


def describe(cond: Mapping[str, Any]) -> str:
    """The rule in plain Chinese (shown next to the clause's own words)."""
    kind = cond["kind"]
    label = KIND_LABELS.get(kind, kind)
    if kind in RANGE_KINDS:
        unit = RANGE_KINDS[kind][1]
        lo, hi = cond.get("min"), cond.get("max")

        def n(x: float) -> str:
            return f"{x:g}"

        if lo is not None and hi is not None:
            return f"{label}在{n(lo)}至{n(hi)}{unit}之间"
        return f"{label}不低于{n(lo)}{unit}" if lo is not None else f"{label}不高于{n(hi)}{unit}"
    values = cond.get("any") or cond.get("in") or []
    if kind == "qualification":
        return f"具有{'或'.join(values)}资质（在有效期内）"
    return f"{label}属于：{'、'.join(values)}"


# ---------------------------------------------------------------------------------------------------------
# The one-line text form of a condition (forms, XLSX cells): "capital >= 1000", "employees 50..500",
# "region in 4302, 430211", "qualification any 高新技术企业, 专精特新". Kind names may be the Chinese labels.

_BY_LABEL = {v: k for k, v in KIND_LABELS.items()}


def parse_condition_line(line: str) -> dict[str, Any]:
    text = line.strip().replace("≥", ">=").replace("≤", "<=").replace("，", ",").replace("、", ",")
    if not text:
        raise ConditionError("空的条件", code="condition_empty")
    head, _, rest = text.partition(" ")
    kind = _BY_LABEL.get(head, head)
    rest = rest.strip()
    if kind not in KINDS:
        raise _unknown_kind(head)
    if kind in RANGE_KINDS:
        if rest.startswith(">="):
            return validate_condition({"kind": kind, "min": rest[2:].strip()})
        if rest.startswith("<="):
            return validate_condition({"kind": kind, "max": rest[2:].strip()})
        if ".." in rest:
            lo, _, hi = rest.partition("..")
            return validate_condition({"kind": kind, "min": lo.strip(), "max": hi.strip()})
        raise ConditionError(
            f"条件「{line.strip()}」应写作「{kind} >= 数值」「{kind} <= 数值」或「{kind} 下限..上限」",
            code="condition_range_syntax",
            line=line.strip(),
            kind=kind,
        )
    word, _, values = rest.partition(" ")
    if word not in ("in", "any"):
        values = rest
    return validate_condition({"kind": kind, "any" if kind == "qualification" else "in": values})


def format_condition_line(cond: Mapping[str, Any]) -> str:
    kind = cond["kind"]
    if kind in RANGE_KINDS:
        lo, hi = cond.get("min"), cond.get("max")
        if lo is not None and hi is not None:
            return f"{kind} {lo:g}..{hi:g}"
        return f"{kind} >= {lo:g}" if lo is not None else f"{kind} <= {hi:g}"
    if kind == "qualification":
        return f"{kind} any {', '.join(cond['any'])}"
    return f"{kind} in {', '.join(cond['in'])}"


def parse_conditions(text: str) -> list[dict[str, Any]]:
    """One condition per line (or separated by ';'); errors name the line."""
    out = []
    lines = [part for line in (text or "").splitlines() for part in line.split(";")]
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        try:
            out.append(parse_condition_line(line))
        except ConditionError as exc:
            # the line's own error stays with it, for the edge to say in the user's language
            raise ConditionError(
                f"第{n}行：{exc}", code="condition_line_invalid", line=n, error=exc
            ) from None
    return out


def format_conditions(conds: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(format_condition_line(c) for c in conds)
