"""Import of the project lists bureaus keep in Excel (or CSV).

Same standards as the enterprise import: headers mapped once on the way in, every row validated with
row-numbered errors in Chinese, nothing written unless every row is good (and nothing at all with
``dry_run``), re-importing the same file changes nothing (natural key: team + project name).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.types import Actor
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message, is_chinese, issue_message
from zhaoshang.pipeline import config
from zhaoshang.pipeline.models import Project
from zhaoshang.registry.models import Enterprise
from zhaoshang.tabular.cells import cell_text
from zhaoshang.tabular.dates import parse_date
from zhaoshang.tabular.issues import RowIssue
from zhaoshang.tabular.readers import open_table

#: canonical field → accepted headers (compared without spaces and brackets, lower case)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "项目", "project", "name"),
    "investor_name": ("投资方", "投资方名称", "企业名称", "投资主体", "investor"),
    "investor_uscc": ("统一社会信用代码", "信用代码", "投资方信用代码", "uscc"),
    "team": ("招商主体", "责任单位", "team"),
    "owner": ("负责人", "项目负责人", "owner"),
    "source": ("项目来源", "来源", "source"),
    "stage": ("当前阶段", "阶段", "项目阶段", "stage"),
    "planned_investment_wan": ("计划投资万元", "计划投资额万元", "计划投资", "总投资万元"),
    "expected_output_wan": ("预计年产值万元", "预计产值万元", "年产值万元"),
    "expected_tax_wan": ("预计税收万元", "预计年税收万元", "税收万元"),
    "expected_jobs": ("预计就业人", "预计就业", "就业人数"),
    "first_contact_date": ("首次接洽日期", "接洽日期"),
    "visit_date": ("考察日期",),
    "signed_date": ("签约日期",),
    "signed_amount_wan": ("签约金额万元", "签约金额"),
    "location": ("落户地点", "项目地点", "地点"),
    "registered_uscc": ("注册企业信用代码", "注册企业统一社会信用代码"),
    "construction_start_date": ("开工日期",),
    "production_start_date": ("投产日期",),
    "hold_reason": ("暂缓原因",),
    "drop_reason": ("终止原因",),
    "created_on": ("录入日期", "登记日期"),
}
LABELS = {key: names[0] for key, names in HEADERS.items()}
REQUIRED = ("name", "investor_name")
DECIMALS = ("planned_investment_wan", "expected_output_wan", "expected_tax_wan", "signed_amount_wan")
DATES = (
    "first_contact_date",
    "visit_date",
    "signed_date",
    "construction_start_date",
    "production_start_date",
    "created_on",
)
TEXTS = ("location", "registered_uscc", "hold_reason", "drop_reason")


def _norm_header(text: str) -> str:
    return re.sub(r"[\s（）()【】\[\]*：:]", "", str(text)).lower()


_LOOKUP = {_norm_header(alias): key for key, aliases in HEADERS.items() for alias in aliases}


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Each rejected row's problem as one sentence (第 N 行：...), in the active language."""
        return [
            _("Row %(row)s: %(message)s") % {"row": i.row, "message": issue_message(i)}
            if i.row
            else issue_message(i)
            for i in self.issues
        ]

    @property
    def ok(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "issues": [i.as_dict() for i in self.issues],
            "ignored_columns": self.ignored_columns,
        }


class ImportRefused(DomainError):
    """The file cannot be imported at all (unreadable, missing columns); the message is in Chinese."""

    code = "import_refused"


class RowRefused(DomainError):
    """A row that passed validation but that the pipeline's services refused while writing."""

    def __init__(self, message: str, code: str, *, row: int) -> None:
        super().__init__(message, code)
        self.row = row


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# A figure's problem (the ValueError's text, a finding's ``kind``) and how a finding says it in Chinese.
NUMBER_PROBLEMS = {"not_a_number": "不是有效的数字", "negative": "不能为负数", "not_whole": "必须是整数"}


