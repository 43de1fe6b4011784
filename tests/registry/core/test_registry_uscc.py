from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from zhaoshang.registry.core import uscc
from zhaoshang.registry.core.errors import UsccError

first17s = st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17)


def make(first17: str) -> str:
    return first17 + uscc.check_char(first17)


@given(first17s)
def test_a_code_completed_with_its_computed_check_character_is_valid(first17: str) -> None:
    result = uscc.validate(make(first17))
    assert result.ok
    assert result.reason == uscc.OK


@given(first17s, st.integers(min_value=0, max_value=17), st.sampled_from(uscc.ALPHABET))
def test_changing_any_single_character_of_a_valid_code_makes_it_invalid(
    first17: str, position: int, new: str
) -> None:
    code = make(first17)
    if code[position] == new:
        new = uscc.ALPHABET[(uscc.ALPHABET.index(new) + 1) % 31]
    changed = code[:position] + new + code[position + 1 :]
    result = uscc.validate(changed)
    assert not result.ok
    assert result.reason in {uscc.BAD_CHECK_DIGIT, uscc.EXCEL_MANGLED}


def test_it_accepts_real_credit_codes() -> None:
    for code in ("91430111355525404W", "9144030008460541XW", "91310110MA1G8BTT9T"):
        assert uscc.validate(code).ok


def test_it_rejects_a_credit_code_with_a_bad_check_digit() -> None:
    result = uscc.validate("91430111355525404X")
    assert result.reason == uscc.BAD_CHECK_DIGIT
    assert "校验位" in (result.message or "")
    assert "应为W" in (result.message or "")


def test_it_normalises_lowercase_full_width_and_surrounding_spaces() -> None:
    for raw in (
        " 91430111355525404w ",
        "９１４３０１１１３５５５２５４０４Ｗ",
        "\t91430111355525404W",
        "'91430111355525404W",
    ):
        result = uscc.validate(raw)
        assert result.ok, raw
        assert result.code == "91430111355525404W"


@pytest.mark.parametrize(
    "raw",
    ["914403003196285000", "9.14403E+17", "9.1440300319628e+17", "914403003196285000.0", 9.14403003196285e17],
)
def test_it_reports_codes_that_excel_stored_as_numbers(raw: object) -> None:
    result = uscc.validate(raw)
    assert result.reason == uscc.EXCEL_MANGLED
    assert result.is_excel_mangled
    assert "Excel" in (result.message or "")
    assert "文本" in (result.message or "") and "重新导出" in (result.message or "")


def test_a_valid_code_that_happens_to_end_in_zeros_is_not_called_mangled() -> None:
    first17 = next(
        f"91440300{n:06d}000"[:17] for n in range(10**6) if uscc.check_char(f"91440300{n:06d}000"[:17]) == "0"
    )
    assert uscc.validate(first17 + "0").ok


def test_it_recognises_an_old_fifteen_digit_registration_number() -> None:
    result = uscc.validate("430111000344649")
    assert result.is_registration_number
    assert not result.ok
    assert uscc.registration_number_ok("430111000344649")
    assert not uscc.registration_number_ok("430111000344648")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", uscc.EMPTY),
        ("9143011135552540", uscc.WRONG_LENGTH),
        ("91430111355525404WW", uscc.WRONG_LENGTH),
        ("9143011135552540IW", uscc.ILLEGAL_CHARACTER),
        ("91430111355525404O", uscc.ILLEGAL_CHARACTER),
    ],
)
def test_it_names_what_is_wrong_with_a_malformed_code(raw: str, reason: str) -> None:
    result = uscc.validate(raw)
    assert result.reason == reason
    assert not result.ok


def test_check_char_refuses_a_prefix_of_the_wrong_length_or_with_illegal_characters() -> None:
    with pytest.raises(UsccError):
        uscc.check_char("9143011135552540")
    with pytest.raises(UsccError):
        uscc.check_char("9143011135552540I")
    assert uscc.check_char("91430111355525404") == "W"


def test_region_code_is_positions_three_to_eight() -> None:
    assert uscc.region_code("91430111355525404W") == "430111"
    assert uscc.region_code(" 9144030008460541xw") == "440300"
    assert uscc.region_code("430111000344649") is None
    assert uscc.region_code("91AB0111355525404W") is None


@given(first17s, st.integers(min_value=0, max_value=17), st.characters(blacklist_categories=("Cs",)))
def test_replacing_any_character_by_any_other_character_is_never_accepted(
    first17: str, position: int, new: str
) -> None:
    code = make(first17)
    changed = code[:position] + new + code[position + 1 :]
    # lower case, full width or a quote around the code are the same code written differently
    assume(uscc.normalise(changed) != code)
    assert not uscc.validate(changed).ok
    assert not uscc.is_valid_code(uscc.normalise(changed))


@given(first17s, st.integers(min_value=0, max_value=16))
def test_swapping_two_neighbouring_different_characters_is_caught(first17: str, position: int) -> None:
    code = make(first17)
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not uscc.validate(swapped).ok
