"""The local IAM evaluator and the botocore hook that enforces a function's template policies."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from oms_local import iam
from oms_local.iam import Guard, Statement, statement
from oms_local.iam_actions import requests_of
from oms_local.intrinsics import Intrinsics

REGION, ACCOUNT = "ap-northeast-2", "000000000000"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/oms"


def guard(*statements: dict[str, object]) -> Guard:
    return Guard("TestFunction", [statement(s) for s in statements], REGION, ACCOUNT)


def test_action_wildcards_are_case_insensitive_and_resources_exact() -> None:
    g = guard({"Effect": "Allow", "Action": ["dynamodb:Get*", "DYNAMODB:query"], "Resource": TABLE})
    assert g.allowed("dynamodb:GetItem", TABLE)
    assert g.allowed("dynamodb:Query", TABLE)
    assert not g.allowed("dynamodb:PutItem", TABLE)
    assert not g.allowed("dynamodb:GetItem", TABLE + "-other")
    assert not g.allowed("dynamodb:Query", TABLE + "/index/GSI1")  # the table alone grants no index


def test_index_resources_need_index_star() -> None:
    g = guard({"Effect": "Allow", "Action": "dynamodb:Query", "Resource": [TABLE, TABLE + "/index/*"]})
    assert g.allowed("dynamodb:Query", TABLE + "/index/GSI3")
    assert requests_of("dynamodb", "Query", {"TableName": "oms", "IndexName": "GSI3"}, REGION, ACCOUNT)[0] \
        .resource == TABLE + "/index/GSI3"


def test_s3_key_prefixes() -> None:
    g = guard({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/uploads/*"})
    assert g.allowed("s3:GetObject", "arn:aws:s3:::b/uploads/site/1.xlsx")
    assert not g.allowed("s3:GetObject", "arn:aws:s3:::b/results/site/1.xlsx")
    assert not g.allowed("s3:PutObject", "arn:aws:s3:::b/uploads/site/1.xlsx")
    (head,) = requests_of("s3", "HeadObject", {"Bucket": "b", "Key": "uploads/x"}, REGION, ACCOUNT)
    assert (head.action, head.resource) == ("s3:GetObject", "arn:aws:s3:::b/uploads/x")


def test_a_condition_limits_the_statement() -> None:
    g = guard({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
               "Condition": {"StringLike": {"s3:prefix": "uploads/*"}}})
    (inside,) = requests_of("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "uploads/a"}, REGION, ACCOUNT)
    (outside,) = requests_of("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "results/a"}, REGION, ACCOUNT)
    assert g.allowed(inside.action, inside.resource, inside.context)
    assert not g.allowed(outside.action, outside.resource, outside.context)
    assert not g.allowed("s3:ListBucket", "arn:aws:s3:::b")  # no prefix in the request: the key is absent


def test_an_explicit_deny_wins() -> None:
    g = guard({"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
              {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"})
    assert g.allowed("s3:PutObject", "arn:aws:s3:::b/k")
    assert not g.allowed("s3:DeleteObject", "arn:aws:s3:::b/k")


def test_transactions_are_authorised_per_item() -> None:
    reqs = requests_of("dynamodb", "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "oms", "Item": {}}}, {"Update": {"TableName": "oms", "Key": {}}},
        {"ConditionCheck": {"TableName": "oms", "Key": {}}}]}, REGION, ACCOUNT)
    assert [r.action for r in reqs] == ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
    g = guard({"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"], "Resource": TABLE})
    with pytest.raises(ClientError) as err:
        g.check("dynamodb", "TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "oms", "Item": {}}}, {"ConditionCheck": {"TableName": "oms", "Key": {}}}]})
    assert err.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "dynamodb:ConditionCheckItem" in str(err.value) and TABLE in str(err.value)


def test_sam_policy_templates_expand_to_their_actions() -> None:
    template = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table"}, "F": {"Type": "AWS::Serverless::Function",
                "Properties": {"Policies": [{"DynamoDBReadPolicy": {"TableName": {"Ref": "T"}}},
                                            {"SQSSendMessagePolicy": {"QueueName": "q"}}]}}}}
    statements = iam.function_statements(template, Intrinsics(template, "oms", {}), "F")
    g = Guard("F", statements, REGION, ACCOUNT)
    assert g.allowed("dynamodb:Query", TABLE + "/index/GSI1")
    assert not g.allowed("dynamodb:PutItem", TABLE)
    assert g.allowed("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:q")


@pytest.fixture
def active_guard() -> Iterator[Guard]:
    g = guard({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/exports/*"},
              {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource":
               f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/oms/cursor-key"})
    iam.activate(g)
    try:
        yield g
    finally:
        iam.activate(None)


def test_the_hook_refuses_calls_and_presigned_urls_of_any_client(active_guard: Guard) -> None:
    s3 = boto3.session.Session().client("s3", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    assert "exports/a.xlsx" in s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "exports/a.xlsx"})
    with pytest.raises(ClientError) as err:
        s3.generate_presigned_url("put_object", Params={"Bucket": "b", "Key": "exports/a.xlsx"})
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    ssm = boto3.client("ssm", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    with pytest.raises(ClientError, match=r"ssm:GetParameter on resource: .*parameter/oms/pg/toss/secret-key"):
        ssm.get_parameter(Name="/oms/pg/toss/secret-key", WithDecryption=True)
    assert [r.action for r in active_guard.denied] == ["s3:PutObject", "ssm:GetParameter"]


def test_no_guard_no_checks() -> None:
    iam.activate(None)
    s3 = boto3.client("s3", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    assert s3.generate_presigned_url("put_object", Params={"Bucket": "b", "Key": "x"})


def test_not_action_statements() -> None:
    g = Guard("F", [Statement("Allow", [], ["*"], not_actions=["s3:Delete*"])], REGION, ACCOUNT)
    assert g.allowed("s3:GetObject", "arn:aws:s3:::b/k")
    assert not g.allowed("s3:DeleteObject", "arn:aws:s3:::b/k")


def test_only_the_relay_may_put_order_events_and_only_on_its_bus() -> None:
    from oms_local.gateway import Gateway
    from oms_local.template import TEMPLATE_PATH

    gw = Gateway(TEMPLATE_PATH, table_name="t", port=0)
    bus = gw.contracts["RelayFunction"].template_env["EVENT_BUS_NAME"]
    assert bus == "oms-local-order-events"
    gw.contracts["RelayFunction"].guard.check("events", "PutEvents", {"Entries": [{"EventBusName": bus}]})
    for function, name in (("RelayFunction", "default"), ("OrdersFunction", bus)):
        with pytest.raises(ClientError):
            gw.contracts[function].guard.check("events", "PutEvents", {"Entries": [{"EventBusName": name}]})
