"""The project stage model: which stages exist, what each needs, and which moves are allowed.

Plain Python, no Django. The Django ``pipeline`` app stores the configured model (from settings or a YAML
file, read with :func:`load_stage_model`) and calls :func:`check_transition` before it writes a move.

Stages are of three kinds:

- ``main``: the ordered pipeline 线索 → 接洽 → 考察 → 洽谈 → 签约 → 注册 → 开工 → 投产;
- ``on_hold`` (暂缓) and ``dropped`` (终止): side stages outside the order.

Rules of :func:`check_transition` (``project_fields`` is the project's data after the move would be saved):

1. Forward along the main stages, any number of steps: allowed when the requirements of the target **and
   of every stage skipped on the way** are met; the check lists everything missing, in stage order.
2. Backward along the main stages: allowed only with a ``reason`` (kept on the stage event); requirements
   are not checked again, they were met on the way up.
3. To 暂缓 or 终止 from any stage: allowed when that stage's own requirements are met (by default its reason:
   ``hold_reason`` / ``drop_reason`` on the project). 暂缓 → 终止 is allowed too; 终止 → 暂缓 is not.
4. From 暂缓 back to a main stage: allowed without a reason when the requirements of every main stage up to
   and including the target are met (we do not know where the project stood before it was held).
5. From 终止 only back to a main stage ("reactivation"), with a ``reason`` and the requirements of every main
   stage up to and including the target.
6. A move to the stage the project is already in is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard

from zhaoshang.core.errors import DomainError

StageKind = Literal["main", "on_hold", "dropped"]
_KINDS: tuple[str, ...] = ("main", "on_hold", "dropped")


class StageError(DomainError):
    """Base class of the stage model's errors; messages are in Chinese for the user."""


class UnknownStage(StageError):
    """A stage code that the configured model does not know."""


class StageConfigError(StageError):
    """A stage configuration (settings / YAML) that cannot be used; the message names the bad entry."""


@dataclass(frozen=True)
class Requirement:
    """A project field that must be filled before a stage can be entered.

    ``alternatives`` are other fields that satisfy the requirement as well (e.g. a carrier *or* a location).
    """

    field: str
    label_zh: str
    alternatives: tuple[str, ...] = ()

    def is_met(self, project_fields: Mapping[str, Any]) -> bool:
        return any(_is_filled(project_fields.get(name)) for name in (self.field, *self.alternatives))


@dataclass(frozen=True)
class StageConfig:
    """One stage. ``max_quiet_days`` is how many days a project may sit without a follow-up before it is
    "going cold" (None: never); ``points`` is what a team earns when a project newly reaches the stage."""

    code: str
    name_zh: str
    name_en: str
    order: int
    requirements: tuple[Requirement, ...] = ()
    max_quiet_days: int | None = None
    points: int = 0
    kind: StageKind = "main"


@dataclass(frozen=True)
class StageModel:
    """A validated set of stages. Build it with :func:`load_stage_model` or use :data:`DEFAULT_STAGE_MODEL`."""

    stages: tuple[StageConfig, ...]
    _by_code: dict[str, StageConfig] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {s.code: s for s in self.stages})

    def get(self, code: str) -> StageConfig:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownStage(f"未知的阶段「{code}」", code="stage_unknown", stage=code) from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def main_stages(self) -> tuple[StageConfig, ...]:
        return tuple(sorted((s for s in self.stages if s.kind == "main"), key=lambda s: s.order))

    def stage_of_kind(self, kind: StageKind) -> StageConfig | None:
        return next((s for s in self.stages if s.kind == kind), None)

    def main_stages_between(self, lower_exclusive: int | None, upper_inclusive: int) -> list[StageConfig]:
        """Main stages with ``lower < order <= upper`` (no lower bound when ``lower`` is None), in order."""
        return [
            s
            for s in self.main_stages
            if (lower_exclusive is None or s.order > lower_exclusive) and s.order <= upper_inclusive
        ]


@dataclass(frozen=True)
class TransitionCheck:
    """``code`` and ``params`` say ``message_zh`` in another language (the stage names and missing labels as the
    configuration writes them; ``stage_code``/``current_code`` let an edge use its own names)."""

    ok: bool
    missing: list[tuple[str, str]]
    message_zh: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def _is_filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return bool(value)
    return True


