"""The insight capability's API routes (each part keeps its endpoints in its own module)."""

from __future__ import annotations

from zhaoshang.insight.api_benchmark import ROUTES as BENCHMARK_ROUTES

ROUTES = [*BENCHMARK_ROUTES]
