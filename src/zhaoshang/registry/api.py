"""API: firms (search with the list's filters; detail as in `firms show --json`) and import batches."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.core.locking import StaleEdit
from zhaoshang.core.messages import error_message, translated_issue
from zhaoshang.registry import search, services
from zhaoshang.registry.filters import EnterpriseFilterSet
from zhaoshang.registry.models import Enterprise, ImportBatch


class EnterpriseSerializer(serializers.Serializer):
    """Read-only: the fields are declared for the schema; the document itself is ``enterprise_as_dict``."""

    id = serializers.IntegerField()
    uscc = serializers.CharField(
        allow_blank=True, allow_null=True, help_text="null when the firm has no valid code"
    )
    uscc_raw = serializers.CharField(allow_blank=True)
    reg_no = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    short_name = serializers.CharField(allow_blank=True)
    legal_rep = serializers.CharField(allow_blank=True)
    founded = serializers.DateField(allow_null=True, help_text="ISO 8601")
    registered_capital_wan = serializers.FloatField(allow_null=True, help_text="In 万 of `currency`")
    currency = serializers.CharField(allow_null=True, help_text="ISO 4217")
    registered_capital_cny_wan = serializers.FloatField(
        allow_null=True, help_text="Converted with the rate table"
    )
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
    above_scale = serializers.BooleanField(
        allow_null=True, help_text="规上企业 (above the statistical size threshold); null when unknown"
    )
    flags = serializers.ListField(child=serializers.DictField())
    source = serializers.CharField(allow_blank=True)
    import_batch = serializers.IntegerField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    merged_into = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with a change (PATCH): optimistic locking")

    def to_representation(self, instance):
        return firm_document(instance)


def firm_document(firm: Enterprise) -> dict:
    """``enterprise_as_dict`` with the firm's flags said in the request's language (stored as the core wrote them:
    code, params and the Chinese sentence)."""
    document = services.enterprise_as_dict(firm)
    document["flags"] = [translated_issue(flag) for flag in document["flags"]]
    return document


class EnterpriseEditSerializer(serializers.Serializer):
    """A change of a firm's own data (``PATCH /api/enterprises/<id>/``): only the fields sent change."""

    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version read; a change over a newer one answers 409 (optimistic locking)",
    )
    name = serializers.CharField(required=False, max_length=255)
    short_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    uscc = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    legal_rep = serializers.CharField(required=False, allow_blank=True, max_length=100)
    founded = serializers.DateField(required=False, allow_null=True)
    capital_wan = serializers.DecimalField(
        required=False, allow_null=True, max_digits=20, decimal_places=4, min_value=0
    )
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    company_type = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.CharField(required=False, allow_blank=True, max_length=50)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry_code = serializers.CharField(required=False, allow_blank=True, max_length=5)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    revenue_wan = serializers.DecimalField(
        required=False, allow_null=True, max_digits=20, decimal_places=2, min_value=0
    )
    tax_wan = serializers.DecimalField(
        required=False, allow_null=True, max_digits=20, decimal_places=2, min_value=0
    )
    website = serializers.CharField(required=False, allow_blank=True, max_length=255)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=100)
    listed = serializers.BooleanField(required=False, allow_null=True)
    above_scale = serializers.BooleanField(
        required=False, allow_null=True, help_text="规上企业; null when unknown"
    )


class ImportBatchSerializer(serializers.ModelSerializer):
    interrupted = serializers.SerializerMethodField(
        help_text="Why the batch counts as interrupted (in the request's language), or empty"
    )

    def get_interrupted(self, batch: ImportBatch) -> str:
        return services.interruption(batch)

    def to_representation(self, instance: ImportBatch) -> dict:
        data = super().to_representation(instance)
        # the stored findings and message keep the core's Chinese sentence; the answer says them in the request's
        # language
        data["issues"] = [translated_issue(issue) for issue in instance.issues or []]
        data["message"] = instance.said_message()
        return data

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


