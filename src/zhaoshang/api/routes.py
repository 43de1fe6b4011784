"""Capabilities add their API endpoints by listing them in their `api.ROUTES`."""

from __future__ import annotations

from importlib import import_module

CAPABILITY_API_MODULES = (
    "zhaoshang.registry.api",
    "zhaoshang.chains.api",
    "zhaoshang.pipeline.api",
    "zhaoshang.places.api",
    "zhaoshang.approvals.api",
    "zhaoshang.policies.api",
    "zhaoshang.service.api",
    "zhaoshang.insight.api_analysis",
)


def register_all(router) -> None:
    for module_name in CAPABILITY_API_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for prefix, viewset in getattr(module, "ROUTES", ()):
            router.register(prefix, viewset)
