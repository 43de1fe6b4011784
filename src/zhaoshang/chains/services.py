"""Industrial-chain services: load/export chains, classify firms onto nodes, review, gaps and targets.

Views, the API and the CLI are thin adapters over these functions. Writes go through `core.audit`.
The analytic work is done by the plain-Python cores in `chains.analysis`; this module maps stored fields
to their columns (see docs/CHAINS.md) and back.
"""

from __future__ import annotations

import io
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from zhaoshang.chains.analysis import spec as spec_io
from zhaoshang.chains.analysis.errors import AnalysisInputError, ChainFileError, ChainFileProblem
from zhaoshang.chains.analysis.evidence import COUNTING, evidence_from_reasons, matched_words
from zhaoshang.chains.analysis.gap import (
    GapResult,
    NodeThreshold,
    Thresholds,
    analyse_gaps,
    compare_regions,
    priorities,
)
from zhaoshang.chains.analysis.rules import Reason, RuleClassifier, describe_reasons
from zhaoshang.chains.analysis.spec import ChainSpec
from zhaoshang.chains.analysis.targets import Factors, rank_targets
from zhaoshang.chains.models import Chain, ChainLink, ChainNode, NodeAssignment, SupplyLink
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.core.models import AuditEntry

log = logging.getLogger(__name__)

Status = NodeAssignment.Status
Method = NodeAssignment.Method
Evidence = NodeAssignment.Evidence

#: Approximate exchange rates to CNY used to compare registered capital (documented in docs/CHAINS.md).
CNY_PER = {
    "": 1.0,
    "CNY": 1.0,
    "RMB": 1.0,
    "USD": 7.1,
    "HKD": 0.91,
    "EUR": 7.7,
    "JPY": 0.047,
    "GBP": 9.0,
    "TWD": 0.22,
}
#: A learned suggestion is stored only when its calibrated probability reaches this.
LEARNED_MIN_SCORE = 0.5
#: Label of the learned layer's "not on any node" class (trained on rejected suggestions).
NONE_LABEL = "__none__"


class ChainServiceError(DomainError):
    """A chain operation cannot be done; the message is for the user (Chinese)."""

    code = "chain_invalid"


# --------------------------------------------------------------------------------------------------------
# Chains: DB ⇄ ChainSpec


def _card_dict(card: spec_io.Card) -> dict[str, Any]:
    out = {
        "what": card.what,
        "uses": card.uses,
        "leaders_domestic": list(card.leaders_domestic),
        "leaders_foreign": list(card.leaders_foreign),
        "source": card.source,
        "estimate": card.estimate,
    }
    out.update(spec_io._plain(card.extra))
    return {k: v for k, v in out.items() if v not in ("", [], None)} if not card.is_empty() else {}


def _node_values(node: spec_io.NodeSpec) -> dict[str, Any]:
    return {
        "name": node.name,
        "name_en": node.name_en,
        "path": node.path,
        "depth": node.depth,
        "weight": node.weight,
        "abs_weight": node.abs_weight,
        "weight_source": node.weight_source,
        "weight_estimate": node.weight_estimate,
        "key_node": node.key_node,
        "aliases": list(node.aliases),
        "keywords": list(node.keywords),
        "exclude": list(node.exclude),
        "industry_codes": list(node.industry_codes),
        "hs_codes": list(node.hs_codes),
        "card": _card_dict(node.card),
        "extra": spec_io._plain(node.extra),
    }


@transaction.atomic
def load_chain(actor: Any, spec: ChainSpec) -> Chain:
    """Create or update the chain `spec.slug`, upserting nodes by key, in one transaction (audited).

    Nodes missing from the spec are deleted with their assignments; supply links are replaced.
    The chain's thresholds (`extra["thresholds"]`) are kept when the file does not set them.
    """
    chain = Chain.objects.filter(slug=spec.slug).first()
    extra = spec_io._plain(spec.extra)
    if chain is not None and "thresholds" not in extra and "thresholds" in chain.extra:
        extra["thresholds"] = chain.extra["thresholds"]
    if "thresholds" in extra:
        thresholds_from(extra["thresholds"], spec)  # validate before writing anything
    values = {
        "name": spec.name,
        "name_en": spec.name_en,
        "description": spec.description,
        "source": spec.source,
        "extra": extra,
    }
    clash = Chain.objects.filter(name=spec.name).exclude(slug=spec.slug).first()
    if clash:
        raise ChainServiceError(
            f"已有名为「{spec.name}」的产业链（标识 {clash.slug}），请改名或使用相同的标识"
        )
    try:
        if chain is None:
            chain = audit.create(actor, Chain, slug=spec.slug, **values)
        else:
            audit.update(actor, chain, note="import", **values)
        existing = {n.key: n for n in chain.nodes.all()}
        saved: dict[str, ChainNode] = {}
        for order, (key, node) in enumerate(spec.nodes.items()):
            fields = _node_values(node) | {
                "order": order,
                "parent": saved[node.parent_key] if node.parent_key else None,
            }
            current = existing.get(key)
            if current is None:
                saved[key] = audit.create(actor, ChainNode, chain=chain, key=key, **fields)
            else:
                audit.update(actor, current, note="import", **fields)
                saved[key] = current
        for key in sorted(set(existing) - set(spec.nodes), key=lambda k: -existing[k].depth):
            audit.delete(actor, existing[key], note="removed from chain file")
        old_links = {
            (lk.source.key, lk.target.key): lk for lk in chain.links.select_related("source", "target")
        }
        new_links = {(lk.from_key, lk.to_key): lk for lk in spec.links}
        for pair in set(old_links) - set(new_links):
            audit.delete(actor, old_links[pair], note="removed from chain file")
        for pair, link in new_links.items():
            if pair not in old_links:
                audit.create(
                    actor,
                    ChainLink,
                    chain=chain,
                    source=saved[pair[0]],
                    target=saved[pair[1]],
                    extra=spec_io._plain(link.extra),
                )
    except ValidationError as exc:
        raise ChainServiceError("；".join(exc.messages)) from exc
    return chain


