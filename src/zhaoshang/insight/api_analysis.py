"""API of the insight analysis: complexity snapshots with their opportunities and space, IO tables with their
supply gap, the IO sector mapping. Login and the role matrix as everywhere; targets named are firms the user
may see."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from zhaoshang.insight import analysis_services as analysis
from zhaoshang.insight.models import ComplexitySnapshot, InputOutputTable, IOSectorMapping
from zhaoshang.insight.services import parse_weights


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplexitySnapshot
        fields = [
            "id",
            "name",
            "by",
            "measure",
            "level",
            "region_prefix",
            "chain",
            "locations",
            "activities",
            "firms",
            "seconds",
            "built_at",
        ]


class RebuildSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=ComplexitySnapshot.By.values, default="class")
    measure = serializers.ChoiceField(choices=ComplexitySnapshot.Measure.values, default="firms")
    level = serializers.ChoiceField(choices=ComplexitySnapshot.Level.values, default="county")
    region_prefix = serializers.CharField(required=False, allow_blank=True, default="", max_length=6)


def _region(request) -> str:
    from zhaoshang.insight.views_analysis import _home

    code = (request.query_params.get("region") or "").strip()
    if code and not (code.isdigit() and len(code) == 6):
        raise ValidationError({"region": _("The region should be a 6-digit administrative division code")})
    return code or _home(request)


class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """/api/insight/snapshots/ (registry-built complexities); …/<id>/opportunities/ and …/<id>/space/;
    POST …/rebuild/ (re)builds one (chain office, administrators)."""

    queryset = ComplexitySnapshot.objects.defer("arrays").order_by("name")
    serializer_class = SnapshotSerializer
    permission_object = "chain"
    action_permissions = {"rebuild": "change"}

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="home region code (default: the user's)"),
            OpenApiParameter(
                "location", str, description="a location of the snapshot (default: the home region)"
            ),
            OpenApiParameter("preset", str, enum=["low_hanging", "balanced", "long_jumps"]),
            OpenApiParameter("weights", str, description="density=0.5,pci=0.2,cog=0.2,chain=0.1"),
            OpenApiParameter("top", int),
        ],
        responses={200: dict},
    )
    @action(detail=True)
    def opportunities(self, request, pk=None):
        snapshot = ComplexitySnapshot.objects.filter(pk=self.get_object().pk).first()
        try:
            top = min(max(int(request.query_params.get("top") or 30), 1), 500)
        except ValueError:
            raise ValidationError({"top": _("Should be a whole number")}) from None
        result = analysis.opportunities_for(
            snapshot,
            region_code=_region(request),
            location=request.query_params.get("location") or None,
            preset=request.query_params.get("preset") or "balanced",
            weights=parse_weights(request.query_params.get("weights")),
            user=request.user,
            limit=top,
        )
        return Response(
            {
                "snapshot": snapshot.name,
                "location": result.location,
                "location_name": result.location_name,
                "eci": result.eci,
                "preset": result.preset,
                "weights": result.weights,
                "present": result.present,
                "target_lists": {
                    slug: analysis.targets_link(slug, keys, _region(request))
                    for slug, keys in result.node_keys.items()
                },
                "opportunities": [r.as_dict() for r in result.rows],
            }
        )

    @extend_schema(parameters=[OpenApiParameter("location", str)], responses={200: dict})
    @action(detail=True)
    def space(self, request, pk=None):
        snapshot = ComplexitySnapshot.objects.filter(pk=self.get_object().pk).first()
        location = request.query_params.get("location") or analysis.default_location(
            snapshot, _region(request)
        )
        return Response({"location": location, **analysis.space_graph(snapshot, location)})

    @extend_schema(request=RebuildSerializer, responses={201: SnapshotSerializer})
    @action(detail=False, methods=["post"])
    def rebuild(self, request):
        params = RebuildSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        snapshot = analysis.build_snapshot(request.user, **params.validated_data)
        return Response(SnapshotSerializer(snapshot).data, status=201)


class IOTableSerializer(serializers.ModelSerializer):
    class Meta:
        model = InputOutputTable
        fields = ["id", "name", "year", "sectors", "noncompetitive", "source_file", "created_at"]


class IOTableViewSet(viewsets.ReadOnlyModelViewSet):
    """/api/insight/io-tables/; …/<id>/supply-gap/?sector=CODE&region=CODE: requirements, LQ and leakage."""

    queryset = InputOutputTable.objects.defer("data")
    serializer_class = IOTableSerializer
    permission_object = "chain"

    @extend_schema(
        parameters=[
            OpenApiParameter("sector", str, required=True, description="target IO sector code or name"),
            OpenApiParameter("region", str),
            OpenApiParameter("top", int),
        ],
        responses={200: dict},
    )
    @action(detail=True, url_path="supply-gap")
    def supply_gap(self, request, pk=None):
        table = InputOutputTable.objects.get(pk=self.get_object().pk)
        sector = (request.query_params.get("sector") or "").strip()
        if not sector:
            raise ValidationError({"sector": _("Please give the target sector (code or name)")})
        try:
            top = min(max(int(request.query_params.get("top") or 40), 1), 500)
        except ValueError:
            raise ValidationError({"top": _("Should be a whole number")}) from None
        gap = analysis.supply_gap(table, sector, region_code=_region(request), user=request.user, limit=top)
        return Response(
            {
                "table": table.name,
                "sector": {"code": gap.sector_code, "name": gap.sector_name},
                "region": gap.region_code,
                "source": gap.source,
                "direct_total": gap.direct_total,
                "leakage_total": gap.leakage_total,
                "requirements": gap.rows,
            }
        )


class MappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = IOSectorMapping
        fields = ["id", "table", "io_code", "io_name", "gbt4754", "chain_nodes"]


class MappingViewSet(viewsets.ReadOnlyModelViewSet):
    """/api/insight/io-sectors/?table=153: the IO sector → GB/T 4754 / chain node mapping."""

    queryset = IOSectorMapping.objects.all()
    serializer_class = MappingSerializer

    def get_queryset(self):
        layout = self.request.query_params.get("table")
        for one in [layout] if layout else ["149", "153", "42"]:
            analysis.ensure_mapping(one)
        qs = super().get_queryset()
        return qs.filter(table=layout) if layout else qs


ROUTES = [
    ("insight/snapshots", SnapshotViewSet),
    ("insight/io-tables", IOTableViewSet),
    ("insight/io-sectors", MappingViewSet),
]
