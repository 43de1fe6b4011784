"""API: chains (with their nodes), gap analysis with targets per region, and the review queue."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from zhaoshang.accounts.scoping import can, visible
from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.chains import services
from zhaoshang.chains.filters import AssignmentFilter
from zhaoshang.chains.models import Chain, ChainNode, NodeAssignment


class NodeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = ChainNode
        fields = [
            "key",
            "parent",
            "name",
            "name_en",
            "path",
            "depth",
            "weight",
            "abs_weight",
            "weight_source",
            "weight_estimate",
            "key_node",
            "aliases",
            "keywords",
            "exclude",
            "industry_codes",
            "hs_codes",
            "card",
        ]


class ChainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chain
        fields = ["slug", "name", "name_en", "description", "source"]


class ChainViewSet(ScopedReadOnlyViewSet):
    """/api/chains/ and /api/chains/<slug>/ (with nodes); /api/chains/<slug>/gap/?region=CODE (the `chains gap --json` document)."""

    queryset = Chain.objects.all()
    serializer_class = ChainSerializer
    lookup_field = "slug"

    def retrieve(self, request, *args, **kwargs):
        chain = self.get_object()
        data = ChainSerializer(chain).data
        data["nodes"] = NodeSerializer(chain.nodes.select_related("parent").order_by("order"), many=True).data
        return Response(data)

    @action(detail=True)
    def gap(self, request, slug=None):
        chain = self.get_object()
        region = request.query_params.get("region", "")
        if not region:
            raise ValidationError({"region": _("Give a region (a region code or a park's code)")})
        report = services.gap_for_region(chain, region)
        data = services.gap_json(report)
        Enterprise = services.enterprise_model()
        ids = {t["enterprise_id"] for n in data["nodes"] for t in n["targets"]}
        seen = set(visible(request.user, Enterprise.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        for node in data["nodes"]:
            node["targets"] = [t for t in node["targets"] if t["enterprise_id"] in seen]
        return Response(data)


class AssignmentSerializer(serializers.ModelSerializer):
    chain = serializers.CharField(source="node.chain.slug", read_only=True)
    node_key = serializers.CharField(source="node.key", read_only=True)
    node_path = serializers.CharField(source="node.path", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    why = serializers.SerializerMethodField()
    evidence_label = serializers.SerializerMethodField()
    matched_words = serializers.SerializerMethodField()

    class Meta:
        model = NodeAssignment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "chain",
            "node_key",
            "node_path",
            "method",
            "status",
            "evidence",
            "evidence_label",
            "matched_words",
            "score",
            "reasons",
            "alternatives",
            "why",
            "reviewed_by",
            "reviewed_at",
        ]

    def get_why(self, obj) -> str:
        return services.explain(obj)

    def get_evidence_label(self, obj) -> str:
        return services.evidence_label(obj.evidence)

    def get_matched_words(self, obj) -> list[str]:
        return services.assignment_words(obj)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """/api/chain-assignments/ (filters as the review page); POST …/<id>/confirm/ or …/<id>/reject/."""

    queryset = NodeAssignment.objects.all()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        Enterprise = services.enterprise_model()
        firms = visible(self.request.user, Enterprise.objects.all())
        return services.review_order(
            visible(self.request.user, NodeAssignment.objects.filter(enterprise__in=firms)).select_related(
                "enterprise", "node__chain"
            )
        )

    def _review(self, request, pk, confirm):
        assignment = self.get_queryset().filter(pk=pk).first()
        if assignment is None:
            raise NotFound
        if not can(request.user, "chain_assignment", "change"):
            raise PermissionDenied
        services.review_assignment(request.user, assignment, confirm=confirm)
        return Response(AssignmentSerializer(assignment).data)

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._review(request, pk, True)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._review(request, pk, False)


ROUTES = [("chains", ChainViewSet), ("chain-assignments", AssignmentViewSet)]
