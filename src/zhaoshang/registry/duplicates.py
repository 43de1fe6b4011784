"""Probable duplicate firms: detection, merge, dismissal."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import (
    IntegrityError,
    models,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.scoping import visible
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.models import AuditEntry
from zhaoshang.registry.core.names import fuzzy_candidates
from zhaoshang.registry.firms import RegistryError
from zhaoshang.registry.models import DuplicateCandidate, Enterprise

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------- duplicates


def detect_duplicates(actor: Actor, *, threshold: float = 90.0, firms: models.QuerySet | None = None) -> int:
    """Find probable duplicates among the firms the actor may change and add new pairs to the review list.

    Two firms with two different valid credit codes are two legal persons, never duplicates. Pairs already
    decided (merged or dismissed) are not proposed again. Returns the number of new pairs.
    """
    qs = firms if firms is not None else Enterprise.objects.all()
    qs = qs.filter(merged_into__isnull=True)
    if actor is not None:
        qs = visible(actor, qs, "change")
    rows = list(qs.order_by("id").values_list("pk", "name", "uscc"))
    if len(rows) < 2:
        return 0
    pairs = fuzzy_candidates([r[1] for r in rows], threshold)
    known = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    new = []
    for i, j, score in pairs:
        a, b = rows[i], rows[j]
        if a[2] and b[2] and a[2] != b[2]:
            continue
        first, second = (a, b) if a[0] < b[0] else (b, a)
        if (first[0], second[0]) in known:
            continue
        known.add((first[0], second[0]))
        # stored in Chinese with its code and values: the page says it in the reader's language (said_reason)
        params: dict[str, str] = {}
        if first[2] and first[2] == second[2]:
            reason, code = "统一社会信用代码相同", "duplicate_same_uscc"
        elif score >= 100:
            reason, code = "名称规范化后相同", "duplicate_same_normalised_name"
        else:
            reason, code = f"名称相似度{score:.0f}%", "duplicate_similar_name"
            params = {"score": f"{score:.0f}"}
        new.append(
            DuplicateCandidate(
                first_id=first[0],
                second_id=second[0],
                score=score,
                reason=reason,
                reason_code=code,
                reason_params=params,
            )
        )
    DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _require_change(actor: Actor, firm: Enterprise) -> None:
    if actor is None:
        return
    if not visible(actor, Enterprise.objects.filter(pk=firm.pk), "change").exists():
        raise PermissionDenied(_("You may not change this firm"))


_FILLABLE = (
    "uscc",
    "uscc_raw",
    "reg_no",
    "short_name",
    "legal_rep",
    "founded",
    "capital_wan",
    "currency",
    "capital_raw",
    "company_type",
    "status",
    "address",
    "region_code",
    "industry_code",
    "scope",
    "description",
    "employees",
    "revenue_wan",
    "tax_wan",
    "website",
    "listed",
)


@transaction.atomic
def merge_enterprises(
    actor: Actor, keep: Enterprise, drop: Enterprise, *, candidate: DuplicateCandidate | None = None
) -> Enterprise:
    """Merge ``drop`` into ``keep``: every link to ``drop`` moves to ``keep``; ``drop`` stays as a record merged into
    ``keep`` (its history stays readable on ``keep``'s profile); fields ``keep`` lacks are filled from ``drop``.
    """
    if keep.pk == drop.pk:
        raise RegistryError(_("A firm cannot be merged with itself"), "same_firm")
    if drop.merged_into_id or keep.merged_into_id:
        raise RegistryError(_("One of the two firms has already been merged"), "already_merged")
    _require_change(actor, keep)
    _require_change(actor, drop)
    keep = Enterprise.objects.select_for_update().get(pk=keep.pk)
    drop = Enterprise.objects.select_for_update().get(pk=drop.pk)
    if keep.uscc and drop.uscc and keep.uscc != drop.uscc:
        raise RegistryError(
            _(
                "The two firms have different unified social credit codes: they are different legal persons and cannot be merged"
            ),
            "different_codes",
        )

    moved: dict[str, int] = {}
    for relation in Enterprise._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one) or relation.related_model is DuplicateCandidate:
            continue
        model = relation.related_model
        fk = relation.field.name
        if model is Enterprise:  # firms merged into drop earlier now point at keep
            n = Enterprise.objects.filter(merged_into=drop).update(merged_into=keep)
            if n:
                moved["registry.enterprise"] = n
            continue
        for obj in model._default_manager.filter(**{fk: drop}):
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=obj.pk).update(**{fk: keep})
                moved[model._meta.label_lower] = moved.get(model._meta.label_lower, 0) + 1
            except (
                IntegrityError
            ):  # keep already has the same link (e.g. the same chain node): drop's stays on it
                continue
    fill = {}
    for name in _FILLABLE:
        ours, theirs = getattr(keep, name), getattr(drop, name)
        if (ours is None or ours == "") and theirs not in (None, ""):
            fill[name] = theirs
    tags = list(dict.fromkeys([*(keep.tags or []), *(drop.tags or [])]))
    if tags != list(keep.tags or []):
        fill["tags"] = tags
    if "uscc" in fill:
        Enterprise.objects.filter(pk=drop.pk).update(uscc=None)  # the code is unique: free it first
    audit.update(actor, drop, note=f"合并入 #{keep.pk} {keep.name}", merged_into=keep)
    if fill:
        audit.update(actor, keep, note=f"合并 #{drop.pk} {drop.name} 时补充", **fill)
    audit.record(
        actor,
        AuditEntry.Action.MERGE,
        keep,
        {"merged": [None, drop.pk], "links_moved": [None, moved]},
        note=f"合并 #{drop.pk} {drop.name}",
    )
    DuplicateCandidate.objects.filter(
        models.Q(first=drop, second=keep) | models.Q(first=keep, second=drop)
    ).update(
        status=DuplicateCandidate.Status.MERGED,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=timezone.now(),
    )
    # other open pairs of the dropped firm now concern the survivor
    DuplicateCandidate.objects.filter(
        models.Q(first=drop) | models.Q(second=drop), status=DuplicateCandidate.Status.OPEN
    ).update(status=DuplicateCandidate.Status.DISMISSED, decided_at=timezone.now())
    if candidate is not None:
        candidate.refresh_from_db()
    keep.refresh_from_db()
    return keep


@transaction.atomic
def dismiss_duplicate(actor: Actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Mark a pair as two different firms; it is not proposed again."""
    _require_change(actor, candidate.first)
    _require_change(actor, candidate.second)
    audit.update(
        actor,
        candidate,
        note="不是同一企业",
        status=DuplicateCandidate.Status.DISMISSED,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=timezone.now(),
    )
    return candidate
