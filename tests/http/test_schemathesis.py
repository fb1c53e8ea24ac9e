"""Schemathesis, from docs/openapi.json, against the local run: every operation, with
generated valid and invalid requests, checked for server errors and for answers that
break the document (status codes, content types, bodies).

The local run has no IAM in front of the admin routes, so the document's SigV4
requirement is taken out for this test; everything else is checked as published.
A schema-valid request may still be 400: a cursor is valid only if this service issued
it, which no schema can say, so 400 counts as an accepted answer to valid data.
"""

import json

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from local.openapi import DOCUMENT

EXAMPLES = 25


def document_without_auth() -> dict:
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    document["components"].pop("securitySchemes", None)
    for item in document["paths"].values():
        for operation in item.values():
            operation.pop("security", None)
    return document


CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}}}
)
schema = schemathesis.openapi.from_dict(document_without_auth(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_local_run_keeps_to_its_api_document(case, local_api):
    case.call_and_validate(base_url=local_api.base_url)
