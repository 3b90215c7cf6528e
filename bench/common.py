"""Shared bench plumbing: a DynamoDB Local for the run, request counting, table printing."""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: ``OMS_BENCH_QUICK=1``: every section on tiny sizes and one repetition (the smoke test,
#: tests/integration/test_bench_smoke.py); the figures then only show that the section still runs.
QUICK = os.environ.get("OMS_BENCH_QUICK", "") not in ("", "0")


def size(full: int, quick: int) -> int:
    """A count or repetition of the real bench, or its tiny stand-in under ``OMS_BENCH_QUICK``."""
    return quick if QUICK else full


@contextmanager
def local_dynamodb(table: str = "oms-bench") -> Iterator[str]:
    """DynamoDB Local in memory with the table created from template.yaml."""
    from oms_local import apply_local_env
    from oms_local.ddb import DynamoDBLocal
    from oms_local.template import create_table

    ddb = DynamoDBLocal().start()
    try:
        apply_local_env(ddb_endpoint=ddb.endpoint, table_name=table)
        os.environ["TABLE_NAME"] = table
        create_table(ddb.client(), table)
        yield ddb.endpoint
    finally:
        ddb.stop()


class RequestCounter:
    """Counts DynamoDB API calls made through a botocore client (a before-call event hook)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def attach(self, client: Any) -> RequestCounter:
        client.meta.events.register("before-call.dynamodb", self._hook)
        return self

    def _hook(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    @contextmanager
    def measure(self) -> Iterator[Counter[str]]:
        before = self.calls.copy()
        out: Counter[str] = Counter()
        yield out
        out.update(self.calls - before)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def in_process(work: Callable[[dict[str, Any]], Any]) -> Callable[[list[dict[str, Any]]], int]:
    """A fan-out's ``send`` that works each message here instead of queueing it (the scheduled
    dispatcher and its worker in one process, one message after another)."""

    def send(bodies: list[dict[str, Any]]) -> int:
        for body in bodies:
            work(body)
        return len(bodies)

    return send


def new_site() -> str:
    return f"bench-{uuid.uuid4().hex[:8]}"


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    print(f"\n## {title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)) + " |")
