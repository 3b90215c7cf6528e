"""Refusals of shipping: tracking numbers and couriers, combined shipments, the invoice workbook and
its imports (oms.domain.shipping, couriers; oms.excel.invoices; the invoice services)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("ALREADY_APPLIED", 422, "이미 같은 송장번호로 배송중입니다. 다시 적용하지 않았습니다."),
    Refusal("COMBINE_DIFFERENT_DESTINATION", 422,
            "합배송은 같은 구매자·같은 배송지(수령인, 연락처, 주소)의 주문끼리만 가능합니다."),
    Refusal("COMBINE_NEEDS_TWO_ORDERS", 422, "합배송은 두 개 이상의 주문을 선택해야 합니다."),
    Refusal("COMBINE_TOO_LARGE", 422, "한 번에 합배송할 수 있는 품목 수를 넘었습니다. 주문이나 품목 수를 줄여 주세요."),
    Refusal("DUPLICATE_ORDER_IN_REQUEST", 422, "같은 주문을 두 번 지정할 수 없습니다."),
    Refusal("FILE_NOT_AVAILABLE", 409,
            "업로드한 파일을 더 이상 사용할 수 없어 처리를 마치지 못했습니다. 파일을 다시 올려 주세요."),
    Refusal("HEADERS_INVALID", 422, "양식의 머리글이 다릅니다. 내려받은 양식의 머리글({머리글})을 그대로 쓰세요."),
    Refusal("HIDDEN_SHEET", 422,
            "숨겨진 시트 '{title}'에 송장 양식이 있습니다. 보이는 시트 하나에만 입력하고 숨긴 시트는 지운 뒤 올려 "
            "주세요."),
    Refusal("IMPORT_IN_PROGRESS", 409,
            "아직 처리 중인 업로드입니다. 진행이 멈추면 실패로 표시되고 그때 이어서 처리할 수 있습니다."),
    Refusal("IMPORT_NOT_FOUND", 404, "업로드를 찾을 수 없습니다: {import_id}"),
    Refusal("IMPORT_ORDER_DONE", 409, "이 업로드에서 이미 처리한 주문입니다."),
    Refusal("INVALID_ORDER_ID", 400, "주문번호 형식이 올바르지 않습니다 (영문·숫자·-·_ 40자 이내)."),
    Refusal("NOT_READY_TO_SHIP", 422,
            "송장번호는 배송대기 상태의 품목에만 등록·수정·삭제할 수 있습니다 (현재 {상태})."),
    Refusal("NO_LINES", 422, "송장을 등록할 품목을 선택하세요."),
    Refusal("NO_NO_SHIPPING_LINES", 422, "배송대기·배송중 상태의 배송없음 품목이 없습니다."),
    Refusal("NO_READY_TO_SHIP_UNITS", 422, "선택한 주문에 배송대기 상태의 품목이 없습니다."),
    Refusal("NO_TRACKING_NO", 422, "송장번호가 등록되지 않은 품목입니다."),
    Refusal("QUANTITY_MISMATCH", 422,
            "수량이 품목 수량({quantity}개)과 다릅니다. 배송대기 상태에서는 수량을 나눌 수 없습니다."),
    Refusal("SHEET_AMBIGUOUS", 422, "송장 양식 시트가 여러 개입니다 ({시트}). 한 시트에만 입력해 올려 주세요."),
    Refusal("SHEET_NOT_FOUND", 422, "'{sheet}' 시트를 찾을 수 없습니다. 내려받은 양식에 입력해 올려 주세요."),
    Refusal("TOO_MANY_ORDERS", 400, "양식은 한 번에 {limit}건까지 만들 수 있습니다 (주문번호 목록이 너무 깁니다)."),
    Refusal("TOO_MANY_SHIPMENTS", 422, "한 주문에 등록할 수 있는 송장번호는 최대 {limit}개입니다."),
    Refusal("TRACKING_CORRECTION_NOT_ALLOWED", 422, "배송대기·배송중 품목의 송장번호만 수정할 수 있습니다."),
    Refusal("TRACKING_NO_ISSUE", 409, "배송 이상 상태가 아닌 송장입니다."),
    Refusal("TRACKING_NUMBER_MISMATCH", 409,
            "배송추적 중인 송장번호가 아닙니다 (송장번호가 바뀌었거나 삭제되었습니다)."),
    Refusal("TRACKING_PROVIDER_UNAVAILABLE", 503, "배송추적 서비스 조회에 실패했습니다. 다시 보내 주세요."),
    Refusal("TRACKING_PROVIDER_UNKNOWN", 404, "지원하지 않는 배송추적 서비스입니다."),
    Refusal("TRACKING_NO_INVALID", 422, "{택배사} 송장번호 형식이 아닙니다({rule}): {tracking_no}"),
    Refusal("TRACKING_NO_REQUIRED", 422, "송장번호를 입력하세요."),
    Refusal("TRACKING_NO_TOO_LONG", 422, "송장번호는 50자까지 입력할 수 있습니다."),
    Refusal("TRACKING_UNCHANGED", 422, "이미 같은 택배사·송장번호가 등록되어 있습니다."),
    Refusal("UNKNOWN_COURIER", 422,
            "알 수 없는 택배사입니다: {courier}. 목록의 택배사를 선택하거나 '기타'를 선택하세요."),
    Refusal("UNKNOWN_SHIPPING_METHOD", 422, "알 수 없는 배송방법입니다: {method}"),
    Refusal("XML_FORBIDDEN", 422, "파일에 허용되지 않는 문서 형식 선언(외부 엔티티)이 있습니다. 처리하지 않았습니다."),
)
