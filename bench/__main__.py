"""`make bench`: every benchmark, printed as markdown tables."""

from __future__ import annotations

import sys

from bench import autoconfirm, claims, core, ingest, large, payments
from bench.common import local_dynamodb


def main(argv: list[str]) -> int:
    core.cold_import()
    with local_dynamodb():
        core.requests_per_operation()
        large.run()
        autoconfirm.auto_confirm()
        payments.callbacks()
        claims.requests_per_claim_operation()
        ingest.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
