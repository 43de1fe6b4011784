"""Enterprise registry services: import, search, duplicates, profile data, exports.

Views, the API and the ``zhaoshang firms`` command are thin adapters over these functions; they own the
transactions and the audit records.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    close_old_connections,
    connection,
    models,
    transaction,
)
from django.utils import timezone

from zhaoshang.accounts.scoping import assignable_organisations, can, may_act_in, visible
from zhaoshang.core import audit, hooks
from zhaoshang.core.errors import DomainError
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.reference.regions import default_regions, region_prefix
from zhaoshang.registry.core import uscc as uscc_core
from zhaoshang.registry.core.capital import DEFAULT_CNY_RATES, to_cny_wan
from zhaoshang.registry.core.errors import CurrencyError
from zhaoshang.registry.core.names import fuzzy_candidates, name_key
from zhaoshang.registry.core.regions import AddressRegionMatcher
from zhaoshang.registry.importing import (
    ImportResult,
    estimate_rows,
    file_sha256,
    forget_live,
    live_progress,
    mark_live,
    run_import,
)
from zhaoshang.registry.models import DuplicateCandidate, Enterprise, ImportBatch
from zhaoshang.registry.search import search_enterprises  # noqa: F401 - part of the service API
from zhaoshang.tabular.errors import RefusedFileError
from zhaoshang.tabular.issues import write_issue_report

log = logging.getLogger(__name__)

__all__ = [
    "ImportResult",
    "RegistryError",
    "batch_file_path",
    "capital_in_cny_wan",
    "detect_duplicates",
    "dismiss_duplicate",
    "enterprise_as_dict",
    "export_enterprises_xlsx",
    "find_enterprise",
    "fx_rates",
    "import_enterprises",
    "interruption",
    "is_local",
    "last_heartbeat",
    "live_progress",
    "may_rerun",
    "merge_enterprises",
    "region_matcher",
    "rerun_blocker",
    "rerun_import",
    "run_batch",
    "search_enterprises",
    "start_import",
    "write_issue_report",
]


# Called with (batch, actor=...) after an import that wrote something; a missing module is skipped.
class RegistryError(DomainError):
    """A registry request that cannot be done; ``str()`` is a Chinese sentence for the user."""

    def __init__(self, message: str, code: str = "registry_error") -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------------- reference


@functools.cache
def region_matcher() -> AddressRegionMatcher:
    """Address → county code, built once per process from the region table."""
    table = default_regions()
    return AddressRegionMatcher(
        (code, region.name, [a.name for a in table.ancestors(code)]) for code, region in table.items()
    )


def region_name(code: str) -> str:
    if not code:
        return ""
    try:
        return default_regions().name_path(code)
    except (KeyError, ValueError):
        return code


def home_region() -> str:
    """The GB/T 2260 code of the city this installation serves (ZHAOSHANG_HOME_REGION): its firms are local."""
    return settings.HOME_REGION


def home_prefix() -> str:
    """Code prefix of the home region: 2 digits for a province, 4 for a city, 6 for a county."""
    return region_prefix(home_region())


def is_local(region_code: str | None) -> bool:
    if not region_code:
        return False
    try:
        return default_regions().is_within(region_code, home_region())
    except (KeyError, ValueError):
        return region_code.startswith(home_prefix())


def fx_rates() -> dict[str, Decimal]:
    """CNY per unit of each currency: the core's defaults with ``settings.FX_RATES_TO_CNY`` on top."""
    rates = dict(DEFAULT_CNY_RATES)
    for code, rate in (getattr(settings, "FX_RATES_TO_CNY", {}) or {}).items():
        rates[str(code).upper()] = Decimal(str(rate))
    return rates


def capital_in_cny_wan(firm: Enterprise) -> Decimal | None:
    """Registered capital converted into 万元人民币 with the configured rates (None when unknown)."""
    if firm.capital_wan is None or not firm.currency:
        return None
    try:
        return to_cny_wan(Decimal(firm.capital_wan), firm.currency, fx_rates())
    except CurrencyError:
        return None


