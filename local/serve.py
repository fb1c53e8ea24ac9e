"""Serve template.yaml's routes on http://127.0.0.1:$PORT, calling the real handlers.

Each request becomes an API Gateway HTTP API (payload 2.0) event. Handlers run in a
small pool of worker processes, as Lambda runs concurrent requests in separate
execution environments. DynamoDB is moto's server, unless AWS_ENDPOINT_URL_DYNAMODB
names another endpoint (DynamoDB Local, say); the table is made from the template.
"""

import base64
import json
import logging
import multiprocessing
import os
import re
import secrets
import signal
import sys
import time
import uuid
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local.moto_dynamodb import SerializedMotoServer
from local.template import (
    DEFAULT_ROUTE,
    HttpRoute,
    http_routes,
    layer_dirs,
    load_handler_module,
    load_template,
    table_definition,
)

API_DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
DEFAULT_PORT = 3000
DEFAULT_TABLE = "channel-hooks-local"
DEFAULT_WORKERS = 4
TEXT_TYPES = ("application/json", "text/")
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's own limit

access_log = logging.getLogger("channel_hooks.local")


# ----- the worker side: one "execution environment" per process -----

_handlers: dict[str, Any] = {}


def _start_worker(routes: list[HttpRoute], layers: list[str], environment: dict[str, str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(environment)
    sys.path[:0] = layers
    for route in routes:
        if route.function not in _handlers:
            module = load_handler_module(route)
            _handlers[route.function] = getattr(module, route.handler.rsplit(".", 1)[1])


def _invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
    return _handlers[function](event, LocalContext(function, event["requestContext"]["requestId"]))


class LocalContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function: str, request_id: str) -> None:
        self.function_name = function
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{function}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + 29  # the template's Timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# ----- the server side -----


@dataclass
class RouteTable:
    """API Gateway's matching: an exact route wins over one with parameters, then $default."""

    routes: list[HttpRoute]
    _compiled: list[tuple[HttpRoute, re.Pattern]] = field(init=False)

    def __post_init__(self) -> None:
        explicit = [route for route in self.routes if route.path != DEFAULT_ROUTE]
        explicit.sort(key=lambda route: route.path.count("{"))
        self._compiled = [(route, self._pattern(route.path)) for route in explicit]

    @staticmethod
    def _pattern(path: str) -> re.Pattern:
        parts = re.split(r"(\{\w+\})", path)
        regex = "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in parts
        )
        return re.compile(f"^{regex}$")

    def match(self, method: str, path: str) -> tuple[HttpRoute | None, dict[str, str]]:
        for route, pattern in self._compiled:
            found = pattern.match(path)
            if found and route.method in (method, "ANY"):
                parameters = {name: unquote(value) for name, value in found.groupdict().items()}
                return route, parameters
        default = next((route for route in self.routes if route.path == DEFAULT_ROUTE), None)
        return default, {}


def build_event(
    route: HttpRoute,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    parameters: dict[str, str],
    client_ip: str,
) -> dict[str, Any]:
    """An API Gateway HTTP API event (payload format 2.0) for one request."""
    parts = urlsplit(target)
    route_key = DEFAULT_ROUTE if route.path == DEFAULT_ROUTE else f"{route.method} {route.path}"
    now = datetime.now(UTC)
    content_type = headers.get("content-type", "").lower()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": client_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    if query:
        event["queryStringParameters"] = query
    if parameters:
        event["pathParameters"] = parameters
    if body:
        is_text = not content_type or content_type.startswith(TEXT_TYPES)
        try:
            event["body"] = body.decode("utf-8") if is_text else None
        except UnicodeDecodeError:
            event["body"] = None
        if event["body"] is None:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


