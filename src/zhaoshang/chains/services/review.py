"""The review queue and hand-made placements: order the queue, confirm or reject, assign by hand, record a
supply relation, list a firm's chain positions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.types import Actor
from zhaoshang.chains.analysis.errors import AnalysisInputError
from zhaoshang.chains.analysis.evidence import COUNTING, evidence_from_reasons
from zhaoshang.chains.models import ChainNode, NodeAssignment, SupplyLink
from zhaoshang.chains.services.classification import assignment_words, evidence_label, explain
from zhaoshang.chains.services.common import ChainServiceError, Evidence, Method, Status
from zhaoshang.core import audit


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


@transaction.atomic
def review_assignment(actor: Actor, assignment: NodeAssignment, confirm: bool) -> NodeAssignment:
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
def assign_node(actor: Actor, enterprise: Any, node: ChainNode) -> NodeAssignment:
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
    actor: Actor, supplier: Any, customer: Any, node: ChainNode | None = None, note: str = ""
) -> SupplyLink:
    """Record that `supplier` sells to `customer` (for `node` when given): the supplier is placed on the node with
    evidence «supply relation» (a confirmed or rejected assignment is left as the cadre decided it)."""
    if supplier.pk == customer.pk:
        raise ChainServiceError(_("The supplier and the customer cannot be the same firm"))
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
