"""`make lighthouse`: the console's first screen, measured on the local stack.

Starts DynamoDB Local (in memory), the S3/SQS emulator and the stack on free ports, puts the demo
orders in, then

- Playwright (Debian's Chromium, headless, 1440 × 900 and 390 × 844): ``RUNS`` cold navigations (a
  new browser context each: empty cache) to the order list and to one order; per run the time from
  navigation to the first order row in the DOM (``performance.now()``, whose origin is the navigation),
  the layout-shift sum (``PerformanceObserver``, ``layout-shift`` entries without recent input, until
  the screen says it is ready plus a settle), and how many requests went out before the orders request;
- Lighthouse (mobile: its default form factor and simulated throttling) on the list and the detail,
  through ``bench/lighthouse_run.mjs``;

then prints one table. ``python -m bench.first_screen --runs 9 --no-lighthouse`` for the browser part only.
Not part of ``make test``: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from bench.common import ROOT, local_dynamodb, print_table

SITE = "demo-shop"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
LIGHTHOUSE_MODULES = Path(os.environ.get("LIGHTHOUSE_MODULES",
                                         ROOT / ".local" / "lighthouse" / "node_modules")).resolve()
SESSION_KEY = "oms.console.session"

#: Before any script of the page: the session (sessionStorage is per tab), then the observers that
#: note when the first order row (or the order's heading) appears and every layout shift.
OBSERVE = """
(session) => {
  if (session) sessionStorage.setItem("oms.console.session", session);
  const m = (window.__firstScreen = { rows: null, detail: null, cls: 0, shifts: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      m.cls += e.value;
      m.shifts.push({ at: Math.round(e.startTime), value: e.value,
        from: (e.sources || []).map((s) => s.node && (s.node.className || s.node.nodeName)).join(" ") });
    }
  }).observe({ type: "layout-shift", buffered: true });
  new MutationObserver(() => {
    if (m.rows === null && document.querySelector(".order-row")) m.rows = performance.now();
    if (m.detail === null && document.querySelector(".view .order-head")) m.detail = performance.now();
  }).observe(document, { childList: true, subtree: true });
}
"""


@contextmanager
def local_stack(console_dir: Path | None = None) -> Iterator[tuple[str, str]]:
    """(gateway url, an owner's token) of a stack with the demo orders (the console from ``console_dir``:
    another version of it, to compare)."""
    from oms_local import tokens
    from oms_local.s3 import S3Local, create_buckets
    from oms_local.stack import Stack

    with tempfile.TemporaryDirectory() as keys, local_dynamodb("oms-first-screen") as ddb_endpoint:
        os.environ["OMS_LOCAL_DIR"] = keys
        os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"  # the outbox relay's metric lines, here in this process
        s3 = S3Local(own_process=True).start()
        stack = Stack(template=ROOT / "template.yaml", table="oms-first-screen", s3_endpoint=s3.endpoint,
                      ddb_endpoint=ddb_endpoint, schedules=False,
                      gateway_env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
        create_buckets(s3.client(), stack.gateway.bucket_names())
        if console_dir is not None:
            stack.gateway.console_dir = console_dir
        stack.start()
        try:
            from oms_local.seed import seed_demo

            boto3.setup_default_session()
            seed_demo(SITE)
            yield stack.gateway.url, tokens.mint_admin_token(SITE)
        finally:
            stack.stop()
            s3.stop()


def session_of(url: str, token: str) -> str:
    """The session the console keeps after a sign-in (auth.js signIn + setMe): token, site, role, permissions."""
    import httpx

    from oms_local import tokens

    me = httpx.get(f"{url}/admin/me", headers={"authorization": f"Bearer {token}"}, timeout=30).json()
    claims = tokens.decode_unverified(token) if hasattr(tokens, "decode_unverified") else _claims(token)
    return json.dumps({"token": token, "site": SITE, "name": me.get("name") or claims.get("name") or "관리자",
                       "exp": claims.get("exp", 0), "role": me.get("role_name"), "owner": bool(me.get("owner")),
                       "permissions": me.get("permissions") or []}, ensure_ascii=False)


def _claims(token: str) -> dict[str, Any]:
    import base64

    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def first_order(url: str, token: str) -> str:
    import httpx

    page = httpx.get(f"{url}/admin/orders", params={"limit": 1}, headers={"authorization": f"Bearer {token}"},
                     timeout=30).json()
    return str(page["orders"][0]["order_id"])


#: the first data request of the screen (the list's first page, the order) in the page's resource
#: timing: when it started, and how many modules had arrived by then (the round trips before it)
FIRST_REQUEST = """
(path) => {
  const all = performance.getEntriesByType("resource");
  const want = path === "/orders" ? (e) => e.name.includes("/admin/orders?")
    : (e) => new URL(e.name).pathname === "/admin" + path;
  const first = all.find(want);
  if (!first) return { start: null, modules: null };
  return { start: first.startTime,
    modules: all.filter((e) => e.name.endsWith(".js") && e.responseEnd <= first.startTime).length };
}
"""


def browse(url: str, session: str, path: str, viewport: dict[str, int], runs: int, *,
           mobile: bool = False, warmup: int = 1) -> list[dict[str, Any]]:
    """``runs`` cold navigations to ``url/#path`` (after ``warmup`` ones not counted: the functions'
    containers started): per run rows_ms, detail_ms, cls, shifts, request_ms, modules_before."""
    from playwright.sync_api import sync_playwright

    out: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for n in range(warmup + runs):
                ctx = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul", viewport=viewport,
                                          is_mobile=mobile, has_touch=mobile, device_scale_factor=3 if mobile else 1)
                page = ctx.new_page()
                page.add_init_script(f"({OBSERVE})({json.dumps(session)})")
                page.goto(f"{url}/#{path}")
                page.locator("html[data-ready='1']").wait_for(timeout=30_000)
                page.wait_for_timeout(600)  # late shifts (an image, a font, a count arriving) count too
                m = page.evaluate("window.__firstScreen")
                first = page.evaluate(FIRST_REQUEST, path)
                if n >= warmup:
                    out.append({"rows_ms": m["rows"], "detail_ms": m["detail"], "cls": m["cls"], "shifts": m["shifts"],
                                "request_ms": first["start"], "modules_before": first["modules"]})
                ctx.close()
        finally:
            browser.close()
    return out


def lighthouse(url: str, session: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        env = {**os.environ, "NODE_PATH": str(LIGHTHOUSE_MODULES), "CHROMIUM": CHROMIUM}
        subprocess.run(["node", str(ROOT / "bench" / "lighthouse_run.mjs"), url, session, report.name],
                       check=True, env=env, timeout=300)
        return dict(json.loads(Path(report.name).read_text()))


def _median(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.0f}" if known else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.first_screen", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="cold navigations per page and size (default 7)")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--console", type=Path, help="serve the console from this folder (e.g. an older version "
                        "from `git archive <commit> console | tar -x -C /tmp/old`)")
    args = parser.parse_args(argv)

    with local_stack(args.console) as (url, token):
        session = session_of(url, token)
        order_id = first_order(url, token)
        pages = [("목록", "/orders"), ("상세", f"/orders/{order_id}")]
        sizes = [("1440×900", {"width": 1440, "height": 900}, False), ("390×844", {"width": 390, "height": 844}, True)]
        rows: list[list[Any]] = []
        figures: dict[str, Any] = {}
        for name, path in pages:
            lh = {} if args.no_lighthouse else lighthouse(f"{url}/#{path}", session)
            figures[f"{name} lighthouse"] = lh
            for size, viewport, mobile in sizes:
                started = time.monotonic()
                runs = browse(url, session, path, viewport, args.runs, mobile=mobile)
                figures[f"{name} {size}"] = runs
                key = "rows_ms" if path == "/orders" else "detail_ms"
                rows.append([name, size, lh.get("performance", "-") if mobile else "",
                             lh.get("accessibility", "-") if mobile else "",
                             lh.get("cls", "-") if mobile else "",
                             f"{max(r['cls'] for r in runs):.3f}", _median([r[key] for r in runs]),
                             _median([r["request_ms"] for r in runs]), _median([r["modules_before"] for r in runs]),
                             f"{time.monotonic() - started:.0f}s"])
        print_table(f"First screen (local stack, {args.runs} cold navigations each; Lighthouse mobile)",
                    ["page", "size", "LH perf", "LH a11y", "LH CLS", "CLS (max)", "content ms (median)",
                     "data request ms", "modules before it", "took"], rows)
        for name, _ in pages:
            lh = figures[f"{name} lighthouse"]
            if lh.get("accessibility_failures"):
                print(f"\n{name}: Lighthouse accessibility findings:")
                for f in lh["accessibility_failures"]:
                    print(f"  - {f['id']}: {f['title']} {f['items']}")
            if lh:
                print(f"{name}: FCP {lh['fcp_ms']} ms, LCP {lh['lcp_ms']} ms, TBT {lh['tbt_ms']} ms; "
                      f"opportunities {lh['perf_opportunities']}")
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