def read_chain_file(path: str | Path) -> ChainSpec:
    """A validated spec from a YAML or XLSX file (ChainFileError lists every problem, row-numbered)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return spec_io.load_yaml(path)
    if suffix in (".xlsx", ".xlsm"):
        return spec_io.load_xlsx(path)
    raise ChainFileError(
        [ChainFileProblem("只支持 .yaml/.yml 或 .xlsx 文件", file=path.name)], file=path.name
    )


def import_chain(actor: Any, path: str | Path) -> Chain:
    return load_chain(actor, read_chain_file(path))


def load_builtin_chains(actor: Any) -> list[Chain]:
    return [load_chain(actor, spec) for spec in spec_io.load_directory()]


def spec_for(chain: Chain) -> ChainSpec:
    """The stored chain as a validated ChainSpec (what the analytic cores take)."""
    nodes = list(chain.nodes.all().order_by("order"))
    children: dict[int | None, list[ChainNode]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n)

    def as_dict(n: ChainNode) -> dict[str, Any]:
        out: dict[str, Any] = dict(n.extra or {})
        out |= {
            "key": n.key,
            "name": n.name,
            "name_en": n.name_en,
            "weight_source": n.weight_source,
            "weight_estimate": n.weight_estimate,
            "key_node": n.key_node,
            "aliases": n.aliases,
            "keywords": n.keywords,
            "exclude": n.exclude,
            "industry_codes": n.industry_codes,
            "hs_codes": n.hs_codes,
        }
        if n.weight is not None:
            out["weight"] = n.weight
        if n.card:
            out["card"] = n.card
        if children[n.pk]:
            out["children"] = [as_dict(c) for c in children[n.pk]]
        return out

    data: dict[str, Any] = dict(chain.extra or {})
    data |= {
        "slug": chain.slug,
        "name": chain.name,
        "name_en": chain.name_en,
        "description": chain.description,
        "source": chain.source,
    }
    data["nodes"] = [as_dict(n) for n in children[None]]
    data["links"] = [
        {"from": s, "to": t, **(x or {})}
        for s, t, x in chain.links.values_list("source__key", "target__key", "extra").order_by("pk")
    ]
    return spec_io.from_dict(data, file=chain.slug)


def export_chain(chain: Chain, path: str | Path | None = None, fmt: str | None = None) -> bytes:
    """The chain as YAML or XLSX bytes (written to `path` too when given); the format follows the suffix."""
    fmt = (fmt or (Path(path).suffix.lstrip(".") if path else "yaml")).lower()
    spec = spec_for(chain)
    if fmt in ("yaml", "yml"):
        data = spec_io.dump_yaml(spec).encode("utf-8")
    elif fmt in ("xlsx",):
        buffer = io.BytesIO()
        spec_io.dump_xlsx(spec, buffer)
        data = buffer.getvalue()
    else:
        raise ChainServiceError(f"不支持的导出格式：{fmt}（可用 yaml、xlsx）")
    if path:
        Path(path).write_bytes(data)
    return data


def find_chain(name_or_slug: str) -> Chain:
    chain = Chain.objects.filter(slug=name_or_slug).first() or Chain.objects.filter(name=name_or_slug).first()
    if chain is None:
        names = "、".join(Chain.objects.values_list("name", flat=True)) or "（无）"
        raise ChainServiceError(f"没有名为或标识为「{name_or_slug}」的产业链；现有：{names}")
    return chain


CARD_FIELDS = ("what", "uses", "leaders_domestic", "leaders_foreign", "source", "estimate")


def update_card(actor: Any, node: ChainNode, **card: Any) -> ChainNode:
    """Edit a node's knowledge card (audited). List fields accept lists or text separated by 、；,"""
    new = dict(node.card or {})
    for key, value in card.items():
        if key not in CARD_FIELDS:
            raise ChainServiceError(f"知识卡片没有字段「{key}」")
        if key.startswith("leaders_") and isinstance(value, str):
            value = [v.strip() for v in spec_io.LIST_SEPARATORS.split(value) if v.strip()]
        new[key] = value
    audit.update(actor, node, note="card", card={k: v for k, v in new.items() if v not in ("", [], None)})
    return node


