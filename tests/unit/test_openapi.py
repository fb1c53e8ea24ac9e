"""docs/openapi.json is generated from the code and kept in step with it."""

import json

from openapi_spec_validator import validate

from local.openapi import DOCUMENT, build_document, render
from local.template import DEFAULT_ROUTE, http_routes, load_template


def test_committed_document_matches_the_code():
    generated = render(build_document())

    committed = DOCUMENT.read_text(encoding="utf-8")

    assert generated == committed, "the API changed: run `make openapi` and commit the result"


def test_document_is_valid_openapi():
    validate(json.loads(DOCUMENT.read_text(encoding="utf-8")))


def test_document_has_exactly_the_template_routes():
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))

    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }

    routes = http_routes(load_template())
    assert documented == {(r.method, r.path) for r in routes if r.path != DEFAULT_ROUTE}


def test_admin_routes_document_sigv4_and_ingest_does_not():
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))

    for path, item in document["paths"].items():
        for operation in item.values():
            expected = None if path.startswith("/hooks/") else [{"sigv4": []}]
            assert operation.get("security") == expected, path
