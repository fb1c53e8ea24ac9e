"""API Gateway events for the bench, made from the files in events/."""

import copy
import json
from functools import cache
from pathlib import Path

from bench.fake_dynamodb import CASE_ID, CHANNEL_ID, HOOK_ID

EVENTS = Path(__file__).resolve().parent.parent / "events"
SEED_CHANNEL = "f923d83a-3350-42d0-b9cb-620032730294"
SEED_HOOK = "8459b574-62ea-4ea7-bbae-a132fbfee5df"
TEXT_1KB = "The nightly deploy of billing-api finished; 3 of 3 canaries are healthy. " * 13

POSTS = {
    "plain": {"text": TEXT_1KB},
    "new_case": {"id": "incident-7731", "text": TEXT_1KB},
    "duplicate": {"id": CASE_ID, "text": TEXT_1KB},
    "reply": {"id": "incident-7731-ack", "references": [CASE_ID], "text": TEXT_1KB},
}


@cache
def _load(name: str) -> str:
    text = (EVENTS / f"{name}.json").read_text(encoding="utf-8")
    return text.replace(SEED_CHANNEL, CHANNEL_ID).replace(SEED_HOOK, HOOK_ID)


def event_for(scenario: str) -> dict:
    """The ingest event of a scenario, or the admin list-hooks event."""
    if scenario == "list_hooks":
        return json.loads(_load("hooks_list"))
    event = copy.deepcopy(json.loads(_load("ingest_basic_message")))
    event["body"] = json.dumps(POSTS[scenario])
    event["headers"]["content-length"] = str(len(event["body"]))
    return event
