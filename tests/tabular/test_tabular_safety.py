"""Hostile files are refused before any reader touches them, on every import, CLI and web alike."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.tabular.safety import (
    FileRefused,
    ImportLimits,
    check_spreadsheet,
    looks_binary,
    parse_cell_ref,
    safe_yaml_load,
)

XLSX_KINDS = ("huge_dimension", "far_cells", "far_reference", "width_bomb", "zip_bomb", "many_entries")


@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_each_hostile_workbook_is_refused_quickly_naming_the_file(hostile, kind):
    path = getattr(hostile, kind)()
    started = time.monotonic()
    with pytest.raises(FileRefused) as refused:
        check_spreadsheet(path)
    assert time.monotonic() - started < 60
    assert path.name in str(refused.value)
    assert any(word in str(refused.value) for word in ("上限", "超出Excel"))


def test_a_cell_reference_is_parsed_within_excels_grid():
    assert parse_cell_ref("A1") == (1, 1)
    assert parse_cell_ref("XFD1048576") == (1_048_576, 16_384)
    assert parse_cell_ref("XFE1") is None
    assert parse_cell_ref("A1048577") is None
    assert parse_cell_ref("ZZZZZZZZZ2") is None


def test_an_ordinary_workbook_passes_and_reports_its_extent(hostile):
    rows = hostile.header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>株洲</t></is></c></row>'
    check = check_spreadsheet(hostile.xlsx("ok.xlsx", hostile.sheet(rows, "A1:B2")))
    [sheet] = check.sheets
    assert (sheet.rows, sheet.columns, sheet.declared_rows, sheet.declared_columns) == (2, 2, 2, 2)


def test_a_cell_far_below_its_row_tag_still_counts(hostile):
    rows = hostile.header_row() + '<row r="2"><c r="XFD199999" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(FileRefused, match="单元格上限"):
        check_spreadsheet(hostile.xlsx("hidden.xlsx", hostile.sheet(rows)))


def test_the_limits_come_from_the_environment_and_a_bad_value_is_named():
    limits = ImportLimits.from_environ(
        {
            "ZHAOSHANG_IMPORT_MAX_ROWS": "10",
            "ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB": "5",
            "ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO": "20",
        }
    )
    assert (limits.max_rows, limits.max_uncompressed_mb, limits.max_compression_ratio) == (10, 5, 20.0)
    assert ImportLimits.from_environ({}).max_compression_ratio == 100
    with pytest.raises(ValueError, match="ZHAOSHANG_IMPORT_MAX_ROWS"):
        ImportLimits.from_environ({"ZHAOSHANG_IMPORT_MAX_ROWS": "many"})


def test_the_row_limit_refuses_a_longer_sheet(hostile, monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_IMPORT_MAX_ROWS", "3")
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(1, 6))
    with pytest.raises(FileRefused, match="ZHAOSHANG_IMPORT_MAX_ROWS"):
        check_spreadsheet(hostile.xlsx("rows.xlsx", hostile.sheet(rows)))


def test_the_uncompressed_size_limit_refuses_a_big_archive(hostile, monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB", "1")
    monkeypatch.setenv("ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO", "100000")
    with pytest.raises(FileRefused, match="ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB"):
        check_spreadsheet(hostile.zip_bomb(megabytes=2))


def test_billion_laughs_and_deep_nesting_are_refused_before_anything_is_built(hostile):
    with pytest.raises(Exception, match="十亿笑声"):
        safe_yaml_load(hostile.billion_laughs().read_text())
    with pytest.raises(Exception, match="嵌套超过"):
        safe_yaml_load(hostile.deep_yaml().read_text())
    assert safe_yaml_load("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_binary_content_is_told_from_text():
    assert looks_binary(bytes(range(256)) * 4)
    assert looks_binary(b"\x7fELF" + b"a" * 100)
    assert not looks_binary("企业名称,代码\n株洲\x00甲,1\n".encode())
    assert not looks_binary("名称".encode("utf-16"))


# ------------------------------------------------------------------------------------------- the imports


def _command(*args):
    call_command(*args, stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_the_registry_command_refuses_a_hostile_workbook_and_records_the_batch_as_refused(
    cast, hostile, kind
):
    from zhaoshang.registry.models import Enterprise, ImportBatch

    path = getattr(hostile, kind)()
    with pytest.raises(CommandError, match=path.name):
        _command("firms", "import", str(path), "--org", cast.bureau.code)
    assert Enterprise.objects.count() == 0
    assert list(ImportBatch.objects.values_list("status", flat=True)) == [ImportBatch.Status.REFUSED]


@pytest.mark.django_db
def test_the_registry_command_refuses_a_binary_file(cast, hostile):
    path = hostile.binary("firms.csv")
    with pytest.raises(CommandError, match="二进制"):
        _command("firms", "import", str(path), "--org", cast.bureau.code)


@pytest.mark.django_db
def test_the_registry_command_refuses_a_csv_longer_than_the_row_limit(cast, tmp_path, monkeypatch):
    from zhaoshang.registry.models import Enterprise, ImportBatch

    monkeypatch.setenv("ZHAOSHANG_IMPORT_MAX_ROWS", "2")
    path = tmp_path / "long.csv"
    path.write_text("企业名称\n" + "".join(f"株洲{i}科技有限公司\n" for i in range(5)), encoding="utf-8")
    with pytest.raises(CommandError, match="ZHAOSHANG_IMPORT_MAX_ROWS"):
        _command("firms", "import", str(path), "--org", cast.bureau.code)
    assert Enterprise.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.REFUSED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["far_cells", "width_bomb", "far_reference", "zip_bomb"])
def test_a_web_registry_import_of_a_hostile_workbook_ends_refused_and_its_rerun_does_no_harm(
    cast, hostile, kind, settings, tmp_path, client_for
):
    from zhaoshang.registry.models import Enterprise, ImportBatch

    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"
    path = getattr(hostile, kind)()
    client = client_for(cast.officer)
    response = client.post(
        "/registry/imports/new/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "organisation": cast.bureau.pk},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REFUSED and path.name in batch.message
    page = client.get(f"/registry/imports/{batch.pk}/")
    assert page.status_code == 200 and path.name in page.content.decode()
    again = client.post(f"/registry/imports/{batch.pk}/rerun/")
    assert again.status_code < 500
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED and Enterprise.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["far_cells", "width_bomb", "far_reference", "huge_dimension"])
def test_the_pipeline_import_refuses_a_hostile_workbook_on_the_command_line_and_the_web(
    cast, hostile, kind, client_for
):
    from zhaoshang.pipeline.models import Project

    path = getattr(hostile, kind)()
    with pytest.raises(CommandError, match=path.name):
        _command("pipeline", "import", str(path), "--org", cast.park.code)
    response = client_for(cast.owner).post(
        "/pipeline/import/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "organisation": cast.park.pk},
    )
    assert response.status_code == 400 and f"{path.name}”被拒绝" in response.content.decode()
    assert Project.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["billion_laughs", "deep_yaml"])
def test_the_chain_import_refuses_hostile_yaml(hostile, kind):
    from zhaoshang.chains.models import Chain

    path = getattr(hostile, kind)()
    with pytest.raises(CommandError, match="未导入任何数据"):
        _command("chains", "import", str(path))
    assert Chain.objects.count() == 0


@pytest.mark.django_db
def test_the_chain_import_refuses_a_binary_yaml_file_and_a_hostile_workbook(hostile):
    with pytest.raises(CommandError):
        _command("chains", "import", str(hostile.binary("chain.yaml")))
    with pytest.raises(CommandError):
        _command("chains", "import", str(hostile.far_cells("chain.xlsx")))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["far_cells", "width_bomb", "huge_dimension", "zip_bomb"])
def test_the_bom_command_refuses_a_hostile_workbook(hostile, kind):
    path = getattr(hostile, kind)()
    with pytest.raises(CommandError, match="BOM"):
        _command("chains", "bom", str(path), "--name", "x")


@pytest.mark.django_db
def test_the_bom_command_answers_a_field_longer_than_128_kb_without_a_traceback(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("位号,数量,物料名称\nR1,1," + "很" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="BOM"):
        _command("chains", "bom", str(path), "--name", "x")
