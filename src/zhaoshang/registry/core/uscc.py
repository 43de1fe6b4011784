"""统一社会信用代码 (unified social credit code, GB 32100-2015) and the old 15-digit 工商注册号.

A credit code has 18 characters from ``0-9 A-H J-N P-R T-U W-Y`` (no I, O, S, V, Z):

=========  =====================================================================
position   meaning
=========  =====================================================================
1          registering authority (登记管理部门代码)
2          entity type (机构类别代码)
3–8        region code of the registering authority (GB/T 2260)
9–17       organisation code (主体标识码)
18         check character: weights 1, 3, 9, … over positions 1–17, modulo 31
=========  =====================================================================

Codes arrive messy: lowercase, full-width, with spaces, tabs or Excel's text apostrophe, and very often mangled by
Excel, which stores an all-digit code as a number with 15 significant digits (``914403003196285000``,
``9.14403E+17``). :func:`validate` tells these cases apart so the importer can say what went wrong.

Before 2015 firms had a 15-digit 工商注册号 (GS15001-2006, check digit ISO 7064 MOD 11,10). It is not a credit
code: :func:`validate` recognises it (reason ``registration_number``) so the importer stores it as ``reg_no``.
"""

from __future__ import annotations

import re
import unicodedata
from operator import mul
from typing import Final, NamedTuple

from zhaoshang.tabular.cells import NumberText, cell_text

from .errors import UsccError

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE: Final = {ch: i for i, ch in enumerate(ALPHABET)}
_value_of = _VALUE.__getitem__

_WELL_FORMED = re.compile(r"[0-9A-HJ-NPQRTUW-Y]{18}")
_ILLEGAL = re.compile(r"[^0-9A-HJ-NPQRTUW-Y]")
# Excel's ways of showing a number that used to be a code.
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+?\d{1,2}")
_FLOAT_TEXT = re.compile(r"\d+\.\d*(?:E\+?\d{1,2})?")
_DIGITS = re.compile(r"\d+")
# Characters that surround codes in exports and mean nothing: whitespace, Excel's text apostrophe, quotes.
_STRIP = " \t\r\n\u3000\u00a0'\"`‘’“”"

# Reason codes, in the order :func:`validate` checks them.
OK: Final = "ok"
EMPTY: Final = "empty"
EXCEL_MANGLED: Final = "excel_mangled"
REGISTRATION_NUMBER: Final = "registration_number"
WRONG_LENGTH: Final = "wrong_length"
ILLEGAL_CHARACTER: Final = "illegal_character"
BAD_CHECK_DIGIT: Final = "bad_check_digit"


class UsccResult(NamedTuple):
    """What :func:`validate` found. ``code`` is the normalised text (upper case, half width, no spaces)."""

    raw: str
    code: str
    ok: bool
    reason: str
    message: str | None = None

    @property
    def is_registration_number(self) -> bool:
        """True when the value is an old 15-digit 工商注册号 rather than a credit code."""
        return self.reason == REGISTRATION_NUMBER

    @property
    def is_excel_mangled(self) -> bool:
        return self.reason == EXCEL_MANGLED


