"""Order events for integrators: the public, versioned catalogue (docs/domain.md, "Order events and
webhooks").

A committed change's timeline events are internal (their kinds and data move with the code); what
other systems subscribe to is this catalogue: each public type has ONE constructor that reads the
internal events of one committed change and answers the ``data`` of zero or more public events
(a change that takes an order in and charges its card is both ``order.placed`` and ``order.paid``).

Every public event is an envelope::

    {"id": "<order id>.v<version>.<n>", "type": "order.shipped", "version": "1",
     "site_id": ..., "order_id": ..., "order_version": <int>, "occurred_at": "<UTC ISO>", "data": {...}}

``id`` is stable (the change's name and the event's place in it): a redelivery carries the same id,
and consumers dedupe on it. ``data`` carries ids, codes, quantities and amounts only — never a
name, phone number, address or free text (the integrator reads those through the API, with its
own permissions). A new field is added without a new version; removing or changing one makes
``version`` "2", published next to "1" for as long as subscribers need it.

Pure: the JSON Schema of each type (:func:`json_schema`) is generated from here into
``docs/events/<type>.schema.json`` (``python -m oms_local.event_schemas --write``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SOURCE = "oms.orders"
VERSION = "1"
SCHEMA_BASE = "https://oms.example/events/"

Events = Sequence[dict[str, Any]]  # a change's timeline events: {kind, actor, at, data}


# ---- constructors: internal events of one change -> data of the public events ---------------------


def _moved_into(events: Events, status: str) -> list[dict[str, Any]]:
    """The units a change moved into ``status`` (a split moves units to the new line ``split_to``)."""
    out = []
    for e in events:
        d = e.get("data") or {}
        if e.get("kind") != "status_changed" or d.get("to") != status:
            continue
        unit: dict[str, Any] = {"line_id": str(d.get("split_to") or d["line_id"]), "quantity": int(d["quantity"]),
                                "from": str(d.get("from") or "")}
        if d.get("split_to"):
            unit["split_from"] = str(d["line_id"])
        out.append(unit)
    return out


def _lines_event(status: str) -> Callable[[Events], list[dict[str, Any]]]:
    def build(events: Events) -> list[dict[str, Any]]:
        lines = _moved_into(events, status)
        return [{"lines": lines, "quantity": sum(u["quantity"] for u in lines)}] if lines else []

    return build


def placed(events: Events) -> list[dict[str, Any]]:
    out = []
    for e in events:
        if e.get("kind") == "order_created":
            d = e.get("data") or {}
            out.append({k: d[k] for k in ("channel", "order_amount", "quantity") if d.get(k) is not None})
    return out


def paid(events: Events) -> list[dict[str, Any]]:
    return [{"payment_id": str(d["payment_id"]), "method": str(d.get("method") or ""), "amount": int(d["amount"])}
            for e in events if e.get("kind") == "payment" for d in [e.get("data") or {}]]


def refunded(events: Events) -> list[dict[str, Any]]:
    """A refund through the PG (``refund``) or one an admin made outside it and recorded (``refund_forced``)."""
    return [{"payment_id": str(d["payment_id"]), "amount": int(d["amount"]),
             **({"refund_key": str(d["refund_key"])} if d.get("refund_key") else {}),
             "forced": e.get("kind") == "refund_forced"}
            for e in events if e.get("kind") in ("refund", "refund_forced") for d in [e.get("data") or {}]]


def claim_requested(events: Events) -> list[dict[str, Any]]:
    return [{"claim_id": str(d["claim_id"]), "claim_type": str(d["claim_type"]), "reason": str(d.get("reason") or ""),
             "fault": str(d.get("fault") or ""),
             "items": [{"line_id": str(i["line_id"]), "quantity": int(i["quantity"])} for i in d.get("items") or []]}
            for e in events if e.get("kind") == "claim_requested" for d in [e.get("data") or {}]]


def claim_completed(events: Events) -> list[dict[str, Any]]:
    return [{"claim_id": str(d["claim_id"]), "claim_type": str(d["claim_type"]),
             "exchange_lines": [str(x) for x in d.get("exchange_lines") or []]}
            for e in events if e.get("kind") == "claim_completed" for d in [e.get("data") or {}]]


# ---- the catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    name: str
    label_ko: str
    description: str
    build: Callable[[Events], list[dict[str, Any]]]
    data_schema: dict[str, Any]


def _obj(props: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required), "additionalProperties": False}


_ID = {"type": "string", "minLength": 1, "maxLength": 64}
_QTY = {"type": "integer", "minimum": 1}
_WON = {"type": "integer", "description": "원 (KRW)"}
_STATUS = {"type": "string", "description": "the unit status it left (e.g. preparing, shipping)"}
_LINES = _obj({
    "lines": {"type": "array", "minItems": 1, "items": _obj({
        "line_id": _ID, "quantity": _QTY, "from": _STATUS,
        "split_from": {**_ID, "description": "the line the units were split off (part of a line moved)"}},
        ["line_id", "quantity", "from"])},
    "quantity": {**_QTY, "description": "units moved, all lines"},
}, ["lines", "quantity"])

CATALOGUE: tuple[EventType, ...] = (
    EventType("order.placed", "주문 접수", "An order was taken in (any channel).", placed, _obj({
        "channel": {"type": "string"}, "order_amount": _WON, "quantity": {"type": "integer", "minimum": 0}},
        ["channel"])),
    EventType("order.paid", "결제 완료", "A payment of the order completed (card, transfer, deposit confirmed).",
              paid, _obj({"payment_id": _ID, "method": {"type": "string"}, "amount": _WON},
                         ["payment_id", "method", "amount"])),
    EventType("order.shipped", "배송 시작", "Units went to 배송중 (shipping).", _lines_event("shipping"), _LINES),
    EventType("order.delivered", "배송 완료", "Units went to 배송완료 (delivered).", _lines_event("delivered"), _LINES),
    EventType("order.confirmed", "구매 확정", "Units were confirmed (by the buyer, an admin, automatically or at "
              "payment for non-shipped goods).", _lines_event("confirmed"), _LINES),
    EventType("order.cancelled", "주문 취소", "Units were cancelled (a cancel claim completed, or an unpaid order "
              "expired or was cancelled).", _lines_event("cancelled"), _LINES),
    EventType("order.claim_requested", "클레임 접수", "A cancel, return or exchange was requested.", claim_requested,
              _obj({"claim_id": _ID, "claim_type": {"type": "string", "enum": ["cancel", "return", "exchange"]},
                    "reason": {"type": "string", "description": "reason code"},
                    "fault": {"type": "string", "description": "buyer | seller"},
                    "items": {"type": "array", "items": _obj({"line_id": _ID, "quantity": _QTY},
                                                             ["line_id", "quantity"])}},
                   ["claim_id", "claim_type", "reason", "items"])),
    EventType("order.claim_completed", "클레임 완료", "A cancel, return or exchange was completed.", claim_completed,
              _obj({"claim_id": _ID, "claim_type": {"type": "string", "enum": ["cancel", "return", "exchange"]},
                    "exchange_lines": {"type": "array", "items": _ID}}, ["claim_id", "claim_type"])),
    EventType("order.refunded", "환불", "Money went back to the buyer on one payment.", refunded,
              _obj({"payment_id": _ID, "amount": _WON, "refund_key": {"type": "string"},
                    "forced": {"type": "boolean", "description": "made outside the PG and recorded by an admin"}},
                   ["payment_id", "amount", "forced"])),
)
BY_NAME = {t.name: t for t in CATALOGUE}
TYPES: tuple[str, ...] = tuple(BY_NAME)


# ---- envelopes ----------------------------------------------------------------------------------


def envelopes(site_id: str, order_id: str, ref: str, order_version: int | None, at: str,
              events: Events) -> list[dict[str, Any]]:
    """The public events of one committed change, in catalogue order (None version: not a change)."""
    if order_version is None:
        return []
    out: list[dict[str, Any]] = []
    for t in CATALOGUE:
        for data in t.build(events):
            occurred = max((str(e.get("at") or "") for e in events), default=at) or at
            out.append({"id": f"{ref}.{len(out)}", "type": t.name, "version": VERSION, "site_id": site_id,
                        "order_id": order_id, "order_version": order_version, "occurred_at": occurred,
                        "data": data})
    return out


def types_in(envelopes_: Sequence[dict[str, Any]]) -> set[str]:
    return {str(e["type"]) for e in envelopes_}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one public event type's envelope."""
    t = BY_NAME[name]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{t.name}.schema.json",
        "title": f"{t.name} v{VERSION} ({t.label_ko})",
        "description": t.description,
        **_obj({
            "id": {"type": "string", "description": "stable id: the same on every redelivery (dedupe on it)"},
            "type": {"const": t.name},
            "version": {"const": VERSION},
            "site_id": _ID,
            "order_id": _ID,
            "order_version": {"type": "integer", "minimum": 1,
                              "description": "the order's version after the change (orders events of one order)"},
            "occurred_at": {"type": "string", "format": "date-time", "description": "UTC"},
            "data": t.data_schema,
        }, ["id", "type", "version", "site_id", "order_id", "order_version", "occurred_at", "data"]),
    }
