"""The one place that decides which records a user may see and change.

Every scoped model declares `permission_object` (a row of the role matrix) and
`scope_fields` (the foreign keys to Organisation that place a record in the tree). A model with a
`private_field` (a boolean) keeps its private records inside the owning organisation's subtree even for
roles that see all of the others (imported indicator tables marked private).  Views,
the API and the CLI all go through `visible` / `get_for_user`, so none forgets.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from zhaoshang.accounts.roles import ALL, NONE, ORG, Role, grant_for
from zhaoshang.core.errors import DomainError

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
    private_field: str = getattr(model, "private_field", "") or ""
    if scope == ALL and not private_field:
        return None
    if scope in (ALL, ORG) and user.organisation_id:
        fields: tuple[str, ...] = getattr(model, "scope_fields", ("organisation",))
        query = Q()
        for field in fields:
            if field == "self":
                query |= Q(path__startswith=user.organisation.path)
            else:
                query |= Q(**{f"{field}__path__startswith": user.organisation.path})
        if scope == ALL:  # everything that is not private, and the private records of the user's own subtree
            query |= Q(**{private_field: False})
        return query
    if scope == ALL:
        return Q(**{private_field: False})
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
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
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


def own_department(user: Any, queryset: models.QuerySet[M], field: str = "department") -> models.QuerySet[M]:
    """A department handler's work list: the records of ``queryset`` that fall (by ``field``, a foreign key to
    Organisation) to their own department's subtree, none for a handler without an organisation; every other
    user's ``queryset`` unchanged. Scope ``queryset`` with :func:`visible` first: this narrows, it never widens."""
    if getattr(user, "role", None) != Role.DEPARTMENT_HANDLER:
        return queryset
    if not user.organisation_id:
        return queryset.none()
    return queryset.filter(**{f"{field}__path__startswith": user.organisation.path})


def sees_all(user: Any, obj: str) -> bool:
    """Does the user see every ``obj`` record, whatever its organisation (a superuser, or a role whose ``obj`` row
    of the matrix has the scope ALL)?"""
    return bool(user.is_superuser) or grant_for(user.role, obj).scope == ALL


def attachable(
    user: Any, obj: str, queryset: models.QuerySet[M], field: str = "organisation"
) -> models.QuerySet[M]:
    """The records of ``queryset`` a user may attach new ``obj`` records to (the projects a follow-up or an item
    can be added to): every one for a user who sees every ``obj`` record, else those filed (by ``field``) under the
    user's organisation subtree, none for a user without an organisation."""
    if sees_all(user, obj):
        return queryset
    if not user.organisation_id:
        return queryset.none()
    return queryset.filter(**{f"{field}__path__startswith": user.organisation.path})


def may_attach(user: Any, obj: str, organisation: Any) -> bool:
    """May the user add an ``obj`` record to a parent filed under ``organisation`` (the rule of :func:`attachable`,
    for one parent, plus the ``add`` right)?"""
    if not can(user, obj, "add"):
        return False
    if sees_all(user, obj):
        return True
    return bool(user.organisation_id) and organisation.path.startswith(user.organisation.path)


def report_organisations(user: Any, obj: str):
    """The organisations a user may pick for a report over ``obj`` records (the meeting pack): all of them for a
    user who sees every ``obj`` record, else those they may file under (:func:`assignable_organisations`)."""
    from zhaoshang.accounts.models import Organisation

    return Organisation.objects.all() if sees_all(user, obj) else assignable_organisations(user)


class ReferenceNotVisible(DomainError):
    """A record names another record (a foreign key) that its author may not see."""

    code = "reference_not_visible"


def _may_reference(user: Any, obj: models.Model, *, file_under: bool) -> bool:
    from zhaoshang.accounts.models import Organisation

    if isinstance(obj, Organisation) and file_under:
        return assignable_organisations(user).filter(pk=obj.pk).exists()
    if getattr(type(obj), "permission_object", None) is None:
        return True  # a record kind outside the matrix (reference data) is visible to every user
    return in_scope(user, obj, "view")


def check_reference(user: Any, obj: Any, *, field: str = "", file_under: bool = False) -> None:
    """Refuse a reference the user may not make: anything not visible to you cannot be referenced by you.

    ``obj`` is a record (or a list of records) the user sets as a foreign key: an investor, a carrier, a chain node,
    an owner, a department. ``file_under``: ``obj`` is the organisation a new record is filed under, which must be in
    the user's own subtree (:func:`assignable_organisations`). ``None`` (no reference) and the system (no user, the
    CLI and the demo) pass. Raises :class:`ReferenceNotVisible` — the same answer whether the record exists
    elsewhere or not at all, so nothing of another organisation's data is revealed. Forms, API and actions reach it
    through the services.
    """
    if obj is None or user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return
    items = list(obj) if isinstance(obj, list | tuple | set | models.QuerySet) else [obj]
    for item in items:
        if not isinstance(item, models.Model):
            continue
        if not _may_reference(user, item, file_under=file_under):
            label = field or str(type(item)._meta.verbose_name)
            raise ReferenceNotVisible(
                f"所选的{label}不存在或不在您的可见范围内", code="reference_not_visible", field=field
            )
