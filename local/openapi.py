"""The API's OpenAPI document, generated from the handlers' routes and Pydantic models.

Powertools writes each function's paths, answers and refusals from the route
decorators; this adds what the handlers read themselves: request bodies (named by
``x-request-body``) and the paging query (``x-paged``). Path parameters take the
template's names.

    python local/openapi.py            print the document
    python local/openapi.py --write    write docs/openapi.json
"""

import json
import re
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local.template import (
    DEFAULT_ROUTE,
    ROOT,
    http_routes,
    layer_dirs,
    load_handler_module,
    load_template,
)

DOCUMENT = ROOT / "docs" / "openapi.json"
TITLE = "Channel web hooks"
VERSION = "1.0.0"
DESCRIPTION = (
    "External systems post JSON to a secret hook URL; plain posts become channel "
    "activity, posts with an id open cases, posts with references join case threads. "
    "Admin routes need AWS SigV4 (IAM) when deployed."
)


def build_document() -> dict[str, Any]:
    template = load_template()
    sys.path[:0] = [str(path) for path in layer_dirs(template) if str(path) not in sys.path]
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn
    from pydantic.json_schema import models_json_schema

    from channel_hooks import models

    sigv4 = APIKey(
        name="Authorization",
        in_=APIKeyIn.header,
        description="AWS Signature Version 4 (execute-api), as awscurl or the AWS SDKs sign",
    )
    routes = [route for route in http_routes(template) if route.path != DEFAULT_ROUTE]
    functions = {route.function: route for route in routes}
    document: dict[str, Any] = {}
    for route in functions.values():
        app = load_handler_module(route).app
        part = json.loads(
            app.get_openapi_json_schema(
                title=TITLE,
                version=VERSION,
                description=DESCRIPTION,
                security_schemes={"sigv4": sigv4},
            )
        )
        if not document:
            document = part
            continue
        document["paths"].update(part["paths"])
        document["components"]["schemas"].update(part["components"].get("schemas", {}))
    document.pop("servers", None)

    named = {name: getattr(models, name) for name in ("IncomingPost", "HookRequest")}
    _, request_schemas = models_json_schema(
        [(model, "validation") for model in named.values()],
        ref_template="#/components/schemas/{model}",
    )
    document["components"]["schemas"].update(request_schemas.get("$defs", {}))
    page_query = {
        name: {key: value for key, value in schema.items() if value is not None}
        for name, schema in models.PageRequest.model_json_schema()["properties"].items()
    }

    document["paths"] = {
        _camel_path(path): {
            method: _complete(operation, page_query) for method, operation in item.items()
        }
        for path, item in sorted(document["paths"].items())
    }
    document["components"]["schemas"]["GatewayError"] = {
        "type": "object",
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
        "title": "GatewayError",
    }
    _drop_unused_schemas(document)
    return document


def _drop_unused_schemas(document: dict[str, Any]) -> None:
    """Keep only the component schemas that the paths reach, directly or not."""
    schemas = document["components"]["schemas"]
    reached: set[str] = set()
    pending = _references(document["paths"])
    while pending:
        name = pending.pop()
        if name not in reached and name in schemas:
            reached.add(name)
            pending |= _references(schemas[name])
    document["components"]["schemas"] = {name: schemas[name] for name in sorted(reached)}


def _references(value: Any) -> set[str]:
    return set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(value)))


def _path_parameter_schemas() -> dict[str, dict[str, Any]]:
    """What each path parameter may be; the handlers check the same rules at run time."""
    from channel_hooks.models import CHANNEL_ID_PATTERN, HOOK_ID_PATTERN, MAX_ID_CHARS

    return {
        "channelId": {
            "type": "string",
            "pattern": CHANNEL_ID_PATTERN,
            "description": "1-64 letters, digits, '-', '_' or '.'",
        },
        "hookId": {
            "type": "string",
            "pattern": HOOK_ID_PATTERN,
            "description": "the hook's id, which is its credential",
        },
        "caseId": {
            "type": "string",
            "minLength": 1,
            "description": f"the case's id (1-{MAX_ID_CHARS} characters once decoded)",
        },
    }


def _complete(operation: dict[str, Any], page_query: dict[str, Any]) -> dict[str, Any]:
    for parameter in operation.get("parameters", []):
        parameter["name"] = _camel(parameter["name"])
        if parameter["in"] == "path":
            parameter["schema"] = _path_parameter_schemas()[parameter["name"]]
    body = operation.pop("x-request-body", None)
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    _add_gateway_answers(operation)
    if operation.pop("x-paged", None):
        operation.setdefault("parameters", []).extend(
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in page_query.items()
        )
    return operation


GATEWAY_ERROR = {
    "description": "answered by API Gateway itself, before the service runs",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayError"}}},
}


def _add_gateway_answers(operation: dict[str, Any]) -> None:
    """API Gateway's own refusals, which HTTP APIs cannot reshape (403 for an unsigned
    admin call, 429 past the stage's throttle), and the service's answer to a bug."""
    responses = operation["responses"]
    if operation.get("security"):
        responses["403"] = {**GATEWAY_ERROR, "description": "unsigned or unauthorised call"}
    responses["429"] = {**GATEWAY_ERROR, "description": "past the stage's throttle"}
    responses["500"] = {
        "description": "the service's own fault (a bug): internal_error, nothing half-written",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}}},
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _camel_path(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: "{" + _camel(found.group(1)) + "}", path)


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    text = render(build_document())
    if "--write" in sys.argv[1:]:
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
