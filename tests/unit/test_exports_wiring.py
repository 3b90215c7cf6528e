"""ExportsFunction's wiring: the local gateway routes its paths to it from template.yaml (and the
rest of /admin still to the admin API), its bucket is created locally, and the spreadsheet and PDF
libraries never load in the admin API's cold start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oms_local.gateway import Gateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    return Gateway(ROOT / "template.yaml", table_name="oms-unit", port=0)


@pytest.mark.parametrize(("method", "path", "function"), [
    ("POST", "/admin/exports", "ExportsFunction"),
    ("GET", "/admin/exports/templates", "ExportsFunction"),
    ("PUT", "/admin/exports/templates/t1", "ExportsFunction"),
    ("GET", "/admin/exports/fields", "ExportsFunction"),
    ("GET", "/admin/orders/20260302-000001/sheet", "ExportsFunction"),
    ("POST", "/admin/orders/sheets", "ExportsFunction"),
    ("GET", "/admin/orders/20260302-000001", "OrdersFunction"),
    ("POST", "/admin/orders/bulk/status", "OrdersFunction"),
    ("GET", "/admin/orders", "OrdersFunction"),
    ("GET", "/admin/invoices/template", "InvoicesFunction"),
    ("POST", "/admin/jobs", "ExportsFunction"),
    ("GET", "/admin/jobs", "ExportsFunction"),
    ("GET", "/admin/jobs/20260302-ab", "ExportsFunction"),
    ("POST", "/admin/jobs/20260302-ab/cancel", "ExportsFunction"),
])
def test_gateway_routes_from_the_template(gateway: Gateway, method: str, path: str, function: str) -> None:
    found = gateway.match_route(method, path)
    assert found is not None and found[0].function.logical_id == function


def test_exports_function_env_and_bucket(gateway: Gateway) -> None:
    fn = gateway.functions["ExportsFunction"]
    assert fn.handler == "exports_fn.app.lambda_handler"
    assert fn.env["EXPORT_BUCKET"].startswith("oms-exports-")
    assert fn.env["EXPORT_BUCKET"] in gateway.bucket_names()


def test_jobs_queue_worker_mapping_and_dead_letter_queue(gateway: Gateway) -> None:
    from oms_local.sqs_events import mappings, queue_specs

    (m,) = [m for m in mappings(gateway) if m.queue == "JobsQueue"]
    assert (m.function, m.queue, m.batch_size, m.report_failures) == ("JobsWorkerFunction", "JobsQueue", 5, True)
    specs = {q.logical_id: q for q in queue_specs(gateway)}
    assert specs["JobsQueue"].dlq == "JobsDeadLetterQueue" and specs["JobsQueue"].max_receive == 5
    res = gateway.template["Resources"]
    worker_timeout = res["JobsWorkerFunction"]["Properties"]["Timeout"]
    assert res["JobsQueue"]["Properties"]["VisibilityTimeout"] >= 6 * worker_timeout
    # the job's messages are queued by the outbox relay once the job item exists (its job_start intent)
    relay = res["RelayFunction"]["Properties"]
    assert relay["Environment"]["Variables"]["JOBS_QUEUE_URL"] == {"Ref": "JobsQueue"}
    sends = [st for p in relay["Policies"] for st in p["Statement"] if "sqs:SendMessage" in st["Action"]]
    assert any({"Fn::GetAtt": ["JobsQueue", "Arn"]} in st["Resource"] for st in sends)
    api = res["ExportsFunction"]["Properties"]
    assert "JOBS_QUEUE_URL" not in api["Environment"]["Variables"]
    # the worker takes a job's snapshot: it pages the order list, whose cursors are signed
    worker = res["JobsWorkerFunction"]["Properties"]
    assert worker["Environment"]["Variables"]["CURSOR_KEY_PARAM"] == {"Ref": "CursorKeyParameter"}
    reads = [st for p in worker["Policies"] for st in p["Statement"] if st.get("Sid") == "CursorKeyRead"]
    assert reads and reads[0]["Action"] == ["ssm:GetParameter"]
    assert "${CursorKeyParameter}" in reads[0]["Resource"]["Fn::Sub"]
    assert "CURSOR_KEY_PARAM" not in api["Environment"]["Variables"]  # the API call no longer pages it
    actions = {a for p in api["Policies"] for st in p["Statement"] for a in (
        st["Action"] if isinstance(st["Action"], list) else [st["Action"]])}
    assert "sqs:SendMessage" not in actions and "dynamodb:Scan" not in actions


def test_admin_api_cold_start_loads_no_export_or_print_code() -> None:
    code = ("import sys, json; import admin_api.app; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('openpyxl', 'xlsxwriter', 'reportlab', 'PIL', 'exports_fn') "
            "or m.startswith(('oms.printing', 'oms.excel', 'oms.services.exports')))))")
    paths = [str(ROOT / "shared"), str(ROOT / "local"), *(str(p) for p in sorted((ROOT / "functions").iterdir()))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "TABLE_NAME": "t", "POWERTOOLS_TRACE_DISABLED": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_exports_function_ships_the_exports_extra_and_the_font() -> None:
    import re
    import tomllib

    makefile = (ROOT / "functions" / "exports" / "Makefile").read_text()
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["exports"]
    # requirements/exports.in holds the extra's ranges (test_template), locked in exports.lock
    wanted = [line for line in (ROOT / "requirements" / "exports.in").read_text().splitlines()
              if line and not line.startswith("#")]
    assert sorted(wanted) == sorted(extra)
    assert re.search(r"requirements/exports\.lock$", makefile, re.M) and "--require-hashes" in makefile
    assert "build-ExportsFunction:" in makefile and "build-JobsWorkerFunction:" in makefile
    # the font comes from a Debian package at build time, licence beside it; nothing at run time
    assert "fonts-nanum" in makefile and "NanumGothic-LICENSE.txt" in makefile
    assert "http" not in (ROOT / "shared" / "oms" / "printing" / "fonts.py").read_text().lower()
