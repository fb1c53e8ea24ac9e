"""DynamoDB answered instantly, inside botocore: requests are built, signed and their
answers parsed as usual, but nothing leaves the process. A `before-send` handler on the
botocore session that every client from now on comes from (boto3's and the service's)
answers each operation with a canned body for the scenario."""

import json
from collections.abc import Iterator

import botocore.session
from botocore.awsrequest import AWSResponse

HOOK_ID = "0b5b0f36-4a4c-4e0e-9a51-3d9a7f0f8c11"
CHANNEL_ID = "bench"
HOOK_ITEM = {
    "PK": {"S": f"CHANNEL#{CHANNEL_ID}"},
    "SK": {"S": f"HOOK#{HOOK_ID}"},
    "hookId": {"S": HOOK_ID},
    "channelId": {"S": CHANNEL_ID},
    "purpose": {"S": "bench"},
    "status": {"S": "active"},
    "createdAt": {"S": "2026-12-04T15:00:00.000000Z"},
}
CASE_ID = "case-1"


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._data


def _answers(scenario: str, table: str) -> dict[str, tuple[int, dict]]:
    transaction: tuple[int, dict] = (200, {})
    if scenario == "duplicate":
        existing = {"messageId": {"S": CASE_ID}, "caseId": {"S": CASE_ID}}
        reasons = [{"Code": "ConditionalCheckFailed", "Item": existing}, {"Code": "None"}]
        transaction = (
            400,
            {
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "message": "Transaction cancelled",
                "CancellationReasons": reasons,
            },
        )
    found = [{"messageId": {"S": CASE_ID}, "caseId": {"S": CASE_ID}}]
    return {
        "GetItem": (200, {"Item": HOOK_ITEM}),
        "PutItem": (200, {}),
        "TransactWriteItems": transaction,
        "BatchGetItem": (200, {"Responses": {table: found}, "UnprocessedKeys": {}}),
        "Query": (200, {"Items": [], "Count": 0, "ScannedCount": 0}),
    }


def install(scenario: str, table: str) -> None:
    """Answer every DynamoDB call of clients made from now on, as the scenario wants."""
    answers = {
        operation: (status, json.dumps(body).encode())
        for operation, (status, body) in _answers(scenario, table).items()
    }
    headers = {"Content-Type": "application/x-amz-json-1.0"}

    def answer(request: object, **_: object) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        status, body = answers[operation]
        return AWSResponse(request.url, status, headers, _Body(body))

    session = _ORIGINAL_GET_SESSION()
    session.register("before-send.dynamodb", answer)
    botocore.session.get_session = lambda env_vars=None: session


_ORIGINAL_GET_SESSION = botocore.session.get_session


def restore() -> None:
    """Clients made from now on talk to a real endpoint again."""
    botocore.session.get_session = _ORIGINAL_GET_SESSION
