"""The event kinds catalogue (oms.domain.event_kinds) is the list of timeline kinds the product records.

Every literal kind given to ``Event(...)`` in shared/ or functions/ (directly or through a module's
helper that hands its parameter on), set with ``ev.kind = "..."`` or compared with ``e.kind == "..."``
must be in ``oms.domain.event_kinds.KINDS``, and every kind listed there must be recorded somewhere.
When this fails for a kind you are adding: give it a constant and a one-line "한국어 — English"
description in shared/oms/domain/event_kinds.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oms.domain import event_kinds
from tests.code_sites import Scan, scan_event_kinds

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def scan() -> Scan:
    return scan_event_kinds()


def test_every_kind_the_product_records_or_reads_is_in_the_catalogue(scan: Scan) -> None:
    missing = {s.code: s.where() for s in [*scan.sites, *scan.reads] if s.code not in event_kinds.KINDS}
    assert missing == {}, (
        "event kinds recorded but not in oms.domain.event_kinds.KINDS (add a constant and a one-line "
        f"'한국어 — English' description for each): {missing}")


def test_the_catalogue_lists_no_kind_nobody_records(scan: Scan) -> None:
    assert sorted(set(event_kinds.KINDS) - set(scan.codes())) == [], (
        "kinds in oms.domain.event_kinds that nothing records any more: drop them")


def test_every_event_is_read(scan: Scan) -> None:
    assert scan.unresolved == []
    assert {"oms.domain.claims._event", "oms.domain.payment_requests._event",
            "oms.services.effects._pass_entry"} <= set(scan.factories)
    recorded = scan.codes()
    for kind in ("status_changed", "refund_forced", "membership_grant", "tracking_added", "delivery_failed"):
        assert kind in recorded, kind


def test_each_kind_has_a_constant_and_a_korean_and_english_line() -> None:
    constants = {v: k for k, v in vars(event_kinds).items() if k.isupper() and isinstance(v, str)}
    assert set(constants) == set(event_kinds.KINDS)
    assert len(event_kinds.KINDS) >= 40
    for kind, text in event_kinds.KINDS.items():
        assert constants[kind] == kind.upper(), kind
        ko, _, en = text.partition(" — ")
        assert HANGUL.search(ko) and en and not HANGUL.search(en) and "\n" not in text, kind


def test_the_scan_reads_helpers_templates_and_assignments(tmp_path: Path) -> None:
    src = tmp_path / "shared" / "oms" / "services"
    src.mkdir(parents=True)
    (src / "thing.py").write_text(
        "from oms.domain.order import Event\n"
        "def _ev(kind, actor):\n    return Event(kind, actor, 'at')\n"
        "def _pass(kind):\n    return Event(f'pass_{kind}', None, 'at')\n"
        "def run(ev, flag):\n"
        "    Event('plain', None, 'at')\n"
        "    _ev('helped', None)\n"
        "    _pass('grant')\n"
        "    Event('yes' if flag else 'no', None, 'at')\n"
        "    ev.kind = 'renamed'\n"
        "    if ev.kind == 'looked_at':\n        pass\n"
        "    Event(ev.data['kind'], None, 'at')\n", encoding="utf-8")
    scan = scan_event_kinds(tmp_path)
    assert set(scan.codes()) == {"plain", "helped", "pass_grant", "yes", "no", "renamed"}
    assert [r.code for r in scan.reads] == ["looked_at"]
    assert [u.split(": ", 1)[0] for u in scan.unresolved] == ["shared/oms/services/thing.py:14"]
