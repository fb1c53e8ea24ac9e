"""Shared fixtures: the moto table from template.yaml, handlers loaded by path,
events from events/, and a local run of the whole API."""

import copy
import importlib.util
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from channel_hooks.cursors import CursorCodec
from channel_hooks.repository import ChannelRepository
from channel_hooks.runtime import channel_repository
from channel_hooks.settings import get_settings
from local import serve
from local.dynamodb_local import missing_tools, running
from local.moto_dynamodb import SerializedMotoServer
from local.template import load_template, table_definition

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
SEED_CHANNEL = "f923d83a-3350-42d0-b9cb-620032730294"
SEED_HOOK = "8459b574-62ea-4ea7-bbae-a132fbfee5df"
TEST_CURSOR_SECRET = "cursor-secret-for-tests-only-0123456789"


def make_repository(client: Any, table_name: str) -> ChannelRepository:
    """A repository on a test table, signing cursors with the tests' key."""
    return ChannelRepository(client, table_name, CursorCodec(TEST_CURSOR_SECRET.encode()))


def new_channel_id() -> str:
    return f"ch-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> str:
    table_name = f"channel-hooks-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("TABLE_NAME", table_name)
    monkeypatch.setenv("CURSOR_SECRET", TEST_CURSOR_SECRET)
    get_settings.cache_clear()
    channel_repository.cache_clear()
    yield table_name
    get_settings.cache_clear()
    channel_repository.cache_clear()


BACKENDS = ["moto", "dynamodb-local"]


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """DynamoDB Local's endpoint; the tier is skipped where Java or npm is missing."""
    reason = missing_tools()
    if reason:
        pytest.skip(f"DynamoDB Local tier: {reason}")
    with running() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server on a free loopback port, as the local run uses it; yields its endpoint."""
    server = SerializedMotoServer()
    yield server.start()
    server.stop()


@pytest.fixture(params=BACKENDS)
def table(
    request: pytest.FixtureRequest, aws_environment: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A table made from template.yaml's definition, on moto's server or on DynamoDB
    Local; the handlers reach it through AWS_ENDPOINT_URL_DYNAMODB. Yields a client."""
    endpoint = request.getfixturevalue(
        "moto_server" if request.param == "moto" else "dynamodb_local"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    client = boto3.client("dynamodb")
    client.create_table(**table_definition(load_template(), aws_environment))
    try:
        yield client
    finally:
        client.delete_table(TableName=aws_environment)


@pytest.fixture
def load_function() -> Iterator[Callable[[str], Any]]:
    """Load functions/<name>/app.py by path under a unique name; unload it after."""
    loaded: list[str] = []

    def load(name: str) -> Any:
        module_name = f"function_{name}_app"
        spec = importlib.util.spec_from_file_location(
            module_name, ROOT / "functions" / name / "app.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        loaded.append(module_name)
        return module

    yield load
    for module_name in loaded:
        sys.modules.pop(module_name, None)


def load_event(name: str, channel_id: str | None = None, hook_id: str | None = None) -> dict:
    """An event from events/, with the seed's channel and hook ids swapped if asked."""
    text = (EVENTS / f"{name}.json").read_text(encoding="utf-8")
    if channel_id:
        text = text.replace(SEED_CHANNEL, channel_id)
    if hook_id:
        text = text.replace(SEED_HOOK, hook_id)
    return copy.deepcopy(json.loads(text))


class FakeContext:
    remaining_ms = 29_000  # the template's Timeout
    function_name = "test"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    memory_limit_in_mb = 512
    aws_request_id = "test-request"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def invoke(module: Any, event: dict, context: Any = None) -> tuple[int, dict, Any]:
    """Call a handler; return status, headers and the decoded JSON body (or None)."""
    response = module.lambda_handler(event, context or FakeContext())
    body = response.get("body")
    return response["statusCode"], response.get("headers", {}), json.loads(body) if body else None


@pytest.fixture(scope="session", params=BACKENDS)
def local_api(request: pytest.FixtureRequest) -> Iterator[serve.LocalService]:
    """The whole API served on a free loopback port, on moto's server or DynamoDB Local."""
    table_name = f"channel-hooks-http-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
        if request.param == "dynamodb-local":
            patch.setenv("AWS_ENDPOINT_URL_DYNAMODB", request.getfixturevalue("dynamodb_local"))
        service = serve.start(port=0, table_name=table_name)
    try:
        yield service
    finally:
        service.stop()
