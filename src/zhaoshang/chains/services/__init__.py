"""Industrial-chain services: load/export chains, classify firms onto nodes, review, gaps and targets.

Views, the API and the CLI are thin adapters over these functions. Writes go through `core.audit`.
The analytic work is done by the plain-Python cores in `chains.analysis`; these modules map stored fields
to their columns (see docs/CHAINS.md) and back. One module per job:

- `specs`: chains in the database ⇄ `ChainSpec` (load, import, export, find; card and threshold edits)
- `thresholds`: the stored gap thresholds, read and validated
- `classification`: firms placed on nodes (rule layer, then the learned layer) and why
- `learned`: the learned layer's training and loading
- `review`: the review queue, hand placements, supply relations, a firm's positions
- `regions`: the region a gap is computed for and which region codes lie inside it
- `gaps`: gap analysis for a region, regions compared
- `targets`: ranked 招商 targets and the gap JSON document (the files people download — assignments, 招商目标清单 —
  are written in their language by `chains/documents.py`)

Callers use `from zhaoshang.chains import services` and `services.<name>`: every public name is re-exported here.
"""

from zhaoshang.chains.analysis.evidence import COUNTING, matched_words
from zhaoshang.chains.analysis.gap import priorities
from zhaoshang.chains.services.classification import (
    ARRIVAL_BATCH,
    RULE_KINDS,
    ClassifyCounts,
    assignment_words,
    classify_arrivals,
    classify_enterprises,
    evidence_label,
    explain,
)
from zhaoshang.chains.services.common import (
    ChainServiceError,
    Evidence,
    Method,
    Status,
    enterprise_model,
    firm_text,
)
from zhaoshang.chains.services.gaps import CNY_PER, GapReport, compare, counted_assignments, gap_for_region
from zhaoshang.chains.services.learned import (
    LEARNED_MIN_SCORE,
    NONE_LABEL,
    TrainingSummary,
    label_documents,
    load_learned_model,
    model_path,
    rule_evidence,
    train_learned_layer,
    training_examples,
)
from zhaoshang.chains.services.regions import Area, centroid, region_table, resolve_region, within_codes
from zhaoshang.chains.services.review import (
    assign_node,
    positions_for,
    record_supply_link,
    review_assignment,
    review_order,
)
from zhaoshang.chains.services.specs import (
    CARD_FIELDS,
    export_chain,
    find_chain,
    import_chain,
    load_builtin_chains,
    load_chain,
    read_chain_file,
    set_thresholds,
    spec_for,
    update_card,
)
from zhaoshang.chains.services.targets import (
    NO_CANDIDATE_HINT,
    TARGET_COLUMNS_EMPTY,
    gap_json,
    target_rows,
    target_url,
    targets_for,
)
from zhaoshang.chains.services.thresholds import thresholds_for, thresholds_from

__all__ = [
    "ARRIVAL_BATCH",
    "CARD_FIELDS",
    "CNY_PER",
    "COUNTING",
    "LEARNED_MIN_SCORE",
    "NONE_LABEL",
    "NO_CANDIDATE_HINT",
    "RULE_KINDS",
    "TARGET_COLUMNS_EMPTY",
    "Area",
    "ChainServiceError",
    "ClassifyCounts",
    "Evidence",
    "GapReport",
    "Method",
    "Status",
    "TrainingSummary",
    "assign_node",
    "assignment_words",
    "centroid",
    "classify_arrivals",
    "classify_enterprises",
    "compare",
    "counted_assignments",
    "enterprise_model",
    "evidence_label",
    "explain",
    "export_chain",
    "find_chain",
    "firm_text",
    "gap_for_region",
    "gap_json",
    "import_chain",
    "label_documents",
    "load_builtin_chains",
    "load_chain",
    "load_learned_model",
    "matched_words",
    "model_path",
    "positions_for",
    "priorities",
    "read_chain_file",
    "record_supply_link",
    "region_table",
    "resolve_region",
    "review_assignment",
    "review_order",
    "rule_evidence",
    "set_thresholds",
    "spec_for",
    "target_rows",
    "target_url",
    "targets_for",
    "thresholds_for",
    "thresholds_from",
    "train_learned_layer",
    "training_examples",
    "update_card",
    "within_codes",
]
