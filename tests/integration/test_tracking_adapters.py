"""The tracking adapters over real HTTP against the tracking sandbox: registration accepted and
rejected with the provider's code and our Korean reason, an outage as ProviderDown (retried), the
scans a query answers (kinds mapped, KST courier times stored in UTC), and the callback signature
(missing, forged, stale, a rotated secret) checked before the body is read."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from oms.domain.tracking_codes import ScanKind
from oms.integrations.tracking import CallbackInvalid, Parcel, ProviderDown
from oms.integrations.tracking.base import sign
from oms.integrations.tracking.sweettracker import SweetTracker, kst_time
from oms.integrations.tracking.trackerdelivery import TrackerDelivery
from oms_local import tracking_sandbox as tsb

SECRETS = {"TRACKER_DELIVERY_CLIENT_ID": tsb.DEV_TRACKER_CLIENT_ID,
           "TRACKER_DELIVERY_CLIENT_SECRET": tsb.DEV_TRACKER_CLIENT_SECRET,
           "TRACKER_DELIVERY_WEBHOOK_SECRET": tsb.DEV_TRACKER_WEBHOOK_SECRET,
           "SWEETTRACKER_API_KEY": tsb.DEV_SWEET_API_KEY, "SWEETTRACKER_WEBHOOK_SECRET": tsb.DEV_SWEET_WEBHOOK_SECRET}


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[tsb.TrackingSandbox]:
    sb = tsb.TrackingSandbox(port=0, post=lambda url, body, headers: (200, {})).start()
    for k, v in {**sb.env(), **SECRETS}.items():
        monkeypatch.setenv(k, v)
    try:
        yield sb
    finally:
        sb.stop()


def parcel(number: str, code: str) -> Parcel:
    return Parcel(ref="s1.20261207-000001.SH001.1", courier_code=code, tracking_no=number,
                  callback_url="https://api.example/prod/webhooks/tracking/x?ref=s1.20261207-000001.SH001.1")


@pytest.mark.parametrize(("adapter", "code", "rejected"), [
    (TrackerDelivery(), "kr.cjlogistics", ("NOT_FOUND", "택배사에서 조회되지 않는 송장번호입니다.")),
    (SweetTracker(), "04", ("2", "택배사에서 유효하지 않은 송장번호라고 답했습니다.")),
])
def test_registration_accepted_rejected_and_an_outage(sandbox: tsb.TrackingSandbox, adapter: object, code: str,
                                                      rejected: tuple[str, str]) -> None:
    reg = adapter.register(parcel("631234567890", code), "oms-key")  # type: ignore[attr-defined]
    assert reg.accepted and reg.code is None
    [kept] = sandbox.as_json("registrations")
    assert (kept["number"], kept["courier"], kept["ref"]) == ("631234567890", code, "s1.20261207-000001.SH001.1")
    if isinstance(adapter, TrackerDelivery):
        assert reg.expires_at and kept["expires_at"] == reg.expires_at  # webhooks expire: 48 h asked
    refused = adapter.register(parcel("999900001111", code), "oms-key")  # type: ignore[attr-defined]
    assert (refused.accepted, refused.code, refused.reason_ko) == (False, *rejected)
    sandbox.outage = 1
    with pytest.raises(ProviderDown):
        adapter.register(parcel("631234567891", code), "oms-key")  # type: ignore[attr-defined]
    assert adapter.register(parcel("631234567891", code), "oms-key").accepted  # type: ignore[attr-defined]


def test_queried_scans_are_mapped_and_stored_in_utc(sandbox: tsb.TrackingSandbox) -> None:
    sandbox.scan("631234567890", "picked_up", at="2026-12-07T01:00:00.000000Z")
    sandbox.scan("631234567890", "failed_attempt", at="2026-12-07T09:30:00.000000Z")
    sandbox.scan("631234567890", "delivered", at="2026-12-08T02:00:00.000000Z")
    for adapter, code in ((TrackerDelivery(), "kr.cjlogistics"), (SweetTracker(), "04")):
        scans = adapter.track(code, "631234567890")
        assert [(s["kind"], s["at"], s["text"]) for s in scans] == [
            ("picked_up", "2026-12-07T01:00:00.000000Z", "집화처리"),
            ("failed_attempt", "2026-12-07T09:30:00.000000Z", "미배달(수취인 부재)"),
            ("delivered", "2026-12-08T02:00:00.000000Z", "배송완료")], adapter
    assert TrackerDelivery().track("kr.cjlogistics", "000011112222") == []
    assert kst_time("2026-12-07 10:00:00") == "2026-12-07T01:00:00.000000Z"
    with pytest.raises(CallbackInvalid):
        kst_time("어제 오후")


def test_callbacks_are_authenticated_before_their_body_is_read(sandbox: tsb.TrackingSandbox,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.dumps({"fid": "s1.O1.SH001.1", "invoice_no": "631234567890", "level": 6,
                       "time_trans": "2026-12-07 15:20:00", "where": "서울 마포", "details": "배송완료"}).encode()
    adapter = SweetTracker()
    note = adapter.parse_callback({"X-Tracking-Signature": sign(tsb.DEV_SWEET_WEBHOOK_SECRET, body)}, body, {})
    assert (note.ref, note.tracking_no, note.needs_query) == ("s1.O1.SH001.1", "631234567890", False)
    [s] = note.scans
    assert (s["kind"], s["at"], s["where"]) == (ScanKind.DELIVERED.value, "2026-12-07T06:20:00.000000Z", "서울 마포")
    for headers, reason in (({}, "SIGNATURE_MISSING"),
                            ({"x-tracking-signature": sign("not-the-secret", body)}, "SIGNATURE_MISMATCH"),
                            ({"x-tracking-signature": sign(tsb.DEV_SWEET_WEBHOOK_SECRET, body,
                                                           int(time.time()) - 3600)}, "STALE")):
        with pytest.raises(CallbackInvalid) as err:
            adapter.parse_callback(headers, body, {})
        assert (err.value.reason, err.value.status) == (reason, 401)
    garbage = b"{not json"
    with pytest.raises(CallbackInvalid) as err:
        adapter.parse_callback({"x-tracking-signature": sign(tsb.DEV_SWEET_WEBHOOK_SECRET, garbage)}, garbage, {})
    assert err.value.status == 422
    # while a secret is rotated both are accepted (new, old)
    monkeypatch.setenv("TRACKER_DELIVERY_WEBHOOK_SECRET", f"new-secret,{tsb.DEV_TRACKER_WEBHOOK_SECRET}")
    hook = json.dumps({"carrierId": "kr.cjlogistics", "trackingNumber": "631234567890"}).encode()
    note = TrackerDelivery().parse_callback({"x-tracking-signature": sign(tsb.DEV_TRACKER_WEBHOOK_SECRET, hook)},
                                            hook, {"ref": "s1.O1.SH001.1"})
    assert note.needs_query and note.scans == [] and note.ref == "s1.O1.SH001.1"
