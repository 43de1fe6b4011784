"""API for projects, follow-ups and coordination items: the web's scoping, the services' writes and audit."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.scoping import assignable_organisations, attachable, visible
from zhaoshang.api.viewsets import ScopedModelViewSet
from zhaoshang.core.messages import error_message
from zhaoshang.pipeline import config, services
from zhaoshang.pipeline.filters import CoordinationItemFilter, FollowUpFilter, ProjectFilter
from zhaoshang.pipeline.models import Carrier, CoordinationItem, FollowUp, Project
from zhaoshang.registry.models import Enterprise


def _bad(exc: services.PipelineError) -> Response:
    body = {"error": error_message(exc), "code": exc.code}
    if isinstance(exc, services.StageRequirementsMissing):
        body["missing"] = [{"field": f, "label": label} for f, label in exc.missing]
    return Response(body, status=400)


class ProjectSerializer(serializers.ModelSerializer):
    stage_name = serializers.SerializerMethodField()
    team = serializers.CharField(source="organisation.name", read_only=True)
    investor_name = serializers.CharField(write_only=True, required=False)
    investor_uscc = serializers.CharField(write_only=True, required=False, allow_blank=True)
    investor_display = serializers.CharField(source="investor.name", read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version read; a change over a newer one answers 409 (optimistic locking)",
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "organisation",
            "team",
            "owner",
            "investor",
            "investor_display",
            "investor_name",
            "investor_uscc",
            "nodes",
            "source",
            "description",
            "stage",
            "stage_name",
            "stage_changed_on",
            "planned_investment_wan",
            "expected_output_wan",
            "expected_tax_wan",
            "expected_jobs",
            "first_contact_date",
            "visit_date",
            "signed_date",
            "signed_amount_wan",
            "location",
            "carrier",
            "registered_uscc",
            "construction_start_date",
            "production_start_date",
            "hold_reason",
            "drop_reason",
            "need_kind",
            "need_area",
            "need_area_unit",
            "need_floor_load_kn_m2",
            "need_power_kva",
            "need_max_price",
            "need_available_by",
            "last_followup_on",
            "quiet_since",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "stage",
            "stage_changed_on",
            "last_followup_on",
            "quiet_since",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"investor": {"required": False}, "nodes": {"required": False}}

    def get_stage_name(self, obj) -> str:
        return config.stage_name(obj.stage)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            orgs = assignable_organisations(request.user)
            self.fields["organisation"].queryset = orgs
            self.fields["owner"].queryset = User.objects.filter(organisation__in=orgs)
            self.fields["carrier"].queryset = visible(request.user, Carrier.objects.all())
            self.fields["investor"].queryset = visible(request.user, Enterprise.objects.all())

    def validate(self, attrs):
        if self.instance is None and not attrs.get("investor") and not attrs.get("investor_name"):
            raise ValidationError(
                {"investor_name": _("Please fill in the investor's name or choose an existing company")}
            )
        return attrs


class DuplicateTeamSerializer(serializers.Serializer):
    """Another team working the same investor: its name and contact person only."""

    team = serializers.CharField()
    contact = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


class AdvanceSerializer(serializers.Serializer):
    stage = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    first_contact_date = serializers.DateField(required=False)
    visit_date = serializers.DateField(required=False)
    planned_investment_wan = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    signed_date = serializers.DateField(required=False)
    signed_amount_wan = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    location = serializers.CharField(required=False, allow_blank=True)
    carrier = serializers.PrimaryKeyRelatedField(
        queryset=Carrier.objects.all(), required=False, allow_null=True
    )
    registered_uscc = serializers.CharField(required=False, allow_blank=True, max_length=18)
    construction_start_date = serializers.DateField(required=False)
    production_start_date = serializers.DateField(required=False)
    hold_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    drop_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if (
            request is not None and request.user.is_authenticated
        ):  # the service checks again (check_reference)
            self.fields["carrier"].queryset = visible(request.user, Carrier.objects.all())


class ProjectViewSet(ScopedModelViewSet):
    """Projects of the user's scope. Stage changes go through POST /projects/{id}/advance/."""

    queryset = (
        Project.objects.select_related("organisation", "investor")
        .prefetch_related("nodes")
        .order_by("-created_at", "-id")
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    action_permissions = {"advance": "change", "duplicates": "view"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        nodes = data.pop("nodes", [])
        try:
            serializer.instance = self._created = services.create_project(
                self.request.user, nodes=nodes, **data
            )
        except services.PipelineError as exc:
            raise ValidationError({"error": error_message(exc)}) from None

    def create(self, request, *args, **kwargs):
        """As usual, plus ``duplicates``: other teams working the same investor (team and contact only)."""
        response = super().create(request, *args, **kwargs)
        if response.status_code == 201 and self._created is not None:
            response.data["duplicates"] = services.duplicate_investor_warning(self._created)
        return response

    _created = None

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k not in ("investor_name", "investor_uscc", "investor", "organisation")
        }
        expected = data.pop("version", None)
        services.update_project(self.request.user, serializer.instance, expected_version=expected, **data)

    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        project = self.get_object()
        payload = AdvanceSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        stage, reason = data.pop("stage"), data.pop("reason", "")
        try:
            services.advance_project(request.user, project, stage, reason=reason, **data)
        except services.PipelineError as exc:
            return _bad(exc)
        project.refresh_from_db()
        return Response(self.get_serializer(project).data)

    @extend_schema(responses=DuplicateTeamSerializer(many=True))
    @action(detail=True, methods=["get"])
    def duplicates(self, request, pk=None):
        """Other teams working the same investor: their names and contact persons only."""
        return Response(services.duplicate_investor_warning(self.get_object()))


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "project",
            "date",
            "way",
            "participants",
            "content",
            "next_action",
            "next_due",
            "done",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["project"].queryset = attachable(request.user, "followup", Project.objects.all())


class FollowUpViewSet(ScopedModelViewSet):
    queryset = FollowUp.objects.select_related("project").order_by("-date", "-id")
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("done", None)
        project = data.pop("project")
        try:
            serializer.instance = services.record_followup(self.request.user, project, **data)
        except services.PipelineError as exc:
            raise ValidationError({"error": error_message(exc)}) from None

    def perform_update(self, serializer):
        # Only closing the next action is a change; the record of what happened stays as written.
        if serializer.validated_data.get("done"):
            services.close_next_action(self.request.user, serializer.instance)


class CoordinationItemSerializer(serializers.ModelSerializer):
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version read; a change over a newer one answers 409 (optimistic locking)",
    )
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = CoordinationItem
        fields = [
            "id",
            "project",
            "title",
            "description",
            "organisation",
            "department",
            "department_name",
            "due",
            "status",
            "done_on",
            "note",
            "created_at",
            "version",
        ]
        read_only_fields = ["organisation", "done_on", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["project"].queryset = attachable(
                request.user, "coordination_item", Project.objects.all()
            )
            self.fields["department"].queryset = Organisation.objects.all()


class CoordinationItemViewSet(ScopedModelViewSet):
    queryset = CoordinationItem.objects.select_related("department", "project").order_by("due", "id")
    serializer_class = CoordinationItemSerializer
    filterset_class = CoordinationItemFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("note", None)
        data.pop("status", None)
        data.pop("version", None)
        project = data.pop("project")
        serializer.instance = services.create_coordination_item(self.request.user, project, **data)

    def perform_update(self, serializer):
        data = serializer.validated_data
        try:
            services.update_coordination_item(
                self.request.user,
                serializer.instance,
                status=data.get("status"),
                due=data.get("due"),
                note=data.get("note", ""),
                expected_version=data.get("version"),
            )
        except services.PipelineError as exc:
            raise ValidationError({"error": error_message(exc)}) from None


ROUTES = [
    ("projects", ProjectViewSet),
    ("followups", FollowUpViewSet),
    ("coordination-items", CoordinationItemViewSet),
]
