"""The ingest handler, driven by the events in events/, on a moto table."""

import base64
import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from channel_hooks.repository import dynamodb_client_config
from channel_hooks.settings import get_settings
from tests.conftest import invoke, load_event, make_repository, new_channel_id

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def post(ingest, channel, name="ingest_basic_message", body=None, **changes):
    event = load_event(name, *channel)
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    event.update(changes)
    return invoke(ingest, event)


def table_items(table, channel_id, prefix):
    """Every item of the channel whose sort key starts with prefix, read back consistently."""
    response = table.scan(TableName=get_settings().table_name, ConsistentRead=True)
    return [
        item
        for item in response["Items"]
        if item["PK"]["S"] == f"CHANNEL#{channel_id}" and item["SK"]["S"].startswith(prefix)
    ]


def test_seed_basic_message_posts_an_activity(ingest, channel, table):
    status, _, body = post(ingest, channel)

    assert status == 201
    assert body["result"] == "posted"
    assert body["caseId"] is None and body["unresolvedReferences"] == []
    stored = table_items(table, channel[0], "ACTIVITY#")
    assert [item["text"]["S"] for item in stored] == ["my message"]


def test_seed_case_then_update_builds_one_thread(ingest, channel, table):
    created = post(ingest, channel, "ingest_create_case")
    updated = post(ingest, channel, "ingest_update_case")

    assert created[0] == 201 and created[2]["result"] == "case_created"
    assert created[2]["caseId"] == created[2]["messageId"] == "event1"
    assert updated[0] == 201 and updated[2]["result"] == "case_updated"
    assert (updated[2]["caseId"], updated[2]["messageId"]) == ("event1", "event2")
    case = table_items(table, channel[0], "CASE#")
    assert [(item["caseId"]["S"], item["messageCount"]["N"]) for item in case] == [("event1", "2")]


def test_repeated_id_answers_duplicate_and_writes_nothing(ingest, channel, table):
    post(ingest, channel, "ingest_create_case")
    before = table_items(table, channel[0], "")

    status, _, body = post(
        ingest, channel, "ingest_create_case", body={"id": "event1", "text": "x"}
    )

    assert status == 200
    assert body == {
        "result": "duplicate",
        "channelId": channel[0],
        "messageId": "event1",
        "caseId": "event1",
        "unresolvedReferences": [],
    }
    assert table_items(table, channel[0], "") == before


def test_base64_body_is_decoded(ingest, channel):
    encoded = base64.b64encode(json.dumps({"text": "über"}).encode()).decode()

    status, _, body = post(ingest, channel, body=encoded, isBase64Encoded=True)

    assert status == 201 and body["result"] == "posted"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"content-type": "text/plain"}, 415, "unsupported_media_type"),
        ({"content-type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ({"content-type": "Application/JSON; charset=UTF-8"}, 201, None),
        ({}, 201, None),
    ],
)
def test_content_type_rules(ingest, channel, headers, status, code):
    event = load_event("ingest_basic_message", *channel)
    event["headers"] = {"host": event["headers"]["host"], **headers}

    answer, _, body = invoke(ingest, event)

    assert answer == status
    assert code is None or body["error"]["code"] == code


@pytest.mark.parametrize(
    "raw", ["not json", "[1, 2]", '"text"', "", '{"text": NaN}', '{"text": "x"} {}']
)
def test_body_that_is_not_one_json_object_is_400(ingest, channel, table, raw):
    status, _, body = post(ingest, channel, body=raw)

    assert status == 400
    assert body["error"]["code"] == "invalid_json"
    assert body["error"]["requestId"] == "event-ingest_basic_message"
    assert table_items(table, channel[0], "ACTIVITY#") == []


def test_body_over_256_kib_is_413(ingest, channel, table):
    status, _, body = post(ingest, channel, body={"text": "x" * (256 * 1024)})

    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert table_items(table, channel[0], "ACTIVITY#") == []


def test_invalid_fields_are_422_naming_each(ingest, channel, table):
    status, _, body = post(
        ingest, channel, body={"text": 3, "attachments": [{"@type": "file", "url": "nope"}]}
    )

    assert status == 422
    assert body["error"]["code"] == "validation_failed"
    assert {detail["field"] for detail in body["error"]["details"]} == {
        "text",
        "attachments[0].url",
    }
    assert table_items(table, channel[0], "ACTIVITY#") == []


def test_unknown_hook_and_other_channels_hook_are_404(ingest, channel, repository):
    other_channel = new_channel_id()

    unknown = post(ingest, (channel[0], "no-such-hook"))
    elsewhere = post(ingest, (other_channel, channel[1]))

    assert unknown[0] == elsewhere[0] == 404
    assert unknown[2]["error"]["code"] == elsewhere[2]["error"]["code"] == "not_found"
    assert unknown[2]["error"]["message"] == elsewhere[2]["error"]["message"]


def test_revoked_hook_answers_exactly_as_an_unknown_one(ingest, channel, repository):
    repository.revoke_hook(*channel, NOW)

    revoked = post(ingest, channel)
    unknown = post(ingest, (channel[0], "never-issued"))

    assert revoked[0] == unknown[0] == 404
    del revoked[2]["error"]["requestId"], unknown[2]["error"]["requestId"]
    assert revoked[2] == unknown[2]
    assert revoked[1] == unknown[1]


