"""Cold import of every function's handler module, against its unavoidable dependencies and boto3.

Each figure is the median over ``BENCH_COLD_RUNS`` (default 9) fresh interpreters of the CPU time
the import itself takes (a timer around ``import <handler module>``; interpreter start-up excluded,
as Lambda's runtime start-up is not ours). The commands run interleaved (one of each, then again), so
a machine that slows down during the run moves every figure alike.

- (a) "deps": the third-party modules the function cannot do without, imported and set up alone
  (the objects the handler module creates at import: resolver, Logger, Metrics).
- (b) ``import boto3`` alone.

Goals: handler ≤ 1.2 × (a) and ≤ 2.5 × (b). ``python -m bench.coldstart --tree <module>`` prints
what each top-level package adds to one module's import (``python -X importtime``, self times).
"""

from __future__ import annotations

import collections
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass

from bench.common import QUICK, ROOT, print_table, size

# CPU seconds of the import: on a shared machine wall time mostly measures the neighbours; a Lambda
# cold start runs on its own vCPU share, where CPU time is what the import costs.
TIMER = "import time; t=time.process_time(); {body}; print(time.process_time()-t)"

BOTO3 = "import boto3"
# pydantic is imported lazily: a model defined is what using it costs.
_BASE = ("import boto3, botocore.config, pydantic; "
         "exec('class M(pydantic.BaseModel):\\n x: int = 0'); "
         "from aws_lambda_powertools import Logger, Metrics; Logger(); Metrics()")
#: A function behind API Gateway with the Event Handler resolver and request validation.
RESOLVER = (
    _BASE + "; from aws_lambda_powertools.event_handler import APIGatewayHttpResolver; "
    "from aws_lambda_powertools.event_handler.openapi.params import Query; "
    "APIGatewayHttpResolver(enable_validation=True)"
)
#: Powertools' idempotency utility (Idempotency-Key of the admin and buyer APIs, PG callbacks applied once).
IDEMPOTENCY = "; from aws_lambda_powertools.utilities.idempotency import idempotent_function"
#: The PG callback handler: the 2.0 event data class and the idempotency utility.
WEBHOOK = _BASE + "; from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2" + IDEMPOTENCY
#: A scheduled job: the EventBridge event data class.
JOB = _BASE + "; from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent"


@dataclass(frozen=True)
class Target:
    function: str
    module: str
    deps: str
    deps_label: str


TARGETS = [
    Target("OrdersFunction", "admin_api.app", RESOLVER + IDEMPOTENCY,
           "boto3, pydantic, Logger, Metrics, resolver + validation, idempotency"),
    Target("BuyerFunction", "buyer_api.app", RESOLVER + "; import jwt" + IDEMPOTENCY,
           "boto3, pydantic, Logger, Metrics, resolver + validation, PyJWT, idempotency"),
    Target("WebhooksFunction", "webhooks_api.app", WEBHOOK, "boto3, pydantic, Logger, Metrics, 2.0 event, idempotency"),
    Target("TrackingWebhooksFunction", "webhooks_api.tracking", WEBHOOK,
           "boto3, pydantic, Logger, Metrics, 2.0 event, idempotency"),
    Target("AutoConfirmFunction", "scheduled_fn.auto_confirm", JOB, "boto3, pydantic, Logger, Metrics, event class"),
    Target("AutoConfirmWorkerFunction", "scheduled_fn.auto_confirm_worker", JOB,
           "boto3, pydantic, Logger, Metrics, event class"),
    Target("TrackingSweepWorkerFunction", "scheduled_fn.tracking_sweep_worker", JOB,
           "boto3, pydantic, Logger, Metrics, event class"),
    Target("VaExpiryFunction", "scheduled_fn.va_expiry", JOB, "boto3, pydantic, Logger, Metrics, event class"),
    Target("VaExpiryWorkerFunction", "scheduled_fn.va_expiry_worker", JOB,
           "boto3, pydantic, Logger, Metrics, event class"),
    Target("InvoicesFunction", "invoices_fn.handler", RESOLVER, "boto3, pydantic, Logger, Metrics, resolver"),
]

GOAL_DEPS = 1.2
GOAL_BOTO3 = 2.5


def _env() -> dict[str, str]:
    paths = [str(ROOT / "shared"), str(ROOT / "local"), *(str(p) for p in sorted((ROOT / "functions").iterdir()))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")])}
    env.setdefault("TABLE_NAME", "oms-bench")
    env.setdefault("AWS_DEFAULT_REGION", "ap-northeast-2")
    env.setdefault("AWS_REGION", "ap-northeast-2")
    # What Lambda sets for a traced function; locally the X-Ray daemon is absent, so tracing is off.
    env["POWERTOOLS_TRACE_DISABLED"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # Lambda imports from compiled bytecode
    return env


def _once(body: str, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", TIMER.format(body=body)], env=env, capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure(bodies: list[str], runs: int) -> list[float]:
    """Median seconds of each body, run interleaved ``runs`` times (after one warm-up of each)."""
    env = _env()
    for body in bodies if not QUICK else ():
        _once(body, env)  # bytecode compiled, files in the page cache
    samples: list[list[float]] = [[] for _ in bodies]
    for _ in range(runs):
        for i, body in enumerate(bodies):
            samples[i].append(_once(body, env))
    return [statistics.median(s) for s in samples]


def run(runs: int | None = None) -> list[list[str]]:
    runs = runs or int(os.environ.get("BENCH_COLD_RUNS", str(size(9, 1))))
    bodies = [BOTO3]
    for t in TARGETS:
        bodies += [f"import {t.module}", t.deps]
    medians = measure(list(dict.fromkeys(bodies)), runs)
    by_body = dict(zip(dict.fromkeys(bodies), medians, strict=True))
    boto3_s = by_body[BOTO3]
    rows = []
    for t in TARGETS:
        ours, deps = by_body[f"import {t.module}"], by_body[t.deps]
        a, b = ours / deps, ours / boto3_s
        rows.append([t.function, t.module, f"{ours * 1000:.0f}", f"{deps * 1000:.0f}", f"{a:.2f}",
                     f"{b:.2f}", "yes" if a <= GOAL_DEPS and b <= GOAL_BOTO3 else "no", t.deps_label])
    print_table(
        f"Cold import per function (CPU ms, median of {runs} fresh interpreters; import boto3 alone: "
        f"{boto3_s * 1000:.0f} ms)",
        ["function", "handler module", "import", "(a) deps", "÷ (a)", "÷ boto3", "goals met", "(a) is"],
        rows,
    )
    # Powertools' Tracer (the X-Ray SDK) is no longer installed anywhere (docs/decisions.md), so no comparison
    print(f"\nGoals: ≤ {GOAL_DEPS} × (a), ≤ {GOAL_BOTO3} × import boto3.")
    return rows


def tree(module: str) -> None:
    """What each top-level package adds to one module's import (self times of ``-X importtime``)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], env=_env(),
                         capture_output=True, text=True, check=True)
    totals: collections.Counter[str] = collections.Counter()
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if m:
            totals[m.group(3).split(".")[0]] += int(m.group(1))
    rows = [[pkg, f"{us / 1000:.1f}"] for pkg, us in totals.most_common(15)]
    print_table(f"What {module} imports (self ms by top-level package, one run)", ["package", "ms"], rows)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--tree":
        tree(sys.argv[2])
    else:
        run()
