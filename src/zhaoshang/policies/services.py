"""Policies services: the library (every change versioned and audited), import and export, firm facts,
matching both ways, and the 免申即享 pushes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message
from zhaoshang.policies.core import conditions as cond_core
from zhaoshang.policies.core import matching as match_core
from zhaoshang.policies.messages import condition_message, describe, kind_label
from zhaoshang.policies.models import Clause, FirmQualification, FirmRD, Policy, PolicyVersion, Push
from zhaoshang.registry.models import Enterprise
from zhaoshang.tabular import write_xlsx


class PoliciesError(DomainError):
    """A request the policies app refuses; the message is in the user's language."""


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------------------
# The library, versioned


POLICY_FIELDS = ("title", "issuer", "valid_from", "valid_to", "source_url", "summary")
CLAUSE_FIELDS = ("title", "text", "benefit", "amount_wan", "no_application", "conditions", "order")


def snapshot(policy: Policy) -> dict:
    return {
        "code": policy.code,
        **{f: audit._jsonable(getattr(policy, f)) for f in POLICY_FIELDS},
        "clauses": [
            {"number": c.number, **{f: audit._jsonable(getattr(c, f)) for f in CLAUSE_FIELDS}}
            for c in policy.clauses.order_by("order", "id")
        ],
    }


def _new_version(actor: Actor, policy: Policy, note: str) -> PolicyVersion:
    last = policy.versions.order_by("-version").first()
    shot = snapshot(policy)
    if last is not None and last.snapshot == shot:
        return last
    number = (last.version + 1) if last else 1
    if policy.version != number:
        Policy.objects.filter(pk=policy.pk).update(version=number)
        policy.version = number
    return PolicyVersion.objects.create(
        policy=policy,
        version=number,
        snapshot=shot,
        changed_by=actor if getattr(actor, "pk", None) else None,
        note=note[:255],
    )


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(
            f"{field}：{'、'.join(m for e in errors for m in e.messages)}"
            for field, errors in exc.error_dict.items()
        )
    return "；".join(exc.messages)


def _clean_conditions(conditions: Any) -> list[dict]:
    try:
        if isinstance(conditions, str):
            return cond_core.parse_conditions(conditions)
        return [cond_core.validate_condition(c) for c in conditions or []]
    except cond_core.ConditionError as exc:
        # "condition_invalid" is the code clients know; the core's own code stays for the reader
        raise PoliciesError(condition_message(exc), "condition_invalid", reason=exc.code) from None


