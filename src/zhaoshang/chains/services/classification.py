"""Placing firms on chain nodes (rule layer, then the learned layer) and explaining why a firm is on a node."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhaoshang.accounts.types import Actor
from zhaoshang.chains.analysis.evidence import evidence_from_reasons, matched_words
from zhaoshang.chains.analysis.rules import Reason, RuleClassifier, describe_reasons
from zhaoshang.chains.models import Chain, ChainNode, NodeAssignment
from zhaoshang.chains.services.common import Evidence, Method, Status, enterprise_model, firm_text
from zhaoshang.chains.services.learned import LEARNED_MIN_SCORE, NONE_LABEL, load_learned_model, rule_evidence
from zhaoshang.chains.services.specs import spec_for
from zhaoshang.core import audit
from zhaoshang.core.models import AuditEntry


@dataclass
class ClassifyCounts:
    enterprises: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_reviewed: int = 0
    learned: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _reason_dicts(reasons: Sequence[Reason]) -> list[dict[str, Any]]:
    return [r._asdict() for r in reasons]


def explain(assignment: NodeAssignment) -> str:
    """One Chinese sentence saying why the firm is on the node."""
    reasons = assignment.reasons or []
    rule = [
        Reason(**{k: r.get(k, "") for k in Reason._fields}) for r in reasons if r.get("kind") in RULE_KINDS
    ]
    parts = [describe_reasons(rule)] if rule else []
    for r in reasons:
        if r.get("kind") == "learned":
            parts.append(f"文本模型判断（概率 {r.get('score', 0):.2f}）")
        elif r.get("kind") == "manual":
            parts.append("人工指定")
        elif r.get("kind") == "supply":
            parts.append(f"已知供应关系：向「{r.get('customer', '')}」供货")
    return "；".join(p for p in parts if p)


RULE_KINDS = ("keyword", "name", "industry_code", "decisive_code")


def evidence_label(kind: str) -> str:
    """The evidence kind in the user's language."""
    return str(Evidence(kind).label) if kind in Evidence.values else kind


def assignment_words(assignment: NodeAssignment) -> list[str]:
    """The matched words (or the deciding code) behind an assignment."""
    return matched_words(assignment.reasons or [], assignment.node.key)


def classify_enterprises(
    actor: Actor,
    queryset: QuerySet | None = None,
    *,
    chains: Iterable[Chain] | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = 2000,
    ids: Sequence[int] | None = None,
    audit_each: bool = True,
) -> ClassifyCounts:
    """Place firms on chain nodes: the rule layer (with reasons), then the learned layer if trained.

    Creates or refreshes SUGGESTED assignments; never touches CONFIRMED or REJECTED ones; removes SUGGESTED
    rule/learned assignments that no longer fire. Audited in bulk: one entry per assignment written, or with
    ``audit_each=False`` (firms classified on arrival) one entry per batch naming its counts and firm id range.
    """
    Enterprise = enterprise_model()
    chains = list(chains) if chains is not None else list(Chain.objects.all())
    counts = ClassifyCounts()
    if not chains:
        return counts
    specs = [spec_for(c) for c in chains]
    classifier = RuleClassifier(specs)
    node_ids = {(c.slug, k): i for c in chains for k, i in c.nodes.values_list("key", "pk")}
    chain_node_ids = set(node_ids.values())
    nodes_by_id = {n.pk: n for n in ChainNode.objects.filter(chain__in=chains).select_related("chain")}
    learned = load_learned_model(evidence=rule_evidence(classifier))
    if ids is None:
        qs = queryset if queryset is not None else Enterprise.objects.all()
        qs = qs.filter(merged_into__isnull=True) if hasattr(Enterprise, "merged_into") else qs
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    for start in range(0, total, chunk_size):
        chunk_ids = ids[start : start + chunk_size]
        rows = list(
            Enterprise.objects.filter(pk__in=chunk_ids, merged_into__isnull=True)
            .order_by("pk")
            .values("pk", "name", "scope", "description", "industry_code")
        )
        frame = pd.DataFrame(rows).set_index("pk") if rows else pd.DataFrame()
        found: dict[tuple[int, int], tuple[str, float, list, list, str]] = {}
        if len(frame):
            result = classifier.classify_frame(frame)
            for ent, slug, key, score, reasons in zip(
                result["row"],
                result["chain_slug"],
                result["node_key"],
                result["score"],
                result["reasons"],
                strict=True,
            ):
                found[(int(ent), node_ids[(slug, key)])] = (
                    Method.RULE,
                    float(score),
                    _reason_dicts(reasons),
                    [],
                    evidence_from_reasons(reasons, node_key=key),
                )
            if learned is not None:
                _learned_suggestions(learned, rows, found, node_ids, chain_node_ids, counts)
        names = {r["pk"]: r["name"] for r in rows}
        _write_assignments(
            actor,
            chunk_ids,
            found,
            chain_node_ids,
            counts,
            labels=(names, nodes_by_id),
            audit_each=audit_each,
        )
        counts.enterprises += len(chunk_ids)
        if progress:
            progress(counts.enterprises, total)
    return counts


