"""A local tracking provider sandbox: the parts of a tracker.delivery-style (webhook subscription)
and a SweetTracker-style (push registration) API the OMS uses, scripted parcel lives, signed
callbacks, a page and controls.

Provider API (what ``oms.integrations.tracking`` calls):

- ``POST /trackerdelivery/graphql`` (``Authorization: TRACKQL-API-KEY <id>:<secret>``):
  ``registerTrackWebhook`` and ``track``;
- ``POST /sweettracker/add_invoice``, ``GET /sweettracker/api/v1/trackingInfo``.

A number starting with ``9999`` (or marked with ``/_sandbox/invalid``) is refused at registration
(tracker.delivery style: a ``NOT_FOUND`` GraphQL error; SweetTracker style: ``e_code`` 2).

Page and controls:

- ``GET /``: registrations and every parcel's scans (HTML); ``GET /_sandbox/registrations``,
  ``GET /_sandbox/parcels``, ``GET /_sandbox/callbacks``: the same as JSON.
- ``POST /_sandbox/scan`` ``{"number", "step", "at"?, "where"?, "text"?}``: the courier scans the
  parcel (``info``, ``picked_up``, ``in_transit``, ``out_for_delivery``, ``delivered``,
  ``failed_attempt``, ``exception``); every registration of the number is called back (signed).
- ``POST /_sandbox/play`` ``{"number", "script"}``: a scripted life — ``normal`` (picked up → in
  transit → out for delivery → delivered), ``failed`` (… a failed attempt), ``exception``,
  ``out_of_order`` (delivered sent before the earlier scans), ``duplicate`` (each callback twice),
  ``late_after_delivered`` (an out-for-delivery scan after delivered).
- ``POST /_sandbox/invalid`` ``{"number"}``; ``POST /_sandbox/outage`` ``{"count"}`` (the next
  ``count`` API calls answer 503; ``-1`` until ``{"count": 0}``); ``POST /_sandbox/reset``.
"""

from __future__ import annotations

import html
import json
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from oms_local.background import BackgroundServer
from oms_local.sandbox_http import serve_until_interrupted

DEV_TRACKER_CLIENT_ID = "oms-local-tracker-id"
DEV_TRACKER_CLIENT_SECRET = "oms-local-tracker-secret"
DEV_TRACKER_WEBHOOK_SECRET = "oms-local-tracker-webhook"
DEV_SWEET_API_KEY = "oms-local-sweettracker-key"
DEV_SWEET_WEBHOOK_SECRET = "oms-local-sweettracker-webhook"
SECRETS = {"trackerdelivery": DEV_TRACKER_WEBHOOK_SECRET, "sweettracker": DEV_SWEET_WEBHOOK_SECRET}

#: step -> (tracker.delivery status, SweetTracker level, the courier's words)
STEPS: dict[str, tuple[str, int, str]] = {
    "info": ("INFORMATION_RECEIVED", 1, "배송준비"),
    "picked_up": ("AT_PICKUP", 2, "집화처리"),
    "in_transit": ("IN_TRANSIT", 3, "간선상차"),
    "out_for_delivery": ("OUT_FOR_DELIVERY", 5, "배송출발"),
    "delivered": ("DELIVERED", 6, "배송완료"),
    "failed_attempt": ("ATTEMPT_FAIL", 5, "미배달(수취인 부재)"),
    "exception": ("EXCEPTION", -99, "파손 사고 접수"),
}
PLACES = {"picked_up": "서울 중구 집배점", "in_transit": "대전 허브", "out_for_delivery": "서울 마포 대리점",
          "delivered": "서울 마포", "failed_attempt": "서울 마포", "exception": "대전 허브", "info": ""}
SCRIPTS: dict[str, list[str]] = {
    "normal": ["picked_up", "in_transit", "out_for_delivery", "delivered"],
    "failed": ["picked_up", "in_transit", "out_for_delivery", "failed_attempt"],
    "exception": ["picked_up", "exception"],
    "out_of_order": ["delivered", "picked_up", "in_transit"],  # sent in this order, timed as a normal life
    "duplicate": ["picked_up", "in_transit", "out_for_delivery", "delivered"],
    "late_after_delivered": ["picked_up", "delivered", "out_for_delivery"],
}
KST = timedelta(hours=9)


@dataclass
class Registration:
    provider: str
    number: str
    courier: str
    ref: str
    callback_url: str
    registered_at: str
    expires_at: str | None = None


