"""Import of the city's 12345 export (XLSX / CSV): idempotent by 工单编号, row-numbered issues, all or nothing.

An imported row is kept as the export states it: 响应时间 is the first response, 办结时间 + 是否解决 the closing,
满意度 the rating (an imported 不满意 is counted, not reopened), 办理时限 overrides the category's limit. An unknown
承办单位 becomes a department under the city flagged for an administrator to confirm; an unknown firm becomes a
registry record flagged for review.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message
from zhaoshang.core.models import AuditEntry
from zhaoshang.registry.core import uscc as uscc_core
from zhaoshang.service.core import values
from zhaoshang.service.core.headers import LABELS, REQUIRED, map_headers
from zhaoshang.service.models import Appeal, Category, DepartmentReview
from zhaoshang.service.services import (
    ALPHABET,
    ServiceError,
    city_root,
    default_receiver,
    ensure_categories,
    working_calendar,
)
from zhaoshang.tabular import open_table

log = logging.getLogger(__name__)

SOURCE = "12345工单导入"
CHUNK = 2000
COMPARED = (
    "received_at",
    "firm_name",
    "firm_uscc",
    "enterprise_id",
    "firm_org_id",
    "category_id",
    "category_text",
    "title",
    "content",
    "department_id",
    "department_text",
    "urgent",
    "contact",
    "phone",
    "reply",
    "status",
    "response_days",
    "handling_days",
    "response_due",
    "handling_due",
    "first_response_at",
    "responded_in_time",
    "closed_at",
    "closed_on_time",
    "days_to_close",
    "result",
    "satisfaction",
)


@dataclass
class ImportResult:
    file_name: str
    dry_run: bool
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "read",
                "created",
                "updated",
                "unchanged",
                "rejected",
                "flagged",
                "departments_created",
                "firms_created",
            ),
            0,
        )
    )
    issues: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts,
            "file": self.file_name,
            "dry_run": self.dry_run,
            "columns": self.columns,
            "unknown_columns": self.unknown_columns,
            "issues": self.issues[:1000],
            "issue_count": len(self.issues),
        }


class _DryRun(Exception):
    pass


def _issue(
    row: int,
    column: str,
    raw: Any,
    message: str,
    code: str,
    severity: str = "error",
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    found = {
        "row": row,
        "column": column,
        "raw": "" if raw is None else str(raw)[:200],
        "code": code,
        "message": f"第{row}行 {column}：{message}" if column else f"第{row}行：{message}",
        "severity": severity,
    }
    if params:  # what the message says beyond row/column/raw, for the edge to say it in another language
        found["params"] = params
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return uscc_core.cell_text(value).strip() if not isinstance(value, str) else value.strip()


def _org_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


class _Departments:
    """承办单位 text → organisation: by name (with or without the city's name in front) or code; else created."""

    def __init__(self, actor: Actor, root: Organisation) -> None:
        self.actor, self.root = actor, root
        self.by_key: dict[str, Organisation] = {}
        prefixes = [
            p
            for p in {_org_key(root.name).split("人民政府")[0].split("（")[0], _org_key(root.name)[:2] + "市"}
            if p
        ]
        self.prefixes = sorted(prefixes, key=len, reverse=True)
        for org in Organisation.objects.all():
            for key in (_org_key(org.name), self._strip(_org_key(org.name)), org.code):
                self.by_key.setdefault(key, org)
        self.created = 0
        # departments an administrator merged into another: their name routes to the other
        self.merged = {
            r.organisation_id: r.merged_into
            for r in DepartmentReview.objects.filter(merged_into__isnull=False).select_related("merged_into")
        }

    def _strip(self, key: str) -> str:
        for prefix in self.prefixes:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                return key[len(prefix) :]
        return key

    def get(self, text: str) -> Organisation | None:
        if not text:
            return None
        key = _org_key(text)
        org = self.by_key.get(key) or self.by_key.get(self._strip(key))
        if org is None:
            code = "svc-" + hashlib.sha1(key.encode()).hexdigest()[:12]
            org = Organisation.objects.filter(code=code).first()
            if org is None:
                org = audit.create(
                    self.actor,
                    Organisation,
                    code=code,
                    name=text[:200],
                    kind=Organisation.Kind.DEPARTMENT,
                    parent=self.root,
                    region_code=self.root.region_code,
                )
                self.created += 1
            DepartmentReview.objects.get_or_create(organisation=org, defaults={"name_as_written": text[:200]})
            self.by_key[key] = org
        return self.merged.get(org.pk, org)


def import_appeals(
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    receiving_org: Organisation | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a 12345 export; returns what was (or, in a dry run, would have been) done."""
    path = Path(path)
    try:
        table = open_table(path)
    except (DomainError, OSError) as exc:
        raise ServiceError(error_message(exc), code="file_unreadable") from None
    columns, unknown = map_headers(table.header)
    missing = [LABELS[f] for f in REQUIRED if f not in columns]
    if "firm_name" not in columns and "uscc" not in columns:
        missing.append(_("企业名称 or 统一社会信用代码"))
    if missing:
        raise ServiceError(
            _("The file lacks the required columns: %(missing)s (its header: %(header)s)")
            % {"missing": "、".join(missing), "header": "、".join(table.header)},
            code="header_mapping",
        )
    result = ImportResult(file_name=path.name, dry_run=dry_run)
    result.columns = {f: table.header[i] for f, i in columns.items()}
    result.unknown_columns = unknown
    try:
        with transaction.atomic():
            _Run(actor, result, columns, receiving_org, progress).run(table.rows)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


class _Run:
    def __init__(self, actor, result, columns, receiving_org, progress) -> None:
        self.actor, self.result, self.columns, self.progress = actor, result, columns, progress
        self.root = city_root()
        self.receiving_org = receiving_org or default_receiver()
        self.calendar = working_calendar()
        self._due: dict[tuple[date, int], date] = {}
        ensure_categories(actor)
        self.categories = list(Category.objects.all())
        self.other = next((c for c in self.categories if c.code == "other"), None)
        self.departments = _Departments(actor, self.root)

    def due(self, start: date, days: int) -> date:
        key = (start, days)
        if key not in self._due:
            self._due[key] = self.calendar.add_working_days(start, days)
        return self._due[key]

    def category(self, text: str) -> Category | None:
        if not text:
            return None
        for cat in self.categories:
            if text in (cat.name, cat.code):
                return cat
        for cat in sorted(self.categories, key=lambda c: -len(c.name)):
            if cat.name in text or text in cat.name:
                return cat
        return self.other

    # -------------------------------------------------------------------------------------------- parse

    def parse(self, number: int, cells: list[Any]) -> dict[str, Any] | None:
        issues: list[dict[str, Any]] = []
        cols = self.columns

        def cell(name: str) -> Any:
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        def header(name: str) -> str:
            return self.result.columns.get(name, LABELS[name])

        def parse(name: str, fn: Callable[[Any], Any]) -> Any:
            raw = cell(name)
            try:
                return fn(raw)
            except values.ValueProblem as exc:
                # one finding code; the core's code is its kind, so that the edge says the precise reason
                params = {"kind": exc.code, **{k: str(v) for k, v in exc.params.items()}}
                issues.append(_issue(number, header(name), raw, str(exc), "value_unreadable", params=params))
                return None

        ticket = _text(cell("ticket"))
        if not ticket:
            issues.append(_issue(number, header("ticket"), "", "缺少工单编号", "ticket_missing"))
        received = parse("received_at", values.parse_datetime)
        if received is None and not any(i["column"] == header("received_at") for i in issues):
            issues.append(_issue(number, header("received_at"), "", "缺少受理时间", "received_missing"))
        firm_name, code_raw = _text(cell("firm_name")), _text(cell("uscc"))
        if not firm_name and not code_raw:
            issues.append(
                _issue(
                    number,
                    header("firm_name") if "firm_name" in cols else header("uscc"),
                    "",
                    "缺少企业名称和统一社会信用代码",
                    "firm_missing",
                )
            )
        responded = parse("responded_at", values.parse_datetime)
        closed = parse("closed_at", values.parse_datetime)
        result = parse("result", values.parse_result)
        satisfaction = parse("satisfaction", values.parse_satisfaction)
        limit = parse("limit", values.parse_limit)
        if received is not None:
            if responded is not None and responded < received - timedelta(minutes=1):
                issues.append(
                    _issue(
                        number,
                        header("responded_at"),
                        cell("responded_at"),
                        "响应时间早于受理时间",
                        "response_before_receipt",
                    )
                )
            if closed is not None and closed < received - timedelta(minutes=1):
                issues.append(
                    _issue(
                        number,
                        header("closed_at"),
                        cell("closed_at"),
                        "办结时间早于受理时间",
                        "closed_before_receipt",
                    )
                )
            if limit is not None and limit.due is not None and limit.due < received.date():
                issues.append(
                    _issue(
                        number, header("limit"), cell("limit"), "办理时限早于受理日期", "limit_before_receipt"
                    )
                )
        if any(i["severity"] == "error" for i in issues):
            self.result.issues.extend(issues)
            return None
        warnings: list[dict[str, Any]] = []
        code = uscc_core.normalise(code_raw) if code_raw else ""
        if code and not uscc_core.is_valid(code):
            warnings.append(
                _issue(
                    number,
                    header("uscc"),
                    code_raw,
                    "统一社会信用代码校验不通过，按企业名称关联",
                    "uscc_invalid",
                    "warning",
                )
            )
            code = ""
        if result is not None and closed is None:
            warnings.append(
                _issue(
                    number,
                    header("result"),
                    cell("result"),
                    "有是否解决但没有办结时间，按未办结处理",
                    "result_without_closing",
                    "warning",
                )
            )
        if not _text(cell("content")):
            warnings.append(
                _issue(number, LABELS["content"], "", "诉求内容为空", "content_missing", "warning")
            )
        return {
            "row": number,
            "ticket": ticket[:64],
            "received": received,
            "firm_name": firm_name[:255],
            "code": code,
            "code_raw": code_raw[:64],
            "category_text": _text(cell("category"))[:100],
            "title": _text(cell("title"))[:200],
            "content": _text(cell("content")),
            "department_text": _text(cell("department"))[:200],
            "responded": responded,
            "closed": closed,
            "result": result,
            "satisfaction": satisfaction,
            "limit": limit,
            "contact": _text(cell("contact"))[:100],
            "phone": _text(cell("phone"))[:32],
            "reply": _text(cell("reply")),
            "urgent": values.parse_urgent(cell("urgency")),
            "warnings": warnings,
        }

    # -------------------------------------------------------------------------------------------- run

    def run(self, rows) -> None:
        records: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        counts = self.result.counts
        for number, cells in rows:
            counts["read"] += 1
            record = self.parse(number, cells)
            if record is not None and record["ticket"] in seen:
                self.result.issues.append(
                    _issue(
                        number,
                        self.result.columns.get("ticket", "工单编号"),
                        record["ticket"],
                        f"工单编号与第{seen[record['ticket']]}行重复",
                        "ticket_duplicate",
                        "error",
                        {"first": seen[record["ticket"]]},
                    )
                )
                record = None
            if record is None:
                counts["rejected"] += 1
                continue
            seen[record["ticket"]] = number
            records.append(record)
            if self.progress and counts["read"] % 1000 == 0:
                self.progress(counts["read"], 0)
        from zhaoshang.registry.models import Enterprise
        from zhaoshang.registry.services import ensure_enterprises

        before = Enterprise.objects.count()
        firms = ensure_enterprises(
            self.actor,
            {(r["firm_name"], r["code"] or r["code_raw"]) for r in records},
            self.root,
            source=SOURCE,
        )
        counts["firms_created"] = Enterprise.objects.count() - before
        for start in range(0, len(records), CHUNK):
            self._write(records[start : start + CHUNK], firms)
            if self.progress:
                self.progress(min(start + CHUNK, len(records)), len(records))
        counts["departments_created"] = self.departments.created

    def values_for(self, r: dict[str, Any], firms) -> dict[str, Any]:
        received = timezone.make_aware(r["received"])
        received_date = r["received"].date()
        category = self.category(r["category_text"])
        response_days = category.response_days if category else 1
        handling_days = (
            (category.urgent_handling_days if r["urgent"] else category.handling_days)
            if category
            else (2 if r["urgent"] else 5)
        )
        limit = r["limit"]
        if limit is not None and limit.due is not None:
            handling_due = limit.due
            handling_days = self.calendar.working_days_between(received_date, handling_due)
        elif limit is not None and limit.calendar_days:
            handling_due = received_date + timedelta(days=limit.days or 0)
            handling_days = self.calendar.working_days_between(received_date, handling_due)
        elif limit is not None and limit.days is not None:
            handling_days = limit.days
            handling_due = self.due(received_date, handling_days)
        else:
            handling_due = self.due(received_date, handling_days)
        response_due = self.due(received_date, response_days)
        firm = firms.get((r["firm_name"], r["code"] or r["code_raw"]))
        department = self.departments.get(r["department_text"])
        responded = timezone.make_aware(r["responded"]) if r["responded"] else None
        closed = timezone.make_aware(r["closed"]) if r["closed"] else None
        if closed is not None:
            status = Appeal.Status.CLOSED
        elif responded is not None:
            status = Appeal.Status.ACCEPTED
        elif department is not None:
            status = Appeal.Status.ASSIGNED
        else:
            status = Appeal.Status.RECEIVED
        return {
            "received_at": received,
            "received_date": received_date,
            "firm_name": r["firm_name"] or (firm.name if firm else ""),
            "firm_uscc": r["code_raw"],
            "enterprise_id": firm.pk if firm else None,
            "firm_org_id": firm.organisation_id if firm else None,
            "category_id": category.pk if category else None,
            "category_text": r["category_text"],
            "title": r["title"],
            "content": r["content"],
            "department_id": department.pk if department else None,
            "department_text": r["department_text"],
            "urgent": r["urgent"],
            "contact": r["contact"],
            "phone": r["phone"],
            "reply": r["reply"],
            "status": status,
            "response_days": response_days,
            "handling_days": handling_days,
            "response_due": response_due,
            "handling_due": handling_due,
            "first_response_at": responded,
            "responded_in_time": bool(responded and r["responded"].date() <= response_due),
            "closed_at": closed,
            "closed_on_time": bool(closed and r["closed"].date() <= handling_due),
            "days_to_close": (r["closed"].date() - received_date).days if closed else None,
            "result": (r["result"] or "") if closed else "",
            "satisfaction": r["satisfaction"] or "",
        }

    def _write(self, chunk: list[dict[str, Any]], firms) -> None:
        counts = self.result.counts
        existing = {
            row[0]: row[1:]
            for row in Appeal.objects.filter(ticket__in=[r["ticket"] for r in chunk]).values_list(
                "ticket", "id", "personal_data_erased", *COMPARED
            )
        }
        now = timezone.now()
        to_create: list[dict[str, Any]] = []
        to_update: list[tuple[int, dict[str, Any]]] = []
        changes: list[tuple[int, str, dict[str, Any]]] = []
        for r in chunk:
            vals = self.values_for(r, firms)
            if r["warnings"]:
                counts["flagged"] += 1
                self.result.issues.extend(r["warnings"])
            flags = [{"code": w["code"], "message": w["message"]} for w in r["warnings"]]
            found = existing.get(r["ticket"])
            if found is None:
                to_create.append(
                    {
                        **vals,
                        "ticket": r["ticket"],
                        "tracking_code": _code(),
                        "channel": Appeal.Channel.HOTLINE,
                        "receiving_org_id": self.receiving_org.pk,
                        "flags": flags,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            pk, erased, old = found[0], found[1], dict(zip(COMPARED, found[2:], strict=True))
            if erased:
                vals["contact"], vals["phone"] = old["contact"], old["phone"]
            diff = {k: [old[k], vals[k]] for k in COMPARED if old[k] != vals[k]}
            if not diff:
                counts["unchanged"] += 1
                continue
            to_update.append((pk, {**vals, "flags": flags, "updated_at": now}))
            changes.append((pk, r["ticket"], diff))
        if to_create:
            _insert(Appeal, to_create)
            ids = dict(
                Appeal.objects.filter(ticket__in=[a["ticket"] for a in to_create]).values_list("ticket", "id")
            )
            changes += [(ids[a["ticket"]], a["ticket"], {"ticket": [None, a["ticket"]]}) for a in to_create]
            counts["created"] += len(to_create)
        if to_update:
            _update(Appeal, to_update)
            counts["updated"] += len(to_update)
        actor = self.actor if getattr(self.actor, "pk", None) else None
        _insert(
            AuditEntry,
            [
                {
                    "at": now,
                    "actor_id": actor.pk if actor else None,
                    "actor_name": getattr(actor, "username", "") or "system",
                    "action": AuditEntry.Action.IMPORT,
                    "model": "service.appeal",
                    "object_id": str(pk),
                    "object_repr": ticket,
                    "changes": audit._jsonable(diff),
                    "note": SOURCE,
                }
                for pk, ticket, diff in changes
            ],
        )


def _adapters(model) -> list[tuple[str, str, Any]]:
    """(attname, column, adapt) per concrete column but the primary key: values go to the database as the ORM
    would send them, without building model instances (an import writes 100,000 rows)."""
    from django.db import connection, models

    ops = connection.ops
    out = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            adapt = ops.adapt_datefield_value
        elif isinstance(f, models.JSONField):
            adapt = (lambda field: lambda v: field.get_db_prep_save(v, connection))(f)
        else:
            adapt = None
        out.append((f.attname, f.column, adapt))
    return out


def _defaults(model) -> dict[str, Any]:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}


def _row(adapters, defaults, values: dict[str, Any]) -> list[Any]:
    out = []
    for attname, _column, adapt in adapters:
        v = values[attname] if attname in values else defaults[attname]
        out.append(adapt(v) if adapt is not None and v is not None else v)
    return out


def _insert(model, rows: list[dict[str, Any]]) -> None:
    from django.db import connection

    if not rows:
        return
    adapters, defaults = _adapters(model), _defaults(model)
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for _a, c, _f in adapters)}) "
        f"VALUES ({', '.join(['%s'] * len(adapters))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, [_row(adapters, defaults, r) for r in rows[start : start + 1000]])


def _update(model, rows: list[tuple[int, dict[str, Any]]]) -> None:
    from django.db import connection

    adapters = [a for a in _adapters(model) if a[0] in rows[0][1]]
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(c)} = %s' for _a, c, _f in adapters)} "
        f"WHERE {qn(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*_row(adapters, {}, values), pk] for pk, values in rows])


def _code() -> str:
    raw = secrets.token_bytes(10)
    return "".join(ALPHABET[b % len(ALPHABET)] for b in raw)


# ------------------------------------------------------------------------------------------------ web runs
#
# The web page saves the upload under MEDIA_ROOT/service_imports/<run>/ and imports it in a daemon thread (the
# registry's pattern). The import is one transaction, so its row writes (and a progress count written through its
# connection) stay invisible to the page until the end; on SQLite another connection could not even write. The
# progress therefore lives in this process (``live_progress``), which the page polls; the run's record is written
# when the import has ended. A run that is neither live here nor finished and has shown no sign of life for
# ``STALE_SECONDS`` died with its server process: it is *interrupted*, has written nothing (one transaction), and
# can be re-run over its saved file — re-running is always safe, the import being idempotent by 工单编号.

_LIVE: dict[int, tuple[int, int]] = {}
_LIVE_LOCK = threading.Lock()
STALE_SECONDS = 120
MAX_STORED_ISSUES = 5000


def live_progress(run_id: int) -> tuple[int, int] | None:
    """(rows done, rows total) of a run this process is importing now, or None."""
    with _LIVE_LOCK:
        return _LIVE.get(run_id)


def run_dir(run: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / "service_imports" / str(run.pk)


def run_file(run: Any) -> Path:
    return run_dir(run) / (Path(run.file_name).name or "upload")


def start_web_import(
    actor: Actor, upload: Any, file_name: str, *, dry_run: bool = False, background: bool | None = None
) -> Any:
    """Save the upload and import it (in a background thread unless ``SERVICE_IMPORT_IN_BACKGROUND`` is False)."""
    from zhaoshang.service.models import ImportRun

    organisation = getattr(actor, "organisation", None) or default_receiver()
    safe = Path(file_name or "").name.replace("\x00", "")[:200] or "upload.xlsx"
    run = ImportRun.objects.create(
        created_by=actor,
        organisation=organisation,
        file_name=safe,
        dry_run=dry_run,
        heartbeat_at=timezone.now(),
    )
    target = run_file(run)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for block in (
            upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        ):
            out.write(block)
    audit.record(actor, "create", run, {"file_name": [None, safe], "dry_run": [None, dry_run]})
    _launch(run, actor, background=background)
    return run


def _launch(run: Any, actor: Actor, *, background: bool | None) -> None:
    if background is None:
        background = getattr(settings, "SERVICE_IMPORT_IN_BACKGROUND", True)
    actor_id = getattr(actor, "pk", None)
    if background:
        transaction.on_commit(
            lambda: threading.Thread(target=run_saved_import, args=(run.pk, actor_id), daemon=True).start()
        )
    else:
        run_saved_import(run.pk, actor_id, close_connection=False)
        run.refresh_from_db()


def run_saved_import(run_id: int, actor_id: int | None, *, close_connection: bool = True) -> None:
    """Import a run's saved file and record the outcome on the run (errors end in the run, never in the thread)."""
    from django.contrib.auth import get_user_model

    from zhaoshang.service.models import ImportRun

    try:
        run = ImportRun.objects.select_related("organisation").get(pk=run_id)
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.RUNNING, heartbeat_at=timezone.now()
        )
        with _LIVE_LOCK:
            _LIVE[run_id] = (0, 0)
        beat = run_dir(run) / "heartbeat"

        def progress(done: int, total: int) -> None:
            with _LIVE_LOCK:
                _LIVE[run_id] = (done, total)
            try:
                beat.touch()
            except OSError:  # a sign of life only
                pass

        try:
            result = import_appeals(
                actor, run_file(run), dry_run=run.dry_run, receiving_org=run.organisation, progress=progress
            )
        except (DomainError, OSError) as exc:
            ImportRun.objects.filter(pk=run_id).update(
                status=ImportRun.Status.FAILED, message=str(exc), finished_at=timezone.now()
            )
        except Exception as exc:
            log.exception("service import run %s failed", run_id)
            ImportRun.objects.filter(pk=run_id).update(
                status=ImportRun.Status.FAILED, message=f"导入出错：{exc}", finished_at=timezone.now()
            )
        else:
            c = result.counts
            ImportRun.objects.filter(pk=run_id).update(
                status=ImportRun.Status.DONE,
                counts=c,
                rows_done=c["read"],
                rows_total=c["read"],
                issues=result.issues[:MAX_STORED_ISSUES],
                issue_count=len(result.issues),
                message="试运行：仅检查，未写入任何数据" if run.dry_run else "",
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(run_id, None)
        if close_connection:
            from django.db import close_old_connections, connection

            close_old_connections()
            connection.close()


def last_sign_of_life(run: Any) -> datetime | None:
    last = run.heartbeat_at or run.created_at
    try:
        touched = datetime.fromtimestamp((run_dir(run) / "heartbeat").stat().st_mtime, tz=UTC)
    except OSError:
        return last
    return touched if last is None or touched > last else last


def interruption(run: Any, now: datetime | None = None) -> str:
    """Why the run counts as interrupted (a Chinese sentence), or "" when it does not."""
    from zhaoshang.service.models import ImportRun

    if run.status not in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING) or live_progress(run.pk):
        return ""
    last = last_sign_of_life(run)
    now = now or timezone.now()
    stale = timedelta(seconds=int(getattr(settings, "SERVICE_IMPORT_STALE_SECONDS", STALE_SECONDS)))
    if last is not None and now - last < stale:
        return ""
    when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M:%S") if last else "未知"
    return (
        f"导入中断（最后一次活动：{when}），服务进程可能已重启。导入在一个事务中进行，中断的导入没有写入任何数据；"
        "可重新导入，已入库的工单计为未变化。"
    )


def may_download_issues(user: Any, run: Any) -> bool:
    """The error file names firms and phone numbers' rows: only the importer and administrators get it."""
    from zhaoshang.accounts.roles import Role

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser
        or user.role == Role.SYSTEM_ADMIN
        or (run.created_by_id and run.created_by_id == user.pk)
    )


