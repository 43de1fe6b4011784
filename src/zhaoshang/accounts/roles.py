"""Roles and the role × object × action matrix.

This table is the single source of truth for who may do what; docs/PERMISSIONS.md is
generated from it (`zhaoshang permissions-matrix`) and tests walk it row by row.

Scope: ALL — every organisation's records; ORG — records of the user's organisation and
its children; NONE — no access.  Actions: v view, a add, c change, d delete.
A cell may give actions different scopes, separated by "|": "all:v|org:ac" — view all, add and
change in the user's organisation (the shared registry: everyone sees every firm).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_LEADER = "city_leader", _("City leader")
    INVESTMENT_OFFICER = "investment_officer", _("Investment officer")
    CHAIN_OFFICE = "chain_office", _("Chain office")
    PARK_ADMIN = "park_admin", _("Park administrator")
    SERVICE_OFFICER = "service_officer", _("Enterprise service officer")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


ALL = "all"
ORG = "org"
NONE = "none"

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}

# The objects the matrix governs; each scoped model names its object with `permission_object`.
OBJECTS = (
    "organisation",
    "user",
    "audit_log",
    "reference",
    "enterprise",
    "import_batch",
    "chain",
    "chain_assignment",
    "project",
    "followup",
    "coordination_item",
    "carrier",
    "place_data",
    "park_site",
    "approval_template",
    "approval_case",
    "approval_item",
    "promise",
    "policy",
    "policy_push",
    "appeal",
    "notification_channel",
    "indicator",
)


@dataclass(frozen=True)
class Grant:
    scope: str  # the scope of viewing (the widest); see scope_for
    actions: frozenset[str]
    scopes: tuple[tuple[str, str], ...] = ()  # (action, scope) where it differs from `scope`

    @classmethod
    def parse(cls, text: str) -> Grant:
        per_action: dict[str, str] = {}
        for part in text.split("|"):
            scope, _, letters = part.partition(":")
            for letter in letters:
                per_action[ACTIONS[letter]] = scope
        if not per_action:
            return cls(text.partition(":")[0], frozenset())
        view_scope = per_action.get("view") or next(iter(per_action.values()))
        extra = tuple(sorted((a, s) for a, s in per_action.items() if s != view_scope))
        return cls(view_scope, frozenset(per_action), extra)

    def scope_for(self, action: str) -> str:
        return dict(self.scopes).get(action, self.scope)

    def describe(self) -> str:
        """ "all: v; org: ac" — the cell of docs/PERMISSIONS.md."""
        by_scope: dict[str, str] = {}
        for letter, action in ACTIONS.items():
            if action in self.actions:
                scope = self.scope_for(action)
                by_scope[scope] = by_scope.get(scope, "") + letter
        return "; ".join(f"{scope}: {letters}" for scope, letters in by_scope.items()) or "—"


def _grants(table: dict[str, str]) -> dict[str, Grant]:
    unknown = set(table) - set(OBJECTS)
    if unknown:
        raise ValueError(f"unknown objects in permission table: {sorted(unknown)}")
    return {obj: Grant.parse(table.get(obj, "none:")) for obj in OBJECTS}


_READ_ALL = {obj: "all:v" for obj in OBJECTS if obj not in {"audit_log", "notification_channel"}}

MATRIX: dict[str, dict[str, Grant]] = {
    Role.CITY_LEADER: _grants(_READ_ALL),
    Role.INVESTMENT_OFFICER: _grants(
        {
            "organisation": "all:v",
            "user": "org:v",
            "reference": "all:v",
            "enterprise": "all:v|org:ac",
            "import_batch": "org:va",
            "chain": "all:v",
            "chain_assignment": "all:v",
            "project": "org:vacd",
            "followup": "org:vacd",
            "coordination_item": "org:vac",
            "carrier": "all:v",
            "place_data": "all:v",
            "park_site": "all:v",
            "approval_template": "all:v",
            "approval_case": "org:va",
            "approval_item": "org:v",
            "promise": "org:vac",
            "policy": "all:v",
            "policy_push": "org:v",
            "indicator": "all:v|org:acd",
        }
    ),
    Role.CHAIN_OFFICE: _grants(
        {
            "organisation": "all:v",
            "user": "org:v",
            "reference": "all:v",
            "enterprise": "all:vac",
            "import_batch": "all:va",
            "chain": "all:vacd",
            "chain_assignment": "all:vacd",
            "project": "all:v",
            "followup": "all:v",
            "coordination_item": "all:v",
            "carrier": "all:v",
            "place_data": "all:v",
            "park_site": "all:v",
            "approval_template": "all:v",
            "approval_case": "all:v",
            "approval_item": "all:v",
            "promise": "all:v",
            "policy": "all:v",
            "policy_push": "all:v",
            "indicator": "all:v|org:acd",
        }
    ),
    Role.PARK_ADMIN: _grants(
        {
            "organisation": "all:v",
            "user": "org:v",
            "reference": "all:v",
            "enterprise": "all:v|org:ac",
            "import_batch": "org:va",
            "chain": "all:v",
            "chain_assignment": "all:v",
            "project": "org:vacd",
            "followup": "org:vacd",
            "coordination_item": "org:vac",
            "carrier": "org:vacd",
            "place_data": "all:v",
            "park_site": "org:vac",
            "approval_template": "all:v",
            "approval_case": "org:va",
            "approval_item": "org:v",
            "promise": "org:vac",
            "policy": "all:v",
            "policy_push": "org:v",
            "appeal": "org:v",
            "indicator": "all:v|org:acd",
        }
    ),
    Role.SERVICE_OFFICER: _grants(
        {
            "organisation": "all:v",
            "user": "org:v",
            "reference": "all:v",
            "enterprise": "all:v|org:c",
            "import_batch": "org:v",
            "chain": "all:v",
            "chain_assignment": "all:v",
            "project": "org:v",
            "followup": "org:va",
            "coordination_item": "org:vc",
            "carrier": "all:v",
            "place_data": "all:v",
            "park_site": "all:v",
            "approval_template": "all:v",
            "approval_case": "all:vac",
            "approval_item": "all:vc",
            "promise": "all:vac",
            "policy": "all:v",
            "policy_push": "all:vac",
            "appeal": "org:vac",
        }
    ),
    Role.DEPARTMENT_HANDLER: _grants(
        {
            "organisation": "all:v",
            "reference": "all:v",
            "enterprise": "all:v",
            "chain": "all:v",
            "coordination_item": "org:vc",
            "place_data": "all:v",
            "park_site": "all:v",
            "approval_template": "all:v",
            "approval_item": "org:vc",
            "promise": "org:vc",
            "policy": "all:v",
            "appeal": "org:vc",
        }
    ),
    Role.SYSTEM_ADMIN: _grants(
        {
            **{obj: "all:vacd" for obj in OBJECTS},
            "audit_log": "all:v",
        }
    ),
}


def grant_for(role: str, obj: str) -> Grant:
    if obj not in OBJECTS:
        raise KeyError(f"unknown permission object {obj!r}")
    return MATRIX.get(role, {}).get(obj, Grant(NONE, frozenset()))


def matrix_markdown() -> str:
    """The matrix as a Markdown table, for docs/PERMISSIONS.md."""
    from django.utils import translation

    roles = list(Role)
    with translation.override("zh-hans"):
        zh = {r: str(r.label) for r in roles}
    with translation.override("en"):
        en = {r: str(r.label) for r in roles}
    head = "| object | " + " | ".join(f"{zh[r]} {en[r]} (`{r.value}`)" for r in roles) + " |"
    rule = "|---" * (len(roles) + 1) + "|"
    lines = [head, rule]
    for obj in OBJECTS:
        cells = []
        for role in roles:
            cells.append(grant_for(role, obj).describe())
        lines.append(f"| {obj} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
