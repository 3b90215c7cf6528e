"""CloudFormation intrinsic functions in template values (``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ...),
resolved the way the local stack names things: the test table, local bucket names, the local account."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from oms_local import REGION
from oms_local.lambda_context import LOCAL_ACCOUNT_ID

SQS_URL = "https://sqs.{region}.amazonaws.com"


class Intrinsics:
    """Resolves the intrinsic functions that appear in env vars and authorizer settings."""

    def __init__(self, template: dict[str, Any], table_name: str, parameters: Mapping[str, str]) -> None:
        self.template = template
        self.table_name = table_name
        self.parameters = dict(parameters)
        self.resources: dict[str, Any] = template.get("Resources") or {}
        self.pseudo = {
            "AWS::Region": os.environ.get("AWS_REGION", REGION),
            "AWS::AccountId": LOCAL_ACCOUNT_ID,
            "AWS::StackName": "oms-local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }

    def parameter(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        spec = (self.template.get("Parameters") or {}).get(name)
        if spec is None:
            raise KeyError(name)
        return spec.get("Default")

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters or name in (self.template.get("Parameters") or {}):
            return self.parameter(name)
        resource = self.resources.get(name)
        if resource is None:
            raise KeyError(name)
        rtype = resource.get("Type", "")
        props = resource.get("Properties") or {}
        if rtype == "AWS::DynamoDB::Table":
            return self.table_name
        if rtype == "AWS::S3::Bucket":
            return bucket_name(self, name)
        if rtype in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            return props.get("FunctionName") or name
        if rtype == "AWS::Events::EventBus":  # the bus name
            return event_bus_name(self, name)
        if rtype == "AWS::SQS::Queue":  # the queue URL (moto's account in its path; the endpoint: see contract)
            return f"{SQS_URL.format(region=self.pseudo['AWS::Region'])}/123456789012/{queue_name(self, name)}"
        return name

    def get_att(self, name: str, attr: str) -> str:
        ref = self.ref(name)
        rtype = (self.resources.get(name) or {}).get("Type", "")
        region, account = self.pseudo["AWS::Region"], LOCAL_ACCOUNT_ID
        if attr == "Arn":
            if rtype == "AWS::DynamoDB::Table":
                return f"arn:aws:dynamodb:{region}:{account}:table/{ref}"
            if rtype == "AWS::S3::Bucket":
                return f"arn:aws:s3:::{ref}"
            if rtype == "AWS::SQS::Queue":
                return f"arn:aws:sqs:{region}:{account}:{queue_name(self, name)}"
            if rtype in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                return f"arn:aws:lambda:{region}:{account}:function:{ref}"
            if rtype == "AWS::Events::EventBus":
                return f"arn:aws:events:{region}:{account}:event-bus/{ref}"
            return f"arn:aws:local:{region}:{account}:{name}"
        if attr == "StreamArn" and rtype == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{region}:{account}:table/{ref}/stream/local"
        return f"{ref}.{attr}"

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: self.resolve(v) for k, v in value.items()}
        ((key, arg),) = value.items()
        if key == "Ref":
            return self.ref(arg)
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            return self.get_att(parts[0], parts[1])
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            return self.sub(text, {k: self.resolve(v) for k, v in variables.items()})
        if key == "Fn::Join":
            sep, items = arg
            return sep.join(str(self.resolve(i)) for i in self.resolve(items))
        if key == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if key == "Fn::Split":
            sep, text = arg
            return str(self.resolve(text)).split(sep)
        if key == "Fn::If":
            return self.resolve(arg[1])  # conditions are not evaluated locally: take the "true" branch
        return {key: self.resolve(arg)}

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                res, attr = name.split(".", 1)
                return self.get_att(res, attr)
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", repl, text)


def bucket_name(resolver: Intrinsics, logical_id: str) -> str:
    """Local name of an ``AWS::S3::Bucket``: its ``BucketName`` if set, else ``oms-local-<id>``."""
    props = (resolver.resources.get(logical_id) or {}).get("Properties") or {}
    if props.get("BucketName") is not None:
        return str(resolver.resolve(props["BucketName"]))
    return f"oms-local-{logical_id.lower()}"


def queue_name(resolver: Intrinsics, logical_id: str) -> str:
    """Local name of an ``AWS::SQS::Queue``: its ``QueueName`` if set, else ``oms-local-<id>``."""
    props = (resolver.resources.get(logical_id) or {}).get("Properties") or {}
    if props.get("QueueName") is not None:
        return str(resolver.resolve(props["QueueName"]))
    return f"oms-local-{logical_id.lower()}"


def event_bus_name(resolver: Intrinsics, logical_id: str) -> str:
    """Local name of an ``AWS::Events::EventBus``: its ``Name`` (stack name ``oms-local``) if set."""
    props = (resolver.resources.get(logical_id) or {}).get("Properties") or {}
    if props.get("Name") is not None:
        return str(resolver.resolve(props["Name"]))
    return f"oms-local-{logical_id.lower()}"
