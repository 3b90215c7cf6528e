"""The rows of an invoice workbook, decided: the first streaming pass (validate every row and
spill it), one order's rows grouped back, and each row's outcome once the order is read.

A refused row that names an order blocks the whole order (``ORDER_NOT_APPLIED`` for its valid
rows): nothing of an order is applied unless every row of it can be. Rows that need nothing done
(an exact duplicate, a line already shipping with that number) are ``skipped``, so a ``refused``
row in the result always means its order was left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from oms.domain import couriers
from oms.domain import shipping as rules
from oms.domain.errors import DomainError
from oms.domain.order import Order
from oms.schemas import validation
from oms.schemas.shipping import InvoiceRowIn
from oms.services.invoice_spill import BLOCKED, CANDIDATE, DECIDED, Outcome, RowRecord, Spill


@dataclass
class OrderRows:
    rows: list[tuple[int, rules.ShipRow]] = field(default_factory=list)
    #: rows refused before the order was read (bad courier, empty number ...): they block the order
    blocked: dict[int, Outcome] = field(default_factory=dict)
    #: exact duplicates of an earlier row: skipped (the order ends as the sheet says)
    duplicates: dict[int, Outcome] = field(default_factory=dict)


def _refused(exc: DomainError) -> Outcome:
    return ("refused", exc.code, exc.message_ko)


def spill_rows(path: str, spill: Spill, *, remaining_ms: Callable[[], int] | None = None,
               margin_ms: int = 0) -> None:
    """First pass (streaming): validate every row and spill a compact record of it; nothing is
    applied yet. Rows are grouped by order later, from the spill. A refused row that names an
    order blocks that order (nothing of it is applied)."""
    from oms.excel import invoices as xl

    for n, values, issue in xl.iter_rows(path, remaining_ms=remaining_ms, margin_ms=margin_ms):
        cells = [values[f] for f in xl.FIELDS]
        oid = str(values.get("order_id") or "").strip()
        if issue:
            problem: Outcome = ("refused", issue, xl.ROW_ISSUES[issue])
            spill.add(n, BLOCKED if oid else DECIDED, oid or None, cells, outcome=problem)
            continue
        try:
            row = InvoiceRowIn.model_validate({k: values.get(k) for k in InvoiceRowIn.model_fields})
        except ValidationError as exc:
            err = exc.errors()[0]
            fld = str(err["loc"][0]) if err.get("loc") else "row"
            problem = ("refused", "ROW_INVALID", validation.describe(err)["message_ko"])
            blocks = bool(oid) and fld != "order_id"
            spill.add(n, BLOCKED if blocks else DECIDED, oid if blocks else None, cells, outcome=problem)
            continue
        if not row.courier and not row.tracking_no:
            spill.add(n, DECIDED, None, cells, outcome=("skipped", "NOT_FILLED",
                                                        "택배사·송장번호가 비어 있어 건너뛰었습니다."))
            continue
        courier = couriers.resolve(row.courier)
        if courier is None:
            spill.add(n, BLOCKED, row.order_id, cells, outcome=_refused(_unknown_courier(row.courier)))
            continue
        if not row.tracking_no:
            spill.add(n, BLOCKED, row.order_id, cells,
                      outcome=("refused", "TRACKING_NO_REQUIRED", "송장번호를 입력하세요."))
            continue
        try:
            number = couriers.clean_tracking(courier, row.tracking_no, method="parcel" if courier.code != couriers.ETC
                                             else "none")
        except DomainError:
            number = row.tracking_no.strip()  # checked against the line's method once the order is read
        spill.add(n, CANDIDATE, row.order_id, cells, line_id=row.line_id, courier=courier.code, tracking_no=number,
                  quantity=row.quantity)
    spill.seal()


def group_rows(records: list[RowRecord]) -> OrderRows:
    """One order's spilled rows (in row order) as the rows to check, the rows that block the
    order and the harmless duplicates."""
    group = OrderRows()
    seen: dict[str, tuple[int, str, str]] = {}
    for n, kind, line_id, courier, number, quantity, result, code, message in records:
        if kind == BLOCKED:
            assert result is not None
            group.blocked[n] = (result, code, message)
            continue
        assert line_id is not None and courier is not None and number is not None
        dup = seen.get(line_id)
        if dup is not None:
            if (dup[1], dup[2]) == (courier, number):
                group.duplicates[n] = ("skipped", "DUPLICATE_ROW",
                                       f"{dup[0]}행과 같은 내용의 중복 행이라 건너뛰었습니다.")
            else:
                msg = f"{dup[0]}행과 같은 품목에 다른 송장번호가 있습니다. 하나만 남기세요."
                group.blocked[n] = ("refused", "CONFLICTING_ROWS", msg)
                group.blocked[dup[0]] = ("refused", "CONFLICTING_ROWS",
                                         f"{n}행과 같은 품목에 다른 송장번호가 있습니다.")
            continue
        seen[line_id] = (n, courier, number)
        group.rows.append((n, rules.ShipRow(line_id, courier, number, quantity)))
    return group


def _unknown_courier(value: str | None) -> DomainError:
    try:
        couriers.require(value)
    except DomainError as exc:
        return exc
    raise AssertionError("unreachable")


NOT_APPLIED = ("ORDER_NOT_APPLIED", "같은 주문의 다른 행에 오류가 있어 이 주문은 적용하지 않았습니다.")


def order_outcomes(group: OrderRows, order: Order | None) -> tuple[dict[int, Outcome], list[rules.ShipRow]]:
    """Per-row outcomes for one order, and the rows to apply (empty: the order stays untouched)."""
    out: dict[int, Outcome] = dict(group.blocked) | dict(group.duplicates)
    if order is None:
        for n, _ in group.rows:  # blocked rows keep their own, more specific reason
            out[n] = ("refused", "ORDER_NOT_FOUND", "주문을 찾을 수 없습니다 (주문번호를 확인하세요).")
        return out, []
    failing = bool(group.blocked)
    todo: list[tuple[int, rules.ShipRow]] = []
    for n, row in group.rows:
        problem = rules.row_problem(order, row)
        if problem is None:
            todo.append((n, row))
        elif problem.code == "ALREADY_APPLIED":  # nothing to do: the line already ships so
            out[n] = ("skipped", problem.code, problem.message_ko)
        else:
            out[n] = _refused(problem)
            failing = True
    if failing:
        for n, _ in todo:
            out[n] = ("refused", *NOT_APPLIED)
        return out, []
    for n, _ in todo:
        out[n] = ("applied", None, None)
    return out, [row for _, row in todo]


def rows_json(outcomes: dict[int, Outcome]) -> list[dict[str, Any]]:
    return [{"row": n, "result": r, "code": c, "message_ko": m} for n, (r, c, m) in sorted(outcomes.items())]
