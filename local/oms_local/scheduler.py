"""Local EventBridge schedules: every function's ``Schedule`` / ``ScheduleV2`` events of template.yaml,
run on a timer and on demand, through :meth:`Gateway.invoke_function` (the same handlers, in the function's containers).

- ``rate(N minute|minutes|hour|hours|day|days)`` and ``cron(min hour day-of-month month day-of-week year)``
  (EventBridge's six fields, ``*``, ``?``, lists, ranges, ``/`` steps, ``MON``–``SUN``/``JAN``–``DEC``,
  ``L``/``W``/``#`` are not supported and never match) in UTC or the ``ScheduleExpressionTimezone``
  of a ``ScheduleV2``. A schedule with ``Enabled: false`` / ``State: DISABLED`` only runs on demand.
- The event is EventBridge's scheduled-event shape (``detail-type: Scheduled Event``) or the
  ``Input`` the template gives.
- On demand: ``POST /_local/schedules/{LogicalId}`` (runs that function's schedules now and answers
  what it returned); ``GET /_local/schedules`` lists them with their next run.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import traceback
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from oms_local import REGION
from oms_local.lambda_context import LOCAL_ACCOUNT_ID

if TYPE_CHECKING:
    from oms_local.gateway import Gateway

log = logging.getLogger("oms_local.scheduler")

_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
_DOW = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MON = {m: i + 1 for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                         "NOV", "DEC"])}


def _field(spec: str, lo: int, hi: int, names: dict[str, int] | None = None) -> set[int] | None:
    """Values a cron field allows; None = any (``*`` or ``?``)."""
    if spec in ("*", "?"):
        return None
    out: set[int] = set()
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_s = part.split("/", 1)
            step = int(step_s)
        if part in ("*", ""):
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _num(a, names), _num(b, names)
        else:
            start = _num(part, names)
            end = hi if step > 1 else start
        out.update(range(start, end + 1, step))
    return out


def _num(value: str, names: dict[str, int] | None) -> int:
    value = value.upper()
    if names and value in names:
        return names[value]
    return int(value)


@dataclass
class Cron:
    minute: set[int] | None
    hour: set[int] | None
    dom: set[int] | None
    month: set[int] | None
    dow: set[int] | None  # EventBridge: 1 = Sunday
    year: set[int] | None

    @staticmethod
    def parse(expr: str) -> Cron:
        f = expr.split()
        if len(f) != 6:
            raise ValueError(f"cron needs 6 fields: {expr!r}")
        return Cron(_field(f[0], 0, 59), _field(f[1], 0, 23), _field(f[2], 1, 31), _field(f[3], 1, 12, _MON),
                    _field(f[4], 1, 7, _DOW), _field(f[5], 1970, 2199))

    def matches(self, t: datetime) -> bool:
        dow = (t.isoweekday() % 7) + 1
        return all(s is None or v in s for s, v in ((self.minute, t.minute), (self.hour, t.hour),
                                                      (self.dom, t.day), (self.month, t.month),
                                                      (self.dow, dow), (self.year, t.year)))

    def next_after(self, t: datetime) -> datetime | None:
        cur = t.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(366 * 24 * 60):
            if self.matches(cur):
                return cur
            cur += timedelta(minutes=1)
        return None


@dataclass
class Schedule:
    function: str
    event_name: str
    expression: str
    enabled: bool
    input: Any
    tz: ZoneInfo
    interval: timedelta | None = None
    cron: Cron | None = None
    next_run: datetime | None = None

    def compute_next(self, now: datetime) -> None:
        if self.interval is not None:
            self.next_run = now + self.interval
        elif self.cron is not None:
            local = self.cron.next_after(now.astimezone(self.tz))
            self.next_run = local.astimezone(UTC) if local else None

    def event(self, now: datetime) -> Any:
        if self.input is not None:
            return json.loads(self.input) if isinstance(self.input, str) else self.input
        return {
            "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": LOCAL_ACCOUNT_ID, "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": REGION,
            "resources": [f"arn:aws:events:{REGION}:{LOCAL_ACCOUNT_ID}:rule/{self.function}-{self.event_name}"],
            "detail": {},
        }


def parse_expression(expr: str) -> tuple[timedelta | None, Cron | None]:
    m = re.fullmatch(r"rate\((\d+)\s+(\w+)\)", expr.strip())
    if m:
        unit = m.group(2).lower()
        if unit not in _UNITS:
            raise ValueError(f"unknown rate unit in {expr!r}")
        return timedelta(seconds=int(m.group(1)) * _UNITS[unit]), None
    m = re.fullmatch(r"cron\((.+)\)", expr.strip())
    if m:
        return None, Cron.parse(m.group(1))
    raise ValueError(f"unsupported schedule expression {expr!r}")


def schedules_from(gateway: Gateway) -> list[Schedule]:
    """Every Schedule/ScheduleV2 event of every function in the gateway's template."""
    out: list[Schedule] = []
    for fid, fn in gateway.functions.items():
        for name, ev in fn.events.items():
            etype = ev.get("Type")
            if etype not in ("Schedule", "ScheduleV2"):
                continue
            props = ev.get("Properties") or {}
            expr = str(props.get("Schedule") if etype == "Schedule" else props.get("ScheduleExpression"))
            enabled = props.get("Enabled", True) is not False and props.get("State", "ENABLED") != "DISABLED"
            tz = ZoneInfo(str(props.get("ScheduleExpressionTimezone") or "UTC"))
            try:
                interval, cron = parse_expression(expr)
            except ValueError as exc:
                log.warning("%s.%s: %s (runs on demand only)", fid, name, exc)
                interval, cron, enabled = None, None, False
            out.append(Schedule(fid, name, expr, enabled, props.get("Input"), tz, interval, cron))
    return out


