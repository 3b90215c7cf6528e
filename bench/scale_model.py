"""The capacity model of docs/scale.md: its assumptions as constants, and the Lambda concurrency and
scheduled-run time it implies at (a) one shop and (b) the platform. ``python -m bench scale`` prints
these figures next to the simulated day's partition table (bench.scale); the doc quotes both."""

from __future__ import annotations

from functools import cache
from typing import Any

from oms_local.template import load_template

# ---- volumes ------------------------------------------------------------------------------------
#: (a) one shop: orders a day and its sale hour against an average hour
SHOP_ORDERS_DAY = 10_000
SHOP_PEAK = 20
#: (b) the platform: shops by tier (shops, orders a day each): a long tail, a few shops doing thousands
TIERS = [(70_000, 0.3), (25_000, 4), (4_500, 40), (480, 400), (20, 5_000)]
PLATFORM_SHOPS = sum(n for n, _ in TIERS)  # 100,000
PLATFORM_ORDERS_DAY = int(sum(n * per for n, per in TIERS))  # 593,000
#: the platform's busiest hour against its average hour (evening, a few shops' sales on top)
PLATFORM_PEAK = 3
#: a second inside the peak hour against the hour's average second (a sale's first minutes)
BURST = 5
#: fulfilment (moves, tracking numbers, claims, lists) happens in 8 working hours: ×3 an average hour
WORK_PEAK = 3
LIMIT_RCU, LIMIT_WCU = 3_000, 1_000

# ---- per order ----------------------------------------------------------------------------------
CARD, VA, VA_UNPAID = 0.75, 0.25, 0.15
#: PG callbacks: a card's Paid notice; a VA's issued notice, its deposit and half a retry
PG_CALLBACKS = CARD * 1 + VA * 2.5
NOTIFICATIONS = 3  # 알림톡: order received, shipped, delivered (the SMS fallback rarely)
PARCELS, EVENTS_PER_PARCEL = 1.05, 4
POLLED_SHARE, POLLS_PER_DAY = 0.10, 6  # parcels of couriers without webhooks, polled by the sweep
RECORDS_PLAIN, RECORDS_NOTIFY = 7, 3  # stream records the relay reads: changes, and those that notify
ADMIN_CALLS = 8  # list pages, details, moves, tracking numbers, claims: per order
CONFIRMED_BY_JOB = 0.9  # delivered physical orders the auto-confirm job confirms (the rest: buyers)
#: shops with a Naver connection (pulled every 5 minutes), shops reading a bank account (every 5 minutes)
CHANNEL_SHOPS, BANK_SHOPS = 0.20, 0.05
POLL_EVERY_S = 300

# ---- time per unit of work on AWS, warm (seconds); order_job: one order's Query + TransactWriteItems ----
T = {"intake": 0.15, "admin": 0.08, "pg_callback": 0.40, "courier_event": 0.20, "relay_plain": 0.02,
     "relay_notify": 0.35, "channel_pull": 1.5, "deposit_poll": 0.8, "order_job": 0.025, "polled": 0.175,
     "send_batch": 0.015, "list_page": 0.06, "chunk_put": 0.008}
#: threads a fan-out worker runs (auto-confirm, tracking sweep: oms.services.confirmation / tracking_issues)
WORKER_THREADS = 8
#: a bulk job's worker: 4 orders at once in each message (oms.services.jobs.WORKERS)
JOB_THREADS = 4
#: one shop's orders a second in any run or job (oms.services.fan_out.SHOP_PACE: SQS delays)
SHOP_PACE = 200
ACCOUNT_CONCURRENCY = 1_000
#: admin calls that are a page of the list (GET /admin/orders, the busiest admin route)
LIST_SHARE = 3 / 8
#: a scheduled run's usable time: its timeout less the 20 s the auto-confirm job keeps in hand
#: a run's time: VA expiry within its 10-minute interval; a dispatcher's sends within 100 s
RUN_S = {"va_expiry": 600, "fan_out": 100}
#: the fan-out runs' goals: a day's confirmations within the hour after the daily run; a sweep
#: within its 30-minute interval; a job's snapshot within the worker's 900 s
CONFIRM_WITHIN_S, SWEEP_EVERY_S, WORKER_TIMEOUT_S = 3_600, 1_800, 900


