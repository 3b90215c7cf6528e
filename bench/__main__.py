"""`make bench`: every benchmark, printed as markdown tables."""

from __future__ import annotations

import sys

from bench import autoconfirm, claims, coldstart, core, exports, ingest, large, messages, payments
from bench.common import local_dynamodb


def main(argv: list[str]) -> int:
    coldstart.run()
    with local_dynamodb():
        core.requests_per_operation()
        large.run()
        autoconfirm.auto_confirm()
        payments.callbacks()
        messages.sends()
        claims.requests_per_claim_operation()
        ingest.run()
        exports.requests()
        exports.job_on_local_stack()
    exports.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
