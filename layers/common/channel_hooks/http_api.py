"""HTTP for both functions: reading bodies and query strings, writing answers,
and the one place that maps every error to a status and a JSON body.
"""

import base64
import binascii
import codecs
import json
import re
import traceback
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from pydantic import BaseModel, ValidationError

from channel_hooks.errors import (
    ChannelFull,
    ChannelHooksError,
    InvalidCursor,
    InvalidJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    StoreUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from channel_hooks.models import (
    ErrorAnswer,
    ErrorBody,
    ErrorDetail,
    PageRequest,
    is_channel_id,
)
from channel_hooks.observability import count_refusal, logger

JSON_TYPE = "application/json"
MAX_BODY_BYTES = 256 * 1024
EXCERPT_CHARS = 40
RETRY_AFTER_SECONDS = "1"
MAX_DETAILS = 50
# Codec names as codecs.lookup() gives them.
_TEXT_CHARSETS = ("utf-8", "utf-16", "utf-32", "ascii", "latin-1", "iso8859-", "cp125")

# Every route of the API, as in template.yaml (a test keeps the two equal).
ROUTES: tuple[tuple[str, str], ...] = (
    ("POST", "/hooks/channels/{channelId}/{hookId}"),
    ("POST", "/channels/{channelId}/hooks"),
    ("GET", "/channels/{channelId}/hooks"),
    ("GET", "/channels/{channelId}/hooks/{hookId}"),
    ("DELETE", "/channels/{channelId}/hooks/{hookId}"),
    ("GET", "/channels/{channelId}/activities"),
    ("GET", "/channels/{channelId}/cases"),
    ("GET", "/channels/{channelId}/cases/{caseId}"),
)

_STATUS = {
    InvalidJson: (400, "invalid_json"),
    InvalidCursor: (400, "invalid_cursor"),
    NotFound: (404, "not_found"),
    MethodNotAllowed: (405, "method_not_allowed"),
    PayloadTooLarge: (413, "payload_too_large"),
    UnsupportedMediaType: (415, "unsupported_media_type"),
    ValidationFailed: (422, "validation_failed"),
    ChannelFull: (507, "channel_full"),
    StoreUnavailable: (503, "unavailable"),
}

ModelT = TypeVar("ModelT", bound=BaseModel)

_REFUSALS = {
    400: "the body is not one JSON object; on a list, a cursor this list did not issue",
    404: "unknown route, unknown or revoked hook, another channel's hook, unknown case",
    413: "the body is over 256 KiB",
    415: "a Content-Type other than JSON",
    422: "fields break the rules; details names each one",
    507: "the channel is full (10 GB); no Retry-After, as retrying will not help",
    503: "the database throttled or failed after retries; nothing was half-written",
}
SIGV4 = [{"sigv4": []}]

_ROUTE_PATTERNS = [
    (method, re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", path) + "$")) for method, path in ROUTES
]


def create_resolver() -> APIGatewayHttpResolver:
    # debug=False whatever the environment says: debug mode prints whole events.
    app = APIGatewayHttpResolver(debug=False)
    _register_error_handlers(app)
    return app


def documented(
    answers: dict[int, tuple[str, type[BaseModel] | None]], refusals: tuple[int, ...]
) -> dict[int, dict[str, Any]]:
    """OpenAPI responses of a route: its answers, then the refusals it can give."""
    responses: dict[int, dict[str, Any]] = {}
    for status, (description, model) in answers.items():
        content = {JSON_TYPE: {"model": model}} if model else {}
        responses[status] = {"description": description, "content": content}
    for status in refusals:
        responses[status] = {
            "description": _REFUSALS[status],
            "content": {JSON_TYPE: {"model": ErrorAnswer}},
        }
    return responses


def request_body(model: type[BaseModel]) -> dict[str, str]:
    """Names a route's JSON body model for the OpenAPI document (see local/openapi.py)."""
    return {"x-request-body": model.__name__}


# A route that pages: the OpenAPI document gives it PageRequest's query parameters.
PAGED = {"x-paged": "PageRequest"}


def json_response(
    status: int, answer: BaseModel, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        status_code=status,
        content_type=JSON_TYPE,
        body=answer.model_dump_json(),
        headers=headers,
    )


def empty_response(status: int) -> Response:
    return Response(status_code=status, content_type=None, body="")


def excerpt(value: str) -> str:
    """At most a short, one-line piece of something a caller sent."""
    flat = "".join(char if char.isprintable() else "?" for char in value[:EXCERPT_CHARS])
    return flat + ("..." if len(value) > EXCERPT_CHARS else "")


def read_json_object(app: APIGatewayHttpResolver) -> dict[str, Any]:
    """The request body as one JSON object, or the refusal that fits what was sent."""
    event = app.current_event
    charset = _require_json_content_type(event.headers or {})

    raw = event.body or ""
    if event.is_base64_encoded:
        try:
            body = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as error:
            raise InvalidJson("body is marked base64 but does not decode") from error
    else:
        body = raw.encode("utf-8", errors="surrogatepass")
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")

    try:
        text = body.decode(charset)
    except UnicodeError as error:
        raise InvalidJson(f"body is not valid {charset} text") from error
    # Stored as UTF-8: a Latin-1 'é' or a windows-1252 '€' grows there, and the limit
    # is what the service keeps, not what travelled.
    if charset != "utf-8" and len(text.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"body is over {MAX_BODY_BYTES} bytes once stored as UTF-8")
    try:
        # Integers as Decimal: exact at any length, where int() stops at 4,300 digits.
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=Decimal)
    except (ValueError, RecursionError) as error:
        raise InvalidJson("body is not valid JSON") from error
    if not isinstance(document, dict):
        raise InvalidJson("body must be one JSON object")
    if "\\u" in text and _has_lone_surrogate(document):
        raise InvalidJson("body escapes a lone UTF-16 surrogate, which is not Unicode text")
    return document


def validate(model: type[ModelT], document: dict[str, Any]) -> ModelT:
    """The document as ``model``, or a 422 that names every offending field."""
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise ValidationFailed("some fields are not valid", describe(error)) from error


def describe(error: ValidationError) -> list[dict[str, str]]:
    """One detail per offending field, at most MAX_DETAILS of them, then a count."""
    issues = error.errors(include_url=False, include_input=False, include_context=False)
    details = [
        {"field": _field_name(issue["loc"]), "message": _issue_message(issue)}
        for issue in issues[:MAX_DETAILS]
    ]
    if len(issues) > MAX_DETAILS:
        details.append(
            {"field": "body", "message": f"{len(issues) - MAX_DETAILS} more problems not listed"}
        )
    return details


def path_value(raw: str) -> str:
    """A path parameter as the caller meant it: API Gateway leaves it percent-encoded."""
    return unquote(raw)


def require_channel_id(raw: str) -> str:
    """The channel id of an admin path, decoded, or a 422 naming it."""
    channel_id = path_value(raw)
    if not is_channel_id(channel_id):
        raise ValidationFailed(
            "the channel id is not valid",
            [
                {
                    "field": "channelId",
                    "message": "must be 1-64 letters, digits, '-', '_' or '.'",
                }
            ],
        )
    return channel_id


def page_request(app: APIGatewayHttpResolver) -> PageRequest:
    query = app.current_event.query_string_parameters or {}
    return validate(
        PageRequest, {name: query[name] for name in ("limit", "cursor") if name in query}
    )


def public_base_url(app: APIGatewayHttpResolver, configured: str | None) -> str:
    """Where the API answers: the configured URL, else the request's own domain and stage."""
    if configured:
        return configured
    event = app.current_event
    headers = event.headers or {}
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else "https"
    domain = event.request_context.domain_name or headers.get("host", "localhost")
    stage = event.request_context.stage
    prefix = "" if not stage or stage == "$default" else f"/{stage}"
    return f"{scheme}://{domain}{prefix}"


def _require_json_content_type(headers: dict[str, str]) -> str:
    """The body's charset; a missing Content-Type is read as JSON."""
    content_type = next(
        (value for name, value in headers.items() if name.lower() == "content-type"), ""
    )
    if not content_type.strip():
        return "utf-8"
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != JSON_TYPE:
        raise UnsupportedMediaType(f"send the body as {JSON_TYPE}")
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return _known_charset(value.strip().strip('"'))
    return "utf-8"


def _known_charset(name: str) -> str:
    """A charset JSON can be written in: the Unicode ones, ASCII and the Latin ones."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        codec = ""
    if not codec.startswith(_TEXT_CHARSETS):
        raise UnsupportedMediaType(f"charset {excerpt(name)!r} is not supported")
    return codec


def _has_lone_surrogate(document: Any) -> bool:
    try:
        json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _field_name(location: tuple[str | int, ...]) -> str:
    name = ""
    for index, part in enumerate(location):
        if isinstance(part, int):
            name += f"[{part}]"
        elif index > 0 and isinstance(location[index - 1], int) and part in ("file", "link"):
            # pydantic names the union member chosen by @type; the sender never wrote it.
            continue
        else:
            name += f".{part}" if name else part
    return name or "body"


def _issue_message(issue: dict[str, Any]) -> str:
    kind = issue["type"]
    if kind == "union_tag_not_found":
        return "@type is required: file or link"
    if kind == "union_tag_invalid":
        return "@type must be file or link"
    message = issue["msg"]
    return message.removeprefix("Value error, ")


def _allowed_methods(path: str) -> list[str]:
    return [method for method, pattern in _ROUTE_PATTERNS if pattern.match(path)]


def _error_answer(
    app: APIGatewayHttpResolver, code: str, message: str, details: list[dict[str, str]]
) -> ErrorAnswer:
    request_id = None
    if app.current_event is not None:
        request_id = app.current_event.request_context.request_id
    body = ErrorBody(
        code=code,
        message=message,
        details=[ErrorDetail(**detail) for detail in details],
        request_id=request_id,
    )
    return ErrorAnswer(error=body)


def _register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(ChannelHooksError)
    def refuse(error: ChannelHooksError) -> Response:
        status, code = next(answer for kind, answer in _STATUS.items() if isinstance(error, kind))
        count_refusal(code)
        headers: dict[str, str] = {}
        if isinstance(error, StoreUnavailable):
            headers["Retry-After"] = RETRY_AFTER_SECONDS
        elif isinstance(error, MethodNotAllowed):
            headers["Allow"] = ", ".join(error.allowed)
        else:
            logger.warning("request refused", status=status, error_code=code)
        return json_response(
            status, _error_answer(app, code, error.message, error.details), headers
        )

    @app.not_found
    def unknown_route(_: NotFoundError) -> Response:
        allowed = _allowed_methods(app.current_event.path)
        if allowed and app.current_event.http_method.upper() not in allowed:
            return refuse(MethodNotAllowed(allowed))
        return refuse(NotFound("no such route"))

    @app.exception_handler(Exception)
    def fail(error: Exception) -> Response:
        # The frames say where it failed; the message is left out, as it may hold input.
        stack = traceback.format_tb(error.__traceback__)
        logger.error("unexpected failure", error_type=type(error).__name__, stack=stack)
        message = "the service failed; nothing was half-written"
        return json_response(500, _error_answer(app, "internal_error", message, []))
