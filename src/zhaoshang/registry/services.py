"""Enterprise registry services: import, search, duplicates, profile data, exports — the one entry point.

Views, the API and the ``zhaoshang firms`` command are thin adapters over these functions; they own the
transactions and the audit records.
"""

from zhaoshang.registry.batches import (
    ANALYZE_AFTER_ROWS,
    BUSY_MESSAGE,
    DEFAULT_STALE_SECONDS,
    ImportResult,
    batch_file_path,
    heartbeat_path,
    import_enterprises,
    imports_dir,
    interruption,
    last_heartbeat,
    live_progress,
    may_rerun,
    rerun_blocker,
    rerun_import,
    run_batch,
    stale_after,
    start_import,
)
from zhaoshang.registry.duplicates import detect_duplicates, dismiss_duplicate, merge_enterprises
from zhaoshang.registry.exports import EXPORT_COLUMNS, export_enterprises_xlsx
from zhaoshang.registry.firms import (
    NEEDS_REVIEW_FLAG,
    RegistryError,
    capital_in_cny_wan,
    ensure_enterprise,
    ensure_enterprises,
    enterprise_as_dict,
    find_enterprise,
    fx_rates,
    history_of,
    home_prefix,
    home_region,
    is_local,
    region_matcher,
    region_name,
)
from zhaoshang.registry.search import search_enterprises
from zhaoshang.tabular.issues import write_issue_report

__all__ = [
    "ANALYZE_AFTER_ROWS",
    "BUSY_MESSAGE",
    "DEFAULT_STALE_SECONDS",
    "EXPORT_COLUMNS",
    "NEEDS_REVIEW_FLAG",
    "ImportResult",
    "RegistryError",
    "batch_file_path",
    "capital_in_cny_wan",
    "detect_duplicates",
    "dismiss_duplicate",
    "ensure_enterprise",
    "ensure_enterprises",
    "enterprise_as_dict",
    "export_enterprises_xlsx",
    "find_enterprise",
    "fx_rates",
    "heartbeat_path",
    "history_of",
    "home_prefix",
    "home_region",
    "import_enterprises",
    "imports_dir",
    "interruption",
    "is_local",
    "last_heartbeat",
    "live_progress",
    "may_rerun",
    "merge_enterprises",
    "region_matcher",
    "region_name",
    "rerun_blocker",
    "rerun_import",
    "run_batch",
    "search_enterprises",
    "stale_after",
    "start_import",
    "write_issue_report",
]