def _decimal(value: Any) -> Decimal:
    text = str(value).replace(",", "").replace("，", "").replace("万元", "").replace("万", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("not_a_number") from None
    if not number.is_finite() or number < 0:
        raise ValueError("negative")
    return number


def _number_issue(key: str, raw: Any, column: str, exc: ValueError) -> tuple[Any, ...]:
    kind = str(exc) if str(exc) in NUMBER_PROBLEMS else "not_a_number"
    message = f"「{column}」的值「{raw}」{NUMBER_PROBLEMS[kind]}"
    return (key, raw, "not_a_number", message, {"kind": kind} if kind != "not_a_number" else {})


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(value)
    except ValueError:
        raise ValueError("not_a_date") from None
    if parsed is None:
        raise ValueError("not_a_date")
    return parsed.value


def _lookups() -> dict[str, dict[str, Any]]:
    model = config.stage_model()
    stages = {}
    for s in model.stages:
        stages[s.code] = stages[s.name_zh] = stages[s.name_en.lower()] = s.code
    sources = {}
    for value, label in Project.Source.choices:
        sources[value] = value
        sources[str(label)] = value
    sources.update(
        {
            "目标清单": "target_list",
            "以商引商": "via_firm",
            "链主推荐": "chain_leader",
            "展会": "fair",
            "上门": "walk_in",
            "中介": "agency",
            "其他": "other",
        }
    )
    return {"stage": stages, "source": sources}


def import_projects(
    actor: Actor,
    path: str | Path,
    *,
    organisation: Organisation,
    dry_run: bool = False,
    owner: User | None = None,
) -> ImportResult:
    """Import a project list into ``organisation``'s team (or the team named in the 招商主体 column).

    ``organisation`` also bounds which teams a row may name: its subtree only.
    """
    try:
        table = open_table(path)
    except (OSError, ValueError) as exc:
        raise ImportRefused(_("Cannot read the file: %(error)s") % {"error": error_message(exc)}) from None
    # (get_field may answer a relation in the stubs; these are text columns)
    limits = {key: Project._meta.get_field(key).max_length for key in ("name", *TEXTS)}  # type: ignore[union-attr]
    limits["investor_name"] = Enterprise._meta.get_field("name").max_length  # type: ignore[union-attr]
    columns: dict[str, int] = {}
    result = ImportResult(dry_run=dry_run)
    for index, header in enumerate(table.header):
        key = _LOOKUP.get(_norm_header(header))
        if key and key not in columns:
            columns[key] = index
        elif header:
            result.ignored_columns.append(header)
    missing = [LABELS[k] for k in REQUIRED if k not in columns]
    if missing:
        separator = "、" if is_chinese() else ", "
        raise ImportRefused(
            _("Required columns are missing: %(columns)s") % {"columns": separator.join(missing)}
        )
    # Errors name the column as the user's file writes it.
    label = {key: table.header[i] or LABELS[key] for key, i in columns.items()}

    lookups = _lookups()
    teams = {o.code: o for o in organisation.subtree()} | {o.name: o for o in organisation.subtree()}
    users = {}
    for u in User.objects.filter(organisation__path__startswith=organisation.path):
        users[u.username] = u
        users.setdefault(u.display_name, u)

    planned: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[int, str], int] = {}
    for row_number, cells in table.rows:
        raw = {key: _cell(cells[i]) if i < len(cells) else None for key, i in columns.items()}
        if all(v is None for v in raw.values()):
            continue
        result.rows += 1
        errors: list[tuple[Any, ...]] = []  # (field, raw value, code, message[, params])
        values: dict[str, Any] = {}
        for key in REQUIRED:
            if raw.get(key) is None:
                errors.append((key, "", "required", f"「{label[key]}」不能为空"))
        for key in DECIMALS:
            if raw.get(key) is not None:
                try:
                    values[key] = _decimal(raw[key])
                except ValueError as exc:
                    errors.append(_number_issue(key, raw[key], label[key], exc))
        if raw.get("expected_jobs") is not None:
            try:
                jobs = _decimal(raw["expected_jobs"])
                if jobs != jobs.to_integral_value():
                    raise ValueError("not_whole")
                values["expected_jobs"] = int(jobs)
            except ValueError as exc:
                errors.append(
                    _number_issue("expected_jobs", raw["expected_jobs"], label["expected_jobs"], exc)
                )
        for key in DATES:
            if raw.get(key) is not None:
                try:
                    values[key] = _date(raw[key])
                except ValueError:
                    errors.append(
                        (
                            key,
                            raw[key],
                            "not_a_date",
                            f"「{label[key]}」的值「{cell_text(raw[key])}」不是有效的日期",
                        )
                    )
        for key in TEXTS:
            if raw.get(key) is not None:
                values[key] = str(raw[key])
        team: Organisation | None = organisation
        if raw.get("team") is not None:
            team = teams.get(str(raw["team"]))
            if team is None:
                errors.append(
                    (
                        "team",
                        raw["team"],
                        "unknown_team",
                        f"招商主体「{raw['team']}」不存在或不在本单位范围内",
                    )
                )
        row_owner = owner
        if raw.get("owner") is not None:
            row_owner = users.get(str(raw["owner"]))
            if row_owner is None:
                errors.append(
                    ("owner", raw["owner"], "unknown_owner", f"负责人「{raw['owner']}」不是本单位的用户")
                )
        stage: str | None = config.stage_model().main_stages[0].code
        if raw.get("stage") is not None:
            stage = lookups["stage"].get(str(raw["stage"]).lower(), lookups["stage"].get(str(raw["stage"])))
            if stage is None:
                choices = sorted(config.stage_model().stages, key=lambda s: s.order)
                errors.append(
                    (
                        "stage",
                        raw["stage"],
                        "unknown_stage",
                        f"阶段「{raw['stage']}」不存在，可选：{'、'.join(s.name_zh for s in choices)}",
                        {"choices": ", ".join(s.name_en for s in choices)},
                    )
                )
        source: str | None = Project.Source.OTHER
        if raw.get("source") is not None:
            source = lookups["source"].get(str(raw["source"]))
            if source is None:
                errors.append(
                    ("source", raw["source"], "unknown_source", f"项目来源「{raw['source']}」不存在")
                )
        name = str(raw.get("name") or "").strip()
        for key, limit in limits.items():
            text = name if key == "name" else str(raw.get(key) or "")
            if limit and len(text) > limit:
                errors.append(
                    (
                        key,
                        text[:50] + "…",
                        "too_long",
                        f"「{label[key]}」有 {len(text)} 个字，最多 {limit} 个",
                        {"length": len(text), "limit": limit},
                    )
                )
        if team is not None and name:
            row_key = (team.pk, name)
            if row_key in seen:
                errors.append(
                    (
                        "name",
                        name,
                        "duplicate_row",
                        f"项目「{name}」与第 {seen[row_key]} 行重复",
                        {"first": seen[row_key]},
                    )
                )
            seen[row_key] = row_number
        if not errors and stage is not None:
            from zhaoshang.pipeline.core.stages import check_transition
            from zhaoshang.pipeline.services import transition_params

            first = config.stage_model().main_stages[0].code
            if stage != first:
                fields = {**values, "carrier_id": None}
                check = check_transition(first, stage, fields, reason="导入", model=config.stage_model())
                if not check.ok:
                    errors.append(
                        (
                            "stage",
                            raw.get("stage") or "",
                            "stage_requirements",
                            check.message_zh,
                            transition_params(check),
                        )
                    )
        if errors:
            result.issues.extend(
                RowIssue(
                    row_number,
                    label.get(key) if key else None,
                    cell_text(value),
                    code,
                    message,
                    "error",
                    params[0] if params else {},
                )
                for key, value, code, message, *params in errors
            )
            continue
        planned.append(
            (
                row_number,
                {
                    "name": name,
                    "team": team,
                    "owner": row_owner,
                    "stage": stage,
                    "source": source,
                    "investor_name": str(raw["investor_name"]),
                    "investor_uscc": cell_text(raw.get("investor_uscc") or ""),
                    **values,
                },
            )
        )
    if result.issues:
        return result
    try:
        with transaction.atomic():
            _apply(actor, planned, result)
            if dry_run:
                transaction.set_rollback(True)
    except RowRefused as exc:  # a domain error on a row that passed validation: nothing lands
        result.issues.append(RowIssue(exc.row, None, "", exc.code, exc.message, "error"))
        result.created = result.updated = result.unchanged = 0
    return result


def _apply(actor: Actor, planned: list[tuple[int, dict[str, Any]]], result: ImportResult) -> None:
    from zhaoshang.pipeline import services

    for row_number, row in planned:
        team, stage = row.pop("team"), row.pop("stage")
        created_on = row.pop("created_on", None)
        investor_name, investor_uscc = row.pop("investor_name"), row.pop("investor_uscc")
        project = Project.objects.filter(organisation=team, name=row["name"]).first()
        try:
            if project is None:
                project = services.create_project(
                    actor,
                    organisation=team,
                    investor_name=investor_name,
                    investor_uscc=investor_uscc,
                    created_on=created_on,
                    **row,
                )
                if stage != project.stage:
                    services.advance_project(actor, project, stage, reason="导入", on=created_on)
                result.created += 1
                continue
            changed = services.update_project(
                actor, project, **{k: v for k, v in row.items() if k != "name" and v is not None}
            )
            if stage != project.stage:
                services.advance_project(actor, project, stage, reason="导入")
                changed["stage"] = True
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
        except services.PipelineError as exc:
            raise RowRefused(str(exc), exc.code, row=row_number) from None
