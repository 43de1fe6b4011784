"""API: appeals (read-only, scoped like the pages; phones masked as on the pages) and the rates."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.service import services as s
from zhaoshang.service.models import Appeal


class AppealSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default=None)
    category = serializers.CharField(source="category.name", default=None)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = (
            "id",
            "ticket",
            "tracking_code",
            "channel",
            "status",
            "firm_name",
            "enterprise",
            "category",
            "department",
            "received_at",
            "response_due",
            "handling_due",
            "first_response_at",
            "closed_at",
            "result",
            "satisfaction",
            "reopen_count",
            "phone",
        )

    def get_phone(self, appeal) -> str:
        user = self.context["request"].user
        return appeal.phone if s.may_see_personal(user, appeal) else s.mask_phone(appeal.phone)


class AppealViewSet(ScopedReadOnlyViewSet):
    queryset = Appeal.objects.select_related("department", "category", "receiving_org").order_by(
        "handling_due", "id"
    )
    serializer_class = AppealSerializer

    @action(detail=False)
    def rates(self, request):
        """The rates over the appeals received from ``from`` to ``to`` (ISO dates) that the user may see."""
        try:
            start = date.fromisoformat(request.query_params.get("from", ""))
            end = date.fromisoformat(request.query_params.get("to", ""))
        except ValueError:
            # a domain error: the API answers 400 {"error": ..., "code": "bad_period"} (not nested in "error")
            raise s.ServiceError(
                _("from and to must be dates written YYYY-MM-DD"), code="bad_period"
            ) from None
        return Response(s.compute_rates(s.appeals_in_period(start, end, user=request.user)).as_dict())


ROUTES = [("service/appeals", AppealViewSet)]
