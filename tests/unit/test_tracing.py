"""Nothing a function answers goes to X-Ray, and the API functions do without the X-Ray SDK."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from oms_local.template import load_template

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(REPO_ROOT / "functions").rglob("*.py"), *(REPO_ROOT / "shared").rglob("*.py")])
CAPTURING = {"capture_lambda_handler", "capture_method"}


def test_template_turns_response_capture_off_for_every_function() -> None:
    tpl: dict[str, Any] = load_template()
    gfn = tpl["Globals"]["Function"]
    assert gfn["Tracing"] == "Active"
    assert gfn["Environment"]["Variables"]["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    for logical_id, res in tpl["Resources"].items():
        own = ((res.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
        assert own.get("POWERTOOLS_TRACER_CAPTURE_RESPONSE", "false") == "false", logical_id


def _tracer_decorators(path: Path) -> list[ast.expr]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr in CAPTURING:
                    found.append(dec)
    return found


def test_every_tracer_decorator_says_capture_response_false() -> None:
    decorators = {p: _tracer_decorators(p) for p in SOURCES}
    assert sum(len(d) for d in decorators.values()) >= 3  # the jobs keep their Tracer
    for path, decs in decorators.items():
        for dec in decs:
            assert isinstance(dec, ast.Call), f"{path}:{dec.lineno} captures the response (bare decorator)"
            flags = {k.arg: k.value for k in dec.keywords}
            value = flags.get("capture_response")
            assert isinstance(value, ast.Constant) and value.value is False, f"{path}:{dec.lineno}"


@pytest.mark.parametrize("module", ["admin_api.app", "buyer_api.app", "webhooks_api.app"])
def test_api_functions_import_no_xray_sdk(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('aws_xray_sdk')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == "[]"
