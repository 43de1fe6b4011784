"""API for parks on the map and their walking access (read-only; imports run from the CLI)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message
from zhaoshang.places import services
from zhaoshang.places.models import Park


class ParkSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default="")

    class Meta:
        model = Park
        fields = [
            "id",
            "name",
            "organisation",
            "organisation_name",
            "origin_kind",
            "lon",
            "lat",
            "geometry",
            "is_demo",
        ]


def _speed(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise services.PlacesError(
            _("The walking speed “%(speed)s” is not a number") % {"speed": text}, code="invalid"
        ) from None


class ParkViewSet(ScopedReadOnlyViewSet):
    """Parks the user may see; ``access`` gives the POIs of each category within 5/10/15 minutes' walk."""

    queryset = Park.objects.select_related("organisation").order_by("name")
    serializer_class = ParkSerializer

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def access(self, request, pk=None):
        park = self.get_object()
        speed = request.query_params.get("speed")
        try:
            result = services.park_access(park, speed=_speed(speed))
        except DomainError as exc:  # a places error or a core's
            return Response({"error": error_message(exc), "code": exc.code}, status=400)
        return Response(result.as_json())

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def gaps(self, request, pk=None):
        park = self.get_object()
        try:
            gaps = services.park_gaps(park)
        except DomainError as exc:  # a places error or a core's
            return Response({"error": error_message(exc), "code": exc.code}, status=400)
        return Response({"park": park.name, "gaps": [services.gap_message(g) for g in gaps]})


ROUTES = [("places/parks", ParkViewSet)]
