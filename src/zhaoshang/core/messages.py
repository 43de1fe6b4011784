"""The edge's catalogue: import findings and domain errors said in the user's language.

The analytic cores import no Django: a finding (:class:`~zhaoshang.tabular.issues.RowIssue` or its stored dict)
carries a stable ``code``, its row/column/raw value, the ``params`` formatted into it and a Chinese sentence
(``message_zh``). A :class:`~zhaoshang.core.errors.DomainError` carries ``code``, ``params`` and a Chinese
message. Here the edge says them: in Chinese the core's own sentence, unchanged; in another language the English
sentence of the code (a gettext string with ``%(name)s`` parameters). A code without an entry, or an entry whose
parameters the finding does not carry, falls back to the Chinese sentence — never an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.errors import DomainError
from zhaoshang.tabular.issues import RowIssue

# Import findings by code (or "code:kind" when one code covers several sentences). Parameters always available:
# row, column, raw; the others are the finding's ``params``.
ISSUE_MESSAGES: dict[str, Promise] = {
    # registry (zhaoshang.registry.core.rows, .dedupe_in_file, zhaoshang.registry.importing)
    "missing_name": _("No company name (the columns %(columns)s are all empty)"),
    "row_unreadable": _("Row %(row)s could not be read: %(error)s"),
    "name_from_alternate": _(
        "“%(primary)s” is empty; the company name was taken from the column “%(column)s”"
    ),
    "name_columns_disagree": _(
        "“%(used)s” says “%(name)s” but “%(column)s” says “%(raw)s”: check whether the firm was renamed or a column is wrong"
    ),
    "uscc_bad_check_digit": _("The credit code “%(raw)s” has a wrong check digit; please check it"),
    "uscc_excel_mangled": _(
        "The credit code “%(raw)s” was cut short by Excel's number format; please re-export it as text"
    ),
    "uscc_wrong_length": _("The credit code “%(raw)s” does not have 18 characters"),
    "uscc_illegal_character": _("The credit code “%(raw)s” contains characters a credit code cannot have"),
    "uscc_is_registration_number": _("“%(raw)s” is a business registration number; it was kept as one"),
    "uscc_from_reg_no_column": _(
        "The registration number column holds a unified social credit code; it was kept as the credit code"
    ),
    "reg_no_check_failed": _(
        "The business registration number “%(raw)s” has a wrong check digit; please check it"
    ),
    "capital_unparseable": _("The registered capital “%(raw)s” could not be read"),
    "founded_unparseable": _("The founding date “%(raw)s” could not be read as a date"),
    "founded_in_future": _("The founding date %(date)s is later than today; please check it"),
    "number_unparseable": _("“%(raw)s” in “%(column)s” could not be read"),
    "number_unparseable:employees_too_large": _(
        "The number of employees “%(raw)s” is too large; please check it"
    ),
    "number_unparseable:employees_not_integer": _("The number of employees “%(raw)s” is not a whole number"),
    "number_unparseable:revenue": _("The revenue “%(raw)s” could not be read as an amount in yuan"),
    "number_unparseable:tax": _("The tax paid “%(raw)s” could not be read as an amount in yuan"),
    "number_unparseable:listed": _("Listed “%(raw)s” could not be read; write “yes” or “no”"),
    "number_unparseable:above_scale": _(
        "Above designated size “%(raw)s” could not be read; write “yes” or “no” (or above / below size)"
    ),
    "region_code_invalid": _("The region code “%(raw)s” is not six digits"),
    "duplicate_code_other_name": _(
        "The same credit code has another company name in row %(first)s: check whether the firm was renamed"
    ),
    "duplicate_row_differs": _(
        "Same firm as row %(first)s but with different content; row %(first)s is kept, this row was not imported"
    ),
    "duplicate_row_same": _("Identical to row %(first)s; not imported again"),
    "name_seen_without_code": _(
        "Row %(first)s has a firm of the same name without a credit code: check whether it is the same firm"
    ),
    "industry_code_invalid": _(
        "The industry code “%(value)s” is not a national industry classification (GB/T 4754) code; not imported"
    ),
    "field_truncated": _("Too long (%(length)s characters, at most %(limit)s); cut short and saved"),
    "same_firm_again": _("Same firm as row %(first)s; this row was not imported, please check"),
    "same_firm_again:same_listed_firm": _(
        "Row %(first)s is the same firm of the register (%(firm)s); this row was not imported, please check"
    ),
    "park_unknown": _(
        "“%(raw)s” is neither a park nor a town (subdistrict) of the system; the row was not put in a park — write the name or code of an existing park"
    ),
    "firm_of_another_organisation": _(
        "This firm is registered by another organisation and you may not change it; this row was not imported"
    ),
    # projects (zhaoshang.pipeline.importing)
    "not_a_number": _("The value “%(raw)s” of “%(column)s” is not a number"),
    "not_a_date": _("The value “%(raw)s” of “%(column)s” is not a date"),
    "unknown_team": _("The investment team “%(raw)s” does not exist or is outside your organisation"),
    "unknown_owner": _("The owner “%(raw)s” is not a user of your organisation"),
    "required": _("“%(column)s” must not be empty"),
    "too_long": _("“%(column)s” has %(length)s characters, at most %(limit)s"),
    "duplicate_row": _("The project “%(raw)s” repeats row %(first)s"),
    "unknown_source": _("The project source “%(raw)s” does not exist"),
    # 12345 appeals (zhaoshang.service.importing; its findings name their row and column)
    "value_unreadable": _("Row %(row)s, %(column)s: “%(raw)s” could not be read"),
    "ticket_missing": _("Row %(row)s, %(column)s: the ticket number is missing"),
    "received_missing": _("Row %(row)s, %(column)s: the time received is missing"),
    "firm_missing": _("Row %(row)s, %(column)s: neither a company name nor a credit code"),
    "response_before_receipt": _(
        "Row %(row)s, %(column)s: the response time is earlier than the time received"
    ),
    "closed_before_receipt": _("Row %(row)s, %(column)s: the closing time is earlier than the time received"),
    "limit_before_receipt": _("Row %(row)s, %(column)s: the time limit is earlier than the date received"),
    "uscc_invalid": _(
        "Row %(row)s, %(column)s: the credit code “%(raw)s” fails its check; the firm is matched by its name"
    ),
    "result_without_closing": _(
        "Row %(row)s, %(column)s: a result but no closing time; counted as not closed"
    ),
    "content_missing": _("Row %(row)s, %(column)s: the appeal's content is empty"),
    "ticket_duplicate": _("Row %(row)s, %(column)s: the ticket number repeats row %(first)s"),
    # indicator tables (zhaoshang.insight.indicators; required and not_a_number are said above)
    "empty": _("The file holds no values to import"),
    "unknown_region": _(
        "The region code “%(raw)s” is not a known administrative division code and no region name is given"
    ),
    "missing_value": _("No value (empty, “-” or “…”); skipped"),
    "bad_year": _("“%(raw)s” is not a year (1900–2100)"),
    "unit_missing": _(
        "The indicator “%(indicator)s” declares no unit (add a unit column, or write it as “%(indicator)s (亿元)”)"
    ),
    "unknown_unit": _("Unknown unit “%(raw)s”"),
    "unit_mismatch": _(
        "The unit “%(raw)s” cannot be converted to the unit “%(unit)s” of the indicator “%(indicator)s”"
    ),
    "duplicate": _("%(region)s %(indicator)s %(year)s repeats row %(first)s"),
}

# Domain errors by code (their parameters are the error's ``params``).
ERROR_MESSAGES: dict[str, Promise] = {
    "out_of_range": _("A number is out of range"),
    "edited_by_someone_else": _(
        "Someone else changed this record since you read it; look at the latest version and fill it in again"
    ),
    "reference_not_visible": _("The chosen record does not exist or is not visible to you"),
    "capital_unparseable": _("The registered capital “%(raw)s” could not be read"),
    "currency_unknown": _("No exchange rate is known for the currency %(currency)s; add it in the settings"),
}


def register_messages(
    app: str, *, errors: Mapping[str, Promise] | None = None, issues: Mapping[str, Promise] | None = None
) -> None:
    """Add an app's English sentences (from its ``AppConfig.ready()``): domain error codes and import finding
    codes of its analytic core."""
    add_sentences(ERROR_MESSAGES, app, errors or {}, "message")
    add_sentences(ISSUE_MESSAGES, app, issues or {}, "message")


def add_sentences(catalogue: dict[str, Promise], app: str, entries: Mapping[str, Promise], kind: str) -> None:
    """Add ``entries`` (code → English sentence) to one catalogue. A code is one sentence product-wide:
    registering it again with another sentence is a mistake in the code, refused at start-up with the app's
    name."""
    for code, sentence in entries.items():
        known = catalogue.get(code)
        if known is not None and _source(known) != _source(sentence):
            raise ImproperlyConfigured(
                f"{app}: the {kind} code {code!r} is already registered with another sentence"
            )
        catalogue[code] = sentence


def _source(sentence: Promise) -> str:
    with override(None):  # the English source sentence, whatever the active language
        return str(sentence)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def say_sentence(entry: Promise | None, params: Mapping[str, Any], fallback: str) -> str:
    """``entry`` (a sentence with ``%(name)s`` parameters) filled with ``params``; ``fallback`` when there is no
    sentence or ``params`` lacks one of its parameters (stored by an older version, or never given)."""
    if entry is None:
        return fallback
    try:
        return str(entry) % dict(params)
    except (KeyError, TypeError, ValueError):  # the finding lacks a parameter of the sentence
        return fallback


def issue_message(issue: RowIssue | Mapping[str, Any]) -> str:
    """One finding (a RowIssue or its stored ``as_dict`` form) in the active language."""
    if isinstance(issue, RowIssue):
        issue = issue.as_dict()
    chinese = str(issue.get("message") or issue.get("message_zh") or "")
    if is_chinese():
        return chinese
    code = str(issue.get("code") or "")
    extra = issue.get("params") or {}
    params = {
        "row": issue.get("row"),
        "column": issue.get("column") or "",
        "raw": issue.get("raw", issue.get("raw_value", "")) or "",
        **extra,
    }
    kind = extra.get("kind") if isinstance(extra, Mapping) else None
    entry = ISSUE_MESSAGES.get(f"{code}:{kind}") if kind else None
    return say_sentence(entry or ISSUE_MESSAGES.get(code), params, chinese)


def translated_issue(issue: RowIssue | Mapping[str, Any]) -> dict[str, Any]:
    """The stored dict form of a finding with its ``message`` in the active language (for pages and reports)."""
    data = issue.as_dict() if isinstance(issue, RowIssue) else dict(issue)
    data["message"] = issue_message(data)
    return data


def error_message(exc: BaseException) -> str:
    """A domain error's message in the active language (its own Chinese message in Chinese)."""
    chinese = exc.message if isinstance(exc, DomainError) else str(exc)
    if is_chinese() or not _CJK.search(chinese):
        return (
            chinese  # an edge's error is translated where it is raised: only a core's Chinese needs its code
        )
    params = getattr(exc, "params", None) or {}
    return say_sentence(ERROR_MESSAGES.get(str(getattr(exc, "code", ""))), params, chinese)
