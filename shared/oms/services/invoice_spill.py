"""The rows of one invoice workbook, spilled to a SQLite file in the ingestion's temp directory.

Ingestion must see every row before it applies anything (a row anywhere in the file can refuse
its order, and the file guards refuse the whole file), but holding every row in memory makes a
50,000-row file cost ~100x a 500-row one. So the first streaming pass writes one compact record
per row here (its decision so far and the cells to echo in the result workbook); orders are then
read back one group at a time, in order-id order, and each order's per-row outcomes are written
back as it completes. The result workbook is written by streaming this file, not by reading the
upload a second time. Memory stays flat whatever the row count; /tmp holds a few MB.

Only the ingesting thread uses the connection (workers get plain values).
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

#: a row decided without reading any order (skipped, or refused without an order number)
DECIDED = 0
#: a row refused before its order is read (bad courier, empty number ...): it blocks its order
BLOCKED = 1
#: a valid row to check against its order
CANDIDATE = 2

Outcome = tuple[str, str | None, str | None]
#: (n, kind, line_id, courier, tracking_no, quantity, result, code, message)
RowRecord = tuple[int, int, str | None, str | None, str | None, int | None, str | None, str | None, str | None]

_BATCH = 1000


class Spill:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -4096;
            CREATE TABLE rows (
                n INTEGER PRIMARY KEY, order_id TEXT, kind INTEGER NOT NULL, line_id TEXT, courier TEXT,
                tracking_no TEXT, quantity INTEGER, result TEXT, code TEXT, message TEXT, cells BLOB NOT NULL);
            CREATE TABLE outcome (n INTEGER PRIMARY KEY, result TEXT NOT NULL, code TEXT, message TEXT);
            CREATE TABLE done (order_id TEXT PRIMARY KEY, applied INTEGER NOT NULL);
        """)
        self._pending: list[tuple[Any, ...]] = []
        self._done: list[tuple[str, bool, list[tuple[Any, ...]]]] = []
        self.rows_total = 0

    def close(self) -> None:
        self.db.close()

    # ---- the first pass ------------------------------------------------------------------

    def add(self, n: int, kind: int, order_id: str | None, cells: list[Any], *, line_id: str | None = None,
            courier: str | None = None, tracking_no: str | None = None, quantity: int | None = None,
            outcome: Outcome | None = None) -> None:
        result, code, message = outcome or (None, None, None)
        self._pending.append((n, order_id, kind, line_id, courier, tracking_no, quantity, result, code, message,
                              pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL)))
        self.rows_total += 1
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO rows VALUES (?,?,?,?,?,?,?,?,?,?,?)", self._pending)
            self.db.execute("COMMIT")
            self._pending.clear()

    def seal(self) -> None:
        """End of the first pass: index the rows by order."""
        self._flush()
        self.db.execute("CREATE INDEX rows_by_order ON rows (order_id, n) WHERE kind > 0")

    def orders_total(self) -> int:
        return int(self.db.execute("SELECT COUNT(DISTINCT order_id) FROM rows WHERE kind > 0").fetchone()[0])

    # ---- orders ----------------------------------------------------------------------------

    def mark_done(self, order_id: str, applied: bool, rows: Iterable[tuple[int, Outcome]]) -> None:
        """An order's outcome (from this run, or from the import's result items on a resumed run)."""
        self._done.append((order_id, applied, [(n, *o) for n, o in rows]))
        if len(self._done) >= 64:
            self.flush_done()

    def flush_done(self) -> None:
        if not self._done:
            return
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR IGNORE INTO done VALUES (?, ?)", [(o, int(a)) for o, a, _ in self._done])
        self.db.executemany("INSERT OR REPLACE INTO outcome VALUES (?,?,?,?)",
                            [r for _, _, rows in self._done for r in rows])
        self.db.execute("COMMIT")
        self._done.clear()

    def done_counts(self) -> tuple[int, int]:
        """(orders done, orders applied)."""
        done, applied = self.db.execute("SELECT COUNT(*), COALESCE(SUM(applied), 0) FROM done").fetchone()
        return int(done), int(applied)

    def pending_orders(self) -> Iterator[tuple[str, list[RowRecord]]]:
        """Each order not done yet with its rows (in row order), one order at a time."""
        cur = self.db.execute(
            "SELECT order_id, n, kind, line_id, courier, tracking_no, quantity, result, code, message FROM rows"
            " WHERE kind > 0 AND order_id NOT IN (SELECT order_id FROM done) ORDER BY order_id, n")
        current: str | None = None
        group: list[RowRecord] = []
        while batch := cur.fetchmany(500):
            for oid, *rest in batch:
                if oid != current:
                    if current is not None:
                        yield current, group
                    current, group = oid, []
                group.append(tuple(rest))
        if current is not None:
            yield current, group

    # ---- the result ------------------------------------------------------------------------

    def results(self, default: Outcome) -> Iterator[tuple[list[Any], Outcome]]:
        """Every input row in file order: its cells and its final outcome."""
        cur = self.db.execute(
            "SELECT r.cells, o.result, o.code, o.message, r.result, r.code, r.message"
            " FROM rows r LEFT JOIN outcome o ON o.n = r.n ORDER BY r.n")
        while batch := cur.fetchmany(500):
            for cells, res, code, msg, res0, code0, msg0 in batch:
                if res is not None:
                    outcome: Outcome = (res, code, msg)
                elif res0 is not None:
                    outcome = (res0, code0, msg0)
                else:
                    outcome = default
                # our own file in the ingestion's private temp dir, holding what openpyxl read (str,
                # numbers, dates): not untrusted input
                yield pickle.loads(cells), outcome  # noqa: S301
