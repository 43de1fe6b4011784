"""The import engine behind :func:`zhaoshang.registry.services.import_enterprises`.

One pass over the file with the plain-Python core (``core.scan``: read → map headers → validate → in-file
duplicates), in chunks: each chunk's firms are matched against the database in two queries (credit code IN …,
then normalised name IN …), then created (one ``executemany``, ``COPY`` on PostgreSQL) or updated with ``bulk_update``. A writing import
commits in batches of about half a second (:class:`_Segments`), so web and API writes get SQLite's one write
lock between them instead of waiting for the whole import; one writing import runs at a time
(:func:`bulk_db.import_lock`: a second one waits). Every committed batch is complete (rows, audit, full-text
index, the capabilities' work on its firms); an import that stops part-way is resumed to the end by its re-run
(the same upsert: rows already landed count as unchanged). A strict import first reads the whole file and
writes only when no row is rejected; a dry run writes nothing (and on SQLite takes no write lock).

Rules (the issue's, made precise):

* every row read is exactly one of created / updated / unchanged / rejected; ``flagged`` counts the rows that are
  not rejected and carry a warning;
* a row repeating an earlier row of the same file (same code, or same normalised name without a code) is never
  written: the core rejects it when it names another firm, otherwise it counts as unchanged;
* upsert: by credit code; else by normalised name (a firm found by name that has no code yet receives the code);
* an empty cell, or a column the file does not have, never erases what the registry already knows, and the
  ``source``, ``organisation`` and ``import_batch`` of an existing firm never change (they say where it came from);
* an existing firm the actor may not change (another organisation's) is left as it is: unchanged, with a warning;
* the firm's ``flags`` are the warnings of the row that last wrote it, so re-importing the same file finds nothing
  to change, and a corrected file clears them.

Live progress: ``rows_done`` is written with each committed batch; between commits, progress also goes to a
process-local table that the web poller of the same process reads (``live_progress``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit, hooks
from zhaoshang.core.messages import error_message
from zhaoshang.core.models import AuditEntry
from zhaoshang.registry import bulk_db
from zhaoshang.registry.core.errors import HeaderMappingError
from zhaoshang.registry.core.headers import FIELD_LABELS
from zhaoshang.registry.core.rows import FirmRecord, RowIssue, RowOutcome
from zhaoshang.registry.core.scan import scan_file
from zhaoshang.registry.models import Enterprise, ImportBatch, said
from zhaoshang.registry.parks import ImportParks
from zhaoshang.tabular.readers import xlsx_row_count

log = logging.getLogger(__name__)

CHUNK_ROWS = 2000
#: A writing import commits a batch once its transaction has lasted this long (or holds ``COMMIT_ROWS`` rows).
COMMIT_SECONDS = 0.5
COMMIT_ROWS = 10_000
MAX_STORED_ISSUES = 200_000

# Record attribute → model field, for every field an import may write.
RECORD_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("name_key", "name_key"),
    ("uscc", "uscc"),
    ("uscc_raw", "uscc_raw"),
    ("reg_no", "reg_no"),
    ("short_name", "short_name"),
    ("legal_rep", "legal_rep"),
    ("founded", "founded"),
    ("capital_wan", "capital_wan"),
    ("currency", "currency"),
    ("capital_raw", "capital_raw"),
    ("company_type", "company_type"),
    ("status", "status"),
    ("address", "address"),
    ("region_code", "region_code"),
    ("industry_code", "industry_code"),
    ("scope", "scope"),
    ("description", "description"),
    ("employees", "employees"),
    ("revenue", "revenue_wan"),
    ("tax", "tax_wan"),
    ("website", "website"),
    ("tags", "tags"),
    ("listed", "listed"),
    ("above_scale", "above_scale"),
)
UPDATABLE = tuple(f for _, f in RECORD_FIELDS) + ("flags",)
_QUANTUM = {"capital_wan": Decimal("0.0001"), "revenue_wan": Decimal("0.01"), "tax_wan": Decimal("0.01")}
_INDUSTRY = re.compile(r"([A-Ta-t])?\s*(\d{2,4})?")
_TEXT_LIMITS = {
    f.name: f.max_length
    for f in Enterprise._meta.concrete_fields
    if getattr(f, "max_length", None) and f.name in UPDATABLE
}
_FIELD_HEADER = {"revenue_wan": "revenue", "tax_wan": "tax"}


FIELD_TRUNCATED = "field_truncated"
INDUSTRY_CODE_INVALID = "industry_code_invalid"
NOT_YOURS = "firm_of_another_organisation"
SAME_FIRM_AGAIN = "same_firm_again"


@dataclass
class ImportResult:
    """What an import did (or, in a dry run or a refused strict run, would have done)."""

    file_name: str
    dry_run: bool
    strict: bool
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("read", "created", "updated", "unchanged", "rejected", "flagged"), 0
        )
    )
    issues: list[dict[str, Any]] = field(default_factory=list)
    issues_truncated: int = 0
    mapping: dict[str, Any] = field(default_factory=dict)
    refused: bool = False
    batch: ImportBatch | None = None
    message: str = ""
    message_code: str = ""  # the code and params of ``message`` (see ImportBatch.said_message)
    message_params: dict[str, Any] = field(default_factory=dict)

    def said_message(self) -> str:
        return said(self.message, self.message_code, self.message_params)

    @property
    def status(self) -> str:
        if self.refused:
            return ImportBatch.Status.REFUSED
        return ImportBatch.Status.DONE

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts,
            "file": self.file_name,
            "status": str(self.status),
            "dry_run": self.dry_run,
            "strict": self.strict,
            "refused": self.refused,
            "batch": self.batch.pk if self.batch is not None and self.batch.pk else None,
            "columns": self.mapping.get("used", {}),
            "unknown_columns": self.mapping.get("unknown", []),
            "notes": self.mapping.get("notes", []),
            "issues": len(self.issues) + self.issues_truncated,
            "message": self.message,
        }


# --------------------------------------------------------------------------------------------- live progress

_LIVE: dict[int, tuple[int, int]] = {}
_LIVE_LOCK = threading.Lock()


def live_progress(batch_id: int) -> tuple[int, int] | None:
    """(rows done, rows total) of a batch being imported in this process, or None."""
    with _LIVE_LOCK:
        return _LIVE.get(batch_id)


def mark_live(batch_id: int | None, done: int = 0, total: int = 0) -> None:
    """This process runs ``batch_id`` and has done ``done`` of ``total`` rows (the service marks it before the
    first chunk and forgets it when the import ends, however it ends)."""
    if batch_id is None:
        return
    with _LIVE_LOCK:
        _LIVE[batch_id] = (done, total)


def forget_live(batch_id: int | None) -> None:
    """This process no longer runs ``batch_id``."""
    if batch_id is None:
        return
    with _LIVE_LOCK:
        _LIVE.pop(batch_id, None)


# --------------------------------------------------------------------------------------------- helpers


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def estimate_rows(path: Path) -> int:
    """Rows after the header, cheaply: newlines of a CSV, the sheet dimension of an XLSX; 0 when unknown."""
    try:
        if zipfile.is_zipfile(path):
            return max(xlsx_row_count(path) - 1, 0)
        count = 0
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                count += block.count(b"\n")
        return max(count - 1, 0)
    except (OSError, zipfile.BadZipFile, ValueError):
        return 0


def _issue_dict(issue: RowIssue) -> dict[str, Any]:
    return {
        "row": issue.row,
        "column": issue.column or "",
        "raw": issue.raw_value,
        "code": issue.code,
        "message": issue.message_zh,
        "severity": issue.severity,
    }


def _flag(issue: RowIssue) -> dict[str, Any]:
    """A firm's flag: the finding's code and params are kept so that the edge says it in the user's language."""
    found = issue.as_dict()
    flag = {
        "code": issue.code,
        "column": issue.column or "",
        "raw": issue.raw_value,
        "message": issue.message_zh,
    }
    if "params" in found:
        flag["params"] = found["params"]
    return flag


