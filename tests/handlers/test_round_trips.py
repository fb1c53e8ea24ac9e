"""The per-post path stays lean: DynamoDB round trips per kind of post."""

import json

import pytest

from channel_hooks.runtime import channel_repository
from tests.conftest import invoke, load_event
from tests.faults import restore_new_clients, route_new_clients_through


@pytest.fixture
def round_trips():
    """Counts every request the handlers' DynamoDB client sends."""
    sent: list[str] = []
    count = (
        "before-send.dynamodb",
        lambda request, **_: sent.append(request.headers["X-Amz-Target"]),
    )
    route_new_clients_through(count)
    channel_repository.cache_clear()
    yield sent
    restore_new_clients()
    channel_repository.cache_clear()


def post(ingest, channel, document):
    event = load_event("ingest_basic_message", *channel)
    event["body"] = json.dumps(document)
    return invoke(ingest, event)


@pytest.mark.parametrize(
    ("document", "result", "expected"),
    [
        ({"text": "plain"}, "posted", 2),
        ({"id": "new", "text": "case"}, "case_created", 2),
        ({"id": "case-1", "text": "again"}, "duplicate", 2),
        ({"id": "reply", "references": ["case-1"], "text": "reply"}, "case_updated", 3),
        ({"references": ["missing"], "text": "unresolved"}, "posted", 3),
    ],
)
def test_round_trips_per_post(ingest, channel, round_trips, document, result, expected):
    post(ingest, channel, {"id": "case-1", "text": "first"})
    round_trips.clear()

    status, _, answer = post(ingest, channel, document)

    assert answer["result"] == result and status in (200, 201)
    assert len(round_trips) == expected, round_trips