# --------------------------------------------------------------------------------------------- import


def _check_import_allowed(actor: Any, organisation: Any, *, dry_run: bool) -> None:
    if actor is None:  # the command line and the demo act as the system
        return
    if not can(actor, "import_batch", "add") or not can(actor, "enterprise", "add"):
        raise PermissionDenied("您的角色不能导入企业名录")
    if not assignable_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied("不能为其他单位导入企业名录")


def _can_change_for(actor: Any) -> Callable[[Iterable[int]], set[int]]:
    if actor is None:
        return lambda ids: set(ids)

    def check(ids: Iterable[int]) -> set[int]:
        ids = list(ids)
        if not ids:
            return set()
        return set(
            visible(actor, Enterprise.objects.filter(pk__in=ids), "change").values_list("pk", flat=True)
        )

    return check


BUSY_MESSAGE = "另一个导入正在写入数据库，本次导入未写入任何数据；请稍后重新导入"


def import_enterprises(
    actor: Any,
    path: str | Path,
    organisation: Any,
    *,
    dry_run: bool = False,
    strict: bool = False,
    mapping: Mapping[str, str | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: ImportBatch | None = None,
    source: str | None = None,
    today: date | None = None,
    authorised: bool = False,
) -> ImportResult:
    """Import a registry export (CSV or spreadsheet) into ``organisation``'s registry.

    Creates an :class:`ImportBatch` unless one is given (the web creates it before the file is processed) or
    this is a dry run; the batch ends ``done``, ``refused`` (strict mode met a rejected row: nothing written) or
    ``failed`` (the file could not be read: the error is raised again). See :mod:`zhaoshang.registry.importing`
    for the rules. ``authorised``: the caller has already checked the actor (the re-run of a saved batch, whose
    own rule is :func:`may_rerun`).
    """
    path = Path(path)
    if not authorised:
        _check_import_allowed(actor, organisation, dry_run=dry_run)
    source = (
        source if source is not None else (batch.source if batch is not None and batch.source else path.name)
    )
    if batch is None and not dry_run:
        batch = ImportBatch.objects.create(
            organisation=organisation,
            created_by=actor if getattr(actor, "pk", None) else None,
            file_name=path.name,
            source=source[:100],
            dry_run=dry_run,
            strict=strict,
        )
    if batch is not None:
        batch.status = ImportBatch.Status.RUNNING
        batch.rows_total = estimate_rows(path)
        batch.rows_done = 0
        batch.dry_run, batch.strict = dry_run, strict
        batch.heartbeat_at = timezone.now()
        try:
            batch.file_sha256 = file_sha256(path)
        except OSError:
            pass
        batch.save()
        mark_live(batch.pk, 0, batch.rows_total)
    try:
        result = run_import(
            actor=actor,
            path=path,
            organisation=organisation,
            dry_run=dry_run,
            strict=strict,
            mapping=mapping,
            progress=progress,
            batch=batch,
            source=source[:100],
            can_change=_can_change_for(actor),
            region_lookup=region_matcher(),
            today=today,
            heartbeat=_heartbeat_for(batch),
        )
    except (DomainError, OSError) as exc:
        if batch is not None:
            # a file refused by the safety checks is recorded as refused: nothing was read, nothing written
            batch.status = (
                ImportBatch.Status.REFUSED if isinstance(exc, RefusedFileError) else ImportBatch.Status.FAILED
            )
            batch.message = str(exc)
            batch.finished_at = batch.heartbeat_at = timezone.now()
            batch.save(update_fields=["status", "message", "finished_at", "heartbeat_at"])
        raise
    except OperationalError as exc:  # SQLite: another import held the write lock longer than the busy timeout
        if batch is not None and batch.pk:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.FAILED,
                message=BUSY_MESSAGE,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        raise RegistryError(BUSY_MESSAGE, "database_busy") from exc
    except (
        Exception
    ) as exc:  # never leave a batch "running": whatever stopped it is recorded, then raised again
        if batch is not None and batch.pk:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.FAILED,
                message=f"导入出错：{type(exc).__name__}",
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        raise
    finally:
        if batch is not None:
            forget_live(batch.pk)
    if batch is not None:
        batch.status = result.status
        batch.counts = dict(result.counts)
        batch.issues = result.issues
        batch.mapping = result.mapping
        batch.rows_done = result.counts["read"]
        batch.rows_total = result.counts["read"]
        batch.message = result.message
        batch.finished_at = batch.heartbeat_at = timezone.now()
        batch.save()
    written = 0 if dry_run or result.refused else result.counts["created"] + result.counts["updated"]
    if written:
        _merge_pending_index_entries()
    if written >= ANALYZE_AFTER_ROWS:
        _refresh_statistics()
    if batch is not None and written:
        _after_import(batch, actor)
    return result


# Rows written by one import after which the planner's statistics are refreshed: without them PostgreSQL plans a
# freshly filled table as if it were empty and scans it instead of using the trigram indexes.
ANALYZE_AFTER_ROWS = 5000


# The pg_trgm GIN indexes of migration 0003. New rows first go to each GIN index's pending list, which every
# search must then read in full: after a big import the planner rightly avoids the indexes and scans the table
# (hundreds of milliseconds per search on 100,000 rows) until autovacuum merges the lists. An import merges them.
TRIGRAM_INDEXES = (
    "registry_ent_name_trgm",
    "registry_ent_short_trgm",
    "registry_ent_scope_trgm",
    "registry_ent_uscc_trgm",
)


def _merge_pending_index_entries() -> None:
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relkind = 'i' AND c.relname = ANY(%s)",
                [list(TRIGRAM_INDEXES)],
            )
    except DatabaseError:  # an optimisation only: autovacuum merges the lists too
        log.warning("could not merge the pending lists of the registry's trigram indexes", exc_info=True)


