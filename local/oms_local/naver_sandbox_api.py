"""The provider side of the Naver sandbox (:mod:`oms_local.naver_sandbox`): token issuance and
checks, the per-API token bucket, the change feed, ``query``, dispatch, delay and the claim
decisions. Every operation answers ``(HTTP status, body)``; the HTTP side only routes.

Whole-request refusals (HTTP 400, ``{code, message, timestamp, traceId}``): ``4000`` an invalid
parameter (more than 300 ids to ``query``, more than 30 to ``dispatch``, an unknown delay reason or
holdback type, a missing reason), ``104139`` a change window over 24 hours.

Per product order (HTTP 200, ``failProductOrderInfos``): ``100001`` not found, ``104131`` the same id
twice in one request, ``104442`` a state that does not allow it (cancelled, cancel requested, already
dispatched, no such open claim, a held-back return approved, a second delay), ``104117`` a delivery
method other than DELIVERY, ``104118``/``104119`` courier missing/unknown, ``104120`` tracking
number missing, ``104121`` a tracking number already used by another order of the seller,
``104122`` an invalid tracking number (not 10–14 digits, or one the sandbox was told to refuse),
``104105`` a dispatch deadline out of range, ``105306`` a holdback already in place, ``104133`` a
malformed item (e.g. no ``dispatchDate``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import bcrypt

from oms_local.naver_sandbox_model import (
    MAX_DELAY_DAYS,
    Claim,
    Order,
    ProductOrder,
    Row,
    kst,
    now,
    parse_at,
    query_json,
    trace,
)

Answer = tuple[int, dict[str, Any]]

TOKEN_WINDOW_MS = 5 * 60 * 1000
PAGE_MAX = 300
DISPATCH_MAX = 30
WINDOW = timedelta(hours=24)
DELAY_REASONS = ("PRODUCT_PREPARE", "CUSTOMER_REQUEST", "CUSTOM_BUILD", "RESERVED_DISPATCH", "OVERSEA_DELIVERY",
                 "ETC")
HOLDBACK_TYPES = ("RETURN_DELIVERYFEE", "EXTRAFEEE", "RETURN_DELIVERYFEE_AND_EXTRAFEEE",
                  "RETURN_PRODUCT_NOT_DELIVERED", "ETC", "EXCHANGE_DELIVERYFEE", "EXCHANGE_EXTRAFEE",
                  "EXCHANGE_PRODUCT_READY", "EXCHANGE_PRODUCT_NOT_DELIVERED", "EXCHANGE_HOLDBACK",
                  "SELLER_CONFIRM_NEED", "PURCHASER_CONFIRM_NEED", "SELLER_REMIT", "ETC2")
#: the courier codes the sandbox knows (a subset of Naver's deliveryCompanyCode)
COURIERS = frozenset(
    "CJGLS HYUNDAI HANJIN KGB EPOST KDEXP DAESIN ILYANG HDEXP CHUNIL KUNYOUNG CUPARCEL CVSNET HONAM SLX "
    "NONGHYUP HYBRID GSMNTON GTSLOGIS KGLNET REGISTPOST GENERALPOST CH1 EMS DHL FEDEX UPS USPS TNT "
    "KOREXG HLCGLOBAL PANTOS".split())
CLAIM_OPS = {
    "claim/cancel/approve": ("CANCEL", "approve"), "claim/return/approve": ("RETURN", "approve"),
    "claim/return/reject": ("RETURN", "reject"), "claim/return/holdback": ("RETURN", "holdback"),
    "claim/return/holdback/release": ("RETURN", "release"),
    "claim/exchange/collect/approve": ("EXCHANGE", "approve"), "claim/exchange/reject": ("EXCHANGE", "reject"),
    "claim/exchange/holdback": ("EXCHANGE", "holdback"),
    "claim/exchange/holdback/release": ("EXCHANGE", "release"),
}
STATE = "104442"


def error(status: int, code: str, message: str, invalid: list[dict[str, str]] | None = None) -> Answer:
    body: dict[str, Any] = {"code": code, "message": message, "timestamp": kst(now()), "traceId": trace()}
    if invalid:
        body["invalidInputs"] = invalid
    return status, body


def ok(data: Any) -> Answer:
    return 200, {"timestamp": kst(now()), "traceId": trace(), "data": data}


def _invalid(name: str, message: str) -> list[dict[str, str]]:
    return [{"name": name, "type": "Invalid", "message": message}]


def _number(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


class ProviderApi:
    """Mixed into :class:`oms_local.naver_sandbox.NaverSandbox`, which holds this state."""

    _lock: threading.RLock
    clients: dict[str, str]
    token_ttl: float
    rate_per_second: float
    orders: dict[str, Order]
    pos: dict[str, ProductOrder]
    rows: list[Row]
    tokens: dict[str, tuple[str, str, str, float]]  # token -> (client id, type, account id, expiry epoch)
    current: dict[tuple[str, str, str], str]
    buckets: dict[tuple[str, str], tuple[float, float]]
    refused: set[str]
    dispatched: list[dict[str, Any]]
    delays: list[dict[str, Any]]
    undocumented_rows: bool

    def _row(self, po: ProductOrder, changed_type: str, at: datetime, address_changed: bool = False) -> None:
        c = po.claim
        self.rows.append(Row(po.product_order_id, po.order_id, changed_type, at, po.status, c.type if c else None,
                             c.status if c else None, self.orders[po.order_id].paid_at, address_changed))

    # ------------------------------------------------------------------------------------ gateway
    def issue_token(self, form: dict[str, str]) -> Answer:
        missing = [k for k in ("client_id", "timestamp", "grant_type", "client_secret_sign", "type") if not form.get(k)]
        if missing:
            return error(400, "BadRequest", "필수 입력값이 누락되었습니다.",
                         [{"name": k, "type": "NotNull", "message": "필수 입력값입니다."} for k in missing])
        if form["grant_type"] != "client_credentials":
            return error(400, "BadRequest", "지원하지 않는 grant_type입니다.",
                         _invalid("grant_type", "client_credentials"))
        kind, account = form["type"], form.get("account_id") or ""
        if kind not in ("SELF", "SELLER") or (kind == "SELLER" and not account):
            return error(400, "BadRequest", "type과 account_id를 확인하세요.", _invalid("type", "SELF 또는 SELLER"))
        try:
            ts = int(form["timestamp"])
        except ValueError:
            return error(400, "BadRequest", "유효하지 않은 일시입니다.", _invalid("timestamp", "밀리초 Unix 시간"))
        if abs(time.time() * 1000 - ts) > TOKEN_WINDOW_MS:
            return error(400, "BadRequest", "유효하지 않은 일시입니다. 전자서명의 timestamp는 5분간 유효합니다.",
                         _invalid("timestamp", "5분 초과"))
        client = form["client_id"]
        secret = self.clients.get(client)
        if secret is None:
            return error(403, "Forbidden", "등록되지 않은 애플리케이션입니다.", _invalid("client_id", "unknown"))
        if not _signed(client, secret, ts, form["client_secret_sign"]):
            return error(403, "Forbidden", "전자서명(client_secret_sign)이 올바르지 않습니다.",
                         _invalid("client_secret_sign", "invalid signature"))
        with self._lock:
            key, t = (client, kind, account), time.time()
            tok = self.current.get(key)
            if tok is None or self.tokens[tok][3] - t < min(1800.0, self.token_ttl / 2):
                tok = secrets.token_urlsafe(24)
                self.tokens[tok] = (client, kind, account, t + self.token_ttl)
                self.current[key] = tok
            left = self.tokens[tok][3] - t
        return 200, {"access_token": tok, "expires_in": int(left), "token_type": "Bearer"}

    def authenticate(self, authorization: str) -> str | None:
        """The client id of a live bearer token, or None."""
        scheme, _, tok = authorization.partition(" ")
        with self._lock:
            got = self.tokens.get(tok.strip()) if scheme.lower() == "bearer" else None
        return got[0] if got and got[3] > time.time() else None

    def take(self, client: str, api: str) -> tuple[bool, dict[str, str]]:
        """One request from the (client, API) token bucket: rate r a second, burst 2r."""
        rate = self.rate_per_second
        if rate <= 0:
            return True, {}
        cap = 2 * rate
        with self._lock:
            t = time.monotonic()
            tokens, last = self.buckets.get((client, api), (cap, t))
            tokens = min(cap, tokens + (t - last) * rate)
            passed = tokens >= 1
            if passed:
                tokens -= 1
            self.buckets[(client, api)] = (tokens, t)
        return passed, {"GNCP-GW-RateLimit-Replenish-Rate": _number(rate),
                        "GNCP-GW-RateLimit-Burst-Capacity": _number(cap),
                        "GNCP-GW-RateLimit-Remaining": str(int(tokens))}

    # ------------------------------------------------------------------------------------ reads
    def feed(self, query: dict[str, str]) -> Answer:
        try:
            start = parse_at(query["lastChangedFrom"])
            end = parse_at(query["lastChangedTo"]) if query.get("lastChangedTo") else start + WINDOW
            limit = min(PAGE_MAX, int(query.get("limitCount") or PAGE_MAX))
        except (KeyError, ValueError):
            return error(400, "4000", "잘못된 요청 파라미터입니다. (lastChangedFrom, lastChangedTo, limitCount)")
        if end < start or limit < 1:
            return error(400, "4000", "잘못된 요청 파라미터입니다. (조회 범위)")
        if end - start > WINDOW:
            return error(400, "104139", "조회 가능한 날짜 범위를 초과했습니다. (최대 24시간)")
        kind, more = query.get("lastChangedType") or "", query.get("moreSequence") or ""
        with self._lock:
            keyed: list[tuple[tuple[Any, str, int], Any]] = []
            seen: dict[tuple[Any, str], int] = {}  # (at, id, k): k numbers one id's rows at one instant
            for r in self.rows:
                k = seen.get((r.at, r.product_order_id), 0)
                seen[(r.at, r.product_order_id)] = k + 1
                keyed.append(((r.at, r.product_order_id, k), r))
        keyed.sort(key=lambda kr: kr[0])
        after = _sequence(more) if more else None
        chosen = [(key, r) for key, r in keyed if start <= r.at <= end and (not kind or r.changed_type == kind)
                  and (after is None or r.at > start or key[1:] >= after)]
        data: dict[str, Any] = {"lastChangeStatuses": [r.json() for _, r in chosen[:limit]],
                                "count": min(limit, len(chosen))}
        if len(chosen) > limit:
            (at, pid, k), _ = chosen[limit]
            data["more"] = {"moreFrom": kst(at), "moreSequence": pid if k == 0 else f"{pid}.{k}"}
        return ok(data)

    def query(self, body: dict[str, Any]) -> Answer:
        ids = body.get("productOrderIds")
        if not isinstance(ids, list) or not ids:
            return error(400, "4000", "잘못된 요청 파라미터입니다. (productOrderIds)")
        if len(ids) > PAGE_MAX:
            return error(400, "4000", f"요청 가능한 상품 주문 번호는 최대 {PAGE_MAX}개입니다.")
        with self._lock:
            found = [self.pos[str(i)] for i in ids if str(i) in self.pos]
            return ok([query_json(self.orders[po.order_id], po) for po in found])

    # ------------------------------------------------------------------------------------ seller decisions
    def dispatch(self, body: dict[str, Any]) -> Answer:
        items = body.get("dispatchProductOrders")
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            return error(400, "4000", "잘못된 요청 파라미터입니다. (dispatchProductOrders)")
        if len(items) > DISPATCH_MAX:
            return error(400, "4000", f"요청 가능한 상품 주문 번호는 최대 {DISPATCH_MAX}개입니다.")
        success: list[str] = []
        fail: list[dict[str, str]] = []
        seen: set[str] = set()
        with self._lock:
            for item in items:
                pid = str(item.get("productOrderId") or "")
                refused = self._dispatch_one(item, pid, seen)
                seen.add(pid)
                if refused:
                    fail.append({"productOrderId": pid, "code": refused[0], "message": refused[1]})
                else:
                    success.append(pid)
        return ok({"successProductOrderIds": success, "failProductOrderInfos": fail})

    def _dispatch_one(self, item: dict[str, Any], pid: str, seen: set[str]) -> tuple[str, str] | None:
        if pid in seen:
            return "104131", "상품 주문 번호가 중복되었습니다."
        po = self.pos.get(pid)
        if po is None:
            return "100001", "상품 주문을 찾을 수 없습니다."
        c = po.open_claim()
        if c is not None and c.type == "CANCEL":
            return STATE, "취소 요청된 상품 주문은 발송 처리할 수 없습니다."
        if po.status == "CANCELED":
            return STATE, "취소된 상품 주문은 발송 처리할 수 없습니다."
        if po.status != "PAYED":
            return STATE, f"발송 처리할 수 없는 상품 주문 상태입니다. ({po.status})"
        if item.get("deliveryMethod") != "DELIVERY":
            return "104117", "배송 방법 변경이 필요합니다. (택배 발송만 지원)"
        courier = str(item.get("deliveryCompanyCode") or "")
        number = str(item.get("trackingNumber") or "")
        if not courier:
            return "104118", "택배사를 입력하세요."
        if courier not in COURIERS:
            return "104119", "택배사 코드를 확인하세요."
        if not number:
            return "104120", "송장 번호를 입력하세요."
        if not re.fullmatch(r"\d{10,14}", number) or number in self.refused:
            return "104122", "유효하지 않은 송장 번호입니다."
        if any(o.courier == courier and o.tracking_no == number and o.order_id != po.order_id
               for o in self.pos.values()):
            return "104121", "이미 사용된 송장 번호입니다. (다른 주문에 등록됨)"
        try:
            sent = parse_at(item["dispatchDate"])
        except (KeyError, ValueError):
            return "104133", "잘못된 요청입니다. (dispatchDate)"
        po.status, po.courier, po.tracking_no, po.dispatched_at = "DELIVERING", courier, number, sent
        self._row(po, "DISPATCHED", now())
        self.dispatched.append({"productOrderId": pid, "deliveryCompanyCode": courier, "trackingNumber": number,
                                "dispatchDate": kst(sent)})
        return None

    def delay(self, pid: str, body: dict[str, Any]) -> Answer:
        reason = body.get("delayedDispatchReason")
        if reason not in DELAY_REASONS:
            return error(400, "4000", "잘못된 요청 파라미터입니다. (delayedDispatchReason)")
        try:
            due = parse_at(body["dispatchDueDate"])
        except (KeyError, ValueError):
            return error(400, "4000", "잘못된 요청 파라미터입니다. (dispatchDueDate)")
        with self._lock:
            po = self.pos.get(pid)
            refused = self._delay_refused(po, due)
            if po is None or refused:
                code, message = refused or ("100001", "상품 주문을 찾을 수 없습니다.")
                return ok({"successProductOrderIds": [],
                           "failProductOrderInfos": [{"productOrderId": pid, "code": code, "message": message}]})
            po.due_at, po.delay_reason = due, str(reason)
            po.delay_detail = str(body.get("dispatchDelayedDetailedReason") or "")
            self.delays.append({"productOrderId": pid, "dispatchDueDate": kst(due), "delayedDispatchReason": reason,
                                "dispatchDelayedDetailedReason": po.delay_detail})
            if self.undocumented_rows:
                self._row(po, "DISPATCH_DELAYED", now())
        return ok({"successProductOrderIds": [pid], "failProductOrderInfos": []})

    def _delay_refused(self, po: ProductOrder | None, due: datetime) -> tuple[str, str] | None:
        if po is None:
            return "100001", "상품 주문을 찾을 수 없습니다."
        if po.status != "PAYED" or po.open_claim() is not None:
            return STATE, f"발송 지연 처리할 수 없는 상품 주문 상태입니다. ({po.status})"
        if po.delay_reason:
            return STATE, "발송 지연은 한 번만 처리할 수 있습니다."
        latest = self.orders[po.order_id].ordered_at + timedelta(days=MAX_DELAY_DAYS)
        if (po.due_at is not None and due <= po.due_at) or due > latest:
            return "104105", "발송 기한 입력 범위를 초과했습니다. (현재 발송 기한 이후, 주문 후 90일 이내)"
        return None

    def claim_op(self, pid: str, op: str, body: dict[str, Any]) -> Answer:
        kind, action = CLAIM_OPS[op]
        prefix = "Return" if kind == "RETURN" else "Exchange"
        if action == "reject" and not str(body.get(f"reject{prefix}Reason") or "").strip():
            return error(400, "4000", f"잘못된 요청 파라미터입니다. (reject{prefix}Reason)")
        if action == "holdback" and (body.get("holdbackClassType") not in HOLDBACK_TYPES
                                     or not str(body.get(f"holdback{prefix}DetailReason") or "").strip()):
            return error(400, "4000", f"잘못된 요청 파라미터입니다. (holdbackClassType, holdback{prefix}DetailReason)")
        with self._lock:
            refused = self._claim_one(pid, kind, action, prefix, body)
        if refused:
            return ok({"successProductOrderIds": [], "failProductOrderInfos": [
                {"productOrderId": pid, "code": refused[0], "message": refused[1]}]})
        return ok({"successProductOrderIds": [pid], "failProductOrderInfos": []})

    def _claim_one(self, pid: str, kind: str, action: str, prefix: str,
                   body: dict[str, Any]) -> tuple[str, str] | None:
        po = self.pos.get(pid)
        if po is None:
            return "100001", "상품 주문을 찾을 수 없습니다."
        c = po.open_claim()
        if c is None or c.type != kind:
            return STATE, f"처리할 수 있는 {kind} 클레임이 없습니다. ({po.status})"
        t = now()
        if action == "holdback":
            if c.holdback == "HOLDBACK":
                return "105306", "이미 보류 중입니다."
            c.holdback, c.holdback_reason = "HOLDBACK", str(body["holdbackClassType"])
            c.holdback_detail = str(body[f"holdback{prefix}DetailReason"])
            c.extra_fee = int(float(body.get(f"extra{prefix}FeeAmount") or 0))
            return None
        if action == "release":
            if c.holdback != "HOLDBACK":
                return STATE, "보류 중인 클레임이 아닙니다."
            c.holdback = "RELEASED"
            return None
        if action == "reject":
            c.status, c.rejected_reason = f"{kind}_REJECT", str(body[f"reject{prefix}Reason"])
            po.status = c.prior_status
            self._row(po, "CLAIM_REJECTED", t)
            return None
        if c.holdback == "HOLDBACK":
            return STATE, "보류 중인 클레임은 승인할 수 없습니다. 보류를 해제하세요."
        if kind == "EXCHANGE":
            if c.status == "COLLECT_DONE":
                return "105306", "이미 수거 완료된 교환입니다."
            c.status, c.collected_at = "COLLECT_DONE", t
            self._row(po, "COLLECT_DONE", t)
            return None
        done = {"CANCEL": ("CANCELED", "CANCEL_DONE"), "RETURN": ("RETURNED", "RETURN_DONE")}[kind]
        po.status, c.status, c.completed_at = done[0], done[1], t
        self._row(po, "CLAIM_COMPLETED", t)
        return None


def _sequence(more: str) -> tuple[str, int]:
    pid, _, k = more.partition(".")
    return pid, int(k) if k.isdigit() else 0


def _signed(client: str, secret: str, ts: int, sign: str) -> bool:
    """``sign`` is base64 (standard or URL-safe) of ``bcrypt.hashpw(f"{client}_{ts}", secret)``."""
    try:
        expected = bcrypt.hashpw(f"{client}_{ts}".encode(), secret.encode())
    except ValueError:
        return False
    for decode in (base64.standard_b64decode, base64.urlsafe_b64decode):
        try:
            got = decode(sign.encode())
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(got, expected):
            return True
    return False


def claim_of(kind: str, pid: str, reason: str, detail: str, at: datetime, prior: str) -> Claim:
    return Claim(f"C{pid}{int(at.timestamp() * 1000) % 100000:05d}", kind, f"{kind}_REQUEST", reason, detail, at,
                 prior)
