"""template.yaml says what the deployment needs (pure Python: no SAM, no AWS)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from oms_local.template import REPO_ROOT, load_template, table_create_kwargs, ttl_attribute


@pytest.fixture(scope="module")
def tpl() -> dict[str, Any]:
    return load_template()


def _res(tpl: dict[str, Any], name: str) -> dict[str, Any]:
    res: dict[str, Any] = tpl["Resources"][name]
    return res


def test_header_and_parameters(tpl: dict[str, Any]) -> None:
    assert tpl["Transform"] == "AWS::Serverless-2016-10-31"
    assert "AWSTemplateFormatVersion" in tpl
    params = tpl["Parameters"]
    assert params["JwtIssuer"]["Type"] == "String"
    assert params["JwtAudience"]["Default"] == "oms-admin"
    assert params["Stage"]["Default"] == "prod"


def test_globals_runtime_arm64_layer_env(tpl: dict[str, Any]) -> None:
    fn = tpl["Globals"]["Function"]
    assert fn["Runtime"] == "python3.11"  # the tests' Python too: tests/unit/test_locks.py
    assert fn["Architectures"] == ["arm64"]
    assert fn["MemorySize"] == 512
    assert fn["Timeout"] == 29
    assert fn["Tracing"] == "Active"
    assert fn["Layers"] == [{"Ref": "OmsLayer"}]
    env = fn["Environment"]["Variables"]
    assert env["TABLE_NAME"] == {"Ref": "OmsTable"}
    assert env["POWERTOOLS_SERVICE_NAME"] == "oms"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Oms"
    assert env["LOG_LEVEL"] == "INFO"


def test_table_keys_gsis_ttl_pitr(tpl: dict[str, Any]) -> None:
    table = _res(tpl, "OmsTable")
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    attrs = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    names = ["PK", "SK"] + [f"GSI{i}{k}" for i in (1, 2, 3) for k in ("PK", "SK")]
    assert attrs == dict.fromkeys(names, "S")
    assert props["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    gsis = {g["IndexName"]: g for g in props["GlobalSecondaryIndexes"]}
    assert set(gsis) == {"GSI1", "GSI2", "GSI3"}
    for name, gsi in gsis.items():
        assert gsi["KeySchema"] == [
            {"AttributeName": f"{name}PK", "KeyType": "HASH"},
            {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
        ]
        assert gsi["Projection"] == {"ProjectionType": "ALL"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True


def test_table_create_kwargs_come_from_template(tpl: dict[str, Any]) -> None:
    kw = table_create_kwargs("t1", tpl)
    props = _res(tpl, "OmsTable")["Properties"]
    assert kw["TableName"] == "t1"
    assert kw["BillingMode"] == "PAY_PER_REQUEST"
    assert kw["KeySchema"] == props["KeySchema"]
    assert kw["AttributeDefinitions"] == props["AttributeDefinitions"]
    assert [g["IndexName"] for g in kw["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2", "GSI3"]
    assert "ProvisionedThroughput" not in kw
    assert ttl_attribute(tpl) == "ttl"


def test_layer(tpl: dict[str, Any]) -> None:
    layer = _res(tpl, "OmsLayer")
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    props = layer["Properties"]
    assert props["ContentUri"] == "shared/"
    assert props["CompatibleRuntimes"] == ["python3.11"]
    assert props["CompatibleArchitectures"] == ["arm64"]
    assert "build-OmsLayer:" in (REPO_ROOT / "shared" / "Makefile").read_text()


def _requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return sorted(line for line in lines if line)


def test_layer_requirements_match_pyproject() -> None:
    """The layer's input (requirements/layer.in, locked in layer.lock) is pyproject's runtime ranges."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    runtime = sorted(d for d in pyproject["project"]["dependencies"] if not d.startswith("boto3"))
    assert _requirement_lines(REPO_ROOT / "requirements" / "layer.in") == runtime
    extras = pyproject["project"]["optional-dependencies"]
    assert _requirement_lines(REPO_ROOT / "requirements" / "exports.in") == sorted(extras["exports"])
    assert _requirement_lines(REPO_ROOT / "requirements" / "excel.in") == sorted(extras["excel"])
    assert "layer.lock" in (REPO_ROOT / "shared" / "Makefile").read_text()


