"""API for the policy library, a firm's matches, and the 免申即享 pushes."""

from __future__ import annotations

from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhaoshang.accounts.scoping import get_for_user
from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.policies import services
from zhaoshang.policies.models import Clause, Policy, Push
from zhaoshang.registry.models import Enterprise


class ClauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clause
        fields = [
            "id",
            "policy",
            "number",
            "title",
            "text",
            "benefit",
            "amount_wan",
            "no_application",
            "conditions",
        ]


class PolicySerializer(serializers.ModelSerializer):
    clauses = ClauseSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "code",
            "title",
            "issuer",
            "valid_from",
            "valid_to",
            "source_url",
            "summary",
            "version",
            "is_demo",
            "clauses",
        ]


class PolicyViewSet(ScopedReadOnlyViewSet):
    """The policy library. GET /policies/match/?firm=ID: the clauses the firm meets, nearly meets, or cannot be
    judged on, each condition with the value used."""

    queryset = Policy.objects.prefetch_related("clauses").order_by("code")
    serializer_class = PolicySerializer
    action_permissions = {"match": "view"}

    @action(detail=False)
    def match(self, request):
        firm = get_for_user(request.user, Enterprise, request.query_params.get("firm"))
        return Response(services.match_firm_json(firm))


class PushSerializer(serializers.ModelSerializer):
    firm = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Push
        fields = [
            "id",
            "clause",
            "enterprise",
            "firm",
            "eligible_on",
            "assignee",
            "state",
            "notified_on",
            "applied_on",
            "paid_on",
            "amount_wan",
            "note",
        ]
        read_only_fields = fields


class RecordSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Push.State.choices)
    on = serializers.DateField(required=False)
    amount_wan = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PushViewSet(mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """免申即享 pushes in the user's scope (?clause=ID); PATCH {state, on, amount_wan} records progress."""

    queryset = Push.objects.select_related("enterprise").order_by("clause_id", "id")
    serializer_class = PushSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        clause = self.request.query_params.get("clause")
        return qs.filter(clause_id=clause) if clause and clause.isdigit() else qs

    def partial_update(self, request, *args, **kwargs):
        push = get_for_user(request.user, self.get_queryset(), kwargs["pk"], "change")
        payload = RecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.record_push(request.user, push, **payload.validated_data)
        push.refresh_from_db()
        return Response(PushSerializer(push).data)


ROUTES = [
    ("policies", PolicyViewSet),
    ("policy-pushes", PushViewSet),
]
