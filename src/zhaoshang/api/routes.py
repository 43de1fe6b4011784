"""Capabilities add their API endpoints by registering them from their ``AppConfig.ready()``.

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes

        def api_routes():
            from zhaoshang.chains.api import ROUTES  # a real import: a renamed module fails, never skipped

            return ROUTES

        register_routes(self.name, api_routes)

The loader runs when the URLconf builds the router (``register_all``), so a command that never serves the API does
not import DRF and every viewset. A loader that fails, a route that is not a ``(prefix, ViewSet)`` pair or a prefix
taken twice stops the URLconf with the app's name: the API never loses an endpoint silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Routes = Sequence[tuple[str, Any]]

_loaders: dict[str, Callable[[], Routes]] = {}


def register_routes(app: str, loader: Callable[[], Routes]) -> None:
    """Register ``loader() -> [(prefix, ViewSet), ...]`` for ``app`` (its dotted name); idempotent per app."""
    if not callable(loader):
        raise TypeError(f"{app}: the API routes loader must be callable, not {loader!r}")
    _loaders[app] = loader


def registered_apps() -> list[str]:
    """The apps that registered API routes, in registration (``INSTALLED_APPS``) order."""
    return list(_loaders)


def collect_routes() -> list[tuple[str, Any, str]]:
    """Every registered ``(prefix, viewset, app)``, checked: a ViewSet each, no prefix twice."""
    from rest_framework.viewsets import ViewSetMixin

    out: list[tuple[str, Any, str]] = []
    owner: dict[str, str] = {}
    for app, loader in _loaders.items():
        for item in loader():
            try:
                prefix, viewset = item
            except (TypeError, ValueError):
                raise TypeError(
                    f"{app}: an API route must be a (prefix, ViewSet) pair, not {item!r}"
                ) from None
            if not (isinstance(viewset, type) and issubclass(viewset, ViewSetMixin)):
                raise TypeError(f"{app}: the API route {prefix!r} names {viewset!r}, which is not a ViewSet")
            if prefix in owner:
                raise ValueError(f"{app}: the API prefix {prefix!r} is already registered by {owner[prefix]}")
            owner[prefix] = app
            out.append((prefix, viewset, app))
    return out


def register_all(router: Any) -> None:
    for prefix, viewset, _ in collect_routes():
        router.register(prefix, viewset)
