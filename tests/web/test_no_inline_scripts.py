"""The Content-Security-Policy allows scripts from the site only: a template with an inline script would break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import zhaoshang

TEMPLATES = sorted(Path(zhaoshang.__file__).parent.glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_template_runs_inline_javascript(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "move the script to a static module file"
    assert not INLINE_HANDLER.search(text), "attach the handler from a static module file"


def test_the_policy_allows_scripts_from_the_site_only(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
