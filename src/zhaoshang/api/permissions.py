"""API permissions: the same role matrix and organisation scoping as the web."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from zhaoshang.accounts.scoping import can, in_scope

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def _object_name(view) -> str | None:
    name = getattr(view, "permission_object", None)
    if name:
        return name
    queryset = getattr(view, "queryset", None)
    return getattr(getattr(queryset, "model", None), "permission_object", None)


class RolePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        obj = _object_name(view)
        if obj is None:  # schema/docs and other unscoped endpoints: any logged-in user
            return True
        action = getattr(view, "action_permissions", {}).get(
            getattr(view, "action", None)
        ) or METHOD_ACTIONS.get(request.method, "view")
        return can(request.user, obj, action)

    def has_object_permission(self, request, view, instance) -> bool:
        action = METHOD_ACTIONS.get(request.method, "view")
        return in_scope(request.user, instance, action)
