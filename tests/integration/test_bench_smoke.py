"""`make bench` keeps running: every section on tiny sizes (OMS_BENCH_QUICK=1), as `python -m bench`
runs them, and each prints its tables with figures in them (not only "no exception")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: section -> the start of each table title it prints
TABLES = {
    "coldstart": ["Cold import per function"],
    "core": ["DynamoDB requests per operation"],
    "large": ["The largest order"],
    "autoconfirm": ["Auto-confirm job"],
    "payments": ["One PG callback vs a manual deposit", "5 identical deposit callbacks at once"],
    "messages": ["One buyer message vs a memo", "3 resends of one failed message at once"],
    "outbox": ["What the outbox adds to a change", "Relay throughput on DynamoDB Local"],
    "tracking": ["Requests per courier event", "Provider requests per 1,000 tracked parcels per day",
                 "Polling fallback: provider requests"],
    "deposits": ["Requests per polled account"],
    "channels": ["Pulling ", "Pushing "],
    "staff": ["What masking, the permission check and the access record add"],
    "claims": ["Requests per claim operation"],
    "ingest": ["Invoice ingestion: ", "Invoice ingestion peak memory"],
    "export-requests": ["DynamoDB requests of an export of N chosen orders"],
    "export-job": ["Bulk job on the local stack"],
    "scale": ["Scale: DynamoDB requests by partition key shape", "Scale model: Lambda concurrency"],
    "exports": ["Export workbook", "Library choice", "Bulk PDF order sheets", "Cold import, CPU"],
}
NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")


def parse_tables(out: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """The markdown tables bench.common.print_table printed: title -> (header, rows)."""
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    title = None
    for line in out.splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
            tables[title] = ([], [])
        elif line.startswith("|") and title is not None:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            header, rows = tables[title]
            if not header:
                header.extend(cells)
            elif not set(line) <= set("|-"):
                rows.append(cells)
        else:
            title = None
    return tables


@pytest.mark.xdist_group("bench")
def test_every_bench_section_prints_its_figures() -> None:
    from bench.__main__ import SECTIONS

    assert set(TABLES) == set(SECTIONS), "a bench section without its expected tables here (or the reverse)"
    # the environment `make bench` has: none of the test session's AWS, Powertools or table settings
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_ENDPOINT_URL", "POWERTOOLS_")) and k not in ("TABLE_NAME", "LOG_LEVEL")}
    paths = [ROOT / "local", ROOT / "shared", *sorted(p for p in (ROOT / "functions").iterdir() if p.is_dir()), ROOT]
    env.update(OMS_BENCH_QUICK="1", PYTHONPATH=os.pathsep.join(map(str, paths)))
    done = subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    tables = parse_tables(done.stdout)
    for section, titles in TABLES.items():
        for start in titles:
            found = [t for t in tables if t.startswith(start)]
            assert len(found) == 1, (section, start, list(tables))
            header, rows = tables[found[0]]
            assert rows, (section, found[0], "no rows")
            for row in rows:
                assert len(row) == len(header), (found[0], row)
                assert any(NUMBER.match(cell) for cell in row), (found[0], row, "no figure in the row")
            # a request count of 0 is a counter that no longer sees the requests (the bench's rot)
            for i, name in enumerate(header):
                if "requests" in name and "ratio" not in name:
                    values = [row[i] for row in rows if NUMBER.match(row[i])]
                    assert values and all(float(v.replace(",", "")) > 0 for v in values), (found[0], name, values)
