"""Validate one mapped row of a registry export into a canonical :class:`FirmRecord`.

Each row ends in one of three states:

* ``rejected`` — nothing can be imported: the row has no company name, or cannot be read at all;
* ``flagged`` — imported, but something is doubtful and the raw value is kept for a person to check: a credit
  code whose check digit fails or that Excel mangled (the code is stored as null, the raw text in
  ``uscc_raw``), a capital or a date that cannot be read, a date in the future, two name columns that disagree;
* ``ok``.

Every finding is a :class:`RowIssue` with the row number the user sees, the column header, the raw value and a
Chinese message; ``severity`` is ``error`` (rejects), ``warning`` (flags) or ``info`` (neither).

Region: the file's region-code column if valid; else positions 3–8 of a valid credit code; else the first six
digits of a 15-digit 工商注册号; else ``region_lookup(address)``. A code at city or province level (ending in 00)
is refined by ``region_lookup`` when the address names a county inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from zhaoshang.core.errors import DomainError
from zhaoshang.tabular.dates import parse_date
from zhaoshang.tabular.issues import RowIssue

from . import uscc as uscc_mod
from .capital import PlainUnit, parse_capital, unit_from_header
from .headers import HeaderMapping
from .names import clean_name, name_key

Status = Literal["ok", "flagged", "rejected"]
RegionLookup = Callable[[str], str | None]

# Issue codes.
MISSING_NAME: Final = "missing_name"
ROW_UNREADABLE: Final = "row_unreadable"
NAME_FROM_ALTERNATE: Final = "name_from_alternate"
NAME_COLUMNS_DISAGREE: Final = "name_columns_disagree"
USCC_BAD_CHECK_DIGIT: Final = "uscc_bad_check_digit"
USCC_EXCEL_MANGLED: Final = "uscc_excel_mangled"
USCC_WRONG_LENGTH: Final = "uscc_wrong_length"
USCC_ILLEGAL_CHARACTER: Final = "uscc_illegal_character"
USCC_IS_REGISTRATION_NUMBER: Final = "uscc_is_registration_number"
USCC_FROM_REG_NO_COLUMN: Final = "uscc_from_reg_no_column"
REG_NO_CHECK_FAILED: Final = "reg_no_check_failed"
CAPITAL_UNPARSEABLE: Final = "capital_unparseable"
FOUNDED_UNPARSEABLE: Final = "founded_unparseable"
FOUNDED_IN_FUTURE: Final = "founded_in_future"
NUMBER_UNPARSEABLE: Final = "number_unparseable"
REGION_CODE_INVALID: Final = "region_code_invalid"

_USCC_ISSUE: Final = {
    uscc_mod.BAD_CHECK_DIGIT: USCC_BAD_CHECK_DIGIT,
    uscc_mod.EXCEL_MANGLED: USCC_EXCEL_MANGLED,
    uscc_mod.WRONG_LENGTH: USCC_WRONG_LENGTH,
    uscc_mod.ILLEGAL_CHARACTER: USCC_ILLEGAL_CHARACTER,
}
_TAG_SPLIT = re.compile(r"[,，;；、|/\s]+")
_REGION_CODE = re.compile(r"\d{6}")
_INT = re.compile(r"(\d+)(?:\.0+)?(?:人|名)?")
MAX_EMPLOYEE_DIGITS: Final = 9  # fits the database column (a 32-bit integer)
_LISTED_NO = frozenset({"否", "n", "no", "false", "0", "未上市", "非上市", "不是", "无"})
_LISTED_YES = frozenset({"是", "y", "yes", "true", "1", "已上市", "上市", "上市公司"})
_SCALE_YES = frozenset(
    {"是", "y", "yes", "true", "1", "规上", "规上企业", "规模以上", "规模以上企业", "规上工业", "规上服务业"}
)
_SCALE_NO = frozenset(
    {"否", "n", "no", "false", "0", "规下", "规下企业", "规模以下", "规模以下企业", "不是", "无"}
)
# Size classes (大型/中型/小型/微型) say nothing certain about the statistical threshold: left unset, no finding.
_SIZE_CLASSES = frozenset({"大型", "中型", "小型", "微型", "大型企业", "中型企业", "小型企业", "微型企业"})
_STOCK_CODE = re.compile(r"\d{4,6}(?:\.(?:sh|sz|bj|hk))?|(?:sh|sz|bj|hk)\d{4,6}")


def parse_listed(raw: str) -> bool | None:
    """Whether a 是否上市 cell says listed: 是/否, yes/no, 1/0, 已上市/未上市, a stock code (600458.SH); None if unclear."""
    text = raw.strip().lower()
    if text in _LISTED_NO:
        return False
    if text in _LISTED_YES or _STOCK_CODE.fullmatch(text):
        return True
    if "上市" in text and not any(w in text for w in ("未", "非", "拟", "退市")):
        return True  # 已在深交所上市, A股上市, 港股上市
    return None


def parse_above_scale(raw: str) -> bool | None:
    """Whether a 是否规上 / 企业规模 cell says 规上: 是/否, 规上/规下, 规模以上/规模以下, 1/0; None if unclear."""
    text = raw.strip().lower().replace(" ", "")
    if text in _SCALE_YES:
        return True
    if text in _SCALE_NO:
        return False
    if any(w in text for w in ("规下", "规模以下", "非规", "不是", "未达")):
        return False
    if "规上" in text or "规模以上" in text:
        return True
    return None


@dataclass(slots=True)
class FirmRecord:
    """A firm as one row of an export describes it; amounts in 万 (capital in its own currency)."""

    name: str
    name_key: str
    uscc: str | None = None
    uscc_raw: str | None = None
    reg_no: str | None = None
    short_name: str | None = None
    legal_rep: str | None = None
    founded: date | None = None
    capital_wan: Decimal | None = None
    currency: str | None = None
    capital_raw: str | None = None
    address: str | None = None
    region_code: str | None = None
    industry_code: str | None = None
    scope: str | None = None
    description: str | None = None
    status: str | None = None
    company_type: str | None = None
    website: str | None = None
    employees: int | None = None
    revenue: Decimal | None = None
    tax: Decimal | None = None
    tags: tuple[str, ...] = ()
    listed: bool | None = None
    above_scale: bool | None = None
    park: str | None = None  # the park's name as written; the import resolves it to a park organisation

    def fingerprint(self) -> int:
        """Hash of everything a repeated row could change (used to tell an identical repeat from a changed one)."""
        return hash(
            (
                self.name,
                self.uscc,
                self.uscc_raw,
                self.reg_no,
                self.short_name,
                self.legal_rep,
                self.founded,
                self.capital_wan,
                self.currency,
                self.address,
                self.region_code,
                self.industry_code,
                self.scope,
                self.description,
                self.status,
                self.company_type,
                self.website,
                self.employees,
                self.revenue,
                self.tax,
                self.tags,
                self.listed,
                self.above_scale,
                self.park,
            )
        )


@dataclass(slots=True)
class RowOutcome:
    row: int
    status: Status
    record: FirmRecord | None
    issues: list[RowIssue] = field(default_factory=list)
    duplicate_of: int | None = None  # set by SeenRows: the earlier row this one repeats

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return uscc_mod.cell_text(value).strip()


class RowValidator:
    """Validates rows of one file; built once per file so each row costs only the checks themselves."""

    def __init__(
        self,
        mapping: HeaderMapping,
        *,
        capital_unit_hint: str | None = None,
        region_lookup: RegionLookup | None = None,
        today: date | None = None,
    ) -> None:
        self.mapping = mapping
        self.today = today or date.today()
        self.region_lookup = region_lookup
        hint = capital_unit_hint if capital_unit_hint is not None else mapping.unit_hints.get("capital")
        unit = unit_from_header(hint) if hint else None
        self.plain_unit: PlainUnit | None = unit[0] if unit else None
        self.plain_currency = unit[1] if unit else "CNY"
        self._money_units = {
            f: (unit_from_header(mapping.unit_hints[f]) if f in mapping.unit_hints else None) or ("万", "CNY")
            for f in ("revenue", "tax")
        }
        f = mapping.fields
        self.name_cols = mapping.columns_for("name")
        self.uscc_cols = mapping.columns_for("uscc")
        self.simple = tuple(
            (name, f[name])
            for name in (
                "short_name",
                "legal_rep",
                "address",
                "industry_code",
                "scope",
                "description",
                "status",
                "company_type",
                "website",
            )
            if name in f
        )
        self.col = {
            name: f.get(name)
            for name in (
                "reg_no",
                "capital",
                "founded",
                "region_code",
                "employees",
                "revenue",
                "tax",
                "tags",
                "listed",
                "above_scale",
                "park",
            )
        }
        self.headers = mapping.headers
        self.has_numbers = any(
            self.col[f] is not None
            for f in ("employees", "revenue", "tax", "tags", "listed", "above_scale", "park")
        )

    def _header(self, index: int) -> str:
        return self.mapping.header_of(index)

    def validate(self, row_number: int, cells: Sequence[object]) -> RowOutcome:
        try:
            return self._validate(row_number, cells)
        except (
            ValueError,
            ArithmeticError,
            TypeError,
            AttributeError,
            IndexError,
        ) as exc:  # never stop the file
            issue = RowIssue(
                row_number,
                None,
                "",
                ROW_UNREADABLE,
                f"第{row_number}行无法读取：{exc}",
                "error",
                {"error": str(exc)},
            )
            return RowOutcome(row_number, "rejected", None, [issue])

    def _validate(self, row_number: int, cells: Sequence[object]) -> RowOutcome:
        n = len(cells)
        issues: list[RowIssue] = []

        # name: the first non-empty of the name columns, the fuller legal name first
        name = ""
        used = -1
        for i in self.name_cols:
            if i < n:
                name = _text(cells[i])
                if name:
                    used = i
                    break
        if not name:
            cols = "、".join(f"“{self._header(i)}”" for i in self.name_cols)
            issues.append(
                RowIssue(
                    row_number,
                    self._header(self.name_cols[0]),
                    "",
                    MISSING_NAME,
                    f"缺少企业名称（{cols}列均为空）",
                    "error",
                    {"columns": ", ".join(self._header(i) for i in self.name_cols)},
                )
            )
            return RowOutcome(row_number, "rejected", None, issues)
        name = clean_name(name)
        key = name_key(name)
        primary = self.name_cols[0]
        if used != primary:
            issues.append(
                RowIssue(
                    row_number,
                    self._header(used),
                    name,
                    NAME_FROM_ALTERNATE,
                    f"“{self._header(primary)}”为空，企业名称取自“{self._header(used)}”列",
                    "info",
                    {"primary": self._header(primary)},
                )
            )
        for i in self.name_cols:
            if i != used and i < n:
                other = _text(cells[i])
                if other and other != name and name_key(other) != key:
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(i),
                            other,
                            NAME_COLUMNS_DISAGREE,
                            f"“{self._header(used)}”为“{name}”，而“{self._header(i)}”为“{other}”：请核实是否更名或填错",
                            "warning",
                            {"used": self._header(used), "name": name},
                        )
                    )
        record = FirmRecord(name=name, name_key=key)

        for fname, i in self.simple:
            if i < n:
                value = cells[i]
                value = value.strip() if value.__class__ is str else _text(value)
                if value:
                    setattr(record, fname, value)

        # credit code (an 18-character code may also sit in the reg_no column, a 15-digit number in the uscc one)
        col = self.col
        reg_no = ""
        ri = col["reg_no"]
        if ri is not None and ri < n:
            reg_no = uscc_mod.normalise(cells[ri])
        for i in self.uscc_cols:
            raw = cells[i] if i < n else ""
            if not raw:
                continue
            if raw.__class__ is str and uscc_mod.is_valid_code(raw):  # the common case, without normalising
                record.uscc = raw  # type: ignore[assignment]
                break
            result = uscc_mod.validate(raw)
            if result.ok:
                record.uscc = result.code
            elif result.reason == uscc_mod.EMPTY:
                continue
            elif result.reason == uscc_mod.REGISTRATION_NUMBER:
                issues.append(
                    RowIssue(
                        row_number,
                        self._header(i),
                        result.raw,
                        USCC_IS_REGISTRATION_NUMBER,
                        f"{result.message}，已作为工商注册号保存",
                        "info",
                    )
                )
                reg_no = reg_no or result.code
            else:
                record.uscc_raw = result.raw.strip()
                issues.append(
                    RowIssue(
                        row_number,
                        self._header(i),
                        result.raw,
                        _USCC_ISSUE[result.reason],
                        result.message or "",
                        "warning",
                    )
                )
            break
        if reg_no:
            if (
                record.uscc is None
                and record.uscc_raw is None
                and len(reg_no) == 18
                and uscc_mod.is_valid(reg_no)
            ):
                record.uscc = reg_no
                issues.append(
                    RowIssue(
                        row_number,
                        self._header(ri) if ri is not None else None,
                        reg_no,
                        USCC_FROM_REG_NO_COLUMN,
                        "注册号列中是统一社会信用代码，已作为信用代码保存",
                        "info",
                    )
                )
            else:
                record.reg_no = reg_no
                if len(reg_no) == 15 and reg_no.isdigit() and not uscc_mod.registration_number_ok(reg_no):
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(ri) if ri is not None else None,
                            reg_no,
                            REG_NO_CHECK_FAILED,
                            f"工商注册号“{reg_no}”校验位不符，请核对",
                            "info",
                        )
                    )

        # registered capital
        ci = col["capital"]
        if ci is not None and ci < n:
            raw_cap = cells[ci]
            if raw_cap != "":
                record.capital_raw = _text(raw_cap)
                try:
                    cap = parse_capital(
                        raw_cap, plain_unit=self.plain_unit, plain_currency=self.plain_currency
                    )
                except DomainError as exc:
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(ci),
                            record.capital_raw,
                            CAPITAL_UNPARSEABLE,
                            str(exc),
                            "warning",
                        )
                    )
                else:
                    if cap is not None:
                        record.capital_wan, record.currency = cap

        # founding date
        fi = col["founded"]
        if fi is not None and fi < n:
            raw_date = cells[fi]
            if raw_date != "":
                try:
                    parsed = parse_date(raw_date, today=self.today)
                except DomainError as exc:
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(fi),
                            _text(raw_date),
                            FOUNDED_UNPARSEABLE,
                            str(exc),
                            "warning",
                        )
                    )
                else:
                    if parsed is not None:
                        record.founded = parsed.value
                        if parsed.in_future:
                            issues.append(
                                RowIssue(
                                    row_number,
                                    self._header(fi),
                                    _text(raw_date),
                                    FOUNDED_IN_FUTURE,
                                    f"成立日期{parsed.value.isoformat()}晚于今天，请核对",
                                    "warning",
                                    {"date": parsed.value.isoformat()},
                                )
                            )

        if self.has_numbers:
            self._numbers(row_number, cells, n, record, issues)
        self._region(row_number, cells, n, record, issues)

        status: Status = "ok"
        for issue in issues:
            if issue.severity == "warning":
                status = "flagged"
        return RowOutcome(row_number, status, record, issues)

    def _numbers(
        self, row_number: int, cells: Sequence[object], n: int, record: FirmRecord, issues: list[RowIssue]
    ) -> None:
        col = self.col
        ei = col["employees"]
        if ei is not None and ei < n:
            raw = _text(cells[ei])
            if raw:
                m = _INT.fullmatch(raw.replace(",", ""))
                if m and len(m.group(1)) <= MAX_EMPLOYEE_DIGITS:
                    record.employees = int(m.group(1))
                else:
                    reason = f"从业人数“{raw}”过大，请核对" if m else f"从业人数“{raw}”不是整数"
                    kind = "employees_too_large" if m else "employees_not_integer"
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(ei),
                            raw,
                            NUMBER_UNPARSEABLE,
                            reason,
                            "warning",
                            {"kind": kind},
                        )
                    )
        for fname in ("revenue", "tax"):
            i = col[fname]
            if i is None or i >= n:
                continue
            raw_obj = cells[i]
            if raw_obj == "":
                continue
            unit, currency = self._money_units[fname]
            try:
                money = parse_capital(raw_obj, plain_unit=unit, plain_currency=currency)
            except ValueError:
                money = None
                in_yuan = False
            else:
                in_yuan = money is None or money.currency == "CNY"  # revenue and tax are in yuan only
            if not in_yuan:
                raw = _text(raw_obj)
                label = "营业收入" if fname == "revenue" else "纳税额"
                issues.append(
                    RowIssue(
                        row_number,
                        self._header(i),
                        raw,
                        NUMBER_UNPARSEABLE,
                        f"{label}“{raw}”无法识别为人民币金额",
                        "warning",
                        {"kind": fname},
                    )
                )
            elif money is not None:
                setattr(record, fname, money.amount_wan)
        ti = col["tags"]
        if ti is not None and ti < n:
            raw = _text(cells[ti])
            if raw:
                record.tags = tuple(t for t in _TAG_SPLIT.split(raw) if t)
        li = col["listed"]
        if li is not None and li < n:
            raw = _text(cells[li])
            if raw:
                listed = parse_listed(raw)
                if listed is None:
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(li),
                            raw,
                            NUMBER_UNPARSEABLE,
                            f"是否上市“{raw}”无法识别，请填写“是”或“否”",
                            "warning",
                            {"kind": "listed"},
                        )
                    )
                else:
                    record.listed = listed
        si = col["above_scale"]
        if si is not None and si < n:
            raw = _text(cells[si])
            if raw:
                above = parse_above_scale(raw)
                if above is not None:
                    record.above_scale = above
                elif raw not in _SIZE_CLASSES:
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(si),
                            raw,
                            NUMBER_UNPARSEABLE,
                            f"是否规上“{raw}”无法识别，请填写“是”或“否”（或“规上”“规下”）",
                            "warning",
                            {"kind": "above_scale"},
                        )
                    )
        pi = col["park"]
        if pi is not None and pi < n:
            raw = _text(cells[pi])
            if raw:
                record.park = raw

    def _region(
        self, row_number: int, cells: Sequence[object], n: int, record: FirmRecord, issues: list[RowIssue]
    ) -> None:
        region: str | None = None
        gi = self.col["region_code"]
        if gi is not None and gi < n:
            raw = _text(cells[gi])
            if raw:
                digits = raw[:6] if raw.isdigit() and len(raw) in (6, 9, 12) else raw  # 12-digit NBS codes
                if _REGION_CODE.fullmatch(digits):
                    region = digits
                else:
                    issues.append(
                        RowIssue(
                            row_number,
                            self._header(gi),
                            raw,
                            REGION_CODE_INVALID,
                            f"行政区划代码“{raw}”不是6位数字",
                            "info",
                        )
                    )
        if region is None and record.uscc is not None:
            candidate = record.uscc[2:8]
            if candidate.isdigit() and candidate != "000000":
                region = candidate
        if region is None and record.reg_no and len(record.reg_no) == 15 and record.reg_no.isdigit():
            candidate = record.reg_no[:6]
            if candidate != "000000":
                region = candidate
        lookup = self.region_lookup
        if lookup is not None and record.address and (region is None or region.endswith("00")):
            found = lookup(record.address)
            # a code from the credit code is only refined within itself (the address may name another place)
            if found and (
                region is None or found.startswith(region[:2] if region.endswith("0000") else region[:4])
            ):
                region = found
        record.region_code = region


_VALIDATORS: dict[int, tuple[HeaderMapping, tuple[object, ...], RowValidator]] = {}


def validate_row(
    row_number: int,
    cells: Sequence[object],
    mapping: HeaderMapping,
    *,
    capital_unit_hint: str | None = None,
    region_lookup: RegionLookup | None = None,
    today: date | None = None,
) -> RowOutcome:
    """Validate one row; see :class:`RowValidator` to validate the rows of a whole file without re-planning."""
    settings = (capital_unit_hint, region_lookup, today)
    cached = _VALIDATORS.get(id(mapping))
    if cached is None or cached[0] is not mapping or cached[1] != settings:
        if len(_VALIDATORS) > 32:
            _VALIDATORS.clear()
        validator = RowValidator(
            mapping, capital_unit_hint=capital_unit_hint, region_lookup=region_lookup, today=today
        )
        _VALIDATORS[id(mapping)] = (mapping, settings, validator)
    else:
        validator = cached[2]
    return validator.validate(row_number, cells)