def rerun_import(actor: Actor, run: Any, *, background: bool | None = None) -> Any:
    """Run an interrupted or failed run again over its saved file (the importer or an administrator)."""
    from django.core.exceptions import PermissionDenied

    from zhaoshang.service.models import ImportRun

    if not may_download_issues(actor, run):
        raise PermissionDenied(
            _("Only the person who started the import or an administrator may run it again")
        )
    if run.status == ImportRun.Status.DONE or (
        run.status != ImportRun.Status.FAILED and not interruption(run)
    ):
        raise ServiceError(
            _(
                "This import is still running or has finished and cannot be run again; to import again, upload the file again"
            ),
            "rerun_refused",
        )
    if not run_file(run).is_file():
        raise ServiceError(
            _("The server no longer has the file of this import; please upload it again"), "file_missing"
        )
    claimed = ImportRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
        status=ImportRun.Status.PENDING,
        heartbeat_at=timezone.now(),
        message="",
        counts={},
        issues=[],
        issue_count=0,
        finished_at=None,
    )
    if not claimed:
        raise ServiceError(_("This import has just been run again; please refresh the page"), "conflict")
    audit.record(actor, "update", run, {"status": [run.status, "pending"]}, note="重新导入")
    run.refresh_from_db()
    _launch(run, actor, background=background)
    return run
