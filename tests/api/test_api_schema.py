"""The OpenAPI schema is generated from the code without warnings and documents every capability's endpoints."""

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_validates_and_lists_every_capability():
    out, err = io.StringIO(), io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=err)
    schema = yaml.safe_load(out.getvalue())
    paths = set(schema["paths"])
    for path in (
        "/api/enterprises/",
        "/api/import-batches/",
        "/api/chains/{slug}/gap/",
        "/api/chain-assignments/",
        "/api/projects/{id}/advance/",
        "/api/followups/",
        "/api/coordination-items/",
        "/api/audit/",
    ):
        assert path in paths
    firm = schema["components"]["schemas"]["Enterprise"]["properties"]
    assert {"uscc", "registered_capital_wan", "currency", "region_code", "flags"} <= set(firm)


def test_the_schema_and_docs_need_a_login(client, cast, client_for):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client_for(cast.owner).get("/api/schema/").status_code == 200
    assert client_for(cast.owner).get("/api/docs/").status_code == 200