def _missing(requirements: Iterable[Requirement], project_fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for req in requirements:
        item = (req.field, req.label_zh)
        if not req.is_met(project_fields) and item not in out:
            out.append(item)
    return out


_REASON = ("reason", "原因")


def check_transition(
    current_stage: str,
    target_stage: str,
    project_fields: Mapping[str, Any],
    *,
    reason: str | None = None,
    model: StageModel | None = None,
) -> TransitionCheck:
    """Say whether a project may move from ``current_stage`` to ``target_stage`` (codes), and what is missing.

    ``reason`` is the reason given for this move (needed to go backward or to reactivate a dropped project).
    See the module docstring for the rules. Unknown codes raise :class:`UnknownStage`.
    """
    model = model or DEFAULT_STAGE_MODEL
    current = model.get(current_stage)
    target = model.get(target_stage)
    entering = f"进入「{target.name_zh}」阶段"
    names = {
        "stage": target.name_zh,
        "current": current.name_zh,
        "stage_code": target.code,
        "current_code": current.code,
    }

    if current.code == target.code:
        return TransitionCheck(
            False, [], f"项目已处于「{target.name_zh}」阶段", "stage_already_current", names
        )

    if target.kind != "main":
        if current.kind == "dropped" and target.kind == "on_hold":
            return TransitionCheck(
                False,
                [],
                f"已「{current.name_zh}」的项目只能恢复到推进阶段，不能转为「{target.name_zh}」",
                "stage_dropped_cannot_hold",
                names,
            )
        return _result(entering, _missing(target.requirements, project_fields), names)

    # Target is a main stage.
    if current.kind == "main":
        if target.order > current.order:
            needed = [
                r for s in model.main_stages_between(current.order, target.order) for r in s.requirements
            ]
            return _result(entering, _missing(needed, project_fields), names)
        if _is_filled(reason):
            return TransitionCheck(True, [], f"可以退回「{target.name_zh}」阶段", "stage_back_allowed", names)
        return TransitionCheck(
            False,
            [_REASON],
            f"从「{current.name_zh}」退回「{target.name_zh}」阶段需要填写原因",
            "stage_back_needs_reason",
            names,
        )

    needed = [r for s in model.main_stages_between(None, target.order) for r in s.requirements]
    missing = _missing(needed, project_fields)
    if current.kind == "dropped":
        if not _is_filled(reason):
            missing = [_REASON, *missing]
        if missing:
            labels = "、".join(label for _, label in missing)
            return TransitionCheck(
                False,
                missing,
                f"将「{current.name_zh}」的项目恢复到「{target.name_zh}」阶段还需要：{labels}",
                "stage_resume_missing",
                {**names, "missing": labels, "fields": [f for f, _ in missing]},
            )
        return TransitionCheck(True, [], f"可以恢复到「{target.name_zh}」阶段", "stage_resume_allowed", names)
    return _result(entering, missing, names)


def _result(entering: str, missing: list[tuple[str, str]], names: dict[str, Any]) -> TransitionCheck:
    if missing:
        labels = "、".join(label for _, label in missing)
        return TransitionCheck(
            False,
            missing,
            f"{entering}还需要：{labels}",
            "stage_entry_missing",
            {**names, "missing": labels, "fields": [f for f, _ in missing]},
        )
    return TransitionCheck(True, [], f"可以{entering}", "stage_entry_allowed", names)


# ---------------------------------------------------------------------------------------------------------
# Loading and validating a configuration


def load_stage_model(config: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> StageModel:
    """Build a :class:`StageModel` from plain data (settings or a parsed YAML file).

    Accepts ``{"stages": [...]}`` or the list itself. Each entry::

        {"code": "signed", "name_zh": "签约", "name_en": "Signed", "order": 5,
         "requirements": [{"field": "signed_date", "label_zh": "签约日期"},
                          {"field": "carrier_id", "label_zh": "落户载体或地点", "alternatives": ["location"]}],
         "max_quiet_days": 30, "points": 10, "kind": "main"}

    ``requirements`` may also be a mapping ``{field: label_zh}``. ``kind`` defaults to ``main``; at most
    one stage each may be ``on_hold`` and ``dropped``. Errors raise :class:`StageConfigError` naming the entry.
    """
    entries: Any = config.get("stages") if isinstance(config, Mapping) else config
    if not isinstance(entries, (list, tuple)) or not entries:
        raise StageConfigError("阶段配置必须是非空列表（或含 stages 列表的字典）", code="stage_config_empty")
    stages: list[StageConfig] = []
    for index, entry in enumerate(entries, start=1):
        stages.append(_load_stage(index, entry))

    seen_codes: set[str] = set()
    seen_orders: dict[int, str] = {}
    for index, stage in enumerate(stages, start=1):
        where, ref = f"第 {index} 个阶段（{stage.code}）", f"{index} ({stage.code})"
        if stage.code in seen_codes:
            raise StageConfigError(f"{where}：阶段代码重复", code="stage_config_code_repeated", stage=ref)
        seen_codes.add(stage.code)
        if stage.order in seen_orders:
            other = seen_orders[stage.order]
            raise StageConfigError(
                f"{where}：顺序号 {stage.order} 与「{other}」重复",
                code="stage_config_order_repeated",
                stage=ref,
                order=stage.order,
                other=other,
            )
        seen_orders[stage.order] = stage.code
    for kind in ("on_hold", "dropped"):
        of_kind = [s.code for s in stages if s.kind == kind]
        if len(of_kind) > 1:
            raise StageConfigError(
                f"类型为 {kind} 的阶段只能有一个，现有：{'、'.join(of_kind)}",
                code="stage_config_kind_repeated",
                kind=kind,
                stages=", ".join(of_kind),
            )
    if not any(s.kind == "main" for s in stages):
        raise StageConfigError(
            "阶段配置中至少要有一个推进阶段（kind: main）", code="stage_config_no_main_stage"
        )
    return StageModel(tuple(stages))


def _load_stage(index: int, entry: Any) -> StageConfig:
    # ``label`` names the entry in Chinese; ``ref`` (its number and code) is the same for every language
    label, ref = f"第 {index} 个阶段", str(index)
    if not isinstance(entry, Mapping):
        raise StageConfigError(f"{label}：必须是字典", code="stage_config_not_a_mapping", stage=ref)
    code = entry.get("code")
    if isinstance(code, str) and code.strip():
        label, ref = f"第 {index} 个阶段（{code}）", f"{index} ({code})"
    else:
        raise StageConfigError(f"{label}：缺少阶段代码 code", code="stage_config_code_missing", stage=ref)
    for key in ("name_zh", "name_en"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise StageConfigError(
                f"{label}：缺少或无效的 {key}", code="stage_config_name_missing", stage=ref, key=key
            )
    unknown = set(entry) - {
        "code",
        "name_zh",
        "name_en",
        "order",
        "requirements",
        "max_quiet_days",
        "points",
        "kind",
    }
    if unknown:
        keys = ", ".join(sorted(unknown))
        raise StageConfigError(
            f"{label}：未知的配置项 {keys}", code="stage_config_unknown_keys", stage=ref, keys=keys
        )
    order = entry.get("order")
    if not _is_int(order):
        raise StageConfigError(f"{label}：order 必须是整数", code="stage_config_order_invalid", stage=ref)
    quiet = entry.get("max_quiet_days")
    if quiet is not None and (not _is_int(quiet) or quiet < 1):
        raise StageConfigError(
            f"{label}：max_quiet_days 必须是正整数或留空", code="stage_config_quiet_days_invalid", stage=ref
        )
    points = entry.get("points", 0)
    if not _is_int(points) or points < 0:
        raise StageConfigError(
            f"{label}：points 必须是非负整数", code="stage_config_points_invalid", stage=ref
        )
    kind = entry.get("kind", "main")
    if kind not in _KINDS:
        raise StageConfigError(
            f"{label}：kind 必须是 {'、'.join(_KINDS)} 之一，而不是「{kind}」",
            code="stage_config_kind_invalid",
            stage=ref,
            kinds=", ".join(_KINDS),
            kind=kind,
        )
    return StageConfig(
        code=code,
        name_zh=entry["name_zh"],
        name_en=entry["name_en"],
        order=order,
        requirements=_load_requirements(label, ref, entry.get("requirements") or []),
        max_quiet_days=quiet,
        points=points,
        kind=kind,
    )


def _load_requirements(label: str, ref: str, raw: Any) -> tuple[Requirement, ...]:
    if isinstance(raw, Mapping):
        raw = [{"field": k, "label_zh": v} for k, v in raw.items()]
    if not isinstance(raw, (list, tuple)):
        raise StageConfigError(
            f"{label}：requirements 必须是列表或字典", code="stage_config_requirements_invalid", stage=ref
        )
    out: list[Requirement] = []
    for n, item in enumerate(raw, start=1):
        where = f"{label}的第 {n} 项要求"
        if not isinstance(item, Mapping):
            raise StageConfigError(
                f"{where}：必须是含 field 和 label_zh 的字典",
                code="stage_requirement_not_a_mapping",
                stage=ref,
                requirement=n,
            )
        name, text = item.get("field"), item.get("label_zh")
        if not isinstance(name, str) or not name.strip():
            raise StageConfigError(
                f"{where}：缺少字段名 field", code="stage_requirement_field_missing", stage=ref, requirement=n
            )
        if not isinstance(text, str) or not text.strip():
            raise StageConfigError(
                f"{where}（{name}）：缺少中文名称 label_zh",
                code="stage_requirement_label_missing",
                stage=ref,
                requirement=n,
                field=name,
            )
        alternatives = item.get("alternatives") or []
        if not isinstance(alternatives, (list, tuple)) or not all(isinstance(a, str) for a in alternatives):
            raise StageConfigError(
                f"{where}（{name}）：alternatives 必须是字段名列表",
                code="stage_requirement_alternatives_invalid",
                stage=ref,
                requirement=n,
                field=name,
            )
        out.append(Requirement(name, text, tuple(alternatives)))
    return tuple(out)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------------------
# Defaults. A bureau adjusts these in settings; points and quiet days are starting values, not a standard.

DEFAULT_STAGES_CONFIG: list[dict[str, Any]] = [
    {"code": "lead", "name_zh": "线索", "name_en": "Lead", "order": 10, "max_quiet_days": 30, "points": 1},
    {
        "code": "contact",
        "name_zh": "接洽",
        "name_en": "Contact",
        "order": 20,
        "max_quiet_days": 14,
        "points": 2,
        "requirements": [{"field": "first_contact_date", "label_zh": "首次接洽日期"}],
    },
    {
        "code": "visit",
        "name_zh": "考察",
        "name_en": "Site visit",
        "order": 30,
        "max_quiet_days": 14,
        "points": 3,
        "requirements": [{"field": "visit_date", "label_zh": "考察日期"}],
    },
    {
        "code": "negotiation",
        "name_zh": "洽谈",
        "name_en": "Negotiation",
        "order": 40,
        "max_quiet_days": 14,
        "points": 5,
        "requirements": [{"field": "planned_investment_wan", "label_zh": "计划投资额（万元）"}],
    },
    {
        "code": "signed",
        "name_zh": "签约",
        "name_en": "Signed",
        "order": 50,
        "max_quiet_days": 30,
        "points": 10,
        "requirements": [
            {"field": "signed_date", "label_zh": "签约日期"},
            {"field": "signed_amount_wan", "label_zh": "签约金额（万元）"},
            {"field": "carrier_id", "label_zh": "落户载体或地点", "alternatives": ["location"]},
        ],
    },
    {
        "code": "registered",
        "name_zh": "注册",
        "name_en": "Registered",
        "order": 60,
        "max_quiet_days": 30,
        "points": 5,
        "requirements": [{"field": "registered_uscc", "label_zh": "注册企业统一社会信用代码"}],
    },
    {
        "code": "construction",
        "name_zh": "开工",
        "name_en": "Construction started",
        "order": 70,
        "max_quiet_days": 60,
        "points": 8,
        "requirements": [{"field": "construction_start_date", "label_zh": "开工日期"}],
    },
    {
        "code": "production",
        "name_zh": "投产",
        "name_en": "In production",
        "order": 80,
        "max_quiet_days": 90,
        "points": 10,
        "requirements": [{"field": "production_start_date", "label_zh": "投产日期"}],
    },
    {
        "code": "on_hold",
        "name_zh": "暂缓",
        "name_en": "On hold",
        "order": 90,
        "kind": "on_hold",
        "max_quiet_days": 90,
        "points": 0,
        "requirements": [{"field": "hold_reason", "label_zh": "暂缓原因"}],
    },
    {
        "code": "dropped",
        "name_zh": "终止",
        "name_en": "Dropped",
        "order": 99,
        "kind": "dropped",
        "max_quiet_days": None,
        "points": 0,
        "requirements": [{"field": "drop_reason", "label_zh": "终止原因"}],
    },
]

DEFAULT_STAGE_MODEL: StageModel = load_stage_model(DEFAULT_STAGES_CONFIG)