# ---- capacities: read from template.yaml, so the model and the stack cannot disagree ---------------


@cache
def _resources() -> dict[str, Any]:
    return dict(load_template()["Resources"])


def _props(function: str) -> dict[str, Any]:
    return dict(_resources()[function]["Properties"])


def reserved(function: str, source: str | None = None) -> int:
    """A function's ``ReservedConcurrentExecutions``, capped by the ``MaximumConcurrency`` of its SQS
    source ``source`` when named."""
    props = _props(function)
    caps = [int(props["Events"][source]["Properties"]["ScalingConfig"]["MaximumConcurrency"])] if source else []
    return min([int(props["ReservedConcurrentExecutions"]), *caps])


def reserved_total() -> int:
    """The account's executions ``template.yaml`` reserves (the rest is the unreserved pool)."""
    return sum(int(r["Properties"].get("ReservedConcurrentExecutions", 0)) for r in _resources().values()
               if r["Type"] == "AWS::Serverless::Function")


def route_rate(function: str | None, event: str | None = None) -> int:
    """A route's ``ThrottlingRateLimit`` (requests a second, the whole platform's); the stage default
    for ``function=None``."""
    if function is None:
        return int(_resources()["HttpApi"]["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"])
    return int(_props(function)["Events"][event]["Properties"]["RouteSettings"]["ThrottlingRateLimit"])


def run_rate(function: str, threads: int = WORKER_THREADS) -> float:
    """Orders a second a queue's workers take at most: executions × threads ÷ time an order."""
    return reserved(function, "Orders") * threads / T["order_job"]


def per_second(per_day: float, peak: float, burst: float = 1) -> float:
    return per_day * peak * burst / 86_400


