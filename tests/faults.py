"""DynamoDB failures injected at the HTTP layer of botocore.

A ``before-send`` handler answers chosen calls with an error response instead of
sending them, so botocore's own retries and our error handling run as they would
against a failing DynamoDB; every other call reaches the real backend.
"""

import json
from collections.abc import Iterator

import botocore.session
from botocore.awsrequest import AWSResponse

_ORIGINAL_GET_SESSION = botocore.session.get_session


def route_new_clients_through(*handlers: tuple[str, object]) -> None:
    """Clients made from now on (the handlers' among them) come from a botocore session
    with these event handlers registered."""
    session = _ORIGINAL_GET_SESSION()
    for event, handler in handlers:
        session.register(event, handler)
    botocore.session.get_session = lambda env_vars=None: session


def restore_new_clients() -> None:
    botocore.session.get_session = _ORIGINAL_GET_SESSION


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._data


def error_body(code: str, message: str = "injected fault", **extra: object) -> dict:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message, **extra}


def cancellation(*codes: str) -> dict:
    reasons = [{"Code": code} | ({"Message": code} if code != "None" else {}) for code in codes]
    return error_body(
        "TransactionCanceledException", "Transaction cancelled", CancellationReasons=reasons
    )


class DynamoDBFaults:
    """Answer the first ``times`` calls of ``operation`` with ``status`` and ``body``."""

    def __init__(self, operation: str, status: int, body: dict, times: int) -> None:
        self.operation = operation
        self.status = status
        self.body = json.dumps(body).encode()
        self.remaining = times
        self.injected = 0
        self.calls = 0

    def install(self) -> None:
        """Answer the calls of clients made from now on, the handlers' among them."""
        route_new_clients_through((f"before-send.dynamodb.{self.operation}", self._answer))

    @staticmethod
    def uninstall() -> None:
        restore_new_clients()

    def _answer(self, request: object, **_: object) -> AWSResponse | None:
        self.calls += 1
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        self.injected += 1
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, self.status, headers, _Body(self.body))
