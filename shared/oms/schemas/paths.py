"""Path parameters of the API routes (the resolver validates them like body fields).

Apart from :mod:`oms.schemas.common` because they need the Event Handler's ``Path``: a function
without a resolver (jobs, queue workers) imports the shared models without the Event Handler.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from oms.schemas.common import _ID, max_bytes

OrderIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=_ID, description="주문번호")]
PaymentIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=_ID)]
MemberIdPath = Annotated[str, Path(min_length=1, max_length=64), max_bytes(200)]
ImportIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
ShipmentIdPath = Annotated[str, Path(min_length=3, max_length=12, pattern=r"^SH[0-9]{1,10}$", description="배송 번호")]
MessageIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
TemplateIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
ExportIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
JobIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
ClaimIdPath = Annotated[str, Path(min_length=1, max_length=20, pattern=_ID)]
RequestIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
SkuPath = Annotated[str, Path(min_length=1, max_length=900, description="percent-encoded SKU"), max_bytes(900)]
