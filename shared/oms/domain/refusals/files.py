"""Refusals of files and jobs: uploaded workbooks (oms.excel.guards), exports and their templates,
order sheets and background jobs."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("EXPORT_FIELD_DUPLICATE", 400, "{n}번째 열의 항목 '{field}'이/가 {m}번째 열과 겹칩니다."),
    Refusal("EXPORT_FIELD_UNKNOWN", 400, "{n}번째 열의 항목 '{field}'은/는 없는 항목입니다."),
    Refusal("EXPORT_HEADER_BLANK", 400, "{n}번째 열의 제목이 비어 있습니다."),
    Refusal("EXPORT_HEADER_DUPLICATE", 400, "{n}번째 열의 제목 '{header}'이/가 {m}번째 열과 같습니다."),
    Refusal("EXPORT_NOT_FOUND", 404, "내보낸 파일이 없거나 보관 기간(1일)이 지났습니다. 다시 내보내세요."),
    Refusal("EXPORT_TEMPLATE_NOT_FOUND", 404, "엑셀 양식을 찾을 수 없습니다: {template_id}"),
    Refusal("FILE_TOO_LARGE", 422, "파일이 너무 큽니다 ({size}바이트). 10MB 이하로 나눠 올려 주세요."),
    Refusal("JOB_NOT_FOUND", 404, "작업을 찾을 수 없습니다: {job_id}"),
    Refusal("JOB_NOT_RUNNING", 409, "진행 중인 작업만 취소할 수 있습니다."),
    Refusal("JOB_RESULT_EXISTS", 422, "이미 처리된 주문입니다."),
    Refusal("JOB_TOO_LARGE", 422, "한 작업은 주문 {limit}건까지 처리할 수 있습니다. 기간을 나눠 주세요."),
    Refusal("MERGED_CELLS", 422, "병합된 셀이 너무 많은 파일입니다. 셀 병합을 풀고 올려 주세요."),
    Refusal("NOT_XLSX", 422, "엑셀(.xlsx) 파일이 아닙니다. 내려받은 양식에 입력해 올려 주세요."),
    Refusal("ORDERS_NOT_FOUND", 404, "찾을 수 없는 주문이 있습니다: {order_ids}"),
    Refusal("READ_TIME_EXCEEDED", 422,
            "파일을 읽는 데 시간이 너무 오래 걸려 처리하지 않았습니다. 행을 나눠 여러 파일로 올려 주세요."),
    Refusal("TEMPLATE_BUILTIN", 409, "기본 제공 양식은 바꾸거나 지울 수 없습니다. 복사해서 새 양식을 만드세요."),
    Refusal("TEMPLATE_CHANGED", 409, "양식이 그 사이 바뀌었거나 삭제되었습니다. 다시 불러오세요."),
    Refusal("TEMPLATE_LIMIT", 409, "엑셀 양식은 사이트당 {limit}개까지 만들 수 있습니다."),
    Refusal("TOO_MANY_ROWS", 422, "한 파일은 {limit}행까지 올릴 수 있습니다 (빈 행 포함). 나눠서 올려 주세요."),
    Refusal("ZIP_BOMB", 422, "압축을 풀면 지나치게 커지는 파일입니다. 처리하지 않았습니다."),
)
