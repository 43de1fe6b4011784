"""12345 export headers → canonical field names, mapped once on the way in."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: canonical field → the headers exports use for it (first match wins; compared after normalisation)
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "ticket": ("工单编号", "工单号", "工单编码", "工单流水号", "受理编号", "诉求编号", "编号", "ticket"),
    "received_at": (
        "受理时间",
        "来电时间",
        "登记时间",
        "诉求时间",
        "创建时间",
        "提交时间",
        "反映时间",
        "来件时间",
        "received_at",
    ),
    "firm_name": ("企业名称", "单位名称", "公司名称", "诉求企业", "企业", "诉求人单位", "firm_name"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "企业信用代码", "uscc"),
    "category": (
        "诉求类型",
        "诉求分类",
        "问题分类",
        "问题类型",
        "事项分类",
        "业务类别",
        "诉求类别",
        "category",
    ),
    "title": ("诉求标题", "标题", "主题", "title"),
    "content": ("诉求内容", "问题描述", "来电内容", "工单内容", "诉求描述", "内容", "content"),
    "department": ("承办单位", "承办部门", "办理单位", "责任单位", "主办单位", "处理单位", "department"),
    "responded_at": ("响应时间", "首次响应时间", "签收时间", "接单时间", "responded_at"),
    "closed_at": ("办结时间", "结案时间", "完成时间", "办理完成时间", "closed_at"),
    "result": ("是否解决", "解决情况", "解决状态", "问题是否解决", "result"),
    "satisfaction": ("满意度", "满意度评价", "回访满意度", "评价结果", "满意情况", "satisfaction"),
    "limit": ("办理时限", "办结时限", "处理时限", "承诺时限", "时限", "limit"),
    "contact": ("联系人", "诉求人", "来电人", "contact"),
    "phone": ("联系电话", "来电号码", "手机号码", "电话", "联系方式", "phone"),
    "channel": ("来源渠道", "诉求渠道", "渠道", "来源", "channel"),
    "urgency": ("紧急程度", "是否紧急", "urgency"),
    "reply": ("答复内容", "回复内容", "办理结果", "处理结果", "办理情况", "reply"),
}

REQUIRED: Final = ("ticket", "received_at")

#: Chinese name of each field, for messages
LABELS: Final = {field: names[0] for field, names in ALIASES.items()}

_NOISE = re.compile(r"[\s*＊:：]|[（(【\[].*?[)）】\]]")


def normalise(header: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(header))).lower()


_LOOKUP: Final = {normalise(alias): field for field, names in ALIASES.items() for alias in names}


def map_headers(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """(field → column index, headers that mean nothing to the import). The first column for a field wins."""
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        field = _LOOKUP.get(normalise(raw))
        if field is None:
            if str(raw).strip():
                unknown.append(str(raw))
            continue
        columns.setdefault(field, index)
    return columns, unknown