def _refresh_statistics() -> None:
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
        elif connection.vendor == "sqlite":
            cursor.execute(f"ANALYZE {table}")


def _after_import(batch: ImportBatch, actor: Any) -> None:
    hooks.run_after_import(batch, actor=actor if getattr(actor, "pk", None) else None)


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def batch_file_path(batch: ImportBatch) -> Path:
    return imports_dir() / str(batch.pk) / Path(batch.file_name).name


def start_import(
    actor: Any,
    upload: IO[bytes] | Any,
    file_name: str,
    organisation: Any,
    *,
    dry_run: bool = False,
    strict: bool = False,
    mapping: Mapping[str, str | None] | None = None,
    source: str = "",
    background: bool | None = None,
) -> ImportBatch:
    """Save an uploaded file under MEDIA_ROOT/imports/<batch>/ and import it, in a background thread by default."""
    _check_import_allowed(actor, organisation, dry_run=dry_run)
    safe_name = Path(file_name).name.replace("\x00", "")[:200] or "upload"
    batch = ImportBatch.objects.create(
        organisation=organisation,
        created_by=actor,
        file_name=safe_name,
        source=(source or safe_name)[:100],
        dry_run=dry_run,
        strict=strict,
        mapping={"overrides": dict(mapping or {})},
        heartbeat_at=timezone.now(),
    )
    target = batch_file_path(batch)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        if hasattr(upload, "chunks"):
            for block in upload.chunks():
                out.write(block)
        else:
            for block in iter(lambda: upload.read(1 << 20), b""):
                out.write(block)
    _launch(batch, actor, background=background)
    return batch


def _launch(batch: ImportBatch, actor: Any, *, background: bool | None, authorised: bool = False) -> None:
    """Run a saved batch: in a daemon thread once the current transaction commits, or here and now."""
    if background is None:
        background = getattr(settings, "REGISTRY_IMPORT_IN_BACKGROUND", True)
    actor_id = getattr(actor, "pk", None)
    if background:
        transaction.on_commit(
            lambda: threading.Thread(
                target=run_batch, args=(batch.pk, actor_id), kwargs={"authorised": authorised}, daemon=True
            ).start()
        )
    else:
        run_batch(batch.pk, actor_id, close_connections=False, authorised=authorised)
        batch.refresh_from_db()


