"""Fixtures for the chains app: a small chain loaded through the service, firms created through the audit log."""

from __future__ import annotations

import itertools

import pytest

MINI = {
    "slug": "mini-rail",
    "name": "迷你轨交链",
    "nodes": [
        {
            "key": "up",
            "name": "上游",
            "weight": 0.3,
            "children": [
                {
                    "key": "igbt",
                    "name": "IGBT模块",
                    "weight": 0.5,
                    "key_node": True,
                    "keywords": ["IGBT", "功率模块"],
                    "exclude": ["维修服务"],
                    "card": {"what": "功率半导体", "leaders_domestic": ["示例甲"], "source": "公开资料"},
                },
                {"key": "bearing", "name": "轴承", "weight": 0.5, "keywords": ["轴承"]},
            ],
        },
        {
            "key": "mid",
            "name": "中游",
            "weight": 0.5,
            "children": [
                {
                    "key": "traction",
                    "name": "牵引变流器",
                    "weight": 0.6,
                    "key_node": True,
                    "keywords": ["牵引变流器"],
                },
                {"key": "brake", "name": "制动系统", "weight": 0.4, "keywords": ["制动系统", "闸瓦"]},
            ],
        },
        {
            "key": "down",
            "name": "下游",
            "weight": 0.2,
            "children": [
                {"key": "overhaul", "name": "检修", "weight": 1.0, "keywords": ["车辆检修"]},
            ],
        },
    ],
    "links": [{"from": "igbt", "to": "traction"}, {"from": "bearing", "to": "traction"}],
}

_seq = itertools.count(1)


@pytest.fixture
def mini_spec():
    from zhaoshang.chains.analysis.spec import from_dict

    return from_dict(MINI)


@pytest.fixture
def chain(cast, mini_spec):
    from zhaoshang.chains.services import load_chain

    return load_chain(cast.admin, mini_spec)


@pytest.fixture
def make_firm(cast):
    """make_firm(name, scope, region_code="430211", organisation=cast.park, **fields) → Enterprise."""
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    def make(name, scope="", region_code="430211", organisation=None, **fields):
        return audit.create(
            cast.admin,
            Enterprise,
            name=name,
            name_key=f"{name}-{next(_seq)}",
            scope=scope,
            region_code=region_code,
            organisation=organisation or cast.park,
            **fields,
        )

    return make


@pytest.fixture
def model_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path
