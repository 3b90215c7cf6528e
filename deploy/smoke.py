"""Smoke checks of a deployed stack: read-only routes, then (optionally) one sandbox order.

    python -m deploy.smoke --url <ApiUrl output> --token <admin JWT of a test site>
    python -m deploy.smoke --url ... --token ... --site <test site> --intake sigv4      # deployed stack
    python -m deploy.smoke --url http://127.0.0.1:3000 --token ... --site demo-shop --intake <service token>

Read-only: the API document (/swagger?format=json, no auth), the order list with its tab counts, the
site settings, the bulk job list. The sandbox order goes through POST /intake/orders, whose
authorizer is AWS_IAM: ``--intake sigv4`` signs it with the caller's AWS credentials (the principal
needs execute-api:Invoke on that route: the checkout service's role, or an operator's), anything
else is sent as the local stack's bearer service token. The order is a bank transfer awaiting its
deposit (no PG is called) with an idempotent checkout id, on the site the token names; it is then
read back through the admin API. Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx


@dataclass
class Result:
    name: str
    ok: bool
    detail: str = ""


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def _check(name: str, resp: httpx.Response, expect: Callable[[Any], bool]) -> Result:
    body = _json(resp)
    ok = resp.status_code == 200 and body is not None and expect(body)
    return Result(name, ok, f"{resp.status_code}" + ("" if ok else f" {resp.text[:200]}"))


def read_only(client: httpx.Client, token: str) -> list[Result]:
    auth = {"Authorization": f"Bearer {token}"}
    return [
        _check("API document (/swagger)", client.get("/swagger", params={"format": "json"}),
               lambda b: "openapi" in b and bool(b.get("paths"))),
        _check("order list and tab counts", client.get("/admin/orders", params={"limit": 1}, headers=auth),
               lambda b: isinstance(b.get("orders"), list) and isinstance(b.get("counts"), dict)),
        _check("site settings", client.get("/admin/settings", headers=auth), lambda b: isinstance(b, dict)),
        _check("bulk jobs", client.get("/admin/jobs", params={"limit": 1}, headers=auth),
               lambda b: isinstance(b.get("jobs"), list)),
    ]


def sandbox_order(site_id: str, checkout_id: str) -> dict[str, Any]:
    """A bank-transfer order awaiting its deposit: nothing is charged, no PG is called."""
    return {
        "site_id": site_id, "checkout_id": checkout_id, "channel": "store", "scope": "domestic",
        "buyer": {"name": "스모크테스트", "phone": "010-0000-0000", "email": "smoke@example.com"},
        "recipient": {"name": "스모크테스트", "phone": "010-0000-0000", "postal_code": "04524",
                      "address1": "서울특별시 중구 세종대로 110", "address2": "스모크 테스트"},
        "lines": [{"product_code": "SMOKE-TEST", "product_name": "스모크 테스트 상품", "quantity": 1,
                   "unit_price": 1000}],
        "coupon_discount": 0, "points_used": 0, "shipping_fee": 0,
        "payment": {"method": "bank_transfer", "amount": 1000},
    }


def _sigv4_headers(url: str, body: bytes) -> dict[str, str]:
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    session = boto3.Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise SystemExit("--intake sigv4: no AWS credentials (aws configure / AWS_PROFILE)")
    host = urlsplit(url).hostname or ""
    region = host.split(".")[2] if ".execute-api." in host else (session.region_name or "ap-northeast-2")
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region).add_auth(request)
    return dict(request.headers.items())


def intake(client: httpx.Client, token: str, site_id: str, mode: str) -> list[Result]:
    body = json.dumps(sandbox_order(site_id, f"smoke-{uuid.uuid4().hex}"), ensure_ascii=False).encode()
    url = str(client.base_url).rstrip("/") + "/intake/orders"
    headers = (_sigv4_headers(url, body) if mode == "sigv4"
               else {"Authorization": f"Bearer {mode}", "Content-Type": "application/json"})
    resp = client.post("/intake/orders", content=body, headers=headers)
    created = _json(resp) or {}
    ok = resp.status_code in (200, 201) and "order_id" in created
    results = [Result("sandbox order (intake)", ok, f"{resp.status_code}" + ("" if ok else f" {resp.text[:200]}"))]
    if ok:
        results.append(_check("sandbox order read back", client.get(
            f"/admin/orders/{created['order_id']}", headers={"Authorization": f"Bearer {token}"}),
            lambda b: b.get("order_id") == created["order_id"]))
    return results


def run(client: httpx.Client, token: str, site_id: str | None = None, intake_mode: str | None = None) -> int:
    results = read_only(client, token)
    if intake_mode:
        if not site_id:
            results.append(Result("sandbox order (intake)", False, "--site is required with --intake"))
        else:
            results += intake(client, token, site_id, intake_mode)
    for r in results:
        print(f"{'PASS' if r.ok else 'FAIL'}  {r.name}  {r.detail}")
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the stack's ApiUrl output (or the local gateway's URL)")
    parser.add_argument("--token", required=True, help="an admin JWT of a test site")
    parser.add_argument("--site", help="the test site (the token's site_id) for the sandbox order")
    parser.add_argument("--intake", metavar="sigv4|SERVICE_TOKEN",
                        help="also place one sandbox order: sign with AWS credentials, or a local service token")
    args = parser.parse_args(argv)
    with httpx.Client(base_url=args.url.rstrip("/"), timeout=30.0) as client:
        try:
            return run(client, args.token, args.site, args.intake)
        except httpx.HTTPError as exc:
            print(f"FAIL  {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    raise SystemExit(main())