def _header(headers: Mapping[str, str] | None, name: str) -> str:
    core_name = _FIELD_HEADER.get(name, name)
    if headers and core_name in headers:
        return headers[core_name]
    return FIELD_LABELS.get(core_name, name)


def _industry(raw: str) -> str | None:
    text = raw.strip().upper()
    m = _INDUSTRY.fullmatch(text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    return m.group(2) or m.group(1)


_TEXT, _AMOUNT, _TAGS, _INDUSTRY_KIND, _OTHER = range(5)
_TEXT_FIELDS = frozenset(
    f.name for f in Enterprise._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
)


def _kind(name: str) -> int:
    """How ``record_values`` treats a model field: the checks it needs, decided once rather than per row."""
    if name == "tags":
        return _TAGS
    if name in _QUANTUM:
        return _AMOUNT
    if name == "industry_code":
        return _INDUSTRY_KIND
    return _TEXT if name in _TEXT_FIELDS else _OTHER


_PLAN = tuple(
    (attr, name, _kind(name), _TEXT_LIMITS.get(name) or sys.maxsize) for attr, name in RECORD_FIELDS
)


# Record attribute → the mapped fields (columns) it can come from; attributes not listed are always possible.
_SOURCES: dict[str, tuple[str, ...]] = {
    "uscc": ("uscc", "reg_no"),
    "uscc_raw": ("uscc", "reg_no"),
    "reg_no": ("uscc", "reg_no"),
    "capital_wan": ("capital",),
    "currency": ("capital",),
    "capital_raw": ("capital",),
    **{
        a: (a,)
        for a in (
            "short_name",
            "legal_rep",
            "founded",
            "company_type",
            "status",
            "address",
            "industry_code",
            "scope",
            "description",
            "employees",
            "revenue",
            "tax",
            "website",
            "tags",
            "listed",
            "above_scale",
        )
    },
}


def plan_for(fields: Iterable[str]) -> tuple[tuple[str, str, int, int], ...]:
    """The part of the record → model plan a file with these mapped fields can fill (fewer checks per row)."""
    present = set(fields)
    return tuple(p for p in _PLAN if p[0] not in _SOURCES or present.intersection(_SOURCES[p[0]]))


def record_values(
    record: FirmRecord,
    issues: list[RowIssue],
    row: int,
    headers: Mapping[str, str] | None = None,
    plan: tuple[tuple[str, str, int, int], ...] = _PLAN,
) -> dict[str, Any]:
    """The model field values a record carries (empty ones left out), fitted to the columns' limits."""
    values: dict[str, Any] = {}
    for attr, name, kind, limit in plan:
        value = getattr(record, attr)
        if value is None:
            continue
        if kind == _TEXT:
            if not value:
                continue
            if len(value) > limit or "\x00" in value:
                value = _fit_text(value, name, limit, issues, row, headers)
                if not value:
                    continue
        elif kind == _AMOUNT:
            value = (value if value.__class__ is Decimal else Decimal(value)).quantize(_QUANTUM[name])
        elif kind == _TAGS:
            if not value:
                continue
            value = list(value)
        elif kind == _INDUSTRY_KIND:
            code = _industry(value) if value else None
            if code is None:
                if value:
                    issues.append(
                        RowIssue(
                            row,
                            _header(headers, name),
                            value,
                            INDUSTRY_CODE_INVALID,
                            f"行业代码“{value}”不是国民经济行业分类（GB/T 4754）代码，未导入该值",
                            "warning",
                            {"value": value},
                        )
                    )
                continue
            value = code
        values[name] = value
    return values


def _fit_text(
    value: str, name: str, limit: int, issues: list[RowIssue], row: int, headers: Mapping[str, str] | None
) -> str:
    if "\x00" in value:  # PostgreSQL refuses NUL characters in text
        value = value.replace("\x00", "")
    if len(value) <= limit:
        return value
    if name != "name_key":  # the key is derived from the name, whose truncation is reported
        issues.append(
            RowIssue(
                row,
                _header(headers, name),
                value[:50] + "…",
                FIELD_TRUNCATED,
                f"内容过长（{len(value)}字，最多{limit}字），已截断保存",
                "warning",
                {"length": len(value), "limit": limit},
            )
        )
    return value[:limit]


# --------------------------------------------------------------------------------------------- the engine


class _RowWriter:
    """Inserts new firms with one ``executemany`` per chunk.

    ``bulk_create`` instantiates a model and compiles every value through the field machinery for each row, which
    costs more than validating the row; here each field's database adapter is looked up once and text goes as is.
    """

    def __init__(self, *, organisation_id: int, batch_id: int | None, source: str) -> None:
        fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)  # type: ignore[arg-type]  # a concrete field has one
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(Enterprise._meta.db_table),
            columns,
            ", ".join(["%s"] * len(fields)),
        )
        self.copy_sql = f"COPY {quote(Enterprise._meta.db_table)} ({columns}) FROM STDIN"
        now = timezone.now()
        fixed = {
            "organisation_id": organisation_id,
            "import_batch_id": batch_id,
            "merged_into_id": None,
            "source": source,
        }
        self.plan: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        # the connection itself, not the thread-local proxy: each attribute lookup on the proxy costs more than
        # the conversion it leads to
        wrapper = connections[DEFAULT_DB_ALIAS]
        for f in fields:
            text = isinstance(f, models.CharField | models.TextField)
            adapt = None if text else functools.partial(f.get_db_prep_save, connection=wrapper)
            if f.attname in fixed:
                default = fixed[f.attname]
            elif f.name in ("created_at", "updated_at"):
                default = adapt(now)  # type: ignore[misc]  # timestamps are not text
            else:
                value = f.get_default()
                default = value if adapt is None or value is None else adapt(value)
            self.plan.append((f.attname, adapt, default))
        # field name → (position in the row, adapter); defaults for the fields a row does not carry
        self.slots = {name: (i, adapt) for i, (name, adapt, _default) in enumerate(self.plan)}
        self.defaults = [default for _name, _adapt, default in self.plan]

    def row(self, values: dict[str, Any], flags: list[dict[str, Any]]) -> tuple[Any, ...]:
        out = self.defaults.copy()
        slots = self.slots
        for name, value in values.items():
            index, adapt = slots[name]
            out[index] = adapt(value) if adapt is not None and value is not None else value
        if flags:
            index, adapt = slots["flags"]
            out[index] = adapt(flags)  # type: ignore[misc]
        return tuple(out)

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        bulk_db.insert_rows(self.sql, self.copy_sql, rows)