@dataclass
class Scan:
    step: str
    at: str  # UTC ISO
    where: str
    text: str


@dataclass
class Parcel:
    number: str
    scans: list[Scan] = field(default_factory=list)


class TrackingSandbox(BackgroundServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, gateway_url: str | None = None,
                 post: Callable[[str, bytes, dict[str, str]], tuple[int, Any]] | None = None) -> None:
        self.host, self.port, self.gateway_url = host, port, gateway_url
        #: how a callback is sent (default: HTTP POST); tests hand it to the handler in process
        self.post = post
        self.registrations: dict[tuple[str, str, str], Registration] = {}
        self.parcels: dict[str, Parcel] = {}
        self.invalid: set[str] = set()
        self.callbacks: list[dict[str, Any]] = []
        self.outage = 0
        self.api_calls = 0
        self._lock = threading.RLock()
        BackgroundServer.__init__(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """What the functions use to reach this sandbox (base URLs; secrets are SSM parameters)."""
        return {"TRACKER_DELIVERY_API_BASE": f"{self.url}/trackerdelivery",
                "SWEETTRACKER_API_BASE": f"{self.url}/sweettracker"}

    def start(self) -> TrackingSandbox:
        from oms_local.tracking_sandbox_http import Handler

        handler = type("_BoundTrackingHandler", (Handler,), {"sandbox": self})
        self.serve(handler, "tracking-sandbox")
        return self

    # ------------------------------------------------------------------ provider behaviour
    def take_outage(self) -> bool:
        with self._lock:
            self.api_calls += 1
            if self.outage == 0:
                return False
            if self.outage > 0:
                self.outage -= 1
            return True

    def is_invalid(self, number: str) -> bool:
        return number.startswith("9999") or number in self.invalid

    def register(self, provider: str, number: str, courier: str, ref: str, callback_url: str,
                 expires_at: str | None = None) -> Registration:
        with self._lock:
            reg = Registration(provider, number, courier, ref, callback_url, _now(), expires_at)
            self.registrations[(provider, number, ref)] = reg
            self.parcels.setdefault(number, Parcel(number))
            return reg

    def scans_of(self, number: str) -> list[Scan]:
        with self._lock:
            return sorted(self.parcels.get(number, Parcel(number)).scans, key=lambda s: s.at)

    # ------------------------------------------------------------------ controls
    def scan(self, number: str, step: str, at: str | None = None, where: str | None = None,
             text: str | None = None, times: int = 1) -> list[dict[str, Any]]:
        if step not in STEPS:
            raise ValueError(f"step must be one of {', '.join(STEPS)}")
        s = Scan(step, at or _now(), PLACES[step] if where is None else where, text or STEPS[step][2])
        with self._lock:
            self.parcels.setdefault(number, Parcel(number)).scans.append(s)
            regs = [r for r in self.registrations.values() if r.number == number]
        out = []
        for reg in regs:
            for _ in range(times):
                out.append(self._call_back(reg, s))
        return out

    def play(self, number: str, script: str) -> list[dict[str, Any]]:
        if script not in SCRIPTS:
            raise ValueError(f"script must be one of {', '.join(SCRIPTS)}")
        steps = SCRIPTS[script]
        base = datetime.now(UTC) - timedelta(hours=len(steps) + 1)
        timed = {step: base + timedelta(hours=i) for i, step in enumerate(["picked_up", "in_transit",
                                                                             "out_for_delivery", "delivered"])}
        out = []
        for i, step in enumerate(steps):
            at = timed.get(step, base + timedelta(hours=i))
            if script == "late_after_delivered" and i == 2:
                at = base + timedelta(hours=len(steps))  # a scan made after the delivery
            out += self.scan(number, step, at=_iso(at), times=2 if script == "duplicate" else 1)
        return out

    def reset(self) -> None:
        with self._lock:
            self.registrations.clear()
            self.parcels.clear()
            self.invalid.clear()
            self.callbacks.clear()
            self.outage = 0
            self.api_calls = 0

    # ------------------------------------------------------------------ callbacks
    def _target(self, callback_url: str) -> str:
        """Where the callback goes: the registered URL, or the local gateway with its path (the
        deployed API's host and stage mean nothing locally)."""
        if not self.gateway_url:
            return callback_url
        split = urllib.parse.urlsplit(callback_url)
        path = split.path[split.path.find("/webhooks/"):] if "/webhooks/" in split.path else split.path
        return f"{self.gateway_url.rstrip('/')}{path}" + (f"?{split.query}" if split.query else "")

    def _call_back(self, reg: Registration, s: Scan) -> dict[str, Any]:
        from oms.integrations.tracking.base import SIGNATURE_HEADER, sign

        if reg.provider == "trackerdelivery":
            payload: dict[str, Any] = {"carrierId": reg.courier, "trackingNumber": reg.number}
        else:
            level = STEPS[s.step][1]
            payload = {"fid": reg.ref, "invoice_no": reg.number, "level": level, "code": reg.courier,
                       "time_trans": _kst(s.at), "time_sweet": _kst(_now()), "where": s.where,
                       "telno_office": "", "telno_man": "", "details": s.text, "recv_addr": "", "recv_name": "",
                       "send_name": ""}
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"content-type": "application/json", SIGNATURE_HEADER: sign(SECRETS[reg.provider], body)}
        target = self._target(reg.callback_url)
        try:
            if self.post is not None:
                code, answer = self.post(target, body, headers)
                result: dict[str, Any] = {"status": code, "body": answer}
            else:
                r = httpx.post(target, content=body, headers=headers, timeout=30)
                result = {"status": r.status_code, "body": _json(r)}
        except httpx.HTTPError as exc:
            result = {"status": 0, "body": {"error": type(exc).__name__}}
        entry = {"provider": reg.provider, "number": reg.number, "ref": reg.ref, "step": s.step, "at": s.at,
                 "url": target, **result}
        with self._lock:
            self.callbacks.append(entry)
        return entry

    def page(self) -> str:
        with self._lock:
            regs = list(self.registrations.values())
            parcels = list(self.parcels.values())
        parts = ["<!doctype html><meta charset='utf-8'><title>Tracking sandbox</title>",
                 "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
                 "table{border-collapse:collapse;margin-bottom:2em}</style>",
                 f"<h1>Tracking sandbox: {len(regs)} registration(s), {len(parcels)} parcel(s)</h1>",
                 "<p>Play a parcel: <code>POST /_sandbox/play {\"number\": \"…\", \"script\": \"normal\"}</code> "
                 f"(scripts: {', '.join(SCRIPTS)}); one scan: <code>POST /_sandbox/scan {{\"number\", \"step\"}}"
                 "</code>.</p>",
                 "<h2>Registrations</h2><table><tr><th>provider</th><th>number</th><th>courier</th><th>ref</th>"
                 "<th>registered</th><th>expires</th></tr>"]
        for r in regs:
            parts.append(f"<tr><td>{r.provider}</td><td>{html.escape(r.number)}</td><td>{html.escape(r.courier)}</td>"
                         f"<td>{html.escape(r.ref)}</td><td>{r.registered_at}</td><td>{r.expires_at or ''}</td></tr>")
        parts.append("</table><h2>Parcels</h2>")
        for p in parcels:
            parts.append(f"<h3>{html.escape(p.number)}</h3><table><tr><th>at (KST)</th><th>step</th><th>where</th>"
                         "<th>text</th></tr>")
            for s in sorted(p.scans, key=lambda x: x.at):
                parts.append(f"<tr><td>{_kst(s.at)}</td><td>{s.step}</td><td>{html.escape(s.where)}</td>"
                             f"<td>{html.escape(s.text)}</td></tr>")
            parts.append("</table>")
        return "".join(parts)

    def as_json(self, what: str) -> Any:
        with self._lock:
            if what == "registrations":
                return [asdict(r) for r in self.registrations.values()]
            if what == "parcels":
                return {n: [asdict(s) for s in sorted(p.scans, key=lambda x: x.at)] for n, p in self.parcels.items()}
            return list(self.callbacks)


def _json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return {"text": r.text[:200]}


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _now() -> str:
    return _iso(datetime.now(UTC))


def _kst(at: str) -> str:
    dt = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(UTC) + KST
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.tracking_sandbox")
    parser.add_argument("--port", type=int, default=3500)
    parser.add_argument("--gateway", default="http://127.0.0.1:3000")
    args = parser.parse_args(argv)
    sb = TrackingSandbox(port=args.port, gateway_url=args.gateway).start()
    print(f"Tracking sandbox on {sb.url}")
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
