"""Capability API routes are registered explicitly from each app's `AppConfig.ready()`; nothing resolves by name."""

from __future__ import annotations

import importlib.util

import pytest
from django.apps import apps
from rest_framework import viewsets

from zhaoshang.api import routes


class _Things(viewsets.ViewSet):
    def list(self, request):  # pragma: no cover - never routed
        return None


def test_every_app_with_an_api_module_registers_its_routes_and_the_router_serves_them() -> None:
    from zhaoshang.api.urls import router

    with_api = [
        c.name
        for c in apps.get_app_configs()
        if c.name.startswith("zhaoshang.")
        and c.name != "zhaoshang.api"
        and importlib.util.find_spec(f"{c.name}.api")
    ]
    assert "zhaoshang.chains" in with_api and "zhaoshang.service" in with_api
    assert routes.registered_apps() == with_api  # in INSTALLED_APPS order
    served = {prefix for prefix, _, _ in router.registry}
    for prefix, viewset, app in routes.collect_routes():
        assert prefix in served, (app, prefix)
        assert viewset in {v for _, v, _ in router.registry}
    assert {"chains", "chain-assignments", "enterprises", "service/appeals"} <= served


def test_a_renamed_api_module_fails_loudly_instead_of_dropping_the_endpoints(monkeypatch) -> None:
    def moved():
        from zhaoshang.chains.api_renamed import ROUTES  # type: ignore[import-not-found]

        return ROUTES

    monkeypatch.setattr(routes, "_loaders", {})
    routes.register_routes("zhaoshang.chains", moved)
    with pytest.raises(ModuleNotFoundError, match="api_renamed"):
        routes.collect_routes()


def test_a_route_that_is_not_a_viewset_or_not_a_pair_is_refused_with_the_apps_name(monkeypatch) -> None:
    monkeypatch.setattr(routes, "_loaders", {})
    routes.register_routes("zhaoshang.x", lambda: [("things", object)])
    with pytest.raises(TypeError, match="zhaoshang.x: the API route 'things'"):
        routes.collect_routes()
    routes.register_routes("zhaoshang.x", lambda: ["things"])
    with pytest.raises(TypeError, match="must be a \\(prefix, ViewSet\\) pair"):
        routes.collect_routes()
    with pytest.raises(TypeError, match="callable"):
        routes.register_routes("zhaoshang.x", [("things", _Things)])  # type: ignore[arg-type]


def test_a_prefix_registered_by_two_apps_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(routes, "_loaders", {})
    routes.register_routes("zhaoshang.a", lambda: [("things", _Things)])
    routes.register_routes("zhaoshang.b", lambda: [("things", _Things)])
    with pytest.raises(
        ValueError, match="zhaoshang.b: the API prefix 'things' is already registered by zhaoshang.a"
    ):
        routes.collect_routes()


def test_registering_again_for_the_same_app_replaces_and_never_duplicates(monkeypatch) -> None:
    monkeypatch.setattr(routes, "_loaders", {})
    routes.register_routes("zhaoshang.a", lambda: [("things", _Things)])
    routes.register_routes("zhaoshang.a", lambda: [("things", _Things)])
    assert [(p, a) for p, _, a in routes.collect_routes()] == [("things", "zhaoshang.a")]
