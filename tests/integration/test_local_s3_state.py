"""The local S3 emulator with a state directory keeps uploaded objects across a restart, even when
its process is killed (the objects are written through to files before the upload is answered)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from oms_local import LOCAL_ENV, REPO_ROOT
from oms_local.ddb import free_port

SRC_PATH = os.pathsep.join(str(REPO_ROOT / p) for p in ("local", "shared"))


class S3Process:
    """``python -m oms_local.s3 --state-dir ...`` in its own process, on a fixed port."""

    def __init__(self, state_dir: Path, port: int) -> None:
        self.state_dir, self.port = state_dir, port
        self.proc: subprocess.Popen[str] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Process:
        env = {**os.environ, "PYTHONPATH": SRC_PATH + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oms_local.s3", "--port", str(self.port), "--state-dir", str(self.state_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # prints its endpoint once it serves (after restoring objects)
            if line.startswith("S3 emulator at"):
                return self
        raise RuntimeError("S3 emulator did not start")

    def kill(self) -> None:
        """Like a crash: SIGKILL, no clean shutdown."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.proc = None

    def client(self) -> object:
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=LOCAL_ENV["AWS_REGION"],
                            aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"])


@pytest.fixture
def s3_process(tmp_path: Path) -> Iterator[S3Process]:
    proc = S3Process(tmp_path / "s3", free_port()).start()
    try:
        yield proc
    finally:
        proc.kill()


def test_objects_survive_a_killed_emulator(s3_process: S3Process) -> None:
    s3 = s3_process.client()
    from oms_local.s3 import create_buckets

    create_buckets(s3, ["oms-state-test"])
    s3.put_object(Bucket="oms-state-test", Key="uploads/site-1/20260101T000000-abcd.xlsx", Body=b"PK-one")  # type: ignore[attr-defined]
    s3.put_object(Bucket="oms-state-test", Key="results/한글 키.xlsx", Body=b"PK-two")  # type: ignore[attr-defined]
    s3.put_object(Bucket="oms-state-test", Key="gone.xlsx", Body=b"x")  # type: ignore[attr-defined]
    s3.delete_object(Bucket="oms-state-test", Key="gone.xlsx")  # type: ignore[attr-defined]
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "oms-state-test", "Key": "uploads/p.xlsx"})  # type: ignore[attr-defined]
    import urllib.request

    req = urllib.request.Request(url, data=b"PK-presigned", method="PUT",
                                 headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(req, timeout=10):
        pass
    s3_process.kill()
    s3_process.start()
    s3 = s3_process.client()
    got = {o["Key"] for o in s3.list_objects_v2(Bucket="oms-state-test")["Contents"]}  # type: ignore[attr-defined]
    assert got == {"uploads/site-1/20260101T000000-abcd.xlsx", "results/한글 키.xlsx", "uploads/p.xlsx"}
    body = s3.get_object(Bucket="oms-state-test", Key="uploads/site-1/20260101T000000-abcd.xlsx")["Body"].read()  # type: ignore[attr-defined]
    assert body == b"PK-one"
    assert s3.get_object(Bucket="oms-state-test", Key="uploads/p.xlsx")["Body"].read() == b"PK-presigned"  # type: ignore[attr-defined]
