"""Posts, refusals, revocations and failures through both handlers, with every
logging switch on, for tests/handlers/test_secrets.py to read all the output of.

Usage: python tests/secrets_scenario.py HOOK_IDS_FILE (DynamoDB from the environment).
"""

import json
import logging
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

import boto3  # noqa: E402

from local.template import load_template, table_definition  # noqa: E402
from tests.conftest import FakeContext, load_event  # noqa: E402
from tests.faults import DynamoDBFaults, error_body  # noqa: E402


def load(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"{name}_app", ROOT / "functions" / name / "app.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(module, event: dict) -> dict:
    response = module.lambda_handler(event, FakeContext())
    return json.loads(response["body"]) if response.get("body") else {}


def main(hook_ids_file: str) -> None:
    # As Lambda's runtime does: a root handler, here at the most talkative level.
    logging.basicConfig(level=logging.DEBUG)
    table = boto3.client("dynamodb")
    table.create_table(**table_definition(load_template(), load_template_name()))
    ingest, admin = load("ingest"), load("manage_hooks")
    channel = f"secrets-{uuid.uuid4().hex[:8]}"

    hook = call(admin, load_event("hooks_create", channel))
    other = call(admin, load_event("hooks_create", channel))
    hook_ids = [hook["hookId"], other["hookId"]]
    Path(hook_ids_file).write_text("\n".join(hook_ids))

    for name in ("ingest_basic_message", "ingest_create_case", "ingest_update_case"):
        call(ingest, load_event(name, channel, hook["hookId"]))
    call(ingest, load_event("ingest_create_case", channel, hook["hookId"]))  # duplicate
    refused = load_event("ingest_basic_message", channel, hook["hookId"])
    refused["body"] = '{"text": 1, "attachments": [{"@type": "x"}]}'
    call(ingest, refused)
    wrong_method = load_event("ingest_basic_message", channel, hook["hookId"])
    wrong_method["requestContext"]["http"]["method"] = "GET"
    call(ingest, wrong_method)
    call(admin, load_event("hooks_get", channel, hook["hookId"]))
    call(admin, load_event("hooks_list", channel))
    call(admin, load_event("hooks_revoke", channel, hook["hookId"]))
    call(ingest, load_event("ingest_basic_message", channel, hook["hookId"]))  # revoked

    faults = DynamoDBFaults("PutItem", 500, error_body("InternalServerError"), times=100)
    faults.install()
    from channel_hooks.runtime import channel_repository

    channel_repository.cache_clear()
    call(ingest, load_event("ingest_basic_message", channel, other["hookId"]))  # 503


def load_template_name() -> str:
    import os

    return os.environ["TABLE_NAME"]


if __name__ == "__main__":
    main(sys.argv[1])
