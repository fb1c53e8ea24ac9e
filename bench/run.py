"""`make bench`: cold start, warm cost, DynamoDB work, throughput and package size,
each beside its floor or target; prints the table and writes docs/benchmarks.md."""

import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

import boto3  # noqa: E402
import botocore.session  # noqa: E402
import requests  # noqa: E402

from bench import fake_dynamodb  # noqa: E402
from bench.events import POSTS, event_for  # noqa: E402
from bench.handlers import Context, load_function, prepare_environment  # noqa: E402
from local import serve  # noqa: E402
from local.dynamodb_local import missing_tools, running  # noqa: E402
from local.template import load_template, table_definition  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
COLD_RUNS = 7
WARM_CALLS = 1_000
THROUGHPUT_POSTS = 400
THROUGHPUT_CLIENTS = 8
SCENARIOS = ("plain", "new_case", "duplicate", "reply")
ROUND_TRIP_TARGETS = {"plain": 2, "new_case": 2, "duplicate": 2, "reply": 3}


# ----- cold start -----


def cold_start() -> list[tuple[str, float, float]]:
    """Median milliseconds to import and serve a first request, in fresh interpreters."""
    timings: dict[str, list[float]] = {"floor": [], "ingest": [], "manage_hooks": []}
    for _ in range(COLD_RUNS):
        for which, runs in timings.items():
            probe = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "cold_start_probe.py"), which],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            runs.append(json.loads(probe.stderr.strip().splitlines()[-1])["ms"])
    floor = statistics.median(timings["floor"])
    return [
        (name, statistics.median(runs), statistics.median(runs) / floor)
        for name, runs in timings.items()
    ]


# ----- warm cost -----


def warm_cost() -> list[tuple[str, float, float]]:
    """Microseconds per warm invocation, DynamoDB answered instantly, beside the floor."""
    from bench import floor as floor_module

    results = []
    floor_us = None
    for scenario in ("floor", *SCENARIOS):
        fake_dynamodb.install("plain" if scenario == "floor" else scenario, "bench-table")
        if scenario == "floor":
            boto3.setup_default_session()
            floor_module.client = boto3.client("dynamodb")
            handler = floor_module.lambda_handler
        else:
            from channel_hooks.runtime import channel_repository

            channel_repository.cache_clear()
            handler = load_function("ingest").lambda_handler
        event = event_for("plain" if scenario == "floor" else scenario)
        microseconds = _time_calls(handler, event)
        floor_us = floor_us or microseconds
        results.append((scenario, microseconds, microseconds / floor_us))
    fake_dynamodb.restore()
    boto3.DEFAULT_SESSION = None
    return results


def _time_calls(handler, event: dict) -> float:
    sink = io.StringIO()
    with redirect_stdout(sink):
        for _ in range(50):
            handler(json.loads(json.dumps(event)), Context())
        events = [json.loads(json.dumps(event)) for _ in range(WARM_CALLS)]
        started = time.perf_counter()
        for request in events:
            answer = handler(request, Context())
        elapsed = time.perf_counter() - started
    assert answer["statusCode"] < 300, answer
    return elapsed / WARM_CALLS * 1_000_000


# ----- DynamoDB work -----


def dynamodb_work() -> list[tuple[str, int, float, float]] | str:
    """Round trips and consumed capacity per scenario, on DynamoDB Local."""
    reason = missing_tools()
    if reason:
        return f"skipped: {reason}"
    with running() as endpoint:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
        try:
            return _measure_work(endpoint)
        finally:
            del os.environ["AWS_ENDPOINT_URL_DYNAMODB"]


def _measure_work(endpoint: str) -> list[tuple[str, int, float, float]]:
    from channel_hooks.models import Hook
    from channel_hooks.runtime import channel_repository
    from channel_hooks.settings import get_settings

    table_name = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["TABLE_NAME"] = table_name
    fake_dynamodb.restore()
    session = botocore.session.get_session()
    session.create_client("dynamodb").create_table(**table_definition(load_template(), table_name))
    calls: list[dict] = []

    def ask_for_capacity(params: dict, **_: object) -> None:
        if (
            "TransactItems" in params
            or "Key" in params
            or "Item" in params
            or "RequestItems" in params
        ):
            params["ReturnConsumedCapacity"] = "INDEXES"

    def record(parsed: dict, model: object, **_: object) -> None:
        calls.append({"operation": model.name, "consumed": parsed.get("ConsumedCapacity")})

    session.register("provide-client-params.dynamodb", ask_for_capacity)
    session.register("after-call.dynamodb", record)
    botocore.session.get_session = lambda env_vars=None: session
    get_settings.cache_clear()
    channel_repository.cache_clear()
    ingest = load_function("ingest")
    channel_repository().put_hook(
        Hook(
            hook_id=fake_dynamodb.HOOK_ID,
            channel_id=fake_dynamodb.CHANNEL_ID,
            purpose="bench",
            status="active",
            created_at=datetime.now(UTC),
        )
    )

    results = []
    order = ("new_case", "plain", "duplicate", "reply")  # the case must exist first
    for scenario in order:
        event = event_for(scenario)
        if scenario == "new_case":
            event["body"] = json.dumps({**POSTS["new_case"], "id": fake_dynamodb.CASE_ID})
        calls.clear()
        with redirect_stdout(io.StringIO()):
            answer = ingest.lambda_handler(event, Context())
        assert answer["statusCode"] < 300, answer
        reads, writes = _capacity(calls)
        results.append((scenario, len(calls), reads, writes))
    os.environ["TABLE_NAME"] = "bench-table"
    get_settings.cache_clear()
    fake_dynamodb.restore()
    return sorted(results, key=lambda row: SCENARIOS.index(row[0]))


