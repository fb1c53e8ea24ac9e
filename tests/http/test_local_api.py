"""The whole API over HTTP, as `make run` serves it: template routes, real handlers,
worker processes, DynamoDB from moto's server."""

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import new_channel_id

SEED_ATTACHMENTS = [
    {"@type": "file", "displayName": "my file", "ext": "txt", "url": "http://myserver/myfile"},
    {"@type": "link", "url": "http://www.google.com", "displayName": "http://www.google.com"},
]
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def api(local_api):
    return local_api.base_url


@pytest.fixture
def hook(api):
    channel_id = new_channel_id()
    response = requests.post(
        f"{api}/channels/{channel_id}/hooks", json={"purpose": "http tests"}, timeout=10
    )
    assert response.status_code == 201
    return response.json()


def send(url, document, **headers):
    return requests.post(url, data=json.dumps(document), headers={**JSON, **headers}, timeout=10)


def test_seed_walkthrough(api, hook):
    url = hook["url"]

    basic = send(url, {"text": "my message"})
    attached = send(url, {"text": "my message", "attachments": SEED_ATTACHMENTS})
    created = send(url, {"id": "event1", "text": "my message", "attachments": SEED_ATTACHMENTS})
    updated = send(
        url,
        {
            "id": "event2",
            "references": ["event1"],
            "text": "my message",
            "attachments": SEED_ATTACHMENTS,
        },
    )

    assert [r.status_code for r in (basic, attached, created, updated)] == [201] * 4
    assert [r.json()["result"] for r in (basic, attached, created, updated)] == [
        "posted",
        "posted",
        "case_created",
        "case_updated",
    ]
    case = requests.get(f"{api}/channels/{hook['channelId']}/cases/event1", timeout=10).json()
    assert case["messageCount"] == 2
    assert [m["messageId"] for m in case["messages"]] == ["event1", "event2"]
    assert case["messages"][1]["attachments"] == SEED_ATTACHMENTS


def test_hook_url_points_at_the_local_run(api, hook):
    assert hook["url"] == f"{api}/hooks/channels/{hook['channelId']}/{hook['hookId']}"


def test_retried_id_never_makes_a_second_case(api, hook):
    first = send(hook["url"], {"id": "deploy-42", "text": "deploy started"})
    retry = send(hook["url"], {"id": "deploy-42", "text": "deploy started"})

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["result"] == "duplicate"
    cases = requests.get(f"{api}/channels/{hook['channelId']}/cases", timeout=10).json()
    assert [case["caseId"] for case in cases["items"]] == ["deploy-42"]


def test_reference_to_a_message_id_joins_its_case(api, hook):
    send(hook["url"], {"id": "alert-1", "text": "disk full"})
    send(hook["url"], {"id": "alert-1-ack", "references": ["alert-1"], "text": "acked"})

    reply = send(hook["url"], {"references": ["alert-1-ack"], "text": "resolved"})

    assert reply.status_code == 201
    assert (reply.json()["result"], reply.json()["caseId"]) == ("case_updated", "alert-1")


def test_revoked_hook_answers_404_at_once_and_its_posts_stay(api, hook):
    channel = hook["channelId"]
    send(hook["url"], {"text": "before revoke"})

    revoked = requests.delete(f"{api}/channels/{channel}/hooks/{hook['hookId']}", timeout=10)
    after = send(hook["url"], {"text": "after revoke"})

    assert revoked.status_code == 204
    assert after.status_code == 404
    activities = requests.get(f"{api}/channels/{channel}/activities", timeout=10).json()
    assert [item["text"] for item in activities["items"]] == ["before revoke"]


def test_hook_under_another_channels_path_is_404(api, hook):
    other = f"{api}/hooks/channels/{new_channel_id()}/{hook['hookId']}"

    assert send(other, {"text": "x"}).status_code == 404


def test_twenty_concurrent_posts_of_one_new_id_make_exactly_one_case(api, hook):
    case_id = f"race-{uuid.uuid4().hex[:8]}"

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(lambda n: send(hook["url"], {"id": case_id, "text": f"try {n}"}), range(20))
        )

    bodies = [answer.json() for answer in answers]
    results = sorted(body.get("result", body.get("error", {}).get("code")) for body in bodies)
    assert results == ["case_created"] + ["duplicate"] * 19, bodies
    assert {body["caseId"] for body in bodies} == {case_id}
    case = requests.get(f"{api}/channels/{hook['channelId']}/cases/{case_id}", timeout=10).json()
    assert case["messageCount"] == 1 and len(case["messages"]) == 1


def test_concurrent_replies_are_all_counted(api, hook):
    send(hook["url"], {"id": "incident", "text": "opened"})

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(
            pool.map(
                lambda n: send(hook["url"], {"references": ["incident"], "text": f"update {n}"}),
                range(10),
            )
        )

    assert {answer.status_code for answer in answers} == {201}
    case = requests.get(f"{api}/channels/{hook['channelId']}/cases/incident", timeout=10).json()
    assert case["messageCount"] == 11
    assert len(case["messages"]) == 11