def _ids_where(column: str, values: list[str]) -> list[int]:
    """Ids of the firms whose ``column`` is one of ``values`` (distinct values, one query)."""
    if not values:
        return []
    distinct = list(dict.fromkeys(values))
    sql = 'SELECT "id" FROM "{}" WHERE "{}" IN ({})'.format(
        Enterprise._meta.db_table, column, ", ".join(["%s"] * len(distinct))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, distinct)
        return [row[0] for row in cursor.fetchall()]


class _Importer:
    def __init__(
        self,
        *,
        actor: Actor,
        organisation: Any,
        batch: ImportBatch | None,
        dry_run: bool,
        strict: bool,
        source: str,
        can_change: Callable[[Iterable[int]], set[int]],
        result: ImportResult,
        progress: Callable[[int, int], None] | None,
        total: int,
    ) -> None:
        self.actor = actor
        self.organisation = organisation
        self.batch = batch
        self.writing = not dry_run
        self.strict = strict
        self.source = source
        self.can_change = can_change
        self.result = result
        self.counts = result.counts
        self.progress = progress
        self.total = total
        self.headers: Mapping[str, str] = {}
        self.plan = _PLAN
        self.touched: dict[int, int] = {}  # firm id → the row that wrote or matched it
        self.updated_ids: list[int] = []  # firms this run changed (new ones are found by id after the run)
        # name key → row, of the firms this run creates without a code: a later row naming the same firm with a
        # code must neither create it twice nor overwrite it. (Repeats by code, or by name without a code, are
        # already caught by the file scan's in-file de-duplication; keeping only these keeps memory small.)
        self.created_without_code: dict[str, int] = {}
        self.segments: _Segments | None = (
            None  # the committed batches of a writing import (set by run_import)
        )
        self.writer = _RowWriter(
            organisation_id=organisation.pk,
            batch_id=batch.pk if batch is not None and batch.pk else None,
            source=source,
        )

    # -- issues
    def _keep(self, issues: Iterable[RowIssue]) -> None:
        stored = self.result.issues
        for issue in issues:
            if len(stored) < MAX_STORED_ISSUES:
                stored.append(_issue_dict(issue))
            else:
                self.result.issues_truncated += 1

    def _reject(self, outcome: RowOutcome) -> None:
        self.counts["rejected"] += 1
        self._keep(outcome.issues)
        if self.strict and self.writing:
            self.writing = False  # nothing will land: stop writing, keep reading to report every problem

    def _write(self, chunk: list[tuple[RowOutcome, dict[str, Any], list[RowIssue]]]) -> None:
        if self.segments is None or not self.writing:
            self._chunk(chunk)
            return
        self.segments.open()
        self._chunk(chunk)
        self.segments.after_chunk(len(chunk))

    def run(self, outcomes: Iterable[RowOutcome]) -> None:
        chunk: list[tuple[RowOutcome, dict[str, Any], list[RowIssue]]] = []
        for outcome in outcomes:
            self.counts["read"] += 1
            if outcome.status == "rejected" or outcome.record is None:
                self._reject(outcome)
                continue
            if outcome.duplicate_of is not None:
                self.counts["unchanged"] += 1
                if outcome.status == "flagged":
                    self.counts["flagged"] += 1
                self._keep(outcome.issues)
                continue
            issues = list(outcome.issues)
            values = record_values(outcome.record, issues, outcome.row, self.headers, self.plan)
            chunk.append((outcome, values, issues))
            if len(chunk) >= CHUNK_ROWS:
                self._write(chunk)
                chunk = []
        if chunk:
            self._write(chunk)
        self._progress()

    def _progress(self) -> None:
        if self.progress is not None:
            self.progress(self.counts["read"], max(self.total, self.counts["read"]))

    def _chunk(self, chunk: list[tuple[RowOutcome, dict[str, Any], list[RowIssue]]]) -> None:
        codes = [v["uscc"] for _, v, _ in chunk if "uscc" in v]
        by_code: dict[str, Enterprise] = {}
        # which rows exist is asked in plain SQL (a new file matches nothing, and the ORM's preparation of
        # thousands of IN parameters costs more than the query); only the firms found are loaded as models
        ids = _ids_where("uscc", codes)
        if ids:
            for found in Enterprise.objects.filter(pk__in=ids):
                by_code[found.uscc] = found  # type: ignore[index]
        keys = [v["name_key"] for _, v, _ in chunk if v.get("uscc") not in by_code]
        by_key: dict[str, Enterprise] = {}
        ids = _ids_where("name_key", keys)
        if ids:
            firms = Enterprise.objects.filter(pk__in=ids).order_by(
                F("merged_into").asc(nulls_first=True), "id"
            )
            for found in firms:
                # a firm found by name must not already carry another code than the row's (checked below)
                by_key.setdefault(found.name_key, found)
        survivors = self._survivors([*by_code.values(), *by_key.values()])

        matched: list[tuple[RowOutcome, dict[str, Any], list[RowIssue], Enterprise]] = []
        to_create: list[tuple[Any, ...]] = []
        for outcome, values, issues in chunk:
            earlier_row = self.created_without_code.get(values["name_key"])
            if earlier_row is not None:
                issues.append(
                    RowIssue(
                        outcome.row,
                        None,
                        values["name"],
                        SAME_FIRM_AGAIN,
                        f"与第{earlier_row}行为同一企业，本行未导入，请核对",
                        "warning",
                        {"first": earlier_row},
                    )
                )
                self._unchanged(issues)
                continue
            firm = by_code.get(values.get("uscc"))  # type: ignore[arg-type]
            if firm is None:
                candidate = by_key.get(values["name_key"])
                if candidate is not None and (candidate.uscc is None or "uscc" not in values):
                    firm = candidate
            if firm is not None:
                firm = survivors.get(firm.merged_into_id, firm) if firm.merged_into_id else firm
                matched.append((outcome, values, issues, firm))
            else:
                flags = [_flag(i) for i in issues if i.severity == "warning"]
                if self.writing:
                    to_create.append(self.writer.row(values, flags))
                if not values.get("uscc"):
                    self.created_without_code.setdefault(values["name_key"], outcome.row)
                self.counts["created"] += 1
                if flags:
                    self.counts["flagged"] += 1
                self._keep(issues)

        allowed = self.can_change({firm.pk for *_, firm in matched})
        to_update: list[Enterprise] = []
        changed_fields: set[str] = set()
        entries: list[AuditEntry] = []
        for outcome, values, issues, firm in matched:
            earlier = self.touched.get(firm.pk)
            if earlier is not None:
                issues.append(
                    RowIssue(
                        outcome.row,
                        None,
                        values["name"],
                        SAME_FIRM_AGAIN,
                        f"与第{earlier}行对应名录中的同一企业（{firm.name}），本行未导入，请核对",
                        "warning",
                        {"first": earlier, "firm": firm.name, "kind": "same_listed_firm"},
                    )
                )
                self._unchanged(issues)
                continue
            self.touched[firm.pk] = outcome.row
            if firm.pk not in allowed:
                issues.append(
                    RowIssue(
                        outcome.row,
                        None,
                        values["name"],
                        NOT_YOURS,
                        "该企业已由其他单位登记，您无权修改，本行未导入",  # never name another organisation
                        "warning",
                    )
                )
                self._unchanged(issues)
                continue
            flags = [_flag(i) for i in issues if i.severity == "warning"]
            changes = audit.diff(firm, {**values, "flags": flags})
            if not changes:
                self._unchanged(issues)
                continue
            new = {**values, "flags": flags}
            for name in changes:
                setattr(firm, name, new[name])
            firm.version = (firm.version or 0) + 1  # an edit form opened before this import is now stale
            changed_fields.update(changes)
            to_update.append(firm)
            self.updated_ids.append(firm.pk)
            self.counts["updated"] += 1
            if flags:
                self.counts["flagged"] += 1
            self._keep(issues)
            if self.writing and self.batch is not None:
                entries.append(
                    audit.entry(
                        self.actor,
                        AuditEntry.Action.UPDATE,
                        firm,
                        changes,
                        note=f"导入批次 #{self.batch.pk} 第{outcome.row}行",
                    )
                )

        if self.writing:
            if to_create:
                self.writer.insert(to_create)
            if to_update:
                now = timezone.now()
                for firm in to_update:
                    firm.updated_at = now
                Enterprise.objects.bulk_update(
                    to_update, sorted(changed_fields | {"updated_at", "version"}), batch_size=500
                )
            if entries:
                AuditEntry.objects.bulk_create(entries)
        self._progress()

    def _unchanged(self, issues: list[RowIssue]) -> None:
        self.counts["unchanged"] += 1
        if any(i.severity == "warning" for i in issues):
            self.counts["flagged"] += 1
        self._keep(issues)

    def _survivors(self, firms: list[Enterprise]) -> dict[int, Enterprise]:
        """The firms that merged firms among ``firms`` were merged into (one query, followed to the end)."""
        wanted = {f.merged_into_id for f in firms if f.merged_into_id}
        found: dict[int, Enterprise] = {}
        while wanted:
            batch = {f.pk: f for f in Enterprise.objects.filter(pk__in=wanted)}
            found.update(batch)
            wanted = {
                f.merged_into_id for f in batch.values() if f.merged_into_id and f.merged_into_id not in found
            }
        for pk, firm in list(found.items()):
            seen = {pk}
            while firm.merged_into_id and firm.merged_into_id in found and firm.merged_into_id not in seen:
                seen.add(firm.merged_into_id)
                firm = found[firm.merged_into_id]
            found[pk] = firm
        return found


