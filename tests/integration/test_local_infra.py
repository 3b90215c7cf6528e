"""The local stand-ins work: DynamoDB Local with the template's table, moto's S3 server."""

from __future__ import annotations

import os
import time
from pathlib import Path

import boto3

from oms_local.ddb import DynamoDBLocal
from oms_local.s3 import create_buckets
from oms_local.template import create_table, load_template


def test_env_points_at_local_table(ddb_endpoint: str, table_name: str) -> None:
    assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == ddb_endpoint
    assert ddb_endpoint.startswith("http://127.0.0.1:")
    assert os.environ["TABLE_NAME"] == table_name
    assert os.environ["AWS_REGION"] == "ap-northeast-2"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "local"


def test_table_matches_template(ddb_endpoint: str, table_name: str) -> None:
    client = boto3.client("dynamodb")  # default client: endpoint comes from the environment
    desc = client.describe_table(TableName=table_name)["Table"]
    props = load_template()["Resources"]["OmsTable"]["Properties"]
    assert desc["TableStatus"] == "ACTIVE"
    assert desc["KeySchema"] == props["KeySchema"]
    assert {g["IndexName"] for g in desc["GlobalSecondaryIndexes"]} == {"GSI1", "GSI2", "GSI3"}
    assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    assert ttl["AttributeName"] == "ttl"
    # idempotent
    assert create_table(client, table_name) is False


def test_items_and_gsi_query_isolated_by_site(ddb_endpoint: str, table_name: str, site_id: str) -> None:
    table = boto3.resource("dynamodb").Table(table_name)
    table.put_item(
        Item={
            "PK": f"SITE#{site_id}#ORDER#1",
            "SK": "META",
            "GSI1PK": f"SITE#{site_id}#STATUS#PAID",
            "GSI1SK": "2024-01-01T00:00:00Z",
            "amount": 15000,
        }
    )
    got = table.get_item(Key={"PK": f"SITE#{site_id}#ORDER#1", "SK": "META"})["Item"]
    assert got["amount"] == 15000
    res = table.query(
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": f"SITE#{site_id}#STATUS#PAID"},
    )
    assert [i["PK"] for i in res["Items"]] == [f"SITE#{site_id}#ORDER#1"]


def test_site_ids_are_unique(site_id: str) -> None:
    assert site_id.startswith("site-") and len(site_id) == len("site-") + 8


def test_s3_emulator(s3_endpoint: str, site_id: str) -> None:
    assert os.environ["AWS_ENDPOINT_URL_S3"] == s3_endpoint
    s3 = boto3.client("s3")
    bucket = f"oms-test-{site_id}"
    assert create_buckets(s3, [bucket]) == [bucket]
    assert create_buckets(s3, [bucket]) == [bucket]  # idempotent
    s3.put_object(Bucket=bucket, Key="invoices/1.xlsx", Body=b"data")
    assert s3.get_object(Bucket=bucket, Key="invoices/1.xlsx")["Body"].read() == b"data"


def test_db_path_keeps_data_across_restarts(tmp_path: Path) -> None:
    db_path = tmp_path / "ddb"
    key = {"PK": {"S": "SITE#x#ORDER#1"}, "SK": {"S": "META"}}
    ddb = DynamoDBLocal().start(db_path=db_path)
    try:
        create_table(ddb.client(), "oms-persist")
        ddb.client().put_item(TableName="oms-persist", Item={**key, "n": {"N": "1"}})
    finally:
        ddb.stop()
    assert not ddb.running
    time.sleep(0.2)
    ddb2 = DynamoDBLocal().start(db_path=db_path)
    try:
        item = ddb2.client().get_item(TableName="oms-persist", Key=key)["Item"]
        assert item["n"] == {"N": "1"}
    finally:
        ddb2.stop()