def lambda_rows() -> list[list[Any]]:
    """(what, figure at (a), at (b), capacity, headroom (a), headroom (b)): concurrency is the peak
    hour's rate × the time per unit; a run's figure is its seconds of work against its time."""
    rows: list[tuple[str, float, float, float]] = []

    def both(fn: Any) -> tuple[float, float]:
        return fn(SHOP_ORDERS_DAY, SHOP_PEAK, 1), fn(PLATFORM_ORDERS_DAY, PLATFORM_PEAK, PLATFORM_SHOPS)

    a, b = both(lambda d, p, shops: per_second(d, p) * T["intake"] + per_second(d * ADMIN_CALLS, WORK_PEAK)
                * T["admin"])
    rows.append(("OrdersFunction: concurrency (unreserved pool)", a, b, ACCOUNT_CONCURRENCY - reserved_total()))
    a, b = both(lambda d, p, shops: per_second(d * PG_CALLBACKS, p) * T["pg_callback"])
    rows.append(("WebhooksFunction: concurrency (PG callbacks), reserved", a, b, reserved("WebhooksFunction")))
    a, b = both(lambda d, p, shops: per_second(d * PARCELS * EVENTS_PER_PARCEL, WORK_PEAK) * T["courier_event"])
    rows.append(("TrackingWebhooksFunction: concurrency (courier events), reserved", a, b,
                 reserved("TrackingWebhooksFunction")))
    a, b = both(lambda d, p, shops: per_second(d, p) * (RECORDS_PLAIN * T["relay_plain"]
                                                        + RECORDS_NOTIFY * T["relay_notify"]))
    rows.append(("RelayFunction: concurrency (stream records), reserved", a, b, reserved("RelayFunction")))
    a, b = both(lambda d, p, shops: max(1, shops * CHANNEL_SHOPS) / POLL_EVERY_S * T["channel_pull"])
    rows.append(("ChannelWorkerFunction: concurrency (Naver pulls), SQS maximum", a, b,
                 reserved("ChannelWorkerFunction", "Connections")))
    a, b = both(lambda d, p, shops: max(1, shops * BANK_SHOPS) / POLL_EVERY_S * T["deposit_poll"])
    rows.append(("DepositWorkerFunction: concurrency (bank reads), SQS maximum", a, b,
                 reserved("DepositWorkerFunction", "Accounts")))
    # the routes' throttles are the platform's, not a shop's: requests a second in the peak second
    a, b = both(lambda d, p, shops: per_second(d, p, BURST))
    rows.append(("POST /intake/orders: requests/s, route throttle", a, b, route_rate("OrdersFunction", "Intake")))
    a, b = both(lambda d, p, shops: per_second(d * PG_CALLBACKS, p, BURST))
    rows.append(("POST /webhooks/{provider}: PG callbacks/s, route throttle", a, b,
                 route_rate("WebhooksFunction", "PgCallback")))
    a, b = both(lambda d, p, shops: per_second(d * PARCELS * EVENTS_PER_PARCEL, WORK_PEAK, BURST))
    rows.append(("POST /webhooks/tracking/{provider}: courier events/s, route throttle", a, b,
                 route_rate("TrackingWebhooksFunction", "TrackingCallback")))
    a, b = both(lambda d, p, shops: per_second(d * ADMIN_CALLS * LIST_SHARE, WORK_PEAK, BURST))
    rows.append(("GET /admin/orders: list pages/s, the stage's route throttle", a, b, route_rate(None)))
    a, b = both(lambda d, p, shops: max(1, shops * (CHANNEL_SHOPS + BANK_SHOPS)) / 10 * T["send_batch"])
    rows.append(("ChannelPoll + DepositPoll: one run's fan-out (s, SendMessageBatch of 10)", a, b,
                 RUN_S["fan_out"]))
    a, b = both(lambda d, p, shops: d * CONFIRMED_BY_JOB / 50 / 10 * T["send_batch"])
    rows.append(("AutoConfirmFunction: the daily run's fan-out (s, 50 orders a message)", a, b, RUN_S["fan_out"]))
    confirm_rate = run_rate("AutoConfirmWorkerFunction")
    a, b = both(lambda d, p, shops: max(d * CONFIRMED_BY_JOB / confirm_rate,
                                        min(d, TIERS[-1][1] if shops > 1 else d) * CONFIRMED_BY_JOB / SHOP_PACE))
    rows.append(("AutoConfirmWorkerFunction: a day's confirmations, its workers, a shop at its pace (s)", a, b,
                 CONFIRM_WITHIN_S))
    # each confirmed order (each checked parcel) moves its due item in GSI3: the run's rate over the shards
    from oms.store import keys

    a = b = confirm_rate / keys.CONFIRM_DUE_SHARDS
    rows.append(("GSI3 DUE#CONFIRM#<day>#<shard>: the run's writes a shard (WCU/s)", a, b, LIMIT_WCU))
    a = b = run_rate("TrackingSweepWorkerFunction") / keys.TRACKING_DUE_SHARDS
    rows.append(("GSI3 DUE#TRACK#<shard>: the sweep's writes a shard (WCU/s)", a, b, LIMIT_WCU))
    a, b = both(lambda d, p, shops: (d * PARCELS * T["order_job"]
                                     + d * PARCELS * POLLED_SHARE * POLLS_PER_DAY * T["polled"]) / 48
                / (reserved("TrackingSweepWorkerFunction", "Orders") * WORKER_THREADS))
    rows.append(("TrackingSweepWorkerFunction: one run of 48 a day, its workers (s)", a, b, SWEEP_EVERY_S))
    a, b = both(lambda d, p, shops: d * VA * VA_UNPAID / 144 * T["order_job"]
                / (reserved("VaExpiryWorkerFunction", "Orders") * WORKER_THREADS))
    rows.append(("VaExpiryWorkerFunction: one run of 144 a day, its workers (s)", a, b, RUN_S["va_expiry"]))
    a, b = both(lambda d, p, shops: d / 100 * T["list_page"] + d / 50 * T["chunk_put"])
    rows.append(("JobsWorkerFunction: a job's snapshot of one day's orders of the largest shop (s)", a,
                 TIERS[-1][1] / 100 * T["list_page"] + TIERS[-1][1] / 50 * T["chunk_put"], WORKER_TIMEOUT_S))
    return [[what, f"{a:,.2f}", f"{b:,.2f}", f"{cap:,}", f"×{cap / a:,.1f}", f"×{cap / b:,.2f}"]
            for what, a, b, cap in rows]


def snapshot_limit() -> int:
    """Orders a job's snapshot can take within the worker's 900 s."""
    return int(WORKER_TIMEOUT_S / (T["list_page"] / 100 + T["chunk_put"] / 50))
