"""The insight API routes (registered from InsightConfig.ready()); each part of the capability keeps its own module."""

from __future__ import annotations

from zhaoshang.insight.api_analysis import ROUTES as ANALYSIS_ROUTES

ROUTES = [*ANALYSIS_ROUTES]
