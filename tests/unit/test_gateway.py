"""The local HTTP API gateway: routing, the 2.0 event, authorizers and response mapping.

A tiny template and an echo function are written to a temporary directory; the gateway serves
them on a free port and is called over HTTP.
"""

from __future__ import annotations

import base64
import json
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from oms_local import tokens
from oms_local.gateway import Gateway

FN_PACKAGE = "gw_echo_fixture"
CONCURRENCY = 3
Calls = Callable[[], list[dict[str, Any]]]

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  JwtIssuer:
    Type: String
  JwtAudience:
    Type: String
    Default: oms-admin
Globals:
  Function:
    Timeout: 10
    MemorySize: 256
    Environment:
      Variables:
        TABLE_NAME: !Ref OmsTable
        POWERTOOLS_SERVICE_NAME: oms
Resources:
  OmsTable:
    Type: AWS::DynamoDB::Table
    Properties: {}
  HttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: prod
      Auth:
        EnableIamAuthorizer: true
        DefaultAuthorizer: OmsJwt
        Authorizers:
          OmsJwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Ref JwtIssuer
              audience:
                - !Ref JwtAudience
          BuyerJwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Ref JwtIssuer
              audience: [oms-buyer]
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: gw_echo_fixture.app.handler
      Environment:
        Variables:
          TABLE_ARN: !GetAtt OmsTable.Arn
          GREETING: !Sub "hello-${AWS::Region}"
          ECHO_CALLS: "{echo_calls}"
      Events:
        Admin:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: "/admin/{proxy+}", Method: ANY}
        Intake:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /intake/orders
            Method: POST
            Auth: {Authorizer: AWS_IAM}
        Buyer:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: "/buyer/{proxy+}"
            Method: ANY
            Auth: {Authorizer: BuyerJwt}
        ItemExact:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: /items/special, Method: GET, Auth: {Authorizer: NONE}}
        ItemParam:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: "/items/{item_id}", Method: GET, Auth: {Authorizer: NONE}}
        ItemGreedy:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: "/items/{proxy+}", Method: ANY, Auth: {Authorizer: NONE}}
        Webhook:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: "/webhooks/{provider}"
            Method: POST
            Auth: {Authorizer: NONE}
        Special:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: "/special/{mode}", Method: GET, Auth: {Authorizer: NONE}}
"""

HANDLER = """\
import base64
import json
import os
import time
from pathlib import Path


def handler(event, context):
    with open(os.environ["ECHO_CALLS"], "a", encoding="utf-8") as fh:
        fh.write(json.dumps(event) + "\\n")
    path = event["rawPath"]
    if path == "/special/rendezvous":
        # Wait until the requests of this rendezvous are all inside a handler at once.
        room = Path(os.environ["ECHO_CALLS"]).parent / "rendezvous"
        room.mkdir(exist_ok=True)
        (room / context.aws_request_id).touch()
        expected = int(event["queryStringParameters"]["n"])
        deadline = time.monotonic() + 20
        while len(list(room.iterdir())) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return {"together": len(list(room.iterdir())), "pid": os.getpid()}
    if path == "/special/pid":
        return {"pid": os.getpid()}
    if path == "/special/boom":
        raise RuntimeError("boom")
    if path == "/special/plain":
        return {"ok": True, "n": 1}
    if path == "/special/binary":
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/octet-stream"},
            "body": base64.b64encode(b"\\x00\\x01\\xff").decode(),
            "isBase64Encoded": True,
        }
    if path == "/special/cookies":
        return {"statusCode": 204, "cookies": ["a=1; Path=/", "b=2; Path=/"]}
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "x-route": event["routeKey"]},
        "body": json.dumps(
            {
                "event": event,
                "env": {k: os.environ.get(k) for k in ("TABLE_NAME", "TABLE_ARN", "GREETING")},
                "context": {
                    "function_name": context.function_name,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "remaining": context.get_remaining_time_in_millis(),
                    "aws_request_id": context.aws_request_id,
                    "invoked_function_arn": context.invoked_function_arn,
                },
            }
        ),
    }
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gw")


