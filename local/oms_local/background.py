"""A local HTTP server on a background thread (the gateway and the PG sandbox): a thread per
connection and a listen backlog of 128, so bursts of simultaneous requests are queued, not reset."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections when a burst arrives at once.
    request_queue_size = 128


class BackgroundServer:
    """``serve()`` binds (port 0 = a free one) and serves on a daemon thread; ``stop()`` shuts down."""

    host: str
    port: int

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def serve(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        self._server = _Server((self.host, self.port), handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