class _Segments:
    """The committed batches of a writing import: a transaction is opened before a chunk is written and committed
    once it has lasted ``COMMIT_SECONDS`` (or holds ``COMMIT_ROWS`` rows), so other writers (the web, the API) wait
    at most about that long for SQLite's one write lock instead of the whole import.

    Each batch is complete when it commits: its rows, their audit entries, their full-text index entries and what
    the registered capabilities do with its new and changed firms (:func:`hooks.run_firms_changed`), and the
    batch's progress (``rows_done``, visible to every process). An import that stops part-way (error, kill) leaves
    whole batches only; its re-run goes through the same upsert, so the rows already landed count as unchanged and
    the rest land: it resumes to the end.
    """

    def __init__(
        self, importer: _Importer, *, actor: Actor, expected_rows: int, beat: Callable[[], None] | None
    ) -> None:
        self.importer = importer
        self.actor = actor
        self.expected_rows = expected_rows
        self.beat = beat
        self._stack: ExitStack | None = None
        self._started = 0.0
        self._rows = 0
        self._before = 0
        self._updated_from = 0
        self._committed_at: float | None = None  # when the last batch let go of the write lock
        self.commits = 0

    def open(self) -> None:
        if self._stack is not None:
            return
        if self._committed_at is not None:
            bulk_db.let_writers_in(self._committed_at)
        stack = ExitStack()
        stack.enter_context(transaction.atomic())
        try:
            stack.enter_context(bulk_db.segment(self.expected_rows))
            self._before = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        except BaseException:
            stack.__exit__(*sys.exc_info())
            raise
        self._stack = stack
        self._started = time.monotonic()
        self._rows = 0
        self._updated_from = len(self.importer.updated_ids)

    def after_chunk(self, rows: int) -> None:
        self._rows += rows
        if time.monotonic() - self._started >= COMMIT_SECONDS or self._rows >= COMMIT_ROWS:
            self.commit()

    def commit(self) -> None:
        stack = self._stack
        if stack is None:
            return
        try:
            importer = self.importer
            # the registered capabilities (chains: place the firms on chain nodes) see this batch's new and
            # changed firms in its transaction: what is committed is complete
            new_ids = list(
                Enterprise.objects.filter(pk__gt=self._before).order_by("pk").values_list("pk", flat=True)
            )
            changed = [*new_ids, *importer.updated_ids[self._updated_from :]]
            if changed:
                beat = self.beat
                hooks.run_firms_changed(
                    self.actor, changed, (lambda _done, _of: beat()) if beat is not None else None
                )
            batch = importer.batch
            if batch is not None and batch.pk:
                ImportBatch.objects.filter(pk=batch.pk).update(
                    rows_done=importer.counts["read"], heartbeat_at=timezone.now()
                )
        except BaseException:
            self._stack = None
            stack.__exit__(*sys.exc_info())
            raise
        self._stack = None
        stack.close()  # commits
        self.commits += 1
        self._committed_at = time.monotonic()

    def abort(self) -> None:
        """Roll back the open batch (called while an exception propagates)."""
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.__exit__(*sys.exc_info())


