"""The refusal catalogue (oms.domain.refusals) is the list of codes the product really answers with.

Every literal code a raise site of shared/ or functions/ passes to DomainError (or a subclass, or a
module's refusal helper), oms.http.problem or the webhook answers must be in the catalogue with the
status the site answers; every catalogue code must be raised somewhere. When this fails: add the new
code to the module of its concern under shared/oms/domain/refusals/ (or drop the code nobody raises
any more), then `make refusals openapi` to regenerate docs/refusals.md and docs/openapi.json.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oms.domain import refusals
from tests.code_sites import Scan, scan_refusals

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def scan() -> Scan:
    return scan_refusals()


def test_every_code_the_product_raises_is_in_the_catalogue(scan: Scan) -> None:
    missing = {site.code: site.where() for site in scan.sites if site.code not in refusals.REFUSALS}
    assert missing == {}, (
        "codes raised but not in oms.domain.refusals (add each to the module of its concern): "
        f"{missing}")


def test_every_site_answers_a_status_its_catalogue_entry_names(scan: Scan) -> None:
    wrong = [f"{s.code} {s.status} at {s.where()} (catalogue: {refusals.REFUSALS[s.code].statuses})"
             for s in scan.sites
             if s.code in refusals.REFUSALS and s.status is not None
             and s.status not in refusals.REFUSALS[s.code].statuses]
    assert wrong == []


def test_the_catalogue_lists_no_code_nobody_raises_and_no_status_nobody_answers(scan: Scan) -> None:
    raised = scan.codes()
    assert sorted(set(refusals.REFUSALS) - set(raised)) == []
    unused = {}
    for code, entry in refusals.REFUSALS.items():
        if None in raised[code]:
            continue  # a status computed at run time (oms.http's answer to a Powertools ServiceError)
        if set(entry.statuses) != raised[code]:
            unused[code] = (entry.statuses, sorted(s for s in raised[code] if s is not None))
    assert unused == {}


def test_every_refusal_builder_is_read(scan: Scan) -> None:
    # a builder whose code is neither a literal nor a parameter handed on: the test could not check it
    assert scan.unresolved == []
    assert {"oms.domain.claims._refuse", "oms.domain.moves._refuse", "oms.excel.guards.refuse",
            "oms.services.webhooks._invalid"} <= set(scan.factories)
    assert len(scan.sites) > 300 and len(scan.codes()) == len(refusals.REFUSALS)


def test_each_code_is_listed_once_with_a_korean_message_and_a_problem_status() -> None:
    assert refusals.duplicates() == []
    assert len(refusals.REFUSALS) >= 250
    for code, entry in refusals.REFUSALS.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", code), code
        assert HANGUL.search(entry.message_ko), code
        assert all(400 <= s <= 599 for s in entry.statuses) and len(set(entry.statuses)) == len(entry.statuses), code
    for code, status in [("VALIDATION_FAILED", 400), ("ORDER_NOT_FOUND", 404), ("VERSION_CONFLICT", 409),
                         ("IDEMPOTENCY_KEY_REUSED", 422), ("TOO_MANY_ATTEMPTS", 429), ("INTERNAL_ERROR", 500),
                         ("WEBHOOK_REJECTED", 401), ("UNSUPPORTED_CONTENT_TYPE", 415), ("PG_REFUND_FAILED", 502)]:
        assert refusals.refusal(code).status == status, code


def test_the_scan_reads_statuses_defaults_factories_and_not_found(tmp_path: Path) -> None:
    """The reader itself: a small product tree with each way of building a refusal."""
    src = tmp_path / "shared" / "oms" / "domain"
    src.mkdir(parents=True)
    (src / "errors.py").write_text(
        "class DomainError(Exception):\n    status = 422\n"
        "class NotFound(DomainError):\n    status = 404\n"
        "class Conflict(DomainError):\n    status = 409\n", encoding="utf-8")
    (src / "rules.py").write_text(
        "from oms.domain.errors import Conflict, DomainError, NotFound\n"
        "PAIR = ('TUPLE_CODE', 'x')\n"
        "def _refuse(code, message_ko, *, status=403):\n"
        "    return DomainError(code, message_ko, status=status)\n"
        "def check(x, flag):\n"
        "    raise DomainError('PLAIN', 'a')\n"
        "    raise DomainError('EXPLICIT', 'a', status=400)\n"
        "    raise Conflict('CLASHING', 'a')\n"
        "    raise NotFound('parcel', x)\n"
        "    raise _refuse('HELPED', 'a')\n"
        "    raise _refuse('HELPED_AGAIN', 'a', status=401)\n"
        "    code = 'LEFT' if flag else 'RIGHT'\n"
        "    raise DomainError(code, 'a', status=502 if flag else 409)\n"
        "    raise DomainError(PAIR[0], 'a')\n"
        "    raise DomainError(x.code, 'a')\n"
        "    raise DomainError(make(), 'a')\n", encoding="utf-8")
    scan = scan_refusals(tmp_path)
    assert {c: sorted(s for s in st if s is not None) for c, st in scan.codes().items()} == {
        "PLAIN": [422], "EXPLICIT": [400], "CLASHING": [409], "PARCEL_NOT_FOUND": [404], "HELPED": [403],
        "HELPED_AGAIN": [401], "LEFT": [409, 502], "RIGHT": [409, 502], "TUPLE_CODE": [422]}
    assert set(scan.factories) == {"oms.domain.rules._refuse"}
    assert [u.split(": ", 1)[0] for u in scan.unresolved] == ["shared/oms/domain/rules.py:16"]


def test_docs_refusals_md_is_up_to_date_with_the_catalogue() -> None:
    from oms_local import refusals as page

    text = page.DOCUMENT_PATH.read_text(encoding="utf-8")
    assert text == page.render(), "docs/refusals.md is out of date: run `make refusals`"
    for entry in refusals.REFUSALS.values():
        assert f"| `{entry.code}` | {entry.status}" in text, entry.code
    assert text.count("\n## ") == len(refusals.CONCERNS)
