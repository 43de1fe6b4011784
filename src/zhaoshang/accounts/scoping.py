"""The one place that decides which records a user may see and change.

Every scoped model declares `permission_object` (a row of the role matrix) and
`scope_fields` (the foreign keys to Organisation that place a record in the tree).  Views,
the API and the CLI all go through `visible` / `get_for_user`, so none forgets.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from zhaoshang.accounts.roles import ALL, NONE, ORG, grant_for

M = TypeVar("M", bound=models.Model)


def _object_name(model: type[models.Model]) -> str:
    name = getattr(model, "permission_object", None)
    if not name:
        raise TypeError(f"{model.__name__} declares no permission_object")
    return name


def can(user: Any, obj: str, action: str = "view") -> bool:
    """May this user perform `action` on some `obj` records at all?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grant = grant_for(user.role, obj)
    return grant.scope != NONE and action in grant.actions


def _scope_filter(user: Any, model: type[models.Model], action: str = "view") -> Q | None:
    """None means no restriction; Q() with nothing matching is returned as a false filter."""
    if user.is_superuser:
        return None
    scope = grant_for(user.role, _object_name(model)).scope_for(action)
    if scope == ALL:
        return None
    if scope == ORG and user.organisation_id:
        fields: tuple[str, ...] = getattr(model, "scope_fields", ("organisation",))
        query = Q()
        for field in fields:
            if field == "self":
                query |= Q(path__startswith=user.organisation.path)
            else:
                query |= Q(**{f"{field}__path__startswith": user.organisation.path})
        return query
    return Q(pk__in=[])


def visible(user: Any, queryset: models.QuerySet[M], action: str = "view") -> models.QuerySet[M]:
    """Records of `queryset` this user may perform `action` on."""
    model = queryset.model
    if not can(user, _object_name(model), action):
        return queryset.none()
    condition = _scope_filter(user, model, action)
    return queryset if condition is None else queryset.filter(condition)


def may_act_in(user: Any, obj: str, action: str, organisation: Any) -> bool:
    """May this user perform `action` on `obj` records filed under `organisation`? (The rule `visible` applies.)"""
    if not can(user, obj, action):
        return False
    if user.is_superuser:
        return True
    scope = grant_for(user.role, obj).scope_for(action)
    if scope == ALL:
        return True
    return scope == ORG and bool(user.organisation_id) and organisation.is_within(user.organisation)


def in_scope(user: Any, instance: models.Model, action: str = "view") -> bool:
    model = type(instance)
    return visible(user, model._default_manager.filter(pk=instance.pk), action).exists()


def get_for_user(user: Any, queryset: models.QuerySet[M] | type[M], pk: Any, action: str = "view") -> M:
    """The record, or 404 when the user may not see it, or 403 when seen but not `action`-able."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        instance = visible(user, queryset, "view").get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if action != "view" and not visible(user, queryset.filter(pk=instance.pk), action).exists():
        raise PermissionDenied
    return instance


def require(user: Any, obj: str, action: str) -> None:
    if not can(user, obj, action):
        raise PermissionDenied


def assignable_organisations(user: Any):
    """Organisations a user may file new records under: their own subtree (all for admins)."""
    from zhaoshang.accounts.models import Organisation

    if user.is_superuser or user.role == "system_admin":
        return Organisation.objects.all()
    if not user.organisation_id:
        return Organisation.objects.none()
    return user.organisation.subtree()
