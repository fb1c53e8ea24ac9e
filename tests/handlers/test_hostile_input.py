"""Property-based tests of the ingest route: whatever arrives, the service never answers
5xx, a refused post writes nothing, an error never echoes more than a short excerpt,
and an accepted post reads back exactly as sent."""

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channel_hooks.models import Hook
from tests.conftest import invoke, load_event, make_repository

EXAMPLES = 200
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=60),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
urls = st.one_of(
    st.sampled_from(["http://myserver/myfile", "https://example.com/a?b=c#d", "HTTP://X.Y/"]),
    st.text(max_size=40),
    st.builds(lambda host: f"https://{host}/", st.text(min_size=1, max_size=20)),
)
attachments = st.fixed_dictionaries(
    {"@type": st.sampled_from(["file", "link", "video", ""]) | json_scalars},
    optional={
        "url": urls | json_scalars,
        "displayName": st.text(max_size=30) | json_scalars,
        "ext": st.text(max_size=5) | json_scalars,
        "extra": json_values,
    },
)
ids = st.one_of(
    st.text(min_size=1, max_size=130),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["event1", "a#b", "x/y", "%2F", " ", "é" * 128]),
    json_scalars,
)
post_documents = st.fixed_dictionaries(
    {},
    optional={
        "text": st.text(max_size=200) | json_scalars,
        "attachments": st.lists(attachments, max_size=22) | json_values,
        "id": ids,
        "references": st.lists(ids, max_size=22) | json_values,
        "unknown": json_values,
    },
)
valid_documents = st.fixed_dictionaries(
    {"text": st.text(min_size=1, max_size=300)},
    optional={
        "attachments": st.lists(
            st.fixed_dictionaries(
                {
                    "@type": st.sampled_from(["file", "link"]),
                    "url": st.sampled_from(
                        ["http://myserver/myfile", "https://example.com/a?b=c#d", "HTTP://X.Y/é"]
                    ),
                },
                optional={"displayName": st.text(max_size=30), "ext": st.text(max_size=5)},
            ),
            max_size=20,
        ),
        "id": st.text(
            st.characters(min_codepoint=32, max_codepoint=0x2FFF), min_size=1, max_size=128
        )
        | st.integers(min_value=-(10**30), max_value=10**30),
        "references": st.lists(st.text(min_size=1, max_size=20), max_size=20),
        "username": json_values,
    },
)
bodies = st.one_of(
    valid_documents.map(lambda document: json.dumps(document).encode()),
    valid_documents.map(lambda document: json.dumps(document, ensure_ascii=False).encode()),
    post_documents.map(lambda document: json.dumps(document).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.integers(min_value=1, max_value=60).map(lambda depth: b"[" * depth * 200),
    st.sampled_from([b"", b"{}", b"null", b'{"text": NaN}', b'{"text": "a"}{}', b"\xff\xfe{}"]),
)
content_types = st.one_of(
    st.none(),
    st.just("application/json"),
    st.just("application/json; charset=utf-8"),
    st.sampled_from(
        [
            "application/json",
            "APPLICATION/JSON; charset=UTF-8",
            "application/json; charset=latin-1",
            "application/json; charset=utf-16",
            "application/json; charset=nonsense",
            "application/json;",
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "",
        ]
    ),
    st.text(max_size=40),
)
channel_ids = st.one_of(
    st.none(), st.text(max_size=70), st.sampled_from(["a" * 65, "a/b", "..", "%"])
)


def leaves(value):
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from leaves(item)


def expected_message(document: dict) -> dict:
    """What an accepted post must read back as."""

    def as_id(value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    return {
        "attachments": [
            {
                name: attachment[name]
                for name in ("@type", "url", "displayName", "ext")
                if attachment.get(name) is not None
                and not (name == "ext" and attachment["@type"] == "link")
            }
            for attachment in document.get("attachments") or []
        ],
        "references": list(dict.fromkeys(as_id(ref) for ref in document.get("references") or [])),
    }


PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Request:
    """One request to the ingest route, as the properties draw it."""

    body: bytes
    content_type: str | None = None
    base64_encoded: bool = False
    channel_override: str | None = None
    hook_is_real: bool = True
    extra_headers: dict = field(default_factory=dict)


@PROPERTY_SETTINGS
@given(
    request=st.builds(
        Request,
        body=bodies,
        content_type=content_types,
        base64_encoded=st.booleans(),
        channel_override=channel_ids,
        hook_is_real=st.sampled_from([True] * 7 + [False]),
        extra_headers=st.dictionaries(
            st.sampled_from(["x-forwarded-for", "accept", "content-encoding", "x-custom"]),
            st.text(max_size=20),
            max_size=3,
        ),
    )
)
def test_any_request_to_the_ingest_route(ingest, admin, table, aws_environment, request):
    check_request(ingest, admin, make_repository(table, aws_environment), request)


@PROPERTY_SETTINGS
@given(
    document=valid_documents | post_documents,
    ascii_only=st.booleans(),
    content_type=st.sampled_from([None, "application/json", "Application/Json; charset=UTF-8"]),
    base64_encoded=st.booleans(),
)
def test_any_post_document_on_a_valid_hook(
    ingest, admin, table, aws_environment, document, ascii_only, content_type, base64_encoded
):
    body = json.dumps(document, ensure_ascii=ascii_only).encode()

    request = Request(body, content_type, base64_encoded)
    check_request(ingest, admin, make_repository(table, aws_environment), request)


def check_request(ingest, admin, repository, request: Request):
    """Send one request to a fresh channel's hook and check every invariant."""
    channel_id = f"prop-{uuid.uuid4().hex[:10]}"
    hook_id = str(uuid.uuid4())
    repository.put_hook(
        Hook(hook_id=hook_id, channel_id=channel_id, purpose="p", status="active", created_at=NOW)
    )
    body, content_type = request.body, request.content_type
    path_channel = request.channel_override
    if path_channel is None:
        path_channel = channel_id
    path_hook = hook_id if request.hook_is_real else str(uuid.uuid4())
    event = load_event("ingest_basic_message")
    path = f"/hooks/channels/{path_channel}/{path_hook}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["pathParameters"] = {"channelId": path_channel, "hookId": path_hook}
    event["headers"] = {"host": "h.example", **request.extra_headers}
    if content_type is not None:
        event["headers"]["content-type"] = content_type
    if request.base64_encoded:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    else:
        event["body"] = body.decode("utf-8", "surrogateescape")

    status, _, answer = invoke(ingest, event)

    event_label = answer["result"] if status < 300 else answer["error"]["code"]
    hypothesis.event(f"{status} {event_label}")
    assert status < 500
    stored = invoke(admin, load_event("activities_list", channel_id))[2]["items"]
    if status >= 300:
        assert_refusal_is_clean(answer, body, stored)
        return

    document = json.loads(body.decode(_charset(content_type)))
    [message] = stored
    assert message["messageId"] == answer["messageId"]
    if document.get("id") is not None:
        assert message["messageId"] == str(document["id"])
    expected = expected_message(document)
    assert message["text"] == document.get("text")
    assert message["attachments"] == expected["attachments"]
    assert message["references"] == expected["references"]


def assert_refusal_is_clean(answer, body, stored):
    """Nothing written; the error names a code and quotes at most a short excerpt."""
    assert stored == []
    assert set(answer["error"]) == {"code", "message", "details", "requestId"}
    rendered = json.dumps(answer, ensure_ascii=False)
    assert len(rendered) < 4_000
    try:
        sent = json.loads(body)
    except (ValueError, RecursionError):
        sent = body.decode("utf-8", "replace")
    for leaf in leaves(sent):
        if len(leaf) >= 24:
            assert leaf not in rendered


def _charset(content_type: str | None) -> str:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=")[1].split(";")[0].strip()
    return "utf-8"
