"""A site's webhook endpoints: the rules (docs/domain.md, "Order events and webhooks").

An endpoint is an HTTPS URL on the public internet that receives the site's order events it
subscribed to, signed with its own secret (Standard Webhooks). The URL is checked when it is
registered (https, a host name or a public address: never loopback, private, link-local or
reserved ranges — the relay would otherwise post into our own network) and the address it
resolves to is checked again before every post (a name can be pointed elsewhere later).

Only hosts named in the deployment's allow-list (template parameter ``WebhookInsecureHosts``,
empty in production; ``127.0.0.1`` for the local stack's receiver) may be plain http or private.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from oms.domain.errors import DomainError
from oms.domain.public_events import TYPES

MAX_ENDPOINTS = 5
MAX_URL = 500
DESCRIPTION_MAX = 100
#: how an answer of the receiver is taken (2xx delivered; these and 5xx: try again later)
RETRY_STATUSES = frozenset({408, 429})
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


def _refuse(code: str, message_ko: str, **extra: object) -> DomainError:
    return DomainError(code, message_ko, field="url", extra=extra or None)


def public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local …)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
                or ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT))


_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def check_url(url: str, insecure_hosts: Collection[str] = ()) -> str:
    """The endpoint URL as stored, or a refusal naming the rule it breaks."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise _refuse("WEBHOOK_URL_INVALID", f"웹훅 URL은 1~{MAX_URL}자입니다.")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _ = parts.port
    except ValueError as exc:
        raise _refuse("WEBHOOK_URL_INVALID", "웹훅 URL 형식이 올바르지 않습니다.") from exc
    if not host or parts.username or parts.password or parts.fragment:
        raise _refuse("WEBHOOK_URL_INVALID",
                      "웹훅 URL에는 호스트가 있어야 하며 사용자 정보나 '#' 뒤의 조각은 넣을 수 없습니다.")
    allowed = host in {h.strip().lower() for h in insecure_hosts if h.strip()}
    if parts.scheme != "https" and not (allowed and parts.scheme == "http"):
        raise _refuse("WEBHOOK_URL_NOT_HTTPS", "웹훅 URL은 'https://'로 시작해야 합니다.", scheme=parts.scheme)
    if allowed:
        return url
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal)
    except ValueError:  # a host name: its addresses are checked again before each delivery
        if host.endswith(_LOCAL_NAMES) or host in _LOCAL_NAMES or "." not in host:
            raise _refuse("WEBHOOK_URL_PRIVATE_HOST", f"내부 주소로는 웹훅을 보낼 수 없습니다: {host}",
                          host=host) from None
        return url
    if not public_address(literal):
        raise _refuse("WEBHOOK_URL_PRIVATE_HOST", f"내부 주소로는 웹훅을 보낼 수 없습니다: {host}", host=host)
    return url


def check_event_types(types: Iterable[str]) -> list[str]:
    """The subscribed types in catalogue order; at least one, each a public event type."""
    chosen = list(dict.fromkeys(types))
    unknown = [t for t in chosen if t not in TYPES]
    if unknown:
        raise DomainError("WEBHOOK_EVENT_TYPE_UNKNOWN", f"알 수 없는 이벤트 유형입니다: {', '.join(unknown)}",
                          field="event_types", extra={"unknown": unknown, "known": list(TYPES)})
    if not chosen:
        raise DomainError("WEBHOOK_EVENT_TYPES_EMPTY", "받을 이벤트 유형을 하나 이상 고르세요.", field="event_types")
    return [t for t in TYPES if t in chosen]


def outcome_of_status(status: int) -> str:
    """``delivered`` (2xx), ``retry`` (5xx, 408, 429) or ``failed`` (any other answer: the receiver refused)."""
    if 200 <= status < 300:
        return "delivered"
    if status >= 500 or status in RETRY_STATUSES:
        return "retry"
    return "failed"