def test_http_api_auth(tpl: dict[str, Any]) -> None:
    api = _res(tpl, "HttpApi")
    assert api["Type"] == "AWS::Serverless::HttpApi"
    auth = api["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "OmsJwt"
    assert auth["EnableIamAuthorizer"] is True
    jwt = auth["Authorizers"]["OmsJwt"]
    assert jwt["IdentitySource"] == "$request.header.Authorization"
    assert jwt["JwtConfiguration"]["issuer"] == {"Ref": "JwtIssuer"}
    assert jwt["JwtConfiguration"]["audience"] == [{"Ref": "JwtAudience"}]


def test_orders_function_routes_and_authorizers(tpl: dict[str, Any]) -> None:
    fn = _res(tpl, "OrdersFunction")
    assert fn["Type"] == "AWS::Serverless::Function"
    assert fn["Metadata"]["BuildMethod"] == "makefile"
    props = fn["Properties"]
    assert props["CodeUri"] == "functions/orders/"
    assert props["Handler"] == "admin_api.app.lambda_handler"
    routes = {}
    for name, ev in props["Events"].items():
        assert ev["Type"] == "HttpApi"
        p = ev["Properties"]
        assert p["ApiId"] == {"Ref": "HttpApi"}
        routes[name] = (p["Method"], p["Path"], p.get("Auth", {}).get("Authorizer", "default"))
    assert routes == {
        "AdminApi": ("ANY", "/admin/{proxy+}", "default"),
        "Intake": ("POST", "/intake/orders", "AWS_IAM"),
        "Swagger": ("GET", "/swagger", "NONE"),
    }
    assert "build-OrdersFunction:" in (REPO_ROOT / "functions" / "orders" / "Makefile").read_text()


def test_orders_function_least_privilege(tpl: dict[str, Any]) -> None:
    policies = _res(tpl, "OrdersFunction")["Properties"]["Policies"]
    statements = [s for p in policies for s in p["Statement"] if s.get("Sid") == "OmsTableReadWrite"]
    actions = {a for s in statements for a in s["Action"]}
    assert actions == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    }
    for s in statements:
        assert s["Effect"] == "Allow"
        assert s["Resource"] == [
            {"Fn::GetAtt": ["OmsTable", "Arn"]},
            {"Fn::Sub": "${OmsTable.Arn}/index/*"},
        ]


def test_outputs(tpl: dict[str, Any]) -> None:
    assert {"ApiUrl", "TableName", "ConsoleUrl", "ConsoleBucketName", "ConsoleDistributionId"} <= set(tpl["Outputs"])
    assert tpl["Outputs"]["ConsoleUrl"]["Value"] == {"Fn::Sub": "https://${ConsoleDistribution.DomainName}/"}
    assert tpl["Outputs"]["ConsoleBucketName"]["Value"] == {"Ref": "ConsoleBucket"}


