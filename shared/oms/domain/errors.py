"""Refusals with a stable code and a Korean message that names the rule."""

from __future__ import annotations

from typing import Any

from oms.domain.josa import josa


class DomainError(Exception):
    """A business rule refused a request. Nothing was changed.

    ``code`` is stable and machine-readable; ``message_ko`` is shown in the console;
    ``status`` is the HTTP status the API answers with.
    """

    status: int = 422

    def __init__(
        self,
        code: str,
        message_ko: str,
        *,
        detail: str | None = None,
        status: int | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {detail or message_ko}")
        self.code = code
        self.message_ko = message_ko
        self.detail = detail or message_ko
        if status is not None:
            self.status = status
        self.field = field
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message_ko": self.message_ko, "detail": self.detail}
        if self.field:
            out["field"] = self.field
        if self.extra:
            out.update(self.extra)
        return out


class NotFound(DomainError):
    """``NotFound("order", id)``: "주문을 찾을 수 없습니다: {id}" (the resource named in Korean by
    :data:`RESOURCE_KO`; a resource missing there is named "항목", never in English)."""

    status = 404

    def __init__(self, what: str, ident: str) -> None:
        super().__init__(
            f"{what.upper()}_NOT_FOUND",
            f"{josa(RESOURCE_KO.get(what, '항목'), '을/를')} 찾을 수 없습니다: {ident}",
            detail=f"{what} {ident} not found",
        )


class Conflict(DomainError):
    status = 409


#: resource -> its Korean name, for :class:`NotFound` (tests/unit/test_korean_messages.py checks every raise site)
RESOURCE_KO: dict[str, str] = {
    "order": "주문", "claim": "클레임", "line": "품목", "stock": "재고", "import": "업로드", "member": "회원",
    "payment": "결제", "payment_request": "결제요청", "sender": "발신번호",
}