class LocalApi(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # http.server's 5 resets connections under concurrent clients

    def __init__(self, address: tuple[str, int], routes: RouteTable, pool: Executor) -> None:
        super().__init__(address, _RequestHandler)
        self.routes = routes
        self.pool = pool
        self.pages: dict[str, tuple[str, bytes]] = {}

    def publish_api_document(self, base_url: str) -> None:
        """Serve docs/openapi.json at /openapi.json and Swagger UI for it at /docs."""
        from aws_lambda_powertools.event_handler.openapi.swagger_ui import html

        document = json.loads(API_DOCUMENT.read_text(encoding="utf-8"))
        document["servers"] = [{"url": base_url, "description": "this local run"}]
        spec = json.dumps(document)
        assets = Path(html.__file__).parent
        page = html.generate_swagger_html(
            spec=spec,
            swagger_js=(assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
            swagger_css=(assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
            swagger_base_url="",
            oauth2_config=None,
        )
        self.pages = {
            "/openapi.json": ("application/json", spec.encode()),
            "/docs": ("text/html; charset=utf-8", page.encode()),
        }


class _UnreadableBody(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalApi
    protocol_version = "HTTP/1.1"

    def do_request(self) -> None:
        started = time.monotonic()
        try:
            body = self._read_body()
        except _UnreadableBody as refusal:
            self.close_connection = True
            self._refuse(refusal.status, refusal.code, refusal.message)
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        # As behind API Gateway: the API's own domain and scheme, whatever the client says.
        host, port = self.server.server_address[:2]
        headers["host"] = f"{host}:{port}"
        headers["x-forwarded-proto"] = "http"

        path = urlsplit(self.path).path
        if self.command == "GET" and path in self.server.pages:
            content_type, page = self.server.pages[path]
            self._write(200, {"Content-Type": content_type}, page)
            return
        route, parameters = self.server.routes.match(self.command, path)
        event = build_event(
            route, self.command, self.path, headers, body, parameters, self.client_address[0]
        )
        response = self.server.pool.submit(_invoke, route.function, event).result()

        status = int(response.get("statusCode", 200))
        payload = response.get("body") or ""
        if response.get("isBase64Encoded"):
            data = base64.b64decode(payload)
        else:
            data = payload.encode("utf-8", "replace")
        self._write(status, response.get("headers") or {}, data, response.get("cookies") or [])
        # The route's template, never the raw path: the path holds the hook id.
        elapsed = (time.monotonic() - started) * 1000
        access_log.info("%s %s %d %.1fms", self.command, route.path, status, elapsed)

    def __getattr__(self, name: str) -> Any:
        # Every method reaches the routes (unknown ones get the API's JSON 404 or 405).
        if name.startswith("do_"):
            return self.do_request
        raise AttributeError(name)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self._read_chunks()
        declared = self.headers.get("content-length") or "0"
        if not declared.isdigit():
            raise _UnreadableBody(400, "invalid_json", "Content-Length is not a number")
        length = int(declared)
        if length > MAX_REQUEST_BYTES:
            raise _UnreadableBody(413, "payload_too_large", "request body is over 10 MiB")
        return self.rfile.read(length) if length else b""

    def _read_chunks(self) -> bytes:
        body = b""
        while True:
            size_line = self.rfile.readline(1_024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise _UnreadableBody(400, "invalid_json", "chunked body is malformed") from None
            if size == 0:
                while self.rfile.readline(1_024).strip():
                    pass
                return body
            if len(body) + size > MAX_REQUEST_BYTES:
                raise _UnreadableBody(413, "payload_too_large", "request body is over 10 MiB")
            body += self.rfile.read(size)
            self.rfile.readline(1_024)

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        # http.server's own refusals (a malformed request line, say), in the API's JSON shape,
        # with a status line even for what it took to be HTTP/0.9.
        self.close_connection = True
        self.request_version = "HTTP/1.1"
        self._refuse(code, "invalid_request" if code < 500 else "unavailable", message or "")

    def _refuse(self, status: int, code: str, message: str) -> None:
        error = {"code": code, "message": message, "details": [], "requestId": None}
        data = json.dumps({"error": error}).encode()
        if getattr(self, "command", None) is None:
            self.command = "GET"
        self._write(status, {"Content-Type": "application/json"}, data)

    def _write(
        self, status: int, headers: dict[str, str], data: bytes, cookies: list[str] = ()
    ) -> None:
        self.send_response_only(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # http.server's own log line names the raw path; ours (above) does not.
        return


@dataclass
class LocalService:
    """A running local API and the DynamoDB it uses; stop() ends both."""

    api: LocalApi
    pool: Executor
    base_url: str
    dynamodb_endpoint: str
    table_name: str
    _moto: Any = None
    _thread: Thread | None = None

    def stop(self) -> None:
        self.api.shutdown()
        self.api.server_close()
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self._moto is not None:
            self._moto.stop()


def start(
    port: int = DEFAULT_PORT, table_name: str = DEFAULT_TABLE, workers: int = DEFAULT_WORKERS
) -> LocalService:
    """Start DynamoDB (moto unless an endpoint is configured), the table and the API."""
    template = load_template()
    moto_server = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    if not endpoint:
        moto_server = SerializedMotoServer()
        endpoint = moto_server.start()

    environment = {
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "local"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        "TABLE_NAME": table_name,
        # moto is slow under load (it copies a table per transaction); within 29 s still.
        "DYNAMODB_READ_TIMEOUT_SECONDS": os.environ.get("DYNAMODB_READ_TIMEOUT_SECONDS", "5"),
        # Cursors signed with a key of this run only; the data itself lives only as long.
        "CURSOR_SECRET": os.environ.get("CURSOR_SECRET") or secrets.token_urlsafe(32),
        "POWERTOOLS_SERVICE_NAME": "channel-hooks",
    }
    ensure_table(endpoint, environment, table_definition(template, table_name))

    routes = http_routes(template)
    layers = [str(path) for path in layer_dirs(template)]
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(routes, layers, environment),
    )
    api = LocalApi(("127.0.0.1", port), RouteTable(routes), pool)
    thread = Thread(target=api.serve_forever, name="local-api", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{api.server_address[1]}"
    api.publish_api_document(base_url)
    return LocalService(api, pool, base_url, endpoint, table_name, moto_server, thread)


def ensure_table(endpoint: str, environment: dict[str, str], definition: dict[str, Any]) -> None:
    import boto3

    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=environment["AWS_DEFAULT_REGION"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
    )
    try:
        client.create_table(**definition)
    except client.exceptions.ResourceInUseException:
        return
    client.get_waiter("table_exists").wait(
        TableName=definition["TableName"], WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )


def _stop_on_term(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    workers = int(os.environ.get("LOCAL_WORKERS", DEFAULT_WORKERS))
    service = start(port=port, workers=workers)
    # Warm every worker now, so the first request does not pay for imports.
    list(service.pool.map(abs, range(workers)))

    print(f"Channel web hooks serving on {service.base_url}")
    print(f"DynamoDB at {service.dynamodb_endpoint}, table {service.table_name}")
    print(f"API document: {service.base_url}/openapi.json, Swagger UI: {service.base_url}/docs")
    print("Create a first hook:")
    print(
        f"  curl -s -X POST {service.base_url}/channels/my-channel/hooks "
        "-H 'Content-Type: application/json' -d '{\"purpose\": \"first hook\"}'"
    )
    print("Ctrl-C stops.", flush=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
    finally:
        service.stop()


if __name__ == "__main__":
    main()
