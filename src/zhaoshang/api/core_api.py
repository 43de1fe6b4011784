"""API endpoints of the base: organisations, users, audit log, reference data."""

from __future__ import annotations

from rest_framework import serializers

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.core.models import AuditEntry, Industry, Region


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "kind", "parent", "region_code", "is_demo"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "organisation", "role", "title"]


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "note",
        ]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "lat", "lng"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name", "level", "parent", "remark"]


class OrganisationViewSet(ScopedReadOnlyViewSet):
    queryset = Organisation.objects.order_by("path")
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "parent"]


class UserViewSet(ScopedReadOnlyViewSet):
    queryset = User.objects.select_related("organisation").order_by("username")
    serializer_class = UserSerializer
    filterset_fields = ["role", "organisation"]


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_fields = ["model", "object_id", "action", "actor"]


class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class IndustryViewSet(ScopedReadOnlyViewSet):
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    filterset_fields = ["level", "parent"]
