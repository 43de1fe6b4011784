"""Fixtures for the policies tests: firms in the cast's organisations, a policy with clauses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def firms(cast):
    """Three firms of 甲园区 (430211) and one of 乙园区, with the data the conditions read."""
    from zhaoshang.core import audit
    from zhaoshang.policies.models import FirmQualification, FirmRD
    from zhaoshang.registry.models import Enterprise

    def firm(name, org, uscc, **fields):
        return audit.create(None, Enterprise, name=name, name_key=name, organisation=org, uscc=uscc, **fields)

    big = firm(
        "甲园区大型制造有限公司",
        cast.park,
        "91430211MA4L000011",
        region_code="430211",
        industry_code="C3831",
        founded=dt.date(2015, 5, 1),
        capital_wan=Decimal("8000"),
        employees=600,
        revenue_wan=Decimal("52000"),
        tax_wan=Decimal("900"),
    )
    small = firm(
        "甲园区小型科技有限公司",
        cast.park,
        "91430211MA4L000022",
        region_code="430211",
        industry_code="6510",
        founded=dt.date(2024, 2, 1),
        capital_wan=Decimal("200"),
        employees=25,
    )
    blank = firm("甲园区信息不全有限公司", cast.park, "91430211MA4L000033", region_code="430211")
    other = firm(
        "乙园区制造有限公司",
        cast.other_park,
        "91430202MA4L000044",
        region_code="430202",
        industry_code="3832",
        founded=dt.date(2010, 1, 1),
        capital_wan=Decimal("3000"),
        employees=300,
        revenue_wan=Decimal("9000"),
        tax_wan=Decimal("150"),
    )
    FirmQualification.objects.create(
        enterprise=big,
        tag="高新技术企业",
        obtained=dt.date(2024, 12, 1),
        expires=dt.date(2027, 11, 30),
        source="省科技厅名单",
    )
    FirmQualification.objects.create(
        enterprise=other,
        tag="高新技术企业",
        obtained=dt.date(2020, 12, 1),
        expires=dt.date(2023, 11, 30),
        source="省科技厅名单",
    )
    FirmRD.objects.create(enterprise=big, year=2025, rd_ratio=Decimal("5.5"))
    return {"big": big, "small": small, "blank": blank, "other": other}


@pytest.fixture
def policy(cast):
    from zhaoshang.policies import services

    p, _ = services.save_policy(
        cast.admin,
        code="T-2026-01",
        title="测试市高新技术企业奖励办法",
        issuer="测试市科技局",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 12, 31),
    )
    services.save_clause(
        cast.admin,
        p,
        number="第一条",
        title="高企奖励",
        text="对本市高新技术企业给予20万元奖励。",
        no_application=True,
        amount_wan="20",
        conditions="region in 4302\nqualification any 高新技术企业",
    )
    services.save_clause(
        cast.admin,
        p,
        number="第二条",
        title="研发补助",
        text="研发投入占比不低于5%、营业收入2亿元以上的制造业企业。",
        conditions="industry in C\nrd_ratio >= 5\nrevenue >= 20000",
    )
    return p
