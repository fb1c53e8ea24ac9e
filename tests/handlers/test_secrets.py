"""Hook ids are credentials: no log line of the handlers or of the local run holds one,
whatever Powertools' logging switches say."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import requests

from tests.conftest import ROOT, TEST_CURSOR_SECRET

TALKATIVE = {
    "POWERTOOLS_LOGGER_LOG_EVENT": "true",
    "POWERTOOLS_DEBUG": "true",
    "POWERTOOLS_DEV": "true",
    "POWERTOOLS_EVENT_HANDLER_DEBUG": "true",
    "POWERTOOLS_LOG_LEVEL": "DEBUG",
    "POWERTOOLS_LOGGER_SAMPLE_RATE": "1",
    "LOG_LEVEL": "DEBUG",
    "AWS_LAMBDA_LOG_LEVEL": "DEBUG",
}


def environment(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **TALKATIVE,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "CURSOR_SECRET": TEST_CURSOR_SECRET,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'layers' / 'common'}",
        **extra,
    }


def test_handlers_never_log_a_hook_id(moto_server, tmp_path):
    hook_ids_file = tmp_path / "hook-ids"
    env = environment(
        AWS_ENDPOINT_URL_DYNAMODB=moto_server, TABLE_NAME=f"secrets-{uuid.uuid4().hex[:8]}"
    )

    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "secrets_scenario.py"), str(hook_ids_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    output = run.stdout + run.stderr
    hook_ids = hook_ids_file.read_text().split()
    assert len(hook_ids) == 2
    assert "post handled" in output and "hook revoked" in output  # the logs were captured
    assert "dynamodb call failed" in output  # and so was the injected failure
    for hook_id in hook_ids:
        assert hook_id not in output


def test_the_local_run_never_logs_a_hook_id():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "local" / "serve.py")],
        env=environment(PORT=str(port), LOCAL_WORKERS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        hook = requests.post(f"{base}/channels/c1/hooks", json={"purpose": "p"}, timeout=10).json()
        requests.post(hook["url"], json={"text": "hello"}, timeout=10)
        requests.post(hook["url"], data="nope", headers={"Content-Type": "text/plain"}, timeout=10)
        requests.get(hook["url"], timeout=10)
        requests.get(f"{base}/channels/c1/hooks/{hook['hookId']}", timeout=10)
        requests.delete(f"{base}/channels/c1/hooks/{hook['hookId']}", timeout=10)
        requests.post(hook["url"], json={"text": "after revoke"}, timeout=10)
        requests.get(f"{hook['url']}/deeper", timeout=10)
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)

    assert "serving on" in output and "POST /hooks/channels/{channelId}/{hookId} 201" in output
    assert hook["hookId"] not in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/nowhere", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("the local run did not start")
