"""The only module that talks to DynamoDB.

One table holds every channel's items under the partition ``CHANNEL#<id>``:

- ``ACTIVITY#<receivedAt>#<messageId>``: a message; the sort key itself orders the
  channel's activity, so a plain post is one item and one write.
- ``ID#<id>``: the claim of an id in the channel, written in the same transaction as
  its message: a sender's id (so a repeat is a duplicate) or the id of any message in a
  case (so later posts can reference it). It names the case that holds the message.
- ``CASE#<caseId>``: a case header; ``HOOK#<hookId>``: a hook.
- ``TimeKey`` (local index ``by-time``) orders hooks and cases by time; ``ThreadKey``
  (local index ``by-thread``) orders a case's messages.

Local indexes are used because they, unlike global ones, allow consistent reads:
every acknowledged write is seen by the next read.
"""

import json
import random
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from channel_hooks.cursors import CursorCodec
from channel_hooks.errors import ChannelFull, MessageIdTaken, StoreUnavailable
from channel_hooks.models import Case, Hook, Message, Page, format_utc
from channel_hooks.observability import logger

BY_TIME = "by-time"
BY_THREAD = "by-thread"
BATCH_GET_ATTEMPTS = 5
# What one page may weigh once Lambda has encoded the answer: the body is JSON inside
# Lambda's JSON envelope, and Lambda refuses answers over 6 MB. Posts can be 256 KiB.
MAX_PAGE_BYTES = 5_000_000


# A transaction cancelled only for these reasons wrote nothing and may be tried again.
_RETRYABLE_CANCELLATIONS = {
    "None",
    "TransactionConflict",
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
    "RequestLimitExceeded",
}


CONNECT_TIMEOUT_SECONDS = 1


def dynamodb_client_config(max_attempts: int, read_timeout: float = 1.0) -> Config:
    return Config(
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout,
        # Every request is built here, from validated models; botocore checking it again
        # costs about a tenth of each call (docs/benchmarks.md).
        parameter_validation=False,
    )


def worst_call_seconds(max_attempts: int, read_timeout: float = 1.0) -> float:
    """The longest one DynamoDB call can take: every attempt timing out, and botocore's
    standard backoff (up to 2**n seconds before retry n+1) between them."""
    waiting = sum(min(2**attempt, 20) for attempt in range(max_attempts - 1))
    return max_attempts * (CONNECT_TIMEOUT_SECONDS + read_timeout) + waiting


def _channel_pk(channel_id: str) -> str:
    return f"CHANNEL#{channel_id}"


def _thread_prefix(case_id: str) -> str:
    # The length keeps one case's prefix from being the start of another's ("a" vs "a#b").
    return f"THREAD#{len(case_id):03d}#{case_id}#"


def _to_item(attributes: dict[str, Any]) -> dict[str, Any]:
    return {name: _to_attribute(value) for name, value in attributes.items()}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _from_attribute(value) for name, value in item.items()}


# The service stores only text, whole numbers, lists and maps of them. Converting them
# here, not with boto3's TypeSerializer, keeps boto3 out of the import: about 60 ms of
# every cold start (docs/benchmarks.md).
def _to_attribute(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, list):
        return {"L": [_to_attribute(item) for item in value]}
    if isinstance(value, dict):
        return {"M": {name: _to_attribute(item) for name, item in value.items()}}
    raise TypeError(f"cannot store a {type(value).__name__}")