class Scheduler:
    """Runs the template's schedules in a background thread; ``run_now`` for on-demand runs."""

    def __init__(self, gateway: Gateway, *, timers: bool = True) -> None:
        self.gateway = gateway
        self.schedules = schedules_from(gateway)
        self.timers = timers
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs: list[dict[str, Any]] = []

    def install(self) -> Scheduler:
        """Register the gateway hook (``/_local/schedules``)."""
        self.gateway.local_hooks["schedules"] = self._hook
        return self

    def start(self) -> Scheduler:
        self.install()
        now = datetime.now(UTC)
        for s in self.schedules:
            s.compute_next(now)
        if self.timers:
            self._thread = threading.Thread(target=self._loop, name="oms-scheduler", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            now = datetime.now(UTC)
            for s in self.schedules:
                if s.enabled and s.next_run is not None and s.next_run <= now:
                    s.compute_next(now)
                    self._run(s, now)

    def _run(self, s: Schedule, now: datetime) -> dict[str, Any]:
        from oms_local.gateway import HandlerError

        record: dict[str, Any] = {"function": s.function, "event": s.event_name, "at": now.isoformat()}
        try:
            record["result"] = self.gateway.invoke_function(s.function, s.event(now))
            record["ok"] = True
        except HandlerError as exc:
            cause = exc.__cause__ or exc
            log.error("%s failed:\n%s", s.function, "".join(traceback.format_exception(cause)))
            record.update(ok=False, error=f"{type(cause).__name__}: {cause}")
        log.info("schedule %s.%s ran: %s", s.function, s.event_name, "ok" if record["ok"] else record["error"])
        self.runs.append(record)
        del self.runs[:-100]
        return record

    def run_now(self, function: str) -> list[dict[str, Any]]:
        mine = [s for s in self.schedules if s.function == function]
        if not mine:
            raise KeyError(function)
        now = datetime.now(UTC)
        return [self._run(s, now) for s in mine]

    def _hook(self, gateway: Gateway, payload: Any) -> Any:
        path = payload.get("_path") if isinstance(payload, dict) else None
        if path:
            try:
                return {"runs": self.run_now(str(path[0]))}
            except KeyError:
                return {"error": f"no schedule for {path[0]}",
                        "functions": sorted({s.function for s in self.schedules})}
        return {"schedules": [
            {"function": s.function, "event": s.event_name, "expression": s.expression, "enabled": s.enabled,
             "next_run": s.next_run.isoformat() if s.next_run else None} for s in self.schedules
        ], "recent_runs": self.runs[-10:]}
