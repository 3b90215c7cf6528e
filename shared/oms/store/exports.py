"""Export templates and exported-file records (site partition), and the export bucket.

- ``S#<site>`` / ``EXPTPL#<template>``: a site's own template (columns, row grain, address layout).
- ``S#<site>`` / ``EXPORT#<export>``: who exported which orders with which template, when, and
  the S3 key of the file (no personal data; expires with the file through ``ttl``).
- S3 ``exports/<site>/<export>.xlsx`` in ``EXPORT_BUCKET``: the workbook (the only place the
  orders' personal data leaves the table), downloaded through short-lived presigned URLs.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from oms.domain.errors import Conflict
from oms.store import keys
from oms.store.files import XLSX
from oms.store.files import client as s3_client
from oms.store.orders import plain
from oms.store.table import Item, client, dump, key, load, query_all, table_name

MAX_TEMPLATES = 20


def template_key(site_id: str, template_id: str) -> dict[str, Any]:
    return key(keys.site_pk(site_id), keys.export_template_sk(template_id))


def get_template(site_id: str, template_id: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=template_key(site_id, template_id))
    return plain(load(resp["Item"])) if "Item" in resp else None


def list_templates(site_id: str) -> list[Item]:
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": "EXPTPL#"}},
    )
    return [plain(i) for i in items]


def put_template(site_id: str, template_id: str, body: dict[str, Any], *, create: bool) -> None:
    item = {"PK": keys.site_pk(site_id), "SK": keys.export_template_sk(template_id), "type": "export_template",
            "template_id": template_id, **body}
    condition = "attribute_not_exists(PK)" if create else "attribute_exists(PK)"
    try:
        client().put_item(TableName=table_name(), Item=dump(item), ConditionExpression=condition)
    except client().exceptions.ConditionalCheckFailedException as exc:
        raise Conflict("TEMPLATE_CHANGED", "양식이 그 사이 바뀌었거나 삭제되었습니다. 다시 불러오세요.") from exc


def delete_template(site_id: str, template_id: str) -> bool:
    resp = client().delete_item(TableName=table_name(), Key=template_key(site_id, template_id),
                                ReturnValues="ALL_OLD")
    return "Attributes" in resp


def put_export(site_id: str, export_id: str, record: dict[str, Any]) -> None:
    item = {"PK": keys.site_pk(site_id), "SK": keys.export_sk(export_id), "type": "export",
            "export_id": export_id, **record}
    client().put_item(TableName=table_name(), Item=dump(item))


def get_export(site_id: str, export_id: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=key(keys.site_pk(site_id), keys.export_sk(export_id)))
    return plain(load(resp["Item"])) if "Item" in resp else None


# ---- the bucket ---------------------------------------------------------------------------------


def bucket() -> str:
    return os.environ["EXPORT_BUCKET"]


def upload(path: str, object_key: str, content_type: str = XLSX) -> None:
    """Multipart from the file on disk (boto3's transfer manager): memory stays bounded."""
    s3_client().upload_file(path, bucket(), object_key, ExtraArgs={"ContentType": content_type})


def content_disposition(filename: str, fallback: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback name and the UTF-8 (Korean) name."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def presign_get(object_key: str, filename: str, fallback: str, expires_in: int) -> str:
    content_type = "application/pdf" if object_key.endswith(".pdf") else XLSX
    url: str = s3_client().generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket(), "Key": object_key,
                "ResponseContentDisposition": content_disposition(filename, fallback),
                "ResponseContentType": content_type},
        ExpiresIn=expires_in)
    return url


def exists(object_key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3_client().head_object(Bucket=bucket(), Key=object_key)
    except ClientError:
        return False
    return True
