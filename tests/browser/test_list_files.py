"""The list's file and job actions in the browser: the invoice template of the chosen orders, filled
and uploaded through the page with the import's progress to the end (refused rows and why); an export
and order sheets of the selection downloaded; a job over the whole 상품준비 tab to 배송대기 with its
progress bar at 100%; the phone with the dialogs open.

Written against the list's accessible names only (a checkbox "주문 {id} 선택" per row, the regions
"선택한 주문 일괄 처리" and "검색 결과 전체"), which any version of the list keeps."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from pathlib import Path

import boto3
import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

from oms.domain.clock import utcnow
from oms.domain.order import Actor
from oms.services import invoice_imports
from oms.store import keys
from oms_local import LOCAL_DIR
from tests.browser_support import Console, expect_code, no_page_scroll, sign_in

BULK = "선택한 주문 일괄 처리"
SEARCH = "검색 결과 전체"
#: the ingestion runs behind an S3 event: give it time without a timed assertion on how long it takes
SLOW = 60_000


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shot(page: Page, name: str) -> None:
    """A screenshot of a moment worth looking at (the fixture keeps only the last screen)."""
    (LOCAL_DIR / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(LOCAL_DIR / "screenshots" / f"list_files_{name}.png"), full_page=True)


def enter(page: Page, console: Console, site_id: str) -> None:
    """Sign in and wait for the list itself (its render follows the sign-in's hash change)."""
    sign_in(page, console, site_id)
    page.locator("[data-tab='all'][aria-current='page']").wait_for()
    page.get_by_role("region", name=BULK).wait_for()


def open_tab(page: Page, tab: str) -> None:
    page.locator(f"[data-tab='{tab}']").click()
    page.locator(f"[data-tab='{tab}'][aria-current='page']").wait_for()  # the tab's own render is in
    page.get_by_role("region", name=BULK).wait_for()


def choose(page: Page, *order_ids: str) -> Locator:
    for oid in order_ids:
        page.get_by_role("checkbox", name=f"주문 {oid} 선택").check()
    return page.get_by_role("region", name=BULK)


def ready(console: Console, site_id: str, n: int) -> list[str]:
    ids = [console.intake(site_id) for _ in range(n)]
    for oid in ids:
        console.move(site_id, oid, ("L001", "ready_to_ship"))
    return ids


def small_targets_in(page: Page, root: str) -> list[str]:
    """Visible controls under 40 × 40 px inside `root` (the dialog or bar under test)."""
    return list(page.evaluate("""(root) => Array.from(document.querySelectorAll(root)).flatMap((r) => Array.from(
        r.querySelectorAll('button, a[href], input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select')))
      .filter((el) => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0
        && (b.height < 40 || b.width < 40); })
      .map((el) => `${el.tagName} ${(el.textContent || el.getAttribute('aria-label') || '').trim()}`)""", root))


def fill_template(raw: bytes, numbers: dict[str, str], extra: tuple[list[object], ...] = ()) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb["송장등록"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in numbers:
            row[6].value, row[7].value = "CJ대한통운", numbers[str(row[0].value)]
    for values in extra:
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_invoice_template_filled_and_uploaded_finishes_with_lines_shipping(page: Page, console: Console, site_id: str,
                                                                         tmp_path: Path) -> None:
    a, b = ready(console, site_id, 2)
    preparing = console.intake(site_id)  # still 상품준비: its row is refused
    enter(page, console, site_id)
    open_tab(page, "ready_to_ship")
    bar = choose(page, a, b)

    with page.expect_download() as got:
        bar.get_by_role("button", name="송장 양식 받기").click()
    raw = Path(got.value.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(raw))["송장등록"]
    rows = [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(rows) == sorted([(a, "L001"), (b, "L001")])
    numbers = {a: "631234567801", b: "631234567802"}
    filled = tmp_path / "송장.xlsx"
    filled.write_bytes(fill_template(raw, numbers, ([preparing, "L001", "", "", 3, "", "CJ대한통운", "631234567803"],)))

    bar.get_by_label("송장 엑셀 업로드").set_input_files(str(filled))
    dlg = page.get_by_role("dialog", name="송장 엑셀 업로드")
    expect(dlg.locator(".import-status")).to_have_attribute("data-status", "done", timeout=SLOW)
    expect(dlg.get_by_label("송장 업로드 진행률")).to_have_attribute("value", "100")
    expect(dlg.locator(".import-counts")).to_contain_text("적용 2행")
    expect(dlg.locator(".import-counts")).to_contain_text("거절 1행")
    refused = dlg.locator(".refused-rows li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("4행")
    expect_code(refused, "NOT_READY_TO_SHIP")
    expect(dlg.get_by_role("link", name="결과 파일 받기")).to_be_visible()
    shot(page, "upload_done")

    for oid in (a, b):
        lines = console.order(site_id, oid)["lines"]
        assert [(li["status"], li["tracking_no"]) for li in lines] == [("shipping", numbers[oid])]
    assert [li["status"] for li in console.order(site_id, preparing)["lines"]] == ["preparing"]
    dlg.get_by_role("button", name="닫기").first.click()
    expect(page.locator("[data-tab='shipping'] .count")).to_have_text("2")  # the list was refreshed


def test_export_of_the_selection_downloads_a_workbook_with_those_orders(page: Page, console: Console,
                                                                       site_id: str) -> None:
    a, b, c = (console.intake(site_id) for _ in range(3))
    enter(page, console, site_id)
    bar = choose(page, a, c)
    bar.get_by_role("button", name="엑셀 다운로드").click()
    dlg = page.get_by_role("dialog", name="엑셀 다운로드")
    template = dlg.get_by_label("엑셀 양식")
    expect(template.locator("option")).not_to_have_count(1)  # 기본 and 택배사 업로드 loaded
    template.select_option("basic")
    with page.expect_download() as got:
        dlg.get_by_role("button", name="다운로드").click()
    expect(dlg.locator(".export-result")).to_contain_text("다시 받기")
    assert got.value.suggested_filename.endswith(".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    cells = {str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    assert {a, c} <= cells and b not in cells


def test_print_sheets_of_the_selection_downloads_a_pdf(page: Page, console: Console, site_id: str) -> None:
    a, b = (console.intake(site_id) for _ in range(2))
    enter(page, console, site_id)
    bar = choose(page, a, b)
    bar.get_by_role("button", name="주문서 인쇄").click()
    dlg = page.get_by_role("dialog", name="주문서 인쇄")
    expect(dlg.get_by_label("형식")).to_have_value("pdf")
    with page.expect_download() as got:
        dlg.get_by_role("button", name="주문서 만들기").click()
    expect(dlg.locator(".print-result")).to_contain_text("2건")
    assert got.value.suggested_filename.endswith(".pdf")
    assert Path(got.value.path()).read_bytes()[:5] == b"%PDF-"


def test_job_over_the_whole_preparing_tab_moves_every_order_to_ready_to_ship(page: Page, console: Console,
                                                                             site_id: str) -> None:
    ids = [console.intake(site_id) for _ in range(3)]
    elsewhere = ready(console, site_id, 1)[0]
    enter(page, console, site_id)
    open_tab(page, "preparing")
    page.get_by_role("region", name=SEARCH).get_by_role("button", name="검색 결과 3건 전체 선택").click()
    dlg = page.get_by_role("dialog", name="검색 결과 전체 작업")
    expect(dlg.get_by_text("검색 결과 3건 전체")).to_be_visible()
    dlg.get_by_label("작업").select_option("status")
    expect(dlg.get_by_label("변경할 상태")).to_have_value("ready_to_ship")  # the tab's next step
    dlg.get_by_role("button", name="작업 시작").click()
    view = dlg.locator(".job-view")
    expect(view.locator(".job-status")).to_have_attribute("data-status", "done", timeout=SLOW)
    expect(dlg.get_by_label("작업 진행률")).to_have_attribute("value", "100")
    expect(view.locator(".job-counts")).to_have_text("전체 3건 · 처리 3건 · 거절 0건")
    expect(dlg.get_by_role("button", name="작업 취소")).to_be_hidden()
    shot(page, "job_done")

    for oid in [*ids, elsewhere]:
        assert [li["status"] for li in console.order(site_id, oid)["lines"]] == ["ready_to_ship"]
    dlg.get_by_role("button", name="닫기").first.click()
    expect(page.locator("[data-tab='ready_to_ship'] .count")).to_have_text("4")


def test_phone_bulk_bar_upload_and_job_dialogs_fit_without_page_scroll(phone: Page, console: Console,
                                                                        site_id: str, tmp_path: Path) -> None:
    a = ready(console, site_id, 1)[0]
    enter(phone, console, site_id)
    open_tab(phone, "ready_to_ship")
    bar = choose(phone, a)
    no_page_scroll(phone)
    assert small_targets_in(phone, ".bulk-bar, .select-all") == []

    raw = console.http.get(f"/admin/invoices/template?order_ids={a}", headers=console.admin(site_id)).content
    filled = tmp_path / "invoice.xlsx"
    filled.write_bytes(fill_template(raw, {a: "631234567811"}))
    bar.get_by_label("송장 엑셀 업로드").set_input_files(str(filled))
    dlg = phone.get_by_role("dialog", name="송장 엑셀 업로드")
    expect(dlg.locator(".import-status")).to_have_attribute("data-status", "done", timeout=SLOW)
    no_page_scroll(phone)
    assert small_targets_in(phone, "dialog") == []
    shot(phone, "phone_upload_done")
    dlg.get_by_role("button", name="닫기").first.click()

    open_tab(phone, "shipping")
    phone.get_by_role("region", name=SEARCH).get_by_role("button", name="검색 결과 1건 전체 선택").click()
    job = phone.get_by_role("dialog", name="검색 결과 전체 작업")
    job.get_by_label("작업").select_option("export")
    no_page_scroll(phone)
    assert small_targets_in(phone, "dialog") == []
    expect(job.get_by_label("엑셀 양식").locator("option")).not_to_have_count(1)
    job.get_by_role("button", name="작업 시작").click()
    expect(job.locator(".job-status")).to_have_attribute("data-status", "done", timeout=SLOW)
    expect(job.get_by_role("link", name="파일 받기", exact=False)).to_be_visible()
    no_page_scroll(phone)
    assert small_targets_in(phone, "dialog") == []


def test_job_refusals_show_each_order_with_its_korean_reason(page: Page, console: Console, site_id: str) -> None:
    ids = [console.intake(site_id) for _ in range(2)]  # parcel orders: nothing 배송없음 to deliver
    enter(page, console, site_id)
    open_tab(page, "preparing")
    page.get_by_role("region", name=SEARCH).get_by_role("button", name="검색 결과 2건 전체 선택").click()
    dlg = page.get_by_role("dialog", name="검색 결과 전체 작업")
    dlg.get_by_label("작업").select_option("deliver_no_shipping")
    expect(dlg.get_by_label("변경할 상태")).to_be_hidden()
    dlg.get_by_role("button", name="작업 시작").click()
    expect(dlg.locator(".job-status")).to_have_attribute("data-status", "failed", timeout=SLOW)
    expect(dlg.locator(".job-counts")).to_have_text("전체 2건 · 처리 0건 · 거절 2건")
    refused = dlg.locator(".refused-rows li")
    expect(refused).to_have_count(2)
    for oid in ids:
        row = dlg.locator(f".refused-rows li[data-order-id='{oid}']")
        expect(row).to_contain_text("배송없음 품목이 없습니다")
        expect_code(row, "NO_NO_SHIPPING_LINES")
    shot(page, "job_refused")
    dlg.get_by_role("button", name="닫기").first.click()
    expect(page.get_by_role("main")).to_contain_text("배송없음 품목이 없습니다")  # the list's per-order results
    for oid in ids:  # nothing moved
        assert [li["status"] for li in console.order(site_id, oid)["lines"]] == ["preparing"]


def _settled(queue: str) -> None:
    """Wait until the S3 event queue of a function has nothing pending or in flight."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    for _ in range(300):
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        if all(attrs[n] == "0" for n in names):
            return
        time.sleep(0.1)
    raise AssertionError(f"{queue} did not settle")


def test_a_stalled_upload_is_resumed_from_the_upload_history(page: Page, console: Console, site_id: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # this test plays the sweep in-process, on the console stack's own table, S3 and queues
    monkeypatch.setenv("TABLE_NAME", console.table)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", console.s3_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", console.s3_endpoint)
    a = ready(console, site_id, 1)[0]
    raw = console.http.get(f"/admin/invoices/template?order_ids={a}", headers=console.admin(site_id)).content
    bucket = next(b for b in console.stack.gateway.bucket_names() if "invoice" in b.lower())
    monkeypatch.setenv("INVOICE_BUCKET", bucket)
    import_id = utcnow().strftime("%Y%m%dT%H%M%S") + "-0badf00d"
    monkeypatch.setattr(invoice_imports, "_new_import_id", lambda: import_id)
    # A stalled import, as the sweep leaves it: its file is uploaded (before its record existed, so
    # the upload's S3 event was ignored), nothing was applied, no progress for longer than the limit.
    boto3.client("s3").put_object(Bucket=bucket, Key=keys.upload_key(site_id, import_id), ContentType=XLSX,
                                  Body=fill_template(raw, {a: "631234567821"}))
    _settled("oms-local-s3-InvoicesFunction")
    invoice_imports.start_import(site_id, Actor("admin", "admin-1", "관리자"), "stalled.xlsx")
    assert invoice_imports.sweep(now=utcnow() + timedelta(hours=1))["stalled"] >= 1

    enter(page, console, site_id)
    page.get_by_role("region", name=BULK).get_by_role("button", name="업로드 기록").click()
    dlg = page.get_by_role("dialog", name="송장 업로드 기록")
    entry = dlg.locator(f"li[data-import-id='{import_id}']")
    expect(entry).to_contain_text("실패")
    entry.get_by_role("button", name="stalled.xlsx 업로드 보기").click()
    expect(dlg.locator(".import-status")).to_have_attribute("data-status", "failed")
    expect(dlg.locator(".problem")).to_contain_text("이어서 처리")  # the sweep's reason, as the API gave it
    expect_code(dlg.locator(".problem"), "IMPORT_STALLED")
    shot(page, "upload_failed")
    dlg.get_by_role("button", name="이어서 처리").click()
    expect(dlg.locator(".import-status")).to_have_attribute("data-status", "done", timeout=SLOW)
    expect(dlg.get_by_label("송장 업로드 진행률")).to_have_attribute("value", "100")
    expect(dlg.get_by_role("button", name="이어서 처리")).to_have_count(0)
    lines = console.order(site_id, a)["lines"]
    assert [(li["status"], li["tracking_no"]) for li in lines] == [("shipping", "631234567821")]


def test_print_sheets_as_html_open_in_a_new_tab(page: Page, console: Console, site_id: str) -> None:
    a = console.intake(site_id)
    enter(page, console, site_id)
    bar = choose(page, a)
    bar.get_by_role("button", name="주문서 인쇄").click()
    dlg = page.get_by_role("dialog", name="주문서 인쇄")
    dlg.get_by_label("형식").select_option("html")
    with page.expect_popup() as popup:
        dlg.get_by_role("button", name="주문서 만들기").click()
    tab = popup.value
    expect(tab.locator("body")).to_contain_text(a)  # the sheet itself, fetched with the token
    expect(dlg.get_by_role("link", name="주문서 열기 (새 탭)")).to_be_visible()


def test_a_job_says_it_gathers_the_orders_then_why_it_failed(page: Page, console: Console, site_id: str) -> None:
    """The job's answers are rewritten on their way to the page (the real job would finish too fast
    to be seen gathering, and a real 1,000-order print is too slow to build): first 주문 모으는 중
    with no count and 취소 offered, then failed with the reason the worker stored."""
    import json

    from playwright.sync_api import Route

    ready(console, site_id, 1)
    state = {"failed": False}

    def rewrite(route: Route) -> None:
        resp = route.fetch()
        job = resp.json()
        if route.request.method == "GET" and state["failed"]:
            job.update(status="failed", total=None, progress=0.0, error="JOB_TOO_LARGE",
                       error_ko="주문서 출력은 한 번에 1,000건까지 가능합니다.")
        elif "job_id" in job:
            job.update(status="snapshotting", total=None, progress=0.0, done=0, refused=0)
            job.pop("file", None)
        route.fulfill(response=resp, body=json.dumps(job))

    page.route(re.compile(r".*/admin/jobs(/[^/?]+)?(\?.*)?$"), rewrite)
    enter(page, console, site_id)
    open_tab(page, "ready_to_ship")
    page.get_by_role("region", name=SEARCH).get_by_role("button", name="검색 결과 1건 전체 선택").click()
    dlg = page.get_by_role("dialog", name="검색 결과 전체 작업")
    dlg.get_by_label("작업").select_option("print")
    dlg.get_by_role("button", name="작업 시작").click()
    status = dlg.locator(".job-status")
    expect(status).to_have_attribute("data-status", "snapshotting")
    expect(status).to_have_text("주문 모으는 중…")
    expect(dlg.locator(".job-counts")).to_have_text("검색 결과의 주문을 모으고 있습니다.")
    expect(dlg.get_by_role("button", name="작업 취소")).to_be_visible()
    expect(dlg.locator(".job-error")).to_be_hidden()
    shot(page, "job_gathering")
    state["failed"] = True  # the poll goes on until the job ends
    expect(status).to_have_attribute("data-status", "failed", timeout=SLOW)
    expect(status).to_have_text("실패")
    expect(dlg.get_by_role("alert")).to_have_text("주문서 출력은 한 번에 1,000건까지 가능합니다.")
    expect(dlg.get_by_role("button", name="작업 취소")).to_be_hidden()
    shot(page, "job_too_large")


def test_a_lookup_search_cannot_start_a_job_and_says_why(page: Page, console: Console, site_id: str) -> None:
    a = console.intake(site_id)
    enter(page, console, site_id)
    page.goto("about:blank")  # a fresh load of the list with a lookup in its query (the session stays)
    page.goto(f"{console.url}/#/orders?tab=all&order_id={a}")
    page.locator("html[data-ready='1']").wait_for()
    region = page.get_by_role("region", name=SEARCH)
    expect(region.get_by_role("button", name=re.compile("전체 선택"))).to_be_disabled()
    expect(region).to_contain_text("목록에서 선택해 처리해 주세요")


def test_two_orders_of_one_buyer_and_address_share_one_tracking_number(page: Page, console: Console,
                                                                      site_id: str) -> None:
    a, b = ready(console, site_id, 2)  # same buyer and recipient (the intake helper's)
    enter(page, console, site_id)
    page.get_by_role("checkbox", name=f"주문 {a} 선택").check()
    bar = page.get_by_role("region", name=BULK)
    bar.get_by_role("button", name="합배송").click()
    expect(bar.get_by_role("alert")).to_contain_text("주문 2~10건을 선택해 주세요")  # one order is not enough
    expect(page.get_by_role("dialog", name="합배송")).to_have_count(0)

    page.get_by_role("checkbox", name=f"주문 {b} 선택").check()
    bar.get_by_role("button", name="합배송").click()
    dlg = page.get_by_role("dialog", name="합배송")
    expect(dlg.get_by_role("checkbox")).to_have_count(2)  # each order's line in 배송대기, checked
    dlg.get_by_label("택배사").select_option(label="CJ대한통운")
    dlg.get_by_label("송장번호").fill("631234567999")
    dlg.get_by_role("button", name="합배송 등록").click()
    expect(dlg).to_be_hidden()
    expect(page.get_by_role("region", name="처리 결과")).to_contain_text("합배송 결과")
    for oid in (a, b):
        lines = console.order(site_id, oid)["lines"]
        assert [(li["status"], li["tracking_no"]) for li in lines] == [("ready_to_ship", "631234567999")]
