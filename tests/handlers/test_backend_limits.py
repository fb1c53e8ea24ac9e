"""Limits where a forgiving emulator and real DynamoDB can disagree: key and item sizes.
Each runs on moto and on DynamoDB Local."""

import json
from urllib.parse import quote

import pytest

from tests.conftest import FakeContext, invoke, load_event, new_channel_id
from tests.handlers.conftest import add_hook

LONGEST_ID = "\U0001f600" * 128  # 128 characters of 4 bytes each in UTF-8


@pytest.fixture
def channel(repository):
    """A channel whose id is near the longest allowed, with an active hook."""
    return add_hook(repository, new_channel_id() + "-" + "c" * 40)


def post(ingest, channel, document):
    event = load_event("ingest_basic_message", *channel)
    event["body"] = json.dumps(document, ensure_ascii=False)
    return invoke(ingest, event)


def test_longest_ids_in_bytes_make_and_extend_a_case(ingest, admin, channel):
    reply_id = "\U0001f601" * 128

    created = post(ingest, channel, {"id": LONGEST_ID, "text": "case"})
    replied = post(ingest, channel, {"id": reply_id, "references": [LONGEST_ID], "text": "r"})
    again = post(ingest, channel, {"id": reply_id, "references": [LONGEST_ID], "text": "r"})

    assert (created[0], created[2]["result"]) == (201, "case_created")
    assert (replied[0], replied[2]["result"]) == (201, "case_updated")
    assert (again[0], again[2]["result"]) == (200, "duplicate")
    event = load_event("case_get", channel[0])
    event["rawPath"] = event["requestContext"]["http"]["path"] = (
        f"/channels/{channel[0]}/cases/{quote(LONGEST_ID, safe='')}"
    )
    status, _, case = invoke(admin, event)
    assert status == 200
    assert [message["messageId"] for message in case["messages"]] == [LONGEST_ID, reply_id]


def test_largest_body_is_stored_whole(ingest, admin, channel):
    # Just under 256 KiB of JSON, most of it 4-byte characters in the text.
    text = "\U0001f600" * (40_000)
    attachments = [
        {"@type": "file", "url": "https://example.com/" + "a" * 2000, "displayName": "d" * 2000}
    ] * 20
    document = {"id": LONGEST_ID, "text": text, "attachments": attachments}
    assert len(json.dumps(document, ensure_ascii=False).encode()) <= 256 * 1024

    status, _, answer = post(ingest, channel, document)

    assert (status, answer["result"]) == (201, "case_created")
    stored = invoke(admin, load_event("activities_list", channel[0]))[2]["items"]
    assert stored[0]["text"] == text
    assert stored[0]["attachments"] == attachments


def test_twenty_references_at_the_longest_resolve(ingest, channel):
    references = [chr(0x1F600 + n) * 128 for n in range(20)]
    post(ingest, channel, {"id": references[-1], "text": "case"})

    status, _, answer = post(ingest, channel, {"references": references, "text": "reply"})

    assert (status, answer["caseId"]) == (201, references[-1])
    assert answer["unresolvedReferences"] == references[:-1]


def test_pages_walk_past_messages_with_the_longest_ids(ingest, admin, channel):
    ids = [chr(0x1F600 + n) * 128 for n in range(5)]
    post(ingest, channel, {"id": ids[0], "text": "case"})
    for message_id in ids[1:]:
        post(ingest, channel, {"id": message_id, "references": [ids[0]], "text": "reply"})

    for route in ("activities_list", "case_get"):
        seen, cursor = [], None
        while True:
            event = load_event(route, channel[0])
            if route == "case_get":
                event["rawPath"] = event["requestContext"]["http"]["path"] = (
                    f"/channels/{channel[0]}/cases/{quote(ids[0], safe='')}"
                )
            event["queryStringParameters"] = {
                "limit": "1",
                **({"cursor": cursor} if cursor else {}),
            }
            status, _, page = invoke(admin, event)
            assert status == 200, page
            seen += [item["messageId"] for item in page.get("items", page.get("messages"))]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(ids)


LAMBDA_ANSWER_LIMIT = 6_291_456


def test_pages_of_the_largest_posts_fit_in_a_lambda_answer(ingest, admin, channel):
    # Quotes cost most once encoded: \\" in the body, \\\\\\" in Lambda's envelope.
    attachments = [{"@type": "link", "url": "https://a.example/", "displayName": '"' * 6_000}] * 20
    for number in range(25):
        status, _, _ = post(
            ingest, channel, {"id": f"big-{number}", "text": "t", "attachments": attachments}
        )
        assert status == 201

    seen, cursor, pages = [], None, 0
    while True:
        event = load_event("activities_list", channel[0])
        if cursor:
            event["queryStringParameters"] = {"cursor": cursor}
        answer = admin.lambda_handler(event, FakeContext())
        assert len(json.dumps(answer)) < LAMBDA_ANSWER_LIMIT
        page = json.loads(answer["body"])
        seen += [item["messageId"] for item in page["items"]]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(f"big-{number}" for number in range(25))
    assert pages > 1
