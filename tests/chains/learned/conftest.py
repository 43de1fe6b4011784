"""A small synthetic Chinese dataset: six industries, ten short descriptions each, plus held-out ones."""

from __future__ import annotations

import random

import pytest

KEYWORDS = {
    "新能源汽车": ["新能源汽车", "电动汽车整车", "纯电动乘用车", "充电桩", "电驱动系统", "混合动力汽车"],
    "锂电池": ["锂离子电池", "正极材料", "负极材料", "电解液", "动力电池电芯", "隔膜"],
    "光伏": ["光伏组件", "太阳能电池片", "多晶硅料", "光伏电站", "逆变器", "光伏玻璃"],
    "生物医药": ["创新药", "生物制药", "疫苗", "抗体药物", "原料药", "临床试验"],
    "集成电路": ["集成电路设计", "芯片封装测试", "晶圆制造", "半导体器件", "存储芯片", "模拟芯片"],
    "软件服务": ["企业管理软件", "云计算服务", "信息系统集成", "大数据平台", "软件开发", "网络安全软件"],
}
FRAMES = [
    "{a}有限公司主要从事{k1}和{k2}的研发、生产与销售。",
    "该公司提供{k1}、{k2}等产品，客户遍布全国。",
    "{a}科技股份有限公司专注于{k1}，并经营{k2}业务。",
    "公司是国内领先的{k1}企业，主营{k2}及相关服务。",
]
PLACES = ["江苏", "浙江", "广东", "湖南", "四川", "山东", "安徽", "湖北", "福建", "河南", "上海", "北京"]


def make_texts(label: str, n: int, seed: int) -> list[str]:
    rng = random.Random(f"{label}-{seed}")
    out = []
    for _ in range(n):
        k1, k2 = rng.sample(KEYWORDS[label], 2)
        out.append(rng.choice(FRAMES).format(a=rng.choice(PLACES), k1=k1, k2=k2))
    return out


@pytest.fixture(scope="session")
def synthetic() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label in KEYWORDS:
        texts += make_texts(label, 10, seed=1)
        labels += [label] * 10
    return texts, labels


@pytest.fixture(scope="session")
def held_out() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label in KEYWORDS:
        texts += make_texts(label, 4, seed=2)
        labels += [label] * 4
    return texts, labels


@pytest.fixture(scope="session")
def trained(synthetic):
    from zhaoshang.chains.analysis.learned import TextClassifier

    texts, labels = synthetic
    return TextClassifier().fit(texts, labels)
