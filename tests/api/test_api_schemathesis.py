"""Schemathesis over /api/schema/: no operation answers 500, and every response is true to the schema.

The number of examples per operation is ``ZHAOSHANG_SCHEMATHESIS_EXAMPLES`` (default 30 to keep CI quick; the
hardening target is a few hundred: ``ZHAOSHANG_SCHEMATHESIS_EXAMPLES=300``).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("ZHAOSHANG_SCHEMATHESIS_EXAMPLES", "30"))
# the operations are split in shards, one test each, so that the suite's workers share them
SHARDS = 4


def _headers(cast) -> dict[str, str]:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=cast.admin)
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_operation_answers_500_or_strays_from_its_schema(cast, shard):
    from django.core.wsgi import get_wsgi_application

    headers = _headers(cast)
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), headers=headers
    )
    failures: list[str] = []
    operations = 0
    for index, result in enumerate(schema.get_all_operations()):
        if index % SHARDS != shard:
            continue
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def check(case):
            # a schema-valid filter naming a record that does not exist is rightly a 400: not a failure here
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations > 5  # every shard has work: the schema lists every capability's operations
    assert not failures, "\n\n".join(failures)