@pytest.fixture(scope="module")
def gateway(root: Path) -> Iterator[Gateway]:
    # the function's whole environment is its template's: the call log's path is a template value
    (root / "template.yaml").write_text(TEMPLATE.replace("{echo_calls}", str(root / "calls.jsonl")))
    pkg = root / "fn" / FN_PACKAGE
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "app.py").write_text(textwrap.dedent(HANDLER))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMS_LOCAL_DIR", str(root / ".local"))
        mp.delenv("OMS_LOCAL_ISSUER", raising=False)
        gw = Gateway(root / "template.yaml", table_name="oms-unit", port=0, concurrency=CONCURRENCY,
                     ).start()
        try:
            yield gw
        finally:
            gw.stop()


@pytest.fixture
def client(gateway: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=10) as c:
        yield c


@pytest.fixture
def calls(gateway: Gateway, root: Path) -> Calls:
    """Events the echo function received during this test (read when called)."""
    gateway.invoke_function("EchoFunction", {"rawPath": "/warm-up", "routeKey": "-"})
    log = root / "calls.jsonl"
    log.write_text("")
    return lambda: [json.loads(line) for line in log.read_text().splitlines()]


def admin_headers(**kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.mint_admin_token('demo-shop', **kw)}"}


def echoed(resp: httpx.Response) -> dict[str, Any]:
    assert resp.status_code == 200, resp.text
    event: dict[str, Any] = resp.json()["event"]
    return event


# --------------------------------------------------------------------------- routing


@pytest.mark.parametrize(
    ("method", "path", "route_key", "params"),
    [
        ("GET", "/items/special", "GET /items/special", None),
        ("GET", "/items/42", "GET /items/{item_id}", {"item_id": "42"}),
        ("GET", "/items/42/photos/1", "ANY /items/{proxy+}", {"proxy": "42/photos/1"}),
        ("DELETE", "/items/42", "ANY /items/{proxy+}", {"proxy": "42"}),
        ("POST", "/webhooks/toss", "POST /webhooks/{provider}", {"provider": "toss"}),
        ("GET", "/items/%ED%95%9C%EA%B8%80", "GET /items/{item_id}", {"item_id": "한글"}),
    ],
)
def test_most_specific_route_wins(
    client: httpx.Client, method: str, path: str, route_key: str, params: dict[str, str] | None
) -> None:
    event = echoed(client.request(method, path))

    assert event["routeKey"] == route_key
    assert event["requestContext"]["routeKey"] == route_key
    assert event.get("pathParameters") == params


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nowhere"), ("GET", "/items"), ("GET", "/webhooks/toss"), ("POST", "/webhooks/a/b"), ("POST", "/"),
     ("GET", "/js/../../template.yaml"), ("GET", "/.git/config"), ("GET", "/%2e%2e/template.yaml")],
)
def test_unrouted_requests_are_404(client: httpx.Client, calls: Calls, method: str, path: str) -> None:
    resp = client.request(method, path)

    assert resp.status_code == 404
    assert resp.json() == {"message": "Not Found"}
    assert calls() == []


def test_any_route_accepts_every_method(client: httpx.Client) -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        event = echoed(client.request(method, "/admin/orders/1", headers=admin_headers()))
        assert event["routeKey"] == "ANY /admin/{proxy+}"
        assert event["requestContext"]["http"]["method"] == method
        assert event["pathParameters"] == {"proxy": "orders/1"}


# --------------------------------------------------------------------------- the 2.0 event