def test_other_method_on_ingest_path_is_405(ingest, channel):
    event = load_event("ingest_basic_message", *channel)
    event["requestContext"]["http"]["method"] = "GET"
    event["routeKey"] = "$default"

    status, headers, body = invoke(ingest, event)

    assert status == 405
    assert body["error"]["code"] == "method_not_allowed"
    assert headers["Allow"] == "POST"


def test_unknown_route_is_404(ingest):
    event = load_event("ingest_basic_message")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/nowhere"
    event["routeKey"] = "$default"

    status, _, body = invoke(ingest, event)

    assert status == 404 and body["error"]["code"] == "not_found"


def test_database_throttling_is_503_with_retry_after(ingest, channel, monkeypatch):
    client = boto3.client("dynamodb", config=dynamodb_client_config(max_attempts=1))
    stubber = Stubber(client)
    stubber.add_client_error(
        "get_item",
        service_error_code="ProvisionedThroughputExceededException",
        http_status_code=400,
    )
    stubbed = make_repository(client, "any-table")
    monkeypatch.setattr(ingest, "channel_repository", lambda: stubbed)

    with stubber:
        status, headers, body = post(ingest, channel)

    assert status == 503
    assert headers["Retry-After"] == "1"
    assert body["error"]["code"] == "unavailable"


def test_escaped_lone_surrogate_is_400_and_writes_nothing(ingest, channel, table):
    attachment = '{"@type": "link", "url": "http://a", "displayName": "\\udfff"}'
    raw = '{"text": "x", "attachments": [' + attachment + "]}"

    status, _, body = post(ingest, channel, body=raw)

    assert (status, body["error"]["code"]) == (400, "invalid_json")
    assert table_items(table, channel[0], "ACTIVITY#") == []


def test_escaped_surrogate_pair_is_text(ingest, channel):
    status, _, body = post(ingest, channel, body='{"text": "\\ud83d\\ude00"}')

    assert (status, body["result"]) == (201, "posted")


@pytest.mark.parametrize(
    "charset", ["undefined", "rot13", "base64", "hex", "zlib", "unicode_escape", "nonsense"]
)
def test_charsets_that_are_not_text_encodings_are_415(ingest, channel, charset):
    event = load_event("ingest_basic_message", *channel)
    event["headers"]["content-type"] = f"application/json; charset={charset}"

    status, _, body = invoke(ingest, event)

    assert (status, body["error"]["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize(
    "charset", ["utf-8", "UTF8", "latin-1", "ISO-8859-15", "utf-16", "windows-1252", "ascii"]
)
def test_text_charsets_are_decoded(ingest, channel, charset):
    codec = "utf-16" if charset == "utf-16" else charset
    event = load_event("ingest_basic_message", *channel)
    event["headers"]["content-type"] = f"application/json; charset={charset}"
    event["body"] = base64.b64encode('{"text": "caf\u00e9"}'.encode(codec, "replace")).decode()
    event["isBase64Encoded"] = True

    status, _, body = invoke(ingest, event)

    assert (status, body["result"]) == (201, "posted")


def test_huge_integers_are_read_exactly(ingest, channel):
    ignored = post(ingest, channel, body='{"text": "t", "extra": ' + "9" * 5000 + "}")
    too_long = post(ingest, channel, body='{"text": "t", "id": ' + "9" * 5000 + "}")
    negative = post(ingest, channel, body='{"text": "t", "id": -42}')

    assert (ignored[0], ignored[2]["result"]) == (201, "posted")
    assert (too_long[0], too_long[2]["error"]["details"][0]["field"]) == (422, "id")
    assert (negative[0], negative[2]["messageId"]) == (201, "-42")


def test_validation_details_are_capped(ingest, channel):
    status, _, body = post(ingest, channel, body={"text": "t", "attachments": [0] * 20_000})

    assert status == 422
    assert len(body["error"]["details"]) <= 51


def test_over_long_hook_id_is_404_without_touching_the_table(ingest, channel):
    status, _, body = post(ingest, (channel[0], "a" * 1020))

    assert (status, body["error"]["code"]) == (404, "not_found")


def test_ids_with_joiners_spaces_and_direction_marks_are_accepted(ingest, channel):
    for message_id in ("\U0001f468\u200d\U0001f469", "a\u00a0b", "\u200fabc"):
        status, _, body = post(ingest, channel, body={"id": message_id, "text": "t"})
        assert (status, body["messageId"]) == (201, message_id)


def test_url_with_a_port_out_of_range_is_refused(ingest, channel):
    document = {"text": "t", "attachments": [{"@type": "link", "url": "http://a:99999999/"}]}

    status, _, body = post(ingest, channel, body=document)

    assert (status, body["error"]["details"][0]["field"]) == (422, "attachments[0].url")


@pytest.mark.parametrize(
    ("charset", "char"), [("iso-8859-1", "\u00e9"), ("windows-1252", "\u20ac")]
)
def test_a_body_that_grows_past_the_limit_as_utf8_is_413(ingest, channel, table, charset, char):
    document = {
        "text": "x",
        "attachments": [{"@type": "link", "url": "https://e.x/", "displayName": char * 10_500}]
        * 20,
    }
    event = load_event("ingest_basic_message", *channel)
    event["headers"]["content-type"] = f"application/json; charset={charset}"
    raw = json.dumps(document, ensure_ascii=False).encode(charset)
    assert len(raw) <= 256 * 1024
    event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True

    status, _, body = invoke(ingest, event)

    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    assert table_items(table, channel[0], "ACTIVITY#") == []
