"""S3 objects of the invoice workflow: presigned URLs for the console, reads and writes for ingestion.

The bucket comes from ``INVOICE_BUCKET``; the endpoint from the standard ``AWS_ENDPOINT_URL_S3``
(the local S3 emulator), so no code path differs between AWS and the local stack.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from botocore.config import Config


def client() -> Any:
    """The S3 client (one per process; a new one if the endpoint setting changed, as tests do)."""
    return _client(os.environ.get("AWS_ENDPOINT_URL_S3"))


@cache
def _client(endpoint: str | None) -> Any:
    return boto3.client("s3", endpoint_url=endpoint,
                        config=Config(signature_version="s3v4", retries={"max_attempts": 4, "mode": "standard"}))


def reset() -> None:
    """Drop the clients (an emulator restarted on the same endpoint: no pooled connection to it)."""
    _client.cache_clear()


def bucket() -> str:
    return os.environ["INVOICE_BUCKET"]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def presign_put(key: str, expires_in: int) -> str:
    url: str = client().generate_presigned_url(
        "put_object", Params={"Bucket": bucket(), "Key": key, "ContentType": XLSX}, ExpiresIn=expires_in)
    return url


def presign_get(key: str, expires_in: int, filename: str | None = None) -> str:
    params: dict[str, Any] = {"Bucket": bucket(), "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f"attachment; filename=\"{filename}\""
    url: str = client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
    return url


def head(bucket_name: str, key: str) -> dict[str, Any]:
    resp: dict[str, Any] = client().head_object(Bucket=bucket_name, Key=key)
    return resp


def download(bucket_name: str, key: str, path: str) -> None:
    client().download_file(bucket_name, key, path)


def upload(path: str, key: str, bucket_name: str | None = None) -> None:
    client().upload_file(path, bucket_name or bucket(), key, ExtraArgs={"ContentType": XLSX})


def exists(key: str, bucket_name: str | None = None) -> bool:
    """Whether the object is there (HeadObject; a 404 is False, any other error raises)."""
    from botocore.exceptions import ClientError

    try:
        client().head_object(Bucket=bucket_name or bucket(), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def redeliver(key: str, marker: str, bucket_name: str | None = None) -> None:
    """Copy the object onto itself (new metadata, same bytes): S3 sends ``ObjectCreated:Copy``, so
    the function the upload triggered runs again through the same event path."""
    name = bucket_name or bucket()
    client().copy_object(Bucket=name, Key=key, CopySource={"Bucket": name, "Key": key},
                         Metadata={"redelivery": marker}, MetadataDirective="REPLACE", ContentType=XLSX)
