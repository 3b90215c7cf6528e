"""docs/refusals.md: the refusal catalogue (:mod:`oms.domain.refusals`) as a page, by concern.

    python -m oms_local.refusals [--write docs/refusals.md] [--check]

``make refusals`` writes it; tests/unit/test_refusals_doc.py fails when the page is out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from oms.domain.refusals import CONCERNS, REFUSALS, Refusal
from oms_local import REPO_ROOT

DOCUMENT_PATH = REPO_ROOT / "docs" / "refusals.md"

INTRO = """\
# Refusal codes

Every `code` the API answers a refused request with, generated from `shared/oms/domain/refusals/`
by `make refusals` (do not edit this page by hand). Each refusal is an RFC 9457 problem
(`application/problem+json`) with the `code`, its HTTP `status` and a Korean `message_ko` shown to
the operator or buyer as is; the message below is the canonical wording, with `{placeholders}` where
the answer fills in values (a limit, a status, an id). A particle after a placeholder is written
`을/를`, `이/가`, `은/는`, `으로/로`: the answer writes the one form that agrees with the value
(`oms.domain.josa`: 주문을, 택배사를, 배송대기로, 배송중으로), never "을(를)". Messages are Korean: no
English word but the acronyms operators know (PG, ID, URL, SMS, LMS, PC, SKU, MB, XLSX) and quoted
values the caller types. `VALIDATION_FAILED` names the field by its Korean label and the limit it broke
(`oms.schemas.labels`, `oms.schemas.validation`); the problem keeps `field`, `rule` and `limit` for
programs, and `errors[]` holds one such entry per invalid field. "also" lists other statuses some requests
answer with the same code (see the concern's module for why). The OpenAPI document lists the same
codes on the `Problem` schema's `code` (`x-refusal-codes`).

The product rules behind them are in [domain.md](domain.md).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(r: Refusal) -> str:
    also = ", ".join(str(s) for s in r.also)
    return f"| `{r.code}` | {r.status}{f' (also {also})' if also else ''} | {_cell(r.message_ko)} |"


def render() -> str:
    out = [INTRO, f"{len(REFUSALS)} codes in {len(CONCERNS)} concerns.", ""]
    out += [f"- [{title}](#{_anchor(title)}) ({len(group)})" for title, group in CONCERNS.items()]
    for title, group in CONCERNS.items():
        out += ["", f"## {title}", "", "| code | HTTP | message_ko |", "| --- | --- | --- |"]
        out += [_row(r) for r in sorted(group, key=lambda r: r.code)]
    return "\n".join(out) + "\n"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.refusals", description=__doc__.split("\n")[0])
    parser.add_argument("--write", type=Path, help="write the page to this file")
    parser.add_argument("--check", action="store_true", help=f"fail if {DOCUMENT_PATH.name} is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOCUMENT_PATH.read_text(encoding="utf-8") if DOCUMENT_PATH.exists() else ""
        if current != text:
            print(f"{DOCUMENT_PATH} is out of date: run `make refusals`", file=sys.stderr)
            return 1
        return 0
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write} ({len(REFUSALS)} codes)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
