"""The admin handler, driven by the events in events/, on a moto table."""

import json

import pytest

from tests.conftest import invoke, load_event, new_channel_id


def create_hook(admin, channel_id, purpose="Monitoring alerts"):
    event = load_event("hooks_create", channel_id)
    event["body"] = json.dumps({"purpose": purpose})
    return invoke(admin, event)


def test_create_hook_hands_out_a_url_to_copy(admin):
    channel_id = new_channel_id()

    status, _, hook = create_hook(admin, channel_id)

    assert status == 201
    assert hook["channelId"] == channel_id
    assert hook["purpose"] == "Monitoring alerts"
    assert hook["status"] == "active"
    assert len(hook["hookId"]) == 36
    assert hook["url"] == (
        "https://abc123.execute-api.us-east-1.amazonaws.com"
        f"/hooks/channels/{channel_id}/{hook['hookId']}"
    )
    assert hook["createdAt"].endswith("Z")


def test_configured_public_base_url_is_used(admin, monkeypatch):
    from channel_hooks.settings import get_settings

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://hooks.example.com/")
    get_settings.cache_clear()

    _, _, hook = create_hook(admin, new_channel_id())

    assert hook["url"].startswith("https://hooks.example.com/hooks/channels/")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"purpose": ""}, "purpose"), ({"purpose": "p" * 201}, "purpose"), ({}, "purpose")],
)
def test_create_hook_refuses_a_bad_purpose(admin, body, field):
    event = load_event("hooks_create", new_channel_id())
    event["body"] = json.dumps(body)

    status, _, answer = invoke(admin, event)

    assert status == 422
    assert [detail["field"] for detail in answer["error"]["details"]] == [field]


def test_bad_channel_id_is_422(admin):
    status, _, answer = create_hook(admin, "bad*channel")

    assert status == 422
    assert answer["error"]["details"][0]["field"] == "channelId"


def test_get_list_and_revoke_a_hook(admin, ingest):
    channel_id = new_channel_id()
    _, _, hook = create_hook(admin, channel_id)
    hook_id = hook["hookId"]

    got = invoke(admin, load_event("hooks_get", channel_id, hook_id))
    revoked = invoke(admin, load_event("hooks_revoke", channel_id, hook_id))
    revoked_again = invoke(admin, load_event("hooks_revoke", channel_id, hook_id))
    listed = invoke(admin, load_event("hooks_list", channel_id))
    posted = invoke(ingest, load_event("ingest_basic_message", channel_id, hook_id))

    assert got[0] == 200 and got[2] == hook
    assert (revoked[0], revoked[2]) == (204, None)
    assert (revoked_again[0], revoked_again[2]) == (204, None)
    assert [(item["hookId"], item["status"]) for item in listed[2]["items"]] == [
        (hook_id, "revoked")
    ]
    assert listed[2]["items"][0]["revokedAt"] is not None
    assert posted[0] == 404


def test_unknown_hook_is_404_for_get_and_revoke(admin):
    channel_id = new_channel_id()

    got = invoke(admin, load_event("hooks_get", channel_id, "missing"))
    revoked = invoke(admin, load_event("hooks_revoke", channel_id, "missing"))

    assert got[0] == revoked[0] == 404


def test_seed_posts_read_back_through_activities_cases_and_thread(admin, ingest):
    channel_id = new_channel_id()
    _, _, hook = create_hook(admin, channel_id)
    for name in (
        "ingest_basic_message",
        "ingest_attachments",
        "ingest_create_case",
        "ingest_update_case",
    ):
        assert invoke(ingest, load_event(name, channel_id, hook["hookId"]))[0] == 201

    activities = invoke(admin, load_event("activities_list", channel_id))[2]
    cases = invoke(admin, load_event("cases_list", channel_id))[2]
    case = invoke(admin, load_event("case_get", channel_id))[2]

    assert [item["caseId"] for item in activities["items"]] == ["event1", "event1", None, None]
    assert activities["items"][0]["messageId"] == "event2"
    assert activities["items"][0]["references"] == ["event1"]
    assert activities["items"][0]["attachments"][0] == {
        "@type": "file",
        "displayName": "my file",
        "ext": "txt",
        "url": "http://myserver/myfile",
    }
    assert [item["caseId"] for item in cases["items"]] == ["event1"]
    assert case["messageCount"] == 2
    assert [message["messageId"] for message in case["messages"]] == ["event1", "event2"]
    assert case["nextCursor"] is None


