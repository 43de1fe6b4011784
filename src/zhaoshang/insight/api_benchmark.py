"""API for indicator values (list and filter, scoped: private values stay in their organisation) and lag-years."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message
from zhaoshang.insight import benchmark
from zhaoshang.insight.models import IndicatorValue


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.name", read_only=True)
    organisation_code = serializers.CharField(source="organisation.code", read_only=True, default="")

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "region",
            "region_code",
            "indicator",
            "year",
            "value",
            "unit",
            "raw_value",
            "raw_unit",
            "source",
            "example",
            "private",
            "organisation",
            "organisation_code",
        ]


FILTERS = [
    OpenApiParameter(
        "region", OpenApiTypes.STR, description="region name (株洲 or 株洲市) or GB/T 2260 code"
    ),
    OpenApiParameter("indicator", OpenApiTypes.STR, description="indicator name"),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("year_from", OpenApiTypes.INT),
    OpenApiParameter("year_to", OpenApiTypes.INT),
    OpenApiParameter(
        "example", OpenApiTypes.BOOL, description="only invented (true) or only real (false) figures"
    ),
]


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DomainError(
            _("The parameter %(name)s “%(text)s” is not a whole number") % {"name": name, "text": text},
            "insight_invalid",
        ) from None


@extend_schema(parameters=FILTERS)
class IndicatorValueViewSet(ScopedReadOnlyViewSet):
    """Region × indicator × year values the user may see (shared ones and the private ones of their organisation)."""

    queryset = IndicatorValue.objects.select_related("indicator", "organisation").order_by(
        "indicator__name", "region", "year", "id"
    )
    serializer_class = IndicatorValueSerializer

    def list(self, request, *args, **kwargs):
        try:
            return super().list(request, *args, **kwargs)
        except DomainError as exc:
            return Response({"error": error_message(exc), "code": exc.code}, status=400)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            return qs
        p = self.request.query_params
        if p.get("region"):
            region = p["region"].strip()
            if region.isdigit():
                qs = qs.filter(region_code=region)
            else:
                qs = qs.filter(region=benchmark.region_key(region))
        if p.get("indicator"):
            qs = qs.filter(indicator__name=p["indicator"].strip())
        if p.get("year"):
            qs = qs.filter(year=_int(p["year"], "year"))
        if p.get("year_from"):
            qs = qs.filter(year__gte=_int(p["year_from"], "year_from"))
        if p.get("year_to"):
            qs = qs.filter(year__lte=_int(p["year_to"], "year_to"))
        if p.get("example") in ("true", "1", "false", "0"):
            qs = qs.filter(example=p["example"] in ("true", "1"))
        return qs

    @extend_schema(parameters=[], responses={200: dict})
    @action(detail=False, methods=["get"])
    def indicators(self, request):
        """The indicators the user can see: unit, regions and years held."""
        data = benchmark.collect(benchmark.visible_values(request.user))
        return Response(
            {
                "indicators": [
                    {"name": s.name, "unit": s.unit, "regions": sorted(s.series), "years": s.years}
                    for s in data.values()
                ]
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("city", OpenApiTypes.STR, description="default: the user's home city"),
            OpenApiParameter(
                "indicator", OpenApiTypes.STR, many=True, description="default: the peer list's"
            ),
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def similar(self, request):
        """Cities closest to ``city`` by z-scored indicators in the latest year they all have."""
        peers = benchmark.peers_for(request.user)
        home = (
            benchmark.region_key(request.query_params["city"])
            if request.query_params.get("city")
            else peers.home
        )
        data = benchmark.collect(benchmark.visible_values(request.user))
        chosen = request.query_params.getlist("indicator") or list(peers.similarity_indicators)
        chosen = [i for i in chosen if i in data] or sorted(n for n, s in data.items() if home in s.series)[
            :4
        ]
        sim = benchmark.similar_cities(data, home, chosen)
        return Response(
            {
                "city": home,
                "year": sim.year,
                "indicators": list(sim.indicators),
                "dropped": list(sim.dropped),
                "cities": [{"region": r, "distance": d} for r, d in sim.ranking],
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("city", OpenApiTypes.STR, required=True),
            OpenApiParameter("peer", OpenApiTypes.STR, required=True),
            OpenApiParameter("indicator", OpenApiTypes.STR, many=True),
            OpenApiParameter("years", OpenApiTypes.INT, description="years to catch up in (default 5)"),
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def lag(self, request):
        """Lag-years of ``city`` behind ``peer`` on each indicator both have (visible values only)."""
        p = request.query_params
        try:
            if not p.get("city") or not p.get("peer"):
                raise DomainError(_("Please give city and peer"), "insight_invalid")
            years = _int(p.get("years", "5"), "years")
            rows = benchmark.lag_between(
                p["city"], p["peer"], indicators=p.getlist("indicator"), years=years, user=request.user
            )
        except DomainError as exc:
            return Response({"error": error_message(exc), "code": exc.code}, status=400)
        return Response(
            {
                "city": benchmark.region_key(p["city"]),
                "peer": benchmark.region_key(p["peer"]),
                "years": years,
                "lags": [r.as_dict() for r in rows],
            }
        )


ROUTES = [("insight/indicator-values", IndicatorValueViewSet)]
