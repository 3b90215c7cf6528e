"""S3 emulator for local runs and tests: moto's threaded server on a loopback port.

With a ``state_dir`` the objects survive a restart (``make run`` keeps them in ``.local/s3``):
every successful S3 write or delete that reaches the server is mirrored to one file per object
before the response goes back (write-through, so a killed process loses nothing it acknowledged),
and a new server loads the files back before it serves. Without one (tests), buckets live in
memory and disappear on :meth:`S3Local.stop`. Only object bytes are kept (not metadata, tags or
bucket configuration: the local stack re-applies the notification configuration at start).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from oms_local import LOCAL_ENV


def _free_port() -> int:
    from oms_local.ddb import free_port

    return free_port()


log = logging.getLogger("oms_local.s3")


class ObjectFiles:
    """One file per object under ``root/<bucket>/<percent-encoded key>``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, bucket: str, key: str) -> Path:
        if not bucket or "/" in bucket or bucket in (".", ".."):
            raise ValueError(f"bad bucket name {bucket!r}")
        return self.root / bucket / quote(key, safe="")

    def write(self, bucket: str, key: str, body: bytes) -> None:
        target = self.path(bucket, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{threading.get_ident()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, target)

    def delete(self, bucket: str, key: str) -> None:
        self.path(bucket, key).unlink(missing_ok=True)

    def buckets(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []

    def keys(self, bucket: str) -> list[str]:
        folder = self.root / bucket
        return sorted(unquote(p.name) for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

    def read(self, bucket: str, key: str) -> bytes:
        return self.path(bucket, key).read_bytes()


class _WriteThrough:
    """WSGI middleware: after a successful S3 write or delete, mirror the object (read back from
    the server itself) to :class:`ObjectFiles`."""

    def __init__(self, app: Any, files: ObjectFiles, client: Callable[[], Any]) -> None:
        self.app, self.files, self._new_client = app, files, client
        self._client: Any = None
        self.paused = False

    def client(self) -> Any:
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        status: list[str] = []

        def _start(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        result = self.app(environ, _start)
        if not self.paused and environ.get("REQUEST_METHOD") in ("PUT", "POST", "DELETE") and status \
                and status[0].startswith("2"):
            try:
                self._mirror(environ)
            except Exception:
                log.exception("could not mirror an S3 write to disk")
        return result

    def _mirror(self, environ: dict[str, Any]) -> None:
        auth = unquote(str(environ.get("HTTP_AUTHORIZATION", "")) + str(environ.get("QUERY_STRING", "")))
        if "/s3/aws4_request" not in auth:
            return  # another moto service (the SQS queue of the S3 events)
        raw = str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")
        bucket, _, key = raw.lstrip("/").partition("/")
        if not bucket:
            return
        query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        if not key:  # bucket level: create, delete, DeleteObjects
            if environ["REQUEST_METHOD"] == "PUT":
                (self.files.root / bucket).mkdir(parents=True, exist_ok=True)
            elif environ["REQUEST_METHOD"] == "POST" and "delete" in query:
                for k in self.files.keys(bucket):
                    self._sync(bucket, k)
            return
        if environ["REQUEST_METHOD"] == "PUT" and "uploadId" in query:
            return  # a part of a multipart upload; the object appears on completion
        self._sync(bucket, key)

    def _sync(self, bucket: str, key: str) -> None:
        from botocore.exceptions import ClientError

        try:
            body = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NoSuchBucket"):
                self.files.delete(bucket, key)
                return
            raise
        self.files.write(bucket, key, body)


def _moto_server(host: str, port: int, wrap: Callable[[Any], Any]) -> Any:
    """moto's ThreadedMotoServer with its WSGI app wrapped."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class _Server(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = wrap(DomainDispatcherApplication(create_backend_app))
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return _Server(ip_address=host, port=port, verbose=False)


class _ChildServer:
    """``python -m moto.server`` in a child process (start/stop like ThreadedMotoServer)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


class S3Local:
    """moto's server, serving S3 (and any other moto service) at :attr:`endpoint`.

    Without ``state_dir`` buckets live in memory and disappear on :meth:`stop`; with it, objects
    are mirrored to files there and loaded back by the next start.

    moto keeps its state per Python process, so two servers in one process share their buckets and
    queues; ``own_process=True`` serves from a child process instead, with state of its own (an
    emulator beside another one in the same process, as the browser tests' stack runs).
    """

    def __init__(self, host: str = "127.0.0.1", state_dir: Path | str | None = None, *,
                 own_process: bool = False) -> None:
        if own_process and state_dir is not None:
            raise ValueError("a server in its own process keeps no files (state_dir)")
        self.host = host
        self.port: int | None = None
        self._server: Any = None
        self.own_process = own_process
        self.files = ObjectFiles(Path(state_dir)) if state_dir is not None else None
        self._mirror: _WriteThrough | None = None

    @property
    def endpoint(self) -> str:
        if self.port is None:
            raise RuntimeError("S3 emulator is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, port: int | None = None) -> S3Local:
        if self._server is not None:
            return self
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
        self.port = port if port is not None else _free_port()
        if self.own_process:
            self._server = _ChildServer(self.host, self.port)
        elif self.files is None:
            self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        else:
            files, client = self.files, self.client

            def wrap(app: Any) -> Any:
                self._mirror = _WriteThrough(app, files, client)
                return self._mirror

            self._server = _moto_server(self.host, self.port, wrap)
        self._server.start()
        self._wait_ready()
        if self.files is not None:
            self._restore()
        return self

    def _restore(self) -> None:
        """Load the mirrored objects into the fresh server (without mirroring them again)."""
        assert self.files is not None and self._mirror is not None
        client = self.client()
        self._mirror.paused = True
        try:
            names = self.files.buckets()
            create_buckets(client, names)
            count = 0
            for bucket in names:
                for key in self.files.keys(bucket):
                    client.put_object(Bucket=bucket, Key=key, Body=self.files.read(bucket, key))
                    count += 1
        finally:
            self._mirror.paused = False
        if count:
            log.info("S3 emulator: %d objects restored from %s", count, self.files.root)

    def _wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        client = self.client()
        while True:
            try:
                client.list_buckets()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=LOCAL_ENV["AWS_REGION"],
            aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"],
        )

    def create_buckets(self, names: Iterable[str]) -> list[str]:
        """Create the buckets that do not exist yet (idempotent); return the names."""
        return create_buckets(self.client(), names)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> S3Local:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def create_buckets(s3_client: Any, names: Iterable[str]) -> list[str]:
    """Create each bucket unless it already exists, in the client's region."""
    region = s3_client.meta.region_name
    existing = {b["Name"] for b in s3_client.list_buckets().get("Buckets", [])}
    created = []
    for name in names:
        if name not in existing:
            kwargs: dict[str, Any] = {"Bucket": name}
            if region and region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            s3_client.create_bucket(**kwargs)
        created.append(name)
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.s3", description=__doc__)
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--bucket", action="append", default=[], help="create this bucket (repeatable)")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="keep objects in files here across restarts (default: in memory)")
    args = parser.parse_args(argv)
    s3 = S3Local(state_dir=args.state_dir).start(port=args.port)
    s3.create_buckets(args.bucket)
    print(f"S3 emulator at {s3.endpoint}", flush=True)
    stop = False

    def _on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        while not stop:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    s3.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
