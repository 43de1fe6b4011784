"""API: firms (search with the list's filters; detail as in `firms show --json`) and import batches."""

from __future__ import annotations

from rest_framework import serializers

from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.registry import services
from zhaoshang.registry.filters import EnterpriseFilterSet
from zhaoshang.registry.models import Enterprise, ImportBatch


class EnterpriseSerializer(serializers.Serializer):
    """Read-only: the fields are declared for the schema; the document itself is ``enterprise_as_dict``."""

    id = serializers.IntegerField()
    uscc = serializers.CharField(allow_blank=True, allow_null=True, help_text="null when the firm has no valid code")
    uscc_raw = serializers.CharField(allow_blank=True)
    reg_no = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    short_name = serializers.CharField(allow_blank=True)
    legal_rep = serializers.CharField(allow_blank=True)
    founded = serializers.DateField(allow_null=True, help_text="ISO 8601")
    registered_capital_wan = serializers.FloatField(allow_null=True, help_text="In 万 of `currency`")
    currency = serializers.CharField(allow_null=True, help_text="ISO 4217")
    registered_capital_cny_wan = serializers.FloatField(allow_null=True, help_text="Converted with the rate table")
    capital_raw = serializers.CharField(allow_blank=True)
    company_type = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    region_code = serializers.CharField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    local = serializers.BooleanField()
    industry_code = serializers.CharField(allow_null=True)
    scope = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    employees = serializers.IntegerField(allow_null=True)
    revenue_wan = serializers.FloatField(allow_null=True)
    tax_wan = serializers.FloatField(allow_null=True)
    website = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    listed = serializers.BooleanField(allow_null=True)
    flags = serializers.ListField(child=serializers.DictField())
    source = serializers.CharField(allow_blank=True)
    import_batch = serializers.IntegerField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    merged_into = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance):
        return services.enterprise_as_dict(instance)


class ImportBatchSerializer(serializers.ModelSerializer):
    interrupted = serializers.SerializerMethodField(help_text="Why the batch counts as interrupted (Chinese), or empty")

    def get_interrupted(self, batch: ImportBatch) -> str:
        return services.interruption(batch)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "organisation",
            "created_by",
            "created_at",
            "finished_at",
            "heartbeat_at",
            "interrupted",
            "file_name",
            "source",
            "status",
            "dry_run",
            "strict",
            "rows_total",
            "rows_done",
            "counts",
            "mapping",
            "issues",
            "message",
        ]


class EnterpriseViewSet(ScopedReadOnlyViewSet):
    queryset = Enterprise.objects.filter(merged_into__isnull=True).select_related("organisation").order_by("name", "id")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet


class ImportBatchViewSet(ScopedReadOnlyViewSet):
    queryset = ImportBatch.objects.select_related("organisation").order_by("-created_at")
    serializer_class = ImportBatchSerializer
    filterset_fields = ["status", "organisation"]


ROUTES = [("enterprises", EnterpriseViewSet), ("import-batches", ImportBatchViewSet)]