#: Firms classified per batch when they arrive (an import of 1,000,000 rows stays well within 1 GB).
ARRIVAL_BATCH = 5000


def classify_arrivals(
    actor: Actor, ids: Sequence[int], progress: Callable[[int, int], None] | None = None
) -> ClassifyCounts:
    """Place new and changed firms on chain nodes (rule layer, and the learned layer when one is trained): the
    registry calls this when an import or a hand entry writes firms. Retraining stays a separate step."""
    chains = list(Chain.objects.all())
    if not chains or not ids:
        return ClassifyCounts()
    return classify_enterprises(
        actor,
        chains=chains,
        ids=sorted(set(ids)),
        progress=progress,
        chunk_size=ARRIVAL_BATCH,
        audit_each=False,
    )


def _learned_suggestions(model, rows, found, node_ids, chain_node_ids, counts) -> None:
    known = set(model.classes_)
    texts = [firm_text(r) for r in rows]
    for row, prediction in zip(rows, model.predict(texts), strict=True):
        if not prediction.label or prediction.label == NONE_LABEL or prediction.score < LEARNED_MIN_SCORE:
            continue
        slug, _, key = prediction.label.partition(":")
        node_id = node_ids.get((slug, key))
        if node_id is None or (row["pk"], node_id) in found:
            continue
        alternatives = [
            [node_ids[tuple(label.split(":", 1))], round(score, 4)]
            for label, score in prediction.top
            if label in known and label != NONE_LABEL and tuple(label.split(":", 1)) in node_ids
        ]
        found[(row["pk"], node_id)] = (
            Method.LEARNED,
            round(prediction.score, 4),
            [
                {
                    "kind": "learned",
                    "word": "",
                    "field": "text",
                    "position": -1,
                    "node_key": key,
                    "score": round(prediction.score, 4),
                }
            ],
            alternatives,
            Evidence.PRODUCT,
        )
        counts.learned += 1


