"""Fixtures of the handler tests: both functions, on the backend's table, and a channel
with an active hook."""

import uuid
from datetime import UTC, datetime

import pytest

from channel_hooks.models import Hook
from tests.conftest import make_repository, new_channel_id

CREATED = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def ingest(table, load_function):
    return load_function("ingest")


@pytest.fixture
def admin(table, load_function):
    return load_function("manage_hooks")


@pytest.fixture
def repository(table, aws_environment):
    return make_repository(table, aws_environment)


def add_hook(repository, channel_id: str) -> tuple[str, str]:
    hook_id = str(uuid.uuid4())
    repository.put_hook(
        Hook(
            hook_id=hook_id,
            channel_id=channel_id,
            purpose="tests",
            status="active",
            created_at=CREATED,
        )
    )
    return channel_id, hook_id


@pytest.fixture
def channel(repository):
    """A fresh channel with an active hook: (channel_id, hook_id)."""
    return add_hook(repository, new_channel_id())
