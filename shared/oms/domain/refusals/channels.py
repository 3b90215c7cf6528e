"""Refusals of external sales channels (Naver SmartStore / Naver Pay 주문형): connecting a seller, and
the shop's actions on a channel order pushed to the channel (oms.domain.channel_pushes; the channel
services)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("CHANNEL_CLAIM_ON_CHANNEL", 422,
            "네이버 주문의 취소·반품·교환은 네이버에서 접수되며, 여기서는 승인·거부·보류로 처리합니다."),
    Refusal("CHANNEL_CREDENTIALS_REFUSED", 422, "네이버가 연결 정보를 거부했습니다: [{code}] {message}"),
    Refusal("CHANNEL_DECISION_INVALID", 422, "네이버 {클레임} 클레임은 '{처리}'할 수 없습니다."),
    Refusal("CHANNEL_DECISION_PENDING", 409, "이미 네이버에 전달 중인 처리가 있습니다. 결과를 기다려 주세요."),
    Refusal("CHANNEL_DECISION_REASON_REQUIRED", 422, "거부·보류 사유를 입력하세요."),
    Refusal("CHANNEL_DELAY_DATE_INVALID", 422,
            "발송 예정일은 내일부터 30일 이내로 정하세요 ({today} 이후, {latest}까지)."),
    Refusal("CHANNEL_DELAY_DETAIL_TOO_LONG", 422, "지연 사유 상세는 300자 이내로 입력하세요."),
    Refusal("CHANNEL_DELAY_NOT_ALLOWED", 409,
            "발송지연은 상품준비·배송대기 상태의 품목만 할 수 있습니다 ({품목}: {상태})."),
    Refusal("CHANNEL_DELAY_REASON_INVALID", 422, "발송지연 사유를 목록에서 고르세요."),
    Refusal("CHANNEL_FEE_INVALID", 422, "추가 배송비는 0원에서 1,000,000원 사이로 입력하세요."),
    Refusal("CHANNEL_NOT_CONNECTED", 409, "연결되지 않은 채널입니다."),
    Refusal("CHANNEL_NOT_HELD", 409, "보류 중인 클레임이 아닙니다."),
    Refusal("CHANNEL_NO_OPEN_CLAIM", 409, "처리를 기다리는 네이버 클레임이 없습니다 ({품목})."),
    Refusal("CHANNEL_ORDER_ONLY", 409, "외부 채널(네이버) 주문에만 할 수 있는 처리입니다."),
    Refusal("CHANNEL_UNAVAILABLE", 503, "네이버에 연결하지 못했습니다. 잠시 후 다시 시도하세요."),
)
