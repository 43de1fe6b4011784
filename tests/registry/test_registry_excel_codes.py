"""Excel-mangled credit codes (issue #10 item 8): a code that came from a numeric cell is always flagged, even
when its check character happens to agree; so is a code that a CSV carries in scientific notation."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from zhaoshang.registry.core import uscc
from zhaoshang.registry.models import Enterprise, ImportBatch
from zhaoshang.registry.services import import_enterprises
from zhaoshang.tabular import readers

REASON = "Excel 数字格式截断了代码"
# what Excel keeps of 913201143027548xxx: 15 significant digits, then zeros — and this one's check character
# happens to be right, so the check alone would take it for a valid (wrong) code
LUCKY = 913201143027548000
HEADER = ["统一社会信用代码", "企业名称"]


def test_the_lucky_number_really_passes_the_check_character():
    assert uscc.is_valid_code(str(LUCKY))  # the premise: only the numeric cell gives it away


def _mangled_flags(name: str) -> list[dict]:
    firm = Enterprise.objects.get(name=name)
    assert firm.uscc is None, "a mangled code must not become the firm's credit code"
    return [f for f in firm.flags if f["code"] == "uscc_excel_mangled"]


@pytest.mark.parametrize("streamed", [False, True], ids=["calamine", "streaming reader"])
def test_a_code_from_a_numeric_xlsx_cell_is_flagged_whatever_its_check_character(
    cast, write_xlsx, monkeypatch, streamed
):
    if streamed:
        monkeypatch.setattr(readers, "STREAM_XLSX_ROWS", 1)  # the big-file reader, one row at a time
    rows = [
        [LUCKY, "南京幸运校验位科技有限公司"],
        [9.14403003196285e17, "深圳市科学计数法科技有限公司"],
        ["91320114302754800X", "南京另一家科技有限公司"],
        [str(LUCKY), "南京文本格式科技有限公司"],  # a text cell, as typed: nothing says digits were lost
    ]
    result = import_enterprises(cast.officer, write_xlsx(HEADER, rows), cast.bureau)
    assert result.counts["flagged"] == 3  # the two numbers and the bad check character of the third row
    for name in ("南京幸运校验位科技有限公司", "深圳市科学计数法科技有限公司"):
        flags = _mangled_flags(name)
        assert flags and REASON in flags[0]["message"]
    assert Enterprise.objects.get(name="南京幸运校验位科技有限公司").uscc_raw == str(LUCKY)
    assert Enterprise.objects.get(name="南京文本格式科技有限公司").uscc == str(LUCKY)
    mangled_issues = [i for i in result.issues if i["code"] == "uscc_excel_mangled"]
    assert sorted(i["row"] for i in mangled_issues) == [2, 3]
    assert all(REASON in i["message"] for i in mangled_issues)


def test_a_fifteen_digit_number_in_a_numeric_cell_is_still_a_registration_number(cast, write_xlsx):
    result = import_enterprises(
        cast.officer, write_xlsx(HEADER, [[430111000344649, "长沙老注册号有限公司"]]), cast.bureau
    )
    assert not [i for i in result.issues if i["code"] == "uscc_excel_mangled"]
    assert Enterprise.objects.get().reg_no == "430111000344649"


@pytest.mark.parametrize("written", ["9.14403003196285E+17", "9.13201143027548E+17", "9.14403E+17"])
def test_csv_text_in_scientific_notation_is_flagged(cast, write_csv, written):
    result = import_enterprises(
        cast.officer, write_csv(HEADER, [[written, "广东科学计数法有限公司"]]), cast.bureau
    )
    assert result.counts["flagged"] == 1
    assert REASON in _mangled_flags("广东科学计数法有限公司")[0]["message"]


def test_a_valid_code_written_as_text_in_a_csv_is_kept(cast, write_csv):
    import_enterprises(cast.officer, write_csv(HEADER, [[str(LUCKY), "南京文本代码有限公司"]]), cast.bureau)
    assert Enterprise.objects.get().uscc == str(LUCKY)  # text: nothing says a number lost digits


def test_the_cli_import_flags_the_numeric_cell(cast, write_xlsx, capfd):
    path = write_xlsx(HEADER, [[LUCKY, "南京命令行科技有限公司"]])
    call_command("firms", "import", str(path), "--json", "--org", cast.bureau.code)
    out, _err = capfd.readouterr()
    data = json.loads(out)
    assert data["flagged"] == 1
    assert _mangled_flags("南京命令行科技有限公司")


def test_the_web_import_flags_the_numeric_cell_and_shows_the_reason(cast, client_for, write_xlsx):
    path = write_xlsx(HEADER, [[LUCKY, "南京网页导入科技有限公司"]])
    upload = SimpleUploadedFile("firms.xlsx", path.read_bytes(), content_type="application/vnd.ms-excel")
    client = client_for(cast.officer)
    response = client.post(reverse("registry:import_new"), {"file": upload, "organisation": cast.bureau.pk})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.counts["flagged"] == 1
    page = client.get(response["Location"]).content.decode()
    assert REASON in page
    assert _mangled_flags("南京网页导入科技有限公司")


@pytest.mark.parametrize("value", [LUCKY, float(LUCKY), 9.14403003196285e17, 914403003196285123])
def test_the_validator_calls_any_long_number_mangled(value):
    result = uscc.validate(value)
    assert result.is_excel_mangled and REASON in (result.message or "")


def test_the_number_fact_survives_the_readers_text_conversion(tmp_path, write_xlsx):
    path = write_xlsx(HEADER, [[LUCKY, "某公司"]])
    cells = next(iter(readers.open_table(path).rows))[1]
    assert isinstance(cells[0], uscc.NumberText) and cells[0] == str(LUCKY)
    # any string operation drops the fact: the validator reads the cell itself
    assert type(cells[0].strip()) is str