def _capacity(calls: list[dict]) -> tuple[float, float]:
    reads = writes = 0.0
    for call in calls:
        consumed = call["consumed"]
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            units = entry.get("CapacityUnits", 0.0)
            if call["operation"] in ("GetItem", "BatchGetItem", "Query"):
                reads += units
            else:
                writes += units
    return reads, writes


# ----- throughput -----


def throughput(backend: str) -> tuple[float, float, float] | str:
    """Plain posts a second through the local run, with concurrent clients."""
    if backend == "dynamodb-local" and missing_tools():
        return f"skipped: {missing_tools()}"
    saved = os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    context = running() if backend == "dynamodb-local" else None
    try:
        if context:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = context.__enter__()
        service = serve.start(port=0, table_name=f"bench-{uuid.uuid4().hex[:8]}", workers=4)
        try:
            return _load(service.base_url)
        finally:
            service.stop()
    finally:
        os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
        if context:
            context.__exit__(None, None, None)
        if saved:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = saved


def _load(base_url: str) -> tuple[float, float, float]:
    session = requests.Session()
    hook = session.post(f"{base_url}/channels/bench/hooks", json={"purpose": "bench"}, timeout=30)
    url = hook.json()["url"]
    body = json.dumps(POSTS["plain"])
    headers = {"Content-Type": "application/json"}
    for _ in range(20):  # warm every worker
        session.post(url, data=body, headers=headers, timeout=30)

    def post(_: int) -> float:
        started = time.perf_counter()
        answer = requests.post(url, data=body, headers=headers, timeout=30)
        assert answer.status_code == 201, answer.text
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THROUGHPUT_CLIENTS) as pool:
        latencies = sorted(pool.map(post, range(THROUGHPUT_POSTS)))
    elapsed = time.perf_counter() - started
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return THROUGHPUT_POSTS / elapsed, statistics.median(latencies), p99


# ----- package size -----


def package_sizes() -> list[tuple[str, int, int]] | str:
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    if not sam.exists():
        return "skipped: the SAM CLI is not installed (make bench installs it)"
    build_dir = Path(tempfile.mkdtemp(prefix="bench-build-"))
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    subprocess.run(
        [str(sam), "build", "--build-dir", str(build_dir), "--no-cached"],
        cwd=ROOT,
        env={**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0"},
        capture_output=True,
        check=True,
        timeout=900,
    )
    sizes = []
    for name in ("CommonLayer", "IngestFunction", "ManageHooksFunction"):
        folder = build_dir / name
        unpacked = sum(file.stat().st_size for file in folder.rglob("*") if file.is_file())
        archive = shutil.make_archive(str(build_dir / name), "zip", folder)
        sizes.append((name, unpacked, Path(archive).stat().st_size))
    shutil.rmtree(build_dir, ignore_errors=True)
    return sizes


# ----- report -----


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    started = time.perf_counter()
    prepare_environment()
    # Log lines still cost their formatting, as in Lambda, but go nowhere.
    from channel_hooks.observability import logger

    logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115
    measures = {
        "cold": cold_start,
        "warm": warm_cost,
        "work": dynamodb_work,
        "moto": lambda: throughput("moto"),
        "local": lambda: throughput("dynamodb-local"),
        "sizes": package_sizes,
    }
    only = sys.argv[1].split(",") if len(sys.argv) > 1 else list(measures)
    sections = {
        name: measure() if name in only else "not measured in this run"
        for name, measure in measures.items()
    }
    report = render(sections, time.perf_counter() - started)
    if set(only) == set(measures):  # a partial run prints, and leaves the report alone
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(report, encoding="utf-8")
    print(report)


def render(sections: dict, seconds: float) -> str:
    from bench.report import render_report

    return render_report(sections, machine(), datetime.now(UTC), seconds)


if __name__ == "__main__":
    main()
