"""The 规上 flag (Enterprise.above_scale) and the 园区 column of a firm import."""

from __future__ import annotations

import pytest

from zhaoshang.registry import services
from zhaoshang.registry.core.headers import map_headers
from zhaoshang.registry.core.rows import parse_above_scale, validate_row
from zhaoshang.registry.models import Enterprise, FirmPark

from .conftest import CODE_A, CODE_B


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("规上", True),
        ("规模以上", True),
        ("规上工业", True),
        ("1", True),
        ("否", False),
        ("规下", False),
        ("规模以下企业", False),
        ("不是规上", False),
        ("0", False),
        ("大型", None),
        ("不清楚", None),
    ],
)
def test_a_scale_cell_is_read_as_above_or_below_the_threshold(raw, expected):
    assert parse_above_scale(raw) is expected


@pytest.mark.parametrize("header", ["是否规上", "规上企业", "企业规模", "是否规模以上企业"])
def test_the_scale_column_is_recognised_by_its_usual_headers(header):
    assert "above_scale" in map_headers(["企业名称", header]).fields


@pytest.mark.parametrize("header", ["园区", "所属园区", "所在园区"])
def test_the_park_column_is_recognised_by_its_usual_headers(header):
    assert "park" in map_headers(["企业名称", header]).fields


def test_an_unreadable_scale_flags_the_row_and_a_size_class_is_left_unset_silently():
    mapping = map_headers(["企业名称", "企业规模"])
    bad = validate_row(2, ["甲公司", "很大"], mapping)
    assert bad.status == "flagged" and bad.record.above_scale is None
    assert "是否规上" in bad.issues[0].message_zh and bad.issues[0].column == "企业规模"
    size = validate_row(3, ["乙公司", "中型"], mapping)
    assert size.status == "ok" and size.record.above_scale is None and not size.issues


@pytest.mark.django_db
def test_an_import_sets_the_scale_flag_and_a_re_import_changes_nothing(cast, write_csv):
    path = write_csv(
        ["企业名称", "统一社会信用代码", "是否规上"],
        [["测试规上机械有限公司", CODE_A, "是"], ["测试规下电子有限公司", CODE_B, "规下"]],
    )
    services.import_enterprises(cast.admin, path, cast.city)
    assert Enterprise.objects.get(uscc=CODE_A).above_scale is True
    assert Enterprise.objects.get(uscc=CODE_B).above_scale is False
    again = services.import_enterprises(cast.admin, path, cast.city)
    assert again.counts["unchanged"] == 2 and again.counts["updated"] == 0
    assert services.enterprise_as_dict(Enterprise.objects.get(uscc=CODE_A))["above_scale"] is True


@pytest.mark.django_db
def test_the_park_column_places_firms_in_named_parks_and_flags_an_unknown_park(cast, write_csv):
    path = write_csv(
        ["企业名称", "统一社会信用代码", "所属园区"],
        [
            ["测试园区甲有限公司", CODE_A, "甲园区"],
            ["测试园区乙有限公司", CODE_B, "不存在的园区"],
            ["测试园区丙有限公司", "", "t-park-b"],  # by the park's code
        ],
    )
    result = services.import_enterprises(cast.admin, path, cast.city)
    assert FirmPark.objects.get(enterprise__uscc=CODE_A).park == cast.park
    assert FirmPark.objects.get(enterprise__uscc=CODE_A).source == FirmPark.Source.IMPORT
    assert FirmPark.objects.get(enterprise__name="测试园区丙有限公司").park == cast.other_park
    assert not FirmPark.objects.filter(enterprise__uscc=CODE_B).exists()
    issue = next(i for i in result.issues if i["code"] == "park_unknown")
    assert issue["row"] == 3 and issue["column"] == "所属园区" and "不存在的园区" in issue["message"]
    assert result.counts["flagged"] == 1 and result.counts["rejected"] == 0


@pytest.mark.django_db
def test_a_dry_run_places_no_firm_and_a_hand_set_park_is_kept(cast, write_csv):
    from zhaoshang.registry.parks import set_park

    path = write_csv(["企业名称", "统一社会信用代码", "园区"], [["测试园区甲有限公司", CODE_A, "甲园区"]])
    services.import_enterprises(cast.admin, path, cast.city, dry_run=True)
    assert not FirmPark.objects.exists()
    services.import_enterprises(cast.admin, path, cast.city)
    firm = Enterprise.objects.get(uscc=CODE_A)
    set_park(cast.admin, firm, cast.other_park)
    services.import_enterprises(cast.admin, path, cast.city)
    assert FirmPark.objects.get(enterprise=firm).park == cast.other_park


@pytest.mark.django_db
def test_an_administrator_sets_the_flag_in_the_admin_and_it_is_audited(cast, client_for):
    from zhaoshang.core.models import AuditEntry
    from zhaoshang.registry.services import ensure_enterprise

    firm = ensure_enterprise(None, name="测试后台规上有限公司", organisation=cast.city, source="test")
    page = client_for(cast.admin).post(
        f"/admin/registry/enterprise/{firm.pk}/change/", {"above_scale": "true"}, follow=True
    )
    assert page.status_code == 200
    firm.refresh_from_db()
    assert firm.above_scale is True
    assert AuditEntry.objects.filter(
        model="registry.enterprise", object_id=str(firm.pk), note="admin"
    ).exists()
    assert client_for(cast.owner).get("/admin/registry/enterprise/").status_code == 302
