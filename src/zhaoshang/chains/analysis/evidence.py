"""The kind of evidence behind a firm → node assignment, and which kinds count as coverage.

An industry code says a firm is in a trade (3716 铁路专用设备及器材、配件制造), not that it makes turnouts. So
each assignment carries one evidence kind, the strongest it has:

================  ===========================================================  ===============
kind              meaning                                                      counts as coverage
================  ===========================================================  ===============
``confirmed``     a cadre confirmed the assignment (or placed the firm by hand)  yes
``supply``        a known supply relation places the firm on the node            yes
``product``       the firm's own name, scope, description or product list      yes
                  names what the node makes (a rule word, or a learned match
                  above its threshold)
``code_rule``     the firm's industry code is one the chain file says          yes
                  determines the node (``decisive_codes``, e.g. 3711 → 动车组)
``code_prior``    only the industry code fits: a candidate to verify (待核实)   no
================  ===========================================================  ===============

Plain Python: codes here, labels translated at the edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["COUNTING", "EVIDENCE_KINDS", "evidence_from_reasons", "matched_words", "strongest"]

EVIDENCE_KINDS = ("confirmed", "supply", "product", "code_rule", "code_prior")
#: The kinds that make coverage (node status, completeness) and may make a target.
COUNTING = frozenset({"confirmed", "supply", "product", "code_rule"})
_RANK = {k: i for i, k in enumerate(EVIDENCE_KINDS)}
_WORD_KINDS = ("keyword", "name")


def _get(reason: Any, name: str) -> Any:
    if isinstance(reason, Mapping):
        return reason.get(name)
    return getattr(reason, name, None)


def evidence_from_reasons(
    reasons: Iterable[Any], *, method: str = "rule", confirmed: bool = False, node_key: str | None = None
) -> str:
    """The evidence kind of an assignment from its reasons (rule :class:`~.rules.Reason` tuples or their dicts).

    ``method``: ``rule`` | ``learned`` | ``manual`` | ``supply``; ``confirmed``: a cadre confirmed it.
    ``node_key``: the assigned node. A word found for one of its *ancestors* (轨道交通装备 on a segment) merged
    into a leaf that only its industry code fits says the firm is in the segment, not that it makes the leaf's
    product: only words of the node itself are product evidence for it.
    """
    reasons = list(reasons)
    if confirmed or method == "manual":
        return "confirmed"
    if method == "supply":
        return "supply"
    if method == "learned":
        return "product"
    kinds = {_get(r, "kind") for r in reasons}
    if kinds & {"supply"}:
        return "supply"
    if "learned" in kinds:
        return "product"
    for r in reasons:
        if _get(r, "kind") in _WORD_KINDS and (
            node_key is None or _get(r, "node_key") in (None, "", node_key)
        ):
            return "product"
    if "decisive_code" in kinds:
        return "code_rule"
    return "code_prior"


def matched_words(reasons: Iterable[Any], node_key: str | None = None) -> list[str]:
    """The words (or the deciding code) that put the firm on the node, in order, without repeats; with
    ``node_key``, only those of the node itself (not an ancestor's)."""
    out: dict[str, None] = {}
    for r in reasons:
        kind = _get(r, "kind")
        if node_key is not None and _get(r, "node_key") not in (None, "", node_key):
            continue
        if kind in _WORD_KINDS or kind == "decisive_code":
            word = _get(r, "word")
            if word:
                out[str(word)] = None
    return list(out)


def strongest(kinds: Iterable[str]) -> str | None:
    """The strongest of several evidence kinds (confirmed > supply > product > code_rule > code_prior)."""
    best = None
    for k in kinds:
        if k in _RANK and (best is None or _RANK[k] < _RANK[best]):
            best = k
    return best
