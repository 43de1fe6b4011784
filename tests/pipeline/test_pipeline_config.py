"""The stage list, quiet days, points and callback interval come from settings."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from zhaoshang.pipeline import config, services
from zhaoshang.pipeline.core.stages import DEFAULT_STAGES_CONFIG
from zhaoshang.pipeline.models import Project, Task

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def _with_approval_stage() -> list[dict]:
    """The default stages plus 立项 (approved) between 洽谈 and 签约, needing expected jobs and output."""
    stages = copy.deepcopy(DEFAULT_STAGES_CONFIG)
    stages.insert(
        4,
        {
            "code": "approved",
            "name_zh": "立项",
            "name_en": "Approved",
            "order": 45,
            "max_quiet_days": 7,
            "points": 4,
            "requirements": {"expected_jobs": "预计就业人数", "expected_output_wan": "预计年产值（万元）"},
        },
    )
    return stages


@pytest.fixture
def approval_stage(settings):
    settings.PIPELINE_STAGES = _with_approval_stage()
    return settings


def _negotiating(cast, make_project):
    project = make_project(
        created_on=dt.date(2026, 2, 20),
        first_contact_date=MONDAY,
        visit_date=MONDAY,
        planned_investment_wan=Decimal("500"),
    )
    services.advance_project(cast.owner, project, "negotiation", on=MONDAY)
    return project


def test_a_configured_stage_is_offered_and_its_requirements_are_checked(cast, make_project, approval_stage):
    assert ("approved", "立项") in config.stage_choices()
    project = _negotiating(cast, make_project)
    with pytest.raises(services.StageRequirementsMissing) as caught:
        services.advance_project(
            cast.owner,
            project,
            "signed",
            signed_date=MONDAY,
            signed_amount_wan=Decimal("400"),
            location="甲园区",
        )
    assert str(caught.value) == "进入「签约」阶段还需要：预计就业人数、预计年产值（万元）"
    services.advance_project(
        cast.owner, project, "approved", expected_jobs=80, expected_output_wan=Decimal("900")
    )
    assert Project.objects.get(pk=project.pk).stage == "approved"


def test_the_stage_form_offers_the_configured_requirements_and_names_what_is_missing(
    cast, client_for, make_project, approval_stage
):
    project = _negotiating(cast, make_project)
    client = client_for(cast.owner)
    page = client.get(reverse("pipeline:detail", args=[project.pk])).content.decode()
    assert 'name="expected_jobs"' in page and 'value="approved"' in page
    response = client.post(
        reverse("pipeline:advance", args=[project.pk]), {"stage": "approved", "expected_output_wan": "900"}
    )
    assert response.status_code == 400
    assert "进入「立项」阶段还需要：预计就业人数" in response.content.decode()
    response = client.post(
        reverse("pipeline:advance", args=[project.pk]),
        {"stage": "approved", "expected_jobs": "80", "expected_output_wan": "900"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.expected_jobs) == ("approved", 80)


def test_a_configured_quiet_limit_decides_when_a_project_goes_cold(cast, make_project, approval_stage):
    project = _negotiating(cast, make_project)
    services.advance_project(
        cast.owner, project, "approved", expected_jobs=80, expected_output_wan=Decimal("900"), on=MONDAY
    )
    services.record_followup(cast.owner, project, date=MONDAY, content="立项会")
    with time_machine.travel(dt.datetime(2026, 3, 9, 9), tick=False):  # 7 quiet days: still allowed
        assert not Project.objects.filter(services.cold_filter()).exists()
    with time_machine.travel(dt.datetime(2026, 3, 10, 9), tick=False):
        assert list(Project.objects.filter(services.cold_filter())) == [project]


def test_a_requirement_on_a_field_projects_do_not_have_is_a_configuration_error(settings):
    stages = copy.deepcopy(DEFAULT_STAGES_CONFIG)
    stages[4]["requirements"] = [{"field": "environmental_permit", "label_zh": "环评批复"}]
    settings.PIPELINE_STAGES = stages
    with pytest.raises(ImproperlyConfigured, match="environmental_permit"):
        config.stage_model()


def test_configured_points_change_the_ranking(cast, make_project, settings):
    ours = make_project(created_on=MONDAY, first_contact_date=MONDAY)
    services.advance_project(cast.owner, ours, "contact", on=MONDAY)
    make_project(team=cast.other_park, owner=cast.outsider, created_on=MONDAY)
    make_project(team=cast.other_park, owner=cast.outsider, created_on=MONDAY)
    period = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    default = {r.team: r.points for r in services.meeting_pack(None, *period).ranking.rows}
    assert default == {"甲园区": 2, "乙园区": 2}  # lead and contact on one day: only contact counts
    settings.PIPELINE_POINTS = {"lead": 0, "contact": 20}
    configured = {r.team: (r.points, r.rank) for r in services.meeting_pack(None, *period).ranking.rows}
    assert configured == {"甲园区": (20, 1), "乙园区": (0, 2)}


def test_the_callback_interval_is_configurable(cast, make_project, settings):
    settings.PIPELINE_CALLBACK_WORKING_DAYS = 1
    project = make_project()
    services.record_followup(cast.owner, project, date=dt.date(2026, 3, 6), content="首次电话")  # a Friday
    assert Task.objects.get(project=project, kind=Task.Kind.CALLBACK).due == dt.date(2026, 3, 9)


def test_points_for_an_unknown_stage_are_reported_in_chinese(cast, settings):
    settings.PIPELINE_POINTS = {"celebration": 3}
    with pytest.raises(services.PipelineError, match="排名配置有误：未知的阶段「celebration」"):
        services.meeting_pack(None, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