def test_unknown_case_is_404(admin):
    event = load_event("case_get", new_channel_id())

    status, _, body = invoke(admin, event)

    assert status == 404 and body["error"]["code"] == "not_found"


def test_pages_walk_every_activity_once(admin, ingest):
    channel_id = new_channel_id()
    _, _, hook = create_hook(admin, channel_id)
    for number in range(7):
        event = load_event("ingest_basic_message", channel_id, hook["hookId"])
        event["body"] = json.dumps({"text": f"message {number}"})
        invoke(ingest, event)

    seen, cursor, pages = [], None, 0
    while True:
        event = load_event("activities_list", channel_id)
        event["queryStringParameters"] = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        status, _, page = invoke(admin, event)
        assert status == 200
        seen += [item["text"] for item in page["items"]]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            break

    assert seen == [f"message {number}" for number in reversed(range(7))]
    assert pages == 3


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "e30", "eyJsaXN0IjoiY2FzZXMiLCJhdCI6e319", "", "x" * 5000],
)
def test_cursor_not_issued_by_the_service_is_400(admin, cursor):
    event = load_event("activities_list", new_channel_id())
    event["queryStringParameters"] = {"cursor": cursor}

    status, _, body = invoke(admin, event)

    assert status == 400 and body["error"]["code"] == "invalid_cursor"


def test_cursor_of_another_list_is_400(admin, ingest):
    channel_id = new_channel_id()
    _, _, hook = create_hook(admin, channel_id)
    for _ in range(2):
        invoke(ingest, load_event("ingest_basic_message", channel_id, hook["hookId"]))
    event = load_event("activities_list", channel_id)
    event["queryStringParameters"] = {"limit": "1"}
    cursor = invoke(admin, event)[2]["nextCursor"]

    elsewhere = load_event("activities_list", new_channel_id())
    elsewhere["queryStringParameters"] = {"cursor": cursor}
    other_list = load_event("cases_list", channel_id)
    other_list["queryStringParameters"] = {"cursor": cursor}

    assert invoke(admin, elsewhere)[0] == 400
    assert invoke(admin, other_list)[0] == 400


@pytest.mark.parametrize("limit", ["0", "101", "ten", "2.5"])
def test_limit_out_of_range_is_422(admin, limit):
    event = load_event("cases_list", new_channel_id())
    event["queryStringParameters"] = {"limit": limit}

    status, _, body = invoke(admin, event)

    assert status == 422
    assert body["error"]["details"][0]["field"] == "limit"


def test_percent_encoded_channel_id_is_decoded(admin):
    channel_id = new_channel_id()
    create_hook(admin, channel_id)
    event = load_event("hooks_list", channel_id)
    encoded = channel_id.replace("-", "%2D")
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/channels/{encoded}/hooks"

    status, _, body = invoke(admin, event)

    assert status == 200 and len(body["items"]) == 1


@pytest.mark.parametrize("case_id", ["x" * 1020, "%0A"])
def test_case_id_no_sender_could_send_is_404(admin, case_id):
    event = load_event("case_get", new_channel_id())
    event["rawPath"] = event["requestContext"]["http"]["path"] = (
        f"{event['rawPath'].rsplit('/', 1)[0]}/{case_id}"
    )

    status, _, body = invoke(admin, event)

    assert (status, body["error"]["code"]) == (404, "not_found")


def test_over_long_hook_id_is_404_for_get_and_revoke(admin):
    channel_id = new_channel_id()

    got = invoke(admin, load_event("hooks_get", channel_id, "h" * 1020))
    revoked = invoke(admin, load_event("hooks_revoke", channel_id, "h" * 1020))

    assert got[0] == revoked[0] == 404
