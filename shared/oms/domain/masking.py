"""Personal data masked by default (docs/domain.md, "Staff and personal data"): names, phone numbers,
e-mail and addresses as lists, details, exports and order sheets show them unless the operator holds
``personal.view`` and asked to see them (a recorded action). Masks keep what an operator needs to
recognise an order — the family name, the last four digits, the city and district."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from oms.domain.messages import mask as mask_phone
from oms.domain.order import Order

__all__ = ["mask_address", "mask_email", "mask_event", "mask_name", "mask_party", "mask_phone", "masked_order"]


def mask_name(name: str | None) -> str | None:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수."""
    if not name:
        return name
    n = name.strip()
    if len(n) <= 1:
        return "*"
    if len(n) == 2:
        return n[0] + "*"
    return n[0] + "*" * (len(n) - 2) + n[-1]


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    local, _, domain = email.partition("@")
    return f"{local[:2]}{'*' * max(1, len(local) - 2)}@{domain}"


_WORDS = re.compile(r"\s+")


def mask_address(address1: str | None) -> str | None:
    """The city and district kept (서울특별시 강남구 ***), the rest masked."""
    if not address1:
        return address1
    words = _WORDS.split(address1.strip())
    return " ".join([*words[:2], "***"]) if len(words) > 2 else f"{words[0]} ***"


def mask_party(party: dict[str, Any]) -> dict[str, Any]:
    """A buyer or recipient as a view shows it by default."""
    out = dict(party)
    if "name" in out:
        out["name"] = mask_name(out["name"])
    if out.get("phone"):
        out["phone"] = mask_phone(str(out["phone"]))
    if "email" in out:
        out["email"] = mask_email(out["email"])
    if "address1" in out:
        out["address1"] = mask_address(out["address1"])
    if out.get("address2"):
        out["address2"] = "***"
    if out.get("postal_code"):
        out["postal_code"] = str(out["postal_code"])[:3] + "**"
    out["masked"] = True
    return out


def masked_order(order: Order) -> Order:
    """The order as an export or an order sheet shows it by default: the buyer and the recipient
    masked (a copy; the order itself untouched)."""
    new = order.clone()
    b, r = new.buyer, new.recipient
    new.buyer = replace(b, name=mask_name(b.name) or "", phone=mask_phone(b.phone) if b.phone else b.phone,
                        email=mask_email(b.email))
    new.recipient = replace(r, name=mask_name(r.name) or "", phone=mask_phone(r.phone) if r.phone else r.phone,
                            postal_code=(r.postal_code[:3] + "**") if r.postal_code else r.postal_code,
                            address1=mask_address(r.address1) or "", address2="***" if r.address2 else "")
    return new


def _place(p: dict[str, Any] | None) -> dict[str, Any] | None:
    if not p:
        return p
    return {"postal_code": (str(p.get("postal_code") or "")[:3] + "**") if p.get("postal_code") else None,
            "address1": mask_address(p.get("address1"))}


def mask_event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A timeline entry as every operator sees it: an address change names the places masked."""
    if kind == "recipient_changed":
        a, b = _place(data.get("from")) or {}, _place(data.get("to")) or {}
        return {**data, "from": a, "to": b, "text_ko": f"배송지 변경: ({a.get('postal_code')}) {a.get('address1')} → "
                                                        f"({b.get('postal_code')}) {b.get('address1')}"}
    if kind == "channel_address_changed":
        after = mask_address(str(data.get("after") or ""))
        return {**data, "before": mask_address(str(data.get("before") or "")), "after": after,
                "text_ko": f"네이버에서 배송지가 변경되었습니다: {after}"}
    return data