def test_event_has_the_payload_2_0_shape(client: httpx.Client) -> None:
    resp = client.get(
        "/items/7?status=PAID&status=SHIPPED&q=%EA%B9%80&empty=",
        headers=[("X-Custom", "a"), ("x-custom", "b"), ("User-Agent", "pytest-ua"), ("Cookie", "s=1; t=2")],
    )

    event = echoed(resp)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{item_id}"
    assert event["rawPath"] == "/items/7"
    assert event["rawQueryString"] == "status=PAID&status=SHIPPED&q=%EA%B9%80&empty="
    assert event["queryStringParameters"] == {"status": "PAID,SHIPPED", "q": "김", "empty": ""}
    assert event["pathParameters"] == {"item_id": "7"}
    assert event["cookies"] == ["s=1", "t=2"]
    headers = event["headers"]
    assert all(k == k.lower() for k in headers)
    assert headers["x-custom"] == "a,b"
    assert "cookie" not in headers
    assert event["isBase64Encoded"] is False
    assert "body" not in event
    ctx = event["requestContext"]
    assert ctx["stage"] == "$default"
    assert ctx["accountId"] == "000000000000"
    assert ctx["http"] == {
        "method": "GET",
        "path": "/items/7",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "pytest-ua",
    }
    assert ctx["requestId"] and ctx["apiId"] and ctx["domainName"] == "127.0.0.1"
    assert isinstance(ctx["timeEpoch"], int) and ctx["time"].endswith("+0000")
    assert "authorizer" not in ctx
    assert resp.headers["x-route"] == "GET /items/{item_id}"
    assert resp.headers["apigw-requestid"]


def test_json_body_is_text(client: httpx.Client) -> None:
    body = {"name": "홍길동", "qty": 2}

    event = echoed(client.post("/webhooks/toss", json=body))

    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == body


def test_binary_body_is_base64(client: httpx.Client) -> None:
    payload = b"PK\x03\x04\x00\xff\xfe binary"

    event = echoed(client.post("/webhooks/x", content=payload, headers={"content-type": "application/octet-stream"}))

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_function_env_context_and_template_refs(client: httpx.Client) -> None:
    data = client.get("/items/1").json()

    assert data["env"] == {
        "TABLE_NAME": "oms-unit",
        "TABLE_ARN": "arn:aws:dynamodb:ap-northeast-2:000000000000:table/oms-unit",
        "GREETING": "hello-ap-northeast-2",
    }
    assert data["context"]["function_name"] == "EchoFunction"
    assert data["context"]["memory_limit_in_mb"] == 256
    assert 0 < data["context"]["remaining"] <= 10_000
    assert data["context"]["invoked_function_arn"].endswith(":function:EchoFunction")


# --------------------------------------------------------------------------- JWT authorizer


def test_valid_admin_token_puts_claims_in_request_context(client: httpx.Client) -> None:
    event = echoed(client.get("/admin/orders", headers=admin_headers(user_id="u-9")))

    jwt_ctx = event["requestContext"]["authorizer"]["jwt"]
    claims = jwt_ctx["claims"]
    assert claims["site_id"] == "demo-shop"
    assert claims["sub"] == "u-9"
    assert claims["role"] == "admin"
    assert claims["aud"] == "oms-admin"
    assert all(isinstance(v, str) for v in claims.values())
    assert claims["exp"].isdigit()
    assert jwt_ctx["scopes"] is None


def _bad_admin_headers(case: str) -> dict[str, str]:
    if case == "missing":
        return {}
    if case == "empty":
        return {"Authorization": "Bearer"}
    if case == "garbage":
        return {"Authorization": "Bearer not-a-jwt"}
    if case == "expired":
        return admin_headers(ttl_s=-5)
    if case == "wrong-audience":
        return {"Authorization": f"Bearer {tokens.mint_buyer_token('demo-shop', member_id='m-1')}"}
    if case == "bad-signature":
        head, payload, sig = tokens.mint_admin_token("demo-shop").split(".")
        flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
        return {"Authorization": f"Bearer {head}.{payload}.{flipped}"}
    if case == "wrong-issuer":
        token = tokens.mint_token(
            {"sub": "x", "site_id": "demo-shop"}, audience="oms-admin", ttl_s=60, iss="https://evil"
        )
        return {"Authorization": f"Bearer {token}"}
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["missing", "empty", "garbage", "expired", "wrong-audience", "bad-signature", "wrong-issuer"]
)
def test_invalid_admin_tokens_are_401_and_not_invoked(
    client: httpx.Client, calls: Calls, case: str
) -> None:
    headers = _bad_admin_headers(case)

    resp = client.get("/admin/orders", headers=headers)

    assert resp.status_code == 401
    assert resp.json() == {"message": "Unauthorized"}
    assert calls() == []