def run_batch(
    batch_id: int, actor_id: int | None, *, close_connections: bool = True, authorised: bool = False
) -> None:
    """Run (or re-run: the upsert is idempotent) the import of a saved batch file; errors end in the batch."""
    from django.contrib.auth import get_user_model

    try:
        batch = ImportBatch.objects.select_related("organisation").get(pk=batch_id)
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        overrides = (batch.mapping or {}).get("overrides") or None
        try:
            import_enterprises(
                actor,
                batch_file_path(batch),
                batch.organisation,
                dry_run=batch.dry_run,
                strict=batch.strict,
                mapping=overrides,
                batch=batch,
                authorised=authorised,
            )
        except RefusedFileError as exc:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.REFUSED,
                message=str(exc),
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        except (DomainError, OSError, PermissionDenied) as exc:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.FAILED,
                message=str(exc),
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        except Exception as exc:
            log.exception("import batch %s failed", batch_id)
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.FAILED,
                message=f"导入出错：{exc}",
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
    finally:
        if close_connections:
            close_old_connections()
            connection.close()


# --------------------------------------------------------------------------------------------- interrupted imports
#
# A web import runs in a daemon thread of the server process; if that process stops, its batch would stay
# "pending" or "running" for ever. A batch is *interrupted* when its status says it runs, no thread of this
# process runs it (``live_progress`` is None) and its last sign of life is older than the grace period.
#
# Signs of life: ``ImportBatch.heartbeat_at`` (set when the batch is queued, starts and ends) and, while rows
# are processed, the modification time of ``MEDIA_ROOT/imports/<batch>/heartbeat``, touched after every chunk of
# ``importing.CHUNK_ROWS`` rows. The rows go to the database inside ONE transaction (all or nothing), so a
# heartbeat written to the batch row by the import's own connection would stay invisible to every other process
# until the end, and on SQLite a second connection cannot write while that transaction holds the write lock:
# a file is the cheap sign that any process on the machine can read at once.
#
# Because of that one transaction, an interrupted import has landed nothing, or (if the process stopped between
# the commit and the batch's final save) everything; a re-run through the same upsert counts rows already
# landed as unchanged, so either way it ends with what one import of the file gives.

DEFAULT_STALE_SECONDS = 120


