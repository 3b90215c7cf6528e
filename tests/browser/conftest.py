"""The admin console in a real browser: Debian's Chromium, headless, driven by Playwright, against
the local stack (:class:`oms_local.stack.Stack`: the gateway serving the console, the PG and SMS
sandboxes, S3 and SQS event delivery) on this session's DynamoDB Local and S3 emulator.

- ``console``: the running stack for the session, on a table, an S3 and an SQS emulator of its own,
  so its pollers (S3 notifications, SQS messages, the table's stream for the outbox relay) never take
  what the other tests of the same worker write meanwhile; with helpers to put orders in through the
  intake.
- ``browser``: one Chromium for the session; ``page``: a fresh context per test (desktop size), whose
  browser console must stay free of errors; ``phone``: the same at 390 × 844 with touch.
- A screenshot of every test's last screen goes to ``.local/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright

from oms_local import REPO_ROOT
from oms_local.s3 import S3Local, create_buckets
from oms_local.stack import Stack
from oms_local.template import create_table
from tests.browser_support import PHONE, SCREENSHOTS, Console

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Chromium on a machine with no network beyond loopback: no background connections, no sandbox (root).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def console(ddb_endpoint: str, table_name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The stack on this session's DynamoDB Local and its own S3/SQS emulator (a moto server in a
    process of its own): its queue pollers take only its own messages, never those of the jobs and
    invoice tests running in the same worker."""
    mp = pytest.MonkeyPatch()
    mp.setenv("OMS_LOCAL_DIR", str(tmp_path_factory.mktemp("console-keys")))  # this session's dev keys
    s3 = S3Local(own_process=True).start()  # moto's state is per process: this one is the stack's alone
    # its own table: the stack's stream poller (the outbox relay) then takes only the console's changes,
    # never those of the other tests this worker runs meanwhile on the session's table
    table = f"{table_name}-console"
    create_table(boto3.client("dynamodb", endpoint_url=ddb_endpoint), table)
    stack = Stack(template=REPO_ROOT / "template.yaml", table=table, s3_endpoint=s3.endpoint, port=0,
                  pg_port=0, sms_port=0, webhook_port=0, alimtalk_port=0, tracking_port=0, bank_port=0, naver_port=0,
                  schedules=False,
                  pg_cancel_callback_delay=0.05,
                  gateway_env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(s3.client(), stack.gateway.bucket_names())
    before = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_EVENTBRIDGE")}
    stack.start()  # SQS event delivery points this process at its queues: undone, the stack keeps its own
    for k, v in before.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        yield Console(stack)
    finally:
        stack.stop()
        s3.stop()
        mp.undo()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


def _watched_page(browser: Browser, request: pytest.FixtureRequest, **context: Any) -> Iterator[Page]:
    ctx = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul", accept_downloads=True, **context)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    errors: list[str] = []
    refusals: set[str] = set()  # API answers that are RFC 9457 refusals: the screens show them

    def on_response(resp: Response) -> None:
        # every problem but the unexpected one (500 INTERNAL_ERROR): a refusal, the PG's refusal
        # (502), no answer from the PG (503)
        problem = "application/problem+json" in (resp.headers.get("content-type") or "")
        if problem and resp.status >= 400 and resp.status != 500:
            refusals.add(resp.url)

    def on_console(msg: ConsoleMessage) -> None:
        # Chromium logs every HTTP error answer as "Failed to load resource"; a refusal the API
        # answered as problem+json is an expected outcome, anything else (a missing file) is not
        if msg.type == "error" and not (msg.text.startswith("Failed to load resource")
                                        and msg.location.get("url") in refusals):
            errors.append(f"console: {msg.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        ctx.close()
    assert errors == [], errors


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop-sized page; the test fails if the browser logs an error (Chromium's own line for an
    API refusal answered as problem+json excepted, but never for a 500: the screens show those)."""
    yield from _watched_page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone: 390 × 844, touch, device scale 3."""
    yield from _watched_page(browser, request, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
