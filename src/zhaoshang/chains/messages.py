"""The English sentences of the chain analytic core's codes: its errors (raised with the Chinese sentence, a ``code``
and the sentence's values as params; :func:`zhaoshang.core.messages.error_message` says them) and the problems it
finds in a BOM or a chain file (``BomIssue.code``, ``ChainFileProblem.code``; the chains command says them), and
its notes: the warnings about a BOM that was read (``BomNote``) and its Python warnings (``ChainAnalysisWarning``),
said by :func:`note_message`.

Registered from :meth:`zhaoshang.chains.apps.ChainsConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.messages import is_chinese, say_sentence

ERRORS: dict[str, Promise] = {
    # BOM reading (analysis.bom)
    "bom_encoding_unknown": _(
        "%(file)s: the file's encoding was not recognised (save it as a CSV in UTF-8 or GBK)"
    ),
    "bom_file_missing": _("%(file)s: the file does not exist"),
    "bom_excel_unreadable": _(
        "%(file)s: the Excel file could not be read (%(error)s); it may be damaged or not an Excel file"
    ),
    "bom_file_type_unsupported": _(
        "%(file)s: the file type “%(suffix)s” is not supported; upload the BOM as CSV or XLSX"
    ),
    "bom_not_csv_text": _(
        "%(file)s: the content is not CSV text (perhaps an Excel or another binary file); check the file extension"
    ),
    "bom_row_unparseable": _(
        "%(file)s row %(row)s: the row could not be parsed (a cell too long or unmatched quotes)"
    ),
    "bom_empty": _("%(file)s: the file is empty, it holds no BOM data"),
    "bom_header_missing": _(
        "%(file)s row 1: no header found: a “数量/Quantity” column is needed, and a “位号/Reference” or “零件/物料名称” column"
    ),
    "bom_quantity_column_missing": _(
        "%(file)s row %(row)s: no quantity column (the header should contain “数量”, “用量” or “Quantity”)"
    ),
    "bom_no_part_rows": _("%(file)s row %(row)s: no part rows below the header"),
    # chain files (analysis.spec, services.specs)
    "chain_file_not_a_mapping": _("%(file)s: the file should hold a mapping (slug, name, nodes …)"),
    "chain_file_not_utf8": _("%(file)s: the file is not UTF-8 text"),
    "chain_yaml_too_deep": _("%(file)s: the YAML is nested too deeply"),
    "chain_yaml_invalid": _("%(file)s: YAML format error: %(error)s"),
    "chain_yaml_invalid_at": _("%(file)s: YAML format error at line %(line)s, column %(column)s: %(error)s"),
    "chain_file_unreadable": _("%(file)s: the file could not be read: %(error)s"),
    "chain_item_has_list_separator": _(
        "Node %(node)s: “%(item)s” contains a list separator (；,，、|) and cannot be told apart from its neighbours in Excel"
    ),
    "chain_excel_unreadable": _("%(file)s: the Excel file could not be read: %(error)s"),
    "chain_file_type_unsupported": _("%(file)s: only .yaml/.yml or .xlsx files are supported"),
    # classifying a CSV and cross-validation (analysis.evaluate)
    "classify_csv_missing": _("The %(role)s file does not exist: %(path)s"),
    "classify_csv_empty": _("The %(role)s file is empty: %(path)s"),
    "classify_csv_not_utf8": _("The %(role)s file is not UTF-8; save it as a UTF-8 CSV: %(path)s"),
    "classify_csv_invalid": _("The %(role)s file is not a valid CSV: %(path)s (%(error)s)"),
    "classify_csv_no_rows": _("The %(role)s file has no data rows: %(path)s"),
    "classify_csv_column_missing": _(
        "The %(role)s file %(path)s has no column “%(column)s” (its columns: %(columns)s)"
    ),
    "classify_no_training_rows": _(
        "The training file %(path)s has no row with both “%(text_column)s” and “%(label_column)s” filled in"
    ),
    "classify_one_training_label": _(
        "The column “%(label_column)s” of the training file %(path)s needs at least two different classes"
    ),
    "cv_too_few_folds": _("At least 2 folds are needed, got %(folds)s"),
    "cv_too_few_classes": _(
        "Fewer than two classes have at least %(folds)s examples each; %(folds)s-fold cross-validation is not possible"
    ),
    "texts_labels_count_mismatch": _("There are %(texts)s texts but %(labels)s labels; the counts differ"),
    # the learned layer (analysis.learned)
    "label_hierarchy_cycle": _("The label hierarchy has a cycle: %(cycle)s"),
    "classifier_c_not_positive": _("The regularisation parameter C must be greater than 0, got %(C)s"),
    "classifier_top_k_too_small": _("top_k must be at least 1, got %(top_k)s"),
    "weights_texts_count_mismatch": _(
        "There are %(weights)s sample weights but %(texts)s texts; the counts differ"
    ),
    "training_no_samples": _("No sample can be used for training (every text or label is empty)"),
    "training_one_label": _("At least two different classes are needed to train the classifier"),
    "predict_needs_a_list": _("predict needs a list of texts, not a single string"),
    "predict_unknown_labels": _("Candidate labels not in the model: %(labels)s"),
    "predict_no_labels": _("The candidate labels are empty"),
    "classifier_not_fitted": _("The classifier has not been trained yet; call fit first"),
    "model_file_missing": _("The model file does not exist: %(path)s"),
    "model_file_unreadable": _("The model file could not be read: %(path)s (%(error)s)"),
    "model_file_foreign": _("Not a classification model file of this system: %(path)s"),
    "model_file_version": _(
        "The model file has version %(version)s but this program needs version %(needed)s; train it again: %(path)s"
    ),
    # gap analysis (analysis.gap)
    "gap_weak_firms_below_one": _(
        "The least number of firms for “weak” cannot be below 1 (a node without firms is always missing)"
    ),
    "gap_strong_below_weak": _(
        "The least number of firms for “strong” (%(strong)s) cannot be below that for “weak” (%(weak)s)"
    ),
    "gap_weak_coverage_out_of_range": _(
        "The coverage of a “weak” node should be between 0 and 1, it is %(value)s"
    ),
    "gap_assignment_columns_missing": _("The firm–node table lacks the columns: %(columns)s"),
    "gap_threshold_node_unknown": _(
        "The node “%(node)s” of the threshold settings is not in the chain “%(chain)s”"
    ),
    "gap_firm_id_empty": _("%(rows)s rows of the firm–node table have an empty firm_id"),
    "gap_compare_no_region": _("Comparing needs the data of at least one region"),
    # the manufacturer table (analysis.manufacturers)
    "manufacturer_value_read_as_boolean": _(
        "The %(field)s of the maker %(maker)s was read as the boolean %(value)s; put it in quotes"
    ),
    "manufacturer_key_missing": _("Maker number %(number)s has no key"),
    "manufacturer_nameless": _("The maker %(maker)s has neither a Chinese nor an English name"),
    "manufacturer_table_not_a_list": _("The manufacturer table should be a list"),
    # rule classification (analysis.rules)
    "classify_no_chains": _("There is no chain to classify by"),
    "classify_duplicate_chain_slugs": _("Duplicate chain identifiers: %(slugs)s"),
    "classify_record_shape": _(
        "Each record should have four items (firm name, business scope, description, industry code); the error: %(error)s"
    ),
    "classify_no_text_columns": _(
        "The table has no column to classify (it needs %(columns)s or %(industry_code)s)"
    ),
    # target ranking (analysis.targets)
    "target_weight_negative": _(
        "The factor weight “%(factor)s” should be a non-negative number, it is %(value)s"
    ),
    "target_weights_all_zero": _("The factor weights cannot all be 0"),
    "target_reason_unknown": _("Unknown recommendation reason code: %(reason)s"),
    "target_candidates_not_a_frame": _("The candidate firms should be a table (DataFrame)"),
    "target_candidates_without_firm_id": _("The candidate firms table lacks the column firm_id"),
    "target_node_score_out_of_range": _("node_score should be between 0 and 1"),
    "target_region_code_invalid": _("A region code should have six digits (GB/T 2260), it is “%(raw)s”"),
    "target_firms_column_missing": _("The firm table lacks the column %(column)s"),
}

# Row findings: of a BOM (analysis.bom.BomIssue with a code; row, column and the file among their params) and
# of a chain file.
ISSUES: dict[str, Promise] = {
    "bom_quantity_empty": _("%(file)s row %(row)s, column “%(column)s”: the quantity is empty"),
    "bom_quantity_not_a_number": _(
        "%(file)s row %(row)s, column “%(column)s”: the quantity “%(raw)s” is not a number"
    ),
    "bom_quantity_negative": _(
        "%(file)s row %(row)s, column “%(column)s”: the quantity “%(raw)s” cannot be negative"
    ),
    "bom_parent_missing": _(
        "%(file)s row %(row)s, column “%(column)s”: the parent “%(raw)s” is not in the BOM"
    ),
    "bom_parent_cycle": _(
        "%(file)s row %(row)s, column “%(column)s”: the parent relation makes a cycle (%(part)s → %(raw)s)"
    ),
    # problems of a chain file (analysis.spec: ChainFileProblem.code; the edge puts file, sheet, row, node and
    # field before the sentence)
    "chain_value_not_a_list": _("should be a list of texts, it is a %(type)s"),
    "chain_list_item_not_text": _("each item of the list should be text, it is %(item)s"),
    "chain_value_not_yes_no": _("should be “yes” or “no”, it is “%(value)s”"),
    "chain_weight_not_a_number": _("the weight should be a number, it is “%(value)s”"),
    "chain_weight_not_finite": _("the weight should be a finite number, it is “%(value)s”"),
    "chain_weight_negative": _("the weight cannot be negative (%(weight)s)"),
    "chain_slug_missing": _("the chain identifier is missing"),
    "chain_slug_invalid": _("the chain identifier “%(slug)s” may only hold letters, digits, -, _ and ."),
    "chain_name_missing": _("the chain name is missing"),
    "chain_node_key_missing": _("the node key is missing"),
    "chain_node_key_missing_named": _("the node key is missing (name “%(name)s”)"),
    "chain_node_key_missing_nth": _("the node key is missing (node number %(number)s)"),
    "chain_node_key_invalid": _("a node key may only hold letters, digits, -, _ and ."),
    "chain_node_name_missing": _("the node has no name"),
    "chain_node_key_repeats_row": _("the node key repeats that of row %(first)s"),
    "chain_node_key_repeats_nth": _("the node key repeats that of node number %(number)s"),
    "chain_parent_missing": _("the parent node “%(parent)s” does not exist"),
    "chain_parent_cycle": _("the parent nodes make a cycle: %(cycle)s"),
    "chain_industry_code_invalid": _(
        "the industry code “%(raw)s” is malformed: it should be a section letter A–T or 2, 3 or 4 digits (GB/T 4754-2017)"
    ),
    "chain_hs_code_invalid": _("the HS code “%(raw)s” is malformed: it should have 2–10 digits"),
    "chain_card_not_a_mapping": _("the node card should be a mapping"),
    "chain_child_weights_partial": _(
        "some children of the parent node %(parent)s (%(name)s) have a weight and some do not (without: %(blank)s)"
    ),
    "chain_top_weights_partial": _("some top-level nodes have a weight and some do not (without: %(blank)s)"),
    "chain_child_weights_sum": _(
        "the weights of the children of the parent node %(parent)s (%(name)s) add up to %(total)s, not 1 (tolerance %(tolerance)s)"
    ),
    "chain_top_weights_sum": _(
        "the weights of the top-level nodes add up to %(total)s, not 1 (tolerance %(tolerance)s)"
    ),
    "chain_link_key_missing": _("the supply relation lacks a node key"),
    "chain_link_node_missing": _(
        "the supply relation %(source)s → %(target)s refers to a node “%(node)s” that does not exist"
    ),
    "chain_nodes_not_a_list": _("nodes should be a list of nodes"),
    "chain_children_not_a_list": _("the children of node %(node)s should be a list of nodes"),
    "chain_node_not_a_mapping": _("each node in nodes should be a mapping, it is %(item)s"),
    "chain_child_not_a_mapping": _(
        "each node in the children of node %(node)s should be a mapping, it is %(item)s"
    ),
    "chain_no_nodes": _("the chain has no nodes"),
    "chain_links_not_a_list": _("links should be a list"),
    "chain_link_not_a_mapping": _("a supply relation should be {from: …, to: …}, it is %(item)s"),
    "chain_extra_not_json": _("the extra fields should be a JSON object"),
    "chain_sheet_chain_missing": _("the sheet “链信息” is missing"),
    "chain_field_unknown": _("unknown field “%(label)s”"),
    "chain_sheet_nodes_missing": _("the sheet “节点” is missing"),
    "chain_columns_missing": _("missing columns: %(columns)s"),
    "chain_sheet_nodes_empty": _("the sheet “节点” holds no nodes"),
}

# notes: warnings that do not stop the work (analysis.bom: BomNote.code; ChainAnalysisWarning.code)
NOTES: dict[str, Promise] = {
    "bom_totals_quantity_not_a_number": _(
        "Row %(row)s: the quantity “%(raw)s” of the totals row is not a number; ignored"
    ),
    "bom_quantity_differs_from_references": _(
        "Row %(row)s: the quantity is %(quantity)s but there are %(count)s designator(s) (%(references)s)"
    ),
    "bom_quantity_zero": _("Row %(row)s: the quantity is 0"),
    "bom_reference_repeated": _("Row %(row)s: the designator %(reference)s repeats row %(first)s"),
    "bom_dnp_lines_not_counted": _(
        "Row(s) %(rows)s: %(lines)s line(s) (%(parts)s part(s)) marked do-not-populate (DNP), not counted"
    ),
    "bom_totals_row_disagrees": _(
        "Row %(row)s: the totals row says %(total)s but the lines add up to %(counted)s (the totals row is not counted)"
    ),
    "gap_node_keys_not_in_chain": _(
        "%(rows)s row(s) have a node key that is not in the chain “%(chain)s”; ignored (for example: %(examples)s)"
    ),
    "model_evidence_missing": _(
        "The model was trained with rule evidence, which was not given when it was loaded; the evidence features count as 0"
    ),
}


def note_message(note: Mapping[str, Any] | Any) -> str:
    """A note of the chain core in the active language: a ``{"code", "params", "message"}`` dict, a ``BomNote`` or a
    ``ChainAnalysisWarning``. In Chinese, or for a code without a sentence, the core's own Chinese sentence."""
    if isinstance(note, Mapping):
        code, params, chinese = note.get("code"), note.get("params"), note.get("message")
    else:
        code, params, chinese = note.code, note.params, note.message
    if is_chinese():
        return str(chinese or "")
    return say_sentence(NOTES.get(str(code or "")), params or {}, str(chinese or ""))
