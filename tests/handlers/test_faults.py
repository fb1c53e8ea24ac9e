"""DynamoDB throttling, internal errors and cancellations: a post is written whole or
not at all, and the caller is told 503 with Retry-After once retries are spent."""

import json

import pytest

from channel_hooks.runtime import channel_repository
from tests.conftest import FakeContext, invoke, load_event
from tests.faults import DynamoDBFaults, cancellation, error_body

THROTTLED = error_body("ProvisionedThroughputExceededException")
INTERNAL = error_body("InternalServerError")


@pytest.fixture
def inject():
    """Install a fault for the next handler call; the handler's client is made afresh."""
    installed: list[DynamoDBFaults] = []

    def install(operation: str, status: int, body: dict, times: int = 1_000) -> DynamoDBFaults:
        faults = DynamoDBFaults(operation, status, body, times)
        faults.install()
        channel_repository.cache_clear()
        installed.append(faults)
        return faults

    yield install
    DynamoDBFaults.uninstall()
    channel_repository.cache_clear()


def post(ingest, channel, document):
    event = load_event("ingest_basic_message", *channel)
    event["body"] = json.dumps(document)
    return invoke(ingest, event)


def channel_items(table, channel_id):
    """Everything stored for the channel besides its hook."""
    name = table.list_tables()["TableNames"]
    items = []
    for table_name in name:
        response = table.scan(TableName=table_name, ConsistentRead=True)
        items += [
            item
            for item in response["Items"]
            if item["PK"]["S"] == f"CHANNEL#{channel_id}"
            and not item["SK"]["S"].startswith("HOOK#")
        ]
    return items


@pytest.mark.parametrize(
    ("operation", "document"),
    [
        ("PutItem", {"text": "plain"}),
        ("TransactWriteItems", {"id": "new-case", "text": "case"}),
    ],
)
@pytest.mark.parametrize(("status", "body"), [(400, THROTTLED), (500, INTERNAL)])
def test_persistent_failure_is_503_and_writes_nothing(
    ingest, channel, table, inject, operation, document, status, body
):
    faults = inject(operation, status, body)

    answer, headers, error = post(ingest, channel, document)

    assert answer == 503
    assert headers["Retry-After"] == "1"
    assert error["error"]["code"] == "unavailable"
    assert faults.injected == 3  # botocore's attempts, as configured
    assert channel_items(table, channel[0]) == []


def test_transient_throttling_is_retried_and_the_post_lands_whole(ingest, channel, table, inject):
    faults = inject("TransactWriteItems", 400, THROTTLED, times=2)

    answer, _, body = post(ingest, channel, {"id": "retried", "text": "case"})

    assert (answer, body["result"]) == (201, "case_created")
    assert faults.injected == 2
    kinds = sorted(item["kind"]["S"] for item in channel_items(table, channel[0]))
    assert kinds == ["case", "id", "message"]


def test_failed_reference_read_is_503_and_writes_nothing(ingest, channel, table, inject):
    post(ingest, channel, {"id": "case-1", "text": "case"})
    inject("BatchGetItem", 500, INTERNAL)

    answer, _, _ = post(ingest, channel, {"references": ["case-1"], "text": "reply"})

    assert answer == 503
    messages = [
        item for item in channel_items(table, channel[0]) if item["kind"]["S"] == "message"
    ]
    assert len(messages) == 1
    case = next(item for item in channel_items(table, channel[0]) if item["kind"]["S"] == "case")
    assert case["messageCount"]["N"] == "1"


@pytest.mark.parametrize("reason", ["TransactionConflict", "ThrottlingError"])
def test_transaction_conflicts_are_retried(ingest, channel, table, inject, reason):
    post(ingest, channel, {"id": "case-1", "text": "case"})
    faults = inject("TransactWriteItems", 400, cancellation("None", reason), times=2)

    answer, _, body = post(ingest, channel, {"references": ["case-1"], "text": "reply"})

    assert (answer, body["result"]) == (201, "case_updated")
    assert faults.injected == 2
    case = next(item for item in channel_items(table, channel[0]) if item["kind"]["S"] == "case")
    assert case["messageCount"]["N"] == "2"


