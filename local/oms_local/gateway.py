"""A local stand-in for API Gateway HTTP API (payload format 2.0) in front of the Lambda functions.

Routes, authorizers, environment variables and IAM policies come from ``template.yaml``: each function
runs under its contract (:mod:`oms_local.contract`: exactly its template environment, every AWS call
checked against its policies). Requests are served
concurrently (one thread per connection, listen backlog 128) and each invocation runs in a container
of its function, as on Lambda: a child process with the function's environment that imported the
handler once and serves one invocation at a time; a function gets up to ``concurrency`` containers,
started on demand (cold starts), kept warm after (see :mod:`oms_local.containers`).

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
``POST /_local/invoke/{LogicalId}`` (invoke any function with any event: S3, EventBridge, ...),
the admin console at ``/`` with its ``/config.json`` and ``POST /_local/dev-token`` (the console's
dev sign-in; see :mod:`oms_local.console`).

The local stage is ``$default`` (no stage prefix in paths), whatever ``StageName`` the template sets.

This module reads the template into routes and functions and invokes them; the HTTP side is
:mod:`oms_local.http_api`, the template's intrinsic functions :mod:`oms_local.intrinsics`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from oms_local import tokens
from oms_local.background import BackgroundServer
from oms_local.containers import DEFAULT_CONCURRENCY, ContainerSpec, FunctionError, InProcess, Pool
from oms_local.contract import Contract, contracts, endpoints
from oms_local.intrinsics import Intrinsics, bucket_name

log = logging.getLogger("oms_local.gateway")

__all__ = ["Authorizer", "Function", "Gateway", "HandlerError", "Route", "bucket_name"]


def _load_template(path: Path) -> dict[str, Any]:
    from oms_local.template import load_template

    return load_template(path)


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
        concurrency: int = DEFAULT_CONCURRENCY,
        console_dir: Path | None = None,
    ) -> None:
        from oms_local.console import CONSOLE_DIR

        self.console_dir = console_dir or CONSOLE_DIR  # the admin console's files, served at /
        self.template_path = Path(template_path).resolve()
        self.base_dir = self.template_path.parent
        self.table_name = table_name
        self.host = host
        self.port = port
        # Endpoints only (AWS_ENDPOINT_URL_*, the sandboxes' API bases): a function's settings are its
        # template's, its secrets come from SSM (oms_local.parameters); anything else given is dropped.
        self.env_overrides: dict[str, str] = dict(env or {})
        self.template = _load_template(self.template_path)
        # the guest token issuer is the local one (the template's parameter has no default)
        self.resolver = Intrinsics(self.template, table_name,
                                   {"GuestTokenIssuer": tokens.local_issuer(), **dict(parameters or {})})
        self.contracts: dict[str, Contract] = contracts(self.template, self.resolver, self.base_dir)
        self.functions: dict[str, Function] = {}
        self.routes: list[Route] = []
        self.local_hooks: dict[str, Callable[[Gateway, dict[str, Any]], Any]] = {}
        # Containers per function (child processes, see oms_local.containers), started on demand.
        self.concurrency = concurrency
        self._pools: dict[str, Pool | InProcess] = {}
        self._pools_lock = threading.Lock()
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
            env = self.contracts[logical_id].template_env  # the same dict: queue URLs set later reach it
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
        from oms_local.http_api import RequestHandler

        handler = type("_BoundHandler", (RequestHandler,), {"gateway": self})
        self.serve(handler, "oms-gateway")
        return self


    def stop(self) -> None:
        """Stop serving and end every function container."""
        BackgroundServer.stop(self)
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

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

    def function_env(self, fn: Function) -> dict[str, str]:
        """The whole environment of ``fn``'s containers: its template's (Globals + its own), what the
        Lambda runtime sets, and the endpoints (this process's ``AWS_ENDPOINT_URL_*`` and the ones
        given to the gateway). Nothing else of this process: see :mod:`oms_local.contract`."""
        return self.contracts[fn.logical_id].env({**endpoints(os.environ), **endpoints(self.env_overrides)})

    def pool(self, logical_id: str) -> Pool | InProcess:
        """The containers of one function (created on first use)."""
        with self._pools_lock:
            pool = self._pools.get(logical_id)
            if pool is None:
                fn = self.functions[logical_id]
                guard = self.contracts[logical_id].guard
                spec = ContainerSpec(function_name=fn.logical_id, handler=fn.handler, code_dir=fn.code_dir,
                                     extra_paths=fn.extra_paths, env=self.function_env(fn), memory_mb=fn.memory_mb,
                                     statements=[asdict(st) for st in guard.statements], region=guard.region,
                                     account=guard.account)
                pool = self._pools[logical_id] = (Pool(spec, self.concurrency) if self.concurrency > 0
                                                  else InProcess(spec))
            return pool

    def invoke_function(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Invoke a function by logical id with any event; raises :class:`HandlerError` if it raises.

        Each invocation runs in a container of the function's pool (one invocation per container at a
        time, up to :attr:`concurrency` at once), like Lambda runs concurrent execution environments.
        """
        fn = self.functions[logical_id]
        started = time.monotonic()
        try:
            with self.pool(logical_id).container() as container:
                return container.invoke(event, str(uuid.uuid4()), fn.timeout_s)
        except FunctionError as exc:
            raise HandlerError(f"{logical_id} raised {exc.error_type}: {exc}") from exc
        finally:
            elapsed = time.monotonic() - started
            if elapsed > fn.timeout_s:
                log.warning(
                    "%s ran %.1fs, longer than its %ss timeout (Lambda would have stopped it)",
                    logical_id,
                    elapsed,
                    fn.timeout_s,
                )
