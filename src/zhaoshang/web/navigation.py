"""The navigation: one entry per capability, shown when the user's role can view it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.scoping import can


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: tuple[str, str] | None = None
    admin_only: bool = False


NAVIGATION: list[NavItem] = [
    NavItem("web:workbench", _("Workbench")),
    NavItem("registry:list", _("Enterprises"), ("enterprise", "view")),
    NavItem("registry:parks", _("Parks"), ("enterprise", "view")),
    NavItem("chains:index", _("Industrial chains"), ("chain", "view")),
    NavItem("pipeline:list", _("Projects"), ("project", "view")),
    NavItem("insight:benchmark", _("Benchmarking"), ("indicator", "view")),
    NavItem("places:index", _("Parks and walking access"), ("park_site", "view")),
    NavItem("approvals:list", _("Approval agency"), ("approval_case", "view")),
    NavItem("approvals:items", _("Approval items"), ("approval_item", "change")),
    NavItem("policies:list", _("Policies"), ("policy", "view")),
    NavItem("service:list", _("Appeals"), ("appeal", "view")),
    NavItem("pipeline:items", _("Coordination items"), ("coordination_item", "view")),
    NavItem("web:organisations", _("Organisations"), ("organisation", "view")),
    NavItem("web:audit", _("Audit log"), ("audit_log", "view")),
    NavItem("notifications:channels", _("Organisation channels"), ("notification_channel", "view")),
]


def items_for(user) -> list[dict]:
    items = []
    for item in NAVIGATION:
        if item.permission and not can(user, *item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "name": item.url_name})
    return items
