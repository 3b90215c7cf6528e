"""What an AWS API call needs from IAM: the (action, resource ARN, context) requests it is authorised by.

Modelled after the services' authorisation references for the operations the functions use:
DynamoDB (TransactWriteItems per item as Put/Update/Delete/ConditionCheckItem, batches per table,
Query/Scan on an index as ``table/T/index/I``), S3 (HeadObject as GetObject, ListObjects as
ListBucket with ``s3:prefix``, CopyObject as GetObject + PutObject, multipart as PutObject),
SQS (batches as their single action), SSM parameters, EventBridge. Anything else is
``<service>:<Operation>`` on the resource the parameters name, or ``*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from oms_local.iam import Request, queue_name

_TX_WRITE = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
_S3_AS = {"HeadObject": "GetObject", "ListObjects": "ListBucket", "ListObjectsV2": "ListBucket",
          "HeadBucket": "ListBucket", "CreateMultipartUpload": "PutObject", "UploadPart": "PutObject",
          "CompleteMultipartUpload": "PutObject", "DeleteObjects": "DeleteObject",
          "ListMultipartUploads": "ListBucketMultipartUploads", "ListParts": "ListMultipartUploadParts",
          "GetObjectAttributes": "GetObject"}
_SQS_AS = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
           "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}


def _table(name: str, region: str, account: str) -> str:
    return name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def _dynamodb(op: str, p: Mapping[str, Any], region: str, account: str) -> Iterable[Request]:
    if op in ("TransactWriteItems", "TransactGetItems"):
        for item in p.get("TransactItems") or []:
            for kind, spec in item.items():
                action = "GetItem" if kind == "Get" else _TX_WRITE.get(kind, kind)
                yield Request(f"dynamodb:{action}", _table(str(spec.get("TableName", "")), region, account))
        return
    if op in ("BatchGetItem", "BatchWriteItem"):
        for name in (p.get("RequestItems") or {}):
            yield Request(f"dynamodb:{op}", _table(str(name), region, account))
        return
    if "TableName" in p:
        arn = _table(str(p["TableName"]), region, account)
        if p.get("IndexName"):
            arn = f"{arn}/index/{p['IndexName']}"
        yield Request(f"dynamodb:{op}", arn)
        return
    yield Request(f"dynamodb:{op}", "*")


def _s3(op: str, p: Mapping[str, Any]) -> Iterable[Request]:
    action = f"s3:{_S3_AS.get(op, op)}"
    bucket = str(p.get("Bucket", ""))
    if op == "CopyObject":
        source = p.get("CopySource")
        if isinstance(source, Mapping):
            yield Request("s3:GetObject", f"arn:aws:s3:::{source.get('Bucket')}/{source.get('Key')}")
        elif source:
            yield Request("s3:GetObject", f"arn:aws:s3:::{str(source).lstrip('/').split('?')[0]}")
        yield Request("s3:PutObject", f"arn:aws:s3:::{bucket}/{p.get('Key', '')}")
        return
    if op == "DeleteObjects":
        for obj in (p.get("Delete") or {}).get("Objects") or []:
            yield Request(action, f"arn:aws:s3:::{bucket}/{obj.get('Key', '')}")
        return
    if op in ("ListObjects", "ListObjectsV2"):
        yield Request(action, f"arn:aws:s3:::{bucket}", {"s3:prefix": str(p.get("Prefix", ""))})
        return
    if "Key" in p:
        yield Request(action, f"arn:aws:s3:::{bucket}/{p['Key']}")
    elif bucket:
        yield Request(action, f"arn:aws:s3:::{bucket}")
    else:
        yield Request(action, "*")


def _parameter(name: str, region: str, account: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:ssm:{region}:{account}:parameter/{name.lstrip('/')}"


def requests_of(service: str, op: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    """The IAM requests of one call (each must be allowed)."""
    if service == "dynamodb":
        return list(_dynamodb(op, params, region, account))
    if service == "s3":
        return list(_s3(op, params))
    if service == "sqs":
        action = f"sqs:{_SQS_AS.get(op, op)}"
        name = queue_name(str(params["QueueUrl"])) if params.get("QueueUrl") else params.get("QueueName")
        return [Request(action, f"arn:aws:sqs:{region}:{account}:{name}" if name else "*")]
    if service == "ssm":
        names = params.get("Names") or ([params["Name"]] if "Name" in params else
                                        [params["Path"]] if "Path" in params else [])
        if not names:
            return [Request(f"ssm:{op}", "*")]
        return [Request(f"ssm:{op}", _parameter(str(n), region, account)) for n in names]
    if service == "events":
        if op == "PutEvents":
            buses = {str(e.get("EventBusName") or "default") for e in params.get("Entries") or []} or {"default"}
            return [Request("events:PutEvents", b if b.startswith("arn:") else
                            f"arn:aws:events:{region}:{account}:event-bus/{b}") for b in sorted(buses)]
        return [Request(f"events:{op}", "*")]
    return [Request(f"{service}:{op}", "*")]
