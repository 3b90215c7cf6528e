"""The deposit-feed adapters over real HTTP against the bank sandbox: money in read with the
provider's transaction id, KST times stored in UTC, the query limit and the errors written inside a
200 as the port's exceptions, an outage as ProviderDown, repeated and reordered rows passed on as
they come (the caller deduplicates), a late row seen by a later read (the cursor re-reads yesterday)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oms.integrations.banking import Account, ProviderDown, ProviderRefused, RateLimited, feed
from oms.integrations.banking.bankda import Bankda
from oms.integrations.banking.popbill import Popbill
from oms_local import bank_sandbox as bsb

NOW = "2026-12-07T03:00:00.000000Z"  # 12:00 KST
ACCOUNT = Account(bsb.DEMO_ACCOUNT, bsb.DEMO_BANK)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[bsb.BankSandbox]:
    sb = bsb.BankSandbox(port=0, limit_seconds=0).start()
    for k, v in {**sb.env(), "BANKDA_API_TOKEN": bsb.DEV_BANKDA_TOKEN, "POPBILL_API_KEY": bsb.DEV_POPBILL_KEY}.items():
        monkeypatch.setenv(k, v)
    try:
        yield sb
    finally:
        sb.stop()


ADAPTERS = [Bankda(), Popbill()]


@pytest.mark.parametrize("adapter", ADAPTERS, ids=["bankda", "popbill"])
def test_deposits_are_read_with_the_providers_id_and_utc_times(sandbox: bsb.BankSandbox, adapter: object) -> None:
    a = sandbox.deposit("홍길동", 35000, at="2026-12-07T01:30:00.000000Z")
    sandbox.deposit("(주)가나다", 120000, at="2026-12-06T15:10:00.000000Z")  # 00:10 KST today
    sandbox.deposit("옛날", 1000, at="2026-11-01T01:00:00.000000Z")  # outside the window
    page = adapter.fetch(ACCOUNT, None, NOW)  # type: ignore[attr-defined]
    got = {(d.tx_id, d.depositor, d.amount, d.at) for d in page.deposits}
    assert (a["tx_id"], "홍길동", 35000, "2026-12-07T01:30:00.000000Z") in got
    assert {d.depositor for d in page.deposits} == {"홍길동", "(주)가나다"}
    assert page.cursor == "20261206"
    assert page.calls == (1 if isinstance(adapter, Bankda) else 3)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=["bankda", "popbill"])
def test_repeated_reordered_and_late_rows(sandbox: bsb.BankSandbox, adapter: object) -> None:
    sandbox.deposit("김철수", 1000, at="2026-12-07T01:00:00.000000Z")
    sandbox.deposit("이영희", 2000, at="2026-12-07T02:00:00.000000Z")
    late = sandbox.deposit("박늦음", 3000, at="2026-12-07T00:30:00.000000Z", lag=1)
    sandbox.feed({"repeat": True, "reorder": True})
    first = adapter.fetch(ACCOUNT, None, NOW)  # type: ignore[attr-defined]
    assert [d.depositor for d in first.deposits] == ["이영희", "이영희", "김철수", "김철수"]
    second = adapter.fetch(ACCOUNT, first.cursor, NOW)  # type: ignore[attr-defined]
    assert late["tx_id"] in {d.tx_id for d in second.deposits}


def test_the_per_account_limit_and_errors_inside_200(sandbox: bsb.BankSandbox) -> None:
    adapter = Bankda()
    sandbox.feed({"limit_seconds": 300})
    adapter.fetch(ACCOUNT, None, NOW)
    with pytest.raises(RateLimited) as limited:
        adapter.fetch(ACCOUNT, None, NOW)
    assert limited.value.retry_after == 300 and "5분" in limited.value.reason
    sandbox.feed({"limit_seconds": 0, "errors": 1})
    with pytest.raises(ProviderDown):
        adapter.fetch(ACCOUNT, None, NOW)
    with pytest.raises(ProviderRefused) as unknown:
        adapter.fetch(Account("999999"), None, NOW)
    assert unknown.value.code == "ACCOUNT"
    assert [c["account"] for c in sandbox.calls] == [ACCOUNT.number] * 3 + ["999999"]


@pytest.mark.parametrize("adapter", ADAPTERS, ids=["bankda", "popbill"])
def test_bad_credentials_are_refused_and_an_outage_is_down(sandbox: bsb.BankSandbox, adapter: object,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.outage = 1
    with pytest.raises(ProviderDown):
        adapter.fetch(ACCOUNT, None, NOW)  # type: ignore[attr-defined]
    monkeypatch.setenv("BANKDA_API_TOKEN", "wrong")
    monkeypatch.setenv("POPBILL_API_KEY", "wrong")
    with pytest.raises(ProviderRefused):
        adapter.fetch(ACCOUNT, None, NOW)  # type: ignore[attr-defined]


def test_popbill_rate_limit_is_rate_limited(sandbox: bsb.BankSandbox) -> None:
    sandbox.feed({"limit_seconds": 300})
    Popbill().fetch(ACCOUNT, None, NOW)
    with pytest.raises(RateLimited):
        Popbill().fetch(ACCOUNT, None, NOW)


def test_the_factory_knows_both_providers() -> None:
    assert feed("bankda").name == "bankda" and feed("popbill").name == "popbill"
    with pytest.raises(LookupError):
        feed("nope")


def test_the_page_form_and_controls(sandbox: bsb.BankSandbox) -> None:
    import httpx

    added = httpx.post(f"{sandbox.url}/_sandbox/accounts", json={"number": "110-222-333333", "bank_code": "088"})
    assert added.json()["number"] == "110222333333"
    form = httpx.post(f"{sandbox.url}/_sandbox/deposit", data={"name": "폼입금", "amount": "4200",
                                                               "account": "110222333333"})
    assert form.status_code == 303
    assert httpx.post(f"{sandbox.url}/_sandbox/deposit", json={"name": "x", "amount": 0}).status_code == 400
    page = httpx.get(sandbox.url).text
    assert "폼입금" in page and "4,200" in page and "<form" in page
    rows = httpx.get(f"{sandbox.url}/_sandbox/deposits").json()
    assert [(r["account"], r["name"], r["amount"]) for r in rows] == [("110222333333", "폼입금", 4200)]
    assert httpx.post(f"{sandbox.url}/_sandbox/reset").json() == {"reset": True}
    assert httpx.get(f"{sandbox.url}/_sandbox/deposits").json() == []
