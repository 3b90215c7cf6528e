"""The home screen's 문자 발송 실패 (resendable messages while ``failed``) on DynamoDB Local with
the SMS sandbox and the relay: +1 when the provider's refusal is recorded, −1 when the message is
claimed for a resend, +1 again when that resend fails too; 0 once it went."""

from __future__ import annotations

import pytest

from oms_local.sms_sandbox import SmsSandbox
from tests.integration import test_messages as sms
from tests.integration.test_home import expect
from tests.integration.test_messages import deliver, post_message, verified_sender
from tests.shipping_support import admin, api_order

sandbox = sms.sandbox  # the SMS sandbox and the provider's stack of the message tests
provider = sms.provider

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


@pytest.mark.parametrize("provider", ["nhn"], indirect=True)
def test_failed_messages_plus_one_when_refused_minus_one_when_resent(site_id: str, sandbox: SmsSandbox,
                                                                     provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    expect(site_id, preparing=1)
    sandbox.fail_next("-2312")
    status, msg = post_message(site_id, oid, {"text": "입금 확인되었습니다"})
    assert status == 201 and (msg["status"], msg["resendable"]) == ("failed", True), msg
    expect(site_id, preparing=1, messages_failed=1)
    _, sent = post_message(site_id, oid, {"text": "발송 안내"})
    assert sent["status"] == "sent"
    expect(site_id, preparing=1, messages_failed=1)

    # resent and refused again: −1 when claimed, +1 when the refusal is recorded
    sandbox.fail_next("-2312")
    status, body = admin("POST", f"/admin/orders/{oid}/messages/{msg['message_id']}/resend", site_id)
    assert status == 200 and body["status"] == "sending", body
    expect(site_id, preparing=1)
    deliver()
    expect(site_id, preparing=1, messages_failed=1)
    # resent and gone
    status, body = admin("POST", f"/admin/orders/{oid}/messages/{msg['message_id']}/resend", site_id)
    assert status == 200, body
    deliver()
    _, done = admin("GET", f"/admin/orders/{oid}/messages/{msg['message_id']}", site_id)
    assert (done["status"], done["attempt"]) == ("sent", 3)
    expect(site_id, preparing=1)
    status, body = admin("POST", f"/admin/orders/{oid}/messages/{msg['message_id']}/resend", site_id)
    assert (status, body["code"]) == (409, "MESSAGE_NOT_RESENDABLE")
    expect(site_id, preparing=1)
    expect(site_id + "-other")


def test_a_failed_alimtalk_is_not_counted_its_failed_sms_fallback_is(site_id: str) -> None:
    """A 알림톡 cannot be resent (its SMS fallback is sent instead): only a failed SMS counts."""
    from oms.domain.order import Event
    from oms.services import messages as message_service
    from oms.services import relay
    from oms.store import messages as store

    oid = api_order(site_id, ready=False)

    def record(message_id: str, channel: str, status: str) -> None:
        msg = {"message_id": message_id, "site_id": site_id, "order_id": oid, "channel": channel,
               "role": "buyer", "to": "01012345678", "msg_type": "ALIMTALK" if channel == "alimtalk" else "SMS",
               "text": "배송이 시작되었습니다", "status": status, "attempt": 1, "sender": "0212345678",
               "created_at": "2026-12-07T01:00:00.000000Z"}
        message_service.commit_event(site_id, oid, Event("notification", relay.RELAY, msg["created_at"],
                                                         {"text_ko": "알림"}),
                                     store.new_message_actions(site_id, oid, msg), relay.RELAY)

    record("M1-alimtalk", "alimtalk", "failed")
    expect(site_id, preparing=1)
    record("M1-sms", "sms", "failed")
    expect(site_id, preparing=1, messages_failed=1)
    record("M2-sms", "sms", "sent")
    expect(site_id, preparing=1, messages_failed=1)
