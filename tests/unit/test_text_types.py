"""The shared text and date types: what one line, many lines and a day accept and refuse."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from oms.schemas.common import DateRange, IsoDate, MultilineText, Text
from oms.schemas.shipping import InvoiceRowIn


class Probe(BaseModel):
    line: Text | None = None
    lines: MultilineText | None = None
    day: IsoDate | None = None


def rule(**kw: Any) -> str:
    with pytest.raises(ValidationError) as err:
        Probe.model_validate(kw)
    return str(err.value.errors()[0]["type"])


@pytest.mark.parametrize(("value", "line", "lines"), [
    ("a\x00b", "control_character", "control_character"),
    ("a\x1bb", "control_character", "control_character"),
    ("a\x7fb", "control_character", "control_character"),
    ("a\nb", "control_character", None),
    ("a\r\nb", "control_character", None),
    ("a\tb", "control_character", None),
    ("a\rb", "control_character", "control_character"),
    ("\u202eabc", "bidi_control", "bidi_control"),
    ("a\u2067b", "bidi_control", "bidi_control"),
    ("ab\ufeff", "invisible_character", "invisible_character"),
    ("\u200b", "only_invisible", "only_invisible"),
    ("\u200c \u200d\u2060", "only_invisible", "only_invisible"),
    ("👩\u200d💻", None, None),          # a joiner inside real text
    ("김민지 (3층)", None, None),
    ("", None, None),
])
def test_text_rules(value: str, line: str | None, lines: str | None) -> None:
    for kind, want in (("line", line), ("lines", lines)):
        if want is None:
            assert getattr(Probe.model_validate({kind: value}), kind) == value
        else:
            assert rule(**{kind: value}) == want


@pytest.mark.parametrize("bad", [0, 20260301, "0", "20260301", "2026-3-1", "2026-02-30", "2026-03-01T00:00:00",
                                 "1999-12-31", "2100-01-01", 1.5, True])
def test_a_day_is_an_iso_string_in_range(bad: Any) -> None:
    assert rule(day=bad) == "iso_date"
    assert Probe.model_validate({"day": "2026-03-01"}).day == date(2026, 3, 1)


def test_a_range_is_ordered_and_names_date_to() -> None:
    assert DateRange(date_from="2026-03-01", date_to="2026-03-01").date_to == date(2026, 3, 1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        DateRange(date_from="2026-03-02", date_to="2026-03-01")  # type: ignore[arg-type]
    assert err.value.errors()[0]["loc"] == ("date_to",) and err.value.errors()[0]["type"] == "date_range"


def test_invoice_workbook_cells_take_the_same_rule() -> None:
    with pytest.raises(ValidationError) as err:
        InvoiceRowIn(order_id="20260301-000001", line_id="L001", courier="CJ\x00", tracking_no="1234")
    assert err.value.errors()[0]["type"] == "control_character"
    with pytest.raises(ValidationError):
        InvoiceRowIn(order_id="20260301-000001", line_id="L001", courier="CJ", tracking_no="12\u202e34")
