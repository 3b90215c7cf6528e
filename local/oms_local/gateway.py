"""A local stand-in for API Gateway HTTP API (payload format 2.0) in front of the Lambda functions.

Routes, authorizers and environment variables come from ``template.yaml``; handlers run in this
process (one cached module per function, like one warm container), so breakpoints and coverage work.

Behaviour follows API Gateway where it matters to the application:

- route selection: the most specific route wins: segment by segment from the left, a literal beats
  ``{param}`` beats ``{proxy+}``; then a specific method beats ``ANY``; ``$default`` is the last resort.
  No route: 404 ``{"message":"Not Found"}``.
- the 2.0 event: lower-cased headers (repeated ones joined by ``,``), ``cookie`` moved to ``cookies``,
  repeated query keys joined by ``,``, text or base64 body. Keys API Gateway leaves out when empty
  (``cookies``, ``queryStringParameters``, ``pathParameters``, ``body``, ``stageVariables``) are left out.
- JWT authorizers (``Auth.Authorizers`` of the HttpApi, ``DefaultAuthorizer`` unless the route says
  otherwise, ``NONE`` for none): a bearer token signed by the local dev key (see :mod:`oms_local.tokens`),
  checked for ``iss``, ``aud``, ``exp``, ``nbf``; failure is 401 without invoking. Claims reach the
  handler as strings in ``requestContext.authorizer.jwt.claims``.
- ``AWS_IAM`` routes: locally the caller sends ``Authorization: Bearer <service token>`` instead of a
  SigV4 signature; anything else is 403.
- response mapping of format 2.0, handler exception: 500 ``{"message":"Internal Server Error"}``.

Local extras: ``GET /.well-known/jwks.json`` (the issuer's keys), ``GET /_local/functions`` and
``POST /_local/invoke/{LogicalId}`` (invoke any function with any event: S3, EventBridge, ...).

The local stage is ``$default`` (no stage prefix in paths), whatever ``StageName`` the template sets.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hmac
import importlib
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType
from typing import Any

from oms.store.cursors import DEV_CURSOR_KEY
from oms_local import REGION, tokens
from oms_local.background import BackgroundServer
from oms_local.lambda_context import LOCAL_ACCOUNT_ID, LambdaContext

log = logging.getLogger("oms_local.gateway")

LOCAL_API_ID = "local"
SERVICE_ROLE_NAME = "checkout-service"
SERVICE_ACCESS_KEY = "ASIALOCALCHECKOUTSVC"
SERVICE_USER_ID = f"AROALOCALCHECKOUTSVC:{SERVICE_ROLE_NAME}"

_TEXT_TYPES = re.compile(
    r"^(text/.*|application/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript|graphql|x-ndjson))$"
)

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"}


# --------------------------------------------------------------------------- template reading


def _load_template(path: Path) -> dict[str, Any]:
    from oms_local.template import load_template

    return load_template(path)


class _Resolver:
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
                return f"arn:aws:sqs:{region}:{account}:{ref}"
            if rtype in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                return f"arn:aws:lambda:{region}:{account}:function:{ref}"
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


def bucket_name(resolver: _Resolver, logical_id: str) -> str:
    """Local name of an ``AWS::S3::Bucket``: its ``BucketName`` if set, else ``oms-local-<id>``."""
    props = (resolver.resources.get(logical_id) or {}).get("Properties") or {}
    if props.get("BucketName") is not None:
        return str(resolver.resolve(props["BucketName"]))
    return f"oms-local-{logical_id.lower()}"


# --------------------------------------------------------------------------- model


@dataclass
class Authorizer:
    name: str
    kind: str  # "jwt" | "iam" | "none"
    audiences: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    header: str = "authorization"


NO_AUTH = Authorizer(name="NONE", kind="none")
IAM_AUTH = Authorizer(name="AWS_IAM", kind="iam")


@dataclass
class Function:
    logical_id: str
    code_dir: Path
    handler: str
    env: dict[str, str]
    memory_mb: int
    timeout_s: float
    extra_paths: list[Path]
    events: dict[str, Any]
    module: ModuleType | None = None


@dataclass
class Route:
    method: str  # upper-case or "ANY"
    path: str  # "/admin/{proxy+}" or "$default"
    function: Function
    authorizer: Authorizer
    scopes: list[str]
    segments: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        stripped = self.path.strip("/")
        self.segments = [] if self.path == "$default" or not stripped else stripped.split("/")

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"

    def match(self, method: str, raw_segments: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
        """Return (specificity, path parameters) if this route matches."""
        if self.method not in ("ANY", method):
            return None
        if self.path == "$default":
            return (-1,), {}
        params: dict[str, str] = {}
        rank: list[int] = []
        for i, seg in enumerate(self.segments):
            if seg.endswith("+}"):
                rest = raw_segments[i:]
                if not rest or rest == [""]:
                    return None
                params[seg[1:-2]] = urllib.parse.unquote("/".join(rest))
                rank.append(0)
                break
            if i >= len(raw_segments):
                return None
            value = raw_segments[i]
            if seg.startswith("{") and seg.endswith("}"):
                if value == "":
                    return None
                params[seg[1:-1]] = urllib.parse.unquote(value)
                rank.append(1)
            elif urllib.parse.unquote(value) == seg:
                rank.append(2)
            else:
                return None
        else:
            if len(raw_segments) != len(self.segments):
                return None
        return (*rank, 1 if self.method != "ANY" else 0), params


def _merge(base: Mapping[str, Any] | None, override: Mapping[str, Any] | None) -> dict[str, Any]:
    out = dict(base or {})
    out.update(override or {})
    return out


def _stringify_claim(value: Any) -> str:
    """How API Gateway's JWT authorizer passes claims: everything as a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_stringify_claim(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