def _write_assignments(
    actor, enterprise_ids, found, chain_node_ids, counts, labels=None, audit_each=True
) -> None:
    existing = {
        (a.enterprise_id, a.node_id): a
        for a in NodeAssignment.objects.filter(enterprise_id__in=enterprise_ids, node_id__in=chain_node_ids)
    }
    if (
        labels is not None
    ):  # the audit entries name each assignment: give it its firm and node without a query each
        names, nodes_by_id = labels
        Enterprise = enterprise_model()

        def label(a: NodeAssignment) -> NodeAssignment:
            a.enterprise = Enterprise(pk=a.enterprise_id, name=names.get(a.enterprise_id, ""))
            a.node = nodes_by_id[a.node_id]
            return a
    else:

        def label(a: NodeAssignment) -> NodeAssignment:
            return a

    entries: list[AuditEntry] = []
    to_create: list[NodeAssignment] = []
    to_update: list[NodeAssignment] = []
    with transaction.atomic():
        for pair, (method, score, reasons, alternatives, evidence) in found.items():
            current = existing.get(pair)
            if current is None:
                to_create.append(
                    NodeAssignment(
                        enterprise_id=pair[0],
                        node_id=pair[1],
                        method=method,
                        status=Status.SUGGESTED,
                        score=score,
                        reasons=reasons,
                        alternatives=alternatives,
                        evidence=evidence,
                    )
                )
            elif (
                current.status != Status.SUGGESTED
                or current.method == Method.MANUAL
                or current.evidence == Evidence.SUPPLY
            ):
                counts.kept_reviewed += 1
            elif (
                current.method,
                round(current.score, 6),
                current.reasons,
                current.alternatives,
                current.evidence,
            ) != (method, round(score, 6), reasons, alternatives, evidence):
                changes = {
                    "score": [current.score, score],
                    "method": [current.method, method],
                    "evidence": [current.evidence, evidence],
                }
                current.method, current.score, current.reasons, current.alternatives = (
                    method,
                    score,
                    reasons,
                    alternatives,
                )
                current.evidence = evidence
                to_update.append(current)
                if audit_each:
                    entries.append(
                        audit.entry(actor, AuditEntry.Action.UPDATE, label(current), changes, note="classify")
                    )
        stale = [
            a
            for pair, a in existing.items()
            if pair not in found
            and a.status == Status.SUGGESTED
            and a.method != Method.MANUAL
            and a.evidence != Evidence.SUPPLY
        ]
        for a in stale if audit_each else ():
            entries.append(
                audit.entry(
                    actor,
                    AuditEntry.Action.DELETE,
                    label(a),
                    {"node": [a.node_id, None]},
                    note="classify: rule no longer fires",
                )
            )
        if stale:
            NodeAssignment.objects.filter(pk__in=[a.pk for a in stale]).delete()
        if audit_each:
            created = NodeAssignment.objects.bulk_create(to_create, batch_size=1000)
        else:  # on arrival: no entry names each row, so its id is not needed back (several times faster)
            _insert_assignments(to_create)
            created = to_create
        for a in created if audit_each else ():
            entries.append(
                audit.entry(
                    actor,
                    AuditEntry.Action.CREATE,
                    label(a),
                    {"node": [None, a.node_id], "score": [None, a.score], "method": [None, a.method]},
                    note="classify",
                )
            )
        if to_update:
            NodeAssignment.objects.bulk_update(
                to_update, ["method", "score", "reasons", "alternatives", "evidence"], batch_size=1000
            )
        if not audit_each and (created or to_update or stale):
            entries = [
                AuditEntry(
                    actor=actor if getattr(actor, "pk", None) else None,
                    actor_name=(getattr(actor, "username", "") or "system") if actor else "system",
                    action=AuditEntry.Action.UPDATE,
                    model=NodeAssignment._meta.label_lower,
                    object_id="",
                    object_repr=f"企业 #{min(enterprise_ids)}–#{max(enterprise_ids)} 的产业链归类"[:255],
                    changes={
                        "created": len(created),
                        "updated": len(to_update),
                        "removed": len(stale),
                        "firms": len(enterprise_ids),
                    },
                    note="classify on arrival",
                )
            ]
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
    counts.created += len(created)
    counts.updated += len(to_update)
    counts.removed += len(stale)


_INSERT_FIELDS = (
    "enterprise",
    "node",
    "method",
    "status",
    "score",
    "evidence",
    "reasons",
    "alternatives",
    "created_at",
)


def _insert_assignments(rows: list[NodeAssignment]) -> None:
    """INSERT new assignments with one executemany: the fields' own database preparation, none of bulk_create's."""
    if not rows:
        return
    from django.db import connection

    fields: list[Any] = [NodeAssignment._meta.get_field(name) for name in _INSERT_FIELDS]  # concrete fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(NodeAssignment._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    now = fields[-1].get_db_prep_save(timezone.now(), connection)
    json_reasons, json_alternatives = fields[6], fields[7]
    params = [
        (
            a.enterprise_id,
            a.node_id,
            a.method,
            a.status,
            a.score,
            a.evidence,
            json_reasons.get_db_prep_save(a.reasons, connection),
            json_alternatives.get_db_prep_save(a.alternatives, connection),
            now,
        )
        for a in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
