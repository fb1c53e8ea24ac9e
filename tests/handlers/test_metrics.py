"""Powertools metrics (CloudWatch embedded metric format) for posts and refusals."""

import json

from tests.conftest import invoke, load_event


def metric_documents(output: str) -> list[dict]:
    documents = []
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            documents.append(json.loads(line))
    return documents


def metrics_named(documents: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for document in documents:
        for directive in document["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "ChannelHooks"
            for metric in directive["Metrics"]:
                found.setdefault(metric["Name"], []).append(document)
    return found


def test_posts_count_by_result(ingest, channel, capsys):
    for name in ("ingest_basic_message", "ingest_create_case", "ingest_update_case"):
        invoke(ingest, load_event(name, *channel))
    invoke(ingest, load_event("ingest_create_case", *channel))

    found = metrics_named(metric_documents(capsys.readouterr().out))

    assert len(found["Posts"]) == 4
    assert [len(found[name]) for name in ("Activities", "CasesCreated", "CasesUpdated")] == [1] * 3
    assert len(found["Duplicates"]) == 1


def test_refusals_count_by_error_code(ingest, channel, capsys):
    event = load_event("ingest_basic_message", *channel)
    event["body"] = json.dumps({"text": 5})
    invoke(ingest, event)
    invoke(ingest, load_event("ingest_basic_message", channel[0], "not-a-hook"))

    found = metrics_named(metric_documents(capsys.readouterr().out))

    assert sorted(document["error_code"] for document in found["Refusals"]) == [
        "not_found",
        "validation_failed",
    ]
    assert "Posts" not in found