def stale_after() -> timedelta:
    """The grace period after which a silent running batch counts as interrupted (REGISTRY_IMPORT_STALE_SECONDS)."""
    return timedelta(seconds=int(getattr(settings, "REGISTRY_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)))


def heartbeat_path(batch_id: int) -> Path:
    return imports_dir() / str(batch_id) / "heartbeat"


def _heartbeat_for(batch: ImportBatch | None) -> Callable[[], None] | None:
    if batch is None or not batch.pk:
        return None
    path = heartbeat_path(batch.pk)

    def beat() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # a command-line batch has no upload folder
            path.touch()
        except OSError:  # a sign of life only: never fail an import for it
            pass

    return beat


def last_heartbeat(batch: ImportBatch) -> datetime | None:
    """The batch's last sign of life: the later of ``heartbeat_at`` (else ``created_at``) and the heartbeat file."""
    last = batch.heartbeat_at or batch.created_at
    try:
        touched = datetime.fromtimestamp(heartbeat_path(batch.pk).stat().st_mtime, tz=UTC)
    except OSError:
        return last
    return touched if last is None or touched > last else last


def interruption(batch: ImportBatch, now: datetime | None = None) -> str:
    """Why the batch counts as interrupted (a Chinese sentence), or "" when it does not."""
    if batch.status not in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING):
        return ""
    if live_progress(batch.pk) is not None:
        return ""
    last = last_heartbeat(batch)
    now = now or timezone.now()
    if last is not None and now - last < stale_after():
        return ""
    when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M:%S") if last is not None else "未知"
    if batch.status == ImportBatch.Status.PENDING:
        return f"导入排队后一直没有开始（最后一次活动：{when}），服务进程可能已重启或停止。导入未写入任何数据，可重新导入。"
    return (
        f"导入进行中断开（最后一次活动：{when}），服务进程可能已重启或停止。"
        "导入在一个事务中进行，中断的导入不会留下半批数据；重新导入时已入库的行计为未变化。"
    )


def may_rerun(user: Any, batch: ImportBatch) -> bool:
    """The batch's creator, or anyone who may change the firms of the batch's organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if batch.created_by_id is not None and batch.created_by_id == user.pk:
        return True
    return may_act_in(user, "enterprise", "change", batch.organisation)


def rerun_blocker(batch: ImportBatch) -> RegistryError | None:
    """Why the batch cannot be re-run now (None when it can: interrupted or failed, with its file on the server)."""
    if batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING):
        if not interruption(batch):
            return RegistryError("该批次仍在导入中，不能重新导入", "still_running")
    elif batch.status != ImportBatch.Status.FAILED:
        return RegistryError(
            f"该批次已结束（{batch.get_status_display()}），不能重新导入；如需再次导入，请重新上传文件",
            "finished",
        )
    if not batch_file_path(batch).is_file():
        return RegistryError(
            "服务器上没有该批次的原文件（命令行导入不保存文件），无法重新导入；请重新上传", "file_missing"
        )
    return None


def rerun_import(actor: Any, batch: ImportBatch, *, background: bool | None = None) -> ImportBatch:
    """Run an interrupted or failed batch again, as a new run of the SAME batch, over its saved file.

    Same organisation, options (dry run, strict, column mapping) and source; the counts, issues and message of
    the earlier run are replaced by the new run's. The upsert is idempotent: rows an earlier run landed count as
    unchanged. Raises PermissionDenied (see :func:`may_rerun`) or RegistryError (see :func:`rerun_blocker`;
    also when someone else re-ran it first). The re-run is in the audit log.
    """
    if not may_rerun(actor, batch):
        raise PermissionDenied("只有发起导入的人或能修改该单位企业的人可以重新导入")
    blocker = rerun_blocker(batch)
    if blocker is not None:
        raise blocker
    reason = interruption(batch) or batch.message
    before = "interrupted" if batch.status != ImportBatch.Status.FAILED else str(batch.status)
    try:
        with transaction.atomic():
            # claim the batch: only one re-run wins, and only if nothing touched it since it was read
            seen = (
                {"heartbeat_at": batch.heartbeat_at} if batch.heartbeat_at else {"heartbeat_at__isnull": True}
            )
            claimed = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, **seen).update(
                status=ImportBatch.Status.PENDING,
                heartbeat_at=timezone.now(),
                rows_done=0,
                counts={},
                issues=[],
                message="",
                finished_at=None,
            )
            if not claimed:
                raise RegistryError("该批次刚刚已被重新导入或状态已变化，请刷新页面", "conflict")
            audit.record(
                actor,
                AuditEntry.Action.UPDATE,
                batch,
                {"status": [before, str(ImportBatch.Status.PENDING)]},
                note=f"重新导入批次 #{batch.pk}（{'已中断' if before == 'interrupted' else '导入失败'}：{reason[:200]}）",
            )
    except OperationalError as exc:  # SQLite: another import holds the write lock
        raise RegistryError("数据库正忙（可能有导入正在进行），请稍后再试", "busy") from exc
    batch.refresh_from_db()
    _launch(batch, actor, background=background, authorised=True)
    return batch


# --------------------------------------------------------------------------------------------- lookup, profile


def find_enterprise(user: Any, code_or_name: str) -> Enterprise:
    """One firm by credit code, exact name or normalised name; RegistryError when none or several match."""
    text = code_or_name.strip()
    if not text:
        raise RegistryError("请给出统一社会信用代码或企业名称", "empty")
    base = Enterprise.objects.select_related("organisation", "import_batch", "merged_into")
    if user is not None:
        base = visible(user, base)
    code = uscc_core.normalise(text)
    if len(code) == 18:
        found = list(base.filter(uscc=code)[:2]) or list(base.filter(uscc_raw=text)[:2])
        if found:
            return found[0]
    for query in (base.filter(name=text), base.filter(name_key=name_key(text)), base.filter(short_name=text)):
        found = list(query.order_by(models.F("merged_into").asc(nulls_first=True), "id")[:6])
        live = [f for f in found if f.merged_into_id is None] or found
        if len(live) == 1:
            return live[0]
        if len(live) > 1:
            names = "、".join(f"{f.name}（{f.uscc or '无代码'}）" for f in live[:5])
            raise RegistryError(f"“{text}”对应多家企业：{names}；请用统一社会信用代码指定", "ambiguous")
    raise RegistryError(f"名录中没有“{text}”", "not_found")


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def enterprise_as_dict(firm: Enterprise) -> dict[str, Any]:
    """A firm as plain data (the ``firms show --json`` document and the API's detail)."""
    cny = capital_in_cny_wan(firm)
    return {
        "id": firm.pk,
        "uscc": firm.uscc,
        "uscc_raw": firm.uscc_raw,
        "reg_no": firm.reg_no,
        "name": firm.name,
        "short_name": firm.short_name,
        "legal_rep": firm.legal_rep,
        "founded": firm.founded.isoformat() if firm.founded else None,
        "registered_capital_wan": _num(firm.capital_wan),
        "currency": firm.currency or None,
        "registered_capital_cny_wan": _num(cny.quantize(Decimal("0.0001"))) if cny is not None else None,
        "capital_raw": firm.capital_raw,
        "company_type": firm.company_type,
        "status": firm.status,
        "address": firm.address,
        "region_code": firm.region_code or None,
        "region": region_name(firm.region_code),
        "local": is_local(firm.region_code),
        "industry_code": firm.industry_code or None,
        "scope": firm.scope,
        "description": firm.description,
        "employees": firm.employees,
        "revenue_wan": _num(firm.revenue_wan),
        "tax_wan": _num(firm.tax_wan),
        "website": firm.website,
        "tags": list(firm.tags or []),
        "listed": firm.listed,
        "flags": list(firm.flags or []),
        "source": firm.source,
        "import_batch": firm.import_batch_id,
        "organisation": firm.organisation.code if firm.organisation_id else None,
        "merged_into": firm.merged_into_id,
        "created_at": firm.created_at.isoformat() if firm.created_at else None,
        "updated_at": firm.updated_at.isoformat() if firm.updated_at else None,
    }


def history_of(firm: Enterprise) -> models.QuerySet[AuditEntry]:
    """The firm's audit entries, including those of the records merged into it."""
    ids = [
        str(firm.pk),
        *(str(pk) for pk in Enterprise.objects.filter(merged_into=firm).values_list("pk", flat=True)),
    ]
    return AuditEntry.objects.filter(model="registry.enterprise", object_id__in=ids).order_by("-at", "-id")


# --------------------------------------------------------------------------------------------- duplicates


def detect_duplicates(actor: Any, *, threshold: float = 90.0, firms: models.QuerySet | None = None) -> int:
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
        reason = "名称规范化后相同" if score >= 100 else f"名称相似度{score:.0f}%"
        if first[2] and first[2] == second[2]:
            reason = "统一社会信用代码相同"
        new.append(DuplicateCandidate(first_id=first[0], second_id=second[0], score=score, reason=reason))
    DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _require_change(actor: Any, firm: Enterprise) -> None:
    if actor is None:
        return
    if not visible(actor, Enterprise.objects.filter(pk=firm.pk), "change").exists():
        raise PermissionDenied("无权修改该企业")


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
    actor: Any, keep: Enterprise, drop: Enterprise, *, candidate: DuplicateCandidate | None = None
) -> Enterprise:
    """Merge ``drop`` into ``keep``: every link to ``drop`` moves to ``keep``; ``drop`` stays as a record merged into
    ``keep`` (its history stays readable on ``keep``'s profile); fields ``keep`` lacks are filled from ``drop``.
    """
    if keep.pk == drop.pk:
        raise RegistryError("不能把企业与自身合并", "same_firm")
    if drop.merged_into_id or keep.merged_into_id:
        raise RegistryError("其中一家企业已被合并", "already_merged")
    _require_change(actor, keep)
    _require_change(actor, drop)
    keep = Enterprise.objects.select_for_update().get(pk=keep.pk)
    drop = Enterprise.objects.select_for_update().get(pk=drop.pk)
    if keep.uscc and drop.uscc and keep.uscc != drop.uscc:
        raise RegistryError("两家企业的统一社会信用代码不同，是不同的法人，不能合并", "different_codes")

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
def dismiss_duplicate(actor: Any, candidate: DuplicateCandidate) -> DuplicateCandidate:
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


# --------------------------------------------------------------------------------------------- export

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("short_name", "企业简称"),
    ("legal_rep", "法定代表人"),
    ("founded", "成立日期"),
    ("capital_wan", "注册资本（万）"),
    ("currency", "币种"),
    ("company_type", "企业类型"),
    ("status", "登记状态"),
    ("address", "地址"),
    ("region_code", "行政区划代码"),
    ("region", "所在地区"),
    ("local", "本地企业"),
    ("industry_code", "行业代码"),
    ("scope", "经营范围"),
    ("employees", "从业人数"),
    ("revenue_wan", "营业收入（万元）"),
    ("tax_wan", "纳税额（万元）"),
    ("website", "网址"),
    ("tags", "标签"),
    ("flags", "待核实"),
    ("source", "来源"),
)


def export_enterprises_xlsx(
    queryset: models.QuerySet[Enterprise],
    out: str | Path | IO[bytes],
    *,
    labels: dict[str, str] | None = None,
    sheet_name: str = "企业名录",
    yes_no: tuple[str, str] = ("是", "否"),
) -> int:
    """Write the firms of ``queryset`` (already filtered, scoped and ordered) to an XLSX; returns the row count.
    Chinese headers unless the caller (the web, in the user's language) passes ``labels`` by column name."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        out, {"constant_memory": True, "in_memory": not isinstance(out, str | Path)}
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    datefmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [(labels or {}).get(name, label) for name, label in EXPORT_COLUMNS], bold)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 36)
    sheet.set_column(14, 14, 60)
    sheet.freeze_panes(1, 2)
    fields = [f for f, _ in EXPORT_COLUMNS if f not in {"region", "local"}]
    n = 0
    rows = (
        queryset if queryset.ordered else queryset.order_by("name", "id")
    )  # the list's order, when it has one
    for n, row in enumerate(rows.values(*fields).iterator(chunk_size=2000), start=1):
        for col, (name, _) in enumerate(EXPORT_COLUMNS):
            if name == "region":
                value: Any = region_name(row["region_code"])
            elif name == "local":
                value = yes_no[0] if is_local(row["region_code"]) else yes_no[1]
            else:
                value = row[name]
            if value is None or value == "":
                continue
            if name == "founded":
                sheet.write_datetime(n, col, value, datefmt)
            elif isinstance(value, Decimal):
                sheet.write_number(n, col, float(value))
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(n, col, value)
            elif name == "tags":
                sheet.write_string(n, col, "、".join(value))
            elif name == "flags":
                sheet.write_string(n, col, "；".join(f.get("message", "") for f in value))
            else:
                sheet.write_string(n, col, str(value))
    workbook.close()
    return n


# ------------------------------------------------------------------- firms named by other capabilities (additive)

NEEDS_REVIEW_FLAG = {
    "code": "needs_review",
    "column": "",
    "raw": "",
    "message": "由其他业务（如企业诉求）自动建档，请核实",
}


def ensure_enterprises(
    actor: Any, items: Iterable[tuple[str, str]], organisation: Any, *, source: str
) -> dict[tuple[str, str], Enterprise]:
    """The registry firm for each (name, credit code) pair: matched by a valid code, then by name; an unknown firm
    is created flagged ``needs_review`` (never a silent duplicate). Bulk: one lookup per chunk, one audit entry per
    created firm. Returns {(name, code as given): firm}; a pair with neither name nor code is left out.
    """
    pairs = {(str(n or "").strip(), str(c or "").strip()) for n, c in items}
    pairs.discard(("", ""))
    codes = {p: uscc_core.normalise(p[1]) for p in pairs}
    codes = {p: c for p, c in codes.items() if c and uscc_core.is_valid(c)}
    keys = {p: name_key(p[0]) for p in pairs if p[0]}
    by_code: dict[str, Enterprise] = {}
    by_key: dict[str, Enterprise] = {}
    code_list, key_list = sorted(set(codes.values())), sorted({k for k in keys.values() if k})
    for i in range(0, len(code_list), 500):
        for firm in Enterprise.objects.filter(uscc__in=code_list[i : i + 500], merged_into__isnull=True):
            by_code[firm.uscc] = firm
    for i in range(0, len(key_list), 500):
        for firm in Enterprise.objects.filter(
            name_key__in=key_list[i : i + 500], merged_into__isnull=True
        ).order_by("id"):
            by_key.setdefault(firm.name_key, firm)
    found: dict[tuple[str, str], Enterprise] = {}
    new: dict[str, Enterprise] = {}  # by code or name key, so one unknown firm is created once
    for pair in sorted(pairs):
        code, key = codes.get(pair), keys.get(pair, "")
        firm = (by_code.get(code) if code else None) or (by_key.get(key) if key else None)
        if firm is None:
            ident = code or f"k:{key}"
            firm = new.get(ident) or (new.get(f"k:{key}") if key else None)
            if firm is None:
                firm = Enterprise(
                    name=pair[0] or code or "",
                    name_key=key or (code or "").lower(),
                    uscc=code,
                    uscc_raw=pair[1][:64],
                    organisation=organisation,
                    source=source[:100],
                    flags=[NEEDS_REVIEW_FLAG],
                )
            new[ident] = firm
            if key:
                new.setdefault(f"k:{key}", firm)
        found[pair] = firm
    created = list({id(f): f for f in new.values()}.values())
    if created:
        from zhaoshang.registry.importing import _RowWriter

        writer = _RowWriter(organisation_id=organisation.pk, batch_id=None, source=source[:100])
        fields = ("name", "name_key", "uscc", "uscc_raw")
        for i in range(0, len(created), 2000):
            writer.insert(
                [
                    writer.row({f: getattr(firm, f) for f in fields}, [NEEDS_REVIEW_FLAG])
                    for firm in created[i : i + 2000]
                ]
            )
        ids: dict[tuple[str, str | None], int] = {}
        keys = sorted({f.name_key for f in created})
        for i in range(0, len(keys), 500):
            ids.update(
                {
                    (k, c): pk
                    for pk, k, c in Enterprise.objects.filter(
                        name_key__in=keys[i : i + 500], source=source[:100]
                    ).values_list("pk", "name_key", "uscc")
                }
            )
        for firm in created:
            firm.pk = ids.get((firm.name_key, firm.uscc))
            firm._state.adding = False
        AuditEntry.objects.bulk_create(
            [
                audit.entry(
                    actor,
                    AuditEntry.Action.CREATE,
                    f,
                    {"name": [None, f.name], "uscc": [None, f.uscc]},
                    note=source,
                )
                for f in created
            ],
            batch_size=1000,
        )
    return found


def ensure_enterprise(
    actor: Any, *, name: str, uscc: str = "", organisation: Any, source: str
) -> Enterprise | None:
    """One firm by code then name, created flagged for review when unknown (see `ensure_enterprises`)."""
    return ensure_enterprises(actor, [(name, uscc)], organisation, source=source).get(
        (name.strip(), uscc.strip())
    )
