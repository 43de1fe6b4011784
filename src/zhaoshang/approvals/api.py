"""API for approval cases, items and promises: the web's scoping, the services' writes and audit."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import get_for_user, may_act_in
from zhaoshang.api.viewsets import ScopedReadOnlyViewSet
from zhaoshang.approvals import services
from zhaoshang.approvals.models import ApprovalCase, ApprovalItem, Promise
from zhaoshang.pipeline.models import Project


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovalItem
        fields = [
            "id",
            "case",
            "code",
            "name",
            "department",
            "department_name",
            "limit_days",
            "prerequisites",
            "materials",
            "materials_received",
            "state",
            "started_on",
            "done_on",
            "promise",
            "promise_allowed",
            "agent",
            "trips",
            "stamps",
            "baseline_trips",
            "baseline_stamps",
            "note",
        ]
        read_only_fields = [
            "case",
            "code",
            "name",
            "department",
            "department_name",
            "limit_days",
            "prerequisites",
            "materials",
            "promise_allowed",
            "baseline_trips",
            "baseline_stamps",
        ]


class ItemUpdateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ApprovalItem.State.choices, required=False)
    started_on = serializers.DateField(required=False)
    done_on = serializers.DateField(required=False)
    promise = serializers.BooleanField(required=False)
    add_trips = serializers.IntegerField(required=False, min_value=0, default=0)
    add_stamps = serializers.IntegerField(required=False, min_value=0, default=0)
    note = serializers.CharField(required=False, allow_blank=True)


class CaseSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = ApprovalCase
        fields = [
            "id",
            "project",
            "project_name",
            "project_type",
            "template_name",
            "organisation",
            "service_organisation",
            "agent",
            "start",
            "is_demo",
        ]
        read_only_fields = fields


class OpenCaseSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    project_type = serializers.CharField(required=False, default="industrial")


class ApprovalCaseViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Cases in the user's scope; POST {project, project_type} opens one; GET /{id}/timeline/ the timeline."""

    queryset = ApprovalCase.objects.select_related("project").order_by("-start", "-id")
    serializer_class = CaseSerializer
    action_permissions = {"timeline": "view"}

    def create(self, request, *args, **kwargs):
        payload = OpenCaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        project = (
            services.projects_for_new_case(request.user).filter(pk=payload.validated_data["project"]).first()
        )
        if project is None:
            exists = Project.objects.filter(
                pk=payload.validated_data["project"], approval_case__isnull=False
            ).exists()
            return Response(
                {
                    "error": _("This project already has an approval case")
                    if exists
                    else _("No signed project was found to open an approval case for"),
                    "code": "case_exists" if exists else "not_found",
                },
                status=400 if exists else 404,
            )
        case = services.open_case(request.user, project, project_type=payload.validated_data["project_type"])
        return Response(CaseSerializer(case).data, status=201)

    @action(detail=True)
    def timeline(self, request, pk=None):
        case = self.get_object()
        tl = services.case_timeline(case, timezone.localdate())
        summary = services.case_summary(case)
        return Response(
            {
                "start": tl.start,
                "planned_end": tl.planned_end,
                "expected_end": tl.expected_end,
                "critical_path": tl.critical_path,
                "late_items": tl.late_items,
                "days": summary["days"],
                "trips": summary["trips"],
                "items": [dataclasses.asdict(t) for t in tl.items],
            }
        )


class ApprovalItemViewSet(mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """Items in the user's scope (department handlers: their department's); PATCH records progress."""

    queryset = ApprovalItem.objects.select_related("case").order_by("case_id", "order")
    serializer_class = ItemSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        item = get_for_user(request.user, self.get_queryset(), kwargs["pk"], "change")
        payload = ItemUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        services.update_item(
            request.user,
            item,
            add_trips=data.pop("add_trips", 0),
            add_stamps=data.pop("add_stamps", 0),
            **data,
        )
        item.refresh_from_db()
        return Response(ItemSerializer(item).data)


class PromiseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Promise
        fields = [
            "id",
            "project",
            "organisation",
            "department",
            "kind",
            "title",
            "deadline",
            "state",
            "evidence",
            "fulfilled_on",
            "is_demo",
        ]
        read_only_fields = ["organisation", "is_demo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organisation.objects.filter(kind__in=["department", "park"])


class PromiseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    queryset = Promise.objects.select_related("project").order_by("deadline", "id")
    serializer_class = PromiseSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project = data.pop("project")
        get_for_user(
            self.request.user, Project, project.pk
        ) if self.request.user.role != "service_officer" else None
        if not may_act_in(self.request.user, "promise", "add", project.organisation):
            raise PermissionDenied
        data.pop("state", None), data.pop("evidence", None), data.pop("fulfilled_on", None)
        serializer.instance = services.create_promise(self.request.user, project, **data)

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in ("state", "evidence", "fulfilled_on", "deadline")
        }
        services.update_promise(self.request.user, serializer.instance, **data)


ROUTES = [
    ("approval-cases", ApprovalCaseViewSet),
    ("approval-items", ApprovalItemViewSet),
    ("promises", PromiseViewSet),
]