class HandlerError(Exception):
    """The function raised; the original exception is ``__cause__``."""


# --------------------------------------------------------------------------- gateway


class Gateway(BackgroundServer):
    """The local HTTP API. ``start()`` serves in a background thread; ``stop()`` shuts it down."""

    def __init__(
        self,
        template_path: str | Path = "template.yaml",
        table_name: str = "oms-local",
        host: str = "127.0.0.1",
        port: int = 3000,
        env: dict[str, str] | None = None,
        parameters: Mapping[str, str] | None = None,
    ) -> None:
        self.template_path = Path(template_path).resolve()
        self.base_dir = self.template_path.parent
        self.table_name = table_name
        self.host = host
        self.port = port
        # pagination cursors are signed with the dev key locally (the template names an SSM parameter)
        self.env_overrides = {"CURSOR_KEY": DEV_CURSOR_KEY, **dict(env or {})}
        self.template = _load_template(self.template_path)
        self.resolver = _Resolver(self.template, table_name, parameters or {})
        self.functions: dict[str, Function] = {}
        self.routes: list[Route] = []
        self.local_hooks: dict[str, Callable[[Gateway, dict[str, Any]], Any]] = {}
        # One "container" per function is simulated by running one invocation at a time: handlers
        # keep per-request state on module globals (the Powertools resolver does), and env vars are
        # process-wide. Re-entrant so a handler may trigger another function in the same thread.
        self._invoke_lock = threading.RLock()
        BackgroundServer.__init__(self)
        self._load()

    # ------------------------------------------------------------------ template -> model

    def _load(self) -> None:
        resources: dict[str, Any] = self.template.get("Resources") or {}
        globals_ = self.template.get("Globals") or {}
        gfn = globals_.get("Function") or {}
        gapi = globals_.get("HttpApi") or {}
        authorizers_by_api: dict[str, dict[str, Authorizer]] = {}
        default_by_api: dict[str, str | None] = {}
        for logical_id, res in resources.items():
            if res.get("Type") != "AWS::Serverless::HttpApi":
                continue
            props = _merge(gapi, res.get("Properties"))
            auth = props.get("Auth") or {}
            authorizers_by_api[logical_id] = {
                name: self._authorizer(name, cfg) for name, cfg in (auth.get("Authorizers") or {}).items()
            }
            default_by_api[logical_id] = auth.get("DefaultAuthorizer")

        for logical_id, res in resources.items():
            if res.get("Type") != "AWS::Serverless::Function":
                continue
            props = _merge(gfn, res.get("Properties"))
            env_vars = _merge(
                (gfn.get("Environment") or {}).get("Variables"),
                ((res.get("Properties") or {}).get("Environment") or {}).get("Variables"),
            )
            env: dict[str, str] = {}
            for key, value in env_vars.items():
                resolved = self.resolver.resolve(value)
                if resolved is not None:
                    env[key] = str(resolved).lower() if isinstance(resolved, bool) else str(resolved)
            extra: list[Path] = []
            for layer in props.get("Layers") or []:
                layer_id = layer.get("Ref") if isinstance(layer, dict) else None
                layer_res = resources.get(layer_id or "") or {}
                content = (layer_res.get("Properties") or {}).get("ContentUri")
                if isinstance(content, str):
                    extra += [self.base_dir / content / "python", self.base_dir / content]
            fn = Function(
                logical_id=logical_id,
                code_dir=(self.base_dir / str(props.get("CodeUri", "."))).resolve(),
                handler=str(props["Handler"]),
                env=env,
                memory_mb=int(props.get("MemorySize", 128)),
                timeout_s=float(props.get("Timeout", 3)),
                extra_paths=extra,
                events=dict(props.get("Events") or {}),
            )
            self.functions[logical_id] = fn
            for event in fn.events.values():
                if event.get("Type") != "HttpApi":
                    continue
                eprops = event.get("Properties") or {}
                api_ref = eprops.get("ApiId")
                api_id = api_ref.get("Ref") if isinstance(api_ref, dict) else api_ref
                api_authorizers = authorizers_by_api.get(api_id or "", {})
                auth = eprops.get("Auth") or {}
                name = auth.get("Authorizer") or default_by_api.get(api_id or "") or "NONE"
                if name == "NONE":
                    authorizer = NO_AUTH
                elif name == "AWS_IAM":
                    authorizer = IAM_AUTH
                elif name in api_authorizers:
                    authorizer = api_authorizers[name]
                else:
                    raise ValueError(f"{logical_id}: unknown authorizer {name!r} on {api_id}")
                self.routes.append(
                    Route(
                        method=str(eprops.get("Method", "ANY")).upper(),
                        path=str(eprops.get("Path", "$default")),
                        function=fn,
                        authorizer=authorizer,
                        scopes=list(auth.get("AuthorizationScopes") or []),
                    )
                )

    def _authorizer(self, name: str, cfg: Mapping[str, Any]) -> Authorizer:
        jwt_cfg = cfg.get("JwtConfiguration") or {}
        audiences: list[str] = []
        for aud in jwt_cfg.get("audience") or []:
            try:
                value = self.resolver.resolve(aud)
            except KeyError:
                value = None
            if isinstance(value, str) and value:
                audiences += [a.strip() for a in value.split(",") if a.strip()]
        if not audiences:  # unresolved parameter: fall back to the local audience for that authorizer
            audiences = [tokens.BUYER_AUDIENCE if "buyer" in name.lower() else tokens.ADMIN_AUDIENCE]
        # The template's issuer is the real identity provider; locally tokens come from the dev issuer.
        # Both are accepted: the signature is checked against the local key either way.
        issuers = [tokens.local_issuer()]
        try:
            iss = self.resolver.resolve(jwt_cfg.get("issuer"))
        except KeyError:
            iss = None
        if isinstance(iss, str) and iss:
            issuers.append(iss)
        source = str(cfg.get("IdentitySource") or "$request.header.Authorization")
        header = source.split("$request.header.", 1)[1] if "$request.header." in source else "Authorization"
        return Authorizer(name=name, kind="jwt", audiences=audiences, issuers=issuers, header=header.lower())

    def bucket_names(self) -> list[str]:
        """Local names of the template's ``AWS::S3::Bucket`` resources (to create in the emulator)."""
        return [
            bucket_name(self.resolver, logical_id)
            for logical_id, res in (self.template.get("Resources") or {}).items()
            if res.get("Type") == "AWS::S3::Bucket"
        ]

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Gateway:
        handler = type("_BoundHandler", (_RequestHandler,), {"gateway": self})
        self.serve(handler, "oms-gateway")
        return self


    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ invocation

    def match_route(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        raw_segments = raw_path.strip("/").split("/") if raw_path.strip("/") else []
        best: tuple[tuple[int, ...], Route, dict[str, str]] | None = None
        for route in self.routes:
            m = route.match(method, raw_segments)
            if m is not None and (best is None or m[0] > best[0]):
                best = (m[0], route, m[1])
        return None if best is None else (best[1], best[2])

    @contextlib.contextmanager
    def _function_env(self, fn: Function) -> Iterator[None]:
        values = {
            # Tracing needs the X-Ray daemon, which does not exist locally.
            "POWERTOOLS_TRACE_DISABLED": "true",
            **fn.env,
            "AWS_LAMBDA_FUNCTION_NAME": fn.logical_id,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{fn.logical_id}",
            "_HANDLER": fn.handler,
            "LAMBDA_TASK_ROOT": str(fn.code_dir),
            **self.env_overrides,
        }
        saved = {k: os.environ.get(k) for k in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for k, old in saved.items():
                if old is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = old

    def _handler(self, fn: Function) -> Callable[[dict[str, Any], LambdaContext], Any]:
        module_name, _, func_name = fn.handler.rpartition(".")
        if fn.module is None:
            for p in [fn.code_dir, *fn.extra_paths]:
                if p.is_dir() and str(p) not in sys.path:
                    sys.path.insert(0, str(p))
            top = module_name.split(".")[0]
            loaded = sys.modules.get(top)
            origin = getattr(loaded, "__file__", None) or next(iter(getattr(loaded, "__path__", [])), None)
            if loaded is not None and origin and not Path(origin).resolve().is_relative_to(fn.code_dir):
                # Same package name imported from another code directory: this function's code wins.
                for name in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
                    del sys.modules[name]
            importlib.invalidate_caches()
            fn.module = importlib.import_module(module_name)
        handler: Callable[[dict[str, Any], LambdaContext], Any] = getattr(fn.module, func_name)
        return handler

    def invoke_function(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Invoke a function by logical id with any event; raises :class:`HandlerError` if it raises."""
        fn = self.functions[logical_id]
        with self._invoke_lock, self._function_env(fn):
            context = LambdaContext(
                function_name=fn.logical_id, memory_limit_in_mb=fn.memory_mb, timeout_s=fn.timeout_s
            )
            started = time.monotonic()
            try:
                result = self._handler(fn)(event, context)
            except Exception as exc:
                raise HandlerError(f"{logical_id} raised {type(exc).__name__}: {exc}") from exc
            finally:
                elapsed = time.monotonic() - started
                if elapsed > fn.timeout_s:
                    log.warning(
                        "%s ran %.1fs, longer than its %ss timeout (Lambda would have stopped it)",
                        logical_id,
                        elapsed,
                        fn.timeout_s,
                    )
        return result

    # ------------------------------------------------------------------ HTTP API semantics

    def authorize(
        self, route: Route, headers: Mapping[str, str]
    ) -> tuple[dict[str, Any] | None, tuple[int, dict[str, str]] | None]:
        """Return (requestContext.authorizer, None) or (None, (status, extra response headers))."""
        auth = route.authorizer
        if auth.kind == "none":
            return None, None
        if auth.kind == "iam":
            value = headers.get("authorization", "")
            scheme, _, presented = value.partition(" ")
            expected = tokens.service_token()
            if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip(), expected):
                return None, (403, {})
            return {
                "iam": {
                    "accessKey": SERVICE_ACCESS_KEY,
                    "accountId": LOCAL_ACCOUNT_ID,
                    "callerId": SERVICE_USER_ID,
                    "cognitoIdentity": None,
                    "principalOrgId": None,
                    "userArn": f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:role/{SERVICE_ROLE_NAME}",
                    "userId": SERVICE_USER_ID,
                }
            }, None
        raw = headers.get(auth.header, "").strip()
        token = raw[7:].strip() if raw[:7].lower() == "bearer " else raw
        if not token:
            return None, (401, {})
        try:
            claims = tokens.verify(token, audience=auth.audiences, issuer=auth.issuers)
        except tokens.TokenError as exc:
            challenge = f'Bearer scope="" error="invalid_token" error_description="{exc}"'
            return None, (401, {"www-authenticate": challenge})
        scopes: list[str] | None = None
        if route.scopes:
            granted = str(claims.get("scope") or claims.get("scp") or "").split()
            if not set(granted) & set(route.scopes):
                return None, (403, {})
            scopes = granted
        claims_as_strings = {k: _stringify_claim(v) for k, v in claims.items()}
        return {"jwt": {"claims": claims_as_strings, "scopes": scopes}}, None

    def build_event(
        self,
        *,
        method: str,
        target: str,
        header_items: list[tuple[str, str]],
        body: bytes,
        source_ip: str,
        protocol: str,
        route: Route,
        path_parameters: dict[str, str],
        authorizer: dict[str, Any] | None,
        request_id: str,
    ) -> dict[str, Any]:
        raw_path, _, raw_query = target.partition("?")
        headers: dict[str, str] = {}
        for name, value in header_items:
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        cookie_header = headers.pop("cookie", None)
        host = headers.get("host", f"{self.host}:{self.port}")
        headers.setdefault("x-forwarded-for", source_ip)
        headers.setdefault("x-forwarded-proto", "http")
        headers.setdefault("x-forwarded-port", str(self.port))
        headers.setdefault("x-amzn-trace-id", f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}")

        query: dict[str, str] = {}
        for key, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value

        now = dt.datetime.now(dt.UTC)
        domain = host.split(":")[0]
        context: dict[str, Any] = {
            "accountId": LOCAL_ACCOUNT_ID,
            "apiId": LOCAL_API_ID,
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": protocol,
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        }
        if authorizer is not None:
            context["authorizer"] = authorizer

        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query,
        }
        if cookie_header:
            event["cookies"] = [c.strip() for c in cookie_header.split(";") if c.strip()]
        event["headers"] = headers
        if query:
            event["queryStringParameters"] = query
        event["requestContext"] = context
        if path_parameters:
            event["pathParameters"] = path_parameters
        if body:
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            text: str | None = None
            if not ctype or _TEXT_TYPES.match(ctype):
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
            if text is None:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
            else:
                event["body"] = text
                event["isBase64Encoded"] = False
        else:
            event["isBase64Encoded"] = False
        return event


def map_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Map a handler's return value to an HTTP response the way API Gateway (format 2.0) does."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = json.dumps(result, ensure_ascii=False).encode("utf-8")
        return 200, [("content-type", "application/json")], body
    status = int(result["statusCode"])
    if not 100 <= status <= 599:
        raise ValueError(f"invalid statusCode {status}")
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name), str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body")
    if raw is None:
        payload = b""
    elif result.get("isBase64Encoded"):
        payload = base64.b64decode(raw)
    else:
        payload = (raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)).encode("utf-8")
    return status, headers, payload


class _RequestHandler(BaseHTTPRequestHandler):
    gateway: Gateway
    protocol_version = "HTTP/1.1"
    server_version = "oms-local-gateway"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    # ------------------------------------------------------------------ helpers

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self,
        status: int,
        body: bytes,
        headers: list[tuple[str, str]] | None = None,
        request_id: str | None = None,
    ) -> None:
        self.send_response(status)
        sent = set()
        for name, value in headers or []:
            if name.lower() in _HOP_BY_HOP or name.lower() == "content-length":
                continue
            self.send_header(name, value)
            sent.add(name.lower())
        if "content-type" not in sent and body:
            self.send_header("content-type", "application/json")
        self.send_header("apigw-requestid", request_id or _request_id())
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, [("content-type", "application/json"), *(headers or [])])

    # ------------------------------------------------------------------ dispatch

    def _handle(self) -> None:
        try:
            self._dispatch()
        except Exception:
            sys.stderr.write("gateway error:\n" + traceback.format_exc())
            with contextlib.suppress(Exception):
                self._send(500, b'{"message":"Internal Server Error"}')

    def _dispatch(self) -> None:
        gw = self.gateway
        started = time.monotonic()
        body = self._read_body()
        raw_path = self.path.partition("?")[0]
        method = self.command.upper()

        if method == "GET" and raw_path == "/.well-known/jwks.json":
            self._send_json(200, tokens.jwks())
            return
        if raw_path.startswith("/_local/"):
            self._handle_local(method, raw_path, body)
            return

        found = gw.match_route(method, raw_path)
        if found is None:
            self._send_json(404, {"message": "Not Found"})
            self._log(method, raw_path, 404, started, "-")
            return
        route, params = found
        header_items = [(k, v) for k, v in self.headers.items()]
        lowered = {k.lower(): v for k, v in header_items}
        authorizer, denied = gw.authorize(route, lowered)
        request_id = _request_id()
        if denied is not None:
            status, extra = denied
            message = "Unauthorized" if status == 401 else "Forbidden"
            self._send_json(status, {"message": message}, list(extra.items()))
            self._log(method, raw_path, status, started, route.function.logical_id)
            return

        event = gw.build_event(
            method=method,
            target=self.path,
            header_items=header_items,
            body=body,
            source_ip=self.client_address[0],
            protocol=self.request_version,
            route=route,
            path_parameters=params,
            authorizer=authorizer,
            request_id=request_id,
        )
        try:
            result = gw.invoke_function(route.function.logical_id, event)
            status, headers, payload = map_response(result)
        except HandlerError as exc:
            cause = exc.__cause__ or exc
            sys.stderr.write(
                f"[{route.function.logical_id}] {route.route_key} failed:\n"
                + "".join(traceback.format_exception(cause))
            )
            self._send(500, b'{"message":"Internal Server Error"}', request_id=request_id)
            self._log(method, raw_path, 500, started, route.function.logical_id)
            return
        except Exception:
            sys.stderr.write(
                f"[{route.function.logical_id}] invalid response for {route.route_key}:\n" + traceback.format_exc()
            )
            self._send(500, b'{"message":"Internal Server Error"}', request_id=request_id)
            self._log(method, raw_path, 500, started, route.function.logical_id)
            return
        self._send(status, payload, headers, request_id=request_id)
        self._log(method, raw_path, status, started, route.function.logical_id)

    def _handle_local(self, method: str, raw_path: str, body: bytes) -> None:
        gw = self.gateway
        parts = raw_path.strip("/").split("/")
        if method == "GET" and parts == ["_local", "functions"]:
            self._send_json(
                200,
                {
                    fid: {"handler": fn.handler, "codeUri": str(fn.code_dir), "events": fn.events}
                    for fid, fn in gw.functions.items()
                },
            )
            return
        if method == "POST" and len(parts) == 3 and parts[1] == "invoke":
            logical_id = parts[2]
            if logical_id not in gw.functions:
                self._send_json(404, {"message": f"no function {logical_id}"})
                return
            try:
                event = json.loads(body or b"{}")
            except json.JSONDecodeError as exc:
                self._send_json(400, {"message": f"event is not JSON: {exc}"})
                return
            try:
                result = gw.invoke_function(logical_id, event)
            except HandlerError as exc:
                cause = exc.__cause__ or exc
                sys.stderr.write("".join(traceback.format_exception(cause)))
                self._send_json(
                    200,
                    {
                        "errorMessage": str(cause),
                        "errorType": type(cause).__name__,
                        "stackTrace": traceback.format_tb(cause.__traceback__),
                    },
                    [("x-amz-function-error", "Unhandled")],
                )
                return
            self._send_json(200, result)
            return
        hook = gw.local_hooks.get(parts[1] if len(parts) > 1 else "")
        if hook is not None:
            payload = json.loads(body or b"{}") if method != "GET" else {}
            if isinstance(payload, dict) and len(parts) > 2:
                payload.setdefault("_path", parts[2:])  # e.g. /_local/schedules/{LogicalId}
            self._send_json(200, hook(gw, payload))
            return
        self._send_json(404, {"message": "Not Found"})

    def _log(self, method: str, path: str, status: int, started: float, function: str) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info("%s %s -> %s (%d ms) [%s]", method, path, status, elapsed_ms, function)


def _request_id() -> str:
    return base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