def test_case_id_with_reserved_characters_reads_back(api, hook):
    case_id = "job #7/deploy?"
    send(hook["url"], {"id": case_id, "text": "x"})

    path = requests.utils.quote(case_id, safe="")
    case = requests.get(f"{api}/channels/{hook['channelId']}/cases/{path}", timeout=10)

    assert case.status_code == 200 and case.json()["caseId"] == case_id


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [
        ("POST", "{url}", b"{not json", JSON, 400, "invalid_json"),
        ("GET", "/channels/{channel}/cases?cursor=abc", None, {}, 400, "invalid_cursor"),
        ("GET", "/nowhere", None, {}, 404, "not_found"),
        ("POST", "/hooks/channels/{channel}/unknown", b'{"text":"x"}', JSON, 404, "not_found"),
        ("GET", "/channels/{channel}/cases/none", None, {}, 404, "not_found"),
        ("GET", "{url}", None, {}, 405, "method_not_allowed"),
        ("PUT", "/channels/{channel}/hooks", b"{}", JSON, 405, "method_not_allowed"),
        ("POST", "{url}", b'{"text":"' + b"x" * 262_144 + b'"}', JSON, 413, "payload_too_large"),
        (
            "POST",
            "{url}",
            b"text=x",
            {"Content-Type": "text/plain"},
            415,
            "unsupported_media_type",
        ),
        ("POST", "{url}", b'{"text": 1}', JSON, 422, "validation_failed"),
        ("POST", "/channels/{channel}/hooks", b'{"purpose": ""}', JSON, 422, "validation_failed"),
    ],
)
def test_every_error_is_json_with_its_code(api, hook, method, path, body, headers, status, code):
    url = path.format(url=hook["url"], channel=hook["channelId"])
    url = url if url.startswith("http") else f"{api}{url}"

    response = requests.request(method, url, data=body, headers=headers, timeout=10)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["requestId"]
    assert hook["hookId"] not in response.text


def test_nothing_is_accepted_once_the_revoke_has_answered(api, hook):
    channel = hook["channelId"]
    revoke_answered = threading.Event()
    outcomes: list[tuple[bool, int, dict]] = []
    lock = threading.Lock()

    def keep_posting(worker: int) -> None:
        # Post until five posts have gone out after the revoke answered (bounded).
        after = 0
        for number in range(200):
            sent_after_revoke = revoke_answered.is_set()
            answer = send(hook["url"], {"text": f"worker {worker} post {number}"})
            with lock:
                outcomes.append((sent_after_revoke, answer.status_code, answer.json()))
            after += sent_after_revoke
            if after == 5:
                return

    with ThreadPoolExecutor(max_workers=6) as pool:
        posting = [pool.submit(keep_posting, worker) for worker in range(5)]
        deadline = time.monotonic() + 30
        while sum(status == 201 for _, status, _ in list(outcomes)) < 10:
            assert time.monotonic() < deadline, "posts before the revoke never landed"
            time.sleep(0.01)
        revoked = requests.delete(f"{api}/channels/{channel}/hooks/{hook['hookId']}", timeout=10)
        revoke_answered.set()
        for future in posting:
            future.result()

    assert revoked.status_code == 204
    assert {status for after, status, _ in outcomes if after} == {404}
    accepted = {body["messageId"] for _, status, body in outcomes if status == 201}
    assert accepted, "some posts should land before the revoke"
    stored = read_all(f"{api}/channels/{channel}/activities")
    assert {item["messageId"] for item in stored} == accepted


def read_all(url: str) -> list[dict]:
    """Every item of a list, following cursors."""
    items, cursor = [], None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = requests.get(url, params=params, timeout=10).json()
        items += page["items"]
        cursor = page["nextCursor"]
        if cursor is None:
            return items


def test_mixed_concurrent_load_loses_nothing(api, hook):
    """Duplicates, new cases and replies at once: every acknowledged post is stored,
    every case header exists and counts its thread exactly."""
    send(hook["url"], {"id": "root", "text": "root"})

    def one(number: int):
        kind = number % 3
        if kind == 0:
            document = {"id": "root", "text": "duplicate"}
        elif kind == 1:
            document = {"id": f"new-{number}", "text": "new case"}
        else:
            document = {"id": f"reply-{number}", "references": ["root"], "text": "reply"}
        return send(hook["url"], document)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = [answer.json() for answer in pool.map(one, range(120))]

    results = [answer["result"] for answer in answers]
    assert results.count("duplicate") == 40
    assert results.count("case_created") == 40
    assert results.count("case_updated") == 40
    channel = hook["channelId"]
    stored = {item["messageId"] for item in read_all(f"{api}/channels/{channel}/activities")}
    assert stored >= {answer["messageId"] for answer in answers}
    cases = {case["caseId"]: case for case in read_all(f"{api}/channels/{channel}/cases")}
    assert len(cases) == 41
    assert cases["root"]["messageCount"] == 41
    root = requests.get(f"{api}/channels/{channel}/cases/root", params={"limit": 100}, timeout=10)
    assert len(root.json()["messages"]) == 41