class EnterprisePagination(BasePagination):
    """Pages by key (``cursor``), as the list page: by relevance with a query, newest first without one (another
    ``sort`` pages by offset). ``count`` stops at 10,000 (``count_capped`` then says there are more); follow
    ``next`` until it is null. No page waits on counting or sorting the whole result."""

    page_size = 50
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        filterset = getattr(view, "_filterset", None)
        try:
            size = min(max(int(request.query_params.get("page_size", self.page_size)), 1), self.max_page_size)
        except ValueError:
            size = self.page_size
        self.request = request
        self.page = search.page_of(
            queryset,
            query=filterset.query if filterset else "",
            sort=filterset.sort_key if filterset else None,
            cursor=request.query_params.get("cursor"),
            size=size,
            plan=filterset.plan if filterset else None,
            unscoped=search.is_unscoped(request.user),
            base=filterset.base.select_related("organisation")
            if filterset and filterset.base is not None
            else None,
        )
        return self.page.rows

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        next_url = (
            replace_query_param(url, "cursor", self.page.next_cursor) if self.page.next_cursor else None
        )
        first_url = None if self.page.first else remove_query_param(url, "cursor")
        return Response(
            {
                "count": self.page.count,
                "count_capped": self.page.capped,
                "count_approximate": self.page.approximate,
                "next": next_url,
                "first": first_url,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_capped", "count_approximate", "next", "first", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Firms found, at most 10,000"},
                "count_capped": {
                    "type": "boolean",
                    "description": "More than 10,000 firms match (show 10,000+)",
                },
                "count_approximate": {
                    "type": "boolean",
                    "description": "PostgreSQL: counting took too long; `count` is the planner's estimate",
                },
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page (cursor)",
                },
                "first": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The first page",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "Key of the page, from `next` (absent: the first page)",
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                "description": "Rows per page (default 50)",
            },
        ]


class EnterpriseViewSet(ScopedReadOnlyViewSet):
    queryset = (
        Enterprise.objects.filter(merged_into__isnull=True).select_related("organisation").order_by("-id")
    )
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    pagination_class = EnterprisePagination

    def filter_queryset(self, queryset):
        # keep the filter set: the page by key needs its query, order and search plan
        for backend in list(self.filter_backends):
            backend_instance = backend()
            if hasattr(backend_instance, "get_filterset"):
                filterset = backend_instance.get_filterset(self.request, queryset, self)
                if filterset is not None:
                    if not filterset.is_valid() and backend_instance.raise_exception:
                        from django_filters.utils import translate_validation

                        raise translate_validation(filterset.errors)
                    self._filterset = filterset
                    queryset = filterset.qs
                    continue
            queryset = backend_instance.filter_queryset(self.request, queryset, self)
        return queryset

    @extend_schema(request=EnterpriseEditSerializer, responses=EnterpriseSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a firm's own data (who may change the firm: org-scoped); 409 with the current version when it
        changed since ``version`` was read."""
        firm = self.get_object()
        payload = EnterpriseEditSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        expected = data.pop("version", None)
        try:
            services.update_enterprise(request.user, firm, expected_version=expected, **data)
        except StaleEdit as exc:  # 409 with what the others changed and the version to send with a retry
            firm.refresh_from_db()
            return Response(
                {
                    "error": error_message(exc),
                    "code": exc.code,
                    "changes": exc.changes,
                    "version": firm.version or 0,
                },
                status=409,
            )
        firm.refresh_from_db()
        return Response(firm_document(firm))


class ImportBatchViewSet(ScopedReadOnlyViewSet):
    queryset = ImportBatch.objects.select_related("organisation").order_by("-created_at")
    serializer_class = ImportBatchSerializer
    filterset_fields = ["status", "organisation"]


ROUTES = [("enterprises", EnterpriseViewSet), ("import-batches", ImportBatchViewSet)]
