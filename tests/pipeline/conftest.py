"""Helpers for the pipeline app's tests (Django imports stay inside the fixtures: tests/pipeline/core is plain Python)."""

from __future__ import annotations

import pytest


@pytest.fixture
def make_project(cast):
    """make_project(name=..., team=cast.park, owner=cast.owner, investor_name=..., **fields) via the service."""
    from zhaoshang.pipeline.services import create_project

    counter = {"n": 0}

    def make(name=None, *, team=None, owner="default", actor=None, investor_name=None, **fields):
        counter["n"] += 1
        n = counter["n"]
        chosen = cast.owner if owner == "default" else owner
        # the actor is someone of the team (a user may file projects only in their own subtree)
        default_actor = (
            chosen
            if chosen is not None and (team is None or chosen.organisation_id == team.pk)
            else cast.admin
        )
        return create_project(
            actor or (cast.owner if team in (None, cast.park) else default_actor),
            name=name or f"测试项目{n}",
            organisation=team or cast.park,
            owner=cast.owner if owner == "default" else owner,
            investor_name=investor_name or f"测试投资方{n}有限公司",
            **fields,
        )

    return make
