"""Import batches: starting an import (CLI, web upload, background thread), the heartbeat that tells a running
import from an interrupted one, and the re-run of an interrupted or failed batch. The engine is
:mod:`zhaoshang.registry.importing`; vendor SQL is in :mod:`zhaoshang.registry.bulk_db`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import (
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.scoping import assignable_organisations, can, may_act_in, visible
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit, hooks
from zhaoshang.core.errors import DomainError
from zhaoshang.core.models import AuditEntry
from zhaoshang.registry import bulk_db
from zhaoshang.registry.firms import RegistryError, region_matcher
from zhaoshang.registry.importing import (
    ImportResult,
    estimate_rows,
    file_sha256,
    forget_live,
    live_progress,
    mark_live,
    run_import,
)
from zhaoshang.registry.models import Enterprise, ImportBatch
from zhaoshang.tabular.errors import RefusedFileError

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------- import


def _check_import_allowed(actor: Actor, organisation: Any, *, dry_run: bool) -> None:
    if actor is None:  # the command line and the demo act as the system
        return
    if not can(actor, "import_batch", "add") or not can(actor, "enterprise", "add"):
        raise PermissionDenied(_("Your role may not import the enterprise register"))
    if not assignable_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You may not import the enterprise register of another organisation"))


def _can_change_for(actor: Actor) -> Callable[[Iterable[int]], set[int]]:
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


BUSY_MESSAGE = bulk_db.BUSY_MESSAGE


def _ended_on(exc: BaseException) -> dict[str, Any]:
    """The message fields of a batch that ended on ``exc``: the sentence as written, and the code and params of a
    domain error so that a page says it in its reader's language."""
    params = getattr(exc, "params", None) or {}
    return {
        "message": str(exc),
        "message_code": exc.code if isinstance(exc, DomainError) else "",
        "message_params": {
            k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
            for k, v in params.items()
        },
    }


