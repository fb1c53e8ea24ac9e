"""What a warm Lambda keeps between requests: settings, the DynamoDB client, the repository."""

from functools import lru_cache

import boto3

from channel_hooks.cursors import CursorCodec
from channel_hooks.repository import ChannelRepository, dynamodb_client_config
from channel_hooks.settings import get_settings


@lru_cache(maxsize=1)
def channel_repository() -> ChannelRepository:
    settings = get_settings()
    # boto3 itself honours AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local, moto).
    client = boto3.client(
        "dynamodb", config=dynamodb_client_config(settings.dynamodb_max_attempts)
    )
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode("utf-8"))
    return ChannelRepository(client, settings.table_name, cursors, settings.transaction_attempts)
