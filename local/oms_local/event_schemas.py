"""The JSON Schemas of the public order events, generated from ``oms.domain.public_events``.

    python -m oms_local.event_schemas [--write] [--check]

One file per type, ``docs/events/<type>.schema.json`` (the envelope with that type's ``data``), and
the OpenAPI document links them (:func:`openapi_section`: a ``webhooks`` entry per type, OpenAPI
3.1, and ``x-events`` naming the bus, the source and each schema file). A unit test checks the
files are fresh.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oms_local import REPO_ROOT

EVENTS_DIR = REPO_ROOT / "docs" / "events"


def documents() -> dict[str, str]:
    """File name -> its text, for every public event type."""
    from oms.domain import public_events

    return {f"{name}.schema.json": json.dumps(public_events.json_schema(name), ensure_ascii=False, indent=2) + "\n"
            for name in public_events.TYPES}


def stale(directory: Path = EVENTS_DIR) -> list[str]:
    """Schema files missing, different from the code, or of a type the catalogue no longer has."""
    want = documents()
    have = {p.name for p in directory.glob("*.schema.json")} if directory.is_dir() else set()
    out = [n for n, text in want.items() if n not in have or (directory / n).read_text(encoding="utf-8") != text]
    return sorted(out + [n for n in have if n not in want])


def write(directory: Path = EVENTS_DIR) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    want = documents()
    for p in directory.glob("*.schema.json"):
        if p.name not in want:
            p.unlink()
    for name, text in want.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sorted(want)


def openapi_section() -> dict[str, Any]:
    """``webhooks`` (what a registered endpoint receives) and ``x-events`` (the bus) of the OpenAPI document."""
    from oms.domain import public_events

    signed = ("Signed with Standard Webhooks headers `webhook-id` (the same on every attempt: dedupe on it), "
              "`webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` "
              "with the endpoint's `whsec_` secret; two entries for a day after a rotation). Answer 2xx "
              "within 5 s; 5xx, 408, 429, a timeout or no connection is retried, any other status is not.")
    webhooks: dict[str, Any] = {}
    for t in public_events.CATALOGUE:
        schema = public_events.json_schema(t.name)
        schema.pop("$schema", None)
        webhooks[t.name] = {"post": {
            "summary": f"{t.label_ko} ({t.name} v{public_events.VERSION})",
            "description": f"{t.description} {signed} Schema: docs/events/{t.name}.schema.json",
            "parameters": [{"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
                           for h in ("webhook-id", "webhook-timestamp", "webhook-signature")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["events"],
                "properties": {"events": {
                    "type": "array", "minItems": 1,
                    "description": "the events of one order change the endpoint subscribed to, in order",
                    "items": schema}}}}}},
            "responses": {"2XX": {"description": "received"}},
        }}
    x_events = {
        "bus": "OrderEventsBus (template.yaml; output OrderEventsBusName)",
        "source": public_events.SOURCE,
        "detail_type": "the event type",
        "types": {t.name: {"version": public_events.VERSION, "label_ko": t.label_ko,
                           "schema": f"docs/events/{t.name}.schema.json"} for t in public_events.CATALOGUE},
    }
    return {"webhooks": webhooks, "x-events": x_events}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.event_schemas", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write the files to {EVENTS_DIR}")
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    if args.write:
        names = write()
        print(f"wrote {len(names)} schemas to {EVENTS_DIR}")
        return 0
    out = stale()  # --check, and the default
    if out:
        print(f"out of date: {', '.join(out)} (run python -m oms_local.event_schemas --write)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
