"""Optimistic locking: an edit made on a stale copy of a record is refused, never silently written over another.

A versioned model has ``version`` (a nullable integer: NULL counts as 0, so adding the column to a big table rewrites
nothing). A form or an API call carries the version it read; the service calls :func:`claim_version` inside its
transaction, which moves the version on only if it is still the one read (one conditional UPDATE: two editors cannot
both win). The loser gets :class:`StaleEdit` — "已被他人修改" with what the others changed, from the audit log —
shown by the web as the form's error and by the API as 409 Conflict.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from zhaoshang.core.errors import DomainError


class StaleEdit(DomainError):
    """The record changed since the editor read it."""

    code = "edited_by_someone_else"

    def __init__(self, changes: list[dict[str, Any]]) -> None:
        self.changes = changes
        #: the model fields the others changed
        self.fields = sorted({name for entry in changes for name in entry.get("names", ())})
        parts = []
        for entry in changes:
            fields = "、".join(
                f"{name}：{before} → {after}" for name, (before, after) in entry["fields"].items()
            )
            parts.append(f"{entry['by'] or '系统'}（{entry['at']}）{fields or '修改了记录'}")
        detail = "；".join(parts)
        super().__init__(f"已被他人修改，请查看最新内容后重新填写。{detail}", changes=changes)


def claim_version(instance: models.Model, expected: int | None) -> int:
    """Move ``instance``'s version on by one; with ``expected`` (the version the editor read), only if unchanged.

    Returns the new version (also set on ``instance``). Call inside the service's transaction.
    """
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected is None:
        rows.update(version=Coalesce(F("version"), Value(0)) + 1)
    else:
        expected = int(expected)
        same = Q(version=expected) | Q(version__isnull=True) if expected == 0 else Q(version=expected)
        if not rows.filter(same).update(version=expected + 1):
            current = rows.values_list("version", flat=True).first() or 0
            raise StaleEdit(changes_since(instance, max(current - expected, 1)))
    instance.version = rows.values_list("version", flat=True).first()  # type: ignore[attr-defined]
    return instance.version  # type: ignore[attr-defined]


def changes_since(instance: models.Model, count: int) -> list[dict[str, Any]]:
    """The last ``count`` audited changes of ``instance`` (who, when, which fields from what to what)."""
    from django.utils import timezone

    from zhaoshang.core.models import AuditEntry

    label = f"{instance._meta.app_label}.{instance._meta.model_name}"
    entries = AuditEntry.objects.filter(model=label, object_id=str(instance.pk), action="update").order_by(
        "-id"
    )[:count]
    verbose = {f.name: str(f.verbose_name) for f in instance._meta.get_fields() if hasattr(f, "verbose_name")}
    out = []
    for e in reversed(list(entries)):
        fields = {
            verbose.get(name, name): tuple(pair)
            if isinstance(pair, list | tuple) and len(pair) == 2
            else (None, pair)
            for name, pair in (e.changes or {}).items()
        }
        out.append(
            {
                "by": e.actor_name,
                "at": f"{timezone.localtime(e.at):%Y-%m-%d %H:%M}",
                "fields": fields,
                "names": sorted(e.changes or {}),
            }
        )
    return out
