"""Claim steps through the admin API are checked against the claim's current step: a refused step
answers CLAIM_STEP_NOT_ALLOWED naming the step and leaves the order exactly as it was."""

from __future__ import annotations

import pytest

from oms.store import orders as store
from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import admin, card_order, deliver, lines, ok, return_claim, use_pg
from tests.integration.payments_support import sandbox_fixture  # noqa: F401

HOLD = {"amount": 3000, "reason": "반품비 미동봉"}


def _refused(site_id: str, order_id: str, cid: str, body: dict[str, object], step_ko: str) -> None:
    before = store.load_order(site_id, order_id)[0]
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims/{cid}/steps", site_id, body)
    assert status == 422, problem
    assert problem["code"] == "CLAIM_STEP_NOT_ALLOWED" and step_ko in problem["message_ko"], problem
    after = store.load_order(site_id, order_id)[0]
    assert after == before and after.version == before.version


@pytest.mark.parametrize(("at", "step_ko", "refused"), [
    ("requested", "접수", ["collected", "on_hold", "release"]),
    ("collecting", "수거중", ["release", "collecting", "on_hold", "withdraw"]),
    ("collected", "수거완료", ["release", "collecting", "collected"]),
    ("on_hold", "보류", ["collected", "collecting", "on_hold"]),
])
def test_steps_not_legal_from_the_claims_step_are_refused(sandbox: PgSandbox, site_id: str, at: str, step_ko: str,
                                                          refused: list[str]) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L001", 1)], complete=False)
    base = f"/admin/orders/{order_id}/claims/{cid}/steps"
    path = ["collecting", "collected", "on_hold"]
    for to in path[:path.index(at) + 1] if at in path else []:
        ok("POST", base, site_id, {"to": to, "hold": HOLD if to == "on_hold" else None})
    assert ok("GET", f"/admin/orders/{order_id}/claims", site_id)["claims"][0]["step"] == at
    for to in refused:
        if to == "withdraw":
            status, problem = admin("POST", base, site_id, {"to": to, "reason": "고객 요청"})
            assert status == 422 and problem["code"] == "CLAIM_WITHDRAW_TOO_LATE"
            continue
        _refused(site_id, order_id, cid, {"to": to, "hold": HOLD, "reason": "사유"}, step_ko)


def test_release_of_a_claim_never_held_is_refused(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L001", 1)], complete=False)
    base = f"/admin/orders/{order_id}/claims/{cid}/steps"
    ok("POST", base, site_id, {"to": "collecting"})
    _refused(site_id, order_id, cid, {"to": "release"}, "수거중")
    # the legal path still works: collected → on_hold → release → complete
    ok("POST", base, site_id, {"to": "collected"})
    ok("POST", base, site_id, {"to": "on_hold", "hold": HOLD})
    released = ok("POST", base, site_id, {"to": "release"})
    assert released["claims"][0]["step"] == "collected" and released["claims"][0]["hold"] is None
    done = ok("POST", base, site_id, {"to": "complete"})
    assert lines(done)["L003"] == ("returned", 1)