def test_console_bucket_is_private_and_read_only_by_its_distribution(tpl: dict[str, Any]) -> None:
    bucket = _res(tpl, "ConsoleBucket")["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True)
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse["SSEAlgorithm"] == "AES256"
    assert "CorsConfiguration" not in bucket and "WebsiteConfiguration" not in bucket

    statements = _res(tpl, "ConsoleBucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allow) == 1
    assert allow[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow[0]["Action"] == "s3:GetObject"
    assert allow[0]["Resource"] == {"Fn::Sub": "${ConsoleBucket.Arn}/*"}
    source = allow[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${ConsoleDistribution}")
    deny = next(s for s in statements if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    oac = _res(tpl, "ConsoleOriginAccessControl")["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3", "always", "sigv4")


def test_console_distribution(tpl: dict[str, Any]) -> None:
    cfg = _res(tpl, "ConsoleDistribution")["Properties"]["DistributionConfig"]
    assert cfg["DefaultRootObject"] == "index.html"
    (origin,) = cfg["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # OAC, not the legacy identity
    behavior = cfg["DefaultCacheBehavior"]
    assert behavior["TargetOriginId"] == origin["Id"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "ConsoleHeadersPolicy"}
    assert behavior["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["ConsoleConfigFunction", "FunctionARN"]}}]


def test_console_csp_allows_itself_the_api_and_the_file_buckets_only(tpl: dict[str, Any]) -> None:
    headers = _res(tpl, "ConsoleHeadersPolicy")["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["connect-src"] == [
        "'self'", "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}",
        "https://${InvoiceBucket.DomainName}", "https://${InvoiceBucket.RegionalDomainName}",
        "https://${ExportBucket.DomainName}", "https://${ExportBucket.RegionalDomainName}"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ContentTypeOptions"]["Override"] is True


def test_console_config_function_answers_the_keys_the_console_reads(tpl: dict[str, Any]) -> None:
    """The edge function's /config.json carries the local gateway's keys, from the stack's parameters."""
    from oms_local import console
    from oms_local.intrinsics import Intrinsics

    fn = _res(tpl, "ConsoleConfigFunction")["Properties"]
    assert fn["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert fn["AutoPublish"] is True
    resolver = Intrinsics(tpl, "t", {"JwtIssuer": "https://builder.example/issuer", "Stage": "prod",
                                     "ConsoleSignInUrl": "https://builder.example/sign-in"})
    code = resolver.resolve(fn["FunctionCode"])
    region = resolver.pseudo["AWS::Region"]
    match = re.search(r"var CONFIG = (\{.*?\});", code, re.S)
    assert match, code
    config = json.loads(match.group(1))
    assert config == {"api_base": f"https://HttpApi.execute-api.{region}.amazonaws.com/prod",
                      "issuer": "https://builder.example/issuer", "sign_in": "builder",
                      "sign_in_url": "https://builder.example/sign-in", "environment": "prod"}
    local = set(console.config("http://127.0.0.1:3000")) - {"gateway"}  # gateway: the local stack's own URL
    assert set(config) - local == {"sign_in_url"} and local <= set(config)
    assert 'event.request.uri === "/config.json"' in code and "statusCode: 200" in code
    assert tpl["Parameters"]["ConsoleSignInUrl"]["Default"] == ""
    pattern = tpl["Parameters"]["ConsoleSignInUrl"]["AllowedPattern"]
    assert re.fullmatch(pattern, "") and re.fullmatch(pattern, "https://builder.example/sign-in")
    for bad in ('https://x"};alert(1);//', "http://builder.example", "javascript:alert(1)", "https://a\\b"):
        assert not re.fullmatch(pattern, bad), bad


def test_http_api_cors_allows_the_console_origin_and_its_headers(tpl: dict[str, Any]) -> None:
    cors = _res(tpl, "HttpApi")["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == [{"Ref": "ConsoleOrigin"}]  # a list: API Gateway wants an array
    origin = tpl["Parameters"]["ConsoleOrigin"]
    assert (origin["Type"], origin["Default"]) == ("String", "*")
    for good in ("*", "https://d111111abcdef8.cloudfront.net", "https://admin.shop.example:8443"):
        assert re.fullmatch(origin["AllowedPattern"], good), good
    for bad in ("https://a.example/", "http://a.example", "https://a.example,https://b.example", ""):
        assert not re.fullmatch(origin["AllowedPattern"], bad), bad
    assert set(cors["AllowHeaders"]) == {"Authorization", "Content-Type", "Idempotency-Key"}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= set(cors["AllowMethods"])
    assert "Content-Disposition" in cors["ExposeHeaders"]  # file names of downloads fetched by the console


def test_loader_handles_all_short_tags(tmp_path: Path) -> None:
    p = tmp_path / "t.yaml"
    p.write_text(
        "A: !Ref X\nB: !GetAtt R.Arn\nC: !Sub 'a-${X}'\nD: !Join ['-', [a, !Ref Y]]\n"
        "E: !If [Cond, 1, 2]\nF: !Select [0, !GetAZs '']\nG: !Condition IsProd\n"
    )
    d = load_template(p)
    assert d["A"] == {"Ref": "X"}
    assert d["B"] == {"Fn::GetAtt": ["R", "Arn"]}
    assert d["C"] == {"Fn::Sub": "a-${X}"}
    assert d["D"] == {"Fn::Join": ["-", ["a", {"Ref": "Y"}]]}
    assert d["E"] == {"Fn::If": ["Cond", 1, 2]}
    assert d["F"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert d["G"] == {"Condition": "IsProd"}


def test_payment_functions(tpl: dict[str, Any]) -> None:
    hooks = _res(tpl, "WebhooksFunction")["Properties"]
    assert hooks["CodeUri"] == "functions/webhooks/"
    assert hooks["Handler"] == "webhooks_api.app.lambda_handler"
    ev = hooks["Events"]["PgCallback"]["Properties"]
    assert (ev["Method"], ev["Path"], ev["Auth"]["Authorizer"]) == ("POST", "/webhooks/{provider}", "NONE")
    makefile = (REPO_ROOT / "functions" / "webhooks" / "Makefile").read_text()
    for name in ("WebhooksFunction", "TrackingWebhooksFunction"):  # one handler package, two functions
        assert f"build-{name}:" in makefile, name
    expiry = _res(tpl, "VaExpiryFunction")["Properties"]
    assert expiry["Handler"] == "scheduled_fn.va_expiry.lambda_handler"
    schedule = expiry["Events"]["Every10Minutes"]
    assert schedule["Type"] == "Schedule"
    assert {k: schedule["Properties"][k] for k in ("Schedule", "Description")} == {
        "Schedule": "rate(10 minutes)", "Description": "virtual-account expiry"}
    for name in ("WebhooksFunction", "VaExpiryFunction", "OrdersFunction"):
        actions = {a for p in _res(tpl, name)["Properties"]["Policies"] for s in p["Statement"] for a in s["Action"]}
        assert "dynamodb:Scan" not in actions and not any(a.endswith("*") for a in actions)
    secrets_env = hooks["Environment"]["Variables"]
    assert secrets_env["PORTONE_WEBHOOK_SECRET_PARAM"] == {"Fn::Sub": "${PgParameterPath}/portone/webhook-secret"}


def test_invoices_function_s3_trigger_and_scoped_access(tpl: dict[str, Any]) -> None:
    fn = _res(tpl, "InvoicesFunction")
    props = fn["Properties"]
    assert fn["Metadata"]["BuildMethod"] == "makefile"
    assert props["CodeUri"] == "functions/invoices/"
    assert props["Handler"] == "invoices_fn.handler.lambda_handler"
    upload = props["Events"]["Upload"]
    assert upload["Type"] == "S3"
    assert upload["Properties"]["Bucket"] == {"Ref": "InvoiceBucket"}
    assert upload["Properties"]["Events"] == "s3:ObjectCreated:*"
    rules = {r["Name"]: r["Value"] for r in upload["Properties"]["Filter"]["S3Key"]["Rules"]}
    assert rules == {"prefix": "uploads/", "suffix": ".xlsx"}
    stmts = {s["Sid"]: s for p in props["Policies"] for s in p["Statement"]}
    assert stmts["ReadUploads"]["Action"] == ["s3:GetObject"] and "/uploads/*" in str(stmts["ReadUploads"])
    assert stmts["WriteResults"]["Action"] == ["s3:PutObject"] and "/results/*" in str(stmts["WriteResults"])
    orders = {s["Sid"]: s for p in _res(tpl, "OrdersFunction")["Properties"]["Policies"] for s in p["Statement"]}
    assert set(orders["InvoiceUploadsAndResults"]["Action"]) == {"s3:PutObject", "s3:GetObject"}
    bucket = _res(tpl, "InvoiceBucket")["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    makefile = (REPO_ROOT / "functions" / "invoices" / "Makefile").read_text()
    assert "build-InvoicesFunction:" in makefile
    # an event whose invocations all failed is kept, not dropped
    invoke = props["EventInvokeConfig"]
    assert invoke["MaximumRetryAttempts"] == 2
    assert invoke["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS", "Destination": {"Fn::GetAtt": ["InvoicesDeadLetterQueue", "Arn"]}}
    assert _res(tpl, "InvoicesDeadLetterQueue")["Type"] == "AWS::SQS::Queue"
    # the excel extra ships with this function: requirements/excel.lock (its ranges: test above)
    assert re.search(r"requirements/excel\.lock$", makefile, re.M) and "--require-hashes" in makefile


def test_import_sweep_function(tpl: dict[str, Any]) -> None:
    fn = _res(tpl, "ImportSweepFunction")["Properties"]
    assert fn["CodeUri"] == "functions/scheduled/" and fn["Handler"] == "scheduled_fn.import_sweep.lambda_handler"
    assert fn["Events"]["Every5Minutes"]["Properties"]["Schedule"] == "rate(5 minutes)"
    # stale = longer than the invoice function may run
    assert float(fn["Environment"]["Variables"]["IMPORT_STALE_MINUTES"]) * 60 > \
        _res(tpl, "InvoicesFunction")["Properties"]["Timeout"]
    actions = {a for p in fn["Policies"] for s in p["Statement"] for a in s["Action"]}
    assert "dynamodb:Scan" not in actions and actions <= {"dynamodb:GetItem", "dynamodb:Query",
                                                          "dynamodb:UpdateItem", "s3:GetObject", "s3:ListBucket"}
    assert "build-ImportSweepFunction:" in (REPO_ROOT / "functions" / "scheduled" / "Makefile").read_text()


def test_every_makefile_built_function_has_its_build_target(tpl: dict[str, Any]) -> None:
    for name, fn in _functions(tpl).items():
        if fn.get("Metadata", {}).get("BuildMethod") == "makefile":
            makefile = REPO_ROOT / fn["Properties"]["CodeUri"] / "Makefile"
            assert f"build-{name}:" in makefile.read_text(), name


@pytest.mark.parametrize(("dispatcher", "worker", "queue"), [
    ("AutoConfirmFunction", "AutoConfirmWorkerFunction", "AutoConfirmQueue"),
    ("TrackingSweepFunction", "TrackingSweepWorkerFunction", "TrackingSweepQueue"),
    ("VaExpiryFunction", "VaExpiryWorkerFunction", "VaExpiryQueue")])
def test_due_order_runs_fan_out_to_a_worker(tpl: dict[str, Any], dispatcher: str, worker: str, queue: str) -> None:
    """The scheduled function reads the due index and sends; the worker, on the queue's event source,
    does the orders' work: as many at once as are reserved for it, partial failures reported."""
    send = _res(tpl, dispatcher)["Properties"]
    statements = [s for p in send["Policies"] for s in p["Statement"]]
    actions = {a for s in statements for a in s["Action"]}
    assert actions <= {"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "sqs:SendMessage"}
    assert [s["Resource"] for s in statements if s["Action"] == ["sqs:SendMessage"]] == [
        [{"Fn::GetAtt": [queue, "Arn"]}]]
    assert {"Ref": queue} in send["Environment"]["Variables"].values()
    work = _res(tpl, worker)["Properties"]
    (event,) = work["Events"].values()
    assert event["Type"] == "SQS" and event["Properties"]["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == work["ReservedConcurrentExecutions"] >= 2
    props = _res(tpl, queue)["Properties"]
    assert props["VisibilityTimeout"] >= 6 * work["Timeout"]
    assert props["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [queue.replace("Queue", "DeadLetterQueue"),
                                                                            "Arn"]}


#: What Powertools' DynamoDB persistence layer calls (get_item, put_item, update_item, delete_item).
IDEMPOTENCY_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}


@pytest.mark.parametrize("function", ["OrdersFunction", "BuyerFunction", "ExportsFunction", "WebhooksFunction"])
def test_functions_with_idempotency_may_keep_their_records_in_the_table(tpl: dict[str, Any], function: str) -> None:
    props = _res(tpl, function)["Properties"]
    on_table = {a for p in props["Policies"] for s in p["Statement"] if s["Effect"] == "Allow"
                and {"Fn::GetAtt": ["OmsTable", "Arn"]} in (s["Resource"] if isinstance(s["Resource"], list)
                                                           else [s["Resource"]])
                for a in s["Action"]}
    assert IDEMPOTENCY_ACTIONS <= on_table
    env = {**tpl["Globals"]["Function"]["Environment"]["Variables"],
           **props.get("Environment", {}).get("Variables", {})}
    assert env["TABLE_NAME"] == {"Ref": "OmsTable"}
    assert "POWERTOOLS_IDEMPOTENCY_DISABLED" not in env


# ---- production-true: logs, throttling, retention of data, alarms ---------------------------------

def _functions(tpl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in tpl["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}


def _of_type(tpl: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in tpl["Resources"].items() if v["Type"] == rtype}


#: the API functions: canary deployments, rolled back by their errors alarm and the API 5xx alarm
API_FUNCTIONS = {"OrdersFunction", "BuyerFunction", "WebhooksFunction", "TrackingWebhooksFunction", "ExportsFunction"}


def test_every_function_logs_to_its_own_log_group_with_retention(tpl: dict[str, Any]) -> None:
    functions = _functions(tpl)
    assert len(functions) >= 9
    for name, fn in functions.items():
        ref = fn["Properties"]["LoggingConfig"]["LogGroup"]
        group = _res(tpl, ref["Ref"])
        assert group["Type"] == "AWS::Logs::LogGroup", name
        assert group["Properties"]["RetentionInDays"] == 365, name
        assert name in group["Properties"]["LogGroupName"]["Fn::Sub"]
        assert group["DeletionPolicy"] == "Retain"
    groups = _of_type(tpl, "AWS::Logs::LogGroup")
    assert all("RetentionInDays" in g["Properties"] for g in groups.values())


def test_every_function_names_its_powertools_service(tpl: dict[str, Any]) -> None:
    names = []
    for name, fn in _functions(tpl).items():
        service = fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        assert service.startswith("oms-"), name
        names.append(service)
    assert len(names) == len(set(names))


def test_http_api_access_logs_and_throttling(tpl: dict[str, Any]) -> None:
    props = _res(tpl, "HttpApi")["Properties"]
    logs = props["AccessLogSettings"]
    assert logs["DestinationArn"] == {"Fn::GetAtt": ["HttpApiAccessLogGroup", "Arn"]}
    line = json.loads(logs["Format"].replace("$context.status", "200").replace("$context.responseLatency", "5"))
    assert {"requestId", "ip", "routeKey", "status", "sub"} <= set(line)
    assert "$context.path" not in logs["Format"]  # raw paths carry order ids
    assert _res(tpl, "HttpApiAccessLogGroup")["Properties"]["RetentionInDays"] >= 365
    default = props["DefaultRouteSettings"]
    assert default["ThrottlingBurstLimit"] == 2 * default["ThrottlingRateLimit"]
    routes = {(p["Method"], p["Path"]): p.get("RouteSettings") for fn in _functions(tpl).values()
              for ev in fn["Properties"].get("Events", {}).values() if ev["Type"] == "HttpApi"
              for p in [ev["Properties"]]}
    # the public routes have limits of their own, below the stage's (sized from the capacity model:
    # tests/unit/test_bench_scale_keys.py); the guest sign-in is a password-like door: kept tight
    public = [("POST", "/webhooks/{provider}"), ("POST", "/webhooks/tracking/{provider}"),
              ("POST", "/buyer/guest/session"), ("POST", "/intake/orders")]
    for route in public:
        settings = routes[route]
        assert settings is not None, route
        rate, burst = settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]
        assert rate < default["ThrottlingRateLimit"] and burst <= default["ThrottlingBurstLimit"], route
    assert (routes[("POST", "/buyer/guest/session")]["ThrottlingBurstLimit"],
            routes[("POST", "/buyer/guest/session")]["ThrottlingRateLimit"]) == (20, 5)


def test_public_functions_cannot_starve_the_admin_api(tpl: dict[str, Any]) -> None:
    public = ("WebhooksFunction", "TrackingWebhooksFunction", "BuyerFunction")
    reserved = {name: _res(tpl, name)["Properties"]["ReservedConcurrentExecutions"] for name in public}
    assert all(0 < n <= 50 for n in reserved.values()), reserved  # each a bounded share of the account
    # the courier events and the PG callbacks never take each other's executions: two functions
    pg, courier = (_res(tpl, n)["Properties"]["Events"] for n in ("WebhooksFunction", "TrackingWebhooksFunction"))
    assert [e["Properties"]["Path"] for e in pg.values()] == ["/webhooks/{provider}"]
    assert [e["Properties"]["Path"] for e in courier.values()] == ["/webhooks/tracking/{provider}"]
    for admin in ("OrdersFunction", "ExportsFunction"):
        assert "ReservedConcurrentExecutions" not in _res(tpl, admin)["Properties"]
    worker = _res(tpl, "JobsWorkerFunction")["Properties"]
    assert worker["ReservedConcurrentExecutions"] >= worker["Events"]["Chunks"]["Properties"]["ScalingConfig"][
        "MaximumConcurrency"]


def test_data_is_retained(tpl: dict[str, Any]) -> None:
    table = _res(tpl, "OmsTable")
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    for name in ("InvoiceBucket", "ExportBucket"):
        res = _res(tpl, name)
        assert (res["DeletionPolicy"], res["UpdateReplacePolicy"]) == ("Retain", "Retain"), name
    for name, res in _of_type(tpl, "AWS::SQS::Queue").items():
        assert (res["DeletionPolicy"], res["UpdateReplacePolicy"]) == ("Retain", "Retain"), name


def test_every_bucket_denies_insecure_transport(tpl: dict[str, Any]) -> None:
    policies = {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
                for p in _of_type(tpl, "AWS::S3::BucketPolicy").values()}
    buckets = _of_type(tpl, "AWS::S3::Bucket")
    assert set(buckets) == {"InvoiceBucket", "ExportBucket", "ConsoleBucket"}
    for name in buckets:
        deny = [s for s in policies[name] if s["Effect"] == "Deny"
                and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
        assert len(deny) == 1, name
        assert deny[0]["Principal"] == "*" and deny[0]["Action"] == "s3:*"
        assert {"Fn::GetAtt": [name, "Arn"]} in deny[0]["Resource"]
        assert {"Fn::Sub": f"${{{name}.Arn}}/*"} in deny[0]["Resource"]


def test_schedules_retry_and_keep_what_failed(tpl: dict[str, Any]) -> None:
    schedules = [(name, ev["Properties"]) for name, fn in _functions(tpl).items()
                 for ev in fn["Properties"].get("Events", {}).values() if ev["Type"] == "Schedule"]
    assert len(schedules) == 6
    dlq = {"Fn::GetAtt": ["SchedulesDeadLetterQueue", "Arn"]}
    for name, props in schedules:
        assert 0 < props["RetryPolicy"]["MaximumRetryAttempts"] <= 3, name
        assert 60 <= props["RetryPolicy"]["MaximumEventAgeInSeconds"] <= 3600, name
        assert props["DeadLetterConfig"] == {"Arn": dlq}, name
        fn = _res(tpl, name)["Properties"]
        assert fn["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": dlq}, name  # failed async retries
    (statement,) = _res(tpl, "SchedulesDeadLetterQueuePolicy")["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"


def _alarm_targets(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The dimensions of every metric an alarm reads."""
    props = alarm["Properties"]
    if "Metrics" in props:
        return [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]
    return [{"Namespace": props["Namespace"], "MetricName": props["MetricName"],
             "Dimensions": props.get("Dimensions", [])}]


def test_alarms_notify_the_topic_parameter_or_their_own_topic(tpl: dict[str, Any]) -> None:
    param = tpl["Parameters"]["AlarmTopicArn"]
    assert param["Default"] == ""
    assert re.fullmatch(param["AllowedPattern"], "")
    assert re.fullmatch(param["AllowedPattern"], "arn:aws:sns:ap-northeast-2:123456789012:oncall")
    assert tpl["Conditions"]["CreateAlarmTopic"] == {"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}
    assert _res(tpl, "AlarmTopic")["Condition"] == "CreateAlarmTopic"
    target = {"Fn::If": ["CreateAlarmTopic", {"Ref": "AlarmTopic"}, {"Ref": "AlarmTopicArn"}]}
    alarms = _of_type(tpl, "AWS::CloudWatch::Alarm")
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [target], name


def test_every_dead_letter_queue_has_an_alarm(tpl: dict[str, Any]) -> None:
    queues = _of_type(tpl, "AWS::SQS::Queue")
    dlqs = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            for q in queues.values() if "RedrivePolicy" in q["Properties"]}
    dlqs |= {n for n in queues if n.endswith("DeadLetterQueue")}
    assert dlqs == {"JobsDeadLetterQueue", "InvoicesDeadLetterQueue", "SchedulesDeadLetterQueue",
                    "OutboxDeadLetterQueue", "DepositPollDeadLetterQueue", "ChannelSyncDeadLetterQueue",
                    "AutoConfirmDeadLetterQueue", "TrackingSweepDeadLetterQueue", "VaExpiryDeadLetterQueue"}
    watched = {}
    for alarm in _of_type(tpl, "AWS::CloudWatch::Alarm").values():
        for m in _alarm_targets(alarm):
            if m["MetricName"] == "ApproximateNumberOfMessagesVisible":
                watched[m["Dimensions"][0]["Value"]["Fn::GetAtt"][0]] = alarm["Properties"]
    assert set(watched) == dlqs
    for props in watched.values():
        assert (props["Threshold"], props["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_every_function_has_error_and_throttle_alarms(tpl: dict[str, Any]) -> None:
    errors, throttles = set(), set()
    for alarm in _of_type(tpl, "AWS::CloudWatch::Alarm").values():
        for m in _alarm_targets(alarm):
            if m["Namespace"] == "AWS/Lambda":
                (dim,) = m["Dimensions"]
                {"Errors": errors, "Throttles": throttles}[m["MetricName"]].add(dim["Value"]["Ref"])
    assert errors == throttles == set(_functions(tpl))


def test_api_5xx_job_and_invoice_import_alarms(tpl: dict[str, Any]) -> None:
    rate = _res(tpl, "Api5xxRateAlarm")["Properties"]
    assert {m["Id"] for m in rate["Metrics"]} == {"rate", "errors", "requests"}
    filters = {f["Properties"]["MetricTransformations"][0]["MetricName"]: f["Properties"]
               for f in _of_type(tpl, "AWS::Logs::MetricFilter").values()}
    assert filters["Api5xx"]["FilterPattern"] == "{ $.status >= 500 }"
    assert filters["Api5xx"]["LogGroupName"] == {"Ref": "HttpApiAccessLogGroup"}
    services = {f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
                for f in _functions(tpl).values()}
    seen = set()
    for name in ("JobsFailedAlarm", "InvoiceImportsFailedAlarm"):
        for m in _alarm_targets(_res(tpl, name)):
            assert m["Namespace"] == "Oms"
            (dim,) = m["Dimensions"]
            assert dim["Name"] == "service" and dim["Value"] in services  # Powertools' default dimension
            seen.add(m["MetricName"])
    assert seen == {"JobsFailed", "InvoiceImportsFailed", "InvoiceImportsStalled"}
    body = json.loads(_res(tpl, "OperationsDashboard")["Properties"]["DashboardBody"]["Fn::Sub"])
    assert len(body["widgets"]) >= 6


def test_api_functions_deploy_by_canary_with_rollback_alarms(tpl: dict[str, Any]) -> None:
    for name, fn in _functions(tpl).items():
        props = fn["Properties"]
        if name not in API_FUNCTIONS:
            assert "DeploymentPreference" not in props, name
            continue
        assert props["AutoPublishAlias"] == "live"
        pref = props["DeploymentPreference"]
        assert pref["Type"] == "Canary10Percent5Minutes"
        assert pref["Alarms"] == [{"Ref": f"{name}ErrorsAlarm"}, {"Ref": "Api5xxRateAlarm"}]


def test_checkov_skips_are_named_with_a_reason(tpl: dict[str, Any]) -> None:
    text = (REPO_ROOT / "template.yaml").read_text(encoding="utf-8")
    assert "skip_check" not in text and "checkov:skip=" not in text  # no blanket list, only per resource
    skips = [(name, s) for name, res in tpl["Resources"].items()
             for s in ((res.get("Metadata") or {}).get("checkov") or {}).get("skip", [])]
    assert skips
    for name, skip in skips:
        assert re.fullmatch(r"CKV_AWS_\d+", skip["id"]), name
        assert len(skip["comment"]) > 30, (name, skip)
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert re.search(r"^\t\$\(CHECKOV\) .*-f template\.yaml$", makefile, re.M)
    assert "--skip-check" not in makefile