def test_endless_conflicts_are_503_and_write_nothing(ingest, channel, table, inject):
    post(ingest, channel, {"id": "case-1", "text": "case"})
    faults = inject("TransactWriteItems", 400, cancellation("None", "TransactionConflict"))

    answer, headers, _ = post(ingest, channel, {"references": ["case-1"], "text": "reply"})

    assert answer == 503 and headers["Retry-After"] == "1"
    assert faults.injected == 5  # the service's own transaction attempts
    case = next(item for item in channel_items(table, channel[0]) if item["kind"]["S"] == "case")
    assert case["messageCount"]["N"] == "1"
    assert len(channel_items(table, channel[0])) == 3  # case-1's claim, message and header


def test_cancellation_for_a_validation_reason_is_503_not_a_duplicate(
    ingest, channel, table, inject
):
    inject("TransactWriteItems", 400, cancellation("ValidationError", "None"))

    answer, _, body = post(ingest, channel, {"id": "x", "text": "case"})

    assert answer == 503 and body["error"]["code"] == "unavailable"
    assert channel_items(table, channel[0]) == []


def test_no_call_starts_that_could_outlast_the_lambda(ingest, channel, table, inject):
    # Counts the calls that reach DynamoDB, failing none.
    watch = inject("GetItem", 500, INTERNAL, times=0)
    almost_out_of_time = FakeContext()
    almost_out_of_time.remaining_ms = 5_000  # less than one call's worst case

    status, headers, body = invoke(
        ingest, load_event("ingest_basic_message", *channel), almost_out_of_time
    )

    assert (status, headers["Retry-After"], body["error"]["code"]) == (503, "1", "unavailable")
    assert watch.calls == 0
    assert channel_items(table, channel[0]) == []


@pytest.mark.parametrize(
    ("operation", "document", "body"),
    [
        ("PutItem", {"text": "plain"}, error_body("ItemCollectionSizeLimitExceededException")),
        (
            "TransactWriteItems",
            {"id": "new-case", "text": "case"},
            cancellation("None", "ItemCollectionSizeLimitExceeded", "None"),
        ),
    ],
)
def test_a_full_channel_is_507_without_retry_after(
    ingest, channel, table, inject, operation, document, body
):
    inject(operation, 400, body)

    status, headers, answer = post(ingest, channel, document)

    assert (status, answer["error"]["code"]) == (507, "channel_full")
    assert "Retry-After" not in headers
    assert channel_items(table, channel[0]) == []


class AnswerLostOnce:
    """A client whose first transaction commits but whose answer is lost, so that the
    write is sent again: what botocore does after a timeout."""

    def __init__(self, client) -> None:
        self._client = client
        self.sent = 0

    def transact_write_items(self, **request):
        self.sent += 1
        if self.sent == 1:
            self._client.transact_write_items(**request)
            self.sent += 1
        return self._client.transact_write_items(**request)

    def __getattr__(self, name):
        return getattr(self._client, name)


@pytest.mark.parametrize("document", [{"id": "lost", "text": "case"}])
def test_a_write_sent_again_after_a_lost_answer_is_not_a_duplicate(
    table, aws_environment, document
):
    from datetime import UTC, datetime

    from channel_hooks.models import IncomingPost
    from channel_hooks.posting import PostResult, post_message
    from tests.conftest import make_repository

    client = AnswerLostOnce(table)
    repository = make_repository(client, aws_environment)

    outcome = post_message(
        repository, "lost-answers", IncomingPost.model_validate(document), datetime.now(UTC)
    )

    assert client.sent == 2
    assert outcome.result is PostResult.CASE_CREATED
    assert repository.get_case("lost-answers", "lost").message_count == 1
