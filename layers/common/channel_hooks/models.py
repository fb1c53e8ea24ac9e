"""Pydantic models: what integrators and admins send, and what the service keeps."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    StringConstraints,
    WithJsonSchema,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

MAX_TEXT_CHARS = 40_000
MAX_ATTACHMENTS = 20
MAX_REFERENCES = 20
MAX_URL_CHARS = 2_048
MAX_ID_CHARS = 128
# Control characters (tabs and line breaks among them), line and paragraph separators,
# and lone surrogates; spaces, joiners and direction marks are printable here.
_UNPRINTABLE = {"Cc", "Zl", "Zp", "Cs"}
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

CHANNEL_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
# Issued hook ids are UUIDs; the pattern is looser, and keeps keys short.
HOOK_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

T = TypeVar("T")


def format_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a fixed width, so that stored times sort as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


UtcTime = Annotated[
    datetime,
    PlainSerializer(format_utc, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _number_as_decimal_string(value: Any) -> Any:
    # bool is an int in Python, but true is no id. JSON integers arrive as Decimal.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value)
    return value


def _check_sender_id(value: str) -> str:
    if not 1 <= len(value) <= MAX_ID_CHARS:
        raise ValueError(f"must be 1-{MAX_ID_CHARS} characters")
    if not is_printable(value):
        raise ValueError("must not contain control characters, tabs or line breaks")
    return value


def is_printable(value: str) -> bool:
    return not any(unicodedata.category(char) in _UNPRINTABLE for char in value)


def could_be_sender_id(value: str) -> bool:
    """Whether a case id from a path could have been sent; if not, no case has it."""
    return 1 <= len(value) <= MAX_ID_CHARS and is_printable(value)


def is_channel_id(value: str) -> bool:
    return re.fullmatch(CHANNEL_ID_PATTERN, value) is not None


def could_be_hook_id(value: str) -> bool:
    """Whether a hook id from a path has the form of the ids the service issues."""
    return re.fullmatch(HOOK_ID_PATTERN, value) is not None


def _require_http_url(value: str) -> str:
    # The URL is kept exactly as sent; it is only checked, never normalised.
    if len(value) > MAX_URL_CHARS:
        raise ValueError(f"must be at most {MAX_URL_CHARS} characters")
    if not value.isprintable() or " " in value:
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError as error:
        raise ValueError("must be an absolute http or https URL") from error
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError("must be an absolute http or https URL")
    return value


SenderId = Annotated[
    str,
    BeforeValidator(_number_as_decimal_string),
    AfterValidator(_check_sender_id),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": MAX_ID_CHARS},
                {"type": "integer"},
            ],
            "description": "1-128 printable characters; an integer is read as its decimal string",
        }
    ),
]
HttpUrlText = Annotated[
    str,
    AfterValidator(_require_http_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "maxLength": MAX_URL_CHARS,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
        }
    ),
]


class AttachmentModel(BaseModel):
    """An attachment reads back as posted: fields that were not sent stay absent."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, frozen=True)

    @model_serializer(mode="wrap")
    def _omit_absent(self, serialize: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {name: value for name, value in serialize(self).items() if value is not None}


class FileAttachment(AttachmentModel):
    type: Literal["file"] = Field(alias="@type")
    url: HttpUrlText
    display_name: str | None = Field(default=None, alias="displayName")
    ext: str | None = None


class LinkAttachment(AttachmentModel):
    type: Literal["link"] = Field(alias="@type")
    url: HttpUrlText
    display_name: str | None = Field(default=None, alias="displayName")


Attachment = Annotated[FileAttachment | LinkAttachment, Field(discriminator="type")]


def _null_as_empty(value: Any) -> Any:
    return [] if value is None else value


class IncomingPost(BaseModel):
    """One post to a hook URL: it needs text or at least one attachment. Unknown
    top-level fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    text: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)] | None = None
    attachments: Annotated[
        list[Attachment], BeforeValidator(_null_as_empty), Field(max_length=MAX_ATTACHMENTS)
    ] = []
    id: SenderId | None = None
    references: Annotated[
        list[SenderId], BeforeValidator(_null_as_empty), Field(max_length=MAX_REFERENCES)
    ] = []

    @model_validator(mode="after")
    def _needs_content(self) -> "IncomingPost":
        if not self.text and not self.attachments:
            raise ValueError("a message needs text or at least one attachment")
        return self

    def distinct_references(self) -> list[str]:
        return list(dict.fromkeys(self.references))


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    purpose: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PageRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    # Any text is taken here; whether the service issued it is the repository's check.
    cursor: Annotated[
        str | None,
        WithJsonSchema(
            {"type": "string", "minLength": 1, "description": "a nextCursor this list gave"}
        ),
    ] = None


class ApiModel(BaseModel):
    """A record the API reads back, in camelCase with ISO 8601 UTC times."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
        frozen=True,
        # Answers always carry every field (nulls included), so the document says so.
        json_schema_serialization_defaults_required=True,
    )


class Message(ApiModel):
    message_id: str
    channel_id: str
    case_id: str | None
    text: str | None
    attachments: list[Attachment]
    references: list[str]
    received_at: UtcTime


class Case(ApiModel):
    case_id: str
    channel_id: str
    created_at: UtcTime
    updated_at: UtcTime
    message_count: int


class Hook(ApiModel):
    hook_id: str
    channel_id: str
    purpose: str
    status: Literal["active", "revoked"]
    created_at: UtcTime
    revoked_at: UtcTime | None = None

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor for the next, if there is more."""

    items: list[T]
    next_cursor: str | None


# ----- what the API answers -----


class PostAnswer(ApiModel):
    """The answer to every accepted post."""

    result: Literal["posted", "case_created", "case_updated", "duplicate"]
    channel_id: str
    message_id: str
    case_id: str | None
    unresolved_references: list[str]


class HookView(Hook):
    url: str = Field(description="the full ingest URL to copy; it is the hook's credential")


class HookPage(ApiModel):
    items: list[HookView]
    next_cursor: str | None


class MessagePage(ApiModel):
    items: list[Message]
    next_cursor: str | None


class CasePage(ApiModel):
    items: list[Case]
    next_cursor: str | None


class CaseThread(Case):
    """A case and one page of its thread, oldest message first."""

    messages: list[Message]
    next_cursor: str | None


class ErrorDetail(ApiModel):
    field: str
    message: str


class ErrorBody(ApiModel):
    code: str
    message: str
    details: list[ErrorDetail]
    request_id: str | None


class ErrorAnswer(ApiModel):
    error: ErrorBody
