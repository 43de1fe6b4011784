"""Fixtures for the BOM tests: the plain-Python core needs no database or Django settings."""

from __future__ import annotations
