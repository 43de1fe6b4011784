"""Base API viewsets: querysets scoped through accounts.scoping, writes through audited services."""

from __future__ import annotations

from rest_framework import mixins, viewsets

from zhaoshang.accounts.scoping import visible
from zhaoshang.core import audit


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return visible(self.request.user, super().get_queryset())


class ScopedModelViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedReadOnlyViewSet,
):
    """Create/update/delete recorded in the audit log; subclasses may override the perform_* hooks."""

    def perform_create(self, serializer):
        instance = audit.create(self.request.user, serializer.Meta.model, **serializer.validated_data)
        serializer.instance = instance

    def perform_update(self, serializer):
        audit.update(self.request.user, serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        audit.delete(self.request.user, instance)
