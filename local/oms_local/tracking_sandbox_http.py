"""HTTP side of the tracking sandbox (:mod:`oms_local.tracking_sandbox`): the two provider APIs, the
page and the ``/_sandbox`` controls."""

from __future__ import annotations

import urllib.parse
from typing import Any

from oms_local.sandbox_http import SandboxHandler
from oms_local.tracking_sandbox import (
    DEV_SWEET_API_KEY,
    DEV_TRACKER_CLIENT_ID,
    DEV_TRACKER_CLIENT_SECRET,
    STEPS,
    TrackingSandbox,
    _kst,
)


class Handler(SandboxHandler):
    sandbox: TrackingSandbox

    def _handle(self) -> None:
        sb = self.sandbox
        split = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
        parts = [urllib.parse.unquote(p) for p in split.path.strip("/").split("/") if p]
        try:
            body = self._body() if self.command == "POST" else {}
            if not parts:
                self._send(200, sb.page().encode(), "text/html; charset=utf-8")
            elif parts[0] == "_sandbox":
                self._json(200, self._control(sb, parts[1:], body))
            elif parts[0] in ("trackerdelivery", "sweettracker") and sb.take_outage():
                self._json(503, {"message": "sandbox outage"})
            elif parts == ["trackerdelivery", "graphql"]:
                self._tracker(sb, body)
            elif parts[0] == "sweettracker":
                self._sweet(sb, parts[1:], body, query)
            else:
                self._json(404, {"message": "no such path"})
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"message": str(exc)})

    def _control(self, sb: TrackingSandbox, parts: list[str], body: dict[str, Any]) -> Any:
        if self.command == "GET" and parts and parts[0] in ("registrations", "parcels", "callbacks"):
            return sb.as_json(parts[0])
        if parts == ["scan"]:
            return sb.scan(str(body["number"]), str(body["step"]), body.get("at"), body.get("where"),
                           body.get("text"))
        if parts == ["play"]:
            return sb.play(str(body["number"]), str(body.get("script") or "normal"))
        if parts == ["invalid"]:
            sb.invalid.add(str(body["number"]))
            return {"invalid": sorted(sb.invalid)}
        if parts == ["outage"]:
            sb.outage = int(body.get("count", -1))
            return {"outage": sb.outage}
        if parts == ["reset"]:
            sb.reset()
            return {"reset": True}
        raise ValueError("unknown control")

    # ---- tracker.delivery style -------------------------------------------------------------------
    def _tracker(self, sb: TrackingSandbox, body: dict[str, Any]) -> None:
        if self.headers.get("authorization") != f"TRACKQL-API-KEY {DEV_TRACKER_CLIENT_ID}:{DEV_TRACKER_CLIENT_SECRET}":
            self._json(401, {"errors": [{"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]})
            return
        query, variables = str(body.get("query") or ""), body.get("variables") or {}
        if "registerTrackWebhook" in query:
            inp = variables["input"]
            number = str(inp["trackingNumber"])
            if sb.is_invalid(number):
                self._json(200, {"data": None, "errors": [{"message": f"tracking number {number} not found",
                                                           "extensions": {"code": "NOT_FOUND"}}]})
                return
            ref = urllib.parse.parse_qs(urllib.parse.urlsplit(str(inp["callbackUrl"])).query).get("ref", [""])[0]
            sb.register("trackerdelivery", number, str(inp["carrierId"]), ref, str(inp["callbackUrl"]),
                        str(inp.get("expirationTime") or ""))
            self._json(200, {"data": {"registerTrackWebhook": True}})
            return
        if "track(" in query:
            number = str(variables["trackingNumber"])
            edges = [{"node": {"time": s.at, "status": {"code": STEPS[s.step][0], "name": s.step},
                               "description": s.text, "location": {"name": s.where}}}
                     for s in sb.scans_of(number)]
            self._json(200, {"data": {"track": {"events": {"edges": edges}}}})
            return
        self._json(400, {"errors": [{"message": "unknown operation", "extensions": {"code": "BAD_REQUEST"}}]})

    # ---- SweetTracker style -----------------------------------------------------------------------
    def _sweet(self, sb: TrackingSandbox, parts: list[str], body: dict[str, Any], query: dict[str, str]) -> None:
        if parts == ["add_invoice"]:
            if body.get("key") != DEV_SWEET_API_KEY:
                self._json(401, {"success": False, "e_code": "401", "e_message": "invalid key"})
                return
            missing = [k for k in ("num", "code", "fid", "callback_url") if not body.get(k)]
            if missing:
                self._json(200, {"success": False, "e_code": "1", "e_message": f"missing {', '.join(missing)}"})
                return
            number = str(body["num"])
            if sb.is_invalid(number):
                self._json(200, {"success": False, "e_code": "2", "e_message": "invalid invoice number"})
                return
            sb.register("sweettracker", number, str(body["code"]), str(body["fid"]), str(body["callback_url"]))
            self._json(200, {"success": True, "e_code": None, "e_message": None})
            return
        if parts == ["api", "v1", "trackingInfo"]:
            if query.get("t_key") != DEV_SWEET_API_KEY:
                self._json(401, {"status": False, "msg": "invalid key"})
                return
            details = [{"timeString": _kst(s.at), "where": s.where, "kind": s.text, "level": STEPS[s.step][1]}
                       for s in sb.scans_of(str(query.get("t_invoice") or ""))]
            self._json(200, {"complete": any(s["level"] == 6 for s in details), "trackingDetails": details})
            return
        self._json(404, {"message": "no such path"})
