"""Pure pieces of purchase confirmation: KST due days, the job's day window, accrual rounding,
the sparse index keys, and the template entries of the buyer API and the job."""

from __future__ import annotations

import copy
from datetime import date

from oms.domain.order import Buyer, Recipient
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from oms.services.confirmation import MAX_CATCH_UP_DAYS, days_to_read
from oms.services.effects import accrual_amount
from oms.store import codec
from oms.store.due import due_day
from oms_local.template import REPO_ROOT, load_template


def test_due_day_counts_kst_calendar_days() -> None:
    assert due_day("2031-03-01T14:59:00.000000Z", 7) == "2031-03-08"  # 23:59 KST
    assert due_day("2031-03-01T15:01:00.000000Z", 7) == "2031-03-09"  # 00:01 KST next day
    assert due_day("2031-12-31T15:00:00.000000Z", 1) == "2032-01-02"


def test_days_to_read_from_cursor_to_today() -> None:
    today = date(2031, 3, 9)
    assert days_to_read(today, "2031-03-08") == ["2031-03-08", "2031-03-09"]
    assert days_to_read(today, "2031-03-20") == ["2031-03-09"]
    assert len(days_to_read(today, None)) == MAX_CATCH_UP_DAYS + 1
    assert len(days_to_read(today, "2020-01-01")) == MAX_CATCH_UP_DAYS + 1


def _order(status: Status, kind: ProductKind = ProductKind.PHYSICAL) -> tuple:
    o = build_order(site_id="s1", order_id="20310301-000001", created_at="2031-03-01T00:00:00.000000Z",
                    channel=Channel.STORE, payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
                    buyer=Buyer("a", "010-1111-2222", member_id="m"), recipient=Recipient("a", "010", "04524", "x"),
                    lines=[LineInput("P", "p", kind, 3, 10001)], shipping_fee=0, shipping_fee_cod=False,
                    coupon_total=0, points_total=0, paid=True)
    line = o.lines[0]
    line.status = status
    line.auto_confirm_on = "2031-03-08"
    return o, line


def test_due_item_only_for_orders_with_delivered_physical_lines() -> None:
    o, _ = _order(Status.DELIVERED)
    item = codec.due_item(o)
    assert item is not None
    assert item["GSI3PK"].startswith("DUE#CONFIRM#2031-03-08#")
    assert item["GSI3SK"] == "s1#20310301-000001"
    for st in (Status.SHIPPING, Status.CONFIRMED, Status.RETURN_REQUESTED):
        o, _ = _order(st)
        assert codec.due_item(o) is None
    o, _ = _order(Status.DELIVERED, ProductKind.DIGITAL)
    assert codec.due_item(o) is None


def test_due_item_carries_the_earliest_day_of_its_delivered_lines() -> None:
    o, line = _order(Status.DELIVERED)
    later = copy.deepcopy(line)
    later.line_id, later.auto_confirm_on = "L002", "2031-03-05"
    o.lines.append(later)
    item = codec.due_item(o)
    assert item is not None and item["day"] == "2031-03-05"
    assert item["GSI3PK"].startswith("DUE#CONFIRM#2031-03-05#")


def test_accrual_rounds_down_to_the_won() -> None:
    _, line = _order(Status.CONFIRMED)
    assert accrual_amount(line, 100) == 300   # 30,003 × 1%
    assert accrual_amount(line, 250) == 750
    assert accrual_amount(line, 0) == 0


def test_template_buyer_and_auto_confirm() -> None:
    tpl = load_template()
    auth = tpl["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]
    assert auth["BuyerJwt"]["JwtConfiguration"] == {"issuer": {"Ref": "BuyerJwtIssuer"}, "audience": ["oms-buyer"]}
    assert auth["GuestJwt"]["JwtConfiguration"]["issuer"] == {"Ref": "GuestTokenIssuer"}
    fn = tpl["Resources"]["BuyerFunction"]["Properties"]
    routes = {(e["Properties"]["Path"], e["Properties"]["Auth"]["Authorizer"]) for e in fn["Events"].values()}
    assert routes == {("/buyer/{proxy+}", "BuyerJwt"), ("/buyer/guest/orders/{proxy+}", "GuestJwt"),
                      ("/buyer/guest/session", "NONE"), ("/buyer/guest/.well-known/{proxy+}", "NONE")}
    job = tpl["Resources"]["AutoConfirmFunction"]["Properties"]
    assert job["Handler"] == "scheduled_fn.auto_confirm.lambda_handler"
    assert job["Events"]["Daily"]["Type"] == "Schedule"
    assert "build-BuyerFunction:" in (REPO_ROOT / "functions" / "buyer" / "Makefile").read_text()
    assert "build-AutoConfirmFunction:" in (REPO_ROOT / "functions" / "scheduled" / "Makefile").read_text()
