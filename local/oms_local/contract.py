"""A function's contract with its deployment, as ``template.yaml`` states it, enforced locally.

- Environment: exactly ``Globals.Function.Environment`` + the function's own ``Environment``
  (intrinsics resolved), plus what the Lambda runtime itself sets (region, credentials, function
  name, ``AWS_EXECUTION_ENV`` ...) and the local endpoint variables: ``AWS_ENDPOINT_URL_*`` and the
  external APIs' base URLs pointed at the sandboxes (``*_API_BASE``). Endpoints are not settings:
  nothing else of the calling process reaches the function (no secret, no ``CURSOR_KEY``).
- Permissions: every AWS call is checked against the function's ``Policies``
  (:mod:`oms_local.iam`).

:func:`under` applies both around an in-process call (tests invoking a handler); the gateway's
containers get :meth:`Contract.env` as their whole environment and install the guard at start.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oms_local import REGION
from oms_local.iam import Guard, activate, function_statements
from oms_local.iam import active as iam_active
from oms_local.intrinsics import SQS_URL, Intrinsics
from oms_local.lambda_context import LOCAL_ACCOUNT_ID

#: the handler packages of template.yaml's functions (the in-process test invoker maps by module)
HANDLER_PACKAGES = ("admin_api", "buyer_api", "exports_fn", "webhooks_api", "scheduled_fn", "invoices_fn",
                    "relay_fn")
#: set by the Lambda runtime, not the template (values of this process, dummy locally)
RUNTIME_VARS = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN")
#: what the process needs to run at all (not settings)
PROCESS_VARS = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
#: base URLs of the external APIs, pointed at the local sandboxes (deployed: the products' defaults)
EXTERNAL_ENDPOINTS = ("TOSS_API_BASE", "PORTONE_API_BASE", "NHN_SMS_API_BASE", "SOLAPI_API_BASE",
                      "NHN_ALIMTALK_API_BASE", "SOLAPI_ALIMTALK_API_BASE",
                      "TRACKER_DELIVERY_API_BASE", "SWEETTRACKER_API_BASE", "BANKDA_API_BASE",
                      "POPBILL_API_BASE", "NAVER_COMMERCE_API_BASE")


def is_endpoint(name: str) -> bool:
    return name.startswith("AWS_ENDPOINT_URL") or name in EXTERNAL_ENDPOINTS


def endpoints(env: Mapping[str, str]) -> dict[str, str]:
    """The endpoint variables of ``env`` (everything else dropped)."""
    return {k: v for k, v in env.items() if is_endpoint(k)}


def template_env(template: Mapping[str, Any], resolver: Intrinsics, logical_id: str) -> dict[str, str]:
    """Globals + the function's own Environment.Variables, resolved."""
    gvars = (((template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}).get("Variables")
    props = template["Resources"][logical_id].get("Properties") or {}
    fvars = (props.get("Environment") or {}).get("Variables")
    env: dict[str, str] = {}
    for key, value in {**(gvars or {}), **(fvars or {})}.items():
        resolved = resolver.resolve(value)
        if resolved is not None:
            env[key] = str(resolved).lower() if isinstance(resolved, bool) else str(resolved)
    return env


@dataclass
class Contract:
    logical_id: str
    template_env: dict[str, str]
    guard: Guard
    runtime: str
    handler: str
    memory_mb: int
    code_dir: Path

    def env(self, endpoint_env: Mapping[str, str], process_env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The function's whole environment; endpoints from ``endpoint_env``, runtime values from
        ``process_env`` (default: this process's)."""
        proc = os.environ if process_env is None else process_env
        return {
            **{k: proc[k] for k in (*PROCESS_VARS, *RUNTIME_VARS) if k in proc},
            "AWS_REGION": proc.get("AWS_REGION", REGION),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": self.logical_id,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.logical_id}",
            "_HANDLER": self.handler,
            "LAMBDA_TASK_ROOT": str(self.code_dir),
            # Tracing needs the X-Ray daemon, which does not exist locally.
            "POWERTOOLS_TRACE_DISABLED": "true",
            **self._on_endpoints(endpoint_env),
            **endpoints(endpoint_env),
        }

    def _on_endpoints(self, endpoint_env: Mapping[str, str]) -> dict[str, str]:
        """The template's values, queue URLs moved to the local SQS endpoint when there is one."""
        sqs = endpoint_env.get("AWS_ENDPOINT_URL_SQS")
        aws = SQS_URL.format(region=self.guard.region)
        if not sqs:
            return dict(self.template_env)
        return {k: sqs.rstrip("/") + v[len(aws):] if v.startswith(aws + "/") else v
                for k, v in self.template_env.items()}


def contracts(template: Mapping[str, Any], resolver: Intrinsics, base_dir: Path) -> dict[str, Contract]:
    """The contract of every ``AWS::Serverless::Function`` of the template."""
    gfn = (template.get("Globals") or {}).get("Function") or {}
    out = {}
    for logical_id, res in (template.get("Resources") or {}).items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = {**gfn, **(res.get("Properties") or {})}
        guard = Guard(logical_id, function_statements(template, resolver, logical_id),
                      str(resolver.pseudo["AWS::Region"]), LOCAL_ACCOUNT_ID)
        out[logical_id] = Contract(logical_id, template_env(template, resolver, logical_id), guard,
                                   str(props.get("Runtime", "python3.12")), str(props["Handler"]),
                                   int(props.get("MemorySize", 128)),
                                   (base_dir / str(props.get("CodeUri", "."))).resolve())
    return out


# --------------------------------------------------------------------------- in-process invocation

_cond = threading.Condition()
_current: list[Any] = [None, 0]  # logical id, depth (concurrent calls of the same function share it)
_outer: dict[str, str] = {}  # the process environment before the first of them


_holders: dict[int, int] = {}  # threads inside a scope -> depth


@contextlib.contextmanager
def scope(logical_id: str, make_env: Callable[[Mapping[str, str]], dict[str, str]],
          guard: Guard | None) -> Iterator[dict[str, str]]:
    """Run the body with exactly ``make_env(process env)`` in ``os.environ`` and ``guard`` active; the
    process environment is restored after. Calls of another function from other threads wait (one
    environment at a time); concurrent calls of the same function share it; a call of another
    function from inside one (a test's fault injection) stacks on it and restores it after."""
    tid = threading.get_ident()
    with _cond:
        nested = tid in _holders and _current[0] != logical_id
        while not nested and _current[0] not in (None, logical_id):
            _cond.wait()
        previous = (dict(os.environ), iam_active(), _current[0], _current[1])
        if nested or _current[1] == 0:
            if not nested:
                _outer.clear()
                _outer.update(os.environ)
            env = make_env(dict(_outer))
            os.environ.clear()
            os.environ.update(env)
            activate(guard)
            _current[0], _current[1] = logical_id, 0
        _current[1] += 1
        _holders[tid] = _holders.get(tid, 0) + 1
        env = dict(os.environ)
    try:
        yield env
    finally:
        with _cond:
            _holders[tid] -= 1
            if not _holders[tid]:
                del _holders[tid]
            _current[1] -= 1
            if nested:
                os.environ.clear()
                os.environ.update(previous[0])
                activate(previous[1])
                _current[0], _current[1] = previous[2], previous[3]
            elif _current[1] == 0:
                activate(None)
                os.environ.clear()
                os.environ.update(_outer)
                _current[0] = None
                _cond.notify_all()


def under(contract: Contract, endpoint_env: Mapping[str, str] | None = None) -> contextlib.AbstractContextManager[
        dict[str, str]]:
    """:func:`scope` with ``contract``'s environment (endpoints from ``endpoint_env`` or this process's)."""
    return scope(contract.logical_id,
                 lambda outer: contract.env(outer if endpoint_env is None else endpoint_env, outer), contract.guard)


def function_of(module: str, handler_name: str, all_contracts: Mapping[str, Contract]) -> Contract | None:
    """The function whose ``Handler`` is ``module.handler_name``."""
    wanted = f"{module}.{handler_name}"
    return next((c for c in all_contracts.values() if c.handler == wanted), None)
