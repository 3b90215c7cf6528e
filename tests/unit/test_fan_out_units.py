"""The fan-out of due orders (oms.services.fan_out): shops in turn, 50 orders a message, ten messages
a SendMessageBatch, and which failures make a message come back."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from oms.domain.errors import DomainError, NotFound
from oms.services import fan_out
from oms.store import queues


def test_two_shops_alternate_and_a_large_shop_is_spread_over_the_run() -> None:
    pairs = [("b", f"B{i}") for i in range(3)] + [("a", f"A{i}") for i in range(3)]
    assert fan_out.interleave(pairs) == [("b", "B0"), ("a", "A0"), ("b", "B1"), ("a", "A1"), ("b", "B2"), ("a", "A2")]
    # 6 and 2: round-robin alone would leave the large shop's last 4 one after another
    order = [s for s, _ in fan_out.interleave([("big", f"{i}") for i in range(6)] + [("sm", "1"), ("sm", "2")])]
    assert order == ["big", "sm", "big", "big", "big", "sm", "big", "big"]
    # a shop's orders sit ≈ run / its orders apart, whatever the other shops hold (40 shops of one
    # order each do not all fall on the same place)
    shops = {"s1": 100, "s2": 30, "s3": 7, **{f"t{k}": 1 for k in range(40)}}
    run = [s for s, _ in fan_out.interleave([(s, f"{i:03d}") for s, n in shops.items() for i in range(n)])]
    for shop in ("s1", "s2", "s3"):
        at = [i for i, s in enumerate(run) if s == shop]
        gap = len(run) / shops[shop]
        assert all(gap - 3 <= b - a <= gap + 3 for a, b in pairwise(at)), shop


def test_fifty_orders_a_message_each_once() -> None:
    pairs = {(f"site-{k % 7}", f"o{k:04d}") for k in range(123)}
    messages = fan_out.messages(list(pairs) + list(pairs)[:5], today="2031-03-08")
    assert [len(m["orders"]) for m in messages] == [50, 50, 23]
    assert all(m["today"] == "2031-03-08" for m in messages)
    sent = [tuple(p) for m in messages for p in m["orders"]]
    assert sorted(sent) == sorted(pairs)  # every due order once, duplicates read twice sent once
    assert fan_out.orders_of(messages[0]) == [tuple(p) for p in messages[0]["orders"]]
    assert fan_out.messages([], today="x") == []


def test_the_queue_gets_ten_messages_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []

    class FakeSqs:
        def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
            calls.append((QueueUrl, len(Entries)))
            return {"Successful": Entries}

    monkeypatch.setattr(queues, "_sqs", lambda: FakeSqs())
    monkeypatch.setenv("AUTO_CONFIRM_QUEUE_URL", "https://sqs.local/q")
    bodies = fan_out.messages([("s", f"o{i:04d}") for i in range(23 * 50)], today="d")
    assert fan_out.to_queue("AUTO_CONFIRM_QUEUE_URL")(bodies) == 23
    assert calls == [("https://sqs.local/q", 10), ("https://sqs.local/q", 10), ("https://sqs.local/q", 3)]


def test_one_large_shop_is_paced_and_sqs_delays_its_later_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    # one shop's 1,000 orders at 200 a second: its i-th message (orders 50i .. 50i+49) waits
    # (50i + 49) // 200 seconds — 0 s for the first four, 1 s for the next four ... 4 s for the last
    bodies = fan_out.messages([("big", f"o{i:04d}") for i in range(1000)], today="d")
    assert [b.get("delay_s", 0) for b in bodies] == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4
    assert "delay_s" not in bodies[0]  # no delay asked when there is none
    # many small shops: nothing waits (each shop's turn is its first orders)
    small = fan_out.messages([(f"s{k}", "o1") for k in range(500)], today="d")
    assert all("delay_s" not in b for b in small)
    # the delay is capped at SQS's 900 s
    huge = fan_out.messages([("big", f"o{i:06d}") for i in range(200 * 901 + 50)], today="d")
    assert huge[-1]["delay_s"] == 900
    entries: list[dict[str, Any]] = []

    class FakeSqs:
        def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
            entries.extend(Entries)
            return {"Successful": Entries}

    monkeypatch.setattr(queues, "_sqs", lambda: FakeSqs())
    queues.send_batches("https://sqs.local/q", bodies)
    assert [e.get("DelaySeconds", 0) for e in entries] == [b.get("delay_s", 0) for b in bodies]


def test_a_lost_race_or_an_outage_brings_the_message_back_a_refusal_does_not() -> None:
    assert fan_out.transient(DomainError("VERSION_CONFLICT", "충돌", status=409))
    assert fan_out.transient(TimeoutError())
    assert not fan_out.transient(NotFound("order", "o1"))
    assert not fan_out.transient(DomainError("CONFIRM_ONLY_DELIVERED", "배송완료만"))


def test_one_failing_order_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    monkeypatch.setattr(fan_out.effects, "settings_cache", nullcontext)

    def one(site: str, order: str) -> int:
        if order == "o2":
            raise DomainError("VERSION_CONFLICT", "충돌", status=409)
        if order == "o3":
            raise NotFound("order", order)
        return 1

    worked = fan_out.work({"orders": [["s", "o1"], ["s", "o2"], ["s", "o3"], ["s", "o4"]]}, one, threads=2)
    assert worked.done == [("s", "o1", 1), ("s", "o4", 1)]
    assert worked.failed == [{"site_id": "s", "order_id": "o2", "code": "VERSION_CONFLICT", "transient": True},
                             {"site_id": "s", "order_id": "o3", "code": "ORDER_NOT_FOUND", "transient": False}]
    assert worked.retry
    assert not fan_out.work({"orders": [["s", "o3"]]}, one, threads=2).retry


def test_a_bulk_jobs_chunks_are_paced_like_a_shops_orders() -> None:
    from oms.services import jobs

    body = {"site_id": "s", "job_id": "j"}
    # chunk n holds orders 50n .. 50n+49: it waits 50n // 200 s — the first four at once, then 1 s ...
    assert [jobs.paced({**body, "chunk": n}, n).get("delay_s", 0) for n in range(9)] == [0] * 4 + [1] * 4 + [2]
    assert jobs.paced({**body, "chunk": 0}, 0) == {**body, "chunk": 0}  # nothing added when nothing waits
    assert jobs.paced(body, 999)["delay_s"] == 249  # a 50,000-order job's last chunk: 4 min after its first
    assert jobs.paced(body, 10_000)["delay_s"] == 900  # SQS's longest delay
