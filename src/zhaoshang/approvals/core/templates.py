"""Approval templates (代办事项模板): the items a project type needs, their departments, legal time limits in
working days, prerequisites (a DAG) and materials. Plain Python, no Django.

A template is validated once (:func:`validate_template`): codes unique, prerequisites known, no cycle. The
default industrial template follows the usual sequence for an industrial project on new land (立项 → 用地 →
规划 → 施工许可 → 验收), with 环评/节能/安评 in parallel after filing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhaoshang.core.errors import DomainError


class ApprovalError(DomainError):
    """A template or case the approvals core cannot use: a Chinese message, a code and its parameters (the edge
    says it in the user's language, see ``zhaoshang.approvals.messages``)."""

    code = "invalid"


class TemplateError(ApprovalError):
    code = "template_invalid"


@dataclass(frozen=True)
class ItemTemplate:
    code: str
    name: str
    department: str  # the department's organisation code (or name) in the installation
    limit_days: int  # legal time limit in working days (承诺时限)
    prerequisites: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    # What the firm used to do for this item without an agent: the baseline of "trips saved".
    baseline_trips: int = 0
    baseline_stamps: int = 0
    promise_allowed: bool = False  # 承诺制: may start on a written promise, documents later
    milestone: str = ""  # "licence" for the construction permit, "acceptance" for the completion filing


@dataclass(frozen=True)
class CaseTemplate:
    project_type: str
    name: str
    items: tuple[ItemTemplate, ...] = field(default_factory=tuple)

    def item(self, code: str) -> ItemTemplate:
        for item in self.items:
            if item.code == code:
                return item
        raise TemplateError(
            f"模板「{self.name}」中没有事项「{code}」",
            code="approval_template_item_unknown",
            template=self.name,
            item=code,
        )


def topological_order(prerequisites: Mapping[str, Iterable[str]]) -> list[str]:
    """Codes in an order where every prerequisite comes first; raises TemplateError naming a cycle or an
    unknown prerequisite. Ties keep the mapping's order (stable, so pages list items as configured)."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    keys = list(prerequisites)

    def visit(code: str, trail: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = trail[trail.index(code) :] + [code]
            raise TemplateError(
                "前置事项形成循环：" + " → ".join(cycle),
                code="approval_prerequisite_cycle",
                cycle=" → ".join(cycle),
            )
        if code not in prerequisites:
            raise TemplateError(
                f"事项「{trail[-1]}」的前置事项「{code}」不存在",
                code="approval_prerequisite_unknown",
                item=trail[-1],
                prerequisite=code,
            )
        state[code] = 1
        for pre in prerequisites[code]:
            visit(pre, [*trail, code])
        state[code] = 2
        order.append(code)

    for code in keys:
        visit(code, [code])
    return order


def validate_template(template: CaseTemplate) -> CaseTemplate:
    codes = [item.code for item in template.items]
    if not codes:
        raise TemplateError(
            f"模板「{template.name}」没有事项", code="approval_template_empty", template=template.name
        )
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise TemplateError(
            f"模板「{template.name}」的事项编码重复：{'、'.join(dupes)}",
            code="approval_template_codes_repeated",
            template=template.name,
            codes=", ".join(dupes),
        )
    for item in template.items:
        if item.limit_days < 0:
            raise TemplateError(
                f"事项「{item.name}」的法定时限不能为负数", code="approval_limit_negative", item=item.name
            )
        if not item.department:
            raise TemplateError(
                f"事项「{item.name}」没有办理部门", code="approval_department_missing", item=item.name
            )
    topological_order({item.code: item.prerequisites for item in template.items})
    return template


def template_from_dict(data: Mapping[str, Any]) -> CaseTemplate:
    """A template from a mapping (YAML/JSON): {project_type, name, items: [{code, name, department,
    limit_days, prerequisites, materials, baseline_trips, baseline_stamps, promise_allowed, milestone}]}."""
    try:
        items = tuple(
            ItemTemplate(
                code=str(raw["code"]),
                name=str(raw["name"]),
                department=str(raw["department"]),
                limit_days=int(raw["limit_days"]),
                prerequisites=tuple(str(p) for p in raw.get("prerequisites") or ()),
                materials=tuple(str(m) for m in raw.get("materials") or ()),
                baseline_trips=int(raw.get("baseline_trips") or 0),
                baseline_stamps=int(raw.get("baseline_stamps") or 0),
                promise_allowed=bool(raw.get("promise_allowed")),
                milestone=str(raw.get("milestone") or ""),
            )
            for raw in data["items"]
        )
        template = CaseTemplate(project_type=str(data["project_type"]), name=str(data["name"]), items=items)
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(
            f"模板格式不正确：{exc}", code="approval_template_malformed", error=str(exc)
        ) from None
    return validate_template(template)


def template_to_dict(template: CaseTemplate) -> dict[str, Any]:
    return {
        "project_type": template.project_type,
        "name": template.name,
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "department": i.department,
                "limit_days": i.limit_days,
                "prerequisites": list(i.prerequisites),
                "materials": list(i.materials),
                "baseline_trips": i.baseline_trips,
                "baseline_stamps": i.baseline_stamps,
                "promise_allowed": i.promise_allowed,
                "milestone": i.milestone,
            }
            for i in template.items
        ],
    }


def _i(
    code,
    name,
    dept,
    limit,
    pre: Sequence[str] = (),
    materials: Sequence[str] = (),
    trips=2,
    stamps=4,
    promise=False,
    milestone="",
):
    return ItemTemplate(
        code, name, dept, limit, tuple(pre), tuple(materials), trips, stamps, promise, milestone
    )


# Departments by role; an installation maps them to its organisations (see approvals.config).
DRC, NR, HOUSING, EE, FIRE, SAFETY = (
    "发展和改革",
    "自然资源和规划",
    "住房和城乡建设",
    "生态环境",
    "消防救援",
    "应急管理",
)

DEFAULT_INDUSTRIAL = validate_template(
    CaseTemplate(
        project_type="industrial",
        name="工业项目（新供地）",
        items=(
            _i("filing", "项目备案/核准", DRC, 3, (), ("项目备案申请表", "营业执照", "项目建议书"), 2, 3),
            _i(
                "site",
                "用地预审与选址意见书",
                NR,
                20,
                ("filing",),
                ("选址申请", "项目备案证明", "用地红线图"),
                3,
                6,
            ),
            _i(
                "land_contract",
                "土地出让合同/划拨",
                NR,
                20,
                ("site",),
                ("竞得确认书", "出让金缴纳凭证"),
                3,
                5,
            ),
            _i(
                "land_planning",
                "建设用地规划许可证",
                NR,
                7,
                ("land_contract",),
                ("出让合同", "规划条件"),
                2,
                4,
            ),
            _i(
                "property",
                "不动产权证书",
                NR,
                5,
                ("land_contract",),
                ("出让合同", "完税凭证", "宗地图"),
                2,
                4,
            ),
            _i("eia", "环评批复", EE, 30, ("filing",), ("环境影响报告书/表", "公示材料"), 4, 6, True),
            _i("energy", "节能审查", DRC, 15, ("filing",), ("节能报告",), 2, 3, True),
            _i("safety", "安全评价", SAFETY, 20, ("filing",), ("安全预评价报告",), 2, 3, True),
            _i(
                "construction_planning",
                "建设工程规划许可证",
                NR,
                10,
                ("land_planning", "property"),
                ("设计方案", "总平面图"),
                3,
                6,
            ),
            _i(
                "drawings",
                "施工图审查",
                HOUSING,
                10,
                ("construction_planning",),
                ("施工图", "勘察报告"),
                2,
                5,
            ),
            _i("fire_design", "消防设计审查", HOUSING, 15, ("drawings",), ("消防设计文件",), 2, 4),
            _i(
                "construction_permit",
                "施工许可证",
                HOUSING,
                7,
                ("drawings", "fire_design", "eia"),
                ("施工合同", "监理合同", "资金证明"),
                3,
                6,
                milestone="licence",
            ),
            _i("discharge", "排污许可", EE, 20, ("eia",), ("排污许可申请表",), 2, 3),
            _i(
                "fire_acceptance",
                "消防验收",
                HOUSING,
                15,
                ("construction_permit",),
                ("竣工图", "消防检测报告"),
                3,
                5,
            ),
            _i(
                "completion",
                "竣工验收备案",
                HOUSING,
                15,
                ("fire_acceptance", "discharge", "energy", "safety"),
                ("竣工验收报告",),
                3,
                6,
                milestone="acceptance",
            ),
        ),
    )
)

DEFAULT_TEMPLATES = {DEFAULT_INDUSTRIAL.project_type: DEFAULT_INDUSTRIAL}
