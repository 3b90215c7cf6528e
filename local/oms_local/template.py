"""Read ``template.yaml`` and create the OMS table from it.

The table is always created from the ``OmsTable`` resource of the SAM template, so the
template stays the single definition of keys and indexes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from oms_local import REPO_ROOT

TEMPLATE_PATH = REPO_ROOT / "template.yaml"
TABLE_LOGICAL_ID = "OmsTable"


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation short-form tags (``!Ref``, ``!GetAtt``, ``!Sub``...).

    Tags become their long JSON form: ``!Ref X`` -> ``{"Ref": "X"}``, ``!GetAtt A.B`` ->
    ``{"Fn::GetAtt": ["A", "B"]}``, ``!Sub s`` -> ``{"Fn::Sub": "s"}``, ``!Condition C`` ->
    ``{"Condition": "C"}``.
    """


def _construct_cfn_tag(loader: CfnLoader, tag_suffix: str, node: yaml.Node) -> Any:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node {node!r}", node.start_mark)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{tag_suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_cfn_tag)


def load_template(path: str | Path = TEMPLATE_PATH) -> dict[str, Any]:
    """Load a CloudFormation/SAM template; relative paths are taken from the repository root."""
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = REPO_ROOT / p
    with p.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=CfnLoader)
    if not isinstance(data, dict):
        raise ValueError(f"{p} is not a template")
    return data


def table_properties(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``Properties`` of the ``OmsTable`` resource."""
    tpl = template if template is not None else load_template()
    resource = tpl["Resources"][TABLE_LOGICAL_ID]
    if resource.get("Type") != "AWS::DynamoDB::Table":
        raise ValueError(f"{TABLE_LOGICAL_ID} is not an AWS::DynamoDB::Table")
    props: dict[str, Any] = resource["Properties"]
    return props


def _key_schema(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in items]


def table_create_kwargs(table_name: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """boto3 ``create_table`` keyword arguments for the ``OmsTable`` resource."""
    props = table_properties(template)
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": [
            {"AttributeName": a["AttributeName"], "AttributeType": a["AttributeType"]}
            for a in props["AttributeDefinitions"]
        ],
        "KeySchema": _key_schema(props["KeySchema"]),
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    gsis = []
    for gsi in props.get("GlobalSecondaryIndexes", []):
        projection: dict[str, Any] = {"ProjectionType": gsi["Projection"]["ProjectionType"]}
        if gsi["Projection"].get("NonKeyAttributes"):
            projection["NonKeyAttributes"] = list(gsi["Projection"]["NonKeyAttributes"])
        entry: dict[str, Any] = {
            "IndexName": gsi["IndexName"],
            "KeySchema": _key_schema(gsi["KeySchema"]),
            "Projection": projection,
        }
        if "ProvisionedThroughput" in gsi:
            entry["ProvisionedThroughput"] = gsi["ProvisionedThroughput"]
        gsis.append(entry)
    if gsis:
        kwargs["GlobalSecondaryIndexes"] = gsis
    stream = props.get("StreamSpecification")
    if stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    if kwargs["BillingMode"] == "PROVISIONED":
        kwargs["ProvisionedThroughput"] = props.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        )
    return kwargs


def ttl_attribute(template: dict[str, Any] | None = None) -> str | None:
    """The TTL attribute of the table, or None when TTL is not enabled."""
    spec = table_properties(template).get("TimeToLiveSpecification") or {}
    if spec.get("Enabled") in (True, "true", "True"):
        return str(spec["AttributeName"])
    return None


def create_table(
    dynamodb_client: Any,
    table_name: str,
    template: dict[str, Any] | None = None,
    timeout: float = 60.0,
) -> bool:
    """Create the table from the template if absent, wait until ACTIVE, enable TTL.

    Idempotent. Returns True when the table was created by this call.
    """
    tpl = template if template is not None else load_template()
    created = False
    try:
        dynamodb_client.describe_table(TableName=table_name)
    except dynamodb_client.exceptions.ResourceNotFoundException:
        try:
            dynamodb_client.create_table(**table_create_kwargs(table_name, tpl))
            created = True
        except dynamodb_client.exceptions.ResourceInUseException:
            pass  # created concurrently by someone else
    deadline = time.monotonic() + timeout
    while True:
        desc = dynamodb_client.describe_table(TableName=table_name)["Table"]
        gsi_states = [g.get("IndexStatus", "ACTIVE") for g in desc.get("GlobalSecondaryIndexes", [])]
        if desc["TableStatus"] == "ACTIVE" and all(s == "ACTIVE" for s in gsi_states):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {table_name} not ACTIVE after {timeout}s")
        time.sleep(0.1)
    stream = table_properties(tpl).get("StreamSpecification")
    if stream and not desc.get("StreamSpecification", {}).get("StreamEnabled"):  # a table from before the outbox
        dynamodb_client.update_table(TableName=table_name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": stream["StreamViewType"]})
    attr = ttl_attribute(tpl)
    if attr:
        current = dynamodb_client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            dynamodb_client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": attr, "Enabled": True},
            )
    return created