def normalise(value: object) -> str:
    """Upper-case, half-width text without surrounding spaces, quotes or inner whitespace."""
    text = cell_text(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.strip(_STRIP)
    if " " in text or "\t" in text:
        text = "".join(text.split())
    return text.upper()


def _weighted_sum(first17: str) -> int:
    return sum(map(mul, map(_value_of, first17), WEIGHTS))


def is_valid_code(code: str) -> bool:
    """Fast check of text that is already normalised (upper case, no spaces): is it a valid credit code?"""
    return (
        len(code) == 18
        and _WELL_FORMED.fullmatch(code) is not None
        and ALPHABET[(31 - _weighted_sum(code[:17]) % 31) % 31] == code[17]
    )


def check_char(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a credit code."""
    text = normalise(first17)
    if len(text) != 17:
        raise UsccError(
            f"计算校验位需要17位字符，收到{len(text)}位：“{first17}”",
            code="uscc_check_needs_17",
            length=len(text),
            raw=first17,
        )
    bad = _ILLEGAL.findall(text)
    if bad:
        chars = "".join(dict.fromkeys(bad))
        raise UsccError(
            f"统一社会信用代码不能含有字符“{chars}”：“{first17}”",
            code="uscc_illegal_characters",
            chars=chars,
            raw=first17,
        )
    return ALPHABET[(31 - _weighted_sum(text) % 31) % 31]


def registration_number_ok(reg_no: str) -> bool:
    """Whether a 15-digit 工商注册号 passes its ISO 7064 MOD 11,10 check digit (GS15001-2006)."""
    if len(reg_no) != 15 or not reg_no.isdigit():
        return False
    p = 10
    for ch in reg_no[:14]:
        s = (p + ord(ch) - 48) % 10 or 10
        p = (s * 2) % 11
    return (11 - p) % 10 == ord(reg_no[14]) - 48


#: The reason shown for every Excel-mangled code (issue #10).
MANGLED_REASON: Final = "Excel 数字格式截断了代码"


def _mangled_message(raw: str) -> str:
    return (
        f"{MANGLED_REASON}：统一社会信用代码“{raw}”已被Excel按数字保存，末几位已丢失，无法恢复；"
        "请在源系统中把该列设为文本格式后重新导出"
    )


def validate(value: object) -> UsccResult:
    """Check a credit code and say precisely what is wrong with it.

    A value that came from a numeric spreadsheet cell (:class:`NumberText`, or an int or float given directly)
    with more than 15 digits is always ``excel_mangled``, whatever its check character says; so is text in
    scientific notation (a CSV that Excel saved: ``9.14403003196285E+17``).

    ``reason`` is one of ``ok``, ``empty``, ``excel_mangled``, ``registration_number`` (a valid-looking 15-digit
    工商注册号, not a credit code), ``wrong_length``, ``illegal_character``, ``bad_check_digit``; ``message`` is a
    Chinese sentence for the user (``None`` when ok or empty).
    """
    raw = cell_text(value)
    code = normalise(raw)
    if (
        isinstance(raw, NumberText)
        and len(code) > 15
        and (_DIGITS.fullmatch(code) or _FLOAT_TEXT.fullmatch(code))
    ):
        # a numeric cell keeps 15 significant digits: the rest were lost, even when the check character agrees
        return UsccResult(raw, code, False, EXCEL_MANGLED, _mangled_message(raw.strip()))
    if _WELL_FORMED.fullmatch(code):
        if ALPHABET[(31 - _weighted_sum(code[:17]) % 31) % 31] == code[17]:
            return UsccResult(raw, code, True, OK)
        if code.endswith("000") and code.isdigit():
            return UsccResult(raw, code, False, EXCEL_MANGLED, _mangled_message(raw.strip()))
        return UsccResult(
            raw,
            code,
            False,
            BAD_CHECK_DIGIT,
            f"统一社会信用代码“{code}”校验位错误（应为{check_char(code[:17])}），请核对是否抄错",
        )
    if not code:
        return UsccResult(raw, code, False, EMPTY)
    if _DIGITS.fullmatch(code):
        if len(code) == 15:
            return UsccResult(
                raw, code, False, REGISTRATION_NUMBER, f"“{code}”是15位工商注册号，不是统一社会信用代码"
            )
        if len(code) > 15 and code.endswith("000"):
            return UsccResult(raw, code, False, EXCEL_MANGLED, _mangled_message(raw.strip()))
    elif _SCIENTIFIC.fullmatch(code) or (_FLOAT_TEXT.fullmatch(code) and len(code) >= 15):
        return UsccResult(raw, code, False, EXCEL_MANGLED, _mangled_message(raw.strip()))
    if len(code) != 18:
        return UsccResult(
            raw, code, False, WRONG_LENGTH, f"统一社会信用代码应为18位，“{code}”为{len(code)}位"
        )
    bad = "".join(dict.fromkeys(_ILLEGAL.findall(code)))
    return UsccResult(
        raw,
        code,
        False,
        ILLEGAL_CHARACTER,
        f"统一社会信用代码“{code}”含有不允许的字符“{bad}”（代码中不使用I、O、S、V、Z）",
    )


def is_valid(value: object) -> bool:
    """Shorthand for ``validate(value).ok``."""
    return validate(value).ok


def region_code(value: object) -> str | None:
    """Region code of the registering authority (positions 3–8), or ``None`` when the value has none.

    The check character is not verified here: call :func:`validate` first when that matters.
    """
    code = normalise(value)
    if len(code) != 18:
        return None
    region = code[2:8]
    return region if region.isdigit() else None
