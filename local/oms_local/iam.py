"""The IAM side of a function's contract: its template policies, evaluated on every AWS call it makes.

:func:`function_statements` reads a function's ``Policies`` (inline ``Statement`` lists and the SAM
policy templates expanded to their actions and resources) with intrinsics resolved the way the
local stack names things. :class:`Guard` evaluates a call against them: an explicit ``Deny`` wins,
then some ``Allow`` must match the action (wildcards, case-insensitive), the resource ARN
(wildcards) and its ``Condition``. :func:`install` hooks botocore (``before-parameter-build``, on
every session created afterwards and on boto3's default one), so every client is covered, the
ones Powertools creates included, and presigned URLs are checked for the action they grant.

Approximations: condition operators other than String*/Bool/Null are taken as satisfied, and the
only request context key is ``s3:prefix`` (ListObjects); managed policies SAM adds on its own
(logs, X-Ray, the SQS poller's) are not modelled: the function itself makes none of those calls.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import ClientError

from oms_local.intrinsics import Intrinsics

# --------------------------------------------------------------------------- SAM policy templates


def _table_arns(i: Intrinsics, a: Mapping[str, Any]) -> list[str]:
    table = f"arn:aws:dynamodb:{i.pseudo['AWS::Region']}:{_account(i)}:table/{a['TableName']}"
    return [table, f"{table}/index/*"]


def _bucket_arns(i: Intrinsics, a: Mapping[str, Any]) -> list[str]:
    return [f"arn:aws:s3:::{a['BucketName']}", f"arn:aws:s3:::{a['BucketName']}/*"]


def _account(i: Intrinsics) -> str:
    return str(i.pseudo["AWS::AccountId"])


_DDB_READ = ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem",
             "dynamodb:DescribeTable"]
_S3_READ = ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
            "s3:GetLifecycleConfiguration"]
_S3_WRITE = ["s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"]

#: name -> (actions, resources of the template's arguments)
SAM_POLICY_TEMPLATES: dict[str, tuple[list[str], Callable[[Intrinsics, Mapping[str, Any]], list[str]]]] = {
    "DynamoDBCrudPolicy": ([*_DDB_READ, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                            "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"], _table_arns),
    "DynamoDBReadPolicy": (_DDB_READ, _table_arns),
    "DynamoDBWritePolicy": (["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"], _table_arns),
    "S3ReadPolicy": (_S3_READ, _bucket_arns),
    "S3WritePolicy": (_S3_WRITE, _bucket_arns),
    "S3CrudPolicy": ([*_S3_READ, *_S3_WRITE, "s3:DeleteObject"], _bucket_arns),
    "SQSSendMessagePolicy": (["sqs:SendMessage*"], lambda i, a: [
        f"arn:aws:sqs:{i.pseudo['AWS::Region']}:{_account(i)}:{a['QueueName']}"]),
    "SQSPollerPolicy": (["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
                         "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], lambda i, a: [
        f"arn:aws:sqs:{i.pseudo['AWS::Region']}:{_account(i)}:{a['QueueName']}"]),
    "SSMParameterReadPolicy": (["ssm:DescribeParameters", "ssm:GetParameters", "ssm:GetParameter",
                                "ssm:GetParametersByPath"], lambda i, a: [
        f"arn:aws:ssm:{i.pseudo['AWS::Region']}:{_account(i)}:parameter/{str(a['ParameterName']).lstrip('/')}"]),
    "EventBridgePutEventsPolicy": (["events:PutEvents"], lambda i, a: [
        f"arn:aws:events:{i.pseudo['AWS::Region']}:{_account(i)}:event-bus/{a['EventBusName']}"]),
}


@dataclass
class Statement:
    effect: str
    actions: list[str]
    resources: list[str]
    condition: dict[str, Any] = field(default_factory=dict)
    not_actions: list[str] = field(default_factory=list)
    sid: str = ""


def _listify(value: Any) -> list[Any]:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def statement(raw: Mapping[str, Any]) -> Statement:
    return Statement(effect=str(raw.get("Effect", "Allow")), actions=[str(a) for a in _listify(raw.get("Action"))],
                     not_actions=[str(a) for a in _listify(raw.get("NotAction"))],
                     resources=[str(r) for r in _listify(raw.get("Resource"))],
                     condition=dict(raw.get("Condition") or {}), sid=str(raw.get("Sid", "")))


def function_statements(template: Mapping[str, Any], resolver: Intrinsics, logical_id: str) -> list[Statement]:
    """The resolved statements of a function's ``Policies`` (inline and SAM policy templates)."""
    props = (template["Resources"][logical_id].get("Properties") or {})
    out: list[Statement] = []
    for policy in _listify(props.get("Policies")):
        if isinstance(policy, str):
            raise ValueError(f"{logical_id}: managed policy {policy!r} is not modelled locally")
        resolved = resolver.resolve(policy)
        for name, args in resolved.items():
            if name == "Statement":
                out += [statement(s) for s in _listify(args)]
            elif name in SAM_POLICY_TEMPLATES:
                actions, resources = SAM_POLICY_TEMPLATES[name]
                out.append(Statement("Allow", list(actions), resources(resolver, args or {}), sid=name))
            else:
                raise ValueError(f"{logical_id}: SAM policy template {name!r} is not modelled locally")
    return out


