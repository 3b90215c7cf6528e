"""The Naver Commerce adapter over real HTTP against the Naver sandbox: the signed token request
(refused with a wrong secret), one token per container refreshed once on a 401, the change feed
paged at one instant without repeating or skipping a row, product orders mapped field by field
with UTC times, dispatch with per-id results, a dispatch delay, claim decisions, the rate limit,
an outage. The tests use no DynamoDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import bcrypt
import httpx
import pytest

from oms.domain.clock import iso
from oms.integrations.channels import (
    ChannelClaim,
    ChannelDown,
    ChannelRefused,
    Credentials,
    DispatchItem,
    ItemResult,
    ProductOrder,
    RateLimited,
    channel,
    naver_http,
)
from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET, NaverSandbox
from tests.integration.naver_support import (  # noqa: F401 - the fixture
    API,
    CREDS,
    FEED,
    T0,
    TOKEN,
    count,
    dispatched,
    sandbox_fixture,
    start,
)


# ---------------------------------------------------------------------------------------------- token
def test_the_signature_is_the_guides_own_example() -> None:
    # the provider guide's sample (client aaaabbbbcccc, secret $2a$10$abcdefghijklmnopqrstuv) and its published result
    assert naver_http.sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299) == (
        "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy")


def test_a_signed_token_is_accepted_and_a_wrong_secret_refused(sandbox: NaverSandbox) -> None:
    assert API.check(CREDS) == "token ok (SELF)"
    with pytest.raises(ChannelRefused) as wrong:
        API.check(Credentials(DEV_CLIENT_ID, bcrypt.gensalt(4, b"2a").decode()))
    assert wrong.value.code == "Forbidden" and "전자서명" in wrong.value.message
    with pytest.raises(ChannelRefused) as unknown:
        API.check(Credentials("someone-else", DEV_CLIENT_SECRET))
    assert unknown.value.code == "Forbidden"
    with pytest.raises(ChannelRefused) as malformed:
        API.check(Credentials(DEV_CLIENT_ID, "not-a-salt"))
    assert malformed.value.code == "CLIENT_SECRET_INVALID"
    assert count(sandbox, TOKEN) == 3  # the malformed secret never left the container
    assert API.check(Credentials(DEV_CLIENT_ID, DEV_CLIENT_SECRET, "ncp_1seller")) == "token ok (SELLER ncp_1seller)"
    assert {kind for _, kind, _, _ in sandbox.tokens.values()} == {"SELF", "SELLER"}


def test_the_token_is_reused_and_renewed_once_after_it_expires(sandbox: NaverSandbox) -> None:
    sandbox.place(at=T0)
    for _ in range(3):
        assert len(API.changes(CREDS, "2026-12-07T00:00:00Z").changes) == 1
    assert count(sandbox, TOKEN) == 1
    sandbox.expire_tokens()
    assert len(API.changes(CREDS, "2026-12-07T00:00:00Z").changes) == 1  # 401, a new token, the call again
    assert count(sandbox, TOKEN) == 2 and count(sandbox, FEED) == 5
    assert API.changes(CREDS, "2026-12-07T00:00:00Z").changes and count(sandbox, TOKEN) == 2


def test_a_second_401_is_a_refusal_not_a_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    sb = start(monkeypatch, rate_per_second=0, token_ttl=0)  # every token is dead on arrival
    try:
        with pytest.raises(ChannelRefused) as refused:
            API.changes(CREDS, "2026-12-07T00:00:00Z")
        assert refused.value.code == "GW.AUTHN"
        assert sb.calls == [("POST", TOKEN), ("GET", FEED)] * 2
    finally:
        sb.stop()


# ---------------------------------------------------------------------------------------------- changes
def test_345_changes_at_one_instant_come_in_pages_of_300_and_45(sandbox: NaverSandbox) -> None:
    _, ids = sandbox.place([{"product_id": f"P{n}"} for n in range(345)], at=T0)
    first = API.changes(CREDS, "2026-12-07T00:00:00Z")
    assert len(first.changes) == 300
    assert first.more_from == "2026-12-07T01:30:15.250000Z" and first.more_sequence == ids[300]
    second = API.changes(CREDS, first.more_from, first.more_sequence)
    assert len(second.changes) == 45 and second.more_from is None and second.more_sequence is None
    got = [c.product_order_id for c in first.changes + second.changes]
    assert got == sorted(ids) == ids  # each exactly once, ascending
    assert {(c.changed_type, c.status, c.changed_at) for c in first.changes + second.changes} == {
        ("PAYED", "PAYED", "2026-12-07T01:30:15.250000Z")}
    feed = [q for q in sandbox.calls if q[1] == FEED]
    assert len(feed) == 2


def test_rows_outside_the_window_and_the_24_hour_limit(sandbox: NaverSandbox) -> None:
    sandbox.place(at="2026-12-06T23:59:59.999Z")
    _, inside = sandbox.place(at="2026-12-07T12:00:00Z")
    page = API.changes(CREDS, "2026-12-07T00:00:00Z", until="2026-12-07T12:00:00Z")
    assert [c.product_order_id for c in page.changes] == inside  # both ends inclusive
    with pytest.raises(ChannelRefused) as wide:
        API.changes(CREDS, "2026-12-07T00:00:00Z", until="2026-12-08T00:00:00.001Z")
    assert wide.value.code == "104139"


def test_buyer_and_naver_moves_appear_in_the_feed(sandbox: NaverSandbox) -> None:
    now = datetime.now(UTC)

    def at(minutes: float) -> str:
        return iso(now + timedelta(minutes=minutes))

    _, (a, b) = sandbox.place([{}, {}], at=at(-60))
    sandbox.change_address(a, address1="부산광역시 해운대구 센텀중앙로 79", at=at(-50))
    sandbox.cancel_request(b, reason="INTENT_CHANGED", at=at(-40))
    sandbox.withdraw(b, at=at(-30))
    dispatched(sandbox, a, "123412341234")  # the provider writes the change at the call's time (now)
    sandbox.delivered(a, at=at(1))  # no documented row type: no row
    sandbox.return_request(a, reason="BROKEN", detail="파손", at=at(2))
    sandbox.collect_done(a, at=at(3))
    sandbox.cancel_done(b, at=at(4))
    rows = [(c.product_order_id, c.changed_type, c.status, c.claim_type, c.claim_status)
            for c in API.changes(CREDS, at(-61)).changes]
    assert rows == [(a, "PAYED", "PAYED", None, None), (b, "PAYED", "PAYED", None, None),
                    (a, "DELIVERY_ADDRESS_CHANGED", "PAYED", None, None),  # the order's address: both
                    (b, "DELIVERY_ADDRESS_CHANGED", "PAYED", None, None),
                    (b, "CLAIM_REQUESTED", "PAYED", "CANCEL", "CANCEL_REQUEST"),
                    (b, "CLAIM_REJECTED", "PAYED", "CANCEL", "CANCEL_REJECT"),
                    (a, "DISPATCHED", "DELIVERING", None, None),
                    (a, "CLAIM_REQUESTED", "DELIVERED", "RETURN", "RETURN_REQUEST"),
                    (a, "COLLECT_DONE", "DELIVERED", "RETURN", "COLLECT_DONE"),
                    (b, "CLAIM_COMPLETED", "CANCELED", "CANCEL", "CANCEL_DONE")]
    assert [r["receiverAddressChanged"] for r in sandbox.change_rows()[:4]] == [False, False, True, True]
    assert sandbox.product_order(a)["address1"] == "부산광역시 해운대구 센텀중앙로 79"


# ---------------------------------------------------------------------------------------------- details
def test_details_refuses_301_ids_and_maps_product_orders_field_by_field(sandbox: NaverSandbox) -> None:
    with pytest.raises(ValueError):
        API.details(CREDS, [f"2026120750{n:06d}" for n in range(301)])
    assert sandbox.calls == []
    order_id, (shirt, socks) = sandbox.place(
        [{"product_id": "P-100", "name": "린넨 셔츠", "option": "색상: 네이비 / 사이즈: M", "option_code": "NV-M",
          "quantity": 2, "unit_price": 39000, "option_price": 2000, "discount": 5000},
         {"product_id": "P-200", "name": "양말 3켤레", "option": "", "option_code": "", "quantity": 3,
          "unit_price": 3000, "option_price": 0, "discount": 0}],
        buyer={"name": "이서준", "phone": "010-2222-3333"},
        receiver={"name": "박지우", "phone": "010-4444-5555", "zip_code": "06236",
                  "address1": "서울특별시 강남구 테헤란로 152", "address2": "12층"},
        delivery_fee=3500, memo="문 앞에 놓아주세요", payment_means="신용카드", at=T0)
    dispatched(sandbox, shirt, "612345678901")
    sandbox.delivered(shirt, at="2026-12-08T06:00:00Z")
    sandbox.cancel_request(socks, reason="INTENT_CHANGED", detail="단순 변심", at="2026-12-07T02:00:00Z")
    got = API.details(CREDS, [shirt, socks, "2026120799999999"])  # an unknown id is left out
    assert got[0] == ProductOrder(
        product_order_id=shirt, order_id=order_id, status="DELIVERED", ordered_at=T0, paid_at=T0,
        product_id="P-100", product_name="린넨 셔츠", option_text="색상: 네이비 / 사이즈: M", option_code="NV-M",
        quantity=2, unit_price=39000, option_price=2000, product_discount=5000, total_payment=77000,
        delivery_fee=3500, buyer_name="이서준", buyer_phone="010-2222-3333", receiver_name="박지우",
        receiver_phone="010-4444-5555", zip_code="06236", address1="서울특별시 강남구 테헤란로 152", address2="12층",
        delivery_memo="문 앞에 놓아주세요", payment_means="신용카드", courier_code="CJGLS", tracking_no="612345678901",
        dispatched_at="2026-12-07T05:00:00.000000Z", delivered_at="2026-12-08T06:00:00.000000Z", decided_at=None,
        dispatch_due_at="2026-12-10T01:30:15.250000Z", claim=None)
    assert len(got) == 2
    assert (got[1].status, got[1].delivery_fee, got[1].total_payment, got[1].option_text) == ("PAYED", 0, 9000, "")
    assert got[1].claim == ChannelClaim("CANCEL", "CANCEL_REQUEST", "INTENT_CHANGED", "단순 변심",
                                        "2026-12-07T02:00:00.000000Z", False)


# ---------------------------------------------------------------------------------------------- dispatch
def test_dispatch_answers_per_id_and_moves_only_what_it_accepted(sandbox: NaverSandbox) -> None:
    with pytest.raises(ValueError):
        API.dispatch(CREDS, [DispatchItem(f"2026120750{n:06d}", "CJGLS", "123456789012", T0) for n in range(31)])
    assert sandbox.calls == []
    _, (earlier,) = sandbox.place(at=T0)
    dispatched(sandbox, earlier, "111122223333")
    ids = [sandbox.place(at=T0)[1][0] for _ in range(6)]
    good, used, invalid, cancelled, requested, refused = ids
    sandbox.cancel_done(cancelled)
    sandbox.cancel_request(requested)
    sandbox.refuse_tracking("999988887777")
    rows_before = len(sandbox.change_rows())
    got = API.dispatch(CREDS, [DispatchItem(good, "HANJIN", "555566667777", "2026-12-07T06:00:00Z"),
                               DispatchItem(used, "CJGLS", "111122223333", T0),
                               DispatchItem(invalid, "CJGLS", "12AB", T0),
                               DispatchItem(cancelled, "CJGLS", "444455556666", T0),
                               DispatchItem(requested, "CJGLS", "444455557777", T0),
                               DispatchItem(refused, "EPOST", "999988887777", T0)])
    assert [(r.product_order_id, r.ok, r.code) for r in got] == [
        (good, True, ""), (used, False, "104121"), (invalid, False, "104122"), (cancelled, False, "104442"),
        (requested, False, "104442"), (refused, False, "104122")]
    assert "취소" in got[3].message and "취소 요청" in got[4].message
    assert sandbox.product_order(good).items() >= {"status": "DELIVERING", "courier": "HANJIN",
                                                  "tracking_no": "555566667777",
                                                  "dispatched_at": "2026-12-07T06:00:00.000000Z"}.items()
    assert [sandbox.product_order(i)["status"] for i in ids[1:]] == ["PAYED", "PAYED", "CANCELED", "PAYED", "PAYED"]
    assert [d["productOrderId"] for d in sandbox.dispatched] == [earlier, good]
    new_rows = sandbox.change_rows()[rows_before:]
    assert [(r["productOrderId"], r["lastChangedType"], r["productOrderStatus"]) for r in new_rows] == [
        (good, "DISPATCHED", "DELIVERING")]


def test_one_order_shares_a_tracking_number_and_an_id_twice_is_refused(sandbox: NaverSandbox) -> None:
    _, (a, b) = sandbox.place([{}, {}], at=T0)
    got = API.dispatch(CREDS, [DispatchItem(pid, "CJGLS", "777788889999", T0) for pid in (a, b, b)])
    assert [(r.product_order_id, r.ok, r.code) for r in got] == [(a, True, ""), (b, True, ""), (b, False, "104131")]
    assert [sandbox.product_order(i)["tracking_no"] for i in (a, b)] == ["777788889999"] * 2
    assert [d["productOrderId"] for d in sandbox.dispatched] == [a, b]


# ---------------------------------------------------------------------------------------------- delay
def test_delay_with_a_reason_code(sandbox: NaverSandbox) -> None:
    _, (pid,) = sandbox.place(at=T0)
    with pytest.raises(ValueError):
        API.delay(CREDS, pid, "2026-12-15T03:00:00Z", "WEATHER", "태풍")
    assert sandbox.calls == []
    done = API.delay(CREDS, pid, "2026-12-15T03:00:00Z", "CUSTOM_BUILD", "주문 제작 상품입니다.")
    assert done == ItemResult(pid, True)
    po = sandbox.product_order(pid)
    assert (po["due_at"], po["delay_reason"], po["delay_detail"]) == (
        "2026-12-15T03:00:00.000000Z", "CUSTOM_BUILD", "주문 제작 상품입니다.")
    assert sandbox.delays[0]["dispatchDueDate"] == "2026-12-15T12:00:00.000+09:00"
    assert API.details(CREDS, [pid])[0].dispatch_due_at == "2026-12-15T03:00:00.000000Z"
    again = API.delay(CREDS, pid, "2026-12-20T03:00:00Z", "ETC", "")
    assert (again.ok, again.code) == (False, "104442")  # once only
    _, (other,) = sandbox.place(at=T0)
    too_far = API.delay(CREDS, other, "2027-04-01T00:00:00Z", "PRODUCT_PREPARE", "")
    assert (too_far.ok, too_far.code) == (False, "104105")


# ---------------------------------------------------------------------------------------------- claims
def delivered_order(sb: NaverSandbox, number: str) -> str:
    _, (pid,) = sb.place(at=T0)
    dispatched(sb, pid, number)
    sb.delivered(pid, at="2026-12-08T01:00:00Z")
    return pid


def test_return_holdback_with_a_fee_release_approve_and_reject(sandbox: NaverSandbox) -> None:
    pid = delivered_order(sandbox, "210000000001")
    sandbox.return_request(pid, reason="INTENT_CHANGED", detail="사이즈가 맞지 않아요", at="2026-12-08T02:00:00Z")
    held_back = API.claim(CREDS, pid, "return", "holdback", fee=6000, detail="반품 배송비 6,000원 청구")
    assert held_back == ItemResult(pid, True)
    po = sandbox.product_order(pid)
    assert (po["holdback"], po["holdback_reason"], po["extra_fee"]) == ("HOLDBACK", "RETURN_DELIVERYFEE", 6000)
    claim = API.details(CREDS, [pid])[0].claim
    assert claim == ChannelClaim("RETURN", "RETURN_REQUEST", "INTENT_CHANGED", "사이즈가 맞지 않아요",
                                 "2026-12-08T02:00:00.000000Z", True)
    held = API.claim(CREDS, pid, "return", "approve")
    assert (held.ok, held.code) == (False, "104442")  # release first
    assert API.claim(CREDS, pid, "return", "release") == ItemResult(pid, True)
    assert API.claim(CREDS, pid, "return", "approve") == ItemResult(pid, True)
    po = sandbox.product_order(pid)
    assert (po["status"], po["claim_status"], po["holdback"]) == ("RETURNED", "RETURN_DONE", "RELEASED")
    assert sandbox.change_rows()[-1].items() >= {"lastChangedType": "CLAIM_COMPLETED",
                                                 "productOrderStatus": "RETURNED"}.items()

    other = delivered_order(sandbox, "210000000002")
    sandbox.return_request(other)
    with pytest.raises(ValueError):
        API.claim(CREDS, other, "return", "reject")  # the API needs the reason in words
    rejected = API.claim(CREDS, other, "return", "reject", detail="착용 흔적이 있어 반품할 수 없습니다.")
    assert rejected == ItemResult(other, True)
    po = sandbox.product_order(other)
    assert (po["status"], po["claim_status"], po["rejected_reason"]) == (
        "DELIVERED", "RETURN_REJECT", "착용 흔적이 있어 반품할 수 없습니다.")
    assert sandbox.change_rows()[-1]["lastChangedType"] == "CLAIM_REJECTED"


def test_cancel_approve_and_what_the_api_does_not_have(sandbox: NaverSandbox) -> None:
    _, (pid, untouched) = sandbox.place([{}, {}], at=T0)
    sandbox.cancel_request(pid, reason="INTENT_CHANGED")
    calls = len(sandbox.calls)
    unsupported = API.claim(CREDS, pid, "cancel", "reject", detail="이미 포장했습니다")
    assert (unsupported.ok, unsupported.code) == (False, "UNSUPPORTED") and len(sandbox.calls) == calls
    assert API.claim(CREDS, pid, "cancel", "approve") == ItemResult(pid, True)
    po = sandbox.product_order(pid)
    assert (po["status"], po["claim_status"]) == ("CANCELED", "CANCEL_DONE")
    nothing = API.claim(CREDS, untouched, "cancel", "approve")
    assert (nothing.ok, nothing.code) == (False, "104442")
    unknown = API.claim(CREDS, "2026120799999999", "cancel", "approve")
    assert (unknown.ok, unknown.code) == (False, "100001")


def test_exchange_collect_approve_and_holdback(sandbox: NaverSandbox) -> None:
    pid = delivered_order(sandbox, "210000000003")
    sandbox.exchange_request(pid, reason="COLOR_AND_SIZE", detail="M으로 교환")
    assert API.claim(CREDS, pid, "exchange", "holdback", reason="EXCHANGE_EXTRAFEE", fee=3000) == ItemResult(pid, True)
    again = API.claim(CREDS, pid, "exchange", "holdback", fee=3000)
    assert (again.ok, again.code) == (False, "105306")
    assert API.claim(CREDS, pid, "exchange", "release") == ItemResult(pid, True)
    assert API.claim(CREDS, pid, "exchange", "approve") == ItemResult(pid, True)
    po = sandbox.product_order(pid)
    assert (po["claim_type"], po["claim_status"], po["extra_fee"]) == ("EXCHANGE", "COLLECT_DONE", 3000)
    with pytest.raises(ValueError):
        API.claim(CREDS, pid, "exchange", "holdback", reason="NOT_A_TYPE")


# ---------------------------------------------------------------------------------------------- gateway
def test_429_is_rate_limited_with_the_wait_from_the_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    sb = start(monkeypatch, rate_per_second=0.5)  # burst 1: one call, then one every 2 s
    try:
        API.changes(CREDS, "2026-12-07T00:00:00Z")
        with pytest.raises(RateLimited) as limited:
            API.changes(CREDS, "2026-12-07T00:00:00Z")
        assert limited.value.retry_after == 2.0 and "GW.RATE_LIMIT" in limited.value.reason
        assert count(sb, FEED) == 2  # a wait over 1 s: no second try
        raw = httpx.get(f"{sb.url}{FEED}", params={"lastChangedFrom": "2026-12-07T09:00:00.000+09:00"},
                        headers={"authorization": f"Bearer {next(iter(sb.tokens))}"})
        assert raw.status_code == 429 and raw.json()["code"] == "GW.RATE_LIMIT"
        assert (raw.headers["GNCP-GW-RateLimit-Replenish-Rate"], raw.headers["GNCP-GW-RateLimit-Burst-Capacity"],
                raw.headers["GNCP-GW-RateLimit-Remaining"]) == ("0.5", "1", "0")
        sb.set_rate(1)  # burst 2, a token a second: the third call waits 1 s once and passes
        for _ in range(3):
            API.changes(CREDS, "2026-12-07T00:00:00Z")
        assert count(sb, FEED) == 3 + 4
    finally:
        sb.stop()


def test_retry_after_prefers_the_header_then_the_rate() -> None:
    assert naver_http.retry_after(httpx.Headers({"Retry-After": "3"})) == 3.0
    assert naver_http.retry_after(httpx.Headers({"GNCP-GW-RateLimit-Replenish-Rate": "4"})) == 0.25
    assert naver_http.retry_after(httpx.Headers({})) == 1.0


def test_an_outage_is_channel_down(sandbox: NaverSandbox) -> None:
    sandbox.outage(1)
    with pytest.raises(ChannelDown):
        API.check(CREDS)
    assert API.check(CREDS) == "token ok (SELF)"
    sandbox.outage(-1)
    with pytest.raises(ChannelDown):
        API.details(CREDS, ["2026120750000001"])
    with pytest.raises(ChannelDown):
        API.details(CREDS, ["2026120750000001"])
    sandbox.outage(0)
    assert API.details(CREDS, ["2026120750000001"]) == []


def test_the_factory_answers_the_adapter() -> None:
    got = channel("naver")
    assert (got.name, got.max_details, got.max_dispatch) == ("naver", 300, 30)


# ---------------------------------------------------------------------------------------------- page and controls
