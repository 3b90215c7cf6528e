"""Models of the buyer-message API (sender numbers, templates, messages)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from oms.schemas.common import MultilineText, Strict, Text


class SenderIn(Strict):
    number: Text = Field(min_length=4, max_length=20, description="발신번호 (숫자, 하이픈 허용)")
    label: Text | None = Field(default=None, max_length=40, description="e.g. 고객센터")


class DefaultSenderIn(Strict):
    number: Text = Field(min_length=4, max_length=20, description="a verified sender number of the site")


class SmsTemplateIn(Strict):
    name: Text = Field(min_length=1, max_length=40)
    text: MultilineText = Field(min_length=1, max_length=2000,
                      description="본문; 변수 #{주문번호} #{상품명} #{택배사} #{송장번호} #{배송조회} #{미결금액}")
    title: Text | None = Field(default=None, max_length=40, description="LMS 제목 (40바이트)")


class MessageIn(Strict):
    """A message to the buyer or the recipient of the order: never a number typed in."""

    role: Literal["buyer", "recipient"] = Field(default="buyer", description="구매자 or 수령자 phone of the order")
    template_id: Text | None = Field(default=None, max_length=40, description="a site template (or give text)")
    text: MultilineText | None = Field(default=None, max_length=4000, description="본문 (variables allowed)")
    title: Text | None = Field(default=None, max_length=60, description="LMS 제목; SMS has none")
    shipment_id: Text | None = Field(default=None, max_length=40,
                                    description="shipment for #{택배사} #{송장번호} #{배송조회}; default the latest")
    sender: Text | None = Field(default=None, max_length=20,
                               description="optional; if given it must be the site's verified default sender")
    message_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]{8,64}$",
                                   description="client-chosen id: a retry with the same id never sends twice")
