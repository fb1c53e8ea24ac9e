"""What a warm Lambda keeps between requests: settings, the DynamoDB client, the repository."""

import time
from functools import lru_cache
from typing import Any

import botocore.session

from channel_hooks.cursors import CursorCodec
from channel_hooks.repository import (
    ChannelRepository,
    dynamodb_client_config,
    worst_call_seconds,
)
from channel_hooks.settings import get_settings


@lru_cache(maxsize=1)
def channel_repository() -> ChannelRepository:
    settings = get_settings()
    # A botocore client, not boto3's: importing boto3 adds about 60 ms to a cold start.
    # botocore honours AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local, moto) by itself.
    session = botocore.session.get_session()
    attempts, read_timeout = settings.dynamodb_max_attempts, settings.dynamodb_read_timeout_seconds
    client = session.create_client(
        "dynamodb", config=dynamodb_client_config(attempts, read_timeout)
    )
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode("utf-8"))
    return ChannelRepository(
        client,
        settings.table_name,
        cursors,
        settings.transaction_attempts,
        worst_call_seconds(attempts, read_timeout),
    )


def start_request(context: Any) -> None:
    """Bound this request's DynamoDB calls by the time Lambda has left for it."""
    remaining = context.get_remaining_time_in_millis() / 1000
    channel_repository().finish_by(time.monotonic() + remaining)