def _from_attribute(attribute: dict[str, Any]) -> Any:
    [(kind, value)] = attribute.items()
    if kind == "S" or kind == "BOOL":
        return value
    if kind == "N":
        return int(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [_from_attribute(item) for item in value]
    if kind == "M":
        return {name: _from_attribute(item) for name, item in value.items()}
    raise ValueError(f"unexpected attribute type {kind}")


def _message_attributes(message: Message) -> dict[str, Any]:
    attributes = message.model_dump(mode="json", exclude_none=True)
    received = format_utc(message.received_at)
    attributes.update(
        PK=_channel_pk(message.channel_id),
        SK=f"ACTIVITY#{received}#{message.message_id}",
        kind="message",
    )
    if message.case_id is not None:
        # No message id here: two 128-character ids of 4-byte characters would take the
        # key past DynamoDB's 1,024 bytes. Cursors carry the table key as well, so
        # messages received in the same microsecond still page exactly once.
        attributes["ThreadKey"] = f"{_thread_prefix(message.case_id)}{received}"
    return attributes


def _claim_attributes(message: Message, write_token: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "PK": _channel_pk(message.channel_id),
        "SK": f"ID#{message.message_id}",
        "kind": "id",
        "messageId": message.message_id,
        "writeToken": write_token,
    }
    if message.case_id is not None:
        attributes["caseId"] = message.case_id
    return attributes


def _message_from(attributes: dict[str, Any]) -> Message:
    return Message.model_validate(
        {
            "messageId": attributes["messageId"],
            "channelId": attributes["channelId"],
            "caseId": attributes.get("caseId"),
            "text": attributes.get("text"),
            "attachments": attributes.get("attachments", []),
            "references": attributes.get("references", []),
            "receivedAt": attributes["receivedAt"],
        }
    )


def _case_from(attributes: dict[str, Any]) -> Case:
    return Case.model_validate(
        {
            "caseId": attributes["caseId"],
            "channelId": attributes["channelId"],
            "createdAt": attributes["createdAt"],
            "updatedAt": attributes["updatedAt"],
            "messageCount": int(attributes["messageCount"]),
        }
    )


def _hook_from(attributes: dict[str, Any]) -> Hook:
    return Hook.model_validate(
        {
            "hookId": attributes["hookId"],
            "channelId": attributes["channelId"],
            "purpose": attributes["purpose"],
            "status": attributes["status"],
            "createdAt": attributes["createdAt"],
            "revokedAt": attributes.get("revokedAt"),
        }
    )


class _ListScope:
    """Where one list lives in the table: the table itself or a local index, a key
    prefix, and the name its cursors carry."""

    _SORT_KEYS = {None: "SK", BY_TIME: "TimeKey", BY_THREAD: "ThreadKey"}

    def __init__(self, name: str, channel_id: str, index: str | None, sort_prefix: str) -> None:
        self.name = f"{name}@{channel_id}"
        self.pk = _channel_pk(channel_id)
        self.index = index
        self.sort_key = self._SORT_KEYS[index]
        self.sort_prefix = sort_prefix

    def position(self, item: dict[str, Any]) -> dict[str, str]:
        """Where a page ended, at this item; the partition is the scope's own, so it is
        left out."""
        return {name: item[name] for name in {"SK", self.sort_key}}

    def start_key(self, position: dict[str, str]) -> dict[str, Any]:
        return _to_item({"PK": self.pk, **position})


class ChannelRepository:
    """Hooks, messages and cases of every channel, in one DynamoDB table."""

    def __init__(
        self,
        client: Any,
        table_name: str,
        cursors: CursorCodec,
        transaction_attempts: int = 5,
        worst_call: float = 0.0,
    ) -> None:
        self._client = client
        self._table = table_name
        self._cursors = cursors
        self._transaction_attempts = transaction_attempts
        self._worst_call = worst_call
        self._deadline: float | None = None

    def finish_by(self, deadline: float | None) -> None:
        """No DynamoDB call starts that could outlast this time.monotonic() deadline: the
        request answers 503 in time instead of being cut off by the Lambda timeout."""
        self._deadline = deadline

    # ----- hooks -----

    def put_hook(self, hook: Hook) -> None:
        attributes = hook.model_dump(mode="json", exclude_none=True)
        attributes.update(
            PK=_channel_pk(hook.channel_id),
            SK=f"HOOK#{hook.hook_id}",
            TimeKey=f"HOOK#{format_utc(hook.created_at)}#{hook.hook_id}",
            kind="hook",
        )
        self._call(
            "put_item",
            TableName=self._table,
            Item=_to_item(attributes),
            ConditionExpression="attribute_not_exists(#pk)",
            ExpressionAttributeNames={"#pk": "PK"},
        )

    def get_hook(self, channel_id: str, hook_id: str) -> Hook | None:
        item = self._get(channel_id, f"HOOK#{hook_id}")
        return _hook_from(item) if item else None

    def revoke_hook(self, channel_id: str, hook_id: str, revoked_at: datetime) -> Hook | None:
        """Mark a hook revoked; a second revoke keeps the first time. None if no such hook."""
        hook_exists = "attribute_exists(#pk)"
        mark_revoked = "SET #status = :revoked, #revokedAt = if_not_exists(#revokedAt, :now)"
        try:
            response = self._call(
                "update_item",
                TableName=self._table,
                Key=_to_item({"PK": _channel_pk(channel_id), "SK": f"HOOK#{hook_id}"}),
                UpdateExpression=mark_revoked,
                ConditionExpression=hook_exists,
                ExpressionAttributeNames={
                    "#pk": "PK",
                    "#status": "status",
                    "#revokedAt": "revokedAt",
                },
                ExpressionAttributeValues=_to_item(
                    {":revoked": "revoked", ":now": format_utc(revoked_at)}
                ),
                ReturnValues="ALL_NEW",
            )
        except _ConditionFailed:
            return None
        return _hook_from(_from_item(response["Attributes"]))

    def list_hooks(self, channel_id: str, limit: int, cursor: str | None) -> Page[Hook]:
        scope = _ListScope("hooks", channel_id, BY_TIME, "HOOK#")
        items = self._query_page(scope, limit, cursor, newest_first=True)
        return Page([_hook_from(item) for item in items.items], items.next_cursor)

    # ----- messages and cases -----

    def find_message_cases(self, channel_id: str, message_ids: list[str]) -> dict[str, str | None]:
        """The case of each given message id that exists in the channel (None: no case)."""
        if not message_ids:
            return {}
        keys = [
            {"PK": _channel_pk(channel_id), "SK": f"ID#{message_id}"} for message_id in message_ids
        ]
        found = self._batch_get(keys, projection=("messageId", "caseId"))
        return {attributes["messageId"]: attributes.get("caseId") for attributes in found}

    def add_activity(self, message: Message) -> None:
        """Write a plain activity whose id the service generated: one item, no claim
        (a plain activity is in no case, so a reference to it resolves to nothing)."""
        id_is_new = "attribute_not_exists(#pk)"
        try:
            self._call(
                "put_item",
                TableName=self._table,
                Item=_to_item(_message_attributes(message)),
                ConditionExpression=id_is_new,
                ExpressionAttributeNames={"#pk": "PK"},
            )
        except _ConditionFailed:
            # A generated id cannot collide: the item is this post's own, written by
            # an attempt whose answer was lost before botocore retried it.
            logger.info("activity write already applied", channel_id=message.channel_id)

    def create_case(self, message: Message, case: Case) -> None:
        """Write a case and its first message together, or neither."""
        case_is_new = "attribute_not_exists(#pk)"
        case_attributes = case.model_dump(mode="json")
        case_attributes.update(
            PK=_channel_pk(case.channel_id),
            SK=f"CASE#{case.case_id}",
            TimeKey=f"CASE#{format_utc(case.created_at)}#{case.case_id}",
            kind="case",
        )
        self._transact_message(
            message,
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _to_item(case_attributes),
                    "ConditionExpression": case_is_new,
                    "ExpressionAttributeNames": {"#pk": "PK"},
                }
            },
        )

    def append_to_case(self, message: Message) -> None:
        """Write a message into its case's thread and count it, or do neither."""
        case_exists = "attribute_exists(#pk)"
        self._transact_message(
            message,
            {
                "Update": {
                    "TableName": self._table,
                    "Key": _to_item(
                        {"PK": _channel_pk(message.channel_id), "SK": f"CASE#{message.case_id}"}
                    ),
                    "UpdateExpression": "SET #updatedAt = :now ADD #messageCount :one",
                    "ConditionExpression": case_exists,
                    "ExpressionAttributeNames": {
                        "#pk": "PK",
                        "#updatedAt": "updatedAt",
                        "#messageCount": "messageCount",
                    },
                    "ExpressionAttributeValues": _to_item(
                        {":now": format_utc(message.received_at), ":one": 1}
                    ),
                }
            },
        )

    def get_case(self, channel_id: str, case_id: str) -> Case | None:
        item = self._get(channel_id, f"CASE#{case_id}")
        return _case_from(item) if item else None

    def list_cases(self, channel_id: str, limit: int, cursor: str | None) -> Page[Case]:
        scope = _ListScope("cases", channel_id, BY_TIME, "CASE#")
        items = self._query_page(scope, limit, cursor, newest_first=True)
        return Page([_case_from(item) for item in items.items], items.next_cursor)

    def list_activities(self, channel_id: str, limit: int, cursor: str | None) -> Page[Message]:
        scope = _ListScope("activities", channel_id, None, "ACTIVITY#")
        items = self._query_page(scope, limit, cursor, newest_first=True)
        return Page([_message_from(item) for item in items.items], items.next_cursor)

    def list_thread(
        self, channel_id: str, case_id: str, limit: int, cursor: str | None
    ) -> Page[Message]:
        scope = _ListScope(f"thread:{case_id}", channel_id, BY_THREAD, _thread_prefix(case_id))
        items = self._query_page(scope, limit, cursor, newest_first=False)
        return Page([_message_from(item) for item in items.items], items.next_cursor)

    # ----- DynamoDB calls -----

    def _get(self, channel_id: str, sort_key: str) -> dict[str, Any] | None:
        response = self._call(
            "get_item",
            TableName=self._table,
            Key=_to_item({"PK": _channel_pk(channel_id), "SK": sort_key}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return _from_item(item) if item else None

    def _transact_message(self, message: Message, companion: dict[str, Any]) -> None:
        """Claim a message's id in its channel, put the message, and one more write; all
        or nothing.

        A cancellation for the claim's condition means the id is taken: the existing
        claim tells which case holds it. Conflicts with concurrent transactions wrote
        nothing and are tried again.
        """
        id_is_new = "attribute_not_exists(#pk)"
        # Tells this post's own claim from another's: when an attempt commits but its
        # answer is lost, the retry finds the claim already there, and it is ours.
        write_token = str(uuid.uuid4())
        claim_id = {
            "Put": {
                "TableName": self._table,
                "Item": _to_item(_claim_attributes(message, write_token)),
                "ConditionExpression": id_is_new,
                "ExpressionAttributeNames": {"#pk": "PK"},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        put_message = {
            "Put": {"TableName": self._table, "Item": _to_item(_message_attributes(message))}
        }

        for attempt in range(self._transaction_attempts):
            try:
                writes = [claim_id, put_message, companion]
                self._call("transact_write_items", TransactItems=writes)
                return
            except _TransactionCancelled as cancelled:
                taken = cancelled.reasons[0] if cancelled.reasons else {}
                if taken.get("Code") == "ConditionalCheckFailed":
                    existing = _from_item(taken.get("Item") or {})
                    if existing.get("writeToken") == write_token:
                        logger.info("transaction already applied", channel_id=message.channel_id)
                        return
                    raise MessageIdTaken(message.message_id, existing.get("caseId")) from None
                if "ItemCollectionSizeLimitExceeded" in cancelled.codes:
                    logger.error("channel is full", operation="transact_write_items")
                    raise ChannelFull() from None
                if not cancelled.retryable:
                    logger.error("transaction refused", codes=cancelled.codes)
                    raise StoreUnavailable() from None
            if attempt + 1 < self._transaction_attempts:
                time.sleep(random.uniform(0.01, 0.05) * (2**attempt))

        logger.error("transaction kept conflicting", attempts=self._transaction_attempts)
        raise StoreUnavailable()

    def _query_page(
        self, scope: _ListScope, limit: int, cursor: str | None, newest_first: bool
    ) -> Page[dict[str, Any]]:
        """One page of a list: whole items from the table, or keys from an index that are
        then read whole from the table."""
        start = None
        if cursor is not None:
            start = scope.start_key(self._cursors.decode(scope.name, cursor))
        keys: list[dict[str, Any]] = []

        # Ask for one more than the page so that the last page has no cursor.
        while len(keys) <= limit:
            request: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk AND begins_with(#sort, :prefix)",
                "ExpressionAttributeNames": {"#pk": "PK", "#sort": scope.sort_key},
                "ExpressionAttributeValues": _to_item(
                    {":pk": scope.pk, ":prefix": scope.sort_prefix}
                ),
                "ScanIndexForward": not newest_first,
                "ConsistentRead": True,
                "Limit": limit + 1 - len(keys),
            }
            if scope.index:
                request["IndexName"] = scope.index
            if start:
                request["ExclusiveStartKey"] = start
            response = self._call("query", **request)
            keys.extend(response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                break

        page_keys = keys[:limit]
        next_cursor = None
        if len(keys) > limit:
            last = _from_item(page_keys[-1])
            next_cursor = self._cursors.encode(scope.name, scope.position(last))
        if scope.index:
            wanted = [_from_item({"PK": key["PK"], "SK": key["SK"]}) for key in page_keys]
            found = {(item["PK"], item["SK"]): item for item in self._batch_get(wanted)}
            items = [
                found[(key["PK"], key["SK"])] for key in wanted if (key["PK"], key["SK"]) in found
            ]
        else:
            items = [_from_item(item) for item in page_keys]
        return self._within_answer_size(scope, items, next_cursor)

    def _within_answer_size(
        self, scope: _ListScope, items: list[dict[str, Any]], next_cursor: str | None
    ) -> Page[dict[str, Any]]:
        """Cut a page of large items where its answer would pass MAX_PAGE_BYTES; the
        cursor then starts after the last item kept. A page always keeps one item."""
        weight = 0
        for kept, item in enumerate(items):
            # Encoded twice, as Lambda's envelope carries the JSON body as a string.
            weight += len(json.dumps(json.dumps(item)))
            if weight > MAX_PAGE_BYTES and kept > 0:
                position = scope.position(items[kept - 1])
                return Page(items[:kept], self._cursors.encode(scope.name, position))
        return Page(items, next_cursor)

    def _batch_get(
        self, keys: list[dict[str, str]], projection: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Read up to 100 items by key with consistent reads, retrying unprocessed keys."""
        if not keys:
            return []
        request: dict[str, Any] = {"Keys": [_to_item(key) for key in keys], "ConsistentRead": True}
        if projection is not None:
            names = {f"#a{index}": name for index, name in enumerate(projection)}
            request["ProjectionExpression"] = ", ".join(names)
            request["ExpressionAttributeNames"] = names
        pending = {self._table: request}
        found: list[dict[str, Any]] = []

        for attempt in range(BATCH_GET_ATTEMPTS):
            response = self._call("batch_get_item", RequestItems=pending)
            found.extend(_from_item(item) for item in response["Responses"].get(self._table, []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                return found
            if attempt + 1 < BATCH_GET_ATTEMPTS:
                time.sleep(random.uniform(0.01, 0.05) * (2**attempt))

        logger.error("batch read left keys unprocessed", attempts=BATCH_GET_ATTEMPTS)
        raise StoreUnavailable()

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        """Call DynamoDB; turn its failures into domain errors."""
        if self._deadline is not None and time.monotonic() + self._worst_call > self._deadline:
            logger.error("no time left for a dynamodb call", operation=operation)
            raise StoreUnavailable()
        try:
            return getattr(self._client, operation)(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise _ConditionFailed() from error
            if code == "ItemCollectionSizeLimitExceededException":
                logger.error("channel is full", operation=operation)
                raise ChannelFull() from error
            if code == "TransactionCanceledException":
                raise _TransactionCancelled(
                    error.response.get("CancellationReasons", [])
                ) from error
            logger.error("dynamodb call failed", operation=operation, error_code=code)
            raise StoreUnavailable() from error
        except BotoCoreError as error:
            logger.error(
                "dynamodb unreachable", operation=operation, error_type=type(error).__name__
            )
            raise StoreUnavailable() from error


class _ConditionFailed(Exception):
    """A single-item write's condition did not hold."""


class _TransactionCancelled(Exception):
    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        super().__init__("transaction cancelled")
        self.reasons = reasons
        self.codes = [reason.get("Code", "None") for reason in reasons]
        self.retryable = all(code in _RETRYABLE_CANCELLATIONS for code in self.codes)
