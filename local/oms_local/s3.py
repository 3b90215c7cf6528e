"""S3 emulator for local runs and tests: moto's threaded server on a loopback port."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Iterable
from typing import Any

from oms_local import LOCAL_ENV


def _free_port() -> int:
    from oms_local.ddb import free_port

    return free_port()


class S3Local:
    """moto's server, serving S3 (and any other moto service) at :attr:`endpoint`.

    Buckets live in memory and disappear on :meth:`stop`.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port: int | None = None
        self._server: Any = None

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
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self._wait_ready()
        return self

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
    args = parser.parse_args(argv)
    s3 = S3Local().start(port=args.port)
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
