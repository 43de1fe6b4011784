"""The registry's demo step: ~300 firms for 株洲 and elsewhere, imported through the import service."""

from __future__ import annotations

import pytest

from zhaoshang.core.models import AuditEntry
from zhaoshang.demo import DemoContext, build_base
from zhaoshang.registry import demo
from zhaoshang.registry.models import Enterprise


@pytest.fixture
def ctx(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    context = DemoContext()
    build_base(context)
    demo.build(context)
    return context


def test_the_demo_imports_about_three_hundred_firms_from_files_in_var_demo(ctx, tmp_path):
    assert 250 <= Enterprise.objects.count() <= 400
    assert sorted(p.name for p in (tmp_path / "demo").iterdir())[0].startswith("registry_demo_")
    assert ctx.extra["registry"]["rejected"] == 0
    assert set(Enterprise.objects.values_list("source", flat=True)) == {demo.SOURCE}
    assert Enterprise.objects.exclude(import_batch=None).count() == Enterprise.objects.count()


def test_the_demo_has_local_and_non_local_firms_across_the_three_chains(ctx):
    local = Enterprise.objects.filter(region_code__startswith="4302")
    assert local.count() >= 80
    for prefix in ("4301", "320583", "4403", "3205", "3101", "3202"):
        assert Enterprise.objects.filter(region_code__startswith=prefix).exists(), prefix
    for word in (
        "IGBT模块",
        "牵引变流器",
        "转向架",
        "受电弓",
        "制动系统",
        "多层陶瓷电容器",
        "锂离子电池",
        "笔记本电脑整机",
        "晶圆代工",
        "光刻胶",
    ):
        assert Enterprise.objects.filter(scope__contains=word).exists(), word
    assert local.filter(scope__contains="电容器").exists()
    fenghua = Enterprise.objects.get(name="广东风华高新科技股份有限公司")
    assert fenghua.region_code.startswith("44") and fenghua.listed is True


def test_the_demo_firms_have_sizes_listing_and_belong_to_their_park(ctx):
    assert Enterprise.objects.exclude(employees=None).count() > 50
    assert Enterprise.objects.exclude(revenue_wan=None).exists()
    assert (
        Enterprise.objects.filter(listed=True).exists() and Enterprise.objects.filter(listed=False).exists()
    )
    hitech = ctx.organisations["zz-hitech"]
    assert set(Enterprise.objects.filter(region_code="430211").values_list("organisation", flat=True)) == {
        hitech.pk
    }


def test_the_demo_is_deterministic_and_safe_to_rerun(ctx):
    assert demo.demo_rows() == demo.demo_rows()
    firms, entries = (
        Enterprise.objects.count(),
        AuditEntry.objects.filter(model="registry.enterprise").count(),
    )
    demo.build(ctx)
    assert Enterprise.objects.count() == firms
    assert AuditEntry.objects.filter(model="registry.enterprise").count() == entries
    assert ctx.extra["registry"]["unchanged"] == ctx.extra["registry"]["read"]
