"""Duplicates inside one file: the first row of a firm wins, later rows never overwrite it.

A row is identified by its credit code, or — when it has none — by the :func:`~.names.name_key` of its name.
A later row with the same identity:

* names a different firm (a different name key for the same code) → **rejected**:
  "同一代码对应不同企业名称，见第N行：请核实是否更名";
* otherwise it is **unchanged** (``duplicate_of`` is set, nothing is written): an identical repeat keeps its
  status with an ``info`` issue, a repeat whose other fields differ is **flagged**, naming the row it repeats.

A row *with* a code whose name was first seen on a row *without* a code stays new (the code is new
information) but is flagged so someone checks that the two rows are the same firm.

:class:`SeenRows` is O(1) per row and memory-frugal: it keeps, per identity, one Python ``int`` key (the 64-bit
hash of the code or name key) and one packed ``int`` value (row number, 20 bits of the name key's hash, 32 bits
of the fingerprint of the other fields) — roughly 100 bytes per firm, ~0.2 GB for a 1,000,000-row file
including the index of names. Hash collisions between different codes happen with probability ~n²/2⁶⁴
(≈ 3·10⁻⁸ for a million rows); collisions on the shortened name or field hashes would only make a repeat look
identical (≈ 10⁻⁶ per repeated row for names, 2·10⁻¹⁰ for fields).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from .rows import FirmRecord, RowIssue, RowOutcome

DUPLICATE_CONFLICT: Final = "duplicate_code_other_name"
DUPLICATE_DIFFERS: Final = "duplicate_row_differs"
DUPLICATE_SAME: Final = "duplicate_row_same"
NAME_SEEN_WITHOUT_CODE: Final = "name_seen_without_code"

_ROW_BITS: Final = 32
_NAME_BITS: Final = 20
_FP_BITS: Final = 32
_NAME_MASK: Final = (1 << _NAME_BITS) - 1
_FP_MASK: Final = (1 << _FP_BITS) - 1
_HAS_CODE: Final = 1 << (_ROW_BITS - 1)  # in the index of names: the first row with this name had a code
_FIRST_ROW: Final = _HAS_CODE - 1


def _pack(row: int, name_hash: int, fingerprint: int) -> int:
    return (((fingerprint & _FP_MASK) << _NAME_BITS | (name_hash & _NAME_MASK)) << _ROW_BITS) | row


class SeenRows:
    """Identities already seen in a file, fed row by row in file order."""

    __slots__ = ("_codes", "_names")

    def __init__(self) -> None:
        self._codes: dict[int, int] = {}
        self._names: dict[int, int] = {}  # name key → first row having it (with or without a code)

    def __len__(self) -> int:
        return len(self._codes) + len(self._names)

    def check(self, outcome: RowOutcome) -> RowOutcome:
        """Record a validated row and return it, updated when it repeats an earlier row."""
        record = outcome.record
        if record is None or outcome.status == "rejected":
            return outcome
        row = outcome.row
        key_hash = hash(record.name_key)
        packed_name = key_hash & _NAME_MASK
        fingerprint = record.fingerprint()

        if record.uscc is not None:
            code_hash = hash(record.uscc)
            earlier = self._codes.get(code_hash)
            if earlier is None:
                self._codes[code_hash] = _pack(row, key_hash, fingerprint)
                first_by_name = self._names.get(key_hash)
                if first_by_name is None:
                    self._names[key_hash] = _pack(row, key_hash, 0) | _HAS_CODE
                elif not first_by_name & _HAS_CODE:
                    first = first_by_name & _FIRST_ROW
                    issue = RowIssue(
                        row,
                        None,
                        record.name,
                        NAME_SEEN_WITHOUT_CODE,
                        f"第{first}行有同名企业但没有统一社会信用代码：请核实是否同一企业",
                        "warning",
                        {"first": first},
                    )
                    return replace(outcome, status="flagged", issues=[*outcome.issues, issue])
                return outcome
            return self._repeat(outcome, record, earlier, packed_name, fingerprint, by_code=True)

        earlier = self._names.get(key_hash)
        if earlier is None:
            self._names[key_hash] = _pack(row, key_hash, fingerprint)
            return outcome
        return self._repeat(outcome, record, earlier, packed_name, fingerprint, by_code=False)

    def _repeat(
        self,
        outcome: RowOutcome,
        record: FirmRecord,
        earlier: int,
        name_hash: int,
        fingerprint: int,
        *,
        by_code: bool,
    ) -> RowOutcome:
        first = earlier & _FIRST_ROW
        if by_code and (earlier >> _ROW_BITS) & _NAME_MASK != name_hash:
            issue = RowIssue(
                outcome.row,
                None,
                record.uscc or "",
                DUPLICATE_CONFLICT,
                f"同一代码对应不同企业名称，见第{first}行：请核实是否更名",
                "error",
                {"first": first},
            )
            return replace(outcome, status="rejected", issues=[*outcome.issues, issue], duplicate_of=first)
        same = earlier >> (_ROW_BITS + _NAME_BITS) == fingerprint & _FP_MASK
        if same:
            issue = RowIssue(
                outcome.row,
                None,
                record.name,
                DUPLICATE_SAME,
                f"与第{first}行完全相同，不再导入",
                "info",
                {"first": first},
            )
            return replace(outcome, issues=[*outcome.issues, issue], duplicate_of=first)
        issue = RowIssue(
            outcome.row,
            None,
            record.name,
            DUPLICATE_DIFFERS,
            f"与第{first}行是同一企业但内容不同；以第{first}行为准，本行未导入，请核对",
            "warning",
            {"first": first},
        )
        return replace(outcome, status="flagged", issues=[*outcome.issues, issue], duplicate_of=first)
