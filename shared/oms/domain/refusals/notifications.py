"""Refusals of buyer notifications (알림톡): templates under Kakao's review and their limits
(oms.domain.alimtalk; the template service and store)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    # 503 when the provider failed (retry), 422 when it refused the template
    Refusal("ALIMTALK_PROVIDER_ERROR", 503,
            "알림톡 발송 서비스가 템플릿 요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요. (거절: "
            "'알림톡 발송 서비스가 템플릿 요청을 거절했습니다: {message}')", also=(422,)),
    Refusal("ALIMTALK_TEMPLATE_EXISTS", 409, "이미 등록된 템플릿 코드입니다: {code}"),
    Refusal("ALIMTALK_TEMPLATE_NOT_FOUND", 404, "알림톡 템플릿을 찾을 수 없습니다: {code}"),
    Refusal("ALIMTALK_TOO_LONG", 422, "알림톡 본문은 1,000자까지입니다. 지금 {chars}자입니다."),
    Refusal("ALIMTALK_TOO_MANY_VARIABLES", 422,
            "알림톡 템플릿의 변수는 40개까지 쓸 수 있습니다. 지금 {count}개입니다."),
    Refusal("ALIMTALK_VARIABLE_TOO_LONG", 422,
            "최초 사용자 제한 중인 카카오톡 채널은 변수 값이 14자를 넘을 수 없습니다: {변수}"),
    Refusal("NO_KAKAO_CHANNEL", 409,
            "카카오톡 채널(발신 키)이 설정되지 않았습니다. 알림톡 설정에서 먼저 등록하세요."),
    Refusal("ORDER_LINK_INVALID", 400, "주문 링크에는 {order_id} 자리가 있어야 합니다."),
)