# --------------------------------------------------------------------------- evaluation


def _pattern(glob: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob) + r"\Z",
                      flags | re.DOTALL)


def _like(glob: str, value: str, flags: int = 0) -> bool:
    return _pattern(glob, flags).match(value) is not None


def _condition_holds(condition: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, tests in condition.items():
        op = operator.split(":")[-1]
        if_exists = op.endswith("IfExists")
        op = op.removesuffix("IfExists")
        for key, wanted in (tests or {}).items():
            values = [str(v) for v in _listify(wanted)]
            got = context.get(key)
            if op == "Null":
                if (got is None) != (values[0].lower() == "true"):
                    return False
                continue
            if op not in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "Bool",
                          "StringEqualsIgnoreCase"):
                continue  # approximated: taken as satisfied
            if got is None:
                if if_exists or op.startswith("StringNot"):
                    continue
                return False
            if op in ("StringEquals", "Bool"):
                ok = got in values
            elif op == "StringEqualsIgnoreCase":
                ok = got.lower() in [v.lower() for v in values]
            elif op == "StringNotEquals":
                ok = got not in values
            elif op == "StringLike":
                ok = any(_like(v, got) for v in values)
            else:
                ok = not any(_like(v, got) for v in values)
            if not ok:
                return False
    return True


def _matches(st: Statement, action: str, resource: str, context: Mapping[str, str]) -> bool:
    if st.not_actions:
        if any(_like(a, action, re.IGNORECASE) for a in st.not_actions):
            return False
    elif not any(_like(a, action, re.IGNORECASE) for a in st.actions):
        return False
    if not any(_like(r, resource) for r in st.resources):
        return False
    return _condition_holds(st.condition, context)


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


class Guard:
    """The statements of one function; :meth:`check` raises AccessDenied for what they do not grant."""

    def __init__(self, function: str, statements: Iterable[Statement], region: str, account: str) -> None:
        self.function, self.statements = function, list(statements)
        self.region, self.account = region, account
        self.denied: list[Request] = []

    def allowed(self, action: str, resource: str, context: Mapping[str, str] | None = None) -> bool:
        ctx = context or {}
        if any(s.effect == "Deny" and _matches(s, action, resource, ctx) for s in self.statements):
            return False
        return any(s.effect == "Allow" and _matches(s, action, resource, ctx) for s in self.statements)

    def check(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        from oms_local.iam_actions import requests_of

        for req in requests_of(service, operation, params, self.region, self.account):
            if not self.allowed(req.action, req.resource, req.context):
                self.denied.append(req)
                code = "AccessDenied" if service in ("s3", "sqs") else "AccessDeniedException"
                message = (f"User: arn:aws:sts::{self.account}:assumed-role/{self.function}Role/{self.function} "
                           f"is not authorized to perform: {req.action} on resource: {req.resource} because no "
                           f"identity-based policy allows the {req.action} action (template.yaml, "
                           f"{self.function}.Policies)")
                error: Any = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}}
                raise ClientError(error, operation)


# --------------------------------------------------------------------------- the botocore hook

_state = threading.Lock()
_active: list[Guard] = []  # process-wide (a handler's worker threads act with its role too)
_installed = False


def activate(guard: Guard | None) -> None:
    """The guard every AWS call of this process is checked against from now on (None: no checks)."""
    if guard is not None:
        install()
    with _state:
        _active[:] = [guard] if guard is not None else []


def active() -> Guard | None:
    return _active[0] if _active else None


_exempt = threading.local()


@contextmanager
def exempt() -> Iterator[None]:
    """Calls the local stack itself makes in this thread (an event source mapping receiving from its
    queue, as the Lambda service does) are not the function's: they are not checked."""
    before = getattr(_exempt, "on", False)
    _exempt.on = True
    try:
        yield
    finally:
        _exempt.on = before


class ExemptClient:
    """A boto3 client of the local stack's own plumbing (the event source mappings' pollers): every
    call it makes runs under :func:`exempt`, whatever function's guard is active in the process."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with exempt():
                return attr(*args, **kwargs)

        return call


def _hook(params: Any = None, model: Any = None, context: Any = None, **_: Any) -> None:
    if getattr(_exempt, "on", False):
        return
    guard = active()
    if guard is None or model is None:
        return
    service = str(model.service_model.signing_name or model.service_model.endpoint_prefix)
    guard.check(service, model.name, params or {})


def install() -> None:
    """Check every boto3/botocore call against :func:`active` (idempotent)."""
    global _installed
    import boto3
    from botocore import handlers

    with _state:
        if _installed:
            return
        _installed = True
    handlers.BUILTIN_HANDLERS.append(("before-parameter-build", _hook))  # every session created from now on
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.register("before-parameter-build", _hook)


def queue_name(url: str) -> str:
    return urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