def test_not_yet_valid_token_is_401(client: httpx.Client, calls: Calls) -> None:
    import time

    future = int(time.time()) + 600
    token = tokens.mint_token({"sub": "a", "site_id": "s"}, audience="oms-admin", ttl_s=60, now=future)

    resp = client.get("/admin/orders", headers={"Authorization": f"Bearer {token}"})

    assert resp.status_code == 401
    assert calls() == []


def test_buyer_authorizer_uses_its_own_audience(client: httpx.Client, calls: Calls) -> None:
    buyer = tokens.mint_buyer_token("demo-shop", order_id="o-1")

    ok = client.get("/buyer/orders/o-1", headers={"Authorization": f"Bearer {buyer}"})
    admin_on_buyer = client.get("/buyer/orders/o-1", headers=admin_headers())

    claims = echoed(ok)["requestContext"]["authorizer"]["jwt"]["claims"]
    assert (claims["role"], claims["order_id"], claims["aud"]) == ("buyer", "o-1", "oms-buyer")
    assert admin_on_buyer.status_code == 401
    assert len(calls()) == 1


def test_jwks_is_served(client: httpx.Client) -> None:
    keys = client.get("/.well-known/jwks.json").json()["keys"]

    assert keys == tokens.jwks()["keys"]


# --------------------------------------------------------------------------- AWS_IAM (service token)


def test_iam_route_with_service_token_gets_iam_context(client: httpx.Client) -> None:
    resp = client.post(
        "/intake/orders",
        json={"order": 1},
        headers={"Authorization": f"Bearer {tokens.service_token()}"},
    )

    iam = echoed(resp)["requestContext"]["authorizer"]["iam"]
    assert iam["accountId"] == "000000000000"
    assert iam["userArn"] == "arn:aws:iam::000000000000:role/checkout-service"
    assert iam["accessKey"] and iam["callerId"] and iam["userId"]
    assert iam["principalOrgId"] is None


@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", "admin"])
def test_iam_route_without_service_token_is_403(
    client: httpx.Client, calls: Calls, auth: str | None
) -> None:
    headers: dict[str, str] = {}
    if auth == "admin":
        headers = admin_headers()
    elif auth:
        headers = {"Authorization": auth}

    resp = client.post("/intake/orders", json={}, headers=headers)

    assert resp.status_code == 403
    assert resp.json() == {"message": "Forbidden"}
    assert calls() == []


# --------------------------------------------------------------------------- responses


def test_handler_exception_is_500(client: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    resp = client.get("/special/boom")

    assert resp.status_code == 500
    assert resp.json() == {"message": "Internal Server Error"}
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_result_without_status_code_is_200_json(client: httpx.Client) -> None:
    resp = client.get("/special/plain")

    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.json() == {"ok": True, "n": 1}


def test_base64_response_body_is_decoded(client: httpx.Client) -> None:
    resp = client.get("/special/binary")

    assert resp.status_code == 200
    assert resp.content == b"\x00\x01\xff"
    assert resp.headers["content-type"] == "application/octet-stream"


def test_cookies_become_set_cookie_headers(client: httpx.Client) -> None:
    resp = client.get("/special/cookies")

    assert resp.status_code == 204
    assert resp.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]


# --------------------------------------------------------------------------- local hooks