@transaction.atomic
def save_policy(
    actor: Actor, *, code: str, note: str = "", is_demo: bool = False, **fields: Any
) -> tuple[Policy, bool]:
    """Create the policy or bring it up to date (natural key: document number); a new version when it changed."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown policy fields: {sorted(unknown)}")
    code = (code or "").strip()
    if not code or not (fields.get("title") or "").strip():
        raise PoliciesError(_("A policy needs a document number and a title"), "required")
    if fields.get("valid_from") and fields.get("valid_to") and fields["valid_from"] > fields["valid_to"]:
        raise PoliciesError(_("The policy ends before it takes effect"), "dates")
    policy = Policy.objects.filter(code=code).first()
    try:
        if policy is None:
            policy = audit.create(actor, Policy, code=code, is_demo=is_demo, **fields)
            created = True
        else:
            audit.update(actor, policy, note=note, **fields)
            created = False
    except ValidationError as exc:
        raise PoliciesError(_validation_text(exc), "invalid") from None
    _new_version(actor, policy, note or ("新建" if created else "修改政策"))
    return policy, created


@transaction.atomic
def save_clause(actor: Actor, policy: Policy, *, number: str, note: str = "", **fields: Any) -> Clause:
    unknown = set(fields) - set(CLAUSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown clause fields: {sorted(unknown)}")
    if not (number or "").strip() or not (fields.get("text") or "").strip():
        raise PoliciesError(_("A clause needs an article number and its text"), "required")
    if "conditions" in fields:
        fields["conditions"] = _clean_conditions(fields["conditions"])
    if fields.get("amount_wan") not in (None, ""):
        try:
            fields["amount_wan"] = Decimal(str(fields["amount_wan"]))
        except InvalidOperation:
            raise PoliciesError(
                _("The amount is not a number: %(amount)s") % {"amount": fields["amount_wan"]}, "amount"
            ) from None
    else:
        fields["amount_wan"] = None
    clause = Clause.objects.filter(policy=policy, number=number.strip()).first()
    try:
        if clause is None:
            fields.setdefault("order", policy.clauses.count())
            clause = audit.create(actor, Clause, policy=policy, number=number.strip(), **fields)
        else:
            audit.update(actor, clause, note=note, **fields)
    except ValidationError as exc:
        raise PoliciesError(_validation_text(exc), "invalid") from None
    _new_version(actor, policy, note or f"条款{number}")
    return clause


@transaction.atomic
def delete_clause(actor: Actor, clause: Clause, note: str = "") -> None:
    policy = clause.policy
    audit.delete(actor, clause, note)
    _new_version(actor, policy, note or f"删除条款{clause.number}")


# ---------------------------------------------------------------------------------------------------------
# Import and export (YAML: the structure of demo_data.POLICIES; XLSX/CSV: one row per clause)

XLSX_HEADERS = [
    ("code", "政策文号"),
    ("title", "政策名称"),
    ("issuer", "发布机关"),
    ("valid_from", "生效日期"),
    ("valid_to", "失效日期"),
    ("source_url", "原文链接"),
    ("number", "条款号"),
    ("clause_title", "条款标题"),
    ("text", "条款原文"),
    ("benefit", "兑现内容"),
    ("amount_wan", "金额（万元）"),
    ("no_application", "免申即享"),
    ("conditions", "条件"),
]
_HEADER_KEYS = {zh: key for key, zh in XLSX_HEADERS} | {key: key for key, _ in XLSX_HEADERS}


@dataclass
class ImportResult:
    policies_created: int = 0
    policies_updated: int = 0
    clauses: int = 0
    issues: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return self.__dict__.copy()


class _DryRun(Exception):
    pass


def _date(value: Any, row: int, name: str, issues: list) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        issues.append(
            {"row": row, "field": name, "reason": _("Not a valid date: %(value)s") % {"value": value}}
        )
        return None


def _yes(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "是", "y", "√", "✓"}


def _read_yaml(path: Path) -> list[dict]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PoliciesError(
            _("The YAML file cannot be read: %(error)s") % {"error": exc}, "unreadable"
        ) from None
    if isinstance(data, dict):
        data = data.get("policies")
    if not isinstance(data, list):
        raise PoliciesError(
            _("The YAML file should be a list of policies (or a list under policies:)"), "unreadable"
        )
    return [{**p, "_row": n} for n, p in enumerate(data, 1)]


def _read_table(path: Path, issues: list) -> list[dict]:
    from zhaoshang.tabular import UnreadableFileError, cell_text, open_table

    try:
        table = open_table(path)
    except UnreadableFileError as exc:
        raise PoliciesError(error_message(exc), "unreadable") from None
    keys = [_HEADER_KEYS.get(h.strip()) for h in table.header]
    missing = [zh for key, zh in XLSX_HEADERS[:1] + XLSX_HEADERS[6:7] + XLSX_HEADERS[8:9] if key not in keys]
    if missing:
        raise PoliciesError(_("Missing columns: %(columns)s") % {"columns": _(", ").join(missing)}, "columns")
    policies: dict[str | dt.date, dict] = {}  # by the code as read (a cell formatted as a date stays one)
    for row_number, cells in table.rows:
        values = {
            k: (c if isinstance(c, dt.date) else cell_text(c).strip())
            for k, c in zip(keys, cells, strict=False)
            if k
        }
        if not any(values.values()):
            continue
        code = values.get("code") or ""
        if not code:
            issues.append(
                {
                    "row": row_number,
                    "field": _("Policy document number"),
                    "reason": _("The policy document number is missing"),
                }
            )
            continue
        policy = policies.setdefault(code, {"code": code, "clauses": [], "_row": row_number})
        for key in ("title", "issuer", "valid_from", "valid_to", "source_url"):
            if values.get(key) and not policy.get(key):
                policy[key] = values[key]
        if values.get("number"):
            policy["clauses"].append(
                {
                    "number": values["number"],
                    "title": values.get("clause_title") or values["number"],
                    "text": values.get("text", ""),
                    "benefit": values.get("benefit", ""),
                    "amount_wan": values.get("amount_wan") or None,
                    "no_application": _yes(values.get("no_application", "")),
                    "conditions": values.get("conditions", ""),
                    "_row": row_number,
                }
            )
    return list(policies.values())


@transaction.atomic
def import_policies(
    actor: Actor, path: str | Path, *, dry_run: bool = False, is_demo: bool = False, progress=None
) -> ImportResult:
    """Policies and clauses from YAML or XLSX/CSV; all or nothing (a bad row rolls everything back and is
    reported by row, field and reason); re-running the same file changes nothing."""
    path = Path(path)
    result = ImportResult(dry_run=dry_run)
    issues = result.issues
    if not path.exists():
        raise PoliciesError(_("The file does not exist: %(path)s") % {"path": path}, "unreadable")
    data = _read_yaml(path) if path.suffix.lower() in (".yaml", ".yml") else _read_table(path, issues)
    try:
        with transaction.atomic():
            for raw in data:
                row = raw.get("_row", 0)
                if progress:
                    progress(1)
                try:
                    fields = {
                        "title": str(raw.get("title") or "").strip(),
                        "issuer": str(raw.get("issuer") or "").strip(),
                        "valid_from": _date(raw.get("valid_from"), row, _("Valid from"), issues),
                        "valid_to": _date(raw.get("valid_to"), row, _("Valid until"), issues),
                        "source_url": str(raw.get("source_url") or ""),
                        "summary": str(raw.get("summary") or ""),
                    }
                    before = Policy.objects.filter(code=str(raw.get("code") or "").strip()).first()
                    version_before = before.version if before else None
                    policy, created = save_policy(
                        actor, code=str(raw.get("code") or ""), note="导入", is_demo=is_demo, **fields
                    )
                except PoliciesError as exc:
                    issues.append({"row": row, "field": _("Policy"), "reason": error_message(exc)})
                    continue
                for clause in raw.get("clauses") or []:
                    crow = clause.get("_row", row)
                    try:
                        save_clause(
                            actor,
                            policy,
                            number=str(clause.get("number") or ""),
                            note="导入",
                            title=str(clause.get("title") or clause.get("number") or ""),
                            text=str(clause.get("text") or ""),
                            benefit=str(clause.get("benefit") or ""),
                            amount_wan=clause.get("amount_wan"),
                            no_application=bool(clause.get("no_application"))
                            if not isinstance(clause.get("no_application"), str)
                            else _yes(clause["no_application"]),
                            conditions=clause.get("conditions") or [],
                        )
                        result.clauses += 1
                    except PoliciesError as exc:
                        issues.append(
                            {
                                "row": crow,
                                "field": _("Conditions") if exc.code == "condition_invalid" else _("Clause"),
                                "reason": error_message(exc),
                            }
                        )
                policy.refresh_from_db()
                if created:
                    result.policies_created += 1
                elif policy.version != version_before:
                    result.policies_updated += 1
            if issues or dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if issues:
        result.policies_created = result.policies_updated = result.clauses = 0
    return result


def export_policies(policies: QuerySet[Policy], path: str | Path) -> Path:
    path = Path(path)
    rows = []
    for policy in policies.prefetch_related("clauses"):
        for clause in policy.clauses.all():
            rows.append(
                [
                    policy.code,
                    policy.title,
                    policy.issuer,
                    policy.valid_from,
                    policy.valid_to,
                    policy.source_url,
                    clause.number,
                    clause.title,
                    clause.text,
                    clause.benefit,
                    float(clause.amount_wan) if clause.amount_wan is not None else None,
                    "是" if clause.no_application else "否",
                    cond_core.format_conditions(clause.conditions),
                ]
            )
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data = []
        for policy in policies.prefetch_related("clauses"):
            shot = snapshot(policy)
            for c in shot["clauses"]:
                c.pop("order", None)
            data.append(shot)
        path.write_text(
            yaml.safe_dump({"policies": data}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return path
    write_rows(path, [zh for _, zh in XLSX_HEADERS], rows)
    return path


def write_rows(path: Path, headers: list[str], rows: Iterable[list]) -> None:
    """XLSX through the shared writer (text beginning with = + - @ is never written as a formula)."""
    write_xlsx(path, headers, rows)


# ---------------------------------------------------------------------------------------------------------
# Firm facts and matching


def section_of() -> dict[str, str]:
    from zhaoshang.core.models import Industry

    return dict(Industry.objects.filter(level=2).values_list("code", "parent_id"))


def chain_path(chain: str, node_path: str) -> str:
    """ "轨道交通装备/牵引系统/IGBT": the chain's name, then the node's names from the top."""
    return "/".join([chain, *[part.strip() for part in (node_path or "").split(" / ") if part.strip()]])


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def firm_facts(enterprise: Enterprise) -> cond_core.FirmFacts:
    from zhaoshang.pipeline.models import Project

    chain_paths: tuple[str, ...] = ()
    try:
        from zhaoshang.chains.models import NodeAssignment

        chain_paths = tuple(
            chain_path(chain, path)
            for chain, path in NodeAssignment.objects.filter(enterprise=enterprise)
            .exclude(status="rejected")
            .values_list("node__chain__name", "node__path")
        )
    except ImportError:  # pragma: no cover
        pass
    rd = FirmRD.objects.filter(enterprise=enterprise).order_by("-year").first()
    quals = tuple(
        cond_core.Qualification(q.tag, q.obtained, q.expires, q.source)
        for q in FirmQualification.objects.filter(enterprise=enterprise)
    )
    projects = tuple(
        cond_core.ProjectFacts(stage, _f(amount))
        for stage, amount in Project.objects.filter(investor=enterprise).values_list(
            "stage", "planned_investment_wan"
        )
    )
    return cond_core.FirmFacts(
        id=enterprise.pk,
        name=enterprise.name,
        region_code=enterprise.region_code or "",
        industry_code=enterprise.industry_code or "",
        chain_paths=chain_paths,
        founded=enterprise.founded,
        capital_wan=_f(enterprise.capital_wan),
        employees=_f(enterprise.employees),
        revenue_wan=_f(enterprise.revenue_wan),
        tax_wan=_f(enterprise.tax_wan),
        rd_ratio=_f(rd.rd_ratio) if rd else None,
        qualifications=quals,
        projects=projects,
    )


def core_clause(clause: Clause) -> cond_core.Clause:
    return cond_core.Clause(
        clause.pk, tuple(clause.conditions), clause.title, clause.policy.title if clause.policy_id else ""
    )


def clauses_in_force(as_of: dt.date | None = None) -> QuerySet[Clause]:
    as_of = as_of or _today()
    return (
        Clause.objects.select_related("policy")
        .exclude(policy__valid_from__gt=as_of)
        .exclude(policy__valid_to__lt=as_of)
        .order_by("policy__code", "order", "id")
    )


def match_firm(enterprise: Enterprise, as_of: dt.date | None = None) -> dict:
    """{matched, nearly, unknown}: each a list of {clause, result} (clauses of policies in force)."""
    as_of = as_of or _today()
    facts = firm_facts(enterprise)
    sections = section_of()
    clauses = list(clauses_in_force(as_of))
    by_id = {c.pk: c for c in clauses}
    found = cond_core.match_firm([core_clause(c) for c in clauses], facts, as_of, sections)
    return {
        status: [{"clause": by_id[r.clause_id], "result": r} for r in results]
        for status, results in found.items()
    }


def match_firm_json(enterprise: Enterprise, as_of: dt.date | None = None) -> dict:
    as_of = as_of or _today()
    found = match_firm(enterprise, as_of)

    def verdict(v: cond_core.Verdict) -> dict:
        return {
            "kind": v.kind,
            "label": kind_label(v.kind),
            "status": v.status,
            "value": audit._jsonable(v.value),
            "gap": v.gap,
            "missing": v.missing,
            "reason": v.reason,
        }

    return {
        "firm": {"id": enterprise.pk, "name": enterprise.name, "uscc": enterprise.uscc},
        "as_of": as_of.isoformat(),
        **{
            status: [
                {
                    "clause_id": r["clause"].pk,
                    "policy": r["clause"].policy.title,
                    "policy_code": r["clause"].policy.code,
                    "number": r["clause"].number,
                    "title": r["clause"].title,
                    "no_application": r["clause"].no_application,
                    "conditions": [
                        {**verdict(v), "rule": describe(c)}
                        for v, c in zip(r["result"].verdicts, r["clause"].conditions, strict=True)
                    ],
                }
                for r in rows
            ]
            for status, rows in found.items()
        },
    }


def firm_table(enterprises: QuerySet[Enterprise] | None = None) -> match_core.FirmTable:
    """The registry as columns for the vectorised matcher (merged duplicates left out)."""
    from zhaoshang.pipeline.models import Project

    qs = (enterprises if enterprises is not None else Enterprise.objects.all()).filter(
        merged_into__isnull=True
    )
    firms = pd.DataFrame.from_records(
        qs.values_list(
            "id",
            "region_code",
            "industry_code",
            "founded",
            "capital_wan",
            "employees",
            "revenue_wan",
            "tax_wan",
        ).iterator(chunk_size=20000),
        columns=[
            "id",
            "region_code",
            "industry_code",
            "founded",
            "capital_wan",
            "employees",
            "revenue_wan",
            "tax_wan",
        ],
    )
    for col in ("capital_wan", "revenue_wan", "tax_wan", "employees"):
        firms[col] = pd.to_numeric(
            firms[col]
            .astype(object)
            .where(firms[col].notna(), None)
            .map(lambda x: None if x is None else float(x)),
            errors="coerce",
        )
    rd = pd.DataFrame.from_records(
        FirmRD.objects.order_by("enterprise_id", "year").values_list("enterprise_id", "rd_ratio"),
        columns=["id", "rd_ratio"],
    )
    rd = rd.drop_duplicates("id", keep="last")
    rd["rd_ratio"] = rd["rd_ratio"].map(float) if len(rd) else rd["rd_ratio"]
    firms = firms.merge(rd, on="id", how="left") if len(rd) else firms.assign(rd_ratio=np.nan)
    try:
        from zhaoshang.chains.models import NodeAssignment

        chain_rows = [
            (e, chain_path(chain, path))
            for e, chain, path in NodeAssignment.objects.exclude(status="rejected").values_list(
                "enterprise_id", "node__chain__name", "node__path"
            )
        ]
    except ImportError:  # pragma: no cover
        chain_rows = []
    chain = pd.DataFrame(chain_rows, columns=["firm_id", "path"])
    quals = pd.DataFrame.from_records(
        FirmQualification.objects.values_list("enterprise_id", "tag", "obtained", "expires"),
        columns=["firm_id", "tag", "obtained", "expires"],
    )
    projects = pd.DataFrame.from_records(
        Project.objects.values_list("investor_id", "stage", "planned_investment_wan"),
        columns=["firm_id", "stage", "investment"],
    )
    projects["investment"] = projects["investment"].map(lambda x: None if x is None else float(x))
    return match_core.FirmTable.from_frames(firms, chain, quals, projects)


def eligible_firms(
    clause: Clause, as_of: dt.date | None = None, table: match_core.FirmTable | None = None
) -> dict[str, list[int]]:
    """Firm ids per status for one clause, over the whole registry."""
    as_of = as_of or _today()
    table = table or firm_table()
    result = match_core.match_clause(core_clause(clause), table, as_of, section_of())
    return {
        status: result.ids(table, status).tolist()
        for status in (cond_core.MATCHED, cond_core.NEARLY, cond_core.CANNOT_JUDGE)
    }


@transaction.atomic
def push_clause(actor: Actor, clause: Clause, as_of: dt.date | None = None, *, is_demo: bool = False) -> dict:
    """The 免申即享 list: a push for every firm that meets the clause today (firms already pushed are kept)."""
    as_of = as_of or _today()
    if not clause.policy.in_force(as_of):
        raise PoliciesError(_("This policy is not in force"), "not_in_force")
    if not clause.conditions:
        raise PoliciesError(
            _("This clause has no structured conditions: no firm can be matched"), "no_conditions"
        )
    ids = eligible_firms(clause, as_of)[cond_core.MATCHED]
    existing = set(Push.objects.filter(clause=clause).values_list("enterprise_id", flat=True))
    new_ids = [i for i in ids if i not in existing]
    orgs = dict(Enterprise.objects.filter(pk__in=new_ids).values_list("id", "organisation_id"))
    pushes = Push.objects.bulk_create(
        [
            Push(clause=clause, enterprise_id=i, organisation_id=orgs[i], eligible_on=as_of, is_demo=is_demo)
            for i in new_ids
            if i in orgs
        ]
    )
    from zhaoshang.core.models import AuditEntry

    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                actor,
                "create",
                p,
                {"clause": [None, clause.pk], "enterprise": [None, p.enterprise_id]},
                "免申即享推送",
            )
            for p in pushes
        ]
    )
    return {"eligible": len(ids), "new": len(pushes), "already": len(ids) - len(new_ids)}


@transaction.atomic
def assign_pushes(actor: Actor, pushes: Iterable[Push], assignee: Any) -> int:
    n = 0
    for push in pushes:
        n += bool(audit.update(actor, push, assignee=assignee))
    return n


ORDER = [Push.State.ELIGIBLE, Push.State.NOTIFIED, Push.State.APPLIED, Push.State.PAID]


@transaction.atomic
def record_push(
    actor: Actor, push: Push, *, state: str, on: dt.date | None = None, amount_wan: Any = None, note: str = ""
) -> dict:
    on = on or _today()
    if state not in Push.State.values:
        raise PoliciesError(_("Unknown state “%(state)s”") % {"state": state})
    if on > _today():
        raise PoliciesError(_("The date cannot be later than today"), "dates")
    if on < push.eligible_on:
        raise PoliciesError(_("The date cannot be earlier than the day the firm became eligible"), "dates")
    fields: dict[str, Any] = {"state": state}
    if note:
        fields["note"] = note
    if state == Push.State.NOTIFIED:
        fields["notified_on"] = on
    elif state == Push.State.APPLIED:
        fields["applied_on"] = on
        fields.setdefault("notified_on", push.notified_on or on)
    elif state == Push.State.PAID:
        if amount_wan in (None, ""):
            raise PoliciesError(_("A payment needs its amount"), "amount_required")
        try:
            fields["amount_wan"] = Decimal(str(amount_wan))
        except InvalidOperation:
            raise PoliciesError(
                _("The amount is not a number: %(amount)s") % {"amount": amount_wan}, "amount"
            ) from None
        fields["paid_on"] = on
        fields["notified_on"] = push.notified_on or on
    return audit.update(actor, push, **fields)


def push_figures(pushes: QuerySet[Push]) -> dict:
    paid = [
        (paid - eligible).days
        for paid, eligible in pushes.filter(state=Push.State.PAID).values_list("paid_on", "eligible_on")
        if paid is not None  # a paid push always carries its day (mark_paid sets it)
    ]
    counts = {s: 0 for s in Push.State.values}
    for state in pushes.values_list("state", flat=True):
        counts[state] += 1
    return {
        "counts": counts,
        "median_days_to_payment": float(np.median(paid)) if paid else None,
        "paid_wan": sum(float(a or 0) for a in pushes.values_list("amount_wan", flat=True)),
    }


PUSH_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "政策",
    "条款",
    "符合条件日期",
    "服务专员",
    "状态",
    "告知日期",
    "申请日期",
    "兑现日期",
    "兑现金额（万元）",
    "符合到兑现天数",
]


def export_pushes(pushes: QuerySet[Push], path: str | Path) -> Path:
    path = Path(path)
    rows = (
        [
            p.enterprise.name,
            p.enterprise.uscc or "",
            p.clause.policy.title,
            f"{p.clause.number} {p.clause.title}",
            p.eligible_on,
            p.assignee.get_full_name() or p.assignee.username if p.assignee else "",
            str(p.get_state_display()),
            p.notified_on,
            p.applied_on,
            p.paid_on,
            float(p.amount_wan) if p.amount_wan is not None else None,
            p.days_to_payment,
        ]
        for p in pushes.select_related("enterprise", "clause__policy", "assignee")
    )
    write_rows(path, PUSH_HEADERS, rows)
    return path


def find_firm(text: str) -> Enterprise:
    """A firm by credit code or exact name (or a unique name fragment)."""
    from zhaoshang.registry.core.uscc import normalise

    text = (text or "").strip()
    code = normalise(text) if text else None
    qs = Enterprise.objects.filter(merged_into__isnull=True)
    found = qs.filter(uscc=code).first() if code else None
    found = found or qs.filter(name=text).first()
    if found is None:
        candidates = list(qs.filter(name__contains=text)[:2]) if text else []
        if len(candidates) == 1:
            found = candidates[0]
        elif candidates:
            raise PoliciesError(
                _("“%(text)s” matches several firms: use the unified social credit code") % {"text": text},
                "ambiguous",
            )
    if found is None:
        raise PoliciesError(_("No firm “%(text)s” was found") % {"text": text}, "not_found")
    return found


def profile_matches(firm: Enterprise, user: Any) -> dict | None:
    """The firm profile's policy section (registered in AppConfig.ready): counts per status and the rows."""
    from zhaoshang.accounts.scoping import can

    if not can(user, "policy", "view"):
        return None
    found = match_firm(firm)
    for rows in found.values():
        for row in rows:
            row["checks"] = [
                {
                    "verdict": v,
                    "rule": describe(c),
                    "label": kind_label(v.kind),
                }
                for v, c in zip(row["result"].verdicts, row["clause"].conditions, strict=True)
            ]
    return {"firm": firm, "found": found}
