"""Refusals of buyer messages (SMS/LMS): text, recipients, templates and sender numbers
(oms.domain.messages; the message services and store)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("INVALID_RECIPIENT", 422, "문자를 받을 수 있는 휴대폰 번호가 아닙니다: {phone}"),
    Refusal("INVALID_SENDER_NUMBER", 400, "발신번호 형식이 아닙니다: {number}"),
    Refusal("MESSAGE_EMPTY", 422, "보낼 내용을 입력하세요."),
    Refusal("MESSAGE_EXISTS", 409, "같은 메시지 ID로 이미 발송했습니다."),
    Refusal("MESSAGE_NOT_FOUND", 404, "메시지를 찾을 수 없습니다: {message_id}"),
    Refusal("MESSAGE_NOT_RESENDABLE", 409, "실패한 메시지만 다시 보낼 수 있습니다."),
    Refusal("MESSAGE_STATE_CHANGED", 409, "메시지 상태가 이미 바뀌었습니다."),
    Refusal("MESSAGE_TEXT_REQUIRED", 400, "문자 템플릿을 고르거나 내용을 입력하세요."),
    Refusal("MESSAGE_TITLE_INVALID", 422, "제목에는 줄바꿈을 쓸 수 없습니다."),
    Refusal("MESSAGE_TITLE_TOO_LONG", 422, "제목은 40바이트(한글 20자)까지 쓸 수 있습니다. 지금 {size}바이트입니다."),
    Refusal("MESSAGE_TOO_LONG", 422,
            "문자는 2,000바이트(한글 약 1,000자)까지 보낼 수 있습니다. 지금 {size}바이트입니다."),
    Refusal("NO_VERIFIED_SENDER", 409,
            "인증된 기본 발신번호가 없습니다. 발신번호를 등록·인증하고 기본으로 지정하세요."),
    Refusal("SENDER_ALREADY_REGISTERED", 409, "이미 등록된 발신번호입니다: {number}"),
    Refusal("SENDER_HELD_BY_OTHER_SITE", 409, "다른 사이트에 등록된 발신번호입니다."),
    Refusal("SENDER_NOT_ALLOWED", 403,
            "발신번호는 메시지마다 고를 수 없습니다. 사이트의 인증된 기본 발신번호로만 보냅니다."),
    Refusal("SENDER_NOT_FOUND", 404, "발신번호를 찾을 수 없습니다: {number}"),
    Refusal("SENDER_NOT_VERIFIED", 409,
            "인증(등록)이 끝난 발신번호만 쓸 수 있습니다. 발신번호 인증 후 다시 시도하세요."),
    Refusal("SHIPMENT_NOT_FOUND", 404, "배송 정보를 찾을 수 없습니다: {shipment_id}"),
    # 503 when the provider failed (retry), 422 when it refused the sender number
    Refusal("SMS_PROVIDER_ERROR", 503,
            "문자 발송 서비스가 발신번호 요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요. (거절: "
            "'문자 발송 서비스가 발신번호 요청을 거절했습니다: {message}')", also=(422,)),
    Refusal("TEMPLATE_ID_INVALID", 400, "템플릿 ID는 영문·숫자·-·_ 40자까지입니다."),
    Refusal("TEMPLATE_NOT_FOUND", 404, "문자 템플릿을 찾을 수 없습니다: {template_id}"),
    Refusal("TEMPLATE_VALUE_MISSING", 422, "이 주문에는 아직 값이 없는 변수입니다: {변수}"),
    Refusal("TEMPLATE_VARIABLE_UNKNOWN", 422, "알 수 없는 변수입니다: {변수}. 쓸 수 있는 변수: {변수 목록}"),
    Refusal("UNENCODABLE_CHARACTERS", 422,
            "문자 메시지에 쓸 수 없는 문자가 있습니다: {문자}. 이모지·특수문자를 지우거나 바꿔 주세요."),
)