def test_invoke_function_with_an_arbitrary_event(gateway: Gateway, client: httpx.Client) -> None:
    s3_event = {"Records": [{"eventSource": "aws:s3"}], "rawPath": "/special/plain"}

    direct = gateway.invoke_function("EchoFunction", s3_event)
    over_http = client.post("/_local/invoke/EchoFunction", json=s3_event)

    assert direct == {"ok": True, "n": 1}
    assert over_http.status_code == 200
    assert over_http.json() == {"ok": True, "n": 1}
    assert client.post("/_local/invoke/NoSuchFunction", json={}).status_code == 404
    listed = client.get("/_local/functions").json()
    assert "Admin" in listed["EchoFunction"]["events"]


def test_invoke_hook_reports_function_errors_like_lambda(client: httpx.Client) -> None:
    resp = client.post("/_local/invoke/EchoFunction", json={"rawPath": "/special/boom"})

    assert resp.headers["x-amz-function-error"] == "Unhandled"
    assert resp.json()["errorType"] == "RuntimeError"


# --------------------------------------------------------------------------- concurrency (containers)


def _burst(url: str, n: int, path: str) -> list[httpx.Response | BaseException]:
    """``n`` requests at once, each on its own connection."""
    barrier = threading.Barrier(n)
    out: list[httpx.Response | BaseException] = [RuntimeError("not sent")] * n

    def one(i: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            barrier.wait()
            try:
                out[i] = c.get(path)
            except BaseException as exc:
                out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_invocations_run_concurrently_in_separate_containers(gateway: Gateway, root: Path) -> None:
    # Each handler waits until all of them are inside a handler: this only ends with 3 containers at once.
    answers = _burst(gateway.url, CONCURRENCY, f"/special/rendezvous?n={CONCURRENCY}")

    bodies = [a.json() for a in answers if isinstance(a, httpx.Response) and a.status_code == 200]
    assert [b["together"] for b in bodies] == [CONCURRENCY] * CONCURRENCY
    assert len({b["pid"] for b in bodies}) == CONCURRENCY


def test_a_container_serves_one_invocation_at_a_time_and_stays_warm(gateway: Gateway) -> None:
    with httpx.Client(base_url=gateway.url, timeout=10) as c:
        pids = {c.get("/special/pid").json()["pid"] for _ in range(5)}

    assert len(pids) == 1  # one request after the other: the same warm container
    assert gateway.pool("EchoFunction").started <= CONCURRENCY


def test_bursts_beyond_the_pool_queue_instead_of_resetting(gateway: Gateway) -> None:
    answers = _burst(gateway.url, 60, "/special/pid")

    assert [a.status_code if isinstance(a, httpx.Response) else repr(a) for a in answers] == [200] * 60
    assert len({a.json()["pid"] for a in answers if isinstance(a, httpx.Response)}) <= CONCURRENCY
    assert gateway._server is not None and gateway._server.request_queue_size >= 128


def test_the_console_is_served_at_the_root_and_api_routes_win(client: httpx.Client, calls: Calls) -> None:
    index = client.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/main.js">' in index.text
    script = client.get("/js/main.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert script.headers["x-content-type-options"] == "nosniff"
    cfg = client.get("/config.json").json()
    assert cfg["sign_in"] == "dev" and cfg["api_base"] == "" and cfg["issuer"].endswith("/local-issuer")
    assert calls() == []  # no function was invoked for any of it


def test_dev_sign_in_mints_an_admin_token_for_the_site_it_is_given(client: httpx.Client) -> None:
    from oms_local import tokens

    minted = client.post("/_local/dev-token", json={"site_id": "shop-7", "name": "김관리"})
    assert minted.status_code == 200
    claims = tokens.verify(minted.json()["access_token"], audience=[tokens.ADMIN_AUDIENCE],
                           issuer=[tokens.local_issuer()])
    assert (claims["site_id"], claims["role"], claims["name"]) == ("shop-7", "admin", "김관리")
    for bad in ({"site_id": "../x"}, {"site_id": 7}, {}, {"site_id": "a" * 65}):
        refused = client.post("/_local/dev-token", json=bad)
        assert refused.status_code == 400 and refused.json()["field"] == "site_id", bad
    assert client.post("/_local/dev-token", content=b"\xff\xfe").status_code == 400
