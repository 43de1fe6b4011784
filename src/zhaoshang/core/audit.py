"""Recording changes: services call these instead of saving models directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction

from zhaoshang.core.models import AuditEntry

M = TypeVar("M", bound=models.Model)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def entry(
    actor: Any, action: str, instance: models.Model, changes: dict | None = None, note: str = ""
) -> AuditEntry:
    """An unsaved entry (for bulk_create by imports)."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "username", "") or "system") if actor is not None else "system",
        action=action,
        model=_label(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=_jsonable(changes or {}),
        note=note[:255],
    )


def record(
    actor: Any, action: str, instance: models.Model, changes: dict | None = None, note: str = ""
) -> AuditEntry:
    item = entry(actor, action, instance, changes, note)
    item.save()
    return item


def field_values(instance: models.Model) -> dict[str, Any]:
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        values[field.name] = getattr(instance, field.attname)
    return values


@transaction.atomic
def create(actor: Any, model: type[M], **fields: Any) -> M:
    instance = model(**fields)
    instance.full_clean()
    instance.save()
    record(
        actor,
        AuditEntry.Action.CREATE,
        instance,
        {k: [None, v] for k, v in field_values(instance).items() if v not in (None, "")},
    )
    return instance


def diff(instance: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Which of `fields` would change, as {field: [old, new]}."""
    changed: dict[str, list[Any]] = {}
    for name, new in fields.items():
        field = instance._meta.get_field(name)
        old = getattr(instance, field.attname if field.is_relation else name)
        new_cmp = new.pk if isinstance(new, models.Model) else new
        if old != new_cmp:
            changed[name] = [old, new_cmp]
    return changed


@transaction.atomic
def update(actor: Any, instance: M, note: str = "", **fields: Any) -> dict[str, list[Any]]:
    changed = diff(instance, fields)
    if not changed:
        return {}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    touched = [instance._meta.get_field(n).name for n in changed]
    # auto_now fields (updated_at) move on every edit, although nobody typed them
    touched += [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=touched)
    record(actor, AuditEntry.Action.UPDATE, instance, changed, note)
    return changed


@transaction.atomic
def delete(actor: Any, instance: models.Model, note: str = "") -> None:
    snapshot = {k: [v, None] for k, v in field_values(instance).items() if v not in (None, "")}
    pk = instance.pk
    record(actor, AuditEntry.Action.DELETE, instance, snapshot, note)
    instance.delete()
    instance.pk = pk