def _rejected_rows(
    path: Path,
    mapping: Mapping[str, str | None] | None,
    region_lookup: Callable[[str], str | None] | None,
    today: date | None,
) -> int:
    """How many rows of the file the core rejects (a strict import's first pass: it writes only a clean file)."""
    scan = scan_file(path, overrides=mapping, region_lookup=region_lookup, today=today)
    return sum(1 for o in scan.outcomes if o.status == "rejected" or o.record is None)


@contextmanager
def _reading_only() -> Iterator[None]:
    """A dry run (or a strict import refused by its first pass) writes nothing. On SQLite it runs without a
    transaction, which would take the one write lock (BEGIN IMMEDIATE) for its whole length; elsewhere in one
    transaction rolled back at the end, with the planner settings of an import."""
    if connection.vendor == "sqlite":
        yield
        return
    with transaction.atomic():
        with bulk_db.segment(0):
            yield
        transaction.set_rollback(True)


def run_import(
    *,
    actor: Actor,
    path: Path,
    organisation: Any,
    dry_run: bool,
    strict: bool,
    mapping: Mapping[str, str | None] | None,
    progress: Callable[[int, int], None] | None,
    batch: ImportBatch | None,
    source: str,
    can_change: Callable[[Iterable[int]], set[int]],
    region_lookup: Callable[[str], str | None] | None,
    today: date | None = None,
    heartbeat: Callable[[], None] | None = None,
) -> ImportResult:
    """Scan ``path`` and write its firms (see the module documentation). Raises RegistryCoreError subclasses
    (:class:`bulk_db.ImportBusyError` when another import held the registry too long).

    ``heartbeat`` is called after every chunk (every ``CHUNK_ROWS`` rows) and while waiting for another import:
    the sign of life that tells another process this import still runs.
    """
    result = ImportResult(file_name=path.name, dry_run=dry_run, strict=strict, batch=batch)
    try:
        scan = scan_file(path, overrides=mapping, region_lookup=region_lookup, today=today)
    except HeaderMappingError as exc:  # say which file: the CLI and the batch page show only this line
        raise HeaderMappingError(
            _("File “%(name)s”: %(error)s") % {"name": path.name, "error": error_message(exc)},
            code=exc.code,
            **exc.params,
        ) from exc
    m = scan.mapping
    result.mapping = {
        "header_row": scan.header_row,
        "used": {FIELD_LABELS[f]: h for f, h in m.used_columns.items()},
        "fields": dict(m.used_columns),
        "alternates": {FIELD_LABELS[f]: [m.header_of(i) for i in cols] for f, cols in m.alternates.items()},
        "unknown": [h or f"第{i + 1}列" for i, h in m.unknown],
        "unknown_at": [[i + 1, h] for i, h in m.unknown],  # (number, header), for the edge to say them
        "ignored": [h for _, h in m.ignored],
        "notes": list(m.notes),
        "note_codes": [{"code": n.code, "params": dict(n.params)} for n in m.coded_notes],
        "overrides": dict(mapping or {}),
    }
    total = estimate_rows(path)
    batch_id = batch.pk if batch is not None else None

    def report(done: int, of: int) -> None:
        mark_live(batch_id, done, of)
        if heartbeat is not None:
            heartbeat()
        if progress is not None:
            progress(done, of)

    # a strict import lands a clean file only: its first pass finds whether any row is rejected, and a file with
    # one is then only read (as a dry run) to report every problem — nothing is written, nothing to undo
    refused_first = strict and not dry_run and _rejected_rows(path, mapping, region_lookup, today) > 0
    importer = _Importer(
        actor=actor,
        organisation=organisation,
        batch=batch,
        dry_run=dry_run or refused_first,
        strict=strict,
        source=source,
        can_change=can_change,
        result=result,
        progress=report,
        total=total,
    )
    importer.headers = m.used_columns
    importer.plan = plan_for(m.fields)
    # the 园区 column (registry.parks.ImportParks): names checked per row, parks set once the rows are in
    parks = ImportParks(m.header_of(m.fields["park"])) if "park" in m.fields else None
    outcomes = parks.resolve(scan.outcomes) if parks is not None else scan.outcomes
    if dry_run or refused_first:
        with _reading_only():
            importer.run(outcomes)
    else:
        with bulk_db.import_lock(heartbeat), bulk_db.bulk_connection(total):
            before = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            segments = _Segments(importer, actor=actor, expected_rows=total, beat=heartbeat)
            importer.segments = segments
            try:
                importer.run(outcomes)
                segments.commit()
            except BaseException:
                segments.abort()
                raise
            if (
                parks is not None
            ):  # after the last batch: a re-run that resumes applies them again, harmlessly
                with transaction.atomic():
                    written = set(Enterprise.objects.filter(pk__gt=before).values_list("pk", flat=True))
                    parks.apply(actor, written | can_change(set(importer.touched)))
            if batch is not None and batch.pk:
                c = result.counts
                with transaction.atomic():
                    audit.record(
                        actor,
                        AuditEntry.Action.IMPORT,
                        batch,
                        {
                            k: [None, c[k]]
                            for k in ("read", "created", "updated", "unchanged", "rejected", "flagged")
                        },
                        note=f"导入 {path.name}：新增{c['created']}家（本批次创建的企业可按导入批次查到）",
                    )
    if strict and result.counts["rejected"]:
        result.refused = True
        result.message = f"严格模式：有{result.counts['rejected']}行被拒绝，本次导入未写入任何数据"
        result.message_code, result.message_params = (
            "import_strict_refused",
            {"rejected": result.counts["rejected"]},
        )
    if dry_run and not result.message:
        result.message = "试运行：仅检查，未写入任何数据"
        result.message_code = "import_dry_run"
    return result
