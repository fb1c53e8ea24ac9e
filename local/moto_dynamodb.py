"""moto's server for the local run and the tests, taking one request at a time.

moto's DynamoDB is not thread-safe: a transaction copies the table and restores the
copy when cancelled, so concurrent writes can be lost or half-applied. DynamoDB itself
serialises conflicting writes; this server gets the same by answering one request at
a time. Correctness under load is what matters here, not moto's throughput.
"""

import logging
from collections.abc import Iterable
from threading import Lock, Thread
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server


class SerializedMotoServer:
    def __init__(self) -> None:
        self._app = DomainDispatcherApplication(create_backend_app)
        self._lock = Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: Thread | None = None

    def _serve_one_at_a_time(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))

    def start(self) -> str:
        """Serve on a free loopback port; return the endpoint URL."""
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = make_server(
            "127.0.0.1",
            0,
            self._serve_one_at_a_time,
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self._thread = Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