def import_enterprises(
    actor: Actor,
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
            for name, value in _ended_on(exc).items():
                setattr(batch, name, value)
            batch.finished_at = batch.heartbeat_at = timezone.now()
            batch.save(
                update_fields=[
                    "status",
                    "message",
                    "message_code",
                    "message_params",
                    "finished_at",
                    "heartbeat_at",
                ]
            )
        raise
    except OperationalError as exc:  # SQLite: another import held the write lock longer than the busy timeout
        if batch is not None and batch.pk:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.FAILED,
                message=BUSY_MESSAGE,
                message_code="database_busy",
                message_params={},
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
                message_code="import_failed_unexpectedly",
                message_params={"error": type(exc).__name__},
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
        batch.message_code, batch.message_params = result.message_code, result.message_params
        batch.finished_at = batch.heartbeat_at = timezone.now()
        batch.save()
    written = 0 if dry_run or result.refused else result.counts["created"] + result.counts["updated"]
    if written:
        bulk_db.merge_pending_index_entries(written)
    if written >= ANALYZE_AFTER_ROWS:
        bulk_db.refresh_statistics()
    if batch is not None and written:
        _after_import(batch, actor)
    return result


# Rows written by one import after which the planner's statistics are refreshed: without them PostgreSQL plans a
# freshly filled table as if it were empty and scans it instead of using the trigram indexes.
ANALYZE_AFTER_ROWS = 5000


def _after_import(batch: ImportBatch, actor: Actor) -> None:
    hooks.run_after_import(batch, actor=actor if getattr(actor, "pk", None) else None)


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def batch_file_path(batch: ImportBatch) -> Path:
    return imports_dir() / str(batch.pk) / Path(batch.file_name).name


def start_import(
    actor: Actor,
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


def _launch(batch: ImportBatch, actor: Actor, *, background: bool | None, authorised: bool = False) -> None:
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
                **_ended_on(exc),
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        except (DomainError, OSError, PermissionDenied) as exc:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.FAILED,
                **_ended_on(exc),
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
        except Exception as exc:
            log.exception("import batch %s failed", batch_id)
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.FAILED,
                message=f"导入出错：{exc}",
                message_code="import_failed_unexpectedly",
                message_params={"error": str(exc)},
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
# Signs of life: ``ImportBatch.heartbeat_at`` (set when the batch is queued, starts and ends, and with every
# committed batch of rows) and the modification time of ``MEDIA_ROOT/imports/<batch>/heartbeat``, touched after
# every chunk of ``importing.CHUNK_ROWS`` rows and while the import waits for another one: a file is the cheap
# sign that any process on the machine can read at once, even while the import's transaction is open.
#
# An import commits in batches (``importing._Segments``), each complete; an interrupted import has landed whole
# batches only, and its re-run through the same upsert counts the rows already landed as unchanged and lands
# the rest: it resumes to the end and ends with what one import of the file gives.

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
    """Why the batch counts as interrupted (in the active language), or "" when it does not."""
    if batch.status not in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING):
        return ""
    if live_progress(batch.pk) is not None:
        return ""
    last = last_heartbeat(batch)
    now = now or timezone.now()
    if last is not None and now - last < stale_after():
        return ""
    when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M:%S") if last is not None else _("unknown")
    if batch.status == ImportBatch.Status.PENDING:
        return _(
            "The import was queued but never started (last activity: %(when)s); the server process may have restarted or stopped. The import wrote nothing; it can be re-run."
        ) % {"when": when}
    return _(
        "The import broke off while running (last activity: %(when)s); the server process may have restarted or stopped. An import commits in batches, so an interrupted import leaves only whole batches; a re-run checks everything from the start: rows already stored count as unchanged and the rest are added."
    ) % {"when": when}


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
            return RegistryError(_("This batch is still importing; it cannot be re-run"), "still_running")
    elif batch.status != ImportBatch.Status.FAILED:
        return RegistryError(
            _(
                "This batch has ended (%(status)s); it cannot be re-run. To import again, upload the file again"
            )
            % {"status": batch.get_status_display()},
            "finished",
        )
    if not batch_file_path(batch).is_file():
        return RegistryError(
            _(
                "The server does not hold this batch's file (an import from the command line keeps no file), so it cannot be re-run; please upload it again"
            ),
            "file_missing",
        )
    return None


def rerun_import(actor: Actor, batch: ImportBatch, *, background: bool | None = None) -> ImportBatch:
    """Run an interrupted or failed batch again, as a new run of the SAME batch, over its saved file.

    Same organisation, options (dry run, strict, column mapping) and source; the counts, issues and message of
    the earlier run are replaced by the new run's. The upsert is idempotent: rows an earlier run landed count as
    unchanged. Raises PermissionDenied (see :func:`may_rerun`) or RegistryError (see :func:`rerun_blocker`;
    also when someone else re-ran it first). The re-run is in the audit log.
    """
    if not may_rerun(actor, batch):
        raise PermissionDenied(
            _(
                "Only the person who started the import or someone who may change the organisation's firms may re-run it"
            )
        )
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
                message_code="",
                message_params={},
                finished_at=None,
            )
            if not claimed:
                raise RegistryError(
                    _("This batch has just been re-run or its status changed; please reload the page"),
                    "conflict",
                )
            audit.record(
                actor,
                AuditEntry.Action.UPDATE,
                batch,
                {"status": [before, str(ImportBatch.Status.PENDING)]},
                note=f"重新导入批次 #{batch.pk}（{'已中断' if before == 'interrupted' else '导入失败'}：{reason[:200]}）",
            )
    except OperationalError as exc:  # SQLite: another import holds the write lock
        raise RegistryError(
            _("The database is busy (an import may be running); please try again later"), "busy"
        ) from exc
    batch.refresh_from_db()
    _launch(batch, actor, background=background, authorised=True)
    return batch
