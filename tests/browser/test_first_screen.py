"""The console's first screen: the order list's data is asked for before the list's modules are in, the
list does not jump when its rows arrive (desktop and phone), and the console's files and the API's JSON
come gzip-encoded to a browser that takes it. (`make lighthouse` measures the same screens; this holds
the outcomes that must not come back.)"""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, Route, expect

from oms_local.console import CONSOLE_DIR
from tests.browser_support import Console, sign_in

#: the modules the order list's first request may wait for (console/js/prefetch.js): the early requests
#: and the list's search (the request's query) with what that imports; 8 of the list's 21
EARLY_MODULES = {"prefetch.js", "list/search.js", "ui.js", "format.js", "labels.js", "api.js", "config.js", "auth.js"}

LAYOUT_SHIFTS = """
() => {
  window.__shifts = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts += e.value;
  }).observe({ type: "layout-shift", buffered: true });
}
"""


def _orders(console: Console, site_id: str, n: int) -> None:
    for _ in range(n):
        console.intake(site_id)


def test_the_first_page_is_asked_for_before_the_list_modules_arrive(page: Page, console: Console,
                                                                      site_id: str) -> None:
    _orders(console, site_id, 3)
    sign_in(page, console, site_id)
    held: list[Route] = []

    def hold(route: Route) -> None:
        name = route.request.url.split("/js/", 1)[1]
        if name in EARLY_MODULES:
            route.continue_()
        else:
            held.append(route)  # main.js, the router, the list screen…: not in until the request went out

    page.route("**/js/**", hold)
    first_pages: list[str] = []
    page.on("request", lambda r: first_pages.append(r.url) if "/admin/orders?" in r.url else None)
    with page.expect_request(lambda r: "/admin/orders?" in r.url, timeout=10_000):
        page.reload(wait_until="commit")
    assert held, "the rest of the console was held back"
    assert any(r.request.url.endswith("/js/screens/orders.js") for r in held)
    for r in held:
        r.continue_()
    page.unroute("**/js/**")
    page.locator("html[data-ready='1']").wait_for()
    expect(page.locator(".order-row")).to_have_count(3)
    # the screen took the answer asked for early: one request for the first page, not two
    assert len(first_pages) == 1, first_pages


def _shift_on_load(page: Page, console: Console, site_id: str) -> float:
    page.add_init_script(f"({LAYOUT_SHIFTS})()")
    page.reload()
    page.locator("html[data-ready='1']").wait_for()
    expect(page.locator(".order-row")).to_have_count(12)
    expect(page.locator(".tabs .tab").first).to_be_visible()
    page.wait_for_timeout(500)  # a late shift (the deposits note, a font) counts too
    return float(page.evaluate("window.__shifts"))


def test_the_list_does_not_jump_when_its_rows_arrive_on_a_desktop(page: Page, console: Console,
                                                                   site_id: str) -> None:
    _orders(console, site_id, 12)
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, console, site_id)
    assert _shift_on_load(page, console, site_id) < 0.1


def test_the_list_does_not_jump_when_its_rows_arrive_on_a_phone(phone: Page, console: Console,
                                                                 site_id: str) -> None:
    _orders(console, site_id, 12)
    sign_in(phone, console, site_id)
    assert _shift_on_load(phone, console, site_id) < 0.1


def test_console_files_and_api_json_come_gzipped_when_asked(console: Console, site_id: str) -> None:
    _orders(console, site_id, 4)
    with httpx.Client(base_url=console.url, timeout=30) as http:
        for name in ("index.html", "js/screens/orders.js", "css/app.css"):
            raw = (CONSOLE_DIR / name).read_bytes()
            zipped = http.get(f"/{name}", headers={"accept-encoding": "gzip"})
            assert zipped.status_code == 200
            assert zipped.headers["content-encoding"] == "gzip"
            assert zipped.headers["vary"].lower() == "accept-encoding"
            assert zipped.content == raw  # httpx undoes the gzip
            assert int(zipped.headers["content-length"]) < len(raw) / 2
            plain = http.get(f"/{name}", headers={"accept-encoding": "identity"})
            assert "content-encoding" not in plain.headers and plain.content == raw
            # the browser's copy is checked, not fetched again, while the file is unchanged
            again = http.get(f"/{name}", headers={"if-none-match": zipped.headers["etag"]})
            assert again.status_code == 304 and again.content == b""

        auth = console.admin(site_id)
        page = http.get("/admin/orders", params={"limit": 50}, headers={**auth, "accept-encoding": "gzip"})
        assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
        assert len(page.json()["orders"]) == 4
        raw = http.get("/admin/orders", params={"limit": 50}, headers={**auth, "accept-encoding": "identity"})
        assert "content-encoding" not in raw.headers
        assert int(page.headers["content-length"]) < len(raw.content) / 2
