"""The local run's HTTP edge: whatever a client sends, a JSON answer in the API's shape."""

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import new_channel_id


@pytest.fixture
def hook(local_api):
    channel_id = new_channel_id()
    response = requests.post(
        f"{local_api.base_url}/channels/{channel_id}/hooks", json={"purpose": "p"}, timeout=10
    )
    return response.json()


def exchange(base_url: str, raw: bytes) -> tuple[int, dict, dict | None]:
    """Send raw bytes; return status, headers and the JSON body of the answer."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(raw)
        received = b""
        while chunk := connection.recv(65_536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body) if body else None


def test_chunked_body_is_read_whole(local_api, hook):
    path = urlsplit(hook["url"]).path
    document = b'{"text": "chunked"}'
    raw = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + b"%x\r\n%s\r\n0\r\n\r\n" % (len(document), document)

    status, _, body = exchange(local_api.base_url, raw)

    assert (status, body["result"]) == (201, "posted")


@pytest.mark.parametrize("length", ["abc", "-1"])
def test_unreadable_content_length_is_a_json_400(local_api, hook, length):
    path = urlsplit(hook["url"]).path
    raw = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{}}".encode()

    status, headers, body = exchange(local_api.base_url, raw)

    assert status == 400 and headers["Content-Type"] == "application/json"
    assert body["error"]["code"] == "invalid_json"


def test_unknown_method_gets_the_api_json_answer(local_api, hook):
    path = urlsplit(hook["url"]).path
    raw = f"FOO {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()

    status, headers, body = exchange(local_api.base_url, raw)

    assert (status, headers["Allow"], body["error"]["code"]) == (405, "POST", "method_not_allowed")


def test_malformed_request_line_is_a_json_400(local_api):
    status, _, body = exchange(local_api.base_url, b"GARBAGE\r\n\r\n")

    assert status == 400 and body["error"]["code"] == "invalid_request"


def test_client_host_and_scheme_do_not_shape_hook_urls(local_api):
    channel_id = new_channel_id()

    created = requests.post(
        f"{local_api.base_url}/channels/{channel_id}/hooks",
        json={"purpose": "p"},
        headers={"Host": "evil.example", "X-Forwarded-Proto": "javascript"},
        timeout=10,
    ).json()

    assert created["url"].startswith(f"{local_api.base_url}/hooks/channels/")


def test_api_document_and_swagger_ui_are_served(local_api):
    document = requests.get(f"{local_api.base_url}/openapi.json", timeout=10)
    page = requests.get(f"{local_api.base_url}/docs", timeout=10)

    assert document.status_code == 200
    assert document.json()["servers"] == [
        {"url": local_api.base_url, "description": "this local run"}
    ]
    assert "/hooks/channels/{channelId}/{hookId}" in document.json()["paths"]
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