# --------------------------------------------------------------------------------------------------------
# Classification


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


def _enterprise_model():
    from zhaoshang.registry.models import Enterprise

    return Enterprise


def _text(e: dict[str, Any]) -> str:
    return "。".join(x for x in (e.get("name") or "", e.get("scope") or "", e.get("description") or "") if x)


def classify_enterprises(
    actor: Any,
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
    Enterprise = _enterprise_model()
    chains = list(chains) if chains is not None else list(Chain.objects.all())
    counts = ClassifyCounts()
    if not chains:
        return counts
    specs = [spec_for(c) for c in chains]
    classifier = RuleClassifier(specs)
    node_ids = {(c.slug, k): i for c in chains for k, i in c.nodes.values_list("key", "pk")}
    chain_node_ids = set(node_ids.values())
    nodes_by_id = {n.pk: n for n in ChainNode.objects.filter(chain__in=chains).select_related("chain")}
    learned = load_learned_model(evidence=_evidence(classifier))
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
        found: dict[tuple[int, int], tuple[str, float, list, list]] = {}
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
    actor: Any, ids: Sequence[int], progress: Callable[[int, int], None] | None = None
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
    texts = [_text(r) for r in rows]
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
        Enterprise = _enterprise_model()

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


def review_order(queryset: QuerySet, region_code: str | None = None) -> QuerySet:
    """The review queue ordered by how much a decision would change the map of `region_code` (default: the
    installation's home region): the region's own firms first, then key nodes, then nodes with the fewest local
    firms with evidence (a missing node, where one confirmation makes it weak, before a strong one), then
    candidates that fit by industry code only before other suggestions, then score."""
    from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce

    from zhaoshang.chains.analysis.targets import region_prefix

    try:
        prefix = region_prefix(region_code or settings.HOME_REGION)
    except AnalysisInputError:
        prefix = ""
    covered = (
        NodeAssignment.objects.filter(
            node=OuterRef("node"), evidence__in=list(COUNTING), enterprise__region_code__startswith=prefix
        )
        .exclude(status=Status.REJECTED)
        .order_by()
        .values("node")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return queryset.annotate(
        node_cover=Coalesce(Subquery(covered, output_field=IntegerField()), Value(0)),
        is_prior=Case(
            When(evidence=Evidence.CODE_PRIOR, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        is_elsewhere=Case(
            When(enterprise__region_code__startswith=prefix, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("is_elsewhere", "-node__key_node", "node_cover", "is_prior", "-score", "pk")


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

    fields = [NodeAssignment._meta.get_field(name) for name in _INSERT_FIELDS]
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


@transaction.atomic
def review_assignment(actor: Any, assignment: NodeAssignment, confirm: bool) -> NodeAssignment:
    """A cadre confirms or rejects a suggestion; confirmed ones train the next learned model and count as coverage."""
    evidence = (
        Evidence.CONFIRMED
        if confirm
        else evidence_from_reasons(
            assignment.reasons or [], method=assignment.method, node_key=assignment.node.key
        )
    )
    audit.update(
        actor,
        assignment,
        note="review",
        evidence=evidence,
        status=Status.CONFIRMED if confirm else Status.REJECTED,
        reviewed_by=actor if getattr(actor, "pk", None) else None,
        reviewed_at=timezone.now(),
    )
    return assignment


@transaction.atomic
def assign_node(actor: Any, enterprise: Any, node: ChainNode) -> NodeAssignment:
    """Place a firm on a node by hand (confirmed at once)."""
    current = NodeAssignment.objects.filter(enterprise=enterprise, node=node).first()
    fields = {
        "method": Method.MANUAL,
        "status": Status.CONFIRMED,
        "score": 1.0,
        "reviewed_by": actor if getattr(actor, "pk", None) else None,
        "reviewed_at": timezone.now(),
        "evidence": Evidence.CONFIRMED,
    }
    if current is None:
        return audit.create(
            actor, NodeAssignment, enterprise=enterprise, node=node, reasons=[{"kind": "manual"}], **fields
        )
    audit.update(
        actor, current, note="manual", **{k: v for k, v in fields.items() if k not in ("method", "score")}
    )
    return current


@transaction.atomic
def record_supply_link(
    actor: Any, supplier: Any, customer: Any, node: ChainNode | None = None, note: str = ""
) -> SupplyLink:
    """Record that `supplier` sells to `customer` (for `node` when given): the supplier is placed on the node with
    evidence «supply relation» (a confirmed or rejected assignment is left as the cadre decided it)."""
    if supplier.pk == customer.pk:
        raise ChainServiceError("供应方和客户不能是同一家企业")
    link = SupplyLink.objects.filter(supplier=supplier, customer=customer, node=node).first()
    if link is None:
        link = audit.create(
            actor,
            SupplyLink,
            supplier=supplier,
            customer=customer,
            node=node,
            note=note,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
    if node is not None:
        reason = {
            "kind": "supply",
            "word": "",
            "field": "supply",
            "position": -1,
            "node_key": node.key,
            "customer": customer.name,
            "customer_id": customer.pk,
        }
        current = NodeAssignment.objects.filter(enterprise=supplier, node=node).first()
        if current is None:
            audit.create(
                actor,
                NodeAssignment,
                enterprise=supplier,
                node=node,
                method=Method.RULE,
                status=Status.SUGGESTED,
                score=1.0,
                evidence=Evidence.SUPPLY,
                reasons=[reason],
            )
        elif current.status == Status.SUGGESTED:
            reasons = [
                r
                for r in (current.reasons or [])
                if not (r.get("kind") == "supply" and r.get("customer_id") == customer.pk)
            ]
            audit.update(
                actor, current, note="supply link", evidence=Evidence.SUPPLY, reasons=[*reasons, reason]
            )
    return link


# --------------------------------------------------------------------------------------------------------
# Learned layer


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "models" / "chains-learned.pkl"


def _label(node: ChainNode | tuple[str, str]) -> str:
    return f"{node[0]}:{node[1]}" if isinstance(node, tuple) else f"{node.chain.slug}:{node.key}"


def _evidence(classifier: RuleClassifier):
    def evidence(text: str) -> dict[str, float]:
        return {f"{a.chain_slug}:{a.node_key}": a.score for a in classifier.classify(scope=text)}

    return evidence


def label_documents(chains: Iterable[Chain]) -> tuple[dict[str, str], dict[str, str]]:
    """Per node label: a document (name, aliases, keywords, card) and its parent label."""
    docs: dict[str, str] = {}
    parents: dict[str, str] = {}
    for chain in chains:
        by_id = {}
        for n in chain.nodes.all().order_by("order"):
            by_id[n.pk] = n
            card = n.card or {}
            words = [n.name, *n.aliases, *n.keywords, card.get("what", ""), card.get("uses", "")]
            docs[f"{chain.slug}:{n.key}"] = " ".join(w for w in words if w)
            if n.parent_id:
                parents[f"{chain.slug}:{n.key}"] = f"{chain.slug}:{by_id[n.parent_id].key}"
    return docs, parents


def training_examples() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(confirmed (text, label) pairs, rejected-only (text, NONE_LABEL) pairs) from the review queue."""
    confirmed = []
    firm_ok: set[int] = set()
    for a in (
        NodeAssignment.objects.filter(status=Status.CONFIRMED)
        .select_related("enterprise", "node__chain")
        .order_by("pk")
    ):
        e = a.enterprise
        confirmed.append(
            (_text({"name": e.name, "scope": e.scope, "description": e.description}), _label(a.node))
        )
        firm_ok.add(a.enterprise_id)
    rejected = []
    seen: set[int] = set()
    for a in (
        NodeAssignment.objects.filter(status=Status.REJECTED)
        .exclude(enterprise_id__in=firm_ok)
        .select_related("enterprise")
        .order_by("pk")
    ):
        if a.enterprise_id in seen:
            continue
        seen.add(a.enterprise_id)
        e = a.enterprise
        rejected.append((_text({"name": e.name, "scope": e.scope, "description": e.description}), NONE_LABEL))
    return confirmed, rejected


@dataclass
class TrainingSummary:
    confirmed: int
    rejected: int
    labels: int
    path: Path


def train_learned_layer(actor: Any, *, chains: Iterable[Chain] | None = None) -> TrainingSummary:
    """Train the text model on confirmed assignments plus every node's label document; save it under VAR_DIR."""
    from zhaoshang.chains.analysis.learned import TextClassifier

    chains = list(chains) if chains is not None else list(Chain.objects.all())
    if not chains:
        raise ChainServiceError("还没有产业链，无法训练")
    docs, parents = label_documents(chains)
    confirmed, rejected = training_examples()
    if rejected:
        docs[NONE_LABEL] = ""
    classifier = RuleClassifier([spec_for(c) for c in chains])
    model = TextClassifier(label_docs=docs, parents=parents, evidence=_evidence(classifier))
    texts = [t for t, _ in rejected]
    labels = [y for _, y in rejected]
    if not texts:  # docs alone are enough: each document is a pseudo-example of its label
        first = next(iter(docs))
        texts, labels = [docs[first]], [first]
    model.fit(texts, labels, confirmed=confirmed)
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    model.save(tmp)
    tmp.replace(path)
    summary = TrainingSummary(len(confirmed), len(rejected), len(model.classes_), path)
    if chains:
        audit.record(
            actor,
            AuditEntry.Action.UPDATE,
            chains[0],
            {"learned_model": [None, str(path)]},
            note=f"train: {len(confirmed)} confirmed",
        )
    return summary


def load_learned_model(evidence=None):
    path = model_path()
    if not path.exists():  # checked first: importing the learned layer (scikit-learn) alone takes seconds
        return None
    from zhaoshang.chains.analysis.learned import LearnedError, TextClassifier

    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return TextClassifier.load(path, evidence=evidence)
    except LearnedError as exc:
        log.warning("learned model not used: %s", exc)
        return None


# --------------------------------------------------------------------------------------------------------
# Regions, gaps and targets


@dataclass(frozen=True)
class Area:
    """The region a gap is computed for: a GB/T 2260 code, or an organisation (park) standing for its code."""

    code: str
    name: str
    lat: float | None = None
    lng: float | None = None


def _regions():
    from zhaoshang.core.reference.regions import default_regions

    return default_regions()


def resolve_region(code_or_org: str) -> Area:
    from zhaoshang.accounts.models import Organisation

    text = str(code_or_org or "").strip()
    regions = _regions()
    org = None
    if not (len(text) == 6 and text.isdigit()):
        org = Organisation.objects.filter(code=text).first()
        if org is None or not org.region_code:
            raise ChainServiceError(f"「{text}」既不是 6 位行政区划代码，也不是带区划代码的组织（园区）代码")
        text = org.region_code
    region = regions.get(text)
    if region is None:
        raise ChainServiceError(f"未知的行政区划代码：{text}")
    name = org.name if org else regions.name_path(text).split(" / ")[-1]
    return Area(text, name, region.lat, region.lng)


def _within_codes(codes: Iterable[str], area_code: str) -> set[str]:
    regions = _regions()
    inside = set()
    for code in codes:
        if not code:
            continue
        try:
            if regions.is_within(code, area_code):
                inside.add(code)
        except ValueError:
            continue
    return inside


def thresholds_from(data: Any, spec: ChainSpec | None = None) -> Thresholds:
    """Thresholds from `Chain.extra["thresholds"]`: {strong_firms, strong_strength, weak_firms, weak_coverage, per_node: {key: {...}}}."""
    if not data:
        return Thresholds()
    if not isinstance(data, dict):
        raise ChainServiceError("阈值设置应为键值对")

    def one(d: dict[str, Any], base: NodeThreshold) -> NodeThreshold:
        try:
            return NodeThreshold(
                strong_firms=float(d.get("strong_firms", base.strong_firms)),
                strong_strength=float(d.get("strong_strength", base.strong_strength)),
                weak_firms=float(d.get("weak_firms", base.weak_firms)),
            )
        except (TypeError, ValueError) as exc:
            raise ChainServiceError(f"阈值设置有误：{exc}") from exc

    try:
        default = one(data, NodeThreshold())
        per_node = {k: one(v or {}, default) for k, v in (data.get("per_node") or {}).items()}
        if spec is not None:
            unknown = [k for k in per_node if k not in spec.nodes]
            if unknown:
                raise ChainServiceError(f"阈值设置中的节点不在链中：{'、'.join(unknown)}")
        return Thresholds(
            default=default, per_node=per_node, weak_coverage=float(data.get("weak_coverage", 0.5))
        )
    except AnalysisInputError as exc:
        raise ChainServiceError(str(exc)) from exc


def thresholds_for(chain: Chain) -> Thresholds:
    return thresholds_from((chain.extra or {}).get("thresholds"))


@transaction.atomic
def set_thresholds(actor: Any, chain: Chain, **values: Any) -> Thresholds:
    current = dict((chain.extra or {}).get("thresholds") or {})
    current.update({k: v for k, v in values.items() if v is not None})
    thresholds = thresholds_from(current, spec_for(chain))
    audit.update(actor, chain, note="thresholds", extra={**(chain.extra or {}), "thresholds": current})
    return thresholds


#: The assignments of a chain that are not rejected, with their evidence: which of them make coverage and which
#: are candidates to verify is decided by the evidence kind (see chains/analysis/evidence.py).
def counted_assignments(chain: Chain) -> QuerySet:
    return NodeAssignment.objects.filter(node__chain=chain, enterprise__merged_into__isnull=True).exclude(
        status=Status.REJECTED
    )


_FIRM_FIELDS = (
    "enterprise_id",
    "node__key",
    "score",
    "status",
    "reasons",
    "enterprise__region_code",
    "enterprise__capital_wan",
    "enterprise__currency",
    "enterprise__employees",
    "enterprise__revenue_wan",
    "enterprise__listed",
    "enterprise__tags",
    "enterprise__name",
    "evidence",
    "id",
)


def _capital_cny(capital: Any, currency: str) -> float:
    if capital is None:
        return math.nan
    rate = CNY_PER.get((currency or "").upper())
    return float(capital) * rate if rate is not None else math.nan


def _assignment_frame(chain: Chain) -> pd.DataFrame:
    rows = list(counted_assignments(chain).values_list(*_FIRM_FIELDS))
    df = pd.DataFrame(
        rows,
        columns=[
            "firm_id",
            "node_key",
            "node_score",
            "status",
            "reasons",
            "region_code",
            "capital_wan",
            "currency",
            "employees",
            "revenue_wan",
            "listed",
            "tags",
            "name",
            "evidence",
            "assignment_id",
        ],
    )
    if len(df):
        df["capital_wan_cny"] = [
            _capital_cny(c, cur) for c, cur in zip(df["capital_wan"], df["currency"], strict=True)
        ]
        df["employees"] = pd.to_numeric(df["employees"], errors="coerce").astype(float)
        df["revenue_wan"] = pd.to_numeric(df["revenue_wan"], errors="coerce").astype(float)
        df.loc[df["status"] == Status.CONFIRMED, "node_score"] = 1.0
    else:
        df["capital_wan_cny"] = pd.Series(dtype=float)
    return df


@dataclass
class GapReport:
    chain: Chain
    spec: ChainSpec
    area: Area
    result: GapResult
    local: pd.DataFrame  # assignment rows of local firms
    others: pd.DataFrame  # assignment rows of firms elsewhere
    thresholds: Thresholds
    _targets: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def completeness(self) -> float:
        return self.result.completeness

    def local_firm_ids(self, key: str) -> list[int]:
        """Local firms that cover the node (its subtree) by evidence: product, confirmed, supply, deciding code."""
        return self._firms(key, counting=True)

    def candidate_firm_ids(self, key: str) -> list[int]:
        """Local firms on the node (its subtree) by industry code only: candidates to verify (待核实候选)."""
        covered = set(self._firms(key, counting=True))
        return [f for f in self._firms(key, counting=False) if f not in covered]

    def _firms(self, key: str, *, counting: bool) -> list[int]:
        if not len(self.local):
            return []
        sub = set(self.spec.subtree(key))
        rows = self.local[
            self.local["node_key"].isin(sub) & (self.local["evidence"].isin(COUNTING) == counting)
        ]
        return sorted(set(rows["firm_id"].tolist()))

    def local_rows(self, key: str) -> pd.DataFrame:
        """The local assignment rows on the node itself and below (all evidence kinds)."""
        if not len(self.local):
            return self.local
        return self.local[self.local["node_key"].isin(set(self.spec.subtree(key)))]


def gap_for_region(chain: Chain, region_code: str, thresholds: Thresholds | None = None) -> GapReport:
    """Per node the local firms, status strong/weak/missing and the weighted completeness (see docs/CHAINS.md)."""
    area = resolve_region(region_code)
    spec = spec_for(chain)
    thresholds = thresholds or thresholds_for(chain)
    df = _assignment_frame(chain)
    inside = _within_codes(set(df["region_code"]), area.code) if len(df) else set()
    is_local = df["region_code"].isin(inside) if len(df) else pd.Series(dtype=bool)
    local, others = df[is_local].copy(), df[~is_local].copy()
    try:
        result = analyse_gaps(spec, local, thresholds)
    except AnalysisInputError as exc:
        raise ChainServiceError(str(exc)) from exc
    return GapReport(chain, spec, area, result, local, others, thresholds)


def _centroid(code: str) -> tuple[float, float] | None:
    regions = _regions()
    while code:
        region = regions.get(code)
        if region is not None and region.lat is not None:
            return region.lat, region.lng
        code = (
            region.parent_code
            if region is not None
            else (code[:4] + "00" if code[4:] != "00" else code[:2] + "0000" if code[2:4] != "00" else "")
        )
    return None


def target_url(chain: Chain | str, node_key: str, enterprise_id: int, region_code: str) -> str:
    slug = chain.slug if isinstance(chain, Chain) else chain
    return reverse("chains:target", args=[slug, node_key, enterprise_id]) + f"?region={region_code}"


TARGET_COLUMNS_EMPTY = [
    "firm_id",
    "name",
    "node_key",
    "node_path",
    "gap_status",
    "key_node",
    "total",
    "coverage",
    "rank",
    "reasons",
    "evidence",
    "matched_words",
    "target_id",
    "target_url",
]
_STATUS_ORDER = {"missing": 0, "weak": 1, "strong": 2}


def _local_buyers(report: GapReport, firm_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per firm elsewhere, the local firms it is known to supply (recorded supply relations)."""
    local_ids = set(report.local["firm_id"].tolist()) if len(report.local) else set()
    Enterprise = _enterprise_model()
    inside = _within_codes(
        set(
            Enterprise.objects.filter(supplied_by__supplier_id__in=list(firm_ids)).values_list(
                "region_code", flat=True
            )
        ),
        report.area.code,
    )
    out: dict[int, list[str]] = defaultdict(list)
    for supplier, customer, name, region in (
        SupplyLink.objects.filter(supplier_id__in=list(firm_ids))
        .values_list("supplier_id", "customer_id", "customer__name", "customer__region_code")
        .order_by("customer__name")
    ):
        if (customer in local_ids or region in inside) and name not in out[supplier]:
            out[supplier].append(name)
    return out


def targets_for(
    chain: Chain,
    region_code: str,
    node_key: str | None = None,
    *,
    report: GapReport | None = None,
    weights: Factors | None = None,
) -> pd.DataFrame:
    """Firms outside the region with evidence (product, confirmed, supply, deciding code) on its missing and weak
    nodes, ranked with reasons specific to each row.

    The score is computed once, over every gap of the chain, whatever `node_key` asks for: a node's panel, the
    exports and the API show the same figure for the same target. Rows are ordered as the 招商目标清单 lists them:
    missing key nodes first, then other missing nodes, weak key nodes, weak nodes (each by weight), best target
    first within a node; `rank` is the place within the node (1 = best).

    Columns: firm_id, name, node_key, node_path, gap_status, key_node, region_code, total, coverage, rank,
    reasons, evidence, matched_words, score_<factor>, target_id, target_url. One row per (node, firm).
    """
    report = report or gap_for_region(chain, region_code)
    spec = report.spec
    if node_key is not None and node_key not in spec.nodes:
        raise ChainServiceError(f"节点「{node_key}」不在产业链「{chain.name}」中")
    ranked = report._targets
    if ranked is None or weights is not None:
        ranked = _rank_chain_targets(report, weights)
        if weights is None:
            report._targets = ranked
    if node_key is not None:
        ranked = ranked[ranked["node_key"].isin(set(spec.subtree(node_key)))]
    return ranked


def _rank_chain_targets(report: GapReport, weights: Factors | None) -> pd.DataFrame:
    chain, spec = report.chain, report.spec
    wanted = {n.key: n for n in report.result.nodes if n.status in ("missing", "weak")}
    others = report.others
    cand = (
        others[others["node_key"].isin(list(wanted)) & others["evidence"].isin(COUNTING)].copy()
        if len(others)
        else others.copy()
    )
    if not len(cand):
        return pd.DataFrame(columns=TARGET_COLUMNS_EMPTY)
    cand["gap_status"] = cand["node_key"].map(lambda k: wanted[k].status)
    cand["key_node"] = cand["node_key"].map(lambda k: wanted[k].key_node)
    cand["node_path"] = cand["node_key"].map(lambda k: wanted[k].path)
    cand["matched_words"] = [
        matched_words(rs or [], k) for rs, k in zip(cand["reasons"], cand["node_key"], strict=True)
    ]
    # distance: region centroids (county, else its city or province)
    coords = {code: _centroid(code) for code in set(cand["region_code"])}
    origin = (report.area.lat, report.area.lng) if report.area.lat is not None else None
    cand["lat"] = [coords[c][0] if coords.get(c) else math.nan for c in cand["region_code"]]
    cand["lon"] = [coords[c][1] if coords.get(c) else math.nan for c in cand["region_code"]]
    # the local firms each candidate is known to supply (a recorded relation, never guessed from the chain)
    buyers = _local_buyers(report, set(cand["firm_id"]))
    cand["local_buyers"] = [buyers.get(f, []) for f in cand["firm_id"]]
    cand["leader_links"] = [float(len(b)) if b else math.nan for b in cand["local_buyers"]]
    cand["listed"] = (
        cand["listed"]
        .map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else bool(v))
        .astype(object)
    )
    ranked = rank_targets(cand.reset_index(drop=True), weights=weights, origin=origin)
    order = {k: i for i, k in enumerate(spec.nodes)}
    ranked["_group"] = [
        (_STATUS_ORDER[s], not kn, -wanted[k].weight, order[k])
        for s, kn, k in zip(ranked["gap_status"], ranked["key_node"], ranked["node_key"], strict=True)
    ]
    ranked["_pos"] = range(len(ranked))
    ranked = (
        ranked.sort_values(["_group", "_pos"], kind="stable")
        .drop(columns=["_group", "_pos"])
        .reset_index(drop=True)
    )
    ranked["rank"] = ranked.groupby("node_key", sort=False).cumcount() + 1
    ranked["target_id"] = [
        f"{chain.slug}/{k}/{f}" for k, f in zip(ranked["node_key"], ranked["firm_id"], strict=True)
    ]
    ranked["target_url"] = [
        target_url(chain, k, f, report.area.code)
        for k, f in zip(ranked["node_key"], ranked["firm_id"], strict=True)
    ]
    return ranked


def target_rows(ranked: pd.DataFrame) -> list[dict[str, Any]]:
    """Targets as plain dicts (JSON-ready). The score is rounded once, here, for every channel."""
    out = []
    for row in ranked.itertuples(index=False):
        out.append(
            {
                "id": row.target_id,
                "enterprise_id": int(row.firm_id),
                "name": row.name,
                "node_key": row.node_key,
                "node_path": row.node_path,
                "gap_status": row.gap_status,
                "key_node": bool(row.key_node),
                "region_code": row.region_code,
                "score": None if pd.isna(row.total) else round(float(row.total), 2),
                "coverage": round(float(row.coverage), 4),
                "rank": int(row.rank),
                "reasons": list(row.reasons),
                "reason_codes": [[c, p] for c, p in getattr(row, "reason_codes", None) or []],
                "evidence": row.evidence,
                "evidence_label": evidence_label(row.evidence),
                "matched_words": list(row.matched_words),
                "target_url": row.target_url,
            }
        )
    return out


#: What to do when a missing node has no candidate anywhere (said on the page, in the API and the export).
NO_CANDIDATE_HINT = (
    "暂无外地企业有该环节的产品证据。可通过企业名录导入外地企业名单（上市公司、专精特新企业名单、行业协会会员等，"
    "导入接受任何地区），导入后自动归入产业链环节，再回到此处查看目标。"
)


def gap_json(report: GapReport, targets: pd.DataFrame | None = None, *, per_node: int = 10) -> dict[str, Any]:
    """The `chains gap --json` document: chain, region, completeness and every node with its counts by evidence
    kind, its candidates to verify and its targets."""
    targets = targets if targets is not None else targets_for(report.chain, report.area.code, report=report)
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    all_by_node: dict[str, int] = defaultdict(int)
    for t in target_rows(targets):
        all_by_node[t["node_key"]] += 1
        if len(by_node[t["node_key"]]) < per_node:
            by_node[t["node_key"]].append(t)
    nodes = []
    for n in report.result.nodes:
        counts = {k: int(n.evidence_counts.get(k, 0)) for k in Evidence.values}
        item = {
            "node_key": n.key,
            "name": n.name,
            "path": n.path,
            "depth": n.depth,
            "parent": n.parent_key,
            "status": n.status,
            "local_firms": n.local_firms,
            "candidates": n.candidates,
            "evidence": counts,
            "strength": n.strength,
            "key": n.key_node,
            "key_node": n.key_node,
            "weight": round(n.weight, 6),
            "targets_total": all_by_node.get(n.key, 0),
            "targets": by_node.get(n.key, []),
        }
        if n.status == "missing" and not all_by_node.get(n.key):
            item["no_targets"] = NO_CANDIDATE_HINT
        nodes.append(item)
    return {
        "chain": {"slug": report.chain.slug, "name": report.chain.name},
        "region": {"code": report.area.code, "name": report.area.name},
        "completeness": round(report.completeness, 4),
        "candidates": len(set(report.local.loc[~report.local["evidence"].isin(COUNTING), "firm_id"]))
        if len(report.local)
        else 0,
        "nodes": nodes,
    }


def compare(chain: Chain, region_codes: Sequence[str]) -> tuple[pd.DataFrame, list[Area]]:
    """Regions side by side on one chain (statuses, firm counts, completeness in `frame.attrs`)."""
    if not region_codes:
        raise ChainServiceError("请至少选择一个地区")
    spec = spec_for(chain)
    df = _assignment_frame(chain)
    thresholds = thresholds_for(chain)
    areas = [resolve_region(c) for c in region_codes]
    tables = {}
    for area in areas:
        inside = _within_codes(set(df["region_code"]), area.code) if len(df) else set()
        tables[area.code] = df[df["region_code"].isin(inside)] if len(df) else df
    return compare_regions(spec, tables, thresholds), areas


def positions_for(enterprise: Any) -> list[dict[str, Any]]:
    """The firm's chain positions (not rejected), for the registry's profile page."""
    out = []
    qs = (
        NodeAssignment.objects.filter(enterprise=enterprise)
        .exclude(status=Status.REJECTED)
        .select_related("node__chain")
        .order_by("node__chain__name", "node__order")
    )
    for a in qs:
        out.append(
            {
                "assignment": a,
                "chain": a.node.chain,
                "node": a.node,
                "path": a.node.path,
                "status": a.status,
                "status_label": a.get_status_display(),
                "method_label": a.get_method_display(),
                "score": a.score,
                "why": explain(a),
                "evidence": a.evidence,
                "evidence_label": evidence_label(a.evidence),
                "counts": a.evidence in COUNTING,
                "words": assignment_words(a),
                "url": reverse("chains:detail", args=[a.node.chain.slug]) + f"?node={a.node.key}",
            }
        )
    return out


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
    Enterprise = _enterprise_model()
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
    """The chain's assignments as XLSX (Chinese headers; text written as text, never as a formula)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("环节企业")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ASSIGNMENT_COLUMNS, bold)
    for i, row in enumerate(assignment_table(report), start=1):
        for j, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(i, j, value)
            else:
                sheet.write_number(i, j, value)
    sheet.freeze_panes(1, 0)
    book.close()
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
    regions = _regions()
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
    if fmt == "xlsx":
        import xlsxwriter

        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet("招商目标清单")
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
        sheet.write(1, 0, subtitle)
        sheet.write_row(3, 0, headers, bold)
        for i, row in enumerate(table, start=4):
            for j, value in enumerate(
                row
            ):  # text as text: a name beginning with = must never become a formula
                if isinstance(value, str):
                    sheet.write_string(i, j, value, wrap)
                else:
                    sheet.write(i, j, value, wrap)
        if notes:
            at = len(table) + 5
            sheet.write_string(at, 0, "暂无目标的缺失环节", bold)
            for k, note in enumerate(notes, start=1):
                sheet.write_string(at + k, 0, note)
        for col, width in enumerate((6, 30, 8, 8, 30, 24, 8, 10, 12, 20, 60, 40)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(4, 0)
        book.close()
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
