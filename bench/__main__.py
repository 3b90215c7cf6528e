"""`make bench`: every benchmark, printed as markdown tables.

``python -m bench [section ...]`` runs the named sections only (``python -m bench --list`` names
them); ``OMS_BENCH_QUICK=1`` runs them on tiny sizes (bench.common.QUICK).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack

from bench import (
    autoconfirm,
    channels,
    claims,
    coldstart,
    core,
    deposits,
    exports,
    ingest,
    large,
    messages,
    outbox,
    payments,
    scale,
    staff,
    tracking,
)
from bench.common import local_dynamodb

#: name -> (runs on DynamoDB Local, what it runs), in `make bench` order
SECTIONS: dict[str, tuple[bool, Callable[[], object]]] = {
    "coldstart": (False, coldstart.run),
    "core": (True, core.requests_per_operation),
    "large": (True, large.run),
    "autoconfirm": (True, autoconfirm.auto_confirm),
    "payments": (True, payments.callbacks),
    "messages": (True, messages.sends),
    "outbox": (True, outbox.run),
    "tracking": (True, tracking.run),
    "deposits": (True, deposits.run),
    "channels": (True, channels.run),
    "staff": (True, staff.run),
    "claims": (True, claims.requests_per_claim_operation),
    "ingest": (True, ingest.run),
    "export-requests": (True, exports.requests),
    "export-job": (True, exports.job_on_local_stack),
    "scale": (True, scale.run),
    "exports": (False, exports.run),
}


def lambda_globals() -> None:
    """Handlers called in-process see what every function's template environment holds (Globals:
    the metrics namespace, the service name, the log level), as on Lambda."""
    import os

    from oms_local.template import REPO_ROOT, load_template

    variables = ((load_template(REPO_ROOT / "template.yaml").get("Globals") or {}).get("Function") or {}) \
        .get("Environment", {}).get("Variables", {})
    for name, value in variables.items():
        if isinstance(value, str):
            os.environ.setdefault(name, value)


def main(argv: list[str]) -> int:
    lambda_globals()
    if argv == ["--list"]:
        print("\n".join(SECTIONS))
        return 0
    unknown = [a for a in argv if a not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; sections: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    chosen = [name for name in SECTIONS if not argv or name in argv]
    with ExitStack() as stack:
        ddb_open = False
        for name in chosen:
            on_ddb, run = SECTIONS[name]
            if on_ddb and not ddb_open:
                stack.enter_context(local_dynamodb())
            elif not on_ddb and ddb_open:
                stack.close()  # DynamoDB Local stopped before the sections that do not need it
            ddb_open = on_ddb
            run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
